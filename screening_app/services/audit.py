"""`audit verify`: the station's history is whole, in order, and matches its records.

Walks the hash chain (the first broken link, gap or reordering is named), then checks
every sealed interview against its own hash and against the hash its finalisation event
recorded, so a record changed behind the program's back (triggers dropped, a row
rewritten) is found even when its row hash was recomputed to match.
"""

from dataclasses import dataclass

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.messages import N_
from screening_app.services.authz import require_role
from screening_app.store.chain import verify_chain
from screening_app.store.sealed_records import sealed_record_problems
from screening_app.store.signed_history import (
    acknowledged_history_problems,
    verify_signed_history,
)
from screening_app.store.station import Station


@dataclass(frozen=True)
class AuditReport:
    events: int
    head_seq: int
    head_hash: str
    records: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditService:
    def __init__(self, station: Station, keys=None):
        self._station = station
        self._keys = keys  # how the station's checkpoints are checked

    def verify(self, actor: Actor) -> AuditReport:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("verify the station's history"))
        db = self._station.db
        chain = verify_chain(db)
        problems = [chain.problem] if chain.problem else []
        sealed, record_problems = sealed_record_problems(db, self._station.review)
        problems.extend(record_problems)
        verifier = self._keys.checkpoint_verifier() if self._keys is not None else None
        problems.extend(verify_signed_history(db, self._station.station_id,
                                              verifier).problems)
        problems.extend(acknowledged_history_problems(db))
        return AuditReport(chain.events, chain.head_seq, chain.head_hash, sealed,
                           tuple(problems))
