"""A read-only data directory: signing in and every command that writes say so in one
sentence and exit 2, nothing in the folder changes, and once it is writable again the
station is whole and works. The folder is made read-only by remounting its disk (the
tests run as root, which file permissions would not stop)."""

from pathlib import Path

import pytest

from tests.faults.disk_helpers import (  # noqa: F401 - fixtures
    disk_station_fixture,
    mount_tmpfs,
    read_only_message,
    small_disk_fixture,
    unmount,
)

NEW_PASSWORD = "a new interviewer password"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


COMMANDS = {
    "roster import": (("roster", "import", "{inputs}/roster.csv"), "admin", ()),
    "user add": (("user", "add", "olga", "--role", "interviewer"), "admin", (NEW_PASSWORD,)),
    "interview record": (("interview", "record", "--isn", "NK-100002", "--answers",
                          "{inputs}/answers.json"), "ivan", ()),
    "backup": (("backup", "--to", "{inputs}/backups"), "admin", ()),
    # Even a search signs in, and a sign-in is written to the station's history.
    "roster search": (("roster", "search", "Kim"), "ivan", ()),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_on_a_read_only_station_says_the_folder_cannot_be_written(
        disk_station, command):
    argv, user, more_stdin = COMMANDS[command]
    disk_station.answers_file("answers.json")
    argv = [part.format(inputs=disk_station.inputs) for part in argv]
    before = snapshot(disk_station.data_dir)

    with disk_station.disk.read_only():
        result = disk_station.cli(*argv, user=user, more_stdin=more_stdin)

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == read_only_message(disk_station.data_dir)
    assert snapshot(disk_station.data_dir) == before
    assert not (disk_station.inputs / "backups").exists()
    disk_station.prove_whole(new_isn="NK-100013")


def test_a_wrong_password_on_a_read_only_station_says_the_same(disk_station):
    # The failure cannot be counted against guessing, so the attempt is refused as such.
    before = snapshot(disk_station.data_dir)

    with disk_station.disk.read_only():
        result = disk_station.disk.cli(
            "--data-dir", disk_station.data_dir, "roster", "search", "Kim", "--user", "ivan",
            "--password-stdin", stdin="not the password\n")

    assert (result.code, result.out) == (2, "")
    assert result.err == read_only_message(disk_station.data_dir)
    assert snapshot(disk_station.data_dir) == before
    disk_station.prove_whole(new_isn="NK-100002")


@pytest.fixture
def read_only_stick(tmp_path):
    stick = tmp_path / "stick"
    why_not = mount_tmpfs(stick, "1m", "ro")
    if why_not is not None:
        pytest.skip(f"a read-only stick needs a tmpfs mount, not permitted here ({why_not})")
    yield stick
    unmount(stick)


def test_a_bundle_for_a_read_only_stick_names_the_stick_and_records_no_export(
        disk_station, headquarters, read_only_stick):
    with disk_station.open() as (services, admin):
        services.sync.trust_headquarters(admin, headquarters.public_file)

    result = disk_station.cli("sync", "export", "--to", read_only_stick)

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == read_only_message(read_only_stick, station=False)
    with disk_station.open() as (services, _admin):
        db = services.station.db
        assert db.execute("SELECT count(*) FROM sync_exports").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM events WHERE kind = 'sync.exported'"
                          ).fetchone() == (0,)
    disk_station.prove_whole(new_isn="NK-100002")


def test_a_form_exported_to_a_read_only_stick_names_the_stick_and_records_no_export(
        disk_station, read_only_stick):
    result = disk_station.cli("form", "export", disk_station.final_id[:8], "--to",
                              read_only_stick / "form.pdf")

    assert (result.code, result.out) == (2, ""), result.err
    assert result.err == read_only_message(read_only_stick, station=False)
    with disk_station.open() as (services, _admin):
        assert services.station.db.execute(
            "SELECT count(*) FROM events WHERE kind = 'document.exported'").fetchone() == (0,)


def test_the_sign_in_screen_of_a_read_only_station_says_so(disk_station, qtbot):
    from screening_app.services.locked_station import LockedStation
    from screening_app.ui.sign_in import SignInDialog
    from tests.conftest import PASSWORD

    message = read_only_message(disk_station.data_dir).removeprefix("screening-app: ")
    with disk_station.disk.read_only():
        locked = LockedStation(disk_station.data_dir)
        dialog = SignInDialog(locked)
        qtbot.addWidget(dialog)
        for password in (PASSWORD, "not the password"):
            dialog.name_edit.setText("ivan")
            dialog.password_edit.setText(password)
            dialog._on_sign_in()
            assert dialog.actor is None and locked.services is None
            assert dialog.error_label.text() == message.rstrip("\n")

    dialog.name_edit.setText("ivan")
    dialog.password_edit.setText(PASSWORD)
    dialog._on_sign_in()
    assert dialog.actor is not None and dialog.actor.name == "ivan"
    locked.services.close()
    disk_station.prove_whole(new_isn="NK-100002")
