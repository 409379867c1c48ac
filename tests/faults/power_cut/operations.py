"""The operations the power-cut tests cut, each a real command of the program run as a
child on the power-cut file system, and what must hold after a cut at any point of it.

A prepared site (``prepare``: tests/faults/site.py's station and headquarters, after the
kill test's warm-up, with a bundle waiting for headquarters, an answer from headquarters
waiting for the station, and the input files) is copied for every cut, so each cut starts
from the same state: ``cut_operation`` copies it, mounts the copy, runs the operation,
cuts the power before the nth fsync (or right after the command ended), and checks.

After every cut: the station opens with every account's password and the `check`
service passes; tests/faults/checks.py's KillChecker finds every reported record,
approval, export, intake and application there, the history verifying and headquarters
holding each bundle whole or not at all; and what the operation itself must leave (the
key file one whole version, old or new; a roster imported all or nothing; a backup or a
bundle whole, or refused cleanly when it is taken in).
"""

import contextlib
import io
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.faults.checks import Expectations, KillChecker
from tests.faults.kill_workload import (
    INITIAL_ROSTER,
    SUPERVISOR,
    Workload,
    down_folder,
    outbox_folder,
    roster_pool,
    write_roster_file,
)
from tests.faults.power_cut import child
from tests.faults.power_cut.harness import ChildRun, power_cut_mount
from tests.faults.site import ADMIN, KillSite, prepare_site, warm_up

NEW_PASSWORD = "a new password after the cut"
ROSTER_AFTER = INITIAL_ROSTER + 15
ANSWERS_FILE = "inputs/answers.json"
ROSTER_FILE = "roster-files/roster-power-cut.csv"
# Folders that do not exist yet: the backup and the exports make them.
BACKUPS = "backups/new-stick"
EXPORTS = "exports/new-stick"
LISTS = "lists/new-stick"


@contextlib.contextmanager
def fast_settings() -> Iterator[None]:
    """The suite's cheap argon2 (as tests/conftest.py and the kill workload's child use it)
    for the block, put back afterwards."""
    from argon2 import PasswordHasher

    from screening_app.hq import headquarters
    from screening_app.pki import sealed
    from screening_app.services import accounts

    quick = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sealed, "ARGON2", {"time_cost": 1, "memory_cost": 64, "parallelism": 1})
        patch.setattr(accounts, "_hasher", quick)
        patch.setattr(headquarters, "_operator_hasher", quick)
        yield


@dataclass(frozen=True)
class Prepared:
    site: KillSite
    lines: list[str]  # what the preparation committed, as the kill workload says it
    free_isn: str  # someone on the roster with no interview: finalise records them
    received_id: str  # an interview waiting for the supervisor: approve countersigns it
    waiting_bundle: Path  # exported, not yet taken in at headquarters
    down_bundle: Path  # headquarters' answer, not yet applied
    backup: Path  # of the station as prepared: restore puts it back


