"""Accounts: an admin adds, disables and re-enables accounts, sets the name people read
for each (full name and rank) and resets forgotten passwords; everyone changes their own
password. Every rule is the services' (who may,
how strong a password must be); these dialogs only collect the input and say what
happened."""

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import UserError
from screening_app.services.accounts import (
    MIN_PASSWORD_LENGTH,
    PasswordChange,
    UserSummary,
)
from screening_app.services.app import StationServices
from screening_app.store.users import DISPLAY_NAME_MAX
from screening_app.ui.language import role_name
from screening_app.ui.screen_fit import fit_to_screen
from screening_app.ui.table_models import ColumnsTableModel

ERROR_STYLE = "color: #b00020"
WARNING_STYLE = "color: #8a4b00; font-weight: bold"
translate = QCoreApplication.translate
# Translated where shown (the interface's language is installed after this import).
PASSWORD_HINT = QT_TRANSLATE_NOOP(
    "AccountsDialog", "At least {count} characters; not the user name, not digits only, not a"
    " common password. A few words are easy to remember.")
DISPLAY_NAME_HINT = QT_TRANSLATE_NOOP(
    "AccountsDialog", "The display name is what people read on forms, flags and lists (full"
    " name and rank, such as 'Capt. R. Hughes'); without one, the user name is shown.")


def password_hint() -> str:
    return translate("AccountsDialog", PASSWORD_HINT).format(count=MIN_PASSWORD_LENGTH)


def display_name_hint() -> str:
    return translate("AccountsDialog", DISPLAY_NAME_HINT)


def display_name_field() -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(translate("AccountsDialog", "Display name"))
    field.setMaxLength(DISPLAY_NAME_MAX)
    field.setPlaceholderText(translate("AccountsDialog",
                                       "Full name and rank, such as Capt. R. Hughes"))
    return field


class _FormDialog(QDialog):
    """A form whose OK runs ``_submit``: a refusal stays on screen in one sentence and
    the dialog stays open with what was typed (passwords cleared)."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._secrets: list[QLineEdit] = []  # cleared after a refusal
        self._box = QVBoxLayout(self)
        self.form = QFormLayout()
        self._box.addLayout(self.form)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

    def _finish_layout(self, hint: str | None = None) -> None:
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet("color: #555")
            self._box.addWidget(note)
        self._box.addWidget(self.error_label)
        self._box.addWidget(self.buttons)

    def _password_field(self, accessible_name: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(accessible_name)
        self._secrets.append(field)
        return field

    def _on_ok(self) -> None:
        try:
            self._submit()
        except UserError as error:
            self.error_label.setText(str(error))
            for field in self._secrets:
                field.clear()
            if self._secrets:
                self._secrets[0].setFocus()
            return
        self.accept()

    def _submit(self) -> None:
        """Do the change, or raise UserError to refuse it; each dialog has its own."""
        raise NotImplementedError

    @staticmethod
    def _check_repeat(password: str, repeat: str) -> None:
        if password != repeat:
            raise UserError(translate("AccountsDialog", "The two new passwords differ."))


class NewPasswordDialog(_FormDialog):
    """A new password typed twice, handed to ``on_submit`` (which may refuse it)."""

    def __init__(self, title: str, explanation: str,
                 on_submit: Callable[[str], PasswordChange], parent: QWidget | None = None):
        super().__init__(title, parent)
        self._on_submit = on_submit
        self.result_change: PasswordChange | None = None
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        self._box.insertWidget(0, intro)
        self.password_edit = self._password_field(self.tr("New password"))
        self.repeat_edit = self._password_field(self.tr("Repeat the new password"))
        self.form.addRow(self.tr("&New password"), self.password_edit)
        self.form.addRow(self.tr("&Repeat it"), self.repeat_edit)
        self._finish_layout(PASSWORD_HINT)
        self.password_edit.setFocus()

    def _submit(self) -> None:
        self._check_repeat(self.password_edit.text(), self.repeat_edit.text())
        self.result_change = self._on_submit(self.password_edit.text())


class ChangePasswordDialog(_FormDialog):
    """Anyone's own password: the current one, then the new one twice."""

    def __init__(self, services: StationServices, actor: Actor,
                 parent: QWidget | None = None):
        super().__init__(translate("ChangePasswordDialog", "Change my password"), parent)
        self._services = services
        self._actor = actor
        self.result_change: PasswordChange | None = None
        self._box.insertWidget(0, QLabel(self.tr("Account <b>{name}</b> ({role})").format(
            name=actor.name, role=role_name(actor.role))))
        self.current_edit = self._password_field(self.tr("Current password"))
        self.password_edit = self._password_field(self.tr("New password"))
        self.repeat_edit = self._password_field(self.tr("Repeat the new password"))
        self.form.addRow(self.tr("&Current password"), self.current_edit)
        self.form.addRow(self.tr("&New password"), self.password_edit)
        self.form.addRow(self.tr("&Repeat it"), self.repeat_edit)
        self.ok_button.setText(self.tr("Change password"))
        self._finish_layout(PASSWORD_HINT)
        self.current_edit.setFocus()

    def _submit(self) -> None:
        self._check_repeat(self.password_edit.text(), self.repeat_edit.text())
        self.result_change = self._services.accounts.change_password(
            self._actor, self.current_edit.text(), self.password_edit.text())


