"""The moment of choice as the people in the tent meet it: what is read back, the
declaration above the pads, a counter that gives nothing away, a second interview that is
deliberate, and a keyboard that never answers a question out of sight."""

import re
import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QRadioButton

from screening_app.protocol.declaration import declaration_sha256
from screening_app.protocol.examples import complete_answers
from screening_app.ui.question_widgets import OptionsQuestion, SignatureQuestion, TextQuestion
from screening_app.ui.roster_model import status_label
from screening_app.ui.second_interview_dialog import (
    OpenDraftDialog,
    SecondInterviewDialog,
)
from tests.ui.gui_driver import answer_current_step, draw_signature, press_enter, type_text
from tests.ui.screen import assert_fits_screen

REVIEW = "__review__"


def drawn_answers(choice: str) -> dict:
    answers = complete_answers(choice)
    for key in [k for k, v in answers.items() if isinstance(v, dict)]:
        answers[key] = "draw"  # signatures are drawn with the mouse
    return answers


def walk_to(qtbot, wizard, answers: dict, stop_at: str) -> dict[str, str]:
    """Answer step after step until ``stop_at`` is on screen; the step counter text of
    every step passed, by step id."""
    seen = {}
    for _ in range(20):
        step = wizard.current_step
        seen[step] = wizard.progress_label.text()
        if step == stop_at:
            return seen
        answer_current_step(qtbot, wizard, answers)
        assert wizard.next_button.isEnabled(), wizard.reason_label.text()
        press_enter(wizard)
        assert wizard.current_step != step, wizard.reason_label.text()
    raise AssertionError(f"never reached {stop_at}")


def start(qtbot, window, isn="NK-100001"):
    window.start_interview(isn)
    assert window.wizard is not None
    return window.wizard


def answer_later(action):
    """Act on the modal dialog that is about to open (exec() blocks until it closes)."""
    QTimer.singleShot(0, lambda: action(QApplication.activeModalWidget()))


# -- the person's choice --------------------------------------------------------------------
def test_the_confirmation_step_shows_the_recorded_choice_in_both_languages(qtbot, window):
    wizard = start(qtbot, window)
    walk_to(qtbot, wizard, drawn_answers("enlist"), "firmness")
    page = wizard.step_pages["firmness"]
    shown = page.read_back_label.text()
    assert page.read_back_label.isVisible()
    assert "유엔군사령부의 군대에 들어간다" in shown  # the interview language is Korean
    assert "Enter the armed forces of the United Nations Command" in shown
    # Shown large, above the question asked again.
    assert page.read_back_label.font().pointSizeF() > page.questions[
        "confirmed_choice"].prompt_label.font().pointSizeF()
    assert page.read_back_label.y() < page.questions["confirmed_choice"].y()


