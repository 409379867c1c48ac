"""A full disk: every command that writes says so in one sentence and exits 2, and once
space is freed the station is whole (integrity, history, sealed records), the interrupted
operation left nothing half-written, and the station works again.

The disk fills up the moment the user is signed in (see tests/faults/disk_helpers.py), so
each command's own writes are the ones that meet it."""

import errno
import sqlite3

import pytest

from screening_app.domain.errors import AuthenticationFailed
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices
from screening_app.store.connection import DiskFull, storage_failure
from screening_app.store.keyfile import KeyFile
from tests.conftest import answer_all, write_csv
from tests.faults.disk_helpers import (  # noqa: F401 - fixtures
    disk_station_fixture,
    full_disk_message,
    small_disk_fixture,
)


def roster_rows(count: int) -> list[dict]:
    return [{"isn": f"NK-{200000 + n}", "name_native": "김민준", "name_latin": f"Kim {n}",
             "nationality": "Korean", "compound": "Compound 62", "birth_year": "1928"}
            for n in range(count)]


def count(services, sql: str, *params) -> int:
    return services.station.db.execute(sql, params).fetchone()[0]


def test_a_roster_import_on_a_full_disk_adds_no_one(disk_station):
    roster = write_csv(disk_station.inputs / "big-roster.csv", roster_rows(2000))

    result = disk_station.cli("roster", "import", roster, full=True)

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == full_disk_message(disk_station.data_dir)
    disk_station.disk.free()
    with disk_station.open() as (services, _admin):
        assert count(services, "SELECT count(*) FROM subjects") == 5
        assert count(services, "SELECT count(*) FROM events WHERE kind LIKE 'roster.%'") == 1
    disk_station.prove_whole(new_isn="NK-100002")
    again = disk_station.cli("roster", "import", roster)
    assert again.code == 0 and "added 2000" in again.out, again.err


def test_an_interview_recorded_on_a_full_disk_leaves_no_trace(disk_station):
    answers = disk_station.answers_file("answers.json")

    result = disk_station.cli("interview", "record", "--isn", "NK-100002", "--answers",
                              answers, user="ivan", full=True)

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == full_disk_message(disk_station.data_dir)
    disk_station.disk.free()
    with disk_station.open() as (services, admin):
        assert services.interviews.list(admin, subject_isn="NK-100002") == []
    disk_station.prove_whole(new_isn="NK-100013")
    again = disk_station.cli("interview", "record", "--isn", "NK-100002", "--answers",
                             answers, user="ivan")
    assert again.code == 0 and "completed (Enter the armed forces of the United Nations Command)" in again.out, again.err


def trusting_headquarters(disk_station, headquarters):
    with disk_station.open() as (services, admin):
        services.sync.trust_headquarters(admin, headquarters.public_file)
    outbox = disk_station.disk.folder / "outbox"  # a stick that is full too
    outbox.mkdir()
    return outbox


def test_a_sync_export_to_a_full_disk_leaves_no_half_bundle(disk_station, headquarters):
    disk_station.disk.require_mount("a bundle meeting a full disk (pyrage reports EFBIG as"
                                    " its own EncryptError; see the next test)")
    outbox = trusting_headquarters(disk_station, headquarters)

    result = disk_station.cli("sync", "export", "--to", outbox, full=True)

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == full_disk_message(outbox)
    assert list(outbox.iterdir()) == []  # neither a bundle nor its .partial
    disk_station.disk.free()
    with disk_station.open() as (services, _admin):
        assert count(services, "SELECT count(*) FROM sync_exports") == 0
        assert count(services, "SELECT count(*) FROM events WHERE kind = 'sync.exported'") == 0
    disk_station.prove_whole(new_isn="NK-100002")
    again = disk_station.cli("sync", "export", "--to", outbox)
    assert again.code == 0, again.err
    assert [p.suffix for p in outbox.iterdir()] == [".scb"]


def test_a_bundle_that_fills_the_disk_part_way_says_the_disk_is_full(
        disk_station, headquarters):
    outbox = trusting_headquarters(disk_station, headquarters)

    result = disk_station.cli("sync", "export", "--to", outbox, full=True, leave_kib=8)

    assert list(outbox.iterdir()) == []
    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == full_disk_message(outbox)


def test_a_backup_on_a_full_disk_leaves_nothing_behind(disk_station):
    disk_station.disk.require_mount(
        "a backup meeting a full disk (SQLite reports the limit only as 'disk I/O error', and"
        " the partial copy that reached it is removed before the error is read)")
    backups = disk_station.disk.folder / "backups"
    backups.mkdir()

    result = disk_station.cli("backup", "--to", backups, full=True)

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == full_disk_message(backups)
    assert list(backups.iterdir()) == []
    disk_station.disk.free()
    with disk_station.open() as (services, _admin):
        assert count(services, "SELECT count(*) FROM events WHERE kind = 'backup.made'") == 0
    disk_station.prove_whole(new_isn="NK-100002")
    again = disk_station.cli("backup", "--to", backups)
    assert again.code == 0, again.err
    assert [p.name.startswith("backup-") for p in backups.iterdir()] == [True]


