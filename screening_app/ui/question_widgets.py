"""One widget per question kind, built from the protocol definition.

Each emits ``sig_answered(question_id, value)`` as soon as an answer is given (the wizard
saves it at once) and shows a saved answer with ``set_value``. Options are numbered in the
interview's own order, and the number keys choose them.

The keyboard never answers a question the interviewer cannot see being answered: an
options question takes the focus as a whole (its frame is outlined while it has it), only
its number keys answer it, and a typing hand in the wrong place changes nothing (the
radio buttons themselves never hold the focus, so a space bar meant for a text field does
not tick one).
"""

import base64
import html
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QCompleter,
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

from screening_app.protocol import Option, Protocol, Question
from screening_app.protocol.vocabulary import PRESENT_PERSONS
from screening_app.records.form_text import LABELS
from screening_app.ui.language import interface_language, yes_no_label
from screening_app.ui.signature_field import SignatureField

TEXT_SAVE_DELAY_MS = 600
translate = QCoreApplication.translate
# Yes and No in the three languages: the printed form's own words (records/form_text.py).
YES_NO = tuple((value, LABELS[value]["en"], LABELS[value]["ko"], LABELS[value]["zh"])
               for value in ("yes", "no"))
FOCUSED_FRAME = ("QFrame#answerFrame { border: 2px solid #5b86b8; border-radius: 6px;"
                 " background: #f3f7fc; }")
UNFOCUSED_FRAME = "QFrame#answerFrame { border: 2px solid transparent; border-radius: 6px; }"
PRESENT_PERSONS_HINT = QT_TRANSLATE_NOOP(
    "TextQuestion", "One person per line, name and role: for example “Pak Sung-ho,"
    " interpreter” or “Observer: L. Berg (ICRC)”.")
# The station's lists of known people, by kind (singular, plural); translated where shown.
KNOWN_KINDS = {"interpreter": (QT_TRANSLATE_NOOP("TextQuestion", "interpreter"),
                               QT_TRANSLATE_NOOP("TextQuestion", "interpreters")),
               "observer": (QT_TRANSLATE_NOOP("TextQuestion", "observer"),
                            QT_TRANSLATE_NOOP("TextQuestion", "observers"))}


def _kind_words(kind: str) -> tuple[str, str]:
    singular, plural = KNOWN_KINDS.get(kind, (kind, f"{kind}s"))
    return translate("TextQuestion", singular), translate("TextQuestion", plural)


def _name_key(name: str) -> str:
    """A name as the station's list compares it: spacing and case aside."""
    return " ".join(name.split()).casefold()


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
        text = _bilingual(prompt.get("en"), prompt.get(language))
        # Protocols often say "(optional)" in the prompt itself; say it once.
        if not self.question.required and "optional" not in prompt.get("en").casefold():
            text += "  " + self.tr("(optional)")
        self.prompt_label.setText(text)

    def set_value(self, value) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def is_answered(self) -> bool:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def flush(self) -> None:
        """Save anything typed but not yet saved (text fields wait for a pause)."""

    def save_failed(self) -> None:
        """The answer just offered was not stored (a full disk, a refusal): offer it again
        at the next chance. An option is offered again when it is chosen again."""

    def focus_first(self) -> None:
        self.setFocus()

    def moves_on_when_answered(self) -> bool:
        """Whether one answer completes the question, so the keyboard can move on to the
        next one (not for text being typed, nor for ticking several boxes)."""
        return False


