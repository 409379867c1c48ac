"""The signature pad and the signature field, driven with real mouse, pen and touch events."""

import math

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QInputDevice,
    QMouseEvent,
    QPointingDevice,
    QTabletEvent,
    qGray,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget

from screening_app.domain.errors import UserError
from screening_app.ui.signature_field import NAME_MISSING, THUMBPRINT_NOTE, SignatureField
from screening_app.ui.signature_pad import (
    EMPTY_REASON,
    NO_PRESSURE,
    TOO_SMALL_REASON,
    SignaturePad,
)

LEFT = Qt.MouseButton.LeftButton
NO_BUTTON = Qt.MouseButton.NoButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier

# A signature-like wave across most of a 600 x 200 pad, in widget pixels.
WAVE = [(40 + i * 10, round(110 + 40 * math.sin(i / 3))) for i in range(50)]


@pytest.fixture
def pad(qtbot) -> SignaturePad:
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(600, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def stylus() -> QPointingDevice:
    device = QPointingDevice(
        "test stylus", 4001, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2)
    yield device
    device.deleteLater()


@pytest.fixture(scope="module")
def touch_screen() -> QPointingDevice:
    return QTest.createTouchDevice()


# -- input helpers ---------------------------------------------------------------------------
def mouse_drag(widget: QWidget, points, device: QPointingDevice | None = None) -> None:
    """Press, move with the left button held, release. QTest.mouseMove cannot hold a button,
    so the moves are sent as QMouseEvents."""
    first, last = points[0], points[-1]
    QTest.mousePress(widget, LEFT, NO_MODIFIER, QPoint(round(first[0]), round(first[1])))
    for x, y in points[1:]:
        position = QPointF(x, y)
        extra = (device,) if device is not None else ()
        move = QMouseEvent(QEvent.Type.MouseMove, position, widget.mapToGlobal(position),
                           NO_BUTTON, LEFT, NO_MODIFIER, *extra)
        QApplication.sendEvent(widget, move)
    QTest.mouseRelease(widget, LEFT, NO_MODIFIER, QPoint(round(last[0]), round(last[1])))


def send_tablet(widget: QWidget, device: QPointingDevice, kind: QEvent.Type, x: float,
                y: float, pressure: float) -> QTabletEvent:
    position = QPointF(x, y)
    down = kind != QEvent.Type.TabletRelease
    event = QTabletEvent(kind, device, position, widget.mapToGlobal(position), pressure,
                         0.0, 0.0, 0.0, 0.0, 0.0, NO_MODIFIER,
                         NO_BUTTON if kind == QEvent.Type.TabletMove else LEFT,
                         LEFT if down else NO_BUTTON)
    QApplication.sendEvent(widget, event)
    return event


def pen_stroke(widget: QWidget, device: QPointingDevice, points, pressures) -> list[bool]:
    """Pen down, moves, pen up where the last move was (with no pressure, as a tablet
    reports it); returns whether each tablet event was accepted."""
    kinds = [QEvent.Type.TabletPress] + [QEvent.Type.TabletMove] * (len(points) - 1)
    events = [send_tablet(widget, device, kind, x, y, pressure)
              for kind, (x, y), pressure in zip(kinds, points, pressures, strict=True)]
    events.append(send_tablet(widget, device, QEvent.Type.TabletRelease, *points[-1], 0.0))
    return [event.isAccepted() for event in events]


def touch_drag(widget: QWidget, device: QPointingDevice, points) -> None:
    def point(xy) -> QPoint:
        return QPoint(round(xy[0]), round(xy[1]))

    QTest.touchEvent(widget, device, False).press(0, point(points[0]), widget).commit()
    for xy in points[1:]:
        QTest.touchEvent(widget, device, False).move(0, point(xy), widget).commit()
    QTest.touchEvent(widget, device, False).release(0, point(points[-1]), widget).commit()


def two_finger_drag(widget: QWidget, device: QPointingDevice, ys: list[int]) -> None:
    sequence = QTest.touchEvent(widget, device, False)
    sequence.press(0, QPoint(150, ys[0]), widget)
    sequence.press(1, QPoint(250, ys[0]), widget)
    sequence.commit()
    for y in ys[1:]:
        sequence = QTest.touchEvent(widget, device, False)
        sequence.move(0, QPoint(150, y), widget)
        sequence.move(1, QPoint(250, y), widget)
        sequence.commit()
    sequence = QTest.touchEvent(widget, device, False)
    sequence.release(0, QPoint(150, ys[-1]), widget)
    sequence.release(1, QPoint(250, ys[-1]), widget)
    sequence.commit()


def is_dark(image: QImage, x: float, y: float, radius: int = 2) -> bool:
    """Any dark pixel within ``radius`` of (x, y): ink is a few pixels wide and smoothed."""
    cx, cy = round(x), round(y)
    return any(qGray(image.pixel(px, py)) < 110
               for px in range(cx - radius, cx + radius + 1)
               for py in range(cy - radius, cy + radius + 1)
               if 0 <= px < image.width() and 0 <= py < image.height())


def normalised(x: float, y: float, width: float = 600, height: float = 200) -> tuple:
    return (round(x / width, 4), round(y / height, 4))


# -- mouse -----------------------------------------------------------------------------------
def test_a_mouse_drag_becomes_one_stroke_of_normalised_points(qtbot, pad):
    with qtbot.waitSignal(pad.sig_changed, timeout=1000):
        mouse_drag(pad, WAVE)

    strokes = pad.strokes()
    assert len(strokes) == 1
    stroke = strokes[0]
    assert len(stroke) == len(WAVE)
    assert [point[:2] for point in stroke] == [normalised(x, y) for x, y in WAVE]
    assert all(pressure == NO_PRESSURE for _, _, pressure in stroke)
    assert not pad.is_empty()


def test_the_right_button_draws_nothing(qtbot, pad):
    with qtbot.assertNotEmitted(pad.sig_changed):
        QTest.mousePress(pad, Qt.MouseButton.RightButton, NO_MODIFIER, QPoint(100, 100))
        QTest.mouseRelease(pad, Qt.MouseButton.RightButton, NO_MODIFIER, QPoint(100, 100))
    assert pad.is_empty()


def test_the_png_has_ink_where_the_stroke_went_and_nowhere_else(pad):
    mouse_drag(pad, WAVE)
    image = QImage()
    assert image.loadFromData(pad.render_png())
    assert (image.width(), image.height()) == (600, 200)
    for x, y in WAVE[::7]:
        assert is_dark(image, x, y)
    assert not is_dark(image, 300, 15, radius=10)  # above the wave
    assert QColor(image.pixel(0, 0)) == QColor("white")

    small = QImage()
    assert small.loadFromData(pad.render_png(300, 100))
    assert (small.width(), small.height()) == (300, 100)
    assert all(is_dark(small, x / 2, y / 2) for x, y in WAVE[::7])


def test_the_png_is_the_same_for_the_same_strokes(qtbot, pad):
    mouse_drag(pad, WAVE)
    other = SignaturePad()
    qtbot.addWidget(other)
    other.set_strokes(pad.strokes())
    assert pad.render_png() == pad.render_png() == other.render_png()
    other.undo_last_stroke()
    assert other.render_png() != pad.render_png()


# -- pen -------------------------------------------------------------------------------------
def test_a_pen_stroke_keeps_its_pressure(qtbot, pad, stylus):
    points = WAVE[:20]
    pressures = [round(0.2 + i * 0.035, 4) for i in range(len(points))]
    with qtbot.waitSignal(pad.sig_changed, timeout=1000):
        accepted = pen_stroke(pad, stylus, points, pressures)

    # Accepted tablet events are the ones Qt does not turn into mouse events.
    assert all(accepted)
    (stroke,) = pad.strokes()
    assert [point[:2] for point in stroke] == [normalised(x, y) for x, y in points]
    assert [point[2] for point in stroke] == pressures


def test_mouse_events_made_from_the_pen_do_not_draw_a_second_stroke(qtbot, pad, stylus):
    pen_stroke(pad, stylus, WAVE, [0.6] * len(WAVE))
    assert len(pad.strokes()) == 1

    # What Qt or the system would deliver for the same pen movement as mouse input.
    with qtbot.assertNotEmitted(pad.sig_changed):
        for x, y in (WAVE[0], WAVE[-1]):
            position = QPointF(x, y)
            QApplication.sendEvent(pad, QMouseEvent(
                QEvent.Type.MouseButtonPress, position, pad.mapToGlobal(position), LEFT, LEFT,
                NO_MODIFIER, stylus))
            QApplication.sendEvent(pad, QMouseEvent(
                QEvent.Type.MouseButtonRelease, position, position, position, LEFT, NO_BUTTON,
                NO_MODIFIER, Qt.MouseEventSource.MouseEventSynthesizedBySystem))
    assert len(pad.strokes()) == 1


def test_a_pen_hovering_draws_nothing(qtbot, pad, stylus):
    with qtbot.assertNotEmitted(pad.sig_changed):
        for x, y in WAVE[:10]:
            hover = QTabletEvent(QEvent.Type.TabletMove, stylus, QPointF(x, y), QPointF(x, y),
                                 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, NO_MODIFIER, NO_BUTTON,
                                 NO_BUTTON)
            QApplication.sendEvent(pad, hover)
            assert hover.isAccepted()
    assert pad.is_empty()


# -- touch -----------------------------------------------------------------------------------
def test_a_one_finger_touch_becomes_a_stroke_and_stays_in_the_pad(qtbot, touch_screen):
    seen_by_parent: list[QEvent.Type] = []

    class Parent(QWidget):
        def event(self, event):
            if event.type() in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
                                QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove):
                seen_by_parent.append(event.type())
            return super().event(event)

    parent = Parent()
    parent.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
    layout = QVBoxLayout(parent)
    pad = SignaturePad()
    layout.addWidget(pad)
    layout.addStretch()
    qtbot.addWidget(parent)
    parent.resize(640, 300)
    parent.show()
    qtbot.waitExposed(parent)
    paper = pad.paper_rect()

    points = [(40 + i * 12, 60 + i * 3) for i in range(30)]
    with qtbot.waitSignal(pad.sig_changed, timeout=1000):
        touch_drag(pad, touch_screen, points)

    (stroke,) = pad.strokes()
    assert [point[:2] for point in stroke] == [
        normalised(x, y - paper.y(), paper.width(), paper.height()) for x, y in points]
    assert seen_by_parent == []


