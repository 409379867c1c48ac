"""The review queue a page at a time, through real widgets: a queue longer than a page opens
with its first page and its count, scrolling (by keyboard, in a table one row high) brings
the others, and sorting, filters, decisions and a refresh hold across pages."""

import pytest
from PySide6.QtCore import Qt

from screening_app.protocol.examples import complete_answers
from screening_app.ui.main_window import MainWindow
from screening_app.ui.review_queue import COLUMNS, ReviewQueueModel
from tests.ui.test_review_gui import PAPER_TIMES, decide

COLUMN = {field: n for n, (field, _header) in enumerate(COLUMNS)}
# Five interviews, two a page: three pages. Three were not completed.
RECORDED = (("NK-100001", "repatriate", False), ("NK-100002", "enlist", True),
            ("NK-100013", "enlist", False), ("CN-700001", "repatriate", True),
            ("CN-700002", "enlist", True))
EVERY_ISN = sorted(isn for isn, _choice, _abandoned in RECORDED)
NOT_COMPLETED = sorted(isn for isn, _choice, abandoned in RECORDED if abandoned)


@pytest.fixture
def long_queue(qtbot, roster_station, monkeypatch):
    monkeypatch.setattr(ReviewQueueModel, "PAGE_SIZE", 2)
    services = roster_station.services
    for isn, choice, abandoned in RECORDED:
        record = {"answers": complete_answers(choice), **PAPER_TIMES}
        if abandoned:
            record["abandon"] = {"reason": "unfit"}
        services.transcription.record(roster_station.interviewer, isn, record, "paper")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        dialog = window.open_review_queue()
    # One row in view: the table asks for the next page only when scrolled to its end
    # (a taller one fills itself to its height).
    table = dialog.table
    table.setFixedHeight(table.horizontalHeader().height()
                         + table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth())
    dialog.state_filter.setCurrentIndex(0)  # all states
    return roster_station, window, dialog


def shown(dialog, field: str) -> list[str]:
    return [dialog.model.index(row, COLUMN[field]).data()
            for row in range(dialog.model.rowCount())]


def scroll_to_the_end(qtbot, dialog) -> None:
    """Ctrl+End, as a person would, until the table has no more to fetch."""
    while dialog.model.canFetchMore():
        rows = dialog.model.rowCount()
        qtbot.keyClick(dialog.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda rows=rows: dialog.model.rowCount() > rows, timeout=5_000)


def test_the_queue_opens_with_a_page_and_scrolling_shows_every_row(qtbot, long_queue):
    _, _, dialog = long_queue
    assert dialog.model.rowCount() == 2  # the first page only
    assert dialog.count_label.text() == "Interviews: 5"  # but every one is counted
    scroll_to_the_end(qtbot, dialog)
    # By ISN, last first (the header's order when the queue opens), each row once.
    assert shown(dialog, "subject_isn") == sorted(EVERY_ISN, reverse=True)
    assert dialog.count_label.text() == "Interviews: 5"


def test_sorting_a_column_orders_every_page_not_just_the_first(qtbot, long_queue):
    _, _, dialog = long_queue
    for field in ("subject_name", "subject_isn", "choice", "compound"):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            dialog.table.sortByColumn(COLUMN[field], order)
            assert dialog.model.rowCount() == 2
            scroll_to_the_end(qtbot, dialog)
            values = shown(dialog, field)
            assert len(values) == 5
            assert values == sorted(values, key=str.casefold,
                                    reverse=order == Qt.SortOrder.DescendingOrder), field
    dialog.table.sortByColumn(COLUMN["subject_name"], Qt.SortOrder.AscendingOrder)
    # The first page holds the first names of all five, not the first two sorted.
    assert shown(dialog, "subject_name")[0] == "张小明 / Zhang Xiaoming"