def test_the_declaration_is_shown_above_the_pads_and_is_the_one_printed(qtbot, window,
                                                                        confirm_yes, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    wizard = start(qtbot, window)
    answers = drawn_answers("repatriate")
    walk_to(qtbot, wizard, answers, "signatures")
    page = wizard.step_pages["signatures"]
    shown = page.read_back_label.text()
    english = ("I have chosen freely, of my own will and without being forced by anyone, to"
               " accept repatriation.")
    korean = "본인은 누구의 강요도 받지 않고 스스로의 뜻에 따라 송환을 받아들이기로 자유롭게 선택하였습니다."
    assert english in shown and korean in shown
    assert page.read_back_label.y() < page.questions["person_signature"].y()
    walk_to(qtbot, wizard, answers, REVIEW)
    with qtbot.waitSignal(wizard.sig_finalised, timeout=10_000) as finalised:
        qtbot.mouseClick(wizard.finalise_button, Qt.MouseButton.LeftButton)
    interview = finalised.args[0]
    # The person's signature carries the digest of exactly what was on screen, in the
    # record's sealed journal (the session that sealed it reads it back) ...
    signed = [entry["value"] for entry in interview.record.journal
              if isinstance(entry.get("value"), dict)
              and entry["value"].get("signer") == "person"]
    assert signed[-1]["declaration_sha256"] == declaration_sha256(
        (("en", english), ("ko", korean)))
    # ... and the form prints the same sentences.
    path = tmp_path / "form.pdf"
    path.write_bytes(window.services.documents.latest(window.actor, interview.id).content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert english in text and korean.replace(" ", "") in text.replace(" ", "")


def test_the_step_counter_is_the_same_whichever_way_the_person_chose(qtbot, window,
                                                                      roster_station):
    counters = {}
    for isn, choice in (("NK-100001", "repatriate"), ("NK-100002", "enlist")):
        wizard = start(qtbot, window, isn)
        counters[choice] = walk_to(qtbot, wizard, drawn_answers(choice), "signatures")
        window.wizard._on_pause()
    shared = set(counters["repatriate"]) & set(counters["enlist"])
    assert {"firmness", "coercion", "signatures"} <= shared
    for step in shared:
        assert counters["repatriate"][step] == counters["enlist"][step], step
    assert counters["enlist"]["signatures"] == "Step 9 of 9"


# -- a second interview is deliberate ---------------------------------------------------
def test_interviewing_someone_again_says_so_and_asks_why(qtbot, window, roster_station):
    ivan = roster_station.interviewer
    first = roster_station.services.transcription.record(
        ivan, "NK-100001", {"answers": complete_answers("enlist")}, "first.json")
    seen = {}

    def choose_withdrawal(dialog):
        assert isinstance(dialog, SecondInterviewDialog)
        seen["text"] = " ".join(label.text() for label in dialog.findChildren(
            type(dialog.problem_label)))
        dialog.choose("withdrawal")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    answer_later(choose_withdrawal)
    wizard = window.start_interview("NK-100001")
    assert wizard is not None
    record = wizard.interview.record
    assert record.purpose == "withdrawal" and record.supersedes_id == first.id
    # Status only: never the choice, to an interviewer.
    assert "completed" in seen["text"]
    assert "armed forces" not in seen["text"] and "enlist" not in seen["text"]
    started = window.services.station.events.for_interview(record.id)[0]
    assert started.payload["purpose"] == "withdrawal"
    # Paused, the roster keeps the finalised status and says a draft is open.
    wizard._on_pause()
    statuses = window.services.interviews.subject_statuses(window.actor, ["NK-100001"])
    assert status_label(statuses["NK-100001"]) == "Completed · draft open"


def test_the_wrong_person_starts_nothing(qtbot, window, roster_station):
    roster_station.services.transcription.record(
        roster_station.interviewer, "NK-100001", {"answers": complete_answers()}, "a.json")

    def wrong_person(dialog):
        dialog.choose("wrong_person")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    answer_later(wrong_person)
    assert window.start_interview("NK-100001") is None
    assert window.wizard is None
    assert window.services.interviews.drafts(window.actor) == []


def test_a_draft_opened_by_mistake_is_discarded_as_an_event(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    wizard = start(qtbot, window)
    answer_current_step(qtbot, wizard, {"isn_matches": "no"})
    assert wizard.discard_button.isVisible()
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("Opened for the wrong person", True)))
    draft_id = wizard.interview.id
    with qtbot.waitSignal(wizard.sig_discarded):
        qtbot.mouseClick(wizard.discard_button, Qt.MouseButton.LeftButton)
    assert window.wizard is None
    events = window.services.station.events.for_interview(draft_id)
    assert events[-1].kind == "interview.discarded"
    assert events[-1].actor_id == window.actor.user_id
    assert events[-1].payload["reason"] == "Opened for the wrong person"
    # Kept, not deleted, and no longer a draft anywhere.
    assert window.services.interviews.load(window.actor, draft_id).record.answers
    assert window.services.interviews.drafts(window.actor) == []
    assert window.services.interviews.subject_statuses(window.actor, ["NK-100001"]) == {}


def test_a_draft_with_answers_beyond_identity_is_not_discarded(qtbot, window):
    wizard = start(qtbot, window)
    walk_to(qtbot, wizard, drawn_answers("repatriate"), "privacy")
    answer_current_step(qtbot, wizard, {"no_other_detainees": "yes"})
    assert not wizard.discard_button.isVisible()
    assert not wizard.discard("changed my mind")
    assert "cannot be discarded" in wizard.reason_label.text()


def test_an_open_draft_is_resumed_rather_than_doubled(qtbot, window):
    wizard = start(qtbot, window)
    draft_id = wizard.interview.id
    wizard._on_pause()

    def resume(dialog):
        assert isinstance(dialog, OpenDraftDialog)
        assert dialog.discard_button.isVisible()  # nothing beyond identity yet
        qtbot.mouseClick(dialog.resume_button, Qt.MouseButton.LeftButton)

    answer_later(resume)
    resumed = window.start_interview("NK-100001")
    assert resumed is not None and resumed.interview.id == draft_id


# -- nothing answers a gate question out of sight -----------------------------------------
def test_typing_in_a_text_field_never_answers_a_gate_question(qtbot, window):
    wizard = start(qtbot, window)
    walk_to(qtbot, wizard, drawn_answers("repatriate"), "privacy")
    page = wizard.step_pages["privacy"]
    editor = page.questions["present_persons"].editor
    assert QApplication.focusWidget() is editor  # the first unanswered question
    type_text(qtbot, editor, "Kim 1 2 yes no")
    QTest.keyClick(editor, Qt.Key.Key_Space)
    QTest.keyClick(editor, "1")
    page.questions["present_persons"].flush()
    answers = wizard.interview.record.answers
    assert "no_other_detainees" not in answers and "not_overheard" not in answers
    # No radio button ever holds the focus; the focused question is outlined.
    assert all(button.focusPolicy() == Qt.FocusPolicy.NoFocus
               for button in wizard.findChildren(QRadioButton))


def test_the_keyboard_walks_the_questions_in_order(qtbot, window):
    wizard = start(qtbot, window)
    page = wizard.step_pages["identity"]
    first = page.questions["isn_matches"]
    assert QApplication.focusWidget() is first.answer_frame
    assert "#5b86b8" in first.answer_frame.styleSheet()  # outlined while focused
    QTest.keyClick(QApplication.focusWidget(), "1")
    assert wizard.interview.record.answers["isn_matches"] == "yes"
    assert QApplication.focusWidget() is page.questions["name_matches"].answer_frame
    QTest.keyClick(QApplication.focusWidget(), "1")
    QTest.keyClick(QApplication.focusWidget(), "1")
    # Every required answer given: the keyboard is on Next, and Enter goes on.
    assert QApplication.focusWidget() is wizard.next_button
    # Tab reaches every field of the step, in the protocol's order.
    page.questions["isn_matches"].focus_first()
    order = []
    for _ in range(6):
        focused = QApplication.focusWidget()
        for question_id, question in page.questions.items():
            if focused in (getattr(question, "answer_frame", None),
                           getattr(question, "editor", None)) and question_id not in order:
                order.append(question_id)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    assert order == ["isn_matches", "name_matches", "unit_matches", "identity_note"]
    wizard.next_button.setFocus()
    press_enter(wizard)
    assert wizard.current_step == "privacy"


def test_gate_messages_have_their_room_kept(qtbot, window):
    wizard = start(qtbot, window)
    before = wizard.pages.geometry()
    assert wizard.reason_label.text()  # "Still to answer: ..."
    answer_current_step(qtbot, wizard, {"isn_matches": "yes", "name_matches": "yes",
                                        "unit_matches": "yes"})
    assert wizard.reason_label.text() == ""
    assert wizard.pages.geometry() == before


# -- no retyping --------------------------------------------------------------------------
def test_people_in_the_room_fill_in_the_interpreter_and_observer(qtbot, window):
    wizard = start(qtbot, window)
    answers = drawn_answers("repatriate")
    answers["present_persons"] = ("Lt. I. Petrov, interviewer\nPak Sung-ho, interpreter\n"
                                  "Observer: L. Berg (ICRC)")
    for key in ("interpreter_name", "observer_name", "observer_body", "interview_language"):
        del answers[key]
    walk_to(qtbot, wizard, answers, "language")
    page = wizard.step_pages["language"]
    assert page.questions["interpreter_name"].editor.text() == "Pak Sung-ho"
    assert page.questions["observer_name"].editor.text() == "L. Berg"
    assert page.questions["observer_body"].editor.text() == "ICRC"
    # The person is Korean and the screen shows Korean: the language is chosen already.
    assert wizard.interview.record.answers["interview_language"] == "ko"
    # Still editable.
    editor = page.questions["interpreter_name"].editor
    editor.selectAll()
    type_text(qtbot, editor, "Pak Seong-ho")
    page.questions["interpreter_name"].flush()
    assert wizard.interview.record.answers["interpreter_name"] == "Pak Seong-ho"


def test_the_interview_language_follows_the_screen_language(qtbot, window):
    wizard = start(qtbot, window, "CN-700001")  # Chinese nationality
    wizard.set_language("en")
    answers = drawn_answers("repatriate")
    del answers["interview_language"]
    walk_to(qtbot, wizard, answers, "language")
    assert wizard.interview.record.answers["interview_language"] == "zh"


# -- signatures -------------------------------------------------------------------------------
def test_a_resumed_interview_shows_the_signatures_already_given(qtbot, window):
    wizard = start(qtbot, window)
    answers = drawn_answers("repatriate")
    walk_to(qtbot, wizard, answers, "signatures")
    page = wizard.step_pages["signatures"]
    person = page.questions["person_signature"]
    draw_signature(person.field.pad)
    qtbot.mouseClick(person.accept_button, Qt.MouseButton.LeftButton)
    interpreter = page.questions["interpreter_signature"]
    draw_signature(interpreter.field.pad)
    qtbot.mouseClick(interpreter.accept_button, Qt.MouseButton.LeftButton)
    strokes = person.field.pad.strokes()
    wizard._on_pause()
    resumed = window.open_wizard(window.services.interviews.drafts(window.actor)[0])
    assert resumed.current_step == "signatures"
    again = resumed.step_pages["signatures"].questions["person_signature"]
    assert again.field.pad.strokes() == strokes
    assert again.field.pad.is_read_only()
    assert not again.field.clear_button.isEnabled() and not again.field.undo_button.isEnabled()
    assert "Recorded" in again.status_label.text()
    observer = resumed.step_pages["signatures"].questions["observer_signature"]
    assert observer.field.pad.is_empty() and not observer.field.pad.is_read_only()


def test_a_thumbprint_is_offered_to_the_person_only(qtbot, window):
    wizard = start(qtbot, window)
    page = wizard.step_pages["signatures"]
    offered = {question_id: widget.field.thumbprint_box.isVisibleTo(page)
               for question_id, widget in page.questions.items()
               if isinstance(widget, SignatureQuestion)}
    assert offered == {"person_signature": True, "interpreter_signature": False,
                       "observer_signature": False, "interviewer_signature": False}


def test_a_recorded_thumbprint_is_shown_ticked_on_resume(qtbot, window):
    wizard = start(qtbot, window)
    walk_to(qtbot, wizard, drawn_answers("repatriate"), "signatures")
    person = wizard.step_pages["signatures"].questions["person_signature"]
    person.field.thumbprint_box.setChecked(True)
    qtbot.mouseClick(person.accept_button, Qt.MouseButton.LeftButton)
    wizard._on_pause()
    resumed = window.open_wizard(window.services.interviews.drafts(window.actor)[0])
    again = resumed.step_pages["signatures"].questions["person_signature"]
    assert again.field.thumbprint_box.isChecked()
    assert not again.field.thumbprint_box.isEnabled()


def test_the_four_pads_fit_the_laptop_screen(qtbot, window):
    wizard = start(qtbot, window)
    walk_to(qtbot, wizard, drawn_answers("repatriate"), "signatures")
    assert_fits_screen(qtbot, window, buttons=[wizard.next_button, wizard.end_button])
    page = wizard.step_pages["signatures"]
    viewport = page.viewport().height()
    pads = [w.field.pad for w in page.questions.values() if isinstance(w, SignatureQuestion)]
    top = min(pad.mapTo(page.widget(), pad.rect().topLeft()).y() for pad in pads)
    bottom = max(pad.mapTo(page.widget(), pad.rect().bottomLeft()).y() for pad in pads)
    # All four pads can be on screen at once: at most a short scroll away from each other.
    assert bottom - top < viewport


# -- words people read ------------------------------------------------------------------------
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_no_internal_id_reaches_the_screen(qtbot, window, monkeypatch, confirm_yes):
    """Every gate of the protocol is failed once and every flag raised, and nothing the
    interviewer is shown holds a question, reason, flag or step id."""
    shown = []

    def record(text):
        shown.append(text)
        assert not SNAKE_CASE.search(text), text

    wizard = start(qtbot, window)
    protocol = wizard.interview.protocol
    record(wizard.reason_label.text())
    answers = drawn_answers("enlist")
    raised = {q.id: q.flag_if for q in protocol.questions() if q.flag_if is not None}
    answers.update(raised)
    gates = [q for q in protocol.questions()
             if q.stop_unless is not None or q.must_be is not None]
    assert len(gates) >= 6
    for _ in range(20):
        step = wizard.current_step
        if step == REVIEW:
            break
        for question in gates:
            if protocol.step_of(question.id).id == step:
                passing = question.stop_unless or question.must_be
                failing = "no" if passing == "yes" else "yes"
                answer_current_step(qtbot, wizard, {question.id: failing})
                record(wizard.reason_label.text())
                record(wizard.reason_label.toolTip())
                if step == "explanation":
                    wizard.show_step("choice")  # still locked: says why, in words
                    record(wizard.reason_label.text())
                answer_current_step(qtbot, wizard, {question.id: passing})
        answer_current_step(qtbot, wizard, answers)
        press_enter(wizard)
    assert wizard.current_step == REVIEW
    # Every flag of the protocol raised, shown on the review page.
    summary = wizard.review_page.summary.toPlainText()
    for flag in protocol.flag_kinds:
        assert flag.label.en in summary
    record(summary)
    record(wizard.review_page.read_back.text())
    # The resume list names steps by their titles.
    wizard._on_pause()
    from PySide6.QtWidgets import QInputDialog

    def look(parent, title, label, items, *args, **kwargs):
        for item in items:
            record(item)
        return items[0], False

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(look))
    window.offer_resume()
    assert len(shown) >= 2 * len(gates) + 3


