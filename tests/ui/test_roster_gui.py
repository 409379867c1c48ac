"""The roster table: a well-behaved model, lazy paging, search as you type, what an empty
search says, Enter in the search box, and columns that show their values."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QToolTip

from screening_app.demo.roster_generator import write_roster_csv
from screening_app.protocol.examples import complete_answers
from screening_app.ui.roster_model import STATUS_LABELS, RosterTableModel, status_label
from tests.conftest import write_csv
from tests.ui.gui_driver import type_text


def test_the_roster_model_passes_qt_model_checks(qtmodeltester, roster_station):
    model = RosterTableModel(roster_station.services, roster_station.interviewer)
    qtmodeltester.check(model)
    model.set_query("王")
    qtmodeltester.check(model)


def test_browsing_fetches_pages_lazily(roster_station, tmp_path):
    big = write_roster_csv(tmp_path / "big.csv", 650, seed=3)
    roster_station.services.roster.import_file(roster_station.admin, big)
    model = RosterTableModel(roster_station.services, roster_station.interviewer)
    assert model.rowCount() == RosterTableModel.PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 655
    isns = [model.subject_at(r).isn for r in range(model.rowCount())]
    assert isns == sorted(isns) and len(set(isns)) == 655


def test_status_column_shows_status_never_choice(qtbot, window):
    from screening_app.protocol.examples import complete_answers

    services = window.services
    services.transcription.record(window.actor, "NK-100001", {"answers": complete_answers()}, "t")
    window.roster_model.set_query("NK-100001")
    status = window.roster_model.index(0, 5).data()
    assert status == "Completed"


def test_search_as_you_type_in_every_script(qtbot, window):
    for text, isn in (("김 민준", "NK-100001"), ("王伟", "CN-700001"), ("xiaoming", "CN-700002"),
                      ("nk-100013", "NK-100013")):
        window.search_edit.clear()
        type_text(qtbot, window.search_edit, text)
        qtbot.waitUntil(lambda t=text: window.roster_model.query == t.strip())
        assert window.roster_model.subject_at(0).isn == isn
        assert window.subject_panel.subject.isn == isn


def search(qtbot, window, text: str) -> None:
    """Type ``text`` into an empty search box and wait for the results."""
    window.search_edit.clear()
    window.search_edit.setFocus()
    type_text(qtbot, window.search_edit, text)
    qtbot.waitUntil(lambda: window.roster_model.query == text.strip()
                    and not window._search_timer.isActive())


def test_a_search_that_finds_no_one_says_so(qtbot, window):
    search(qtbot, window, "zzqx")

    assert window.roster_model.rowCount() == 0
    assert window.no_match_label.isVisible()
    assert window.no_match_label.text() == "No one matches “zzqx”."

    search(qtbot, window, "王")
    assert window.roster_model.rowCount() == 1
    assert not window.no_match_label.isVisible()


def test_enter_with_one_result_starts_the_interview(qtbot, window):
    search(qtbot, window, "박지호")

    QTest.keyClick(window.search_edit, Qt.Key.Key_Return)

    assert window.wizard is not None
    assert window.wizard.interview.record.subject_isn == "NK-100013"


def test_enter_starts_the_interview_of_the_row_the_interviewer_chose(qtbot, window):
    search(qtbot, window, "NK-1000")
    assert window.roster_model.rowCount() == 3
    second = window.roster_view.visualRect(window.roster_model.index(1, 0)).center()
    qtbot.mouseClick(window.roster_view.viewport(), Qt.MouseButton.LeftButton, pos=second)
    window.search_edit.setFocus()

    QTest.keyClick(window.search_edit, Qt.Key.Key_Return)

    assert window.wizard is not None
    assert window.wizard.interview.record.subject_isn == "NK-100002"


def test_enter_with_several_results_and_no_choice_goes_to_the_table(qtbot, window):
    search(qtbot, window, "NK-1000")

    QTest.keyClick(window.search_edit, Qt.Key.Key_Return)

    assert window.wizard is None
    qtbot.waitUntil(lambda: window.roster_view.hasFocus())
    assert window.selected_subject().isn == "NK-100001"


def test_enter_right_after_typing_searches_what_was_typed_first(qtbot, window):
    window.search_edit.setFocus()
    type_text(qtbot, window.search_edit, "Lee Seo")  # Enter before the search timer fires

    QTest.keyClick(window.search_edit, Qt.Key.Key_Return)

    assert window.wizard is not None
    assert window.wizard.interview.record.subject_isn == "NK-100002"


def text_fits(view, column: int, text: str) -> bool:
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return view.fontMetrics().horizontalAdvance(text) + 2 * margin <= view.columnWidth(column)


def test_roster_columns_show_every_value_and_header_whole(window):
    view, model = window.roster_view, window.roster_model
    header = view.horizontalHeader()
    header_margin = view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for column in range(model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal)
        assert (header.fontMetrics().horizontalAdvance(title) + 2 * header_margin
                <= view.columnWidth(column)), title
        for row in range(model.rowCount()):
            text = model.index(row, column).data()
            assert text_fits(view, column, text), text
    for status in [*STATUS_LABELS, *(f"{s}+draft" for s in STATUS_LABELS if s)]:
        assert text_fits(view, model.columnCount() - 1, status_label(status)), status
    # All of it in view: nothing hides behind a horizontal scroll bar.
    assert sum(view.columnWidth(c) for c in range(model.columnCount())) <= (
        view.viewport().width())


def test_a_value_too_long_for_its_column_is_elided_and_shown_whole_in_a_tooltip(
        qtbot, window, roster_station, tmp_path):
    long_name = "Kim Min-jun Alexander Konstantin Bartholomew-Nikolaidis"
    roster_station.services.roster.import_file(roster_station.admin, write_csv(
        tmp_path / "long.csv", [{"isn": "NK-100099", "name_native": "김민준",
                                 "name_latin": long_name}]))
    search(qtbot, window, "NK-100099")
    view = window.roster_view
    assert not text_fits(view, 2, long_name)
    assert view.textElideMode() == Qt.TextElideMode.ElideRight

    cell = view.visualRect(window.roster_model.index(0, 2)).center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(
        QEvent.Type.ToolTip, cell, view.viewport().mapToGlobal(cell)))

    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == long_name
    QToolTip.hideText()



def test_typing_on_keeps_the_chosen_interview_of_the_person_still_first(qtbot, roster_station,
                                                                        window):
    """Narrowing a search that keeps the same person first does not rebuild their history:
    the interview the interviewer picked there stays picked. Another person's does."""
    roster_station.services.transcription.record(
        roster_station.interviewer, "NK-100001", {"answers": complete_answers("enlist")},
        "paper")
    search(qtbot, window, "NK-10000")
    panel = window.subject_panel
    assert panel.subject.isn == "NK-100001" and panel.history.count() == 1
    panel.history.setCurrentRow(0)
    assert panel.form_button.isEnabled()
    type_text(qtbot, window.search_edit, "1")  # "NK-100001": the same person first
    qtbot.waitUntil(lambda: window.roster_model.query == "NK-100001"
                    and not window._search_timer.isActive())
    assert panel.history.currentRow() == 0 and panel.form_button.isEnabled()
    search(qtbot, window, "NK-100002")
    assert panel.subject.isn == "NK-100002"
    assert panel.history.count() == 0 and not panel.form_button.isEnabled()
