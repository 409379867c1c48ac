"""One widget per question kind, built from the protocol definition.

Each emits ``sig_answered(question_id, value)`` as soon as an answer is given (the wizard
saves it at once) and shows a saved answer with ``set_value``. Options are numbered in the
interview's own order, and the number keys choose them.
"""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from screening_app.protocol import Option, Question
from screening_app.ui.signature_field import SignatureField

TEXT_SAVE_DELAY_MS = 600
YES_NO = (("yes", "Yes", "예", "是"), ("no", "No", "아니요", "否"))


def _bilingual(english: str, other: str | None) -> str:
    return english if not other or other == english else f"{english}  ·  {other}"


class QuestionWidget(QFrame):
    sig_answered = Signal(str, object)

    def __init__(self, question: Question, parent=None):
        super().__init__(parent)
        self.question = question
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 6, 0, 6)
        self.prompt_label = QLabel()
        self.prompt_label.setWordWrap(True)
        self.prompt_label.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(self.prompt_label)
        self._language = "en"

    def set_language(self, language: str) -> None:
        self._language = language
        prompt = self.question.prompt
        required = "" if self.question.required else "  (optional)"
        self.prompt_label.setText(_bilingual(prompt.get("en"), prompt.get(language)) + required)

    def set_value(self, value) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def flush(self) -> None:
        """Save anything typed but not yet saved (text fields wait for a pause)."""

    def save_failed(self) -> None:
        """The answer just offered was not stored (a full disk, a refusal): offer it again
        at the next chance. An option is offered again when it is chosen again."""

    def focus_first(self) -> None:
        self.setFocus()


class OptionsQuestion(QuestionWidget):
    """yes_no, single_choice and scale: one of several, numbered 1..n."""

    def __init__(self, question: Question, options: list[tuple[str, str, str | None]], parent=None):
        super().__init__(question, parent)
        self._options = options  # (value, english label, label in other languages by code)
        self._group = QButtonGroup(self)
        self._buttons: list[QRadioButton] = []
        row = QHBoxLayout() if len(options) <= 5 and question.kind != "single_choice" \
            else QVBoxLayout()
        for number, _ in enumerate(options, start=1):
            button = QRadioButton()
            button.setProperty("option_number", number)
            self._group.addButton(button, number - 1)
            self._buttons.append(button)
            row.addWidget(button)
        if isinstance(row, QHBoxLayout):
            row.addStretch()
        self._layout.addLayout(row)
        self._group.idClicked.connect(self._on_clicked)

    def set_language(self, language: str) -> None:
        super().set_language(language)
        for number, (button, option) in enumerate(zip(self._buttons, self._options, strict=True),
                                                  start=1):
            _, english, localised = option
            other = localised.get(language) if isinstance(localised, dict) else None
            button.setText(f"{number}  {_bilingual(english, other)}")

    def set_value(self, value) -> None:
        for button, (option_value, _, _) in zip(self._buttons, self._options, strict=True):
            button.setChecked(option_value == value)

    def value(self):
        index = self._group.checkedId()
        return self._options[index][0] if index >= 0 else None

    def choose_number(self, number: int) -> bool:
        if 1 <= number <= len(self._buttons):
            self._buttons[number - 1].setChecked(True)
            self._buttons[number - 1].setFocus()
            self._on_clicked(number - 1)
            return True
        return False

    def focus_first(self) -> None:
        checked = self._group.checkedButton()
        (checked or self._buttons[0]).setFocus()

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if text.isdigit() and self.choose_number(int(text)):
            return
        super().keyPressEvent(event)

    def _on_clicked(self, index: int) -> None:
        self.sig_answered.emit(self.question.id, self._options[index][0])


class MultiChoiceQuestion(QuestionWidget):
    def __init__(self, question: Question, options: list[Option], parent=None):
        super().__init__(question, parent)
        self._options = options
        self._boxes: list[QCheckBox] = []
        for number, _ in enumerate(options, start=1):
            box = QCheckBox()
            box.setProperty("option_number", number)
            box.toggled.connect(self._on_toggled)
            self._boxes.append(box)
            self._layout.addWidget(box)
        self._updating = False

    def set_language(self, language: str) -> None:
        super().set_language(language)
        for number, (box, option) in enumerate(zip(self._boxes, self._options, strict=True),
                                               start=1):
            box.setText(f"{number}  {_bilingual(option.label.get('en'), option.label.get(language))}")

    def set_value(self, value) -> None:
        self._updating = True
        chosen = set(value or [])
        for box, option in zip(self._boxes, self._options, strict=True):
            box.setChecked(option.id in chosen)
        self._updating = False

    def focus_first(self) -> None:
        self._boxes[0].setFocus()

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if text.isdigit() and 1 <= int(text) <= len(self._boxes):
            box = self._boxes[int(text) - 1]
            box.setChecked(not box.isChecked())
            box.setFocus()
            return
        super().keyPressEvent(event)

    def _on_toggled(self, _checked: bool) -> None:
        if self._updating:
            return
        chosen = [o.id for o, box in zip(self._options, self._boxes, strict=True)
                  if box.isChecked()]
        self.sig_answered.emit(self.question.id, chosen)


