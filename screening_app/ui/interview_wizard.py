"""The guided interview: one protocol step per page, rendered from the definition.

Every answer is saved the moment it is given; the engine's gates decide whether Next is
open, and the reason is shown in plain words when it is not. Keyboard: entering a step
focuses its first unanswered question, number keys answer the focused question and the
focus moves on to the next unanswered one; Enter or Alt+N next, Alt+B back, Alt+E ends the
interview with a reason.

Nothing on screen tells a bystander which way the person chose before the review page:
the step counter numbers the protocol's steps, conditional ones included, so each page
keeps its number whatever the answers.
"""

import html

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QInputDialog,
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
from screening_app.domain.present_persons import first_with_role, parse_present_persons
from screening_app.domain.subject import Subject
from screening_app.protocol.vocabulary import (
    INTERPRETER_NAME,
    INTERVIEW_LANGUAGE,
    NAMED_PERSON_ROLES,
    OBSERVER_BODY,
    OBSERVER_NAME,
    PRESENT_PERSONS,
    answer_for_role,
    question_with_role,
    signer_name,
)
from screening_app.services.app import StationServices
from screening_app.services.interviews import Interview
from screening_app.ui.abandon_dialog import AbandonDialog
from screening_app.ui.form_warm_up import warm_up_in_background
from screening_app.ui.language import INTERFACE_LANGUAGES, interface_language
from screening_app.ui.question_widgets import TextQuestion
from screening_app.ui.review_page import ReviewPage
from screening_app.ui.step_page import StepPage

LANGUAGES = INTERFACE_LANGUAGES
REVIEW = "__review__"
# Room for this many lines of gate messages is kept below the page, so that a message
# appearing or going never moves the page under the pointer.
REASON_LINES = 3
# Roles whose answers are taken from "who is in the room" when they are still empty.
NAMED_BY_PRESENT_PERSONS = ((INTERPRETER_NAME, "interpreter", "name"),
                            (OBSERVER_NAME, "observer", "name"),
                            (OBSERVER_BODY, "observer", "body"))


