"""The review flow through real widgets: approve (a confirmation, with a note when the
record is flagged), send back, reject; what the queue says and shows afterwards."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from screening_app.protocol.examples import complete_answers
from screening_app.ui.main_window import MainWindow
from screening_app.ui.review_queue import ReviewQueueModel
from tests.ui.screen import assert_fits_screen

COLUMN = {name: n for n, name in enumerate(
    ("isn", "name", "compound", "interviewer", "finalised", "choice", "state", "flags",
     "reason"))}


# The paper gives its start and end: a three-minute interview, shorter than the protocol's
# minimum (a paper without them is not timed at all).
PAPER_TIMES = {"started_at": "2026-11-27T09:30:00Z", "ended_at": "2026-11-27T09:33:00Z"}


@pytest.fixture
def queue(qtbot, roster_station):
    services = roster_station.services
    for isn, choice in (("NK-100001", "repatriate"), ("NK-100002", "enlist"),
                        ("CN-700001", "repatriate")):
        services.transcription.record(roster_station.interviewer, isn,
                                      {"answers": complete_answers(choice), **PAPER_TIMES},
                                      "paper")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    assert window.review_action.isVisible()
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog = window.open_review_queue()
    # By ISN: CN-700001 (Wang Wei), NK-100001 (Kim Min-jun), NK-100002 (Lee Seo-yeon).
    dialog.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    dialog.table.selectRow(0)
    return roster_station, window, dialog


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def cell(dialog, row: int, column: str) -> str:
    return dialog.model.index(row, COLUMN[column]).data()


def decide(qtbot, dialog, button, text: str):
    """Click a decision button, write in its dialog and confirm; the decision's args."""
    click(qtbot, button)
    decision = dialog.decision_dialog
    assert decision.isVisible()
    decision.text_edit.setPlainText(text)
    with qtbot.waitSignal(dialog.sig_decided) as decided:
        click(qtbot, decision.ok_button)
    assert not decision.isVisible()
    return decided.args


def test_approve_send_back_and_reject_through_the_queue(qtbot, queue):
    station, _window, dialog = queue
    assert dialog.model.rowCount() == 3  # all received
    assert decide(qtbot, dialog, dialog.approve_button,
                  "Approved despite: transcribed from the signed paper form.")[1] == "approved"
    assert dialog.status_label.text() == ("Approved Wang Wei (CN-700001); the form is"
                                          " countersigned.")
    assert decide(qtbot, dialog, dialog.send_back_button,
                  "The observer did not sign on paper.")[1] == "sent_back"
    assert dialog.status_label.text() == ("Sent Kim Min-jun (NK-100001) back to ivan: The"
                                          " observer did not sign on paper.")
    assert decide(qtbot, dialog, dialog.reject_button,
                  "Compound leader was present.")[1] == "rejected"
    # The state filter still says "Received", but the decided rows stay in view with their
    # new state until the filters change.
    assert dialog.state_filter.currentText() == "Received"
    assert [cell(dialog, r, "state") for r in range(3)] == ["Approved", "Sent back",
                                                            "Rejected"]
    assert cell(dialog, 0, "reason") == "Approved despite: transcribed from the signed paper form."
    dialog.state_filter.setCurrentIndex(0)  # all states
    dialog.state_filter.setCurrentIndex(1)  # received again: nothing waits
    assert dialog.model.rowCount() == 0
    # The interviewer sees what was sent back, and why.
    sent_back = station.services.reviews.sent_back_to(station.interviewer)
    assert [i.reason for i in sent_back] == ["The observer did not sign on paper."]


def test_approving_a_flagged_record_needs_a_note_and_shows_its_flags(qtbot, queue):
    station, _window, dialog = queue
    click(qtbot, dialog.approve_button)
    confirm = dialog.decision_dialog
    assert "transcribed from a paper form" in confirm.flags_label.text()
    assert "minimum is 7 min" in confirm.flags_label.text()
    click(qtbot, confirm.ok_button)  # no note
    assert confirm.isVisible()
    assert "border: 2px solid" in confirm.text_edit.styleSheet()
    assert confirm.error_label.text() == ("Write why it is approved despite the flags; the note"
                                          " is kept with the review.")
    assert station.services.reviews.queue(station.supervisor, state="approved") == []
    qtbot.keyClicks(confirm.text_edit, "Paper form signed by all; times not captured.")
    assert confirm.text_edit.styleSheet() == "" and confirm.error_label.text() == ""
    with qtbot.waitSignal(dialog.sig_decided):
        click(qtbot, confirm.ok_button)
    (approved,) = station.services.reviews.queue(station.supervisor, state="approved")
    assert approved.reason == "Paper form signed by all; times not captured."
    dialog.table.selectRow(0)
    assert "Approved</b> by sup" in dialog.decision_label.text()
    assert "Note: Paper form signed by all; times not captured." in dialog.decision_label.text()


