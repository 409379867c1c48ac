"""Supervisors' decisions on finalised interviews: one row per decision, never changed
(the database refuses UPDATE and DELETE); the latest decision is the current state.

What each column holds: ``reason`` is the sentence the decision gives, which the history
shows: why an interview was sent back or rejected (the interviewer reads it), or the
supervisor's note when approving (required when the record is flagged: why it is approved
despite its flags). ``comment`` is an optional further remark."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlite_utils import Database

from screening_app.store.connection import local_date

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


class QueueRow(NamedTuple):
    """A finalised interview as the review queue lists it, with its latest decision (the
    choice still sealed where the station has a review key)."""

    interview_id: str
    subject_isn: str
    name_native: str | None
    name_latin: str | None
    compound: str | None
    interviewer_login: str
    finalised_at: str
    outcome: str
    choice: str | None
    state: str
    reason: str | None
    interviewer_id: str
    interviewer_display_name: str | None
    protocol_sha256: str
    non_completion_reason: str | None
    comment: str | None
    reviewer_id: str | None
    reviewed_at: str | None
    sealed_choice: bytes | None


_QUEUE_SQL = """
SELECT interviews.id, interviews.subject_isn,
       json_extract(interviews.subject_snapshot, '$.name_native'),
       json_extract(interviews.subject_snapshot, '$.name_latin'),
       json_extract(interviews.subject_snapshot, '$.compound'),
       users.name, interviews.finalised_at, interviews.outcome, interviews.choice,
       coalesce(latest.state, 'received'), latest.reason,
       interviews.interviewer_id, users.display_name, interviews.protocol_sha256,
       interviews.non_completion_reason, latest.comment, latest.reviewer_id, latest.at,
       interviews.sealed_choice
FROM interviews
JOIN users ON users.id = interviews.interviewer_id
LEFT JOIN reviews AS latest ON latest.rowid = (
    SELECT rowid FROM reviews WHERE reviews.interview_id = interviews.id
    ORDER BY at DESC, rowid DESC LIMIT 1)
WHERE interviews.status = 'final'
"""


# Each filter of the queue as SQL (a day is a local day in the station's time zone, given
# before the day itself). The interviewer is found without joining the users, so that
# counting reads the interviews' indexes only.
_FILTERS = (
    ("state", "coalesce(latest.state, 'received') = ?"),
    ("interviewer", "interviews.interviewer_id IN (SELECT id FROM users WHERE name = ?)"),
    ("compound", "coalesce(json_extract(interviews.subject_snapshot, '$.compound'), '')"
                 " COLLATE NOCASE = ?"),
    ("day", "local_date(interviews.finalised_at, ?) = ?"),
    ("outcome", "interviews.outcome = ?"),
)

# The columns the queue sorts in SQL, each by the value it shows (the state by its rank
# among the labels as people read them, given with the query). Text is compared without
# case, as people read it. The name, the compound and the ISN are read from migration
# 0024's indexes, so a page sorted by them reads its own rows only; the others read every
# row the filters let through (their values are in other tables).
QUEUE_ORDERS = {
    "subject_isn": "interviews.subject_isn",
    "subject_name": "coalesce(json_extract(interviews.subject_snapshot, '$.name_native'),"
                    " json_extract(interviews.subject_snapshot, '$.name_latin'), '')"
                    " COLLATE NOCASE",
    "compound": "coalesce(json_extract(interviews.subject_snapshot, '$.compound'), '')"
                " COLLATE NOCASE",
    "interviewer": "coalesce(nullif(users.display_name, ''), users.name) COLLATE NOCASE",
    "finalised_at": "interviews.finalised_at",
    "reason": "coalesce(latest.reason, '') COLLATE NOCASE",
    "state": None,  # a CASE over the states in the order given (_state_rank)
}


@dataclass(frozen=True)
class QueueFilter:
    """What the queue's filters let through: None lets everything through."""

    state: str | None = None
    interviewer: str | None = None
    compound: str | None = None
    day: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class QueueOrder:
    """A column of ``QUEUE_ORDERS``, which way, and for the state the states in the order
    people read their labels (any state not named comes last)."""

    column: str = "finalised_at"
    descending: bool = False
    states: tuple[str, ...] = ()