class TextQuestion(QuestionWidget):
    """Saved a moment after typing pauses, and at once when the field is left."""

    def __init__(self, question: Question, multiline: bool, parent=None):
        super().__init__(question, parent)
        self._saved: str | None = None
        self._saved_before_offer: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TEXT_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        if multiline:
            self.editor = QPlainTextEdit()
            self.editor.setTabChangesFocus(True)
            self.editor.setFixedHeight(90)
            self.editor.textChanged.connect(self._timer.start)
        else:
            self.editor = QLineEdit()
            self.editor.textEdited.connect(lambda _text: self._timer.start())
            self.editor.editingFinished.connect(self.flush)
        self.editor.setAccessibleName(question.id)
        self.prompt_label.setBuddy(self.editor)
        self._layout.addWidget(self.editor)

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def set_value(self, value) -> None:
        value = value or ""
        self._saved = value
        if self.text() == value:
            return
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.blockSignals(True)
            self.editor.setPlainText(value)
            self.editor.blockSignals(False)
        else:
            self.editor.setText(value)

    def flush(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text == (self._saved or "").strip():
            return
        if not text and not self.question.required and self._saved is None:
            return
        self._saved_before_offer, self._saved = self._saved, text
        self.sig_answered.emit(self.question.id, text)

    def save_failed(self) -> None:
        # The text stays on screen as typed; the next pause, Next or leaving the field
        # offers it again instead of taking it for saved.
        self._saved = self._saved_before_offer

    def focusOutEvent(self, event) -> None:
        self.flush()
        super().focusOutEvent(event)

    def focus_first(self) -> None:
        self.editor.setFocus()


class SignatureQuestion(QuestionWidget):
    """The pad (or thumbprint option) and an Accept button; once accepted the record holds
    a reference to the stored signature, and "Sign again" replaces it with a new one."""

    sig_signed = Signal(str, object)  # question id, SignatureResult

    def __init__(self, question: Question, title: str, with_name: bool, parent=None):
        super().__init__(question, parent)
        self.field = SignatureField(title, with_name=with_name)
        # The question's own prompt already names the signer.
        self.field.title_label.setVisible(False)
        self._layout.addWidget(self.field)
        row = QHBoxLayout()
        self.accept_button = QPushButton("Accept si&gnature")
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        row.addWidget(self.accept_button)
        row.addWidget(self.status_label, 1)
        self._layout.addLayout(row)
        self.accept_button.clicked.connect(self._on_accept)
        self.field.sig_changed.connect(lambda: self.status_label.setText(""))

    def set_value(self, value) -> None:
        if isinstance(value, dict) and value.get("mode"):
            how = {"signature": "signed", "thumbprint": "thumbprint to be taken on the form",
                   "on_paper": "signed on paper"}.get(value["mode"], value["mode"])
            self.status_label.setText(f"✓ Recorded: {how}.")
            self.accept_button.setText("Sign a&gain")
        else:
            self.status_label.setText("")
            self.accept_button.setText("Accept si&gnature")

    def _on_accept(self) -> None:
        problem = self.field.validate()
        if problem:
            self.status_label.setText(problem)
            return
        self.sig_signed.emit(self.question.id, self.field.result())

    def focus_first(self) -> None:
        self.field.setFocus()


def build_question_widget(question: Question, options: list[Option], signer_titles: dict,
                          parent: QWidget | None = None) -> QuestionWidget:
    if question.kind == "yes_no":
        return OptionsQuestion(question, [(v, en, {"ko": ko, "zh": zh})
                                          for v, en, ko, zh in YES_NO], parent)
    if question.kind == "single_choice":
        return OptionsQuestion(question, [(o.id, o.label.get("en"), o.label.as_dict())
                                          for o in options], parent)
    if question.kind == "scale":
        values = range(question.min or 1, (question.max or 5) + 1)
        labels = []
        for value in values:
            end = (question.min_label if value == question.min else
                   question.max_label if value == question.max else None)
            labels.append((value, f"{value}" + (f" ({end.get('en')})" if end else ""),
                           {lang: end.get(lang) for lang in ("ko", "zh")} if end else None))
        return OptionsQuestion(question, labels, parent)
    if question.kind == "multi_choice":
        return MultiChoiceQuestion(question, options, parent)
    if question.kind == "text":
        multiline = question.id.endswith(("_note", "_other", "present_persons"))
        return TextQuestion(question, multiline, parent)
    if question.kind == "signature":
        title = signer_titles.get(question.signer, question.prompt.get("en"))
        # Names of the interpreter and observer are recorded at the language step.
        return SignatureQuestion(question, title, with_name=False, parent=parent)
    raise ValueError(f"no widget for question kind {question.kind!r}")