def prepare(root: Path, test_keys: dict) -> Prepared:
    """The site every cut starts from (see the module's docstring)."""
    from screening_app.hq.down import build_down_bundle
    from screening_app.hq.headquarters import Headquarters
    from screening_app.protocol.examples import complete_answers
    from screening_app.sync import bundle as bundles

    with fast_settings():
        site = prepare_site(root, test_keys, hq_key=test_keys["station"])
        lines = warm_up(site)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            workload = Workload(site.data_dir, site.hq_dir, 1, site.password,
                                site.hq_passphrase)
            try:
                workload.record()
                workload.export()
                services, supervisor = workload.services, workload.supervisor
                received = services.reviews.queue(supervisor, state="received")
                free = services.station.db.execute(
                    "SELECT isn FROM subjects WHERE NOT EXISTS (SELECT 1 FROM interviews"
                    " WHERE interviews.subject_isn = subjects.isn) ORDER BY isn").fetchone()
            finally:
                workload.close()
        lines += printed.getvalue().splitlines()
        (waiting,) = [line.split()[1] for line in lines if line.startswith("EXPORTED")][-1:]
        bundle = next(outbox_folder(site.data_dir).glob(f"*-{waiting[:8]}{bundles.SUFFIX}"))
        hq = Headquarters.open(site.hq_dir, site.hq_passphrase)
        try:
            down = build_down_bundle(hq, site.station_id, down_folder(site.hq_dir))
        finally:
            hq.close()
    (site.root / ANSWERS_FILE).parent.mkdir(parents=True, exist_ok=True)
    (site.root / ANSWERS_FILE).write_text(json.dumps({"answers": complete_answers("enlist")}),
                                          encoding="utf-8")
    rows = [dict(row) for row in roster_pool()[:ROSTER_AFTER]]
    for row in rows[::20]:
        row["compound"] = "Compound 77"
    write_roster_file(site.root / ROSTER_FILE, rows)
    with fast_settings(), _open_station(site) as (services, supervisor):
        backup = services.backups.backup(supervisor, site.root / "backups" / "prepared").folder
    return Prepared(site, lines, free[0], received[0].interview_id, bundle, down, backup)


# -- the operations ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    name: str
    argv: Callable[[Prepared, Path], list[str]]  # (prepared, the site's root as mounted)
    stdin: str
    # What the command's output says was done, as kill-workload lines (FINAL, ROSTER...).
    reported: Callable[[Prepared, KillSite, ChildRun], list[str]] = lambda *_: []
    # Problems only this operation can leave, on the site after the cut.
    check: Callable[[Prepared, KillSite, ChildRun], list[str]] = lambda *_: []
    expected_code: int = 0  # its exit status when nothing cuts it


def _station(site: Path, user: str, *argv: str) -> list[str]:
    return ["--data-dir", str(KillSite(site).data_dir), *argv, "--user", user,
            "--password-stdin"]


def _succeeded(run: ChildRun, start: str) -> str | None:
    return next((line for line in run.lines if line.startswith(start)), None)


def _finalise_reported(prepared, site, run) -> list[str]:
    from screening_app.store.interviews import InterviewRepository

    line = _succeeded(run, "Recorded transcribed interview ")
    if line is None:
        return []
    interview_id = line.split()[3]
    # The record reported must be there sealed as it was sealed; its hash is read back
    # (the command does not print it) and KillChecker checks it against the record.
    with _open_station(site) as (services, _):
        record = InterviewRepository(services.station.db, services.station.review
                                     ).get(interview_id)
    if record is None:
        return [f"LOST {interview_id}"]
    return [f"FINAL {interview_id} {record.record_sha256}"]


def _roster_check(prepared, site, run) -> list[str]:
    with _open_station(site) as (services, supervisor):
        held = services.roster.count(supervisor)
    if run.code == 0 and held != ROSTER_AFTER:
        return [f"The roster import was reported done but the roster holds {held} people,"
                f" not {ROSTER_AFTER}."]
    if held not in (INITIAL_ROSTER, ROSTER_AFTER):
        return [f"The roster holds {held} people: neither the {INITIAL_ROSTER} before the"
                f" import nor the {ROSTER_AFTER} after it."]
    return []


def _passwd_check(prepared, site, run) -> list[str]:
    from screening_app.services.app import StationServices

    opens = []
    for password in (site.password, NEW_PASSWORD):
        try:
            services, _ = StationServices.unlock(site.data_dir, ADMIN, password)
        except Exception:  # noqa: BLE001 -- the password does not open the station
            continue
        services.close()
        opens.append(password)
    if _succeeded(run, "The password of ") and opens != [NEW_PASSWORD]:
        return [f"The password change was reported done, but {ADMIN!r} is opened by"
                f" {opens or 'neither password'} instead of the new password alone."]
    if len(opens) != 1:
        return [f"{ADMIN!r} is opened by {opens or 'neither password'}: the key file is not"
                " one whole version, old or new."]
    return []


