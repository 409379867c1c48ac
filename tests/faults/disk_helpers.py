"""A station on a small disk that a test fills, frees and makes read-only.

The disk is a tmpfs of a few megabytes mounted for the test (mounting needs root, as on
the test machines and in CI) and unmounted after it. Where mounting is not permitted, a
full disk is imitated instead: the command runs in a child process whose files may not
grow (RLIMIT_FSIZE, with SIGXFSZ ignored, so that a write fails with EFBIG or comes up
short, which SQLite reports as a full disk), and the tests that need a real mount (a
read-only folder, a disk filled under the desktop app) are skipped with the reason.
SCREENING_APP_TEST_DISK=rlimit forces the imitation, to check it where mounting works.
"""

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from screening_app.cli import run
from screening_app.domain.accounts import Actor
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices, init_station
from screening_app.store.connection import DATABASE_FILENAME
from tests.conftest import (
    PASSWORD,
    SMALL_ROSTER,
    cli,
    install_test_certificate,
    install_test_user_certificate,
    write_csv,
)

DISK_SIZE = "3m"
FORCE_IMITATION = "SCREENING_APP_TEST_DISK"
REPOSITORY = Path(__file__).resolve().parents[2]
STATION_ID = "DISK-01"
FINAL_ISN = "NK-100001"  # finalised when the station is made; every check looks at it


# -- mounting ---------------------------------------------------------------------------------
def mount_tmpfs(folder: Path, size: str, *options: str) -> str | None:
    """Mount a tmpfs of ``size`` on ``folder``: None when mounted, else why not."""
    if os.environ.get(FORCE_IMITATION) == "rlimit":
        return f"{FORCE_IMITATION}=rlimit"
    if shutil.which("mount") is None:
        return "there is no mount command"
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", *options)), "tmpfs",
         str(folder)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return result.stderr.strip() or f"mount exited with {result.returncode}"
    return None


def remount(folder: Path, *options: str) -> None:
    subprocess.run(["mount", "-o", ",".join(("remount", *options)), str(folder)],
                   capture_output=True, text=True, check=True)


def unmount(folder: Path) -> None:
    """Unmount; a disk still in use is a leaked file in the test, so it fails the test
    (after detaching the mount, so the next tests are not affected)."""
    result = subprocess.run(["umount", str(folder)], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)
        raise AssertionError(f"{folder} was still in use at the end of the test:"
                             f" {result.stderr.strip()}")


# -- the command line -------------------------------------------------------------------------
@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def _then(unlock, after_sign_in):
    """``unlock``, then ``after_sign_in(data_dir)`` the moment the user is signed in."""
    def unlock_then(data_dir, name, password):
        opened = unlock(data_dir, name, password)
        after_sign_in(Path(data_dir))
        return opened

    return staticmethod(unlock_then)


def child_main(argv: list[str]) -> int:
    """In the imitation's child process: the suite's quick password settings, then the
    command, whose files may not grow from the moment the user is signed in."""
    from argon2 import PasswordHasher

    from screening_app.pki import sealed
    from screening_app.services import accounts

    sealed.ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    StationServices.unlock = _then(StationServices.unlock, _stop_files_growing)
    return run(argv)


def _stop_files_growing(data_dir: Path) -> None:
    import resource
    import signal

    # No file may grow past a page more than the write-ahead log holds after the sign-in
    # (and never below 16 KiB, so the key file, a few KiB rewritten whole, still fits):
    # the command's own writes then fail with EFBIG, as they would with ENOSPC.
    wal = data_dir / f"{DATABASE_FILENAME}-wal"
    limit = max(wal.stat().st_size if wal.exists() else 0, 16 * 1024) + 4096
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))


