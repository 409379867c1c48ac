"""Conflicts: one person, two stations, two different final choices.

The rule. For each person (ISN) and each station, that station's *current* record is its
latest final interview (by ``finalised_at``) with outcome "completed" whose latest review
is not "rejected". When the current records of two or more stations carry different
choices, the person has one open conflict listing every such record. A correction at the
same station (a later record) replaces that station's earlier one, so it is never a
conflict by itself.

Nothing is overwritten: an operator resolves a conflict by appending a resolution that
names the record kept, who decided and why; the merged lists then use the kept record.
The resolution covers the records it saw. If a station later sends a record the operator
has not seen and the stations still disagree, a new conflict opens. If the stations come
to agree (a correction, a rejection), an open conflict is closed automatically, with a
resolution saying so, because the rule no longer finds a contradiction.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import NotFound, UserError
from screening_app.hq.store_interface import HqStore
from screening_app.hq.store_rows import ConflictRow, HeldInterview, ResolutionRow

AUTOMATIC_OPERATOR = "headquarters (automatic)"
COMPLETED = "completed"
REJECTED = "rejected"


@dataclass(frozen=True)
class ConflictRecord:
    """One station's current record, as a conflict shows it."""

    station_id: str
    interview_id: str
    choice: str | None
    finalised_at: str
    review_state: str
    interviewer: str | None
    name_native: str | None = None
    name_latin: str | None = None

    @classmethod
    def of(cls, held: HeldInterview) -> "ConflictRecord":
        return cls(held.station_id, held.id, held.choice, held.finalised_at,
                   held.review_state, held.interviewer_name, held.name_native,
                   held.name_latin)

    @classmethod
    def from_summary(cls, entry: dict) -> "ConflictRecord":
        return cls(entry["station_id"], entry["interview_id"], entry.get("choice"),
                   entry.get("finalised_at", ""), entry.get("review_state", "received"),
                   entry.get("interviewer"), entry.get("name_native"), entry.get("name_latin"))

    def summary(self) -> dict:
        return {"station_id": self.station_id, "interview_id": self.interview_id,
                "choice": self.choice, "finalised_at": self.finalised_at,
                "review_state": self.review_state, "interviewer": self.interviewer,
                "name_native": self.name_native, "name_latin": self.name_latin}


@dataclass(frozen=True)
class Conflict:
    id: int
    isn: str
    detected_at: str
    status: str  # "open" or "resolved"
    records: tuple[ConflictRecord, ...]
    resolution: ResolutionRow | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def kept(self) -> ConflictRecord | None:
        if self.resolution is None:
            return None
        return next((r for r in self.records
                     if r.interview_id == self.resolution.keep_interview_id), None)

    def describe(self) -> str:
        """``KOJE-62: enlist; PUSAN-1: repatriate``."""
        return "; ".join(f"{r.station_id}: {r.choice}" for r in self.records)


# -- the rule -------------------------------------------------------------------------------
def current_records(records: Iterable[HeldInterview]) -> dict[str, HeldInterview]:
    """Each station's current record among one person's final records."""
    current: dict[str, HeldInterview] = {}
    for record in records:
        if record.outcome != COMPLETED or record.review_state == REJECTED:
            continue
        held = current.get(record.station_id)
        # The id breaks a tie in time, so the answer never depends on the order of rows.
        if held is None or (record.finalised_at, record.id) > (held.finalised_at, held.id):
            current[record.station_id] = record
    return current


def disagree(current: dict[str, HeldInterview]) -> bool:
    return len({record.choice for record in current.values()}) > 1


def covered_by(resolved: Conflict | None, current: dict[str, HeldInterview]) -> bool:
    """True when an operator's decision still stands for these current records: it saw
    every one of them, and the record it kept is still current."""
    if resolved is None or resolved.resolution is None:
        return False
    seen = {record.interview_id for record in resolved.records}
    ids = {record.id for record in current.values()}
    return ids <= seen and resolved.resolution.keep_interview_id in ids


def summary_of(current: dict[str, HeldInterview]) -> list[dict]:
    return [ConflictRecord.of(current[station]).summary() for station in sorted(current)]


# -- reading --------------------------------------------------------------------------------
def _conflict(row: ConflictRow, resolution: ResolutionRow | None) -> Conflict:
    return Conflict(row.id, row.isn, row.detected_at, row.status,
                    tuple(ConflictRecord.from_summary(entry) for entry in row.summary),
                    resolution)


def _latest_resolutions(store: HqStore) -> dict[int, ResolutionRow]:
    latest: dict[int, ResolutionRow] = {}
    for resolution in store.resolutions():
        latest[resolution.conflict_id] = resolution  # ordered by id: the last one wins
    return latest


def all_conflicts(store: HqStore, status: str | None = None) -> list[Conflict]:
    """Conflicts (newest last), each with its resolution when resolved."""
    resolutions = _latest_resolutions(store) if status != "open" else {}
    return [_conflict(row, resolutions.get(row.id)) for row in store.conflicts(status)]


def open_conflicts(store: HqStore) -> list[Conflict]:
    return all_conflicts(store, "open")


def get_conflict(store: HqStore, conflict_id: int) -> Conflict:
    row = store.conflict(conflict_id)
    if row is None:
        raise NotFound(f"There is no conflict {conflict_id}; 'screening-app hq conflicts'"
                       " lists them.")
    resolutions = store.resolutions(conflict_id)
    return _conflict(row, resolutions[-1] if resolutions else None)


def latest_resolved_by_isn(store: HqStore) -> dict[str, Conflict]:
    """The most recent resolved conflict of each person who had one."""
    latest: dict[str, Conflict] = {}
    for conflict in all_conflicts(store, "resolved"):
        latest[conflict.isn] = conflict  # ordered by id: the last one wins
    return latest


