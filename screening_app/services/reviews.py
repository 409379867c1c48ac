"""Supervisor review: every finalised interview is received, then approved, sent back
(with a reason the interviewer sees, leading to a new linked interview) or rejected (with
a reason). Decisions are new records and events; the interview itself never changes.

Automatic flags (domain/review_flags.py) point the supervisor at what looks wrong, each
with the figures behind it. Not yet here (see the issue): the countersignature on
approval, the dashboard and the revised lists.
"""

import json
import uuid
from dataclasses import dataclass

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import NotFound, UserError
from screening_app.domain.interview import InterviewStatus
from screening_app.domain.review_flags import (
    FlagSettings,
    ReviewFlag,
    record_flags,
    skew_flags,
    step_durations,
    uniform_compound_flags,
)
from screening_app.protocol import default_protocol
from screening_app.services.authz import require_role
from screening_app.store.connection import write_transaction
from screening_app.store.interviews import InterviewRepository
from screening_app.store.station import Station

RECEIVED = "received"
DECISIONS = ("approved", "sent_back", "rejected")


@dataclass(frozen=True)
class ReviewItem:
    interview_id: str
    subject_isn: str
    subject_name: str
    compound: str | None
    interviewer: str
    finalised_at: str
    outcome: str
    choice: str | None
    state: str
    reason: str | None


_QUEUE_SQL = """
SELECT interviews.id, interviews.subject_isn,
       json_extract(interviews.subject_snapshot, '$.name_native'),
       json_extract(interviews.subject_snapshot, '$.name_latin'),
       json_extract(interviews.subject_snapshot, '$.compound'),
       users.name, interviews.finalised_at, interviews.outcome, interviews.choice,
       coalesce(latest.state, 'received'), latest.reason
FROM interviews
JOIN users ON users.id = interviews.interviewer_id
LEFT JOIN reviews AS latest ON latest.rowid = (
    SELECT rowid FROM reviews WHERE reviews.interview_id = interviews.id
    ORDER BY at DESC, rowid DESC LIMIT 1)
WHERE interviews.status = 'final'
"""


class ReviewFlags:
    """Flags for the review queue: per interview, and for the camp as a whole."""

    def __init__(self, per_interview: dict[str, list[ReviewFlag]], camp: list[ReviewFlag]):
        self.per_interview = per_interview
        self.camp = camp

    def for_interview(self, interview_id: str) -> list[ReviewFlag]:
        return self.per_interview.get(interview_id, [])


