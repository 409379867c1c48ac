"""Backups are encrypted and consistent, restore checks them whole, and headquarters can
recover a station whose every password is lost."""


import pytest

from screening_app.domain.errors import AuthenticationFailed, UserError
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices
from tests.conftest import PASSWORD, cli


@pytest.fixture
def working(roster_station):
    services = roster_station.services
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("enlist")}, "paper")
    return roster_station


def test_a_backup_is_encrypted_and_restores_to_a_station_that_passes_every_check(
        working, tmp_path, capsys, monkeypatch):
    services = working.services
    made = services.backups.backup(working.supervisor, tmp_path / "stick")
    copy = (made.folder / "station.sqlite3").read_bytes()
    assert "김민준".encode() not in copy and b"NK-100001" not in copy
    assert not services.backups.needs_reminder(working.supervisor)

    later = services.transcription.record(working.interviewer, "NK-100002",
                                          {"answers": complete_answers("repatriate")}, "p")
    services.close()
    code, out, err = cli(capsys, monkeypatch, "--data-dir", working.data_dir, "restore",
                         made.folder, "--user", "sup", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err + out
    assert "Restored station TEST-01" in out and "BAD" not in out
    replaced = [p for p in working.data_dir.iterdir() if p.name.startswith("replaced-")]
    assert len(replaced) == 1 and (replaced[0] / "station.sqlite3").exists()  # kept aside

    working.services, actor = StationServices.unlock(working.data_dir, "sup", PASSWORD)
    assert working.services.audit.verify(actor).ok
    assert working.services.interviews._repo.get(later.id) is None  # made after the backup
    code, out, err = cli(capsys, monkeypatch, "--data-dir", working.data_dir, "audit",
                         "verify", "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, out + err


def test_a_backup_altered_or_opened_with_a_wrong_password_is_refused_before_anything_moves(
        working, tmp_path):
    from screening_app.services.backup import restore_backup

    made = working.services.backups.backup(working.admin, tmp_path / "stick")
    with pytest.raises(AuthenticationFailed):
        restore_backup(made.folder, tmp_path / "elsewhere", "sup", "not the password")
    database = made.folder / "station.sqlite3"
    data = bytearray(database.read_bytes())
    data[5000] ^= 0xFF
    database.write_bytes(bytes(data))
    with pytest.raises(UserError, match="changed after the backup was made"):
        restore_backup(made.folder, tmp_path / "elsewhere", "sup", PASSWORD)
    assert not (tmp_path / "elsewhere" / "station.sqlite3").exists()


def test_two_backups_in_the_same_second_are_both_made(working, tmp_path, monkeypatch):
    # Found by benches/bench_io_errors.py, which backs up again at once after each run:
    # the second failed with "Directory not empty".
    from screening_app.services import backup

    monkeypatch.setattr(backup, "utc_now", lambda: "2026-12-04T18:14:09.000000Z")
    first = working.services.backups.backup(working.supervisor, tmp_path / "stick")
    second = working.services.backups.backup(working.supervisor, tmp_path / "stick")
    assert [first.folder.name, second.folder.name] == ["backup-TEST-01-20261204T181409",
                                                       "backup-TEST-01-20261204T181409-2"]
    for made in (first, second):
        backup.read_backup(made.folder, "sup", PASSWORD)


def test_a_restore_that_cannot_copy_the_backup_leaves_the_station_as_it_was(
        working, tmp_path, monkeypatch):
    """The disk fills while the backup's key file is being staged: the station in place is
    untouched, and neither staged file is left behind."""
    import errno
    import shutil
    from pathlib import Path

    from screening_app.services import backup as backup_module
    from screening_app.store.keyfile import KEYFILE_NAME

    made = working.services.backups.backup(working.admin, tmp_path / "stick")
    working.services.close()
    before = sorted(path.name for path in working.data_dir.iterdir())
    copy = shutil.copy2

    def copy_until_the_key_file(source, target):
        if Path(source).name == KEYFILE_NAME:
            raise OSError(errno.ENOSPC, "No space left on device")
        return copy(source, target)

    monkeypatch.setattr(backup_module.shutil, "copy2", copy_until_the_key_file)
    with pytest.raises(OSError):
        backup_module.restore_backup(made.folder, working.data_dir, "sup", PASSWORD)
    assert sorted(path.name for path in working.data_dir.iterdir()) == before
    working.services, _ = StationServices.unlock(working.data_dir, "sup", PASSWORD)


def test_a_supervisor_is_reminded_when_no_backup_was_made_today(working, tmp_path):
    backups = working.services.backups
    assert backups.needs_reminder(working.supervisor)
    assert not backups.needs_reminder(working.interviewer)  # not their task
    backups.backup(working.supervisor, tmp_path / "stick")
    assert not backups.needs_reminder(working.supervisor)
    assert backups.needs_reminder(working.supervisor, today="2099-01-01")


def test_headquarters_recovers_a_station_whose_passwords_are_all_lost(
        working, tmp_path, test_keys):
    from screening_app.records.verifying import verify_pdf
    from screening_app.services.recovery import recover_account
    from screening_app.sync.bundle import load_age_identity
    from tests.fake_headquarters import make_fake_headquarters

    headquarters = make_fake_headquarters(tmp_path, test_keys)
    working.services.sync.trust_headquarters(working.admin, headquarters.public_file)
    working.services.close()

    services, admin = recover_account(working.data_dir, load_age_identity(
        headquarters.age_secret), "admin", "a brand new passphrase")
    working.services = services
    assert services.keys.readiness() is None  # the station's signing key opens again
    services.lists.export(admin, tmp_path / "lists")  # and signs its lists
    assert verify_pdf((tmp_path / "lists" / "revised-lists.pdf").read_bytes(),
                      [test_keys["ca"][1]]).valid
    assert services.audit.verify(admin).ok
    services.close()
    working.services, _ = StationServices.unlock(working.data_dir, "admin",
                                                 "a brand new passphrase")
    with pytest.raises(AuthenticationFailed):
        StationServices.unlock(working.data_dir, "admin", PASSWORD)


def test_a_backup_of_another_station_replaces_this_one_only_when_asked(
        working, tmp_path, capsys, monkeypatch):
    from screening_app.services.app import init_station

    made = working.services.backups.backup(working.supervisor, tmp_path / "stick")
    other_dir = tmp_path / "other"
    init_station(other_dir, "OTHER-02", "Cheju-do", "boss", PASSWORD).close()
    args = ("--data-dir", other_dir, "restore", made.folder, "--user", "sup",
            "--password-stdin")
    code, out, err = cli(capsys, monkeypatch, *args, stdin=PASSWORD + "\n")
    assert code == 2
    assert (f"{made.folder} is a backup of station TEST-01, but {other_dir} holds station"
            " OTHER-02; restore it with --replace-station") in err
    assert not any(p.name.startswith("replaced-") for p in other_dir.iterdir())  # untouched
    code, out, err = cli(capsys, monkeypatch, *args, "--replace-station",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "Restored station TEST-01" in out