def scroll_area_with_pad(qtbot) -> tuple[QScrollArea, SignaturePad]:
    area = QScrollArea()
    area.setWidgetResizable(True)
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.addWidget(QLabel("Signatures"))
    pad = SignaturePad()
    layout.addWidget(pad)
    layout.addStretch()
    body.setMinimumHeight(3000)
    area.setWidget(body)
    qtbot.addWidget(area)
    area.resize(700, 500)
    area.show()
    qtbot.waitExposed(area)
    return area, pad


def test_two_fingers_on_the_pad_neither_draw_nor_scroll_the_page(qtbot, touch_screen):
    area, pad = scroll_area_with_pad(qtbot)
    before = area.verticalScrollBar().value()
    with qtbot.assertNotEmitted(pad.sig_changed):
        two_finger_drag(pad, touch_screen, list(range(180, 20, -5)))
    assert pad.is_empty()
    assert area.verticalScrollBar().value() == before


def test_a_second_finger_joining_a_stroke_takes_it_back(qtbot, pad, touch_screen):
    QTest.touchEvent(pad, touch_screen, False).press(0, QPoint(100, 120), pad).commit()
    for x in range(110, 200, 10):
        QTest.touchEvent(pad, touch_screen, False).move(0, QPoint(x, 120), pad).commit()
    with qtbot.assertNotEmitted(pad.sig_changed):
        sequence = QTest.touchEvent(pad, touch_screen, False)
        sequence.stationary(0)
        sequence.press(1, QPoint(300, 120), pad)
        sequence.commit()
        for y in range(110, 40, -10):
            sequence = QTest.touchEvent(pad, touch_screen, False)
            sequence.move(0, QPoint(200, y), pad)
            sequence.move(1, QPoint(300, y), pad)
            sequence.commit()
        sequence = QTest.touchEvent(pad, touch_screen, False)
        sequence.release(0, QPoint(200, 50), pad)
        sequence.release(1, QPoint(300, 50), pad)
        sequence.commit()
    assert pad.is_empty()
    assert not is_dark(pad.grab().toImage(), 150, 120, radius=6)


