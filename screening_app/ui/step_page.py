"""One protocol step on screen: its title, the statement to read aloud, its questions."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from screening_app.protocol import InterviewEngine, Step
from screening_app.ui.fonts import statement_font
from screening_app.ui.question_widgets import QuestionWidget, build_question_widget

SIGNER_TITLES = {
    "person": "Signature of the person interviewed",
    "interpreter": "Signature of the interpreter",
    "observer": "Signature of the observer / witness",
    "interviewer": "Signature of the interviewer",
}


class StepPage(QScrollArea):
    sig_answered = Signal(str, object)
    sig_signed = Signal(str, object)

    def __init__(self, step: Step, engine: InterviewEngine, parent=None):
        super().__init__(parent)
        self.step = step
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
        self.statement_label.setStyleSheet(
            "background: #f6f4ee; border: 1px solid #ddd6c4; border-radius: 6px; padding: 12px")
        self.statement_label.setVisible(step.statement is not None)
        layout.addWidget(self.statement_label)
        self.questions: dict[str, QuestionWidget] = {}
        for question in step.questions:
            widget = build_question_widget(question, engine.options(question.id)
                                           if question.has_options else [], SIGNER_TITLES)
            widget.sig_answered.connect(self.sig_answered)
            if hasattr(widget, "sig_signed"):
                widget.sig_signed.connect(self.sig_signed)
            self.questions[question.id] = widget
            layout.addWidget(widget)
        layout.addStretch()
        self.setWidget(body)

    def set_language(self, language: str) -> None:
        self.title_label.setText(_pair(self.step.title.get("en"), self.step.title.get(language)))
        if self.step.statement is not None:
            # The statement is read aloud: the person's language first, large.
            text = self.step.statement.get(language)
            if language != "en":
                text += "\n\n— " + self.step.statement.get("en")
            self.statement_label.setText(text)
        for widget in self.questions.values():
            widget.set_language(language)

    def refresh(self, engine: InterviewEngine, answers: dict) -> None:
        visible = {q.id for q in engine.visible_questions(self.step.id)}
        for question_id, widget in self.questions.items():
            widget.setVisible(question_id in visible)
            if question_id in answers:
                widget.set_value(answers[question_id])

    def flush(self) -> None:
        for widget in self.questions.values():
            widget.flush()

    def focus_first_open_question(self, engine: InterviewEngine, answers: dict) -> None:
        visible = [q.id for q in engine.visible_questions(self.step.id)]
        for question_id in visible:
            if question_id not in answers:
                self.questions[question_id].focus_first()
                return
        if visible:
            self.questions[visible[0]].focus_first()


def _pair(english: str, other: str) -> str:
    return english if other == english else f"{english}  ·  {other}"