def test_optional_is_said_once_and_options_are_not_doubled(qtbot, window):
    wizard = start(qtbot, window)
    note = wizard.step_pages["identity"].questions["identity_note"]
    assert note.prompt_label.text().count("(optional)") == 1
    strength = wizard.step_pages["refusal_followup"].questions["refusal_strength"]
    texts = [button.text() for button in strength._buttons]
    assert texts[1] == "2" and texts[2] == "3"
    assert texts[0].startswith("1") and "Not sure" in texts[0]


def test_the_choice_options_are_as_large_as_the_statement(qtbot, window):
    wizard = start(qtbot, window)
    page = wizard.step_pages["choice"]
    choice = page.questions["choice"]
    assert isinstance(choice, OptionsQuestion)
    size = page.statement_label.font().pointSizeF()
    assert all(button.font().pointSizeF() == size for button in choice._buttons)
    assert isinstance(page.questions["choice"], OptionsQuestion)
    assert not isinstance(page.questions["choice"], TextQuestion)


def test_the_interview_dialogs_fit_the_laptop_screen(qtbot, window, roster_station):
    from screening_app.ui.abandon_dialog import AbandonDialog

    wizard = start(qtbot, window)
    protocol = wizard.interview.protocol
    abandon = AbandonDialog(protocol, "Identity check", parent=window)
    qtbot.addWidget(abandon)
    assert_fits_screen(qtbot, abandon)
    wizard._on_pause()
    subject = window.services.roster.get(window.actor, "NK-100001")
    prior = window.services.interviews.prior(window.actor, "NK-100001")
    draft_dialog = OpenDraftDialog(subject, prior, window)
    qtbot.addWidget(draft_dialog)
    assert_fits_screen(qtbot, draft_dialog)
    roster_station.services.transcription.record(
        roster_station.interviewer, "NK-100002", {"answers": complete_answers()}, "a.json")
    other = window.services.roster.get(window.actor, "NK-100002")
    again = SecondInterviewDialog(other, window.services.interviews.prior(window.actor,
                                                                          "NK-100002"), window)
    qtbot.addWidget(again)
    assert_fits_screen(qtbot, again)
    window.lock()
    assert_fits_screen(qtbot, window.lock_dialog)


