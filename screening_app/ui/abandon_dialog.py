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


class AbandonDialog(QDialog):
    def __init__(self, protocol: Protocol, step_title: str, suggested: str | None = None,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle("End the interview without a choice")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"The record will say the interview stopped at "
                                f"<b>{step_title}</b>. Why?"))
        self._group = QButtonGroup(self)
        self._reasons = list(protocol.non_completion_reasons)
        for number, reason in enumerate(self._reasons, start=1):
            button = QRadioButton(f"{number}  {reason.label.get('en')}")
            self._group.addButton(button, number - 1)
            layout.addWidget(button)
            if reason.id == suggested:
                button.setChecked(True)
        layout.addWidget(QLabel("&Note (optional):"))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        layout.itemAt(layout.count() - 1).widget().setBuddy(self.note)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("End interview")
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