def test_an_account_added_on_a_full_disk_does_not_exist(disk_station):
    new_password = "a new interviewer password"

    result = disk_station.cli("user", "add", "olga", "--role", "interviewer",
                              more_stdin=(new_password,), full=True)

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == full_disk_message(disk_station.data_dir)
    disk_station.disk.free()
    with disk_station.open() as (services, admin):
        assert "olga" not in [user.name for user in services.accounts.list_users(admin)]
    with pytest.raises(AuthenticationFailed):
        StationServices.unlock(disk_station.data_dir, "olga", new_password)
    disk_station.prove_whole(new_isn="NK-100002")
    again = disk_station.cli("user", "add", "olga", "--role", "interviewer",
                             more_stdin=(new_password,))
    assert again.code == 0, again.err
    services, olga = StationServices.unlock(disk_station.data_dir, "olga", new_password)
    services.close()
    assert olga.name == "olga"


def test_an_account_that_could_not_be_added_leaves_no_key_slot(disk_station):
    # Room for the key file's new slot, not for the database's new pages.
    result = disk_station.cli("user", "add", "olga", "--role", "interviewer",
                              more_stdin=("a new interviewer password",), full=True,
                              leave_kib=8)

    assert result.err == full_disk_message(disk_station.data_dir)
    disk_station.disk.free()
    assert not KeyFile.load(disk_station.data_dir).has_slot("olga")


def test_finalising_on_a_full_disk_keeps_the_draft_to_finalise_later(disk_station):
    disk_station.disk.require_mount("a disk filled under an open station")
    with disk_station.open("ivan") as (services, ivan):
        interview = answer_all(services, ivan, services.interviews.start(
            ivan, "NK-100002"), complete_answers("repatriate"))
        answers = interview.record.answers
        disk_station.disk.fill()

        with pytest.raises(DiskFull) as refused:
            services.interviews.finalise(ivan, interview.id)

        assert str(refused.value) == full_disk_message(disk_station.data_dir).removeprefix(
            "screening-app: ").rstrip("\n")
        disk_station.disk.free()
        [draft] = services.interviews.drafts(ivan)
        assert draft.id == interview.id and draft.record.answers == answers
        final = services.interviews.finalise(ivan, interview.id)
        assert final.record.is_final and final.record.choice == "repatriate"
    disk_station.prove_whole(new_isn="NK-100013")




@pytest.mark.parametrize("error", [
    OSError(errno.ENOSPC, "No space left on device"),
    OSError(errno.EFBIG, "File too large"),
    sqlite3.OperationalError("database or disk is full"),
])
def test_every_kind_of_full_disk_reads_the_same(error, tmp_path):
    assert str(storage_failure(error, tmp_path)) == full_disk_message(tmp_path).removeprefix(
        "screening-app: ").rstrip("\n")


@pytest.mark.parametrize("error", [
    sqlite3.OperationalError("disk I/O error"),  # a failing disk with room on it
    OSError(errno.EIO, "Input/output error"),
])
def test_a_failing_disk_is_not_taken_for_a_full_one(error, tmp_path):
    # tests/faults/test_injected_io_errors.py: it has a sentence of its own.
    assert not isinstance(storage_failure(error, tmp_path), DiskFull)


def test_other_failures_are_not_taken_for_a_full_disk(tmp_path):
    # They stay unexpected failures, logged with their traceback for someone to look at.
    error = sqlite3.IntegrityError("UNIQUE constraint failed: users.name")
    assert storage_failure(error, tmp_path) is None


def test_the_desktop_app_shows_a_full_disk_while_saving_an_answer(disk_station, qtbot):
    disk_station.disk.require_mount("a disk filled under the desktop app")
    from screening_app.ui.main_window import MainWindow

    with disk_station.open("ivan") as (services, ivan):
        window = MainWindow(services, ivan, lock_minutes=0)
        qtbot.addWidget(window)
        window.start_interview("NK-100002")
        wizard = window.wizard
        page = wizard.step_pages["identity"]
        disk_station.disk.fill()

        page.questions["isn_matches"].choose_number(1)  # yes
        note = page.questions["identity_note"]
        note.editor.setPlainText("Tag worn on a string")
        note.flush()

        message = full_disk_message(disk_station.data_dir).removeprefix("screening-app: ")
        assert wizard.reason_label.text() == message.rstrip("\n")
        saved = services.interviews.load(ivan, wizard.interview.id).record.answers
        assert "isn_matches" not in saved and "identity_note" not in saved
        assert note.editor.toPlainText() == "Tag worn on a string"  # kept on screen

        disk_station.disk.free()
        page.questions["isn_matches"].choose_number(1)
        note.flush()  # leaving the field or Next offers the unsaved text again
        saved = services.interviews.load(ivan, wizard.interview.id).record.answers
        assert saved["isn_matches"] == "yes"
        assert saved["identity_note"] == "Tag worn on a string"
        window.close()
    disk_station.prove_whole(new_isn="NK-100013")


def test_a_station_whose_disk_filled_while_closed_says_so_at_sign_in(disk_station):
    disk_station.disk.require_mount("a disk full before the command starts")
    disk_station.disk.fill()

    result = disk_station.cli("roster", "search", "Kim")

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == full_disk_message(disk_station.data_dir)
    disk_station.disk.free()
    disk_station.prove_whole(new_isn="NK-100002")
