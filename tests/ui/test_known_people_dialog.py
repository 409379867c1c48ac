"""Station > Interpreters and observers…: supervisors keep the list the interview offers."""

from PySide6.QtCore import Qt

from screening_app.ui.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.ui.gui_driver import type_text
from tests.ui.screen import assert_fits_screen


def test_a_supervisor_adds_an_interpreter_and_sees_the_list(qtbot, roster_station):
    services = roster_station.services
    services.sign_in("sup", PASSWORD)
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    assert window.known_people_action.isVisible()
    dialog = window.open_known_people_dialog()
    qtbot.waitExposed(dialog)
    assert_fits_screen(qtbot, dialog, buttons=[dialog.add_button])
    type_text(qtbot, dialog.name_edit, "Wang Li")
    type_text(qtbot, dialog.native_edit, "王力")
    type_text(qtbot, dialog.languages_edit, "zh, en")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Added interpreter Wang Li (王力)."
    assert dialog.model.rowCount() == 1
    assert [dialog.model.data(dialog.model.index(0, c)) for c in range(3)] == [
        "Wang Li", "王力", "zh, en"]
    # The same person again: one sentence, nothing added.
    type_text(qtbot, dialog.name_edit, "wang  li")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "already knows interpreter Wang Li" in dialog.message.text()
    assert dialog.model.rowCount() == 1
    # Retired: offered no more.
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "The interview no longer offers Wang Li (王力)."
    assert dialog.model.rowCount() == 0
    assert services.people.with_role(roster_station.supervisor, "interpreter") == []


def test_interviewers_do_not_keep_the_list(qtbot, window):
    assert not window.known_people_action.isVisible()


def test_a_supervisor_corrects_an_entry_and_merges_a_second_one_into_it(
        qtbot, roster_station, confirm_yes):
    services, sup = roster_station.services, roster_station.supervisor
    services.people.add(roster_station.interviewer, "interpreter", "Gim Ri")
    services.people.add(roster_station.interviewer, "interpreter", "Kim Lii")
    services.sign_in("sup", PASSWORD)
    window = MainWindow(services, sup, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_known_people_dialog()
    qtbot.waitExposed(dialog)
    assert_fits_screen(qtbot, dialog, buttons=[dialog.save_button, dialog.merge_button])
    assert not any(button.isEnabled() for button in (
        dialog.save_button, dialog.merge_button, dialog.retire_button))
    # Selected, the entry's fields come into the form to be corrected.
    dialog.table.selectRow(1)
    assert dialog.name_edit.text() == "Kim Lii"
    dialog.name_edit.clear()
    type_text(qtbot, dialog.name_edit, "Kim Li")
    type_text(qtbot, dialog.native_edit, "김리")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Kim Lii is now Kim Li (김리)."
    # The other entry is the same person: merged into the corrected one, after a question.
    dialog.table.selectRow(0)
    assert dialog.name_edit.text() == "Gim Ri"
    assert [dialog.merge_box.itemText(i) for i in range(dialog.merge_box.count())] == [
        "Kim Li (김리)"]
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert confirm_yes == ["Merge two entries"]
    assert dialog.message.text() == "Gim Ri is merged into Kim Li (김리)."
    assert [p.shown for p in services.people.with_role(sup, "interpreter")] == ["Kim Li (김리)"]
    assert dialog.model.rowCount() == 1