def _state_rank(states: tuple[str, ...]) -> tuple[str, list]:
    cases = "".join(" WHEN ? THEN ?" for _ in states)
    params: list = []
    for rank, state in enumerate(states):
        params += [state, rank]
    return (f"CASE coalesce(latest.state, 'received'){cases} ELSE {len(states)} END",
            params)


class ReviewQueueQueries:
    """The review queue's reads: finalised interviews with their latest decision, and
    what the flags read from the history."""

    def __init__(self, db: Database):
        self._db = db

    def queue(self, *, time_zone: str, state: str | None = None,
              interviewer: str | None = None, compound: str | None = None,
              day: str | None = None, outcome: str | None = None) -> list[QueueRow]:
        """Every finalised interview the filters let through (a day is a local day in
        ``time_zone``), oldest first."""
        where, params = _where(QueueFilter(state, interviewer, compound, day, outcome),
                               time_zone)
        return [QueueRow._make(row) for row in self._db.execute(
            _QUEUE_SQL + where + " ORDER BY interviews.finalised_at, interviews.id", params)]

    def page(self, *, time_zone: str, filters: QueueFilter, order: QueueOrder,
             after: tuple | None, limit: int) -> list[tuple[QueueRow, tuple]]:
        """Up to ``limit`` rows the filters let through, in ``order``, from just after the
        row whose position ``after`` gives (None: from the first); each with its own
        position, to ask for the next page with."""
        where, params = _where(filters, time_zone)
        key, key_params = _order_key(order)
        direction = " DESC" if order.descending else ""
        if after is not None:
            # The row's position is its value and its id: the next page goes on from it
            # whatever was decided or recorded since (no offset to shift).
            where += f" AND ({key}, interviews.id) {'<' if order.descending else '>'} (?, ?)"
            params += key_params + list(after)
        sql = (_QUEUE_SQL.replace("SELECT ", f"SELECT {key}, ", 1) + where
               + f" ORDER BY {key}{direction}, interviews.id{direction} LIMIT ?")
        rows = self._db.execute(sql, key_params + params + key_params + [limit]).fetchall()
        return [(QueueRow._make(row[1:]), (row[0], row[1])) for row in rows]

    def count(self, *, time_zone: str, filters: QueueFilter) -> int:
        """How many finalised interviews the filters let through."""
        where, params = _where(filters, time_zone)
        return self._db.execute(_COUNT_SQL + where, params).fetchone()[0]

    def ids(self, *, time_zone: str, filters: QueueFilter, order: QueueOrder) -> list[str]:
        """Every finalised interview the filters let through, in ``order``: ids only (read
        from an index alone when the order and the filters allow)."""
        where, params = _where(filters, time_zone)
        key, key_params = _order_key(order)
        direction = " DESC" if order.descending else ""
        sql = _COUNT_SQL.replace("count(*)", "interviews.id", 1)
        if order.column == "interviewer":
            sql = sql.replace("\nWHERE interviews.status", "\nJOIN users ON users.id ="
                              " interviews.interviewer_id\nWHERE interviews.status", 1)
        return [row[0] for row in self._db.execute(
            sql + where + f" ORDER BY {key}{direction}, interviews.id{direction}",
            params + key_params)]

    def outcomes(self) -> list[tuple]:
        """(id, protocol, outcome, choice, reason not completed, sealed choice) of every
        finalised interview: what its outcome's label is made of."""
        return self._db.execute(
            "SELECT id, protocol_sha256, outcome, choice, non_completion_reason,"
            " sealed_choice FROM interviews WHERE status = 'final'").fetchall()

    def rows(self, interview_ids: Sequence[str]) -> dict[str, QueueRow]:
        """These finalised interviews' rows, by id."""
        found: dict[str, QueueRow] = {}
        for start in range(0, len(interview_ids), 500):
            chunk = list(interview_ids[start:start + 500])
            for row in self._db.execute(
                    _QUEUE_SQL + f" AND interviews.id IN ({','.join('?' * len(chunk))})",
                    chunk):
                found[row[0]] = QueueRow._make(row)
        return found

    def one(self, interview_id: str) -> QueueRow | None:
        row = self._db.execute(_QUEUE_SQL + " AND interviews.id = ?",
                               [interview_id]).fetchone()
        return QueueRow._make(row) if row else None

    def sent_back_to(self, user_id: str) -> list[QueueRow]:
        """An interviewer's interviews sent back and not yet taken again (no newer
        interview supersedes them)."""
        return [QueueRow._make(row) for row in self._db.execute(
            _QUEUE_SQL + " AND coalesce(latest.state, 'received') = 'sent_back'"
            " AND interviews.interviewer_id = ? AND NOT EXISTS (SELECT 1 FROM interviews"
            " AS later WHERE later.supersedes_id = interviews.id)"
            " ORDER BY interviews.finalised_at", [user_id])]

    def filter_values(self, time_zone: str) -> tuple[set[str], set[str], set[str]]:
        """The interviewers' logins, the compounds and the local days of the finalised
        interviews, each read from an index rather than from every record."""
        logins = {name for (name,) in self._db.execute(
            "SELECT name FROM users WHERE EXISTS (SELECT 1 FROM interviews"
            " WHERE interviews.interviewer_id = users.id AND status = 'final')")}
        # As the compound filter compares them: without case (migration 0024's index).
        compounds = {compound for (compound,) in self._db.execute(
            f"SELECT DISTINCT {QUEUE_ORDERS['compound']} FROM interviews"
            " WHERE status = 'final'") if compound}
        # Each distinct minute converted once, in Python: the day of a minute depends on
        # the zone's offset then, and an offset may be a half or a quarter hour.
        minutes = self._db.execute("SELECT DISTINCT substr(finalised_at, 1, 16)"
                                   " FROM interviews WHERE status = 'final'").fetchall()
        return logins, compounds, {local_date(minute, time_zone)
                                   for (minute,) in minutes if minute}

    def interview_status(self, interview_id: str) -> str | None:
        row = self._db.execute("SELECT status FROM interviews WHERE id = ?",
                               [interview_id]).fetchone()
        return row[0] if row else None

    # -- what the flags read from the history -----------------------------------------------
    def print_counts(self, interview_id: str | None = None) -> dict[str, int]:
        """How many times each interview's form was printed (one interview's, or all)."""
        sql = "SELECT interview_id, count(*) FROM events WHERE kind = 'document.printed'"
        params: list = []
        if interview_id is not None:
            sql, params = sql + " AND interview_id = ?", [interview_id]
        return dict(self._db.execute(sql + " GROUP BY interview_id", params).fetchall())

    def step_events(self, interview_id: str | None = None) -> dict[str, list[tuple]]:
        """(kind, at, payload) of the steps entered, by interview, in order: how records
        taken before the sealed journal kept their steps."""
        sql = ("SELECT interview_id, kind, at, payload FROM events"
               " WHERE kind = 'interview.step_entered'")
        params: list = []
        if interview_id is not None:
            sql, params = sql + " AND interview_id = ?", [interview_id]
        steps: dict[str, list[tuple]] = {}
        for found_id, kind, at, payload in self._db.execute(sql + " ORDER BY seq", params):
            steps.setdefault(found_id, []).append((kind, at, json.loads(payload)))
        return steps

    def paper_gave_times(self, interview_ids: Sequence[str]) -> set[str]:
        """Those of ``interview_ids`` (transcribed) whose paper gave both its start and its
        end, as their start and finalisation events recorded."""
        given: dict[str, int] = {}
        for start in range(0, len(interview_ids), 500):
            chunk = list(interview_ids[start:start + 500])
            for interview_id, kind, payload in self._db.execute(
                    "SELECT interview_id, kind, payload FROM events"
                    " WHERE kind IN ('interview.started', 'interview.finalised')"
                    f" AND interview_id IN ({', '.join('?' * len(chunk))})", chunk):
                key = "started_at_given" if kind == "interview.started" else "ended_at_given"
                given[interview_id] = given.get(interview_id, 0) + bool(
                    json.loads(payload).get(key))
        return {interview_id for interview_id, count in given.items() if count == 2}


