"""Before interviewing someone who already has a record: say so (status only, never the
choice) and ask why, or what to do with the draft left open.

A second interview is deliberate: a re-interview, a withdrawal of the choice, or its
reconfirmation before departure. "I opened the wrong person" starts nothing.
"""

import html

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

WRONG_PERSON = "wrong_person"
PURPOSES = (
    (InterviewPurpose.RE_INTERVIEW, "&Re-interview: the earlier interview was sent back or is"
                                    " in doubt"),
    (InterviewPurpose.WITHDRAWAL, "&Withdrawal: the person wishes to withdraw the choice"
                                  " recorded"),
    (InterviewPurpose.RECONFIRMATION, "Re&confirmation: the person is asked again before"
                                      " departure"),
    (WRONG_PERSON, "I opened the &wrong person: start nothing"),
)
STATUS_WORDS = {"completed": "completed", "not_completed": "ended without a choice",
                "sent_back": "sent back by a supervisor"}

# What the dialog ends with when a draft is open.
RESUME, DISCARD, CANCEL = "resume", "discard", "cancel"


class SecondInterviewDialog(QDialog):
    """Why interview this person again? ``purpose()`` after ``exec()``: an InterviewPurpose
    value, or None for the wrong person (and for Cancel)."""

    def __init__(self, subject: Subject, prior: PriorInterviews, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Interview again?")
        layout = QVBoxLayout(self)
        status = STATUS_WORDS.get(prior.latest_final_status or "", "finalised")
        day = (prior.latest_final_at or "")[:10]
        intro = QLabel(
            f"<b>{html.escape(subject.display_name)}</b> ({html.escape(subject.isn)}) already"
            f" has a finalised interview ({status}, {day}). A new interview is linked to it"
            " and does not change it.<br><br>Why interview this person again?")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self._group = QButtonGroup(self)
        self.buttons_by_purpose: dict[str, QRadioButton] = {}
        for value, text in PURPOSES:
            button = QRadioButton(text)
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
        self.ok_button.setText("Start the interview")
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
            self.ok_button.setText("Close" if wrong else "Start the interview")

    def _on_ok(self) -> None:
        checked = self._group.checkedButton()
        if checked is None:
            self.problem_label.setText("Choose why, or Cancel.")
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
        self.setWindowTitle("An interview is open")
        self.outcome = CANCEL
        draft = prior.open_draft
        layout = QVBoxLayout(self)
        started = draft.started_at[:16].replace("T", " ")
        who = "you" if prior.open_draft_is_mine else html.escape(draft.interviewer)
        text = (f"An interview of <b>{html.escape(subject.display_name)}</b>"
                f" ({html.escape(subject.isn)}) is open as a draft, started {started} by {who}.")
        if not prior.open_draft_is_mine:
            text += (f" Only {html.escape(draft.interviewer)} can continue it"
                     + ("; it can be discarded if it was opened by mistake."
                        if prior.open_draft_discardable else "."))
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.resume_button = QPushButton("&Resume it")
        self.discard_button = QPushButton("&Discard it (opened by mistake)…")
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
