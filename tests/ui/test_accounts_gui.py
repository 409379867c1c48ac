"""The Accounts dialog, Change my password, and the sign-in brake, through their widgets."""

import pytest
from PySide6.QtCore import Qt

from screening_app.domain.errors import AuthenticationFailed
from screening_app.store.sign_in_throttle import SIGN_IN_ATTEMPTS_FILE, SignInThrottle
from screening_app.ui.main_window import MainWindow
from screening_app.ui.sign_in import SignInDialog
from tests.conftest import PASSWORD
from tests.ui.screen import assert_fits_screen

NEW_PASSWORD = "staple battery horse"


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def admin_window(qtbot, roster_station):
    main = MainWindow(roster_station.services, roster_station.admin, lock_minutes=0)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def accounts(qtbot, admin_window):
    admin_window.accounts_action.trigger()
    dialog = admin_window.accounts_dialog
    qtbot.waitExposed(dialog)
    return dialog


def states(dialog) -> dict[str, str]:
    model = dialog.model
    return {model.index(r, 0).data(): model.index(r, 3).data() for r in range(model.rowCount())}


def submit_password(qtbot, dialog, password, repeat=None) -> None:
    dialog.password_edit.setText(password)
    dialog.repeat_edit.setText(password if repeat is None else repeat)
    click(qtbot, dialog.ok_button)


def test_the_accounts_entry_is_for_admins_and_follows_a_switch_of_user(qtbot, window):
    assert not window.accounts_action.isVisible()  # an interviewer's window
    assert window.change_password_action.isVisible()
    window.lock()
    dialog = window.lock_dialog
    dialog.switch_button.click()
    dialog.name_edit.setText("admin")
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked):
        dialog._on_sign_in()
    assert window.accounts_action.isVisible()


def test_the_table_lists_every_account_with_its_state(accounts):
    assert states(accounts) == {"admin": "enabled", "ivan": "enabled", "olga": "enabled",
                                "sup": "enabled"}
    headers = [accounts.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(accounts.model.columnCount())]
    assert headers == ["Name", "Role", "Created (UTC)", "State", "Display name"]
    accounts.select_account("admin")  # one's own account is neither disabled nor reset
    assert not accounts.disable_button.isEnabled() and not accounts.reset_button.isEnabled()


def test_disable_then_enable_with_a_new_password(qtbot, accounts, roster_station,
                                                 confirm_yes):
    accounts.select_account("olga")
    assert not accounts.enable_button.isEnabled()
    click(qtbot, accounts.disable_button)
    assert confirm_yes == ["Disable the account"]
    assert states(accounts)["olga"] == "disabled"
    assert accounts.message_label.text() == "Account 'olga' disabled."
    assert accounts.enable_button.isEnabled() and not accounts.disable_button.isEnabled()

    click(qtbot, accounts.enable_button)
    enable = accounts.sub_dialog
    submit_password(qtbot, enable, NEW_PASSWORD, repeat="something else")
    assert enable.error_label.text() == "The two new passwords differ."
    submit_password(qtbot, enable, "olga is back")
    assert enable.error_label.text() == "The password must not contain the user name."
    assert enable.isVisible() and states(accounts)["olga"] == "disabled"
    with qtbot.waitSignal(enable.accepted):
        submit_password(qtbot, enable, NEW_PASSWORD)
    assert states(accounts)["olga"] == "enabled"
    # olga's own signing key opened only with the old password (interviewers have one too).
    assert accounts.message_label.text().startswith(
        "Account 'olga' enabled with its new password. olga's personal signing key was"
        " discarded")
    assert roster_station.services.accounts.authenticate("olga", NEW_PASSWORD).name == "olga"


def test_resetting_a_supervisor_warns_that_the_key_is_lost(qtbot, accounts, roster_station):
    accounts.select_account("sup")
    click(qtbot, accounts.reset_button)
    with qtbot.waitSignal(accounts.sub_dialog.accepted):
        submit_password(qtbot, accounts.sub_dialog, NEW_PASSWORD)
    message = accounts.message_label.text()
    assert message.startswith("The password of 'sup' is reset.")
    assert "personal signing key was discarded" in message and "user csr" in message
    assert roster_station.services.accounts.authenticate("sup", NEW_PASSWORD).name == "sup"


def test_add_an_account(qtbot, accounts, roster_station):
    click(qtbot, accounts.add_button)
    add = accounts.sub_dialog
    add.name_edit.setText("petra")
    add.role_combo.setCurrentIndex(add.role_combo.findText("Supervisor"))
    submit_password(qtbot, add, "short")
    assert add.error_label.text() == "The password must have at least 10 characters."
    with qtbot.waitSignal(add.accepted):
        submit_password(qtbot, add, NEW_PASSWORD)
    assert states(accounts)["petra"] == "enabled"
    assert accounts.selected().name == "petra" and accounts.selected().role.value == "supervisor"
    assert roster_station.services.accounts.authenticate("petra", NEW_PASSWORD).name == "petra"


def test_change_my_password(qtbot, window, roster_station):
    window.change_password_action.trigger()
    dialog = window.change_password_dialog
    dialog.current_edit.setText("not my password")
    submit_password(qtbot, dialog, NEW_PASSWORD)
    assert dialog.error_label.text() == "The current password is wrong; nothing was changed."
    assert dialog.current_edit.text() == "" and dialog.isVisible()
    dialog.current_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        submit_password(qtbot, dialog, NEW_PASSWORD)
    assert "password is changed" in window.statusBar().currentMessage()
    services = roster_station.services
    services.sign_out()
    ivan = services.sign_in("ivan", NEW_PASSWORD)
    assert ivan.name == "ivan"
    assert services.keys.personal_identity(ivan)  # ivan's own key opens with the new one