def test_sorting_by_the_flags_puts_the_most_flagged_first_across_pages(qtbot, long_queue):
    _, _, dialog = long_queue
    dialog.table.sortByColumn(COLUMN["flags"], Qt.SortOrder.DescendingOrder)
    scroll_to_the_end(qtbot, dialog)
    counts = [len(dialog.model.flags_of(dialog.model.item(row).interview_id))
              for row in range(dialog.model.rowCount())]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]  # the completed papers are short interviews as well


def test_a_filter_applies_to_every_page_and_the_count_follows(qtbot, long_queue):
    _, _, dialog = long_queue
    dialog.outcome_filter.setCurrentIndex(dialog.outcome_filter.findData("not_completed"))
    assert dialog.count_label.text() == "Interviews: 3"
    assert dialog.model.rowCount() == 2
    scroll_to_the_end(qtbot, dialog)
    assert shown(dialog, "subject_isn") == sorted(NOT_COMPLETED, reverse=True)
    assert all(choice.startswith("Not completed") for choice in shown(dialog, "choice"))
    dialog.compound_filter.setCurrentIndex(dialog.compound_filter.findData("Compound 62"))
    assert dialog.count_label.text() == "Interviews: 0"
    assert dialog.model.rowCount() == 0 and not dialog.approve_button.isEnabled()
    dialog.outcome_filter.setCurrentIndex(0)
    dialog.flagged_only.setChecked(True)  # both papers of Compound 62 are flagged
    assert dialog.count_label.text() == "Interviews: 2"
    scroll_to_the_end(qtbot, dialog)
    assert shown(dialog, "subject_isn") == ["NK-100013", "NK-100001"]


def test_decisions_neither_skip_nor_repeat_rows_of_later_pages(qtbot, long_queue):
    """Deciding takes rows out of "Received"; the pages after them still come whole."""
    _, _, dialog = long_queue
    dialog.state_filter.setCurrentIndex(1)  # received
    dialog.table.selectRow(0)
    decide(qtbot, dialog, dialog.reject_button, "Interviewed in view of the compound.")
    decide(qtbot, dialog, dialog.reject_button, "Compound leader was present.")
    assert shown(dialog, "state")[:2] == ["Rejected", "Rejected"]  # they stay in view
    # Deciding the last row of the page moved on to the next page's first row.
    assert dialog.selected_item().subject_isn == sorted(EVERY_ISN, reverse=True)[2]
    scroll_to_the_end(qtbot, dialog)
    assert shown(dialog, "subject_isn") == sorted(EVERY_ISN, reverse=True)
    assert dialog.count_label.text() == "Interviews: 5"  # as counted when filtered
    dialog.state_filter.setCurrentIndex(0)
    dialog.state_filter.setCurrentIndex(1)
    assert dialog.count_label.text() == "Interviews: 3"


def test_keyboard_moves_down_through_every_page(qtbot, long_queue):
    _, _, dialog = long_queue
    dialog.table.selectRow(0)
    for _ in range(4):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.selected_item().subject_isn == sorted(EVERY_ISN)[0]  # the last, by ISN
    assert dialog.decision_label.text() == "Waiting for a decision."


def test_the_selection_survives_a_refresh_on_a_later_page(qtbot, long_queue):
    station, window, dialog = long_queue
    scroll_to_the_end(qtbot, dialog)
    dialog.table.selectRow(4)
    chosen = dialog.selected_item().interview_id
    station.services.reviews.decide(station.supervisor, chosen, "rejected",
                                    reason="Decided at another window.")
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        again = window.open_review_queue()  # already open: brought up to date
    assert again is dialog
    assert dialog.selected_item().interview_id == chosen
    assert dialog.selected_item().state == "rejected"
    assert dialog.model.rowCount() == 5


def test_the_paged_model_passes_qt_model_checks(qtmodeltester, qtbot, long_queue):
    _, _, dialog = long_queue
    assert dialog.model.canFetchMore()
    qtmodeltester.check(dialog.model)  # from a page fetched and more to fetch (it fetches)
    scroll_to_the_end(qtbot, dialog)
    assert dialog.model.rowCount() == 5
    qtmodeltester.check(dialog.model)
