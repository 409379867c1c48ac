"""Locking, unlocking, switching user, the first-run dialog, and ending on a forced stop."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from screening_app.store.station import station_exists
from screening_app.ui.first_run import FirstRunDialog
from screening_app.ui.main_window import MainWindow
from screening_app.ui.sign_in import SignInDialog
from tests.conftest import PASSWORD


def test_lock_hides_the_work_and_the_password_brings_it_back(qtbot, window):
    window.start_interview("NK-100001")
    wizard = window.wizard
    with qtbot.waitSignal(window.sig_locked):
        window.lock_action.trigger()
    assert not window.stack.isVisible()
    dialog = window.lock_dialog
    assert dialog.name_edit.text() == "ivan" and dialog.name_edit.isReadOnly()
    dialog.password_edit.setText("wrong password")
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert "Wrong user name or password" in dialog.error_label.text()
    assert window.lock_dialog is dialog  # still locked
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked):
        dialog._on_sign_in()
    assert window.stack.isVisible() and window.wizard is wizard  # the work is kept


def test_idle_time_locks_the_session(qtbot, roster_station):
    window = MainWindow(roster_station.services, roster_station.interviewer, lock_minutes=0.001)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        pass
    assert window.lock_dialog is not None


def test_switch_user_keeps_the_draft_for_its_interviewer(qtbot, window, roster_station):
    interview = window.services.interviews.start(window.actor, "NK-100002")
    window.open_wizard(interview)
    window.lock()
    dialog = window.lock_dialog
    dialog.switch_button.click()
    dialog.name_edit.setText("olga")
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked):
        dialog._on_sign_in()
    assert window.actor.name == "olga" and window.wizard is None
    assert window.user_label.text().startswith("Signed in: olga")
    ivan = roster_station.interviewer
    assert [d.id for d in window.services.interviews.drafts(ivan)] == [interview.id]


def test_sign_in_dialog_refuses_a_wrong_password(qtbot, roster_station):
    dialog = SignInDialog(roster_station.services)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("ivan")
    dialog.password_edit.setText("nope nope")
    dialog._on_sign_in()
    assert dialog.actor is None and dialog.error_label.text()
    dialog.password_edit.setText(PASSWORD)
    dialog._on_sign_in()
    assert dialog.actor.name == "ivan"


def test_a_long_refusal_is_shown_whole(qtbot, roster_station, test_keys):
    """A role an admin never granted is refused in a sentence of several lines: the window
    grows to show all of it."""
    from screening_app.store.connection import open_database
    from screening_app.store.keyfile import KeyFile
    from tests.conftest import install_test_user_certificate

    services = roster_station.services
    install_test_user_certificate(services, roster_station.admin, test_keys)
    data_dir = services.station.data_dir
    db = open_database(data_dir / "station.sqlite3",
                       KeyFile.load(data_dir).unlock("ivan", PASSWORD).database_key)
    db.execute("UPDATE users SET role = 'admin' WHERE name = 'ivan'")
    db.conn.commit()
    db.close()
    dialog = SignInDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.name_edit.setText("ivan")
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    label = dialog.error_label
    assert dialog.actor is None and "Sign-in refused" in label.text()
    assert label.height() >= label.heightForWidth(label.width())
    assert label.geometry().bottom() < dialog.buttons.geometry().top()


def test_first_run_creates_a_station_or_refuses_with_a_reason(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "new")
    qtbot.addWidget(dialog)
    dialog.station_id.setText("CAMP 7")  # a space is not allowed
    dialog.camp.setText("Koje-do")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "not valid" in dialog.error_label.text()
    assert not station_exists(tmp_path / "new")
    dialog.station_id.setText("CAMP-7")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert station_exists(tmp_path / "new")


def test_a_privacy_failure_ends_the_interview_with_its_reason(qtbot, window, confirm_yes):
    window.start_interview("CN-700002")
    wizard = window.wizard
    page = wizard.step_pages["identity"]
    for question_id in ("isn_matches", "name_matches", "unit_matches"):
        page.questions[question_id].choose_number(1)
    wizard.go_next()
    privacy = wizard.step_pages["privacy"]
    privacy.questions["no_other_detainees"].choose_number(2)  # "no": another prisoner present
    assert "cannot go on" in wizard.reason_label.text()
    with qtbot.waitSignal(wizard.sig_finalised) as ended:
        wizard.go_next()
    assert confirm_yes == ["End the interview"]
    record = ended.args[0].record
    assert (record.non_completion_reason, record.non_completion_step) == ("no_privacy", "privacy")


def test_the_lock_screen_has_no_button_that_does_nothing(qtbot, window):
    window.lock()
    dialog = window.lock_dialog
    texts = [button.text() for button in dialog.buttons.buttons()]
    assert texts == ["Unlock", "Switch user"] or sorted(texts) == ["Switch user", "Unlock"]
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
    assert window.lock_dialog is dialog and dialog.isVisible()  # Escape does not lift it
    dialog.switch_button.click()
    assert "is locked" not in dialog.locked_label.text()
    assert not dialog.name_edit.isReadOnly()


def test_after_unlock_the_keyboard_is_back_on_the_work(qtbot, window):
    window.start_interview("NK-100001")
    wizard = window.wizard
    window.lock()
    dialog = window.lock_dialog
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked):
        dialog._on_sign_in()
    frame = wizard.step_pages["identity"].questions["isn_matches"].answer_frame
    qtbot.waitUntil(lambda: QApplication.focusWidget() is frame)


def test_after_switching_user_the_keyboard_is_on_the_search_box(qtbot, window):
    window.lock()
    dialog = window.lock_dialog
    dialog.switch_button.click()
    dialog.name_edit.setText("olga")
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked):
        dialog._on_sign_in()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search_edit)
    assert window.user_label.text().startswith("Signed in: olga")


def test_the_application_shortcuts_work_from_any_window(qtbot, roster_station):
    window = MainWindow(roster_station.services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    # From the search box (a text field, which keeps many Ctrl keys for itself) ...
    QTest.keyClick(window.search_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    queue = window.review_dialog
    qtbot.waitUntil(queue.isActiveWindow)
    # ... and from another window of the app: the dashboard, then the lock.
    QTest.keyClick(queue.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.dashboard_dialog.isVisible()
    qtbot.waitUntil(window.dashboard_dialog.isActiveWindow)
    QTest.keyClick(window.dashboard_dialog, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.review_dialog is queue  # the same queue, brought forward
    with qtbot.waitSignal(window.sig_locked):
        QTest.keyClick(QApplication.focusWidget() or queue, Qt.Key.Key_L,
                       Qt.KeyboardModifier.ControlModifier)
    window.lock_dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked):
        window.lock_dialog._on_sign_in()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.search_edit, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert "Nothing was sent back" in window.statusBar().currentMessage()


def test_the_program_starts_at_its_sign_in_window_and_opens_the_roster_after_it(
        qtbot, roster_station):
    from PySide6.QtCore import QTimer

    from screening_app.ui.app import open_main_window

    roster_station.services.close()  # as at a start: nothing open, the database encrypted
    seen = []

    def sign_in():  # runs once the sign-in window waits for a person
        dialog = QApplication.activeModalWidget()
        seen.append((type(dialog).__name__, dialog.windowTitle()))
        qtbot.keyClicks(dialog.name_edit, "ivan")
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, sign_in)
    window = open_main_window(roster_station.data_dir)

    assert seen == [("SignInDialog", "Sign in")]
    assert window is not None
    qtbot.addWidget(window)
    roster_station.services = window.services  # closed by the fixture
    assert window.actor.name == "ivan"
    assert window.roster_model.rowCount() == 5


def test_after_first_paint_waits_for_the_window_to_be_painted(qtbot):
    from PySide6.QtWidgets import QLabel

    from screening_app.ui.app import after_first_paint

    label = QLabel("Sign in")
    qtbot.addWidget(label)
    ran = []
    after_first_paint(label, lambda: ran.append(label.isVisible()))
    QApplication.processEvents()
    assert ran == []  # not shown yet, so not painted

    label.show()
    qtbot.waitUntil(lambda: ran == [True])