# -- detecting ------------------------------------------------------------------------------
def detect(store: HqStore, isns: Sequence[str]) -> list[str]:
    """Apply the rule to these people (call inside the intake's write transaction): open a
    conflict, bring an open one up to date, or close one the stations no longer support.
    Returns the ISNs in open conflict afterwards."""
    if not isns:
        return []
    in_conflict = []
    now = utc_now()
    with store.transaction():
        # One writer at a time opens or decides conflicts: two stations' intakes that touch
        # the same person must not both open a conflict for them.
        store.lock_conflicts()
        opened = store.open_conflicts(isns)
        # Only two stations' records can contradict each other: a person whose records all
        # come from one station (most people) is not read, unless a conflict of theirs is
        # open (which cannot be, as records are never taken away; checked all the same).
        wanted = sorted(set(store.held_at_several_stations(isns)) | opened.keys())
        records: dict[str, list[HeldInterview]] = defaultdict(list)
        for held in store.final_interviews(wanted) if wanted else ():
            records[held.subject_isn].append(held)
        resolved = latest_resolved_by_isn(store) if wanted else {}
        for isn in wanted:
            if _apply_rule(store, isn, records.get(isn, []), resolved.get(isn),
                           opened.get(isn), now):
                in_conflict.append(isn)
    return in_conflict


def _apply_rule(store: HqStore, isn: str, records: list[HeldInterview],
                resolved: Conflict | None, opened: ConflictRow | None, now: str) -> bool:
    current = current_records(records)
    if disagree(current) and not covered_by(resolved, current):
        summary = summary_of(current)
        if opened is None:
            store.insert_conflict(isn, now, summary)
        elif opened.summary != summary:
            store.update_conflict_summary(opened.id, summary)
        return True
    if opened is not None:
        _close_automatically(store, opened, current, now)
    return False


def _close_automatically(store: HqStore, opened: ConflictRow,
                         current: dict[str, HeldInterview], now: str) -> None:
    if current:
        latest = max(current.values(), key=lambda r: (r.finalised_at, r.id))
        keep = latest.id
        agreed = "; ".join(f"{station}: {current[station].choice}" for station in sorted(current))
        if disagree(current):
            note = ("Closed automatically: an operator's earlier decision covers the stations'"
                    f" current records ({agreed}).")
        else:
            note = f"Closed automatically: the stations' current records now agree ({agreed})."
    else:
        # The kept id must name a held record; none is current, so this one is kept only
        # on paper: the merged lists follow the rule, which finds no contradiction.
        keep = max(opened.summary, key=lambda e: (e["finalised_at"], e["interview_id"])
                   )["interview_id"]
        note = ("Closed automatically: no station holds a current completed record of this"
                " person any more (rejected or corrected).")
    # The summary keeps the records that contradicted each other: that is what happened.
    store.insert_resolution(opened.id, now, AUTOMATIC_OPERATOR, keep, note)


# -- resolving ------------------------------------------------------------------------------
def resolve(hq, conflict_id: int, keep_interview_id: str, operator: str, note: str
            ) -> Conflict:
    """An operator's decision: keep one of the conflicting records. Appends a resolution;
    nothing else is changed. ``keep_interview_id`` may be the first characters of the id."""
    store: HqStore = hq.store
    note = (note or "").strip()
    typed = (operator or "").strip()
    operator = {name.casefold(): name for name in store.operator_names()}.get(
        typed.casefold(), "")  # as the operators table spells it
    if not note:
        raise UserError("Say why this record is kept (--note); the decision is kept with it.")
    if not operator:
        raise UserError(f"{typed!r} is not a headquarters operator.")
    conflict = get_conflict(store, conflict_id)
    _require_open(conflict)
    # Bring it up to date first (committed on its own: a conflict the stations no longer
    # support is closed whatever the operator does next), so the decision is made on the
    # records as they are.
    detect(store, [conflict.isn])
    with store.transaction():
        store.lock_conflicts()
        conflict = get_conflict(store, conflict_id)
        if not conflict.is_open and conflict.resolution is not None \
                and conflict.resolution.operator == AUTOMATIC_OPERATOR:
            raise UserError(f"Conflict {conflict_id} ({conflict.isn}) no longer holds:"
                            f" {conflict.resolution.note[0].lower()}"
                            f"{conflict.resolution.note[1:]}")
        _require_open(conflict)
        kept = _match(conflict, keep_interview_id)
        store.insert_resolution(conflict_id, utc_now(), operator, kept.interview_id, note)
    return get_conflict(store, conflict_id)


def _require_open(conflict: Conflict) -> None:
    if conflict.is_open:
        return
    decided = conflict.resolution
    raise UserError(f"Conflict {conflict.id} ({conflict.isn}) was already resolved"
                    + (f" on {decided.decided_at[:10]} by {decided.operator}." if decided
                       else "."))


def _match(conflict: Conflict, wanted: str) -> ConflictRecord:
    wanted = (wanted or "").strip().lower()
    found = [r for r in conflict.records if wanted and r.interview_id.lower().startswith(wanted)]
    if len(found) == 1:
        return found[0]
    choices = ", ".join(f"{r.interview_id[:8]} ({r.station_id}: {r.choice})"
                        for r in conflict.records)
    if not found:
        raise UserError(f"{wanted!r} is not one of the records of conflict {conflict.id};"
                        f" keep one of: {choices}.")
    raise UserError(f"{wanted!r} matches more than one record of conflict {conflict.id};"
                    " give more of the id.")
