"""The review flow through real widgets: approve, send back, reject."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from screening_app.protocol.examples import complete_answers
from screening_app.ui.main_window import MainWindow
from screening_app.ui.review_queue import ReviewQueueModel


@pytest.fixture
def queue(qtbot, roster_station):
    services = roster_station.services
    for isn in ("NK-100001", "NK-100002", "CN-700001"):
        services.transcription.record(roster_station.interviewer, isn,
                                      {"answers": complete_answers()}, "paper")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    assert window.review_action.isVisible()
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog = window.open_review_queue()
    return roster_station, window, dialog


def test_approve_send_back_and_reject_through_the_queue(qtbot, queue, monkeypatch):
    station, window, dialog = queue
    assert dialog.model.rowCount() == 3  # all received
    with qtbot.waitSignal(dialog.sig_decided) as decided:
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert decided.args[1] == "approved"
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda *args, **kwargs: ("The observer did not sign on paper.", True)))
    with qtbot.waitSignal(dialog.sig_decided) as decided:
        qtbot.mouseClick(dialog.send_back_button, Qt.MouseButton.LeftButton)
    assert decided.args[1] == "sent_back"
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda *args, **kwargs: ("Compound leader was present.", True)))
    with qtbot.waitSignal(dialog.sig_decided) as decided:
        qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert decided.args[1] == "rejected"
    assert dialog.model.rowCount() == 0  # nothing left in "received"
    dialog.state_filter.setCurrentIndex(0)  # all states
    states = sorted(dialog.model.item(r).state for r in range(dialog.model.rowCount()))
    assert states == ["approved", "rejected", "sent_back"]
    # The interviewer sees what was sent back, and why.
    sent_back = station.services.reviews.sent_back_to(station.interviewer)
    assert [i.reason for i in sent_back] == ["The observer did not sign on paper."]


def test_cancelling_the_reason_records_nothing(qtbot, queue, monkeypatch):
    _, _, dialog = queue
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    assert dialog.decide_selected("rejected") is False
    assert dialog.model.rowCount() == 3


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
    assert "transcribed" in dialog.model.index(0, 7).data()
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
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda *a, **k: ("Ask the coercion questions again.", True)))
    sent = dialog.selected_item()
    dialog.decide_selected("sent_back")
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
