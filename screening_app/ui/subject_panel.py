"""The selected person: identity details and the history of their interviews."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from screening_app.domain.subject import Subject
from screening_app.services.interviews import InterviewSummary
from screening_app.ui.language import review_state_name
from screening_app.ui.protocol_wording import ProtocolWording
from screening_app.ui.roster_model import status_name

InterviewIdRole = Qt.ItemDataRole.UserRole + 2
translate = QCoreApplication.translate
# Translated where shown (the interface's language is installed after this import).
DETAILS = (("ISN", "isn"), (QT_TRANSLATE_NOOP("SubjectDetails", "Name"), "name_native"),
           (QT_TRANSLATE_NOOP("SubjectDetails", "Romanised"), "name_latin"),
           (QT_TRANSLATE_NOOP("SubjectDetails", "Nationality"), "nationality"),
           (QT_TRANSLATE_NOOP("SubjectDetails", "Rank"), "rank"),
           (QT_TRANSLATE_NOOP("SubjectDetails", "Unit"), "unit"),
           (QT_TRANSLATE_NOOP("SubjectDetails", "Camp"), "camp"),
           (QT_TRANSLATE_NOOP("SubjectDetails", "Compound"), "compound"),
           (QT_TRANSLATE_NOOP("SubjectDetails", "Born"), "birth_year"))
NO_ONE = QT_TRANSLATE_NOOP("SubjectDetails", "Select a person in the roster.")


class FixedBox(QWidget):
    """Holds one widget at a fixed height, without a layout. Every keystroke in the search
    box selects another person and gives the details new text; a label in a layout then
    asks the whole window to lay itself out again and repaint (about half the time of a
    keystroke). Here the request stops at the box."""

    def __init__(self, child: QWidget, height: int, parent=None):
        super().__init__(parent)
        self._child = child
        child.setParent(self)
        self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        self._child.setGeometry(self.rect())
        super().resizeEvent(event)


class SubjectDetails(QWidget):
    """A person's identity details, a title and a value a line, the empty ones left out.
    Plain-text labels: every keystroke in the search box shows another person, and a rich
    text table (a QTextDocument laid out anew) cost ~1.7 ms of each keystroke."""

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.prompt = QLabel(self.tr(NO_ONE))
        grid.addWidget(self.prompt, 0, 0, 1, 2)
        self._lines: list[tuple[QLabel, QLabel]] = []
        for row, (title, _field) in enumerate(DETAILS, start=1):
            name, value = QLabel(self.tr(title)), QLabel()
            name.setStyleSheet("color: #666")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            bold = value.font()
            bold.setBold(True)
            value.setFont(bold)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1, Qt.AlignmentFlag.AlignTop)
            self._lines.append((name, value))
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(DETAILS) + 1, 1)
        self.show_subject(None)

    def show_subject(self, subject: Subject | None) -> None:
        self.prompt.setVisible(subject is None)
        for (_title, field), (name, value) in zip(DETAILS, self._lines, strict=True):
            text = getattr(subject, field) if subject is not None else None
            shown = text not in (None, "")
            if shown:
                value.setText(str(text))
            name.setVisible(shown)
            value.setVisible(shown)


class SubjectPanel(QWidget):
    sig_start_interview = Signal(str)  # isn
    sig_show_form = Signal(str)  # interview id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.subject: Subject | None = None
        self._shown: tuple | None = None  # what show_subject last showed
        # The protocol's labels in the interface's language (set by the main window).
        self.wording: ProtocolWording | None = None
        layout = QVBoxLayout(self)
        self.details = SubjectDetails()
        layout.addWidget(FixedBox(self.details, self.fontMetrics().lineSpacing() * 11))
        layout.addWidget(QLabel("<b>" + self.tr("Interviews") + "</b>"))
        self.history = QListWidget()
        self.history.setAccessibleName(self.tr("Interview history"))
        layout.addWidget(self.history, 1)
        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("&Start interview"))
        self.form_button = QPushButton(self.tr("Show &form"))
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.form_button)
        layout.addLayout(buttons)
        self.start_button.setEnabled(False)
        self.form_button.setEnabled(False)
        self.start_button.clicked.connect(
            lambda: self.subject and self.sig_start_interview.emit(self.subject.isn))
        self.form_button.clicked.connect(self._on_show_form)
        self.history.itemActivated.connect(lambda _item: self._on_show_form())
        self.history.currentItemChanged.connect(self._on_history_selection)

    def show_subject(self, subject: Subject | None, history: list[InterviewSummary],
                     may_interview: bool) -> None:
        # Typing a search keeps the same person first, keystroke after keystroke: what is
        # shown already is not rebuilt (the list's relayout is most of a keystroke's paint).
        shown = (subject, tuple(history), may_interview, self.wording)
        if shown == self._shown:
            return
        self._shown = shown
        self.subject = subject
        self.history.clear()
        self.details.show_subject(subject)
        if subject is None:
            self.start_button.setEnabled(False)
            return
        for summary in history:
            status = status_name(summary.status)
            detail = (self.wording.label(summary.outcome_label) if self.wording
                      else summary.outcome_label)
            text = (f"{summary.started_at[:16].replace('T', ' ')}  {status}"
                    + (f" ({detail})" if detail else "")
                    + f"  · {summary.interviewer_label or summary.interviewer}"
                    + ("  · " + self.tr("paper") if summary.transcribed else "")
                    + _review_text(summary))
            item = QListWidgetItem(text)
            item.setData(InterviewIdRole, summary.id)
            item.setData(Qt.ItemDataRole.UserRole, summary.status)
            self.history.addItem(item)
        self.start_button.setEnabled(may_interview)
        self.form_button.setEnabled(False)

    def _on_history_selection(self, current, _previous) -> None:
        self.form_button.setEnabled(
            current is not None and current.data(Qt.ItemDataRole.UserRole) != "draft")

    def _on_show_form(self) -> None:
        item = self.history.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole) != "draft":
            self.sig_show_form.emit(item.data(InterviewIdRole))


def _review_text(summary: InterviewSummary) -> str:
    """"  · Approved: <note>": the supervisor's decision and, to whom it is shown, why."""
    if not summary.review_state:
        return ""
    note = f": {summary.review_note}" if summary.review_note else ""
    return f"  · {review_state_name(summary.review_state)}{note}"