class ReviewService:
    def __init__(self, station: Station, settings=None):
        self._station = station
        self._db = station.db
        self._settings = settings
        # Set by the composition root: countersigns the stored form on approval.
        self.on_approve = None

    def queue(self, actor: Actor, *, state: str | None = None, interviewer: str | None = None,
              compound: str | None = None, day: str | None = None,
              outcome: str | None = None, interpreter: str | None = None) -> list[ReviewItem]:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="review interviews")
        where, params = [], []
        for clause, value in (
            ("coalesce(latest.state, 'received') = ?", state),
            ("users.name = ?", interviewer),
            ("json_extract(interviews.subject_snapshot, '$.compound') = ?", compound),
            ("substr(interviews.finalised_at, 1, 10) = ?", day),
            ("interviews.outcome = ?", outcome),
            ("json_extract(interviews.answers, '$.interpreter_name') = ?", interpreter),
        ):
            if value:
                where.append(clause)
                params.append(value)
        sql = _QUEUE_SQL + "".join(f" AND {w}" for w in where)
        rows = self._db.execute(sql + " ORDER BY interviews.finalised_at, interviews.id",
                                params).fetchall()
        return [ReviewItem(r[0], r[1], " / ".join(n for n in (r[2], r[3]) if n), r[4], r[5],
                           r[6], r[7], r[8], r[9], r[10]) for r in rows]

    def filter_values(self, actor: Actor) -> dict[str, list[str]]:
        """The interviewers, interpreters, compounds and days that occur among finalised
        interviews, for the queue's filters."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="review interviews")
        # One pass over the finalised interviews rather than a query per filter.
        found: dict[str, set] = {"interviewer": set(), "interpreter": set(), "compound": set(),
                                 "day": set()}
        for row in self._db.execute(
                "SELECT DISTINCT users.name, json_extract(answers, '$.interpreter_name'),"
                " json_extract(subject_snapshot, '$.compound'), substr(finalised_at, 1, 10)"
                " FROM interviews JOIN users ON users.id = interviews.interviewer_id"
                " WHERE status = 'final'"):
            for key, value in zip(found, row, strict=True):
                if value is not None:
                    found[key].add(value)
        return {key: sorted(values) for key, values in found.items()}

    def state(self, interview_id: str) -> str:
        row = self._db.execute(
            "SELECT state FROM reviews WHERE interview_id = ? ORDER BY at DESC, rowid DESC"
            " LIMIT 1", [interview_id]).fetchone()
        return row[0] if row else RECEIVED

    def decide(self, actor: Actor, interview_id: str, decision: str, *,
               reason: str | None = None, comment: str | None = None) -> str:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="review interviews")
        if decision not in DECISIONS:
            raise UserError(f"Unknown decision {decision!r}; use {', '.join(DECISIONS)}.")
        reason = (reason or "").strip() or None
        if decision in ("sent_back", "rejected") and not reason:
            raise UserError("Sending back or rejecting needs a reason the interviewer will see.")
        row = self._db.execute("SELECT status FROM interviews WHERE id = ?",
                               [interview_id]).fetchone()
        if row is None:
            raise NotFound(f"There is no interview {interview_id!r} at this station.")
        if row[0] != "final":
            raise UserError("Only finalised interviews are reviewed; this one is a draft.")
        current = self.state(interview_id)
        if current != RECEIVED:
            raise UserError(f"Interview {interview_id} was already {current.replace('_', ' ')};"
                            " a decision is final (a new linked interview starts over).")
        with write_transaction(self._db):
            if decision == "approved" and self.on_approve is not None:
                # In the same transaction: an approval always carries its countersignature.
                self.on_approve(actor, interview_id)
            self._db.execute(
                "INSERT INTO reviews (id, interview_id, state, reason, comment, reviewer_id, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [str(uuid.uuid4()), interview_id, decision, reason, comment, actor.user_id,
                 utc_now()])
            self._station.events.append(
                f"review.{decision}", {"reason": reason, "comment": comment},
                actor_id=actor.user_id, interview_id=interview_id)
        return decision

    def flags(self, actor: Actor, settings: FlagSettings | None = None) -> ReviewFlags:
        """Every finalised interview's flags, and the camp-wide ones (outcome skew by
        interviewer or interpreter, compounds answering as one)."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="review interviews")
        if settings is None:
            protocol = default_protocol()
            station = self._settings
            settings = FlagSettings(
                minimum_duration_seconds=protocol.minimum_duration_seconds,
                minimum_explanation_seconds=protocol.minimum_explanation_seconds,
                explanation_step=protocol.explanation_step or "explanation",
                **({} if station is None else {
                    "max_prints": int(station.get("flag_max_prints")),
                    "skew_min_interviews": int(station.get("flag_skew_min_interviews")),
                    "skew_alpha": float(station.get("flag_skew_alpha")),
                    "uniform_min_interviews": int(station.get("flag_uniform_min_interviews")),
                }))
        records = InterviewRepository(self._db).find(status=InterviewStatus.FINAL)
        by_subject: dict[str, list] = {}
        for record in records:
            by_subject.setdefault(record.subject_isn, []).append(record)
        prints = dict(self._db.execute(
            "SELECT interview_id, count(*) FROM events WHERE kind = 'document.printed'"
            " GROUP BY interview_id").fetchall())
        steps: dict[str, list] = {}
        for interview_id, kind, at, payload in self._db.execute(
                "SELECT interview_id, kind, at, payload FROM events"
                " WHERE kind = 'interview.step_entered' ORDER BY seq"):
            steps.setdefault(interview_id, []).append((kind, at, json.loads(payload)))
        per_interview = {}
        for record in records:
            durations = step_durations(steps.get(record.id, []), record.ended_at)
            found = record_flags(record, durations, prints.get(record.id, 0),
                                 by_subject[record.subject_isn], settings)
            if found:
                per_interview[record.id] = found
        camp = skew_flags(records, settings) + uniform_compound_flags(records, settings)
        return ReviewFlags(per_interview, camp)

    def sent_back_to(self, actor: Actor) -> list[ReviewItem]:
        """An interviewer's own interviews sent back and not yet taken again (no newer
        interview supersedes them), with the supervisor's reason."""
        require_role(actor, *Role, action="see sent-back interviews")
        sql = (_QUEUE_SQL + " AND coalesce(latest.state, 'received') = 'sent_back'"
               " AND interviews.interviewer_id = ? AND NOT EXISTS (SELECT 1 FROM interviews"
               " AS later WHERE later.supersedes_id = interviews.id)"
               " ORDER BY interviews.finalised_at")
        rows = self._db.execute(sql, [actor.user_id]).fetchall()
        # Status only: the interviewer sees why, never the person's choice.
        return [ReviewItem(r[0], r[1], " / ".join(n for n in (r[2], r[3]) if n), r[4], r[5],
                           r[6], r[7], None, r[9], r[10]) for r in rows]