def test_a_read_only_pad_lets_two_fingers_scroll_the_page(qtbot, touch_screen):
    area, pad = scroll_area_with_pad(qtbot)
    pad.set_read_only(True)
    before = area.verticalScrollBar().value()
    two_finger_drag(pad, touch_screen, list(range(180, 20, -5)))
    assert area.verticalScrollBar().value() > before
    assert pad.is_empty()


# -- is it a signature? ------------------------------------------------------------------------
def test_an_empty_pad_is_refused(pad):
    assert pad.is_sufficient() == (False, EMPTY_REASON)
    assert pad.ink_length() == 0


def test_a_dot_is_refused(pad):
    QTest.mouseClick(pad, LEFT, NO_MODIFIER, QPoint(300, 120))
    assert len(pad.strokes()) == 1
    assert pad.is_sufficient() == (False, TOO_SMALL_REASON)


def test_a_tiny_scribble_is_refused_however_long_the_ink(pad):
    scribble = [(300 + 12 * math.sin(i), 120 + 10 * math.cos(i * 1.7)) for i in range(80)]
    mouse_drag(pad, scribble)
    assert len(pad.strokes()[0]) >= 10
    assert pad.ink_length() > 1.0
    assert pad.is_sufficient() == (False, TOO_SMALL_REASON)