class _AnswerFrame(QFrame):
    """The keyboard's target for an options question: outlined while it has the focus."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("answerFrame")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(UNFOCUSED_FRAME)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.setStyleSheet(FOCUSED_FRAME)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.setStyleSheet(UNFOCUSED_FRAME)
        super().focusOutEvent(event)


class OptionsQuestion(QuestionWidget):
    """yes_no, single_choice and scale: one of several, numbered 1..n.

    ``options`` holds (value, English label, labels by language or None); a label that is
    only the option's own number (a scale's middle values) is not repeated after it."""

    def __init__(self, question: Question, options: list[tuple[object, str, dict | None]],
                 large: bool = False, parent=None):
        super().__init__(question, parent)
        self._options = options
        self._group = QButtonGroup(self)
        self._buttons: list[QRadioButton] = []
        self.answer_frame = _AnswerFrame()
        self.answer_frame.setAccessibleName(question.prompt.get("en"))
        vertical = len(options) > 5 or question.kind == "single_choice"
        row = QVBoxLayout(self.answer_frame) if vertical else QHBoxLayout(self.answer_frame)
        row.setContentsMargins(6, 4, 6, 4)
        for number, _ in enumerate(options, start=1):
            button = QRadioButton()
            button.setProperty("option_number", number)
            # The frame holds the focus; a radio button never does (see the module note).
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if large:
                # The choice itself: as large as the statement read above it.
                from screening_app.ui.fonts import statement_font

                button.setFont(statement_font())
            self._group.addButton(button, number - 1)
            self._buttons.append(button)
            row.addWidget(button)
        if not vertical:
            row.addStretch()
        self._layout.addWidget(self.answer_frame)
        self.setFocusProxy(self.answer_frame)
        self._group.idClicked.connect(self._on_clicked)

    def set_language(self, language: str) -> None:
        super().set_language(language)
        for number, (button, option) in enumerate(zip(self._buttons, self._options, strict=True),
                                                  start=1):
            _, english, localised = option
            other = localised.get(language) if isinstance(localised, dict) else None
            label = _bilingual(english, other)
            button.setText(f"{number}" if label == str(number) else f"{number}   {label}")

    def set_value(self, value) -> None:
        for button, (option_value, _, _) in zip(self._buttons, self._options, strict=True):
            button.setChecked(option_value == value)

    def value(self):
        index = self._group.checkedId()
        return self._options[index][0] if index >= 0 else None

    def is_answered(self) -> bool:
        return self._group.checkedId() >= 0

    def choose_number(self, number: int) -> bool:
        if 1 <= number <= len(self._buttons):
            self._buttons[number - 1].setChecked(True)
            self._on_clicked(number - 1)
            return True
        return False

    def focus_first(self) -> None:
        self.answer_frame.setFocus(Qt.FocusReason.OtherFocusReason)

    def moves_on_when_answered(self) -> bool:
        return True

    def keyPressEvent(self, event) -> None:
        # Keys typed on the focused frame arrive here: only its number keys answer.
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and text.isdigit() and self.choose_number(int(text)):
            return
        super().keyPressEvent(event)

    def _on_clicked(self, index: int) -> None:
        self.sig_answered.emit(self.question.id, self._options[index][0])


class MultiChoiceQuestion(QuestionWidget):
    """Any number of options, each ticked or unticked by its number key."""

    def __init__(self, question: Question, options: list[Option], parent=None):
        super().__init__(question, parent)
        self._options = options
        self._boxes: list[QCheckBox] = []
        self.answer_frame = _AnswerFrame()
        self.answer_frame.setAccessibleName(question.prompt.get("en"))
        column = QVBoxLayout(self.answer_frame)
        column.setContentsMargins(6, 4, 6, 4)
        for number, _ in enumerate(options, start=1):
            box = QCheckBox()
            box.setProperty("option_number", number)
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.toggled.connect(self._on_toggled)
            self._boxes.append(box)
            column.addWidget(box)
        self._layout.addWidget(self.answer_frame)
        self.setFocusProxy(self.answer_frame)
        self._updating = False

    def set_language(self, language: str) -> None:
        super().set_language(language)
        for number, (box, option) in enumerate(zip(self._boxes, self._options, strict=True),
                                               start=1):
            label = _bilingual(option.label.get("en"), option.label.get(language))
            box.setText(f"{number}   {label}")

    def set_value(self, value) -> None:
        self._updating = True
        chosen = set(value or [])
        for box, option in zip(self._boxes, self._options, strict=True):
            box.setChecked(option.id in chosen)
        self._updating = False

    def is_answered(self) -> bool:
        return any(box.isChecked() for box in self._boxes)

    def focus_first(self) -> None:
        self.answer_frame.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event) -> None:
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and text.isdigit() and 1 <= int(text) <= len(self._boxes):
            box = self._boxes[int(text) - 1]
            box.setChecked(not box.isChecked())
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

    def __init__(self, question: Question, parent=None):
        super().__init__(question, parent)
        self._saved: str | None = None
        self._saved_before_offer: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TEXT_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        if question.multiline:
            self.editor = QPlainTextEdit()
            self.editor.setTabChangesFocus(True)
            self.editor.setFixedHeight(90 if question.role != PRESENT_PERSONS else 110)
            self.editor.textChanged.connect(self._timer.start)
        else:
            self.editor = QLineEdit()
            self.editor.textEdited.connect(lambda _text: self._timer.start())
            self.editor.editingFinished.connect(self.flush)
        if question.role == PRESENT_PERSONS:
            self.editor.setPlaceholderText(translate("TextQuestion", PRESENT_PERSONS_HINT))
        self.editor.setAccessibleName(question.prompt.get("en"))
        self.prompt_label.setBuddy(self.editor)
        self._layout.addWidget(self.editor)
        self.setFocusProxy(self.editor)

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
        self._show_whether_known()

    def is_answered(self) -> bool:
        return bool((self._saved or "").strip())

    def flush(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text == (self._saved or "").strip():
            return
        if not text and not self.question.required and self._saved is None:
            return
        self._saved_before_offer, self._saved = self._saved, text
        self.sig_answered.emit(self.question.id, text)
        self._show_whether_known()

    # -- the people the station knows (an interpreter, an observer) ----------------------
    def offer_known(self, kind: str, names: list[str],
                    add: Callable[[str], str | None]) -> None:
        """Offer these names as the interviewer types (any part of a name matches), and,
        for a name the station does not know, a button that adds it: ``add`` returns None,
        or the sentence that says why not."""
        self._known_kind, self._add_known = kind, add
        self._known = {_name_key(name) for name in names}
        self._known_names = QStringListModel(sorted(set(names), key=str.casefold), self)
        completer = QCompleter(self._known_names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(lambda _text: self.flush())
        self.editor.setCompleter(completer)
        self.add_known_button = QPushButton()
        self.add_known_button.clicked.connect(self._on_add_known)
        self.known_note = QLabel("")
        self.known_note.setWordWrap(True)
        self.known_note.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        row.addWidget(self.add_known_button)
        row.addWidget(self.known_note, 1)
        self._layout.addLayout(row)
        self._show_whether_known()

    def _show_whether_known(self) -> None:
        if not hasattr(self, "add_known_button"):
            return
        name = " ".join(self.text().split())
        unknown = bool(name) and _name_key(name) not in self._known
        # "&" would make the next letter a shortcut; the name is shown as typed.
        singular, plural = _kind_words(self._known_kind)
        self.add_known_button.setText(self.tr("Add “{name}” to the station's {kinds}").format(
            name=name.replace("&", "&&"), kinds=plural))
        self.add_known_button.setVisible(unknown)
        if unknown:
            self.known_note.setText(
                self.tr("This {kind} is not on the station's list.").format(kind=singular))
        elif not name:
            self.known_note.setText("")
        self.known_note.setVisible(bool(self.known_note.text()))

    def _on_add_known(self) -> None:
        self.flush()
        name = " ".join(self.text().split())
        refused = self._add_known(name)
        if refused:
            self.known_note.setText(refused)
            self.known_note.setVisible(True)
            return
        self._known.add(_name_key(name))
        self._known_names.setStringList(
            sorted({*self._known_names.stringList(), name}, key=str.casefold))
        self.known_note.setText(self.tr("Added: {name} is now one of the station's {kinds}.")
                                .format(name=name, kinds=_kind_words(self._known_kind)[1]))
        self.add_known_button.setVisible(False)

    def save_failed(self) -> None:
        # The text stays on screen as typed; the next pause, Next or leaving the field
        # offers it again instead of taking it for saved.
        self._saved = self._saved_before_offer

    def focusOutEvent(self, event) -> None:
        self.flush()
        super().focusOutEvent(event)

    def focus_first(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)


class SignatureQuestion(QuestionWidget):
    """The pad (or the thumbprint option, where the protocol allows one for this signer)
    and an Accept button. Once accepted, the signature is shown as recorded: the pad is
    read-only and "Sign again" replaces it with a new one."""

    sig_signed = Signal(str, object)  # question id, SignatureResult

    def __init__(self, question: Question, parent=None):
        super().__init__(question, parent)
        self.field = SignatureField(question.prompt.get("en"), with_name=False,
                                    allow_thumbprint=question.thumbprint)
        # The question's own prompt already names the signer.
        self.field.title_label.setVisible(False)
        self._layout.addWidget(self.field)
        row = QHBoxLayout()
        self.accept_button = QPushButton(self.tr("Accept si&gnature"))
        self.accept_button.setAutoDefault(False)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        row.addWidget(self.accept_button)
        row.addWidget(self.status_label, 1)
        self._layout.addLayout(row)
        self.accept_button.clicked.connect(self._on_accept)
        self.field.sig_changed.connect(self._on_field_changed)
        self._recorded = False
        self.setFocusProxy(self.field)

    def set_value(self, value) -> None:
        """The answer holds only the mode; ``show_recorded`` brings back the strokes."""
        recorded = isinstance(value, dict) and bool(value.get("mode"))
        if recorded and not self._recorded:
            self.field.show_recorded(value["mode"], None)
        self._show_state(value["mode"] if recorded else None)

    def show_recorded(self, mode: str, strokes: list | None) -> None:
        """A signature given earlier (a resumed interview): drawn again from its vectors,
        or the thumbprint box ticked, and kept until "Sign again"."""
        self.field.show_recorded(mode, strokes)
        self._show_state(mode)

    def is_answered(self) -> bool:
        return self._recorded

    def _show_state(self, mode: str | None) -> None:
        self._recorded = mode is not None
        if mode is None:
            self.status_label.setText("")
            self.accept_button.setText(self.tr("Accept si&gnature"))
            return
        how = {"signature": self.tr("signed"),
               "thumbprint": self.tr("thumbprint to be taken on the form"),
               "on_paper": self.tr("signed on paper")}.get(mode, mode)
        self.status_label.setText(self.tr("✓ Recorded: {how}.").format(how=how))
        self.accept_button.setText(self.tr("Sign a&gain"))

    def _on_accept(self) -> None:
        if self._recorded:
            # "Sign again": an empty pad for a new signature; the recorded one stays in
            # the record until a new one is accepted.
            self.field.start_again()
            self.accept_button.setText(self.tr("Accept si&gnature"))
            self.status_label.setText(self.tr("Sign on the pad, then accept the new signature."))
            self._recorded = False
            return
        problem = self.field.validate()
        if problem:
            self.status_label.setText(problem)
            return
        self.sig_signed.emit(self.question.id, self.field.result())

    def _on_field_changed(self) -> None:
        if not self._recorded:
            self.status_label.setText("")

    def focus_first(self) -> None:
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)


def yes_no_options() -> list[tuple[str, str, dict]]:
    return [(value, en, {"ko": ko, "zh": zh}) for value, en, ko, zh in YES_NO]


# -- one kind of question each (protocol/kinds.py declares the kinds) -------------------------
# How each kind is asked (WIDGETS) and how its answer reads on the review page
# (ANSWER_HTML); tests/protocol/test_question_kinds.py fails while a kind lacks either.

def _yes_no_widget(question: Question, options: list[Option], *, large: bool,
                   parent: QWidget | None) -> QuestionWidget:
    return OptionsQuestion(question, yes_no_options(), parent=parent)


def _single_choice_widget(question: Question, options: list[Option], *, large: bool,
                          parent: QWidget | None) -> QuestionWidget:
    return OptionsQuestion(question, [(o.id, o.label.get("en"), o.label.as_dict())
                                      for o in options], large=large, parent=parent)


def _scale_widget(question: Question, options: list[Option], *, large: bool,
                  parent: QWidget | None) -> QuestionWidget:
    labels = []
    for value in range(question.min or 1, (question.max or 5) + 1):
        end = (question.min_label if value == question.min else
               question.max_label if value == question.max else None)
        # The number key is the value's own number: only the ends have words.
        labels.append((value, end.get("en") if end else f"{value}",
                       end.as_dict() if end else None))
    return OptionsQuestion(question, labels, parent=parent)


def _multi_choice_widget(question: Question, options: list[Option], *, large: bool,
                         parent: QWidget | None) -> QuestionWidget:
    return MultiChoiceQuestion(question, options, parent)


def _text_widget(question: Question, options: list[Option], *, large: bool,
                 parent: QWidget | None) -> QuestionWidget:
    return TextQuestion(question, parent)


def _signature_widget(question: Question, options: list[Option], *, large: bool,
                      parent: QWidget | None) -> QuestionWidget:
    return SignatureQuestion(question, parent)


WIDGETS: dict[str, Callable[..., QuestionWidget]] = {
    "yes_no": _yes_no_widget,
    "single_choice": _single_choice_widget,
    "multi_choice": _multi_choice_widget,
    "text": _text_widget,
    "scale": _scale_widget,
    "signature": _signature_widget,
}


def build_question_widget(question: Question, options: list[Option], *, large: bool = False,
                          parent: QWidget | None = None) -> QuestionWidget:
    return WIDGETS[question.kind](question, options, large=large, parent=parent)


# Translated where shown (the interface's language is installed after this import).
SIGNATURE_MODE_LABELS = {
    "thumbprint": QT_TRANSLATE_NOOP("ReviewPage", "Thumbprint (on the paper form)"),
    "on_paper": QT_TRANSLATE_NOOP("ReviewPage", "Signed on paper"),
    "signature": QT_TRANSLATE_NOOP("ReviewPage", "Signed")}


def answer_html(protocol: Protocol, question: Question, value,
                signature_images: dict[str, bytes]) -> str:
    """An answer as the review page shows it (escaped HTML): a dash when unanswered."""
    if value is None or value == "" or value == []:
        return "<span style='color:#888'>—</span>"
    return ANSWER_HTML[question.kind](protocol, question, value, signature_images)


def _yes_no_html(protocol: Protocol, question: Question, value, images) -> str:
    return html.escape(yes_no_label(value) if value in ("yes", "no") else str(value))


def _single_choice_html(protocol: Protocol, question: Question, value, images) -> str:
    return html.escape(protocol.option_label(question.id, value, interface_language()))


def _multi_choice_html(protocol: Protocol, question: Question, value, images) -> str:
    return html.escape(", ".join(protocol.option_label(question.id, v, interface_language())
                                 for v in value))


def _text_html(protocol: Protocol, question: Question, value, images) -> str:
    return html.escape(str(value)).replace("\n", "<br>")


def _signature_html(protocol: Protocol, question: Question, value, images) -> str:
    image = images.get(value.get("signature_id", ""))
    if image:
        data = base64.b64encode(image).decode("ascii")
        return f"<img src='data:image/png;base64,{data}' height='60'>"
    return html.escape(translate("ReviewPage", SIGNATURE_MODE_LABELS.get(
        value.get("mode"), SIGNATURE_MODE_LABELS["signature"])))


ANSWER_HTML: dict[str, Callable[..., str]] = {
    "yes_no": _yes_no_html,
    "single_choice": _single_choice_html,
    "multi_choice": _multi_choice_html,
    "text": _text_html,
    "scale": _text_html,  # the number itself
    "signature": _signature_html,
}

