"""Supervisors' decisions on finalised interviews: one row per decision, never changed
(the database refuses UPDATE and DELETE); the latest decision is the current state.

What each column holds: ``reason`` is the sentence the decision gives, which the history
shows: why an interview was sent back or rejected (the interviewer reads it), or the
supervisor's note when approving (required when the record is flagged: why it is approved
despite its flags). ``comment`` is an optional further remark."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

_FIELDS = ("id", "interview_id", "state", "reason", "comment", "reviewer_id", "at")


@dataclass(frozen=True)
class ReviewRow:
    id: str
    interview_id: str
    state: str
    reason: str | None
    comment: str | None
    reviewer_id: str
    at: str


class ReviewRepository:
    def __init__(self, db: Database):
        self._db = db

    def insert(self, review: ReviewRow) -> None:
        self._db.execute(
            f"INSERT INTO reviews ({', '.join(_FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [getattr(review, name) for name in _FIELDS])

    def latest(self, interview_id: str) -> ReviewRow | None:
        row = self._db.execute(
            f"SELECT {', '.join(_FIELDS)} FROM reviews WHERE interview_id = ?"
            " ORDER BY at DESC, rowid DESC LIMIT 1", [interview_id]).fetchone()
        return ReviewRow(*row) if row else None

    def latest_for(self, interview_ids: Sequence[str]) -> dict[str, ReviewRow]:
        """The latest decision on each of these interviews that has one."""
        found: dict[str, ReviewRow] = {}
        for start in range(0, len(interview_ids), 500):
            chunk = list(interview_ids[start:start + 500])
            rows = self._db.execute(
                f"SELECT {', '.join(_FIELDS)} FROM reviews"
                f" WHERE interview_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY at, rowid", chunk).fetchall()
            for row in rows:
                found[row[1]] = ReviewRow(*row)  # later rows replace earlier ones
        return found
