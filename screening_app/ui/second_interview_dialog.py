"""Before interviewing someone who already has a record: say so (status only, never the
choice) and ask why, or what to do with the draft left open.

A second interview is deliberate: a re-interview, a withdrawal of the choice, or its
reconfirmation before departure. "I opened the wrong person" starts nothing.
"""

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from screening_app.domain.interview import InterviewPurpose
from screening_app.domain.subject import Subject
from screening_app.services.interviews import PriorInterviews

translate = QCoreApplication.translate
WRONG_PERSON = "wrong_person"
# Texts below are translated where shown (the interface's language is installed later).
PURPOSES = (
    (InterviewPurpose.RE_INTERVIEW, QT_TRANSLATE_NOOP(
        "SecondInterviewDialog", "&Re-interview: the earlier interview was sent back or is"
        " in doubt")),
    (InterviewPurpose.WITHDRAWAL, QT_TRANSLATE_NOOP(
        "SecondInterviewDialog", "&Withdrawal: the person wishes to withdraw the choice"
        " recorded")),
    (InterviewPurpose.RECONFIRMATION, QT_TRANSLATE_NOOP(
        "SecondInterviewDialog", "Re&confirmation: the person is asked again before"
        " departure")),
    (WRONG_PERSON, QT_TRANSLATE_NOOP("SecondInterviewDialog",
                                     "I opened the &wrong person: start nothing")),
)
STATUS_WORDS = {"completed": QT_TRANSLATE_NOOP("SecondInterviewDialog", "completed"),
                "not_completed": QT_TRANSLATE_NOOP("SecondInterviewDialog",
                                                   "ended without a choice"),
                "sent_back": QT_TRANSLATE_NOOP("SecondInterviewDialog",
                                               "sent back by a supervisor")}

# What the dialog ends with when a draft is open.
RESUME, DISCARD, CANCEL = "resume", "discard", "cancel"


class SecondInterviewDialog(QDialog):
    """Why interview this person again? ``purpose()`` after ``exec()``: an InterviewPurpose
    value, or None for the wrong person (and for Cancel)."""

    def __init__(self, subject: Subject, prior: PriorInterviews, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Interview again?"))
        layout = QVBoxLayout(self)
        final_status = prior.latest_final_status or ""
        status = (self.tr(STATUS_WORDS[final_status]) if final_status in STATUS_WORDS
                  else self.tr("finalised"))
        day = (prior.latest_final_at or "")[:10]
        intro = QLabel(
            self.tr("<b>{name}</b> ({isn}) already has a finalised interview ({status},"
                    " {day}). A new interview is linked to it and does not change it.<br><br>"
                    "Why interview this person again?").format(
                name=html.escape(subject.display_name), isn=html.escape(subject.isn),
                status=status, day=day))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self._group = QButtonGroup(self)
        self.buttons_by_purpose: dict[str, QRadioButton] = {}
        for value, text in PURPOSES:
            button = QRadioButton(self.tr(text))
            button.setProperty("purpose", str(value))
            self._group.addButton(button)
            self.buttons_by_purpose[str(value)] = button
            layout.addWidget(button)
        self.problem_label = QLabel("")
        self.problem_label.setStyleSheet("color: #b00020")
        layout.addWidget(self.problem_label)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                    | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Start the interview"))
        self.box.accepted.connect(self._on_ok)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)
        self._group.buttonToggled.connect(self._on_choice)

    def purpose(self) -> str | None:
        checked = self._group.checkedButton()
        value = checked.property("purpose") if checked else None
        return None if value in (None, WRONG_PERSON) else value

    def choose(self, purpose: str) -> None:
        self.buttons_by_purpose[purpose].setChecked(True)

    def _on_choice(self, button, checked: bool) -> None:
        if checked:
            self.problem_label.clear()
            wrong = button.property("purpose") == WRONG_PERSON
            self.ok_button.setText(self.tr("Close") if wrong else self.tr("Start the interview"))

    def _on_ok(self) -> None:
        checked = self._group.checkedButton()
        if checked is None:
            self.problem_label.setText(self.tr("Choose why, or Cancel."))
            return
        if checked.property("purpose") == WRONG_PERSON:
            self.reject()
            return
        self.accept()


class OpenDraftDialog(QDialog):
    """A draft of this person's interview is open: resume it, discard it (only if it was
    opened by mistake: nothing beyond the identity check answered), or leave it."""

    def __init__(self, subject: Subject, prior: PriorInterviews, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("An interview is open"))
        self.outcome = CANCEL
        draft = prior.open_draft
        layout = QVBoxLayout(self)
        started = draft.started_at[:16].replace("T", " ")
        who = self.tr("you") if prior.open_draft_is_mine else html.escape(draft.interviewer_label)
        text = self.tr("An interview of <b>{name}</b> ({isn}) is open as a draft, started"
                       " {started} by {who}.").format(
            name=html.escape(subject.display_name), isn=html.escape(subject.isn),
            started=started, who=who)
        if not prior.open_draft_is_mine:
            interviewer = html.escape(draft.interviewer_label)
            text += " " + (self.tr("Only {interviewer} can continue it; it can be discarded if it"
                                   " was opened by mistake.")
                           if prior.open_draft_discardable else
                           self.tr("Only {interviewer} can continue it.")).format(
                interviewer=interviewer)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.resume_button = QPushButton(self.tr("&Resume it"))
        self.discard_button = QPushButton(self.tr("&Discard it (opened by mistake)…"))
        self.resume_button.setVisible(prior.open_draft_is_mine)
        self.discard_button.setVisible(prior.open_draft_discardable)
        self.box.addButton(self.resume_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.box.addButton(self.discard_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.resume_button.clicked.connect(lambda: self._end(RESUME))
        self.discard_button.clicked.connect(lambda: self._end(DISCARD))
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)

    def _end(self, outcome: str) -> None:
        self.outcome = outcome
        self.accept()