@pytest.mark.parametrize("button", ["send_back_button", "reject_button"])
def test_an_empty_reason_keeps_the_dialog_open_and_marked(qtbot, queue, button):
    station, _window, dialog = queue
    click(qtbot, getattr(dialog, button))
    ask = dialog.decision_dialog
    ask.text_edit.setPlainText("   ")
    click(qtbot, ask.ok_button)
    assert ask.isVisible() and "border: 2px solid" in ask.text_edit.styleSheet()
    assert ask.error_label.text() == "Write the reason; the interviewer will read it."
    click(qtbot, ask.buttons.button(ask.buttons.StandardButton.Cancel))
    assert not ask.isVisible()
    assert cell(dialog, 0, "state") == "Received"
    assert station.services.reviews.state(dialog.model.item(0).interview_id) == "received"


def test_decision_buttons_follow_the_rows_state(qtbot, queue):
    _, _window, dialog = queue
    buttons = (dialog.approve_button, dialog.send_back_button, dialog.reject_button)
    assert all(b.isEnabled() for b in buttons)
    decide(qtbot, dialog, dialog.reject_button, "Interviewed in view of the compound.")
    dialog.table.selectRow(0)  # the rejected row
    assert cell(dialog, 0, "state") == "Rejected"
    assert not any(b.isEnabled() for b in buttons)
    assert dialog.decide_selected("approved") is None
    assert dialog.form_button.isEnabled()
    dialog.table.selectRow(1)  # still received
    assert all(b.isEnabled() for b in buttons)


def test_the_queue_shows_the_protocols_labels_and_display_names(qtbot, roster_station):
    services = roster_station.services
    services.accounts.set_display_name(roster_station.admin, "ivan", "Lt. I. Petrov")
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("repatriate")}, "paper")
    services.transcription.record(roster_station.interviewer, "NK-100002",
                                  {"answers": complete_answers("enlist")}, "paper")
    services.transcription.record(roster_station.interviewer, "CN-700001",
                                  {"answers": complete_answers("enlist"),
                                   "abandon": {"reason": "unfit"}}, "paper")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog = window.open_review_queue()
    dialog.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    shown = {cell(dialog, r, "isn"): (cell(dialog, r, "choice"), cell(dialog, r, "state"),
                                      cell(dialog, r, "interviewer"), cell(dialog, r, "compound"))
             for r in range(dialog.model.rowCount())}
    assert shown == {
        "NK-100001": ("Accept repatriation", "Received", "Lt. I. Petrov", "Compound 62"),
        "NK-100002": ("Enter the armed forces of the United Nations Command", "Received",
                      "Lt. I. Petrov", "Compound 76"),
        "CN-700001": ("Not completed: Not fit to be interviewed (illness or injury)",
                      "Received", "Lt. I. Petrov", "Compound 72"),
    }
    assert "Transcribed from paper" in cell(dialog, 0, "flags")
    assert [dialog.state_filter.itemText(i) for i in range(dialog.state_filter.count())] == [
        "All states", "Received", "Approved", "Sent back", "Rejected"]
    index = dialog.interviewer_filter.findText("Lt. I. Petrov")
    assert index > 0 and dialog.interviewer_filter.itemData(index) == "ivan"
    dialog.interviewer_filter.setCurrentIndex(index)
    assert dialog.model.rowCount() == 3
    # A long label is cut to fit, and its tooltip holds the whole value.
    long = dialog.model.index(2, COLUMN["choice"])  # NK-100002: the armed forces
    assert long.data(Qt.ItemDataRole.ToolTipRole) == long.data()


def test_the_queue_and_its_decision_dialog_fit_the_laptop_screen(qtbot, queue):
    _, _window, dialog = queue
    assert_fits_screen(qtbot, dialog)
    click(qtbot, dialog.approve_button)
    assert_fits_screen(qtbot, dialog.decision_dialog)


def test_interviewers_have_no_review_queue(qtbot, roster_station):
    window = MainWindow(roster_station.services, roster_station.interviewer, lock_minutes=0)
    qtbot.addWidget(window)
    assert not window.review_action.isVisible()


def test_the_review_model_passes_qt_model_checks(qtmodeltester, queue):
    _, _, dialog = queue
    qtmodeltester.check(dialog.model)
    assert isinstance(dialog.model, ReviewQueueModel)


def test_flags_are_shown_with_their_reasons(qtbot, queue):
    _, window, _ = queue
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog = window.open_review_queue()
    assert "Transcribed from paper" in cell(dialog, 0, "flags")
    dialog.table.selectRow(1)
    assert "minimum is 7 min" in dialog.flags_label.text()


def test_filters_and_sorting(qtbot, queue):
    _, window, _ = queue
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog = window.open_review_queue()
    dialog.state_filter.setCurrentIndex(0)
    assert dialog.model.rowCount() == 3
    dialog.flagged_only.setChecked(True)  # every transcribed interview is flagged
    assert dialog.model.rowCount() == 3
    index = dialog.interpreter_filter.findData("Interpreter name")
    assert index > 0
    dialog.interpreter_filter.setCurrentIndex(index)
    assert dialog.model.rowCount() == 3
    dialog.outcome_filter.setCurrentIndex(2)  # not completed: none
    assert dialog.model.rowCount() == 0
    dialog.outcome_filter.setCurrentIndex(0)
    dialog.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    isns = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
    assert isns == sorted(isns, reverse=True)
    dialog.table.selectRow(0)
    assert dialog.selected_item().subject_isn == isns[0]