def test_a_real_sized_signature_is_accepted(pad):
    mouse_drag(pad, WAVE)
    assert pad.is_sufficient() == (True, "")
    # The wave spans 490 px of 600 and swings 80 px of 200 up and down.
    assert 1.5 < pad.ink_length() < 4.0


def test_a_short_straight_line_is_refused(pad):
    mouse_drag(pad, [(100 + i * 3, 120) for i in range(12)])  # 33 px of a 600 px pad
    assert pad.is_sufficient() == (False, TOO_SMALL_REASON)


# -- clear, undo, keys -------------------------------------------------------------------------
def draw_three_strokes(pad: SignaturePad) -> None:
    for offset in (0, 30, 60):
        mouse_drag(pad, [(x, y + offset - 40) for x, y in WAVE[:15]])
    assert len(pad.strokes()) == 3


def test_undo_takes_back_the_last_stroke_and_clear_takes_all(qtbot, pad):
    draw_three_strokes(pad)
    first_two = pad.strokes()[:2]
    with qtbot.waitSignal(pad.sig_changed, timeout=1000):
        pad.undo_last_stroke()
    assert pad.strokes() == first_two
    with qtbot.waitSignal(pad.sig_changed, timeout=1000):
        pad.clear()
    assert pad.is_empty()
    with qtbot.assertNotEmitted(pad.sig_changed):
        pad.undo_last_stroke()
        pad.clear()


LEFT_HALF = [(40 + i * 10, 100) for i in range(20)]  # x 40 .. 230
RIGHT_HALF = [(360 + i * 10, 100) for i in range(20)]  # x 360 .. 550


def test_the_screen_follows_undo_and_clear(pad):
    mouse_drag(pad, LEFT_HALF)
    mouse_drag(pad, RIGHT_HALF)
    screen = pad.grab().toImage()
    assert is_dark(screen, 100, 100) and is_dark(screen, 450, 100)

    pad.undo_last_stroke()
    screen = pad.grab().toImage()
    assert is_dark(screen, 100, 100)
    assert not is_dark(screen, 450, 100, radius=6)

    pad.clear()
    screen = pad.grab().toImage()
    assert not is_dark(screen, 100, 100, radius=6)