def _approve_reported(prepared, site, run) -> list[str]:
    return [f"APPROVED {prepared.received_id}"] if _succeeded(run, "Approved ") else []


def _export_check(prepared, site, run) -> list[str]:
    """Every bundle file the export left is whole (headquarters takes it in) or refused
    cleanly; the one reported written is there."""
    folder = site.root / EXPORTS
    bundles = sorted(folder.glob("*.scb")) if folder.is_dir() else []
    problems = []
    if _succeeded(run, "Wrote ") and not bundles:
        problems.append(f"The export was reported written but {folder} holds no bundle.")
    for path in bundles:
        problems += _ingest_whole_or_refused(site, path)
    return problems


def _ingest_whole_or_refused(site: KillSite, path: Path) -> list[str]:
    from screening_app.hq.headquarters import Headquarters
    from screening_app.hq.intake import ingest
    from screening_app.sync.bundle import BundleError

    hq = Headquarters.open(site.hq_dir, site.hq_passphrase)
    try:
        ingest(hq, path)
    except BundleError:
        return []  # refused cleanly: nothing of it is taken for whole
    except Exception as error:  # noqa: BLE001 -- anything else is the finding
        return [f"Taking in the bundle {path.name} left after the cut failed: {error!r}."]
    finally:
        hq.close()
    return []


def _apply_reported(prepared, site, run) -> list[str]:
    from screening_app.sync import bundle as bundles

    if run.code != 0:
        return []
    return [f"APPLIED {bundles.read_header(prepared.down_bundle).header.bundle_id}"]


def _backup_check(prepared, site, run) -> list[str]:
    """A backup reported made opens whole; anything else left is refused cleanly."""
    from screening_app.domain.errors import UserError
    from screening_app.services.backup import read_backup

    folder = site.root / BACKUPS
    made = sorted(folder.glob("backup-*")) if folder.is_dir() else []
    reported = _succeeded(run, "Backed up ")
    problems = []
    if reported and not made:
        problems.append(f"The backup was reported made but {folder} holds no backup.")
    for backup in made:
        try:
            read_backup(backup, SUPERVISOR, site.password)
        except UserError as refusal:
            if reported:
                problems.append(f"The backup reported made is not whole: {refusal}")
        except Exception as error:  # noqa: BLE001 -- not refused cleanly
            problems.append(f"Reading the backup {backup.name} failed: {error!r}.")
    return problems


def _lists_check(prepared, site, run) -> list[str]:
    """Lists reported written are there whole: each CSV as the station exports it now (the
    cut changed nothing they hold), the PDF to its end."""
    import tempfile

    if run.code != 0:
        return []
    folder = site.root / LISTS
    with _open_station(site) as (services, supervisor), \
            tempfile.TemporaryDirectory() as again:
        written, _ = services.lists.export(supervisor, Path(again))
        problems = []
        for path in written:
            kept = folder / path.name
            if not kept.is_file():
                problems.append(f"The lists were reported written but {kept} is missing.")
            elif path.suffix == ".csv" and kept.read_bytes() != path.read_bytes():
                problems.append(f"The list {kept.name} reported written is not whole.")
            elif path.suffix == ".pdf" and not kept.read_bytes().rstrip().endswith(b"%%EOF"):
                problems.append(f"The signed lists {kept.name} reported written are not"
                                " whole.")
    return problems


def _restore_check(prepared, site, run) -> list[str]:
    """The database a restore reported replacing is kept, whole, where it said."""
    from screening_app.store.connection import DATABASE_FILENAME

    line = _succeeded(run, "The database it replaced is kept in ")
    if line is None:
        return []
    kept = site.data_dir / Path(line.rstrip(".").rsplit(" ", 1)[1]).name
    database = kept / DATABASE_FILENAME
    if not database.is_file() or database.stat().st_size == 0:
        return [f"The restore reported keeping the database it replaced in {kept.name}, but"
                " it is not there."]
    return []