_COUNT_SQL = """
SELECT count(*) FROM interviews
LEFT JOIN reviews AS latest ON latest.rowid = (
    SELECT rowid FROM reviews WHERE reviews.interview_id = interviews.id
    ORDER BY at DESC, rowid DESC LIMIT 1)
WHERE interviews.status = 'final'
"""


def _where(filters: QueueFilter, time_zone: str) -> tuple[str, list]:
    where, params = "", []
    for name, clause in _FILTERS:
        value = getattr(filters, name)
        if value:
            where += f" AND {clause}"
            params += [time_zone, value] if name == "day" else [value]
    return where, params


def _order_key(order: QueueOrder) -> tuple[str, list]:
    if order.column == "state":
        return _state_rank(order.states)
    return QUEUE_ORDERS[order.column], []


class ListRow(NamedTuple):
    """A person on the roster with the interviews the revised lists read: their latest
    approved one and their latest finalised one (None where there is none)."""

    isn: str
    name_native: str | None
    name_latin: str | None
    compound: str | None
    approved_id: str | None
    latest_id: str | None


_LIST_SQL = """
SELECT subjects.isn, subjects.name_native, subjects.name_latin, subjects.compound,
  (SELECT interviews.id FROM interviews JOIN reviews ON reviews.interview_id = interviews.id
     AND reviews.rowid = (SELECT rowid FROM reviews r2 WHERE r2.interview_id = interviews.id
                          ORDER BY at DESC, rowid DESC LIMIT 1)
   WHERE interviews.subject_isn = subjects.isn AND reviews.state = 'approved'
   ORDER BY interviews.finalised_at DESC LIMIT 1) AS approved_id,
  (SELECT interviews.id FROM interviews WHERE interviews.subject_isn = subjects.isn
     AND interviews.status = 'final' ORDER BY interviews.finalised_at DESC LIMIT 1) AS latest_id
FROM subjects ORDER BY subjects.isn
"""


