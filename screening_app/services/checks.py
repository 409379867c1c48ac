"""`screening-app check`: is this station's data whole and consistent?"""

from dataclasses import dataclass

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.interview import InterviewStatus
from screening_app.services.authz import require_role
from screening_app.store.chain import verify_chain
from screening_app.store.interviews import InterviewRepository
from screening_app.store.migrations import pending
from screening_app.store.station import Station


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


class CheckService:
    def __init__(self, station: Station):
        self._station = station

    def run(self, actor: Actor) -> list[CheckResult]:
        require_role(actor, Role.ADMIN, Role.SUPERVISOR, action="check the station")
        db = self._station.db
        results = []
        integrity = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
        results.append(CheckResult("database integrity", integrity == ["ok"], "; ".join(integrity)))
        broken_keys = db.execute("PRAGMA foreign_key_check").fetchall()
        results.append(CheckResult(
            "foreign keys", not broken_keys,
            "ok" if not broken_keys else f"{len(broken_keys)} rows point to missing records",
        ))
        waiting = pending(db)
        results.append(CheckResult(
            "schema", not waiting, "up to date" if not waiting else f"pending: {', '.join(waiting)}"
        ))
        chain = verify_chain(db)
        results.append(CheckResult(
            "event chain", chain.ok,
            chain.problem or f"{chain.events} events, head {chain.head_hash[:16]}",
        ))
        sealed = self._unsealed_records()
        results.append(CheckResult(
            "finalised records", not sealed,
            "every record matches its hash" if not sealed
            else f"{len(sealed)} finalised records no longer match their hash, first {sealed[0]}",
        ))
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("subjects", "users", "interviews", "events")
        }
        results.append(CheckResult(
            "contents", True, ", ".join(f"{n} {table}" for table, n in counts.items())
        ))
        return results

    def _unsealed_records(self) -> list[str]:
        repo = InterviewRepository(self._station.db)
        return [
            r.id for r in repo.find(status=InterviewStatus.FINAL)
            if r.computed_hash() != r.record_sha256
        ]