# -- the disk ---------------------------------------------------------------------------------
class SmallDisk:
    def __init__(self, folder: Path, why_not_mounted: str | None, capsys, monkeypatch):
        self.folder = folder
        self.why_not_mounted = why_not_mounted
        self.filler = folder / "filler"
        self._capsys, self._monkeypatch = capsys, monkeypatch

    @property
    def mounted(self) -> bool:
        return self.why_not_mounted is None

    def require_mount(self, what: str) -> None:
        if not self.mounted:
            pytest.skip(f"mounting a tmpfs is not permitted here ({self.why_not_mounted}),"
                        f" and the file size limit that stands in for it cannot show {what}")

    def fill(self, leave_kib: int = 0) -> None:
        """Write a filler file until the disk takes no more, then give back ``leave_kib``
        (room for a small write, not for a large one)."""
        self.require_mount("a disk filled under this process")
        handle = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 20, 1 << 16, 1 << 12):  # down to tmpfs's page
                block = bytes(size)
                try:
                    while True:
                        os.write(handle, block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
            if leave_kib:
                os.ftruncate(handle, max(0, os.fstat(handle).st_size - leave_kib * 1024))
        finally:
            os.close(handle)

    def free(self) -> None:
        """Make room again (the imitation's limit lived only in its child process)."""
        self.filler.unlink(missing_ok=True)

    @contextlib.contextmanager
    def read_only(self) -> Iterator[None]:
        """The whole disk read-only (every file on it closed first), writable again after."""
        self.require_mount("a read-only folder")
        remount(self.folder, "ro")
        try:
            yield
        finally:
            remount(self.folder, "rw")

    def cli(self, *argv, stdin: str = "", full: bool = False, leave_kib: int = 0
            ) -> CliResult:
        """Run the command line; with ``full`` the disk fills up (but for ``leave_kib``) the
        moment the user is signed in, so that the command's own writes meet it."""
        argv = [str(a) for a in argv]
        if full and not self.mounted:
            return self._cli_in_child(argv, stdin, leave_kib)
        with self._monkeypatch.context() as patch:
            if full:
                patch.setattr(StationServices, "unlock", _then(
                    StationServices.unlock, lambda _data_dir: self.fill(leave_kib)))
            return CliResult(*cli(self._capsys, patch, *argv, stdin=stdin))

    def _cli_in_child(self, argv: list[str], stdin: str, leave_kib: int) -> CliResult:
        if leave_kib:
            self.require_mount("a disk with a little room left")
        child = subprocess.run(
            [sys.executable, "-c", "import sys; from tests.faults.disk_helpers import"
             " child_main; sys.exit(child_main(sys.argv[1:]))", *argv],
            input=stdin, capture_output=True, text=True, cwd=REPOSITORY, timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False)
        return CliResult(child.returncode, child.stdout, child.stderr)


@pytest.fixture(name="small_disk")
def small_disk_fixture(tmp_path, capsys, monkeypatch) -> Iterator[SmallDisk]:
    folder = tmp_path / "disk"
    why_not = mount_tmpfs(folder, DISK_SIZE)
    if why_not is not None:
        try:
            import resource  # noqa: F401 - the imitation needs it
        except ImportError:
            pytest.skip(f"no tmpfs ({why_not}) and no resource limits on this platform")
        folder.mkdir(parents=True, exist_ok=True)
    yield SmallDisk(folder, why_not, capsys, monkeypatch)
    if why_not is None:
        unmount(folder)


# -- a station on it --------------------------------------------------------------------------
@dataclass
class DiskStation:
    disk: SmallDisk
    data_dir: Path
    inputs: Path  # files the user gives the commands, kept off the small disk
    final_id: str

    def cli(self, *argv, user: str = "admin", more_stdin: tuple[str, ...] = (),
            full: bool = False, leave_kib: int = 0) -> CliResult:
        stdin = "".join(f"{line}\n" for line in (PASSWORD, *more_stdin))
        return self.disk.cli("--data-dir", self.data_dir, *argv, "--user", user,
                             "--password-stdin", stdin=stdin, full=full, leave_kib=leave_kib)

    @contextlib.contextmanager
    def open(self, user: str = "admin") -> Iterator[tuple[StationServices, Actor]]:
        services, actor = StationServices.unlock(self.data_dir, user, PASSWORD)
        try:
            yield services, actor
        finally:
            services.close()

    def answers_file(self, name: str, choice: str = "enlist") -> Path:
        path = self.inputs / name
        path.write_text(json.dumps({"answers": complete_answers(choice)}), encoding="utf-8")
        return path

    def prove_whole(self, new_isn: str) -> None:
        """Nothing corrupted: the database passes its integrity check, the history and every
        sealed record verify, the record made at the start is unchanged, and the station
        works: a new interview of ``new_isn`` finalises."""
        with self.open() as (services, admin):
            db = services.station.db
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            before = services.interviews.load(admin, self.final_id).record
            assert before.is_final and before.record_sha256 == before.computed_hash()
            audit = services.audit.verify(admin)
            assert audit.ok, audit.problems
            sealed_before = audit.records
        with self.open("ivan") as (services, ivan):
            interview = services.transcription.record(
                ivan, new_isn, {"answers": complete_answers("repatriate")}, "after the fault")
            assert interview.record.is_final and interview.record.choice == "repatriate"
        with self.open() as (services, admin):
            audit = services.audit.verify(admin)
            assert audit.ok and audit.records == sealed_before + 1, audit.problems


def make_disk_station(disk: SmallDisk, inputs: Path, test_keys) -> DiskStation:
    """A station on the small disk with an admin, a supervisor, an interviewer, the small
    roster and one finalised record; closed, as between two commands."""
    inputs.mkdir(parents=True, exist_ok=True)
    data_dir = disk.folder / "station"
    services = init_station(data_dir, STATION_ID, "Koje-do", "admin", PASSWORD)
    try:
        admin = services.sign_in("admin", PASSWORD)
        install_test_certificate(services, admin, test_keys)
        services.accounts.add_user(admin, "sup", "supervisor", PASSWORD)
        ivan = services.accounts.add_user(admin, "ivan", "interviewer", PASSWORD)
        install_test_user_certificate(services, ivan, test_keys)
        services.roster.import_file(admin, write_csv(inputs / "roster.csv", SMALL_ROSTER))
        final = services.transcription.record(
            ivan, FINAL_ISN, {"answers": complete_answers("enlist")}, "paper")
    finally:
        services.close()
    return DiskStation(disk, data_dir, inputs, final.record.id)


@pytest.fixture(name="disk_station")
def disk_station_fixture(small_disk, tmp_path, test_keys) -> DiskStation:
    return make_disk_station(small_disk, tmp_path / "inputs", test_keys)


def full_disk_message(folder: Path) -> str:
    return (f"screening-app: The disk holding {folder} is full: nothing was saved; free some"
            " space and try again.\n")


def read_only_message(folder: Path, station: bool = True) -> str:
    where = "The station's folder" if station else "The folder"
    return (f"screening-app: {where} {folder} cannot be written to (read-only): nothing was"
            " saved; make it writable and try again.\n")