def _sign_in_check(prepared, site, run) -> list[str]:
    """A refused sign-in counted is counted after the cut (or the attempt is forgotten
    whole, which only gives a guesser one more try); the file never locks anyone out."""
    from screening_app.store.sign_in_throttle import SIGN_IN_ATTEMPTS_FILE

    path = site.data_dir / SIGN_IN_ATTEMPTS_FILE
    if not path.exists():
        return []
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return [f"{path.name} is not whole after the cut: {path.read_bytes()[:80]!r}."]
    return []


def _ingest_reported(prepared, site, run) -> list[str]:
    from screening_app.sync import bundle as bundles

    if run.code != 0:
        return []
    return [f"INGESTED {bundles.read_header(prepared.waiting_bundle).header.bundle_id}"]


OPERATIONS = {
    operation.name: operation for operation in (
        Operation("finalise", lambda p, m: _station(
            m, "ivan", "interview", "record", "--isn", p.free_isn, "--answers",
            str(m / ANSWERS_FILE)), "{password}\n", reported=_finalise_reported),
        Operation("roster-import", lambda p, m: _station(
            m, SUPERVISOR, "roster", "import", str(m / ROSTER_FILE)), "{password}\n",
            check=_roster_check),
        Operation("key-change", lambda p, m: _station(m, ADMIN, "user", "passwd"),
                  "{password}\n" + NEW_PASSWORD + "\n", check=_passwd_check),
        Operation("countersign", lambda p, m: _station(
            m, SUPERVISOR, "review", "approve", p.received_id, "--note",
            "Checked against the signed paper form."), "{password}\n",
            reported=_approve_reported),
        Operation("export", lambda p, m: _station(
            m, SUPERVISOR, "sync", "export", "--to", str(m / EXPORTS)), "{password}\n",
            check=_export_check),
        Operation("apply", lambda p, m: _station(
            m, SUPERVISOR, "sync", "apply",
            str(m / p.down_bundle.relative_to(p.site.root))), "{password}\n",
            reported=_apply_reported),
        Operation("backup", lambda p, m: _station(
            m, SUPERVISOR, "backup", "--to", str(m / BACKUPS)), "{password}\n",
            check=_backup_check),
        Operation("lists-export", lambda p, m: _station(
            m, SUPERVISOR, "lists", "export", "--to", str(m / LISTS)), "{password}\n",
            check=_lists_check),
        Operation("restore", lambda p, m: _station(
            m, SUPERVISOR, "restore", str(m / p.backup.relative_to(p.site.root))),
            "{password}\n", check=_restore_check),
        Operation("failed-sign-in", lambda p, m: _station(m, SUPERVISOR, "check"),
                  "not the password\n", check=_sign_in_check, expected_code=2),
        Operation("hq-intake", lambda p, m: [
            "hq", "ingest", str(m / p.waiting_bundle.relative_to(p.site.root)), "--dir",
            str(KillSite(m).hq_dir), "--password-stdin"], "{hq_passphrase}\n",
            reported=_ingest_reported),
    )
}


# -- one cut ----------------------------------------------------------------------------------
@dataclass
class CutResult:
    operation: str
    cut: tuple[str, int] | None  # the power went before this (fsync, 3); None: after the end
    run: ChildRun
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        where = (f"before {self.cut[0]} {self.cut[1]}" if self.cut
                 else "after the command ended")
        return (f"{self.operation}, power cut {where} (the command printed"
                f" {self.run.lines!r}, exit {self.run.code}): {self.problems}")


