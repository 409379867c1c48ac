"""Verifying from the GUI: by the record id printed in a paper form's QR code, or a PDF."""

from screening_app.protocol.examples import complete_answers
from screening_app.ui.main_window import MainWindow
from tests.ui.screen import assert_fits_screen


def test_a_record_id_from_the_qr_code_is_checked(qtbot, roster_station):
    services = roster_station.services
    final = services.transcription.record(roster_station.interviewer, "NK-100001",
                                          {"answers": complete_answers()}, "paper")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_verify_dialog()
    qr_text = f"SCREENING-RECORD:{final.id}:{final.record.record_sha256}"
    result = dialog.verify_record_id(qr_text)
    assert result.valid
    assert "GENUINE" in dialog.result_label.text()


def test_an_altered_pdf_is_shown_as_not_valid(qtbot, roster_station):
    services = roster_station.services
    final = services.transcription.record(roster_station.interviewer, "CN-700001",
                                          {"answers": complete_answers("enlist")}, "paper")
    content = bytearray(services.documents.latest(roster_station.supervisor, final.id).content)
    content[len(content) // 2] ^= 0x01
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_verify_dialog()
    result = dialog.verify_bytes(bytes(content), "altered.pdf")
    assert result is not None and not result.valid
    assert "NOT VALID" in dialog.result_label.text() and result.reason in (
        dialog.result_label.text().replace("&#x27;", "'"))


def test_an_unknown_record_id_is_a_clear_message(qtbot, roster_station):
    window = MainWindow(roster_station.services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_verify_dialog()
    assert dialog.verify_record_id("not-a-record") is None
    assert "no interview" in dialog.result_label.text()


def test_an_earlier_revision_is_genuine_and_says_what_supersedes_it(qtbot, roster_station):
    services = roster_station.services
    final = services.transcription.record(roster_station.interviewer, "NK-100002",
                                          {"answers": complete_answers()}, "paper")
    before_approval = services.documents.latest(roster_station.supervisor, final.id).content
    services.reviews.decide(roster_station.supervisor, final.id, "approved")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_verify_dialog()
    result = dialog.verify_bytes(before_approval, "printed-before-approval.pdf")
    assert result.valid and result.superseded_by
    shown = dialog.result_label.text()
    assert "GENUINE" in shown and result.superseded_by in shown
    assert "revision 2, approved and countersigned by sup" in result.superseded_by


def test_the_verify_dialog_fits_the_screen(qtbot, roster_station):
    window = MainWindow(roster_station.services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_verify_dialog()
    final = roster_station.services.transcription.record(
        roster_station.interviewer, "CN-700001", {"answers": complete_answers()}, "paper")
    dialog.verify_record_id(final.id)  # the longest text it shows: a verdict and its notes
    assert_fits_screen(qtbot, dialog)