class FigureRow(NamedTuple):
    """A finalised interview as the dashboard counts it (the choice still sealed where the
    station has a review key)."""

    subject_isn: str
    compound: str | None
    day: str  # the local day it was finalised on
    interviewer_id: str
    outcome: str
    choice: str | None
    non_completion_reason: str | None
    protocol_sha256: str
    interview_id: str
    sealed_choice: bytes | None


class CampQueries:
    """What the revised lists and the dashboard read of the whole camp."""

    def __init__(self, db: Database):
        self._db = db

    def people_for_lists(self) -> list[ListRow]:
        """Everyone on the roster, by ISN, with their latest approved and latest
        finalised interviews."""
        return [ListRow._make(row) for row in self._db.execute(_LIST_SQL)]

    def latest_states(self) -> dict[str, str]:
        """Each reviewed interview's latest decision."""
        return dict(self._db.execute(
            "SELECT interview_id, state FROM reviews r WHERE rowid = (SELECT rowid FROM reviews"
            " r2 WHERE r2.interview_id = r.interview_id ORDER BY at DESC, rowid DESC LIMIT 1)"))

    def final_for_figures(self, time_zone: str) -> list[FigureRow]:
        return [FigureRow._make(row) for row in self._db.execute(
            "SELECT subject_isn, json_extract(subject_snapshot, '$.compound'),"
            " local_date(finalised_at, ?), interviewer_id, outcome, choice,"
            " non_completion_reason, protocol_sha256, id, sealed_choice FROM interviews"
            " WHERE status = 'final'", [time_zone])]