class InterviewWizard(QWidget):
    sig_finalised = Signal(object)  # Interview
    sig_paused = Signal(str)  # interview id
    sig_discarded = Signal(str)  # interview id

    def __init__(self, services: StationServices, actor: Actor, interview: Interview,
                 parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.interview = interview
        self._current: str | None = None
        self._subject = Subject(**interview.record.subject_snapshot)
        self._language = interview.record.language or self._subject.language or "en"

        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.person_label = QLabel(f"<b>{_html(self._subject.display_name)}</b> &nbsp; "
                                   f"{_html(self._subject.isn)}"
                                   + (" &nbsp; <i>" + self.tr("(transcribed)") + "</i>"
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
            button.setToolTip(self.tr("Show the texts in this language (the interview's own"
                                      " language is recorded at the language step)"))
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
            self._offer_known_people(page)
            self.step_pages[step.id] = page
            self.pages.addWidget(page)
        self.review_page = ReviewPage()
        self.pages.addWidget(self.review_page)
        layout.addWidget(self.pages, 1)

        self.reason_label = QLabel("")
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet("color: #8a4b00")
        self.reason_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reason_label.setFixedHeight(self.reason_label.fontMetrics().lineSpacing()
                                         * REASON_LINES + 4)
        layout.addWidget(self.reason_label)
        nav = QHBoxLayout()
        self.end_button = QPushButton(self.tr("&End interview…"))
        self.discard_button = QPushButton(self.tr("Wrong person: &discard…"))
        self.discard_button.setToolTip(self.tr("Set this draft aside because it was opened for"
                                               " the wrong person (only before anything"
                                               " beyond the identity check is answered)"))
        self.pause_button = QPushButton(self.tr("&Pause (keep draft)"))
        self.back_button = QPushButton(self.tr("&Back"))
        self.next_button = QPushButton(self.tr("&Next"))
        self.finalise_button = QPushButton(self.tr("&Finalise…"))
        # The discard button goes last: when it goes away, nothing else moves.
        for button in (self.end_button, self.pause_button, self.discard_button):
            nav.addWidget(button)
        nav.addStretch()
        for button in (self.back_button, self.next_button, self.finalise_button):
            nav.addWidget(button)
        layout.addLayout(nav)
        self.end_button.clicked.connect(self._on_end)
        self.discard_button.clicked.connect(self._on_discard)
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
                self._say(str(error))
                return
        self._current = step_id
        self._fill_in_what_is_known(step_id)
        page = self.step_pages[step_id]
        self.pages.setCurrentWidget(page)
        page.refresh(self.interview.engine, self.interview.record.answers)
        if page.step.shows_declaration:
            declared = self._services.interviews.declaration(self.interview)
            page.set_declaration(declared.texts if declared else ())
        self._show_recorded_signatures(page)
        self._update_nav()
        if not page.focus_first_open_question(self.interview.engine):
            self._focus_next_button()

    def go_next(self) -> None:
        if self._current == REVIEW:
            return
        self.step_pages[self._current].flush()
        engine = self.interview.engine
        status = engine.step_status(self._current)
        if status.stop_reason:
            label = self.interview.protocol.reason(status.stop_reason).label.get(
                interface_language())
            answer = QMessageBox.question(
                self, self.tr("End the interview"),
                self.tr("End the interview here: {reason}? The record is sealed as not"
                        " completed.").format(reason=label),
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

    def focus_current(self) -> None:
        """Give the keyboard back to the page (after an unlock, for one)."""
        if self._current == REVIEW:
            self.finalise_button.setFocus()
        elif self._current in self.step_pages and not self.step_pages[
                self._current].focus_first_open_question(self.interview.engine):
            self._focus_next_button()

    def _focus_next_button(self) -> None:
        if self.next_button.isVisible() and self.next_button.isEnabled():
            self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- answers --------------------------------------------------------------------
    def _on_answered(self, question_id: str, value) -> None:
        if not self._save_answer(question_id, value):
            return
        self._after_change()
        page = self.step_pages.get(self._current)
        widget = page.questions.get(question_id) if page else None
        moved = (widget is not None and widget.moves_on_when_answered()
                 and page.focus_next_open_question(self.interview.engine, question_id))
        if widget is not None and widget.moves_on_when_answered() and not moved:
            self._focus_next_button()

    def _offer_known_people(self, page: StepPage) -> None:
        """A field whose answer names someone the station knows offers the known names,
        and adds a new one when the interviewer confirms it."""
        for widget in page.questions.values():
            kind = NAMED_PERSON_ROLES.get(widget.question.role)
            if kind is None or not isinstance(widget, TextQuestion) or widget.question.multiline:
                continue
            people = self._services.people.with_role(self._actor, kind)
            widget.offer_known(kind, [name for person in people
                                      for name in (person.name, person.name_native) if name],
                               lambda name, kind=kind, question_id=widget.question.id:
                               self._add_known_person(kind, name, question_id))

    def _add_known_person(self, kind: str, name: str, question_id: str) -> str | None:
        try:
            self._services.people.add(self._actor, kind, name)
        except UserError as refused:
            return str(refused)
        # Saved again, so that the record keeps the new person's id with the name.
        answer = self.interview.record.answers.get(question_id)
        if isinstance(answer, str):
            self._save_answer(question_id, answer)
        return None

    def _save_answer(self, question_id: str, value) -> bool:
        try:
            self.interview = self._services.interviews.answer(
                self._actor, self.interview.id, question_id, value)
        except UserError as error:  # a full disk too: one sentence, and the answer kept
            self._not_saved(question_id, error)
            return False
        return True

    def _not_saved(self, question_id: str, error: UserError) -> None:
        for page in self.step_pages.values():
            if question_id in page.questions:
                page.questions[question_id].save_failed()
        self._say(str(error))

    def _fill_in_what_is_known(self, step_id: str) -> None:
        """Answers the interviewer would otherwise type twice, filled in (and saved, and
        editable) when the step opens: the interpreter and the observer as named in "who
        is in the room", and the interview language as the screen or the person's
        nationality suggests."""
        protocol, answers = self.interview.protocol, self.interview.record.answers
        step_questions = {q.id for q in self.interview.engine.visible_questions(step_id)}
        people = parse_present_persons(
            str(answer_for_role(protocol, answers, PRESENT_PERSONS) or ""))
        for role, signer, part in NAMED_BY_PRESENT_PERSONS:
            question = question_with_role(protocol, role)
            if question is None or question.id not in step_questions or answers.get(question.id):
                continue
            person = first_with_role(people, signer)
            value = getattr(person, part) if person else None
            if value:
                self._save_answer(question.id, value)
        language_question = question_with_role(protocol, INTERVIEW_LANGUAGE)
        if language_question is not None and language_question.id in step_questions \
                and not self.interview.record.answers.get(language_question.id):
            offered = language_question.option_ids()
            for candidate in (self._language if self._language != "en" else None,
                              self._subject.language, "en"):
                if candidate in offered:
                    self._save_answer(language_question.id, candidate)
                    break

    def _show_recorded_signatures(self, page: StepPage) -> None:
        signature_ids = [q.id for q in page.step.questions if q.kind == "signature"]
        if not any(self.interview.record.answers.get(q) for q in signature_ids):
            return
        recorded = self._services.interviews.recorded_signatures(self._actor, self.interview.id)
        for question_id in signature_ids:
            if question_id in recorded:
                given = recorded[question_id]
                page.questions[question_id].show_recorded(given.mode, given.strokes)

    def _on_signed(self, question_id: str, result) -> None:
        protocol = self.interview.protocol
        signer = protocol.question(question_id).signer
        name = result.signer_name or signer_name(protocol, self.interview.record.answers,
                                                 signer)
        if signer == "interviewer":
            name = name or self._actor.name
        try:
            self.interview = self._services.interviews.add_signature(
                self._actor, self.interview.id, question_id, mode=result.mode,
                signer_name=name, strokes=result.strokes, image_png=result.png)
        except UserError as error:
            self._say(str(error))
            return
        self._after_change()
        page = self.step_pages.get(self._current)
        if page is not None and not page.focus_next_open_question(self.interview.engine,
                                                                  question_id):
            self._focus_next_button()

    def _after_change(self) -> None:
        page = self.step_pages.get(self._current)
        if page is not None:
            page.refresh(self.interview.engine, self.interview.record.answers)
        self._update_nav()

    def _say(self, message: str, shorter: str | None = None) -> None:
        """Show a gate message in its reserved lines; ``shorter`` is said instead when the
        message would not fit them (the whole message stays in the tooltip)."""
        if shorter is not None and not self._fits_reason_lines(message):
            self.reason_label.setText(shorter)
        else:
            self.reason_label.setText(message)
        self.reason_label.setToolTip(message)

    def _fits_reason_lines(self, message: str) -> bool:
        width = max(self.reason_label.width(), 200)
        needed = self.reason_label.fontMetrics().boundingRect(
            QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, message).height()
        return needed <= self.reason_label.height()

    def _update_nav(self) -> None:
        engine = self.interview.engine
        ids = self.visible_step_ids()
        on_review = self._current == REVIEW
        self.back_button.setEnabled(on_review or ids.index(self._current) > 0)
        self.next_button.setVisible(not on_review)
        self.finalise_button.setVisible(on_review)
        self.discard_button.setVisible(
            self._services.interviews.may_discard(self._actor, self.interview))
        if on_review:
            ok, reasons = engine.can_finalise()
            self.finalise_button.setEnabled(ok)
            self._say("" if ok else " ".join(reasons))
            self.progress_label.setText(self.tr("Review"))
            return
        # Numbered among all the protocol's steps, conditional ones too: a page's number
        # never depends on the answers (the follow-up questions of one choice would
        # otherwise shift the count for everyone watching the screen).
        all_steps = [step.id for step in self.interview.protocol.steps]
        self.progress_label.setText(
            self.tr("Step {number} of {count}").format(
                number=all_steps.index(self._current) + 1, count=len(all_steps)))
        status = engine.step_status(self._current)
        if status.stop_reason:
            label = self.interview.protocol.reason(status.stop_reason).label.get(
                interface_language())
            self.next_button.setText(self.tr("&Next: end interview"))
            self.next_button.setEnabled(True)
            self._say(self.tr("This answer means the interview cannot go on ({reason}). Next"
                              " ends it with that reason; change the answer if it was a"
                              " mistake.").format(reason=label))
            return
        self.next_button.setText(self.tr("&Next"))
        self.next_button.setEnabled(status.complete)
        if status.complete:
            self._say("")
        elif status.locked_reason:
            self._say(status.locked_reason)
        elif status.blocked:
            self._say(" ".join(status.blocked))
        else:
            missing = [self.interview.protocol.question(q).prompt.get(interface_language())
                       for q in status.missing]
            self._say(self.tr("Still to answer: {questions}").format(
                          questions="; ".join(f"“{m}”" for m in missing)),
                      shorter=self.tr("Still to answer: {count} questions on this page, the"
                                      " first “{first}”.").format(count=len(missing),
                                                                  first=missing[0]))

    def _show_review(self) -> None:
        images = self._services.interviews.signature_images(self._actor, self.interview.id)
        declared = self._services.interviews.declaration(self.interview)
        self.review_page.show_interview(self.interview.protocol, self.interview.engine,
                                        self.interview.record.answers, self._language, images,
                                        declared.texts if declared else ())
        self.pages.setCurrentWidget(self.review_page)
        self._update_nav()
        self.finalise_button.setFocus()

    # -- ending -----------------------------------------------------------------------
    def _on_finalise(self) -> None:
        ok, _ = self.interview.engine.can_finalise()
        if not ok:
            return
        answer = QMessageBox.question(
            self, self.tr("Finalise the interview"),
            self.tr("Finalise this interview? The record is sealed and cannot be changed"
                    " afterwards; a correction is a new interview linked to it."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._finish(lambda: self._services.interviews.finalise(self._actor, self.interview.id))

    def _on_end(self) -> None:
        step_id = self._current if self._current != REVIEW else self.visible_step_ids()[-1]
        title = self.interview.protocol.step(step_id).title.get(interface_language())
        dialog = AbandonDialog(self.interview.protocol, title,
                               suggested=self.interview.engine.stop_reason(), parent=self)
        if dialog.exec() != AbandonDialog.DialogCode.Accepted:
            return
        self._end_with(dialog.reason(), step_id, dialog.note_text(), forced=False)

    def _on_discard(self) -> None:
        reason, ok = QInputDialog.getText(
            self, self.tr("Discard this draft"),
            self.tr("Discard the interview of {name} ({isn})? The draft is kept in the history"
                    " as discarded, with your name.\nWhy:").format(
                name=self._subject.display_name, isn=self._subject.isn),
            text=self.tr("Opened for the wrong person"))
        if not ok:
            return
        self.discard(reason)

    def discard(self, reason: str) -> bool:
        try:
            self._services.interviews.discard_draft(self._actor, self.interview.id, reason)
        except UserError as error:
            self._say(str(error))
            return False
        self.sig_discarded.emit(self.interview.id)
        return True

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
            QMessageBox.warning(self, self.tr("Not finalised"), str(error))
            return
        self.sig_finalised.emit(self.interview)

    def _on_pause(self) -> None:
        page = self.step_pages.get(self._current)
        if page is not None:
            page.flush()
        self.sig_paused.emit(self.interview.id)


def _html(text: str) -> str:
    return html.escape(text or "")