def test_the_interviewer_sees_what_was_sent_back_and_interviews_again(qtbot, queue,
                                                                     monkeypatch):
    station, _, dialog = queue
    sent = dialog.selected_item()
    decide(qtbot, dialog, dialog.send_back_button, "Ask the coercion questions again.")
    window = MainWindow(station.services, station.interviewer, lock_minutes=0)
    qtbot.addWidget(window)
    offered = []

    def pick_first(parent, title, label, items, *args):
        offered.extend(items)
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick_first))
    interview = window.offer_sent_back()
    assert offered and "Ask the coercion questions again." in offered[0]
    assert interview.record.supersedes_id == sent.interview_id
    assert window.wizard is not None


def test_the_persons_history_shows_the_decision_and_its_note(qtbot, queue):
    station, window, dialog = queue
    dialog.table.selectRow(1)  # NK-100001, Kim Min-jun
    decide(qtbot, dialog, dialog.approve_button, "Approved despite: all signed on paper.")
    window.search_edit.setText("NK-100001")
    window.apply_search()
    line = window.subject_panel.history.item(0).text()
    assert line.endswith("· ivan  · paper  · Approved: Approved despite: all signed on paper.")


def test_locking_the_station_closes_a_decision_half_made(qtbot, queue):
    station, window, dialog = queue
    dialog.show()
    qtbot.waitExposed(dialog)
    click(qtbot, dialog.approve_button)
    confirm = dialog.decision_dialog
    confirm.text_edit.setPlainText("Approved despite: all signed.")
    assert confirm.isVisible()
    window.lock()
    assert not dialog.isVisible() and not confirm.isVisible()
    assert station.services.reviews.queue(station.supervisor, state="approved") == []


def test_a_pattern_shows_against_each_of_its_interviews(qtbot, roster_station, monkeypatch):
    """A camp-wide pattern lists its interviews: each row shows it, and its detail says the
    interview is part of it (here: one interview is a whole compound-day)."""
    from dataclasses import replace

    from screening_app.services.reviews import ReviewService

    settings = ReviewService._flag_settings
    monkeypatch.setattr(ReviewService, "_flag_settings", lambda self: replace(
        settings(self), uniform_min_interviews=1))
    services = roster_station.services
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("repatriate")}, "paper")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog = window.open_review_queue()
    assert "Compound answered as one" in cell(dialog, 0, "flags")
    dialog.table.selectRow(0)
    assert "⚑ Part of a pattern: In Compound 62 on " in dialog.flags_label.text()
    assert "In Compound 62 on " in dialog.camp_flags_label.text()


def test_the_queue_opened_again_shows_the_flags_kept_at_once(qtbot, queue, monkeypatch):
    """Once computed, the flags open with the queue: no second pass over every record
    while nothing has changed; a new record computes them again in the background."""
    from screening_app.ui import review_queue

    station, window, dialog = queue
    flagged = cell(dialog, 0, "flags")
    assert "Transcribed" in flagged
    dialog.close()
    window.review_dialog = None
    computed = []
    compute = review_queue.compute_flags
    monkeypatch.setattr(review_queue, "compute_flags",
                        lambda *args: computed.append(1) or compute(*args))
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=5_000):
        again = window.open_review_queue()
    again.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert cell(again, 0, "flags") == flagged and computed == []
    station.services.transcription.record(
        station.interviewer, "NK-100013",
        {"answers": complete_answers("enlist"), **PAPER_TIMES}, "paper")
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        again.refresh()
    assert computed == [1] and again.model.rowCount() == 4


def test_while_the_flags_are_computed_again_the_last_ones_show_and_say_so(qtbot, queue):
    """A record landed since the flags were kept: the queue shows them at once as they
    were, saying when they were computed, and swaps in the new ones when they arrive."""
    station, window, dialog = queue
    assert not dialog.flags_note.isVisible()  # computed just now
    flagged = cell(dialog, 0, "flags")
    station.services.transcription.record(
        station.interviewer, "NK-100013",
        {"answers": complete_answers("enlist"), **PAPER_TIMES}, "paper")
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog.refresh()
        dialog.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        # Before the new pass ends: the last flags, and a note saying what they are.
        assert cell(dialog, 0, "flags") == flagged
        assert dialog.flags_note.isVisible()
        assert "Flags as computed at " in dialog.flags_note.text()
        assert "records or prints since then: 1" in dialog.flags_note.text()
    assert not dialog.flags_note.isVisible()
    rows = {cell(dialog, row, "isn"): cell(dialog, row, "flags")
            for row in range(dialog.model.rowCount())}
    assert "Transcribed" in rows["NK-100013"]
