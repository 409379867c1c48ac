"""A whole interview through real widgets: find the person by a Hangul name, answer every
step with the keyboard, sign with the mouse, finalise, and read the choice form."""

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from screening_app.protocol.examples import complete_answers
from tests.ui.gui_driver import answer_current_step, press_enter, type_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext, pdffonts) is not installed")


def find_person(qtbot, window, text):
    window.search_edit.setFocus()
    type_text(qtbot, window.search_edit, text)
    qtbot.waitUntil(lambda: window.roster_model.query == text)
    return [window.roster_model.subject_at(r).isn for r in range(window.roster_model.rowCount())]


def run_interview(qtbot, window, answers):
    wizard = window.wizard
    for _ in range(20):
        if wizard.current_step == "__review__":
            return wizard
        step = wizard.current_step
        answer_current_step(qtbot, wizard, answers)
        assert wizard.next_button.isEnabled(), wizard.reason_label.text()
        press_enter(wizard)
        assert wizard.current_step != step, wizard.reason_label.text()
    raise AssertionError("the wizard never reached the review page")


def test_full_interview_with_keyboard_and_mouse(qtbot, window, confirm_yes, tmp_path):
    assert find_person(qtbot, window, "김민준") == ["NK-100001"]
    QTest.keyClick(window.search_edit, Qt.Key.Key_Return)  # to the table
    window.roster_view.setCurrentIndex(window.roster_model.index(0, 0))
    qtbot.mouseClick(window.subject_panel.start_button, Qt.MouseButton.LeftButton)
    wizard = window.wizard
    assert wizard is not None and wizard.current_step == "identity"

    answers = complete_answers("repatriate")
    for key in [k for k, v in answers.items() if isinstance(v, dict)]:
        del answers[key]  # signatures are drawn, not typed
    signers = [q.id for q in wizard.interview.protocol.questions() if q.kind == "signature"]
    answers.update({question_id: "draw" for question_id in signers})
    run_interview(qtbot, window, answers)

    assert wizard.finalise_button.isEnabled(), wizard.reason_label.text()
    with qtbot.waitSignal(wizard.sig_finalised, timeout=10_000) as finalised:
        qtbot.mouseClick(wizard.finalise_button, Qt.MouseButton.LeftButton)
    interview = finalised.args[0]
    assert confirm_yes == ["Finalise the interview"]
    record = interview.record
    assert record.is_final and record.choice == "repatriate"
    assert [s.mode for s in record.signatures] == ["signature"] * 4

    # The form opens in the preview and holds what a reader needs, in both languages.
    preview = window.preview
    assert preview.pdf.pageCount() >= 1
    path = tmp_path / "form.pdf"
    path.write_bytes(preview.document.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("NK-100001", "김민준", "Kim Min-jun", "Accept repatriation", "송환"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)

    # The form from this real GUI run is signed: pdfsig and our verify agree, and both
    # refuse it once one byte has changed.
    from screening_app.services.verification import verify_form

    root = [window.services.keys.station_certificate().root]
    station = window.services.station
    assert verify_form(preview.document.content, root, station, window.actor).valid
    sig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in sig
    altered = bytearray(preview.document.content)
    altered[len(altered) // 3] ^= 0x01
    bad = tmp_path / "altered.pdf"
    bad.write_bytes(bytes(altered))
    assert not verify_form(bytes(altered), root, station, window.actor).valid
    sig = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid" not in sig

    # A finalised record cannot be edited from the GUI: it is not offered as a draft.
    assert window.services.interviews.drafts(window.actor) == []
    assert window.offer_resume() is None


def test_the_choice_is_locked_until_the_gates_pass(qtbot, window):
    window.start_interview("CN-700001")
    wizard = window.wizard
    assert not wizard.next_button.isEnabled()
    assert "Still to answer" in wizard.reason_label.text()
    # Straight to the choice step: refused with the reason, the wizard stays where it was.
    wizard.show_step("choice")
    assert wizard.current_step == "identity"


def test_number_keys_choose_options_in_the_interview_order(qtbot, window):
    window.start_interview("CN-700002")
    wizard = window.wizard
    page = wizard.step_pages["identity"]
    widget = page.questions["isn_matches"]
    widget.focus_first()
    QTest.keyClick(widget, "2")
    assert wizard.interview.record.answers["isn_matches"] == "no"
    choice_widget = wizard.step_pages["choice"].questions["choice"]
    order = wizard.interview.record.option_order["choice"]
    assert [option[0] for option in choice_widget._options] == order


def test_abandon_records_the_step(qtbot, window, monkeypatch):
    from screening_app.ui import interview_wizard

    class PickFirstReason:
        DialogCode = interview_wizard.AbandonDialog.DialogCode

        def __init__(self, protocol, *args, **kwargs):
            self._reason = protocol.non_completion_reasons[0].id

        def exec(self):
            return self.DialogCode.Accepted

        def reason(self):
            return self._reason

        def note_text(self):
            return "stopped by the test"

    monkeypatch.setattr(interview_wizard, "AbandonDialog", PickFirstReason)
    window.start_interview("NK-100002")
    wizard = window.wizard
    with qtbot.waitSignal(wizard.sig_finalised) as ended:
        qtbot.mouseClick(wizard.end_button, Qt.MouseButton.LeftButton)
    record = ended.args[0].record
    assert record.non_completion_reason == "refused_to_answer"
    assert record.non_completion_step == "identity"
