"""Injected I/O errors, the short form: a command of the program run in a child process under
strace with one system call on the site's folders failing (EIO or ENOSPC) ends with one
sentence and exit 2 (or exit 0 when the call did not matter, with a whole result), leaves
nothing half-written, and a station that opens, checks and verifies, on which the same
command then succeeds (tests/faults/syscall_faults.py says how).

Every fsync and rename of finalising an interview and of changing a password; for the
other operations, the calls that found a fault once and a few others, both errors.
benches/bench_io_errors.py tries every call of every operation with both errors.
"""

import errno
import sqlite3

import pytest

from screening_app.store.connection import DiskFailed, storage_failure
from tests.faults.kill_workload import use_fast_test_settings
from tests.faults.syscall_faults import (
    OPERATIONS,
    Call,
    count_calls,
    prepare_fault_site,
    try_failures,
    why_no_strace,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fault_site(tmp_path_factory, test_keys):
    why_not = why_no_strace()
    if why_not is not None:
        pytest.skip(f"no system call can be made to fail here: {why_not}")
    from screening_app.hq import headquarters
    from screening_app.pki import certificates, sealed
    from screening_app.services import accounts

    with pytest.MonkeyPatch.context() as patch:
        # The suite's quick keys and password costs, as its function fixtures set them,
        # for this module's set-up only.
        patch.setattr(certificates, "new_private_key", lambda: test_keys["station"])
        for module, name in ((sealed, "ARGON2"), (accounts, "_hasher"),
                             (headquarters, "_operator_hasher")):
            patch.setattr(module, name, getattr(module, name))
        use_fast_test_settings()
        return prepare_fault_site(tmp_path_factory.mktemp("io-errors") / "base", test_keys)


@pytest.fixture(name="calls", scope="module")
def calls_fixture(fault_site, tmp_path_factory):
    """The calls of each operation's clean run, counted once for the module."""
    counted: dict[str, list[Call]] = {}

    def of(operation: str) -> list[Call]:
        if operation not in counted:
            counted[operation] = count_calls(OPERATIONS[operation], fault_site,
                                             tmp_path_factory.mktemp("clean"))
        return counted[operation]

    return of


def tried(operation: str, fault_site, chosen: list[tuple[Call, str]], workdir) -> None:
    assert chosen, f"{operation}: no call chosen"
    failures = []
    # Two children at a time: the machines the suite runs on have two cores.
    for trial in try_failures(OPERATIONS[operation], fault_site, chosen, workdir):
        call, error = trial.call, trial.error
        assert not trial.missed, (f"{operation}: {error} aimed at {call} failed"
                                  f" {trial.outcome.injected} instead")
        if trial.problems:
            failures.append(trial.describe())
    assert failures == []


@pytest.mark.parametrize("operation", ["interview record", "user passwd"])
def test_every_fsync_and_rename_failing_leaves_the_station_whole(
        operation, fault_site, calls, tmp_path):
    chosen = [call for call in calls(operation) if call.kind in ("fsync", "rename")]
    assert all(call.alone for call in chosen)
    if operation == "user passwd":  # the key file is written whole, then renamed
        assert any(call.kind == "rename" for call in chosen)
    tried(operation, fault_site, [(call, "EIO") for call in chosen], tmp_path)


def on(calls: list[Call], kind: str, path: str, after: str | None = None) -> Call:
    """The first call of ``kind`` on ``path`` (after the first call on ``after``)."""
    start = 0
    if after is not None:
        start = next(i for i, call in enumerate(calls) if call.path.startswith(after))
    return next(call for call in calls[start:] if call.kind == kind and call.alone
                and call.path.startswith(path))


STATION_WAL = "site/station/station.sqlite3-wal"
HQ_WAL = "site/hq/hq.sqlite3-wal"
# For each operation, the calls tried: (kind, on which path, after a call on which path,
# the error). Each named fault was found by these calls once (see the commits).
SAMPLES = {
    "roster import": [("write", STATION_WAL, None, "ENOSPC")],
    "review approve": [("fsync", STATION_WAL, None, "EIO")],
    "sync apply": [("open", "site/station/station.sqlite3-shm", None, "EIO")],
    # A bundle whose export could not be recorded was left on the stick.
    "sync export": [("fsync", STATION_WAL, "stick/station-", "EIO"),
                    ("fsync", "stick/.station-", None, "ENOSPC")],
    # A backup whose making could not be recorded was left in its folder.
    "backup": [("fsync", STATION_WAL, "backups/backup-", "EIO")],
    # A failing headquarters disk was taken for a refused bundle; a reply that could not be
    # written said nothing was saved after the intake had been.
    "hq ingest": [("fsync", HQ_WAL, None, "EIO"), ("rename", "reply/", None, "EIO")],
}


@pytest.mark.parametrize("operation", SAMPLES)
def test_a_failing_call_in_each_operation_leaves_nothing_half_written(
        operation, fault_site, calls, tmp_path):
    made = calls(operation)
    chosen = [(on(made, kind, path, after), error) for kind, path, after, error
              in SAMPLES[operation]]
    tried(operation, fault_site, chosen, tmp_path)


def failing_disk_sentence(folder) -> str:
    return (f"The disk holding {folder} failed while writing (an input/output error): nothing"
            " was saved; check the disk or stick (or use another) and try again.")


@pytest.mark.parametrize("error", [
    OSError(errno.EIO, "Input/output error"),
    sqlite3.OperationalError("disk I/O error"),  # SQLite's word for EIO, with room left
    # SQLite opens a file read-only when opening it for writing failed, then says so.
    sqlite3.OperationalError("attempt to write a readonly database"),
    sqlite3.OperationalError("unable to open database file"),
])
def test_an_input_output_error_says_the_disk_failed(error, tmp_path):
    failure = storage_failure(error, tmp_path)
    assert isinstance(failure, DiskFailed)
    assert str(failure) == failing_disk_sentence(tmp_path)


def test_an_input_output_error_names_the_folder_of_its_file_not_a_partial_one(tmp_path):
    partial = tmp_path / ".backup-KILL-01-20261204T181409.partial"
    error = OSError(errno.EIO, "Input/output error", str(partial / "station.sqlite3"))
    assert str(storage_failure(error)) == failing_disk_sentence(tmp_path)


def test_unable_to_open_in_a_folder_that_is_not_there_is_not_a_failing_disk(tmp_path):
    error = sqlite3.OperationalError("unable to open database file")
    assert storage_failure(error, tmp_path / "gone") is None