def test_the_review_pages_answers_line_up_in_one_column(qtbot, window, confirm_yes):
    from PySide6.QtGui import QTextTable

    wizard = start(qtbot, window)
    walk_to(qtbot, wizard, drawn_answers("repatriate"), REVIEW)
    document = wizard.review_page.summary.document()
    tables = {cursor_table for block in _blocks(document)
              if (cursor_table := _table_of(document, block)) is not None}
    # Every step's questions are rows of one table, so every answer starts at one x.
    assert len(tables) == 1
    table: QTextTable = tables.pop()
    assert table.columns() == 2 and table.rows() > 20


def _blocks(document):
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()


def _table_of(document, block):
    from PySide6.QtGui import QTextCursor

    return QTextCursor(block).currentTable()


def test_the_interpreter_is_picked_from_the_stations_list_or_added_to_it(qtbot, window,
                                                                        roster_station):
    """The interpreter's field offers the names the station knows as the interviewer types
    (any part matches); a name it does not know is added only when the interviewer
    confirms it with the button, and is then offered like the others."""
    services = roster_station.services
    services.people.add(roster_station.supervisor, "interpreter", "Pak Sung-ho",
                        name_native="박성호")
    wizard = start(qtbot, window)
    answers = drawn_answers("repatriate")
    del answers["interpreter_name"]
    walk_to(qtbot, wizard, answers, "language")
    field = wizard.step_pages["language"].questions["interpreter_name"]
    editor = field.editor
    editor.selectAll()
    type_text(qtbot, editor, "sung")
    completer = editor.completer()
    assert completer.completionCount() == 1 and completer.currentCompletion() == "Pak Sung-ho"
    editor.setText("Pak Sung-ho")
    field.flush()
    assert wizard.interview.record.answers["interpreter_name"] == "Pak Sung-ho"
    pak, = services.people.with_role(roster_station.supervisor, "interpreter")
    assert wizard.interview.record.known_person("interpreter_name") == pak.id
    assert field.add_known_button.isHidden()
    editor.selectAll()
    type_text(qtbot, editor, "Yi  Mun-sok")
    field.flush()
    assert not field.add_known_button.isHidden()
    assert field.add_known_button.text() == "Add “Yi Mun-sok” to the station's interpreters"
    assert [p.name for p in services.people.with_role(roster_station.supervisor,
                                                      "interpreter")] == ["Pak Sung-ho"]
    qtbot.mouseClick(field.add_known_button, Qt.MouseButton.LeftButton)
    assert field.add_known_button.isHidden()
    assert "Yi Mun-sok is now one of the station's interpreters" in field.known_note.text()
    assert [p.name for p in services.people.with_role(roster_station.supervisor,
                                                      "interpreter")] == ["Pak Sung-ho",
                                                                          "Yi Mun-sok"]
    assert "Yi Mun-sok" in editor.completer().model().stringList()
    # The answer now names a known person: the record keeps their id with it.
    yi = services.people.find(roster_station.supervisor, "interpreter", "Yi Mun-sok")
    assert wizard.interview.record.known_person("interpreter_name") == yi.id
