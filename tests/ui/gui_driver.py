"""Driving the interview wizard through its real widgets, as a person at the keyboard
and mouse would: number keys for options, typing for text, mouse strokes for signatures."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from screening_app.ui.question_widgets import (
    MultiChoiceQuestion,
    OptionsQuestion,
    SignatureQuestion,
    TextQuestion,
)


def type_text(qtbot, widget, text: str) -> None:
    """Type as a person would: Latin letters key by key, Hangul and Hanzi committed by the
    input method (which is how they reach a widget from a Korean or Chinese keyboard)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def draw_signature(pad, strokes=3) -> None:
    """Press, drag and release the left button across the pad, a few times."""
    width, height = pad.width(), pad.height()
    for n in range(strokes):
        y = int(height * (0.35 + 0.15 * n))
        points = [QPoint(int(width * (0.1 + 0.06 * i)), y + (12 if i % 2 else -12))
                  for i in range(12)]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         points[0])
        for point in points[1:]:
            event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(point),
                                QPointF(pad.mapToGlobal(point)), Qt.MouseButton.NoButton,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(pad, event)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           points[-1])


def answer_question(qtbot, widget, value) -> None:
    if isinstance(widget, OptionsQuestion):
        number = [option[0] for option in widget._options].index(value) + 1
        widget.focus_first()
        # The key goes where the keyboard focus is, as a person's key press would.
        QTest.keyClick(QApplication.focusWidget(), str(number)[0]) if number < 10 \
            else widget.choose_number(number)
    elif isinstance(widget, MultiChoiceQuestion):
        widget.focus_first()
        for option_value in value:
            number = [o.id for o in widget._options].index(option_value) + 1
            QTest.keyClick(QApplication.focusWidget(), str(number))
    elif isinstance(widget, TextQuestion):
        widget.editor.setFocus()
        for number, line in enumerate(value.split("\n")):
            if number:
                QTest.keyClick(widget.editor, Qt.Key.Key_Return)  # a new line in the field
            qtbot.keyClicks(widget.editor, line)
        widget.flush()
    elif isinstance(widget, SignatureQuestion):
        draw_signature(widget.field.pad)
        qtbot.mouseClick(widget.accept_button, Qt.MouseButton.LeftButton)
    else:  # pragma: no cover
        raise AssertionError(f"no driver for {type(widget).__name__}")


def answer_current_step(qtbot, wizard, answers: dict) -> None:
    page = wizard.step_pages[wizard.current_step]
    for question in wizard.interview.engine.visible_questions(wizard.current_step):
        if question.id in answers:
            answer_question(qtbot, page.questions[question.id], answers[question.id])


def press_enter(wizard) -> None:
    """Enter where the keyboard focus is; the wizard takes it as Next (or Finalise)."""
    QTest.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
