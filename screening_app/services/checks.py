"""`screening-app check`: is this station's data whole and consistent?"""

from dataclasses import dataclass

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.messages import N_
from screening_app.pki.certificates import load_certificates, to_pem
from screening_app.services.authz import require_role
from screening_app.services.keys import SIGNING
from screening_app.store.chain import verify_chain
from screening_app.store.health import broken_references, integrity_messages, row_counts
from screening_app.store.key_material import StationKeys
from screening_app.store.keyfile import KeyFile, KeyFileError
from screening_app.store.migrations import pending
from screening_app.store.sealed_records import sealed_record_problems
from screening_app.store.signed_history import (
    acknowledged_history_problems,
    verify_signed_history,
)
from screening_app.store.station import Station


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


class CheckService:
    def __init__(self, station: Station, keys=None, grants=None):
        self._station = station
        self._keys = keys  # how the station's checkpoints are checked
        self._grants = grants  # services/grants.py: roles stated in admins' signed grants

    def run(self, actor: Actor) -> list[CheckResult]:
        require_role(actor, Role.ADMIN, Role.SUPERVISOR, action=N_("check the station"))
        db = self._station.db
        results = []
        integrity = integrity_messages(db)
        results.append(CheckResult("database integrity", integrity == ["ok"], "; ".join(integrity)))
        broken_keys = broken_references(db)
        results.append(CheckResult(
            "foreign keys", not broken_keys,
            "ok" if not broken_keys else f"{broken_keys} rows point to missing records",
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
        verifier = self._keys.checkpoint_verifier() if self._keys is not None else None
        history = verify_signed_history(db, self._station.station_id, verifier)
        acknowledged = acknowledged_history_problems(db)
        trouble = list(history.problems) + acknowledged
        results.append(CheckResult(
            "signed history", not trouble,
            "; ".join(trouble[:3]) if trouble else
            f"{history.signed} signed events, {history.checkpoints} checkpoints of the station"))
        records, sealed = sealed_record_problems(db, self._station.review)
        results.append(CheckResult(
            "finalised records", not sealed,
            "; ".join(sealed[:3]) if sealed else
            f"each of the {records} records matches its hash and its finalisation event",
        ))
        review_key = self._keys.review_key_problem() if self._keys is not None else False
        if review_key is not False:
            results.append(CheckResult("review key", review_key is None, review_key or
                                       "its public half, which sessions seal choices to, is"
                                       " the one whose private half reviewers hold"))
        key_file = self._key_file_problem()
        if key_file is not False:
            results.append(CheckResult("key file", key_file is None,
                                       key_file or "its public part is as the program wrote it"))
        if self._grants is not None:
            results.append(self._roles())
        counts = row_counts(db)
        results.append(CheckResult(
            "contents", True, ", ".join(f"{n} {table}" for table, n in counts.items())
        ))
        return results

    def _roles(self) -> CheckResult:
        if not self._grants.enforced():
            return CheckResult("roles", True, "no admin has signed a role grant yet (no admin"
                                              " has a certificate): roles are as the"
                                              " accounts table says")
        problems = self._grants.problems()
        return CheckResult("roles", not problems,
                           "; ".join(problems[:3]) if problems
                           else "every account's role is stated in an admin's signed grant")

    def _key_file_problem(self) -> str | None | bool:
        """What is wrong with station-keys.json's public part: its MAC under the database
        key, and the trust root it publishes against the one the station's certificate
        chains to. False for a plain station, which has no key file."""
        if self._station.key is None:
            return False
        try:
            keyfile = KeyFile.load(self._station.data_dir)
        except KeyFileError as error:
            return str(error)
        problem = keyfile.public_problem(self._station.key)
        if problem:
            return problem
        installed = StationKeys(self._station.db).certificate(SIGNING)
        published = keyfile.public.get("trust_root_pem")
        if installed and installed[1] and published:
            root = load_certificates(installed[1].encode(), "station chain")[-1]
            if to_pem(root).decode().strip() != published.strip():
                return (f"{keyfile.path.name} publishes a trust root that is not the one the"
                        " station's certificate chains to.")
        return None
