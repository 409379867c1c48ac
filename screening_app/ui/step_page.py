"""One protocol step on screen: its title, the statement to read aloud, what the step reads
back (the recorded choice) or the declaration the person signs, and its questions."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from screening_app.protocol import InterviewEngine, Protocol, Step
from screening_app.protocol.vocabulary import INTERVIEW_LANGUAGE, answer_for_role
from screening_app.ui.fonts import statement_font
from screening_app.ui.question_widgets import QuestionWidget, build_question_widget
from screening_app.ui.signature_pad import PAD_ASPECT

STATEMENT_STYLE = ("background: #f6f4ee; border: 1px solid #ddd6c4; border-radius: 6px;"
                   " padding: 12px")
READ_BACK_STYLE = ("background: #eef4ee; border: 2px solid #9cc59c; border-radius: 6px;"
                   " padding: 12px")
# Four signers side by side in two rows: every pad on screen at 1280x720.
SIGNATURE_COLUMNS = 2
SIGNATURE_PAD_MAX_HEIGHT = 130


class StepPage(QScrollArea):
    sig_answered = Signal(str, object)
    sig_signed = Signal(str, object)

    def __init__(self, step: Step, engine: InterviewEngine, parent=None):
        super().__init__(parent)
        self.step = step
        self.protocol: Protocol = engine.protocol
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 12, 24, 12)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 18pt; font-weight: 600")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.statement_label = QLabel()
        self.statement_label.setWordWrap(True)
        self.statement_label.setFont(statement_font())
        self.statement_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statement_label.setStyleSheet(STATEMENT_STYLE)
        self.statement_label.setVisible(step.statement is not None)
        layout.addWidget(self.statement_label)

        # What the interviewer reads aloud from the record: the answer this step reads
        # back, or the declaration the person signs under.
        self.read_back_caption = QLabel()
        self.read_back_caption.setStyleSheet("font-weight: 600; color: #2f5f2f")
        self.read_back_label = QLabel()
        self.read_back_label.setWordWrap(True)
        self.read_back_label.setFont(statement_font(17))
        self.read_back_label.setTextFormat(Qt.TextFormat.PlainText)
        self.read_back_label.setStyleSheet(READ_BACK_STYLE)
        self.read_back_label.setAccessibleName(self.tr("Read this aloud"))
        shows_record = step.reads_back is not None or step.shows_declaration
        for widget in (self.read_back_caption, self.read_back_label):
            widget.setVisible(shows_record)
            layout.addWidget(widget)
        self._declaration: tuple[tuple[str, str], ...] = ()
        self._answers: dict = {}

        self.questions: dict[str, QuestionWidget] = {}
        choice_questions = {self.protocol.choice.question, self.protocol.choice.confirm,
                            self.protocol.choice.resolve}
        signatures = QGridLayout()
        signatures.setHorizontalSpacing(24)
        for question in step.questions:
            widget = build_question_widget(
                question, engine.options(question.id) if question.has_options else [],
                large=question.id in choice_questions)
            widget.sig_answered.connect(self.sig_answered)
            if hasattr(widget, "sig_signed"):
                widget.sig_signed.connect(self.sig_signed)
            self.questions[question.id] = widget
            if question.kind == "signature":
                # The pad keeps its 3:1 paper: a wider widget would take strokes outside
                # the paper the person sees.
                widget.field.pad.setMaximumSize(round(SIGNATURE_PAD_MAX_HEIGHT * PAD_ASPECT),
                                                SIGNATURE_PAD_MAX_HEIGHT)
                count = signatures.count()
                signatures.addWidget(widget, count // SIGNATURE_COLUMNS, count % SIGNATURE_COLUMNS)
            else:
                layout.addWidget(widget)
        if signatures.count():
            layout.addLayout(signatures)
        layout.addStretch()
        self.setWidget(body)
        self._language = "en"

    def set_language(self, language: str) -> None:
        self._language = language
        self.title_label.setText(_pair(self.step.title.get("en"), self.step.title.get(language)))
        if self.step.statement is not None:
            # The statement is read aloud: the person's language first, large.
            text = self.step.statement.get(language)
            if language != "en":
                text += "\n\n— " + self.step.statement.get("en")
            self.statement_label.setText(text)
        for widget in self.questions.values():
            widget.set_language(language)
        self._show_read_back()

    def refresh(self, engine: InterviewEngine, answers: dict) -> None:
        visible = {q.id for q in engine.visible_questions(self.step.id)}
        for question_id, widget in self.questions.items():
            widget.setVisible(question_id in visible)
            if question_id in answers:
                widget.set_value(answers[question_id])
        self._answers = dict(answers)
        self._show_read_back()

    def set_declaration(self, texts: tuple[tuple[str, str], ...]) -> None:
        """The declaration the form will carry, exactly as the form prints it."""
        self._declaration = texts
        self._show_read_back()

    def flush(self) -> None:
        for widget in self.questions.values():
            widget.flush()

    def focus_first_open_question(self, engine: InterviewEngine) -> bool:
        """Focus the first required question still unanswered; False when there is none
        (the wizard then gives the focus to Next, so Enter goes on)."""
        for question in engine.visible_questions(self.step.id):
            if question.required and not self.questions[question.id].is_answered():
                self._focus(question.id)
                return True
        return False

    def focus_next_open_question(self, engine: InterviewEngine, after: str) -> bool:
        """Move the keyboard to the first required, unanswered question after ``after``
        (or before it, when those after are done); False when there is none. Optional
        notes are left to Tab: the flow goes to what the step still needs."""
        visible = [q for q in engine.visible_questions(self.step.id)]
        ids = [q.id for q in visible]
        if after not in ids:
            return self.focus_first_open_question(engine)
        position = ids.index(after)
        for question in visible[position + 1:] + visible[:position]:
            if question.required and not self.questions[question.id].is_answered():
                self._focus(question.id)
                return True
        return False

    def _focus(self, question_id: str) -> None:
        widget = self.questions[question_id]
        widget.focus_first()
        self.ensureWidgetVisible(widget)

    def _show_read_back(self) -> None:
        if self.step.shows_declaration:
            self.read_back_caption.setText(
                self.tr("Read the declaration aloud; the person signs under it:"))
            self.read_back_label.setText("\n\n".join(text for _, text in self._declaration)
                                         or self.tr("The declaration appears once the choice"
                                                    " is confirmed."))
            return
        if self.step.reads_back is None:
            return
        question = self.protocol.question(self.step.reads_back)
        value = self._answers.get(question.id)
        self.read_back_caption.setText(self.tr("Read the recorded answer aloud:"))
        if value in (None, "", []):
            self.read_back_label.setText(self.tr("No answer has been recorded yet."))
            return
        # In the language of the interview (the person's), whatever the screen shows.
        language = answer_for_role(self.protocol, self._answers, INTERVIEW_LANGUAGE)
        self.read_back_label.setText(_answer_text(question, value,
                                                  language if isinstance(language, str)
                                                  else self._language))


def _answer_text(question, value, language: str) -> str:
    """The recorded answer in the person's language (large, first) and in English."""
    def words(lang: str) -> str:
        values = value if isinstance(value, list) else [value]
        labels = []
        for item in values:
            option = next((o for o in question.options if o.id == item), None)
            labels.append(option.label.get(lang) if option else str(item))
        return ", ".join(labels)
    local, english = words(language), words("en")
    return english if local == english else f"{local}\n— {english}"


def _pair(english: str, other: str) -> str:
    return english if other == english else f"{english}  ·  {other}"