def dark_pixels(image: QImage) -> set[tuple[int, int]]:
    return {(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
            if qGray(image.pixel(x, y)) < 110}


def test_ink_drawn_live_looks_the_same_as_the_saved_strokes_shown_again(qtbot, pad):
    mouse_drag(pad, WAVE)
    live = dark_pixels(pad.grab().toImage())
    shown = SignaturePad()
    qtbot.addWidget(shown)
    shown.resize(600, 200)
    shown.set_strokes(pad.strokes())
    shown.setFocus()  # the same border as the pad that was just drawn on
    again = dark_pixels(shown.grab().toImage())
    assert len(live) > 300
    assert len(live ^ again) < len(live) * 0.05


def test_ctrl_z_undoes_and_delete_or_backspace_clears(qtbot, pad):
    draw_three_strokes(pad)
    first_two = pad.strokes()[:2]
    with qtbot.waitSignal(pad.sig_changed, timeout=1000):
        QTest.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pad.strokes() == first_two
    QTest.keyClick(pad, Qt.Key.Key_Delete)
    assert pad.is_empty()

    draw_three_strokes(pad)
    QTest.keyClick(pad, Qt.Key.Key_Backspace)
    assert pad.is_empty()


def test_the_pad_takes_the_focus_when_signed_with_a_pen(qtbot, stylus):
    window = QWidget()
    layout = QVBoxLayout(window)
    other = QLabel("elsewhere")
    other.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    pad = SignaturePad()
    layout.addWidget(other)
    layout.addWidget(pad)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    other.setFocus()
    assert not pad.hasFocus()
    pen_stroke(pad, stylus, WAVE[:5], [0.5] * 5)
    # So that Delete and Ctrl+Z reach it straight after signing.
    assert pad.hasFocus()
    assert pad.accessibleName() == "Signature pad"


# -- showing a saved signature ---------------------------------------------------------------
def test_saved_strokes_show_read_only_and_ignore_every_input(qtbot, pad, stylus, touch_screen):
    saved = [[(0.1, 0.5, 0.5), (0.5, 0.3, 0.7), (0.9, 0.6, 0.4)]]
    with qtbot.waitSignal(pad.sig_changed, timeout=1000):
        pad.set_strokes(saved)
    pad.set_read_only(True)
    assert pad.strokes() == saved

    with qtbot.assertNotEmitted(pad.sig_changed):
        mouse_drag(pad, WAVE)
        pen_stroke(pad, stylus, WAVE[:10], [0.5] * 10)
        touch_drag(pad, touch_screen, WAVE[:10])
        QTest.keyClick(pad, Qt.Key.Key_Delete)
        QTest.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pad.strokes() == saved

    shown = pad.grab().toImage()
    # The curve runs through the midpoints between the saved points.
    assert is_dark(shown, 0.3 * 600, 0.4 * 200)
    assert is_dark(shown, 0.7 * 600, 0.45 * 200)
    assert pad.accessibleDescription().startswith("1 stroke drawn.")


def test_set_strokes_names_the_bad_point(pad):
    with pytest.raises(UserError, match=r"^Point 2 of stroke 1 of the saved signature"):
        pad.set_strokes([[(0.1, 0.1, 0.5), (1.7, 0.2, 0.5)]])
    with pytest.raises(UserError, match=r"^Stroke 2 of the saved signature is not a list"):
        pad.set_strokes([[(0.1, 0.1, 0.5)], "scribble"])
    assert pad.is_empty()


# -- size --------------------------------------------------------------------------------------
def test_resizing_keeps_the_strokes_and_moves_the_ink_with_the_pad(pad):
    mouse_drag(pad, WAVE)
    drawn = pad.strokes()

    pad.resize(300, 100)
    assert pad.strokes() == drawn
    smaller = pad.grab().toImage()
    assert all(is_dark(smaller, x / 2, y / 2) for x, y in WAVE[::7])

    # Other proportions: the writing area stays 3:1, centred, and the ink is not stretched.
    pad.resize(600, 300)
    assert pad.strokes() == drawn
    paper = pad.paper_rect()
    assert (paper.width(), paper.height(), paper.y()) == (600, 200, 50)
    taller = pad.grab().toImage()
    assert all(is_dark(taller, x, y + 50) for x, y in WAVE[::7])


# -- the signature field -----------------------------------------------------------------------
@pytest.fixture
def field(qtbot) -> SignatureField:
    widget = SignatureField("Signature of the interpreter", with_name=True)
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_field_explains_what_is_missing(qtbot, field):
    assert field.title_label.text() == "Signature of the interpreter"
    assert field.validate() == EMPTY_REASON
    assert field.result() is None

    QTest.mouseClick(field.pad, LEFT, NO_MODIFIER, QPoint(200, 100))
    assert field.validate() == TOO_SMALL_REASON

    field.pad.clear()
    mouse_drag(field.pad, WAVE)
    assert field.validate() == NAME_MISSING
    assert field.result() is None

    with qtbot.waitSignal(field.sig_changed, timeout=1000):
        QTest.keyClicks(field.name_edit, "  Pak Chol  ")
    assert field.validate() is None
    result = field.result()
    assert result.mode == "signature"
    assert result.signer_name == "Pak Chol"
    assert [list(stroke) for stroke in result.strokes] == field.pad.strokes()
    image = QImage()
    assert image.loadFromData(result.png)
    x, y, _ = result.strokes[0][25]
    assert is_dark(image, x * 600, y * 200)


def test_a_field_without_a_name_line_needs_only_the_signature(qtbot):
    field = SignatureField("Signature of the person interviewed")
    qtbot.addWidget(field)
    field.resize(700, 400)
    field.show()
    qtbot.waitExposed(field)
    assert not field.name_edit.isVisible()
    mouse_drag(field.pad, WAVE)
    assert field.validate() is None
    assert field.result().signer_name is None


def test_thumbprint_mode_disables_the_pad_and_gives_no_image(qtbot, field):
    mouse_drag(field.pad, WAVE)
    field.name_edit.setText("Kim Il")
    with qtbot.waitSignal(field.sig_changed, timeout=1000):
        field.thumbprint_box.setChecked(True)

    assert not field.pad.isEnabled()
    x, y, _ = field.pad.strokes()[0][25]
    paper = field.pad.paper_rect()
    greyed = field.pad.grab().toImage()
    assert not is_dark(greyed, x * paper.width(), y * paper.height() + paper.y())
    assert field.thumbprint_note.isVisible()
    assert field.thumbprint_note.text() == THUMBPRINT_NOTE
    assert not field.clear_button.isEnabled()
    assert field.validate() is None
    result = field.result()
    assert (result.mode, result.strokes, result.png, result.signer_name) == (
        "thumbprint", (), None, "Kim Il")
    with qtbot.assertNotEmitted(field.pad.sig_changed):
        mouse_drag(field.pad, [(x, y - 40) for x, y in WAVE])

    # Unticking it by mistake loses nothing that was drawn.
    field.thumbprint_box.setChecked(False)
    assert field.pad.isEnabled()
    assert not field.thumbprint_note.isVisible()
    assert field.result().mode == "signature"
    assert len(field.pad.strokes()) == 1


def test_the_buttons_clear_and_undo_and_are_off_when_there_is_nothing(qtbot, field):
    assert not field.clear_button.isEnabled()
    assert not field.undo_button.isEnabled()
    draw_three_strokes(field.pad)
    assert field.undo_button.isEnabled()
    QTest.mouseClick(field.undo_button, LEFT)
    assert len(field.pad.strokes()) == 2
    QTest.mouseClick(field.clear_button, LEFT)
    assert field.pad.is_empty()
    assert not field.clear_button.isEnabled()


def test_the_field_mnemonics_work_and_leave_alt_n_and_alt_b_to_the_wizard(qtbot, field):
    texts = [field.clear_button.text(), field.undo_button.text(),
             field.thumbprint_box.text()]
    letters = {text[text.index("&") + 1].lower() for text in texts}
    assert letters == {"c", "u", "h"}
    assert not letters & {"n", "b"}

    field.activateWindow()
    assert QTest.qWaitForWindowActive(field)
    draw_three_strokes(field.pad)
    # A mnemonic "animates" the click: the button reports it a moment later.
    with qtbot.waitSignal(field.undo_button.clicked, timeout=2000):
        QTest.keyClick(field.pad, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert len(field.pad.strokes()) == 2
    with qtbot.waitSignal(field.clear_button.clicked, timeout=2000):
        QTest.keyClick(field.pad, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert field.pad.is_empty()
    with qtbot.waitSignal(field.thumbprint_box.toggled, timeout=2000):
        QTest.keyClick(field.pad, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert field.thumbprint_box.isChecked()


def test_the_pad_in_a_field_keeps_its_proportions(qtbot, field):
    for width in (500, 700, 1200):
        field.resize(width, 600)
        field.layout().activate()
        paper = field.pad.paper_rect()
        assert abs(paper.width() / paper.height() - 3.0) < 0.02
        assert abs(field.pad.height() - paper.height()) <= 1