def cut_operation(prepared: Prepared, operation: Operation, workdir: Path,
                  cut: tuple[str, int] | None, torn_seed: int | None = None) -> CutResult:
    """Copy the prepared site, run ``operation`` on it on the power-cut file system, cut the
    power before its nth fsync or write (``cut``: ("fsync", n) or ("write", n); None: once
    the command has ended), and check. With ``torn_seed``, the writes lost since each
    file's last fsync may reach the disk in part, the last one torn."""
    backing = workdir / "site"
    shutil.copytree(prepared.site.root, backing, symlinks=True)
    with power_cut_mount(backing, workdir / "mount", torn_seed=torn_seed) as mount:
        if cut is not None:
            mount.arm(*cut)
        stdin = operation.stdin.format(password=prepared.site.password,
                                       hq_passphrase=prepared.site.hq_passphrase)
        argv = operation.argv(prepared, mount.path)
        run = mount.run(lambda: child.main(argv), stdin=stdin)
        if not run.cut:
            mount.cut_now()
    result = CutResult(operation.name, cut, run, mount.counts)
    if cut is None and run.code != operation.expected_code:
        result.problems.append(f"The command ended with exit {run.code} without a power cut"
                               f" (not {operation.expected_code}): {run.stderr[-2000:]}")
        return result
    with fast_settings():
        result.problems += check_site(prepared, operation, KillSite(backing), run)
    return result


def check_site(prepared: Prepared, operation: Operation, site: KillSite, run: ChildRun
               ) -> list[str]:
    expected = Expectations()
    for line in prepared.lines + operation.reported(prepared, site, run):
        if line.startswith("LOST "):
            return [f"The interview {line.split()[1]} reported recorded was lost."]
        expected.take(line)
    checker = KillChecker(site.data_dir, site.hq_dir, site.station_id, site.password,
                          site.hq_passphrase)
    problems = checker.check(expected)
    if problems and problems[0].startswith("The station does not open"):
        return problems
    problems += _station_checks(site)
    return problems + operation.check(prepared, site, run)


def _station_checks(site: KillSite) -> list[str]:
    with _open_station(site) as (services, supervisor):
        return [f"check: {result.name}: {result.detail}"
                for result in services.checks.run(supervisor) if not result.ok]


@contextlib.contextmanager
def _open_station(site: KillSite, user: str = SUPERVISOR):
    from screening_app.services.app import StationServices

    services, actor = StationServices.unlock(site.data_dir, user, site.password)
    try:
        yield services, actor
    finally:
        services.close()



# -- the kill workload, cut at a random write -------------------------------------------------
def cut_workload(prepared: Prepared, workdir: Path, child_seed: int, writes: int,
                 torn_seed: int) -> CutResult:
    """The kill test's child (tests/faults/kill_workload.py) on a copy of the prepared site,
    the power cut instead of its ``writes``th write after it is ready, the lost writes
    torn (``torn_seed``); checked with everything it had printed."""
    from tests.faults import kill_workload
    from tests.faults.kill_workload import FAST_ENV

    backing = workdir / "site"
    shutil.copytree(prepared.site.root, backing, symlinks=True)
    with power_cut_mount(backing, workdir / "mount", torn_seed=torn_seed) as mount:
        site = KillSite(mount.path)

        def arm_when_ready(line: str) -> None:
            if line == "READY":
                mount.arm("write", writes, from_now=True)

        def workload() -> int:
            os.environ[FAST_ENV] = "1"
            return kill_workload.main([str(site.data_dir), str(site.hq_dir),
                                       str(child_seed)])

        run = mount.run(workload, stdin=f"{site.password}\n{site.hq_passphrase}\n",
                        on_line=arm_when_ready)
        mount.cut_now()
    result = CutResult("workload", None, run, mount.counts)
    if not run.cut:
        result.problems.append(f"The workload stopped before the cut (exit {run.code}):"
                               f" {run.stderr[-2000:]}")
        return result
    workload = Operation("workload", lambda *_: [], "",
                         reported=lambda _p, _s, child: [
                             line for line in child.lines
                             if not line.startswith(("READY", "WORK "))])
    with fast_settings():
        result.problems += check_site(prepared, workload, KillSite(backing), run)
    return result
