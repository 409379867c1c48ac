"""Signing in, unlocking a locked session, and switching user."""

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.errors import UserError
from screening_app.store.connection import storage_errors

if TYPE_CHECKING:
    from screening_app.services.app import StationServices
    from screening_app.services.locked_station import LockedStation


class SignInDialog(QDialog):
    """Name and password. With ``locked_user`` it unlocks that user's session: the name is
    fixed and the work behind the lock is kept. ``services`` is an open station's services,
    or a LockedStation whose database the first sign-in opens."""

    def __init__(self, services: "StationServices | LockedStation", parent=None, *,
                 locked_user: str | None = None, demo_accounts: str | None = None):
        super().__init__(parent)
        self._services = services
        self.actor: Actor | None = None
        station = services.station
        self.setWindowTitle(self.tr("Locked") if locked_user else self.tr("Sign in"))
        self.setMinimumWidth(380)

        layout = QVBoxLayout(self)
        heading = QLabel(
            f"<b>{station.station_id}</b> &mdash; {station.camp}"
            + (" &mdash; <span style='color:#b00'>" + self.tr("DEMO") + "</span>"
               if station.demo else "")
        )
        layout.addWidget(heading)
        self.locked_label = QLabel(
            self.tr("The session of <b>{name}</b> is locked. Enter the password to continue;"
                    " the work is kept.").format(name=html.escape(locked_user or "")))
        self.locked_label.setWordWrap(True)
        self.locked_label.setVisible(bool(locked_user))
        layout.addWidget(self.locked_label)
        form = QFormLayout()
        self.name_edit = QLineEdit(locked_user or "")
        self.name_edit.setAccessibleName(self.tr("User name"))
        self.name_edit.setReadOnly(bool(locked_user))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Password"))
        form.addRow(self.tr("&User name"), self.name_edit)
        form.addRow(self.tr("&Password"), self.password_edit)
        layout.addLayout(form)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        if demo_accounts:
            hint = QLabel(demo_accounts)
            hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            hint.setStyleSheet("color: #555; font-family: monospace")
            layout.addWidget(hint)

        # A locked station has no way past the lock but a password: no Cancel that would
        # only bring the same lock back.
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok if locked_user else
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self._locked = bool(locked_user)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Unlock") if locked_user else self.tr("Sign in"))
        if locked_user:
            self.switch_button = self.buttons.addButton(
                self.tr("Switch user"), QDialogButtonBox.ButtonRole.ResetRole)
            self.switch_button.clicked.connect(self._on_switch_user)
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._on_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.password_edit if locked_user else self.name_edit).setFocus()
        self.switched = False
        # After too many failures the name must wait: the button rests until then (or
        # until another name is typed), so that waiting is not spent on refusals.
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self._on_retry_allowed)
        self.name_edit.textEdited.connect(self._on_name_edited)

    def reject(self) -> None:
        if self._locked:
            return  # Escape on a lock screen: it stays
        super().reject()

    def _on_switch_user(self) -> None:
        self.switched = True
        self.locked_label.setText(self.tr("Another person signs in; the locked session's work"
                                          " stays saved for its own account."))
        if self.retry_timer.isActive():
            self._on_name_edited("")
        self.name_edit.setReadOnly(False)
        self.name_edit.clear()
        self.password_edit.clear()
        self.setWindowTitle(self.tr("Sign in"))
        self.name_edit.setFocus()

    def _on_sign_in(self) -> None:
        # Imported at the first sign-in, with the services that check the password: the
        # window shows without them.
        from screening_app.services.accounts import SignInThrottled

        if not self.sign_in_button.isEnabled():
            return  # Enter in a field while the name must wait
        try:
            # A failed attempt is counted in a file in the station's folder: on a full disk
            # or a read-only folder that is said in one sentence, like any other write.
            with storage_errors(self._services.station.data_dir):
                self.actor = self._services.sign_in(
                    self.name_edit.text().strip(), self.password_edit.text())
        except SignInThrottled as error:
            self._show_error(str(error))
            self.sign_in_button.setEnabled(False)
            self.retry_timer.start(error.wait_seconds * 1000)
            return
        except UserError as error:
            self._show_error(str(error))
            return
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        # A long refusal (a role no admin granted, a wait) needs more lines than the
        # window had: it grows to show all of it.
        self.layout().activate()
        needed = self.layout().totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def _on_retry_allowed(self) -> None:
        self.retry_timer.stop()
        self.sign_in_button.setEnabled(True)
        self.error_label.setText(self.tr("You can try again now."))

    def _on_name_edited(self, _text: str) -> None:
        if self.retry_timer.isActive():
            self.retry_timer.stop()
            self.sign_in_button.setEnabled(True)
            self.error_label.clear()
