"""The encrypted station through the desktop app: the first sign-in opens it, supervisors
are reminded to back up and back up from the menu, and sync runs from its dialog."""

import errno

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from screening_app.protocol.examples import complete_answers
from screening_app.services.locked_station import LockedStation
from screening_app.ui.main_window import MainWindow
from screening_app.ui.sign_in import SignInDialog
from screening_app.ui.sync_dialog import SyncDialog
from tests.conftest import PASSWORD
from tests.fake_headquarters import acks_for, station_recipient
from tests.ui.screen import assert_fits_screen


def test_the_first_sign_in_opens_the_encrypted_station(qtbot, roster_station):
    roster_station.services.close()
    locked = LockedStation(roster_station.data_dir)
    dialog = SignInDialog(locked)
    qtbot.addWidget(dialog)
    assert "TEST-01" in dialog.findChildren(type(dialog.error_label))[0].text()
    dialog.name_edit.setText("sup")
    dialog.password_edit.setText("wrong password")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "Wrong user name or password" in dialog.error_label.text()
    assert locked.services is None  # still closed
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    roster_station.services = locked.services
    assert dialog.actor.name == "sup"
    assert locked.services.roster.count(dialog.actor) == 5


def supervisor_window(qtbot, station) -> MainWindow:
    window = MainWindow(station.services, station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_supervisor_is_reminded_and_backs_up_from_the_menu(qtbot, roster_station, tmp_path):
    window = supervisor_window(qtbot, roster_station)
    assert window.backup_banner.isVisible() and window.backup_action.isVisible()
    with qtbot.waitSignal(window.sig_backup_done, timeout=20000) as done:
        window.back_up_to(tmp_path / "stick")
    assert done.args[0].startswith("Backed up to")
    assert not window.backup_banner.isVisible()
    assert len(list((tmp_path / "stick").glob("backup-TEST-01-*/station.sqlite3"))) == 1


def test_a_backup_to_a_failing_stick_says_so_and_leaves_nothing(
        qtbot, roster_station, tmp_path, monkeypatch):
    # A stick failing during the copy: the operating system answers with EIO.
    from screening_app.services import backup

    def failing(path):
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(backup, "fsync_file", failing)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *args, **kwargs: warned.append((title, text))))
    stick = tmp_path / "stick"
    window = supervisor_window(qtbot, roster_station)

    with qtbot.waitSignal(window.sig_backup_done, timeout=20000) as done:
        window.back_up_to(stick)

    sentence = (f"The disk holding {stick} failed while writing (an input/output error):"
                " nothing was saved; check the disk or stick (or use another) and try again.")
    assert done.args[0] == f"failed: {sentence}"
    assert warned == [("No backup was made", sentence)]
    assert list(stick.iterdir()) == []
    assert window.backup_banner.isVisible()  # still reminded: no backup today


def test_an_interviewer_sees_neither_sync_nor_backup(qtbot, window):
    assert not window.sync_action.isVisible() and not window.backup_action.isVisible()
    assert not window.backup_banner.isVisible()


def test_sync_from_the_dialog_exports_and_applies_what_comes_back(
        qtbot, roster_station, headquarters, tmp_path):
    services = roster_station.services
    services.sync.trust_headquarters(roster_station.admin, headquarters.public_file)
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("enlist")}, "paper")
    window = supervisor_window(qtbot, roster_station)
    dialog = window.open_sync_dialog()
    assert dialog.headquarters_label.text() == "Test HQ"
    # Counted on a pool thread, so the dialog opens at once even on a large roster.
    qtbot.waitUntil(lambda: "counting" not in dialog.pending_label.text(), timeout=20000)
    pending = dialog.pending_label.text()
    # Counts as people write them: one of a kind is singular.
    for words in ("1 interview,", "1 form,", "1 protocol,", "5 roster entries", "4 accounts"):
        assert words in pending, pending
    assert "1 interviews" not in pending and "1 protocols" not in pending

    with qtbot.waitSignal(dialog.sig_done, timeout=30000) as done:
        dialog.export_to(tmp_path / "stick")
    assert "Wrote station-TEST-01-" in done.args[0]
    bundle = next((tmp_path / "stick").glob("*.scb"))
    found = headquarters.read(bundle)
    head = found["events"][-1]
    answer = headquarters.answer(tmp_path / "down", "TEST-01", station_recipient(services),
                                 acks=acks_for(found), events=(head["seq"], head["hash"]))
    with qtbot.waitSignal(dialog.sig_done, timeout=30000) as applied:
        dialog.apply_bundle(answer)
    assert "headquarters acknowledged" in applied.args[0]
    qtbot.waitUntil(lambda: "counting" not in dialog.pending_label.text(), timeout=20000)
    assert "interview" not in dialog.pending_label.text()

    with qtbot.waitSignal(dialog.sig_failed, timeout=30000) as failed:
        dialog.apply_bundle(tmp_path / "missing.scb")
    assert "missing.scb" in failed.args[0]
    assert dialog.outcome_label.text().startswith("Not done:")
    qtbot.waitUntil(lambda: "counting" not in dialog.pending_label.text(), timeout=20000)


def test_the_sync_dialog_fits_the_laptop_screen(qtbot, roster_station):
    dialog = SyncDialog(roster_station.services, roster_station.admin)
    qtbot.addWidget(dialog)
    assert_fits_screen(qtbot, dialog)
    qtbot.waitUntil(lambda: "counting" not in dialog.pending_label.text(), timeout=20000)


def test_the_sync_dialog_asks_for_headquarters_first(qtbot, roster_station):
    dialog = SyncDialog(roster_station.services, roster_station.admin)
    qtbot.addWidget(dialog)
    assert "not set" in dialog.headquarters_label.text()
    assert not dialog.push_button.isEnabled() and not dialog.trust_button.isHidden()
    qtbot.waitUntil(lambda: "counting" not in dialog.pending_label.text(), timeout=20000)


def test_the_sync_dialog_shows_when_the_certificate_ends_and_warns_without_a_renewal(
        qtbot, roster_station, test_keys):
    import datetime

    from screening_app.pki import certificates

    dialog = SyncDialog(roster_station.services, roster_station.admin)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_status_ready, timeout=20000):
        pass
    ends = roster_station.services.keys.station_certificate().certificate.not_valid_after_utc
    assert dialog.certificate_label.text() == f"valid until {ends:%Y-%m-%d}"
    assert dialog.archive_label.text() == ("0 forms stamped at headquarters (kept verifiable"
                                           " for the long term)")

    ca_key, root = test_keys["ca"]
    csr = certificates.load_csr(roster_station.services.keys.csr_pem(), "csr")
    short = certificates.issue_certificate(ca_key, root, csr, datetime.timedelta(days=20))
    roster_station.services.keys.import_certificate(
        roster_station.admin, certificates.chain_pem([short, root]), "short.pem")
    with qtbot.waitSignal(dialog.sig_status_ready, timeout=20000):
        dialog.refresh()
    assert dialog.certificate_label.text() == (
        f"This station's certificate ends on {short.not_valid_after_utc:%Y-%m-%d} and no"
        " renewal has arrived: sync with headquarters, which renews it ('hq certificates"
        " renew').")
