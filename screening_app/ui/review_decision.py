"""The dialog a supervisor decides in: approve (a confirmation that shows the record's
flags and, when it is flagged, needs a written note), send back or reject (a reason the
interviewer will see). A required text left empty keeps the dialog open with the field
marked and a sentence saying what is missing; the service checks the same rules."""

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from screening_app.domain.review_flags import ReviewFlag
from screening_app.services.reviews import ReviewItem
from screening_app.ui.protocol_wording import ProtocolWording

MISSING_STYLE = "QPlainTextEdit { border: 2px solid #b00020; }"
ERROR_STYLE = "color: #b00020"

_WORDING = {
    # decision: (window title, OK button, what the text field is for); translated where shown
    "approved": (QT_TRANSLATE_NOOP("DecisionDialog", "Approve"),
                 QT_TRANSLATE_NOOP("DecisionDialog", "&Approve and countersign"), ""),
    "sent_back": (QT_TRANSLATE_NOOP("DecisionDialog", "Send back"),
                  QT_TRANSLATE_NOOP("DecisionDialog", "&Send back"),
                  QT_TRANSLATE_NOOP("DecisionDialog", "&Reason (the interviewer will see it):")),
    "rejected": (QT_TRANSLATE_NOOP("DecisionDialog", "Reject"),
                 QT_TRANSLATE_NOOP("DecisionDialog", "&Reject"),
                 QT_TRANSLATE_NOOP("DecisionDialog", "&Reason (the interviewer will see it):")),
}


class DecisionDialog(QDialog):
    def __init__(self, decision: str, item: ReviewItem, flags: list[ReviewFlag],
                 parent: QWidget | None = None, *, wording: ProtocolWording | None = None):
        super().__init__(parent)
        self._wording = wording
        self.decision = decision
        self.item = item
        self.flags = list(flags)
        title, ok_text, field_label = (self.tr(text) if text else ""
                                       for text in _WORDING[decision])
        self.setWindowTitle(self.tr("{decision}: {person}").format(decision=title,
                                                                   person=item.person))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        summary = QLabel(self._summary())
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.flags_label = QLabel(self._flags_text())
        self.flags_label.setWordWrap(True)
        self.flags_label.setStyleSheet("color: #8a4b00" if self.flags else "color: #555")
        layout.addWidget(self.flags_label)
        if decision == "approved":
            field_label = (self.tr("&Note: why is it approved despite the flags? (required,"
                                   " kept with the review)") if self.flags
                           else self.tr("&Note (optional):"))
        caption = QLabel(field_label)
        caption.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName(self.tr("Note") if decision == "approved"
                                         else self.tr("Reason"))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(self.text_edit.fontMetrics().lineSpacing() * 4 + 12)
        if decision == "approved" and self.flags:
            self.text_edit.setPlaceholderText(self.tr("Approved despite: …"))
        caption.setBuddy(self.text_edit)
        layout.addWidget(caption)
        layout.addWidget(self.text_edit)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text_edit.textChanged.connect(self._on_text_changed)
        self.text_edit.setFocus()

    @property
    def text_required(self) -> bool:
        return self.decision != "approved" or bool(self.flags)

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def accept(self) -> None:
        if self.text_required and not self.text():
            self.text_edit.setStyleSheet(MISSING_STYLE)
            self.error_label.setText(
                self.tr("Write why it is approved despite the flags; the note is kept with the"
                        " review.") if self.decision == "approved" else
                self.tr("Write the reason; the interviewer will read it."))
            self.text_edit.setFocus()
            return
        super().accept()

    def _on_text_changed(self) -> None:
        if self.text():
            self.text_edit.setStyleSheet("")
            self.error_label.setText("")

    def _summary(self) -> str:
        item = self.item
        question = {"approved": self.tr("Approve the interview of {person}?"),
                    "sent_back": self.tr("Send back the interview of {person}?"),
                    "rejected": self.tr("Reject the interview of {person}?")}[self.decision]
        interviewer = html.escape(item.interviewer_label)
        lines = ["<b>" + question.format(person=html.escape(item.person)) + "</b>",
                 self.tr("{outcome} · interviewer {interviewer} · finalised {day}").format(
                     outcome=html.escape(self._wording.label(item.outcome_label)
                                         if self._wording else item.outcome_label),
                     interviewer=interviewer,
                     day=item.finalised_local)]
        if self.decision == "approved":
            lines.append(self.tr("Approving countersigns the stored form with your key; a"
                                 " decision is final."))
        elif self.decision == "sent_back":
            lines.append(self.tr("{interviewer} will interview again, as a new interview"
                                 " linked to this one.").format(interviewer=interviewer))
        else:
            lines.append(self.tr("{interviewer} will read the reason; a decision is final.")
                         .format(interviewer=interviewer))
        return "<br>".join(lines)

    def _flags_text(self) -> str:
        if not self.flags:
            return self.tr("This record has no flags.")
        return self.tr("Flags on this record:") + "\n" + "\n".join(
            f"⚑ {f.explanation}" for f in self.flags)