class NewAccountDialog(_FormDialog):
    def __init__(self, services: StationServices, actor: Actor,
                 parent: QWidget | None = None):
        super().__init__(translate("NewAccountDialog", "Add an account"), parent)
        self._services = services
        self._actor = actor
        self.added: Actor | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(self.tr("User name"))
        self.display_name_edit = display_name_field()
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role_name(role).capitalize(), role)
        self.role_combo.setAccessibleName(self.tr("Role"))
        self.password_edit = self._password_field(self.tr("Password"))
        self.repeat_edit = self._password_field(self.tr("Repeat the password"))
        self.form.addRow(self.tr("User &name"), self.name_edit)
        self.form.addRow(self.tr("&Display name"), self.display_name_edit)
        self.form.addRow(self.tr("R&ole"), self.role_combo)
        self.form.addRow(self.tr("&Password"), self.password_edit)
        self.form.addRow(self.tr("&Repeat it"), self.repeat_edit)
        self.ok_button.setText(self.tr("Add account"))
        self._finish_layout(f"{display_name_hint()} {password_hint()}")
        self.name_edit.setFocus()

    def _submit(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            raise UserError(self.tr("The two passwords differ."))
        self.added = self._services.accounts.add_user(
            self._actor, self.name_edit.text().strip(), self.role_combo.currentData(),
            self.password_edit.text(), display_name=self.display_name_edit.text())


class DisplayNameDialog(_FormDialog):
    """An admin sets or clears the name people read for one account."""

    def __init__(self, services: StationServices, actor: Actor, user: UserSummary,
                 parent: QWidget | None = None):
        super().__init__(translate("DisplayNameDialog", "Display name of {name}").format(
            name=user.name), parent)
        self._services = services
        self._actor = actor
        self._user = user
        self.changed: UserSummary | None = None
        self.display_name_edit = display_name_field()
        self.display_name_edit.setText(user.display_name or "")
        self.form.addRow(self.tr("&Display name"), self.display_name_edit)
        self.ok_button.setText(self.tr("Save"))
        self._finish_layout(display_name_hint() + " " + self.tr(
            "Records keep the user name '{name}'; leave the field empty to show it again.")
            .format(name=user.name))
        self.display_name_edit.setFocus()

    def _submit(self) -> None:
        self.changed = self._services.accounts.set_display_name(
            self._actor, self._user.name, self.display_name_edit.text())


class AccountsTableModel(ColumnsTableModel):
    COLUMNS = (("name", QT_TRANSLATE_NOOP("AccountsTableModel", "Name")),
               ("role", QT_TRANSLATE_NOOP("AccountsTableModel", "Role")),
               ("created", QT_TRANSLATE_NOOP("AccountsTableModel", "Created (UTC)")),
               ("state", QT_TRANSLATE_NOOP("AccountsTableModel", "State")),
               ("display_name", QT_TRANSLATE_NOOP("AccountsTableModel", "Display name")))

    def set_users(self, users: list[UserSummary]) -> None:
        self.beginResetModel()
        self._rows = list(users)
        self.endResetModel()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        user: UserSummary | None = self.row_at(index)
        if user is None or role not in (Qt.ItemDataRole.DisplayRole,
                                        Qt.ItemDataRole.ToolTipRole):
            return None
        field = self.COLUMNS[index.column()][0]
        if field == "name":
            return user.name
        if field == "display_name":
            return user.display_name or ""
        if field == "role":
            return role_name(user.role)
        if field == "created":
            return user.created_at[:16].replace("T", " ")
        return self.tr("disabled") if user.disabled else self.tr("enabled")


class AccountsDialog(QDialog):
    """The station's accounts, for admins. Accounts are never deleted (records name
    the people who made them): they are disabled."""

    def __init__(self, services: StationServices, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.sub_dialog: QDialog | None = None
        self.setWindowTitle(self.tr("Accounts"))
        layout = QVBoxLayout(self)
        self.model = AccountsTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # Each column as wide as its widest value; the display name takes what is left.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Accounts"))
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add…"))
        self.display_name_button = QPushButton(self.tr("Display &name…"))
        self.disable_button = QPushButton(self.tr("&Disable"))
        self.enable_button = QPushButton(self.tr("&Enable…"))
        self.reset_button = QPushButton(self.tr("&Reset password…"))
        for button in (self.add_button, self.display_name_button, self.disable_button,
                       self.enable_button, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton(self.tr("&Close"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)

        self.add_button.clicked.connect(self._on_add)
        self.display_name_button.clicked.connect(self._on_display_name)
        self.disable_button.clicked.connect(self._on_disable)
        self.enable_button.clicked.connect(self._on_enable)
        self.reset_button.clicked.connect(self._on_reset)
        self.table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._update_buttons())
        self.refresh()
        fit_to_screen(self, 760, 440)

    # -- the table --------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        current = select or (self.selected().name if self.selected() else None)
        try:
            users = self._services.accounts.list_users(self._actor)
        except UserError as error:
            users = []
            self._say(str(error), ERROR_STYLE)
        self.model.set_users(users)
        names = [u.name for u in users]
        if current in names:
            self.table.selectRow(names.index(current))
        self._update_buttons()

    def selected(self) -> UserSummary | None:
        return self.model.row_at(self.table.currentIndex())

    def select_account(self, name: str) -> None:
        names = [self.model.row_at(self.model.index(r, 0)).name
                 for r in range(self.model.rowCount())]
        self.table.selectRow(names.index(name))

    def _update_buttons(self) -> None:
        user = self.selected()
        is_admin = self._actor.role == Role.ADMIN
        mine = user is not None and user.id == self._actor.user_id
        self.add_button.setEnabled(is_admin)
        self.display_name_button.setEnabled(is_admin and user is not None)
        self.disable_button.setEnabled(is_admin and user is not None and not user.disabled
                                       and not mine)
        self.enable_button.setEnabled(is_admin and user is not None and user.disabled)
        self.reset_button.setEnabled(is_admin and user is not None and not user.disabled
                                     and not mine)

    def _say(self, text: str, style: str = "") -> None:
        self.message_label.setStyleSheet(style)
        self.message_label.setText(text)

    def _report(self, done: str, change: PasswordChange) -> None:
        if change.warning:
            self._say(f"{done} {change.warning}", WARNING_STYLE)
        else:
            self._say(done)

    # -- actions ----------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_done: Callable[[], None]) -> QDialog:
        self.sub_dialog = dialog
        dialog.accepted.connect(on_done)
        dialog.open()
        return dialog

    def _on_add(self) -> QDialog:
        dialog = NewAccountDialog(self._services, self._actor, self)

        def done() -> None:
            added = dialog.added
            self.refresh(select=added.name)
            role = role_name(added.role)
            self._say(self.tr("Account '{name}' (shown as '{shown}') added with role {role}.")
                      .format(name=added.name, shown=added.display_name, role=role)
                      if added.display_name else
                      self.tr("Account '{name}' added with role {role}.").format(
                          name=added.name, role=role))

        return self._open(dialog, done)

    def _on_display_name(self) -> QDialog | None:
        user = self.selected()
        if user is None:
            return None
        dialog = DisplayNameDialog(self._services, self._actor, user, self)

        def done() -> None:
            changed = dialog.changed
            self.refresh(select=changed.name)
            self._say(self.tr("Account '{name}' is now shown as '{shown}'.").format(
                          name=changed.name, shown=changed.display_name)
                      if changed.display_name else
                      self.tr("Account '{name}' has no display name now; its user name is"
                              " shown.").format(name=changed.name))

        return self._open(dialog, done)

    def _on_disable(self) -> None:
        user = self.selected()
        if user is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Disable the account"),
            self.tr("Disable '{name}'? The account can no longer sign in nor unlock the station"
                    " key. Its records stay; an admin can enable it again with a new password.")
            .format(name=user.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._services.accounts.disable(self._actor, user.name)
        except UserError as error:
            self._say(str(error), ERROR_STYLE)
            return
        self.refresh(select=user.name)
        self._say(self.tr("Account '{name}' disabled.").format(name=user.name))

    def _on_enable(self) -> QDialog | None:
        user = self.selected()
        if user is None:
            return None
        dialog = NewPasswordDialog(
            self.tr("Enable {name}").format(name=user.name),
            self.tr("Enabling '{name}' needs a new password: tell it to them in person.")
            .format(name=user.name),
            lambda password: self._services.accounts.enable(self._actor, user.name, password),
            self)

        def done() -> None:
            self.refresh(select=user.name)
            self._report(self.tr("Account '{name}' enabled with its new password.").format(
                             name=user.name),
                         dialog.result_change)

        return self._open(dialog, done)

    def _on_reset(self) -> QDialog | None:
        user = self.selected()
        if user is None:
            return None
        dialog = NewPasswordDialog(
            self.tr("Reset the password of {name}").format(name=user.name),
            self.tr("A new password for '{name}', who has forgotten theirs: tell it to them in"
                    " person. Their personal signing key, if they have one, is lost with the old"
                    " password.").format(name=user.name),
            lambda password: self._services.accounts.reset_password(
                self._actor, user.name, password),
            self)

        def done() -> None:
            self.refresh(select=user.name)
            self._report(self.tr("The password of '{name}' is reset.").format(name=user.name),
                         dialog.result_change)

        return self._open(dialog, done)