def test_the_sign_in_dialog_says_how_long_to_wait_and_rests_its_button(qtbot,
                                                                       roster_station):
    services = roster_station.services
    services.accounts.throttle = SignInThrottle(roster_station.data_dir / SIGN_IN_ATTEMPTS_FILE,
                                                clock=lambda: 1_800_000_000.0)
    dialog = SignInDialog(services)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("ivan")
    for _ in range(5):
        dialog.password_edit.setText("wrong guess")
        click(qtbot, dialog.sign_in_button)
        assert dialog.error_label.text() == "Wrong user name or password."
    dialog.password_edit.setText(PASSWORD)
    click(qtbot, dialog.sign_in_button)
    assert dialog.error_label.text() == ("Too many failed sign-ins for 'ivan': try again in"
                                         " 30 seconds.")
    assert dialog.actor is None and not dialog.sign_in_button.isEnabled()
    assert dialog.retry_timer.isActive() and dialog.retry_timer.interval() == 30_000
    dialog.retry_timer.timeout.emit()  # the thirty seconds have passed
    assert dialog.sign_in_button.isEnabled()
    assert dialog.error_label.text() == "You can try again now."


def test_another_name_need_not_wait_for_a_held_one(qtbot, roster_station):
    services = roster_station.services
    for _ in range(5):
        with pytest.raises(AuthenticationFailed, match="Wrong user name"):
            services.sign_in("ivan", "wrong guess")
    dialog = SignInDialog(services)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("ivan")
    dialog.password_edit.setText(PASSWORD)
    click(qtbot, dialog.sign_in_button)
    assert not dialog.sign_in_button.isEnabled()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "olga")
    assert dialog.sign_in_button.isEnabled() and dialog.error_label.text() == ""
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, dialog.sign_in_button)
    assert dialog.actor.name == "olga"


def test_switch_user_on_the_lock_screen_is_not_held_by_the_locked_name(qtbot, window):
    window.lock()
    dialog = window.lock_dialog
    for _ in range(6):
        dialog.password_edit.setText("wrong guess")
        dialog._on_sign_in()
    assert "Too many failed sign-ins for 'ivan'" in dialog.error_label.text()
    assert not dialog.sign_in_button.isEnabled()
    dialog.switch_button.click()
    assert dialog.sign_in_button.isEnabled() and not dialog.retry_timer.isActive()
    dialog.name_edit.setText("olga")
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked):
        dialog._on_sign_in()
    assert window.actor.name == "olga"


def display_names(dialog) -> dict[str, str]:
    model = dialog.model
    return {model.index(r, 0).data(): model.index(r, 4).data() for r in range(model.rowCount())}


def test_an_account_is_added_with_a_display_name(qtbot, accounts, roster_station):
    click(qtbot, accounts.add_button)
    add = accounts.sub_dialog
    add.name_edit.setText("hughes")
    add.display_name_edit.setText("Capt. R. Hughes")
    add.role_combo.setCurrentIndex(add.role_combo.findText("Supervisor"))
    with qtbot.waitSignal(add.accepted):
        submit_password(qtbot, add, NEW_PASSWORD)
    assert display_names(accounts)["hughes"] == "Capt. R. Hughes"
    assert accounts.message_label.text() == ("Account 'hughes' (shown as 'Capt. R. Hughes')"
                                             " added with role supervisor.")
    assert roster_station.services.accounts.authenticate("hughes", NEW_PASSWORD).label == \
        "Capt. R. Hughes"


def test_an_admin_changes_a_display_name_and_a_refusal_keeps_the_dialog(qtbot, accounts,
                                                                       roster_station):
    accounts.select_account("ivan")
    click(qtbot, accounts.display_name_button)
    change = accounts.sub_dialog
    assert change.display_name_edit.text() == ""
    change.display_name_edit.setText("   ")
    click(qtbot, change.ok_button)  # nothing to change: said, and the dialog stays
    assert change.isVisible()
    assert change.error_label.text() == "The account 'ivan' already reads 'ivan'; nothing was changed."
    change.display_name_edit.setText("Lt. I. Petrov")
    with qtbot.waitSignal(change.accepted):
        click(qtbot, change.ok_button)
    assert display_names(accounts)["ivan"] == "Lt. I. Petrov"
    assert accounts.message_label.text() == "Account 'ivan' is now shown as 'Lt. I. Petrov'."
    assert accounts.selected().name == "ivan"
    kinds = [e.kind for e in roster_station.services.station.events.since(0)]
    assert kinds[-1] == "account.display_name_changed"


def test_the_accounts_dialog_and_its_forms_fit_the_laptop_screen(qtbot, accounts):
    assert_fits_screen(qtbot, accounts)
    click(qtbot, accounts.add_button)
    assert_fits_screen(qtbot, accounts.sub_dialog)


def test_the_status_bar_names_the_signed_in_account_by_its_display_name(qtbot, roster_station):
    services = roster_station.services
    services.accounts.set_display_name(roster_station.admin, "ivan", "Lt. I. Petrov")
    actor = services.accounts.authenticate("ivan", PASSWORD)
    main = MainWindow(services, actor, lock_minutes=0)
    qtbot.addWidget(main)
    assert main.user_label.text() == "Signed in: Lt. I. Petrov (interviewer)"
