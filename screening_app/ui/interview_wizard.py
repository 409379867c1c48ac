"""The guided interview: one protocol step per page, rendered from the definition.

Every answer is saved the moment it is given; the engine's gates decide whether Next is
open, and the reason is shown in plain words when it is not. Keyboard: Enter or Alt+N
next, Alt+B back, number keys choose options, Alt+E ends the interview with a reason.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.errors import UserError
from screening_app.domain.subject import Subject
from screening_app.services.app import StationServices
from screening_app.services.interviews import Interview
from screening_app.ui.abandon_dialog import AbandonDialog
from screening_app.ui.form_warm_up import warm_up_in_background
from screening_app.ui.review_page import ReviewPage
from screening_app.ui.step_page import StepPage

LANGUAGES = (("en", "English"), ("ko", "한국어"), ("zh", "中文"))
REVIEW = "__review__"


class InterviewWizard(QWidget):
    sig_finalised = Signal(object)  # Interview
    sig_paused = Signal(str)  # interview id

    def __init__(self, services: StationServices, actor: Actor, interview: Interview,
                 parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.interview = interview
        self._current: str | None = None
        subject = Subject(**interview.record.subject_snapshot)
        self._language = interview.record.language or subject.language or "en"

        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.person_label = QLabel(f"<b>{subject.display_name}</b> &nbsp; {subject.isn}"
                                   + (" &nbsp; <i>(transcribed)</i>"
                                      if interview.record.transcribed else ""))
        self.progress_label = QLabel()
        header.addWidget(self.person_label)
        header.addStretch()
        header.addWidget(self.progress_label)
        header.addSpacing(16)
        self._language_group = QButtonGroup(self)
        for code, name in LANGUAGES:
            button = QPushButton(name)
            button.setCheckable(True)
            button.setChecked(code == self._language)
            button.setProperty("language", code)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._language_group.addButton(button)
            header.addWidget(button)
        self._language_group.buttonClicked.connect(
            lambda b: self.set_language(b.property("language")))
        layout.addLayout(header)

        self.pages = QStackedWidget()
        self.step_pages: dict[str, StepPage] = {}
        for step in interview.protocol.steps:
            page = StepPage(step, interview.engine)
            page.sig_answered.connect(self._on_answered)
            page.sig_signed.connect(self._on_signed)
            self.step_pages[step.id] = page
            self.pages.addWidget(page)
        self.review_page = ReviewPage()
        self.pages.addWidget(self.review_page)
        layout.addWidget(self.pages, 1)

        self.reason_label = QLabel("")
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet("color: #8a4b00")
        layout.addWidget(self.reason_label)
        nav = QHBoxLayout()
        self.end_button = QPushButton("&End interview…")
        self.pause_button = QPushButton("&Pause (keep draft)")
        self.back_button = QPushButton("&Back")
        self.next_button = QPushButton("&Next")
        self.finalise_button = QPushButton("&Finalise…")
        for button in (self.end_button, self.pause_button):
            nav.addWidget(button)
        nav.addStretch()
        for button in (self.back_button, self.next_button, self.finalise_button):
            nav.addWidget(button)
        layout.addLayout(nav)
        self.end_button.clicked.connect(self._on_end)
        self.pause_button.clicked.connect(self._on_pause)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.finalise_button.clicked.connect(self._on_finalise)

        self.set_language(self._language)
        start = interview.record.current_step or interview.protocol.steps[0].id
        self.show_step(start if start in self.step_pages else interview.protocol.steps[0].id)
        # The form is made when the interview is finalised; what making it needs is loaded
        # now, in the background, so that the form is on screen at once then.
        warm_up_in_background()

    # -- navigation -----------------------------------------------------------------
    @property
    def current_step(self) -> str | None:
        return self._current

    def visible_step_ids(self) -> list[str]:
        return [s.id for s in self.interview.engine.visible_steps()]

    def show_step(self, step_id: str) -> None:
        if step_id == REVIEW:
            self._current = REVIEW
            self._show_review()
            return
        status = self.interview.engine.step_status(step_id)
        if status.locked_reason:
            # Resuming at a step that is not open yet: go to the first step still to do.
            following = self.interview.engine.next_step()
            step_id = following.id if following else self.visible_step_ids()[-1]
        if step_id != self._current:
            try:
                self.interview = self._services.interviews.enter_step(
                    self._actor, self.interview.id, step_id)
            except UserError as error:
                self.reason_label.setText(str(error))
                return
        self._current = step_id
        page = self.step_pages[step_id]
        self.pages.setCurrentWidget(page)
        page.refresh(self.interview.engine, self.interview.record.answers)
        page.focus_first_open_question(self.interview.engine, self.interview.record.answers)
        self._update_nav()

    def go_next(self) -> None:
        if self._current == REVIEW:
            return
        self.step_pages[self._current].flush()
        engine = self.interview.engine
        status = engine.step_status(self._current)
        if status.stop_reason:
            label = self.interview.protocol.reason(status.stop_reason).label.get("en")
            answer = QMessageBox.question(
                self, "End the interview",
                f"End the interview here: {label}? The record is sealed as not completed.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                self._end_with(status.stop_reason, self._current, None, forced=True)
            return
        if not status.complete:
            self._update_nav()
            return
        ids = self.visible_step_ids()
        position = ids.index(self._current)
        self.show_step(ids[position + 1] if position + 1 < len(ids) else REVIEW)

    def go_back(self) -> None:
        ids = self.visible_step_ids()
        if self._current == REVIEW:
            self.show_step(ids[-1])
            return
        self.step_pages[self._current].flush()
        position = ids.index(self._current)
        if position > 0:
            self.show_step(ids[position - 1])

    def set_language(self, language: str) -> None:
        self._language = language
        for page in self.step_pages.values():
            page.set_language(language)
        for button in self._language_group.buttons():
            button.setChecked(button.property("language") == language)
        if self._current == REVIEW:
            self._show_review()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(
                self.focusWidget(), QPlainTextEdit):
            if self._current == REVIEW:
                self._on_finalise()
            else:
                self.go_next()
            return
        super().keyPressEvent(event)

    # -- answers --------------------------------------------------------------------
    def _on_answered(self, question_id: str, value) -> None:
        try:
            self.interview = self._services.interviews.answer(
                self._actor, self.interview.id, question_id, value)
        except UserError as error:  # a full disk too: one sentence, and the answer kept
            self._not_saved(question_id, error)
            return
        self._after_change()

    def _not_saved(self, question_id: str, error: UserError) -> None:
        for page in self.step_pages.values():
            if question_id in page.questions:
                page.questions[question_id].save_failed()
        self.reason_label.setText(str(error))

    def _signer_name(self, question_id: str) -> str | None:
        signer = self.interview.protocol.question(question_id).signer
        answers = self.interview.record.answers
        return {"interpreter": answers.get("interpreter_name"),
                "observer": answers.get("observer_name"),
                "interviewer": self._actor.name}.get(signer)

    def _on_signed(self, question_id: str, result) -> None:
        try:
            self.interview = self._services.interviews.add_signature(
                self._actor, self.interview.id, question_id, mode=result.mode,
                signer_name=result.signer_name or self._signer_name(question_id),
                strokes=result.strokes, image_png=result.png)
        except UserError as error:
            self.reason_label.setText(str(error))
            return
        self._after_change()

    def _after_change(self) -> None:
        page = self.step_pages.get(self._current)
        if page is not None:
            page.refresh(self.interview.engine, self.interview.record.answers)
        self._update_nav()

    def _update_nav(self) -> None:
        engine = self.interview.engine
        ids = self.visible_step_ids()
        on_review = self._current == REVIEW
        self.back_button.setEnabled(on_review or ids.index(self._current) > 0)
        self.next_button.setVisible(not on_review)
        self.finalise_button.setVisible(on_review)
        if on_review:
            ok, reasons = engine.can_finalise()
            self.finalise_button.setEnabled(ok)
            self.reason_label.setText("" if ok else " ".join(reasons))
            self.progress_label.setText("Review")
            return
        self.progress_label.setText(
            f"Step {ids.index(self._current) + 1} of {len(ids)}")
        status = engine.step_status(self._current)
        if status.stop_reason:
            label = self.interview.protocol.reason(status.stop_reason).label.get("en")
            self.next_button.setText("&Next: end interview")
            self.next_button.setEnabled(True)
            self.reason_label.setText(
                f"This answer means the interview cannot go on ({label}). Next ends it with"
                " that reason; change the answer if it was a mistake.")
            return
        self.next_button.setText("&Next")
        self.next_button.setEnabled(status.complete)
        if status.complete:
            self.reason_label.setText("")
        elif status.locked_reason:
            self.reason_label.setText(status.locked_reason)
        elif status.blocked:
            self.reason_label.setText(" ".join(status.blocked))
        else:
            missing = [self.interview.protocol.question(q).prompt.get("en")
                       for q in status.missing]
            self.reason_label.setText("Still to answer: " + "; ".join(missing))

    def _show_review(self) -> None:
        images = self._services.interviews.signature_images(self._actor, self.interview.id)
        self.review_page.show_interview(self.interview.protocol, self.interview.engine,
                                        self.interview.record.answers, self._language, images)
        self.pages.setCurrentWidget(self.review_page)
        self._update_nav()
        self.finalise_button.setFocus()

    # -- ending -----------------------------------------------------------------------
    def _on_finalise(self) -> None:
        ok, _ = self.interview.engine.can_finalise()
        if not ok:
            return
        answer = QMessageBox.question(
            self, "Finalise the interview",
            "Finalise this interview? The record is sealed and cannot be changed afterwards; "
            "a correction is a new interview linked to it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._finish(lambda: self._services.interviews.finalise(self._actor, self.interview.id))

    def _on_end(self) -> None:
        step_id = self._current if self._current != REVIEW else self.visible_step_ids()[-1]
        title = self.interview.protocol.step(step_id).title.get("en")
        dialog = AbandonDialog(self.interview.protocol, title,
                               suggested=self.interview.engine.stop_reason(), parent=self)
        if dialog.exec() != AbandonDialog.DialogCode.Accepted:
            return
        self._end_with(dialog.reason(), step_id, dialog.note_text(), forced=False)

    def _end_with(self, reason: str, step_id: str, note: str | None, forced: bool) -> None:
        if forced:
            self._finish(lambda: self._services.interviews.finalise(self._actor,
                                                                     self.interview.id))
        else:
            self._finish(lambda: self._services.interviews.abandon(
                self._actor, self.interview.id, reason, step_id, note))

    def _finish(self, action) -> None:
        try:
            self.interview = action()
        except UserError as error:
            QMessageBox.warning(self, "Not finalised", str(error))
            return
        self.sig_finalised.emit(self.interview)

    def _on_pause(self) -> None:
        page = self.step_pages.get(self._current)
        if page is not None:
            page.flush()
        self.sig_paused.emit(self.interview.id)
