"""Ending an interview without a choice: a reason from the protocol, and a note."""

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
)

from screening_app.protocol import Protocol
from screening_app.ui.language import interface_language


class AbandonDialog(QDialog):
    def __init__(self, protocol: Protocol, step_title: str, suggested: str | None = None,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("End the interview without a choice"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The record will say the interview stopped at"
                                        " <b>{step}</b>. Why?").format(step=step_title)))
        self._group = QButtonGroup(self)
        self._reasons = list(protocol.non_completion_reasons)
        for number, reason in enumerate(self._reasons, start=1):
            button = QRadioButton(f"{number}  {reason.label.get(interface_language())}")
            self._group.addButton(button, number - 1)
            layout.addWidget(button)
            if reason.id == suggested:
                button.setChecked(True)
        layout.addWidget(QLabel(self.tr("&Note (optional):")))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        layout.itemAt(layout.count() - 1).widget().setBuddy(self.note)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("End interview"))
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def reason(self) -> str | None:
        index = self._group.checkedId()
        return self._reasons[index].id if index >= 0 else None

    def note_text(self) -> str | None:
        return self.note.toPlainText().strip() or None

    def _on_ok(self) -> None:
        if self.reason() is not None:
            self.accept()
