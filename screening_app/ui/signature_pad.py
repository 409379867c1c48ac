"""The signature pad: ink from a mouse, a pen (tablet) or one finger, kept as vectors.

Every point is stored as ``(x, y, pressure)`` with x and y normalised to 0..1 of the pad
(4 decimals), so a record keeps what was drawn whatever the window size. The pad keeps
3:1 proportions, the same as the PNG printed on the form, so the ink is not stretched
between what the person saw and what is printed.

Input from each device is taken once: tablet and touch events are accepted so that Qt does
not also turn them into mouse events (a duplicate stroke, or a swipe that scrolls the page),
and mouse events that Qt or the system made from pen or touch input are ignored.
"""

import math
from collections.abc import Iterable, Sequence

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QFont,
    QImage,
    QInputDevice,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPointingDevice,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from screening_app.domain.errors import UserError

Point = tuple[float, float, float]
Stroke = list[Point]

PAD_ASPECT = 3.0  # width / height, the same as the default PNG (600 x 200)
NO_PRESSURE = 0.5  # mice and most touch screens sense no pressure: the middle ink width
DECIMALS = 4

# What counts as a signature rather than a dot or a tiny scribble.
MIN_POINTS = 10
MIN_EXTENT = 0.08  # of the pad's width; heights are converted with PAD_ASPECT
MIN_INK_LENGTH = 0.2  # normalised units, summed over all strokes

translate = QCoreApplication.translate
# Translated where given out (the interface's language is installed after this import).
EMPTY_REASON = QT_TRANSLATE_NOOP("SignaturePad", "The pad is empty; ask the person to sign.")
TOO_SMALL_REASON = QT_TRANSLATE_NOOP(
    "SignaturePad",
    "The signature is too small to be a signature; clear the pad and sign again.")

PAD_BACKGROUND = QColor("#ffffff")
DISABLED_BACKGROUND = QColor("#f1f1ee")
BORDER = QColor("#c9c9c3")
FOCUS_BORDER = QColor("#5b86b8")
GUIDE = QColor("#b9b9b2")
HINT = QColor("#aeaea6")
SCREEN_INK = QColor("#1c2331")
DISABLED_INK = QColor("#a3a3a0")
PRINT_INK = QColor("#000000")
LINE_AT = 0.74  # the signature line, as a fraction of the pad's height
LINE_MARGIN = 0.06  # of the pad's width, left and right of the line
PNG_DOTS_PER_METRE = 3780  # 96 dpi, fixed so the PNG does not depend on the screen

_NOT_MOUSE = {
    QInputDevice.DeviceType.Stylus,
    QInputDevice.DeviceType.Airbrush,
    QInputDevice.DeviceType.Puck,
    QInputDevice.DeviceType.TouchScreen,
}
_TOUCH_EVENTS = {
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
    QEvent.Type.TouchCancel,
}
_GESTURE_EVENTS = {QEvent.Type.Gesture, QEvent.Type.GestureOverride}
_CLAIMED_GESTURES = (Qt.GestureType.PanGesture, Qt.GestureType.PinchGesture,
                     Qt.GestureType.SwipeGesture)


# -- the strokes as data ---------------------------------------------------------------------
def ink_length(strokes: Iterable[Sequence[Point]]) -> float:
    """Total length of the ink in normalised units (a line across the pad is 1.0)."""
    total = 0.0
    for stroke in strokes:
        for (x0, y0, _), (x1, y1, _) in zip(stroke, stroke[1:], strict=False):
            total += math.hypot(x1 - x0, y1 - y0)
    return total


def sufficiency(strokes: Sequence[Sequence[Point]]) -> tuple[bool, str]:
    """(True, "") for something that can be a signature, else (False, the reason)."""
    points = [point for stroke in strokes for point in stroke]
    if not points:
        return False, translate("SignaturePad", EMPTY_REASON)
    xs = [x for x, _, _ in points]
    ys = [y for _, y, _ in points]
    extent = max(max(xs) - min(xs), (max(ys) - min(ys)) / PAD_ASPECT)
    if len(points) < MIN_POINTS or extent < MIN_EXTENT or ink_length(strokes) < MIN_INK_LENGTH:
        return False, translate("SignaturePad", TOO_SMALL_REASON)
    return True, ""


def checked_strokes(strokes: object) -> list[Stroke]:
    """Saved strokes in the pad's own form, or a UserError naming the first bad point."""
    if not isinstance(strokes, Sequence) or isinstance(strokes, str | bytes):
        raise UserError(translate("SignaturePad", "The saved signature is not a list of strokes."))
    result: list[Stroke] = []
    for stroke_number, stroke in enumerate(strokes, start=1):
        if not isinstance(stroke, Sequence) or isinstance(stroke, str | bytes) or not stroke:
            raise UserError(translate("SignaturePad", "Stroke {number} of the saved signature is"
                                      " not a list of points.").format(number=stroke_number))
        points: Stroke = []
        for point_number, point in enumerate(stroke, start=1):
            if not _is_point(point):
                raise UserError(translate(
                    "SignaturePad", "Point {point} of stroke {stroke} of the saved signature is"
                    " not (x, y, pressure) with numbers from 0 to 1.").format(
                        point=point_number, stroke=stroke_number))
            points.append(tuple(round(float(value), DECIMALS) for value in point))
        result.append(points)
    return result


def _is_point(point: object) -> bool:
    return (isinstance(point, Sequence) and not isinstance(point, str | bytes)
            and len(point) == 3
            and all(isinstance(value, int | float) and not isinstance(value, bool)
                    and 0.0 <= value <= 1.0 for value in point))


# -- drawing the ink -------------------------------------------------------------------------
# A stroke is drawn as a smooth curve through the midpoints between its points, each point
# being the control point of one quadratic piece; the first and last pieces are straight, to
# the stroke's two ends. With n points, pieces 0 .. n-2 are final; the last one (the "tail")
# changes when the next point arrives. The pad draws each piece once, as it becomes final,
# onto a cached layer, so a long signature costs the same per pen movement as a short one.
Piece = tuple[QPointF, QPointF | None, QPointF, float]  # start, control, end, pen width


def ink_base_width(height: float) -> float:
    return max(1.2, height / 75)


def _ink_width(base: float, pressure: float) -> float:
    # Pressure in tenths, so neighbouring pieces usually share a width and one path.
    return base * (0.7 + 0.6 * round(pressure, 1))


def stroke_piece(stroke: Sequence[Point], index: int, width: float, height: float) -> Piece:
    """Piece ``index`` (0 .. len(stroke) - 1) of a stroke of two or more points, scaled."""
    def corner(i: int) -> QPointF:
        return QPointF(stroke[i][0] * width, stroke[i][1] * height)

    def midpoint(i: int) -> QPointF:
        return (corner(i) + corner(i + 1)) / 2

    pen_width = _ink_width(ink_base_width(height), stroke[index][2])
    if index == 0:
        return corner(0), None, midpoint(0), pen_width
    if index == len(stroke) - 1:
        return midpoint(index - 1), None, corner(index), pen_width
    return midpoint(index - 1), corner(index), midpoint(index), pen_width


def ink_pen(colour: QColor, width: float) -> QPen:
    return QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin)


def draw_dot(painter: QPainter, point: Point, width: float, height: float,
             colour: QColor) -> None:
    radius = _ink_width(ink_base_width(height), point[2]) / 2
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(QPointF(point[0] * width, point[1] * height), radius, radius)
    painter.setBrush(Qt.BrushStyle.NoBrush)


def draw_piece(painter: QPainter, piece: Piece, colour: QColor) -> None:
    start, control, end, pen_width = piece
    path = QPainterPath(start)
    if control is None:
        path.lineTo(end)
    else:
        path.quadTo(control, end)
    painter.setPen(ink_pen(colour, pen_width))
    painter.drawPath(path)


def paint_ink(painter: QPainter, strokes: Iterable[Sequence[Point]], width: float,
              height: float, colour: QColor) -> None:
    """Draw whole strokes scaled to ``width`` x ``height``: smooth, round caps and joins, a
    little wider where the pressure was higher. Neighbouring pieces of the same width share
    one path."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        if len(stroke) == 1:
            draw_dot(painter, stroke[0], width, height, colour)
            continue
        path, path_width = None, None
        for index in range(len(stroke)):
            start, control, end, pen_width = stroke_piece(stroke, index, width, height)
            if path is None or pen_width != path_width:
                if path is not None:
                    painter.setPen(ink_pen(colour, path_width))
                    painter.drawPath(path)
                path, path_width = QPainterPath(start), pen_width
            if control is None:
                path.lineTo(end)
            else:
                path.quadTo(control, end)
        if path is not None:
            painter.setPen(ink_pen(colour, path_width))
            painter.drawPath(path)
    painter.restore()


def render_strokes_png(strokes: Iterable[Sequence[Point]], width: int = 600,
                       height: int = 200) -> bytes:
    """The strokes in black on white, antialiased, as PNG bytes; the same strokes always give
    the same bytes."""
    if width < 1 or height < 1:
        raise ValueError(f"a signature image needs a positive size, not {width} x {height}")
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(PAD_BACKGROUND)
    image.setDotsPerMeterX(PNG_DOTS_PER_METRE)
    image.setDotsPerMeterY(PNG_DOTS_PER_METRE)
    painter = QPainter(image)
    paint_ink(painter, strokes, width, height, PRINT_INK)
    painter.end()
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    grey.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


# -- the widget ------------------------------------------------------------------------------
class SignaturePad(QWidget):
    """A white pad with a signature line. Draw with the left mouse button, a pen or one
    finger; Delete or Backspace clears it and Ctrl+Z takes back the last stroke."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self._source: str | None = None  # "mouse", "pen" or "touch" while a stroke is drawn
        self._touch_id: int | None = None
        self._read_only = False
        self._ink_layer: QImage | None = None
        self._ink_layer_key: tuple[float, float, float] = (0.0, 0.0, 0.0)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self._claim_gestures(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(300, 100)
        self.setMaximumSize(960, 320)
        self.setAccessibleName(self.tr("Signature pad"))
        self._describe()

    # -- public API ------------------------------------------------------------------------
    def strokes(self) -> list[list[Point]]:
        """The finished strokes (a stroke still being drawn is not included)."""
        return [list(stroke) for stroke in self._strokes]

    def set_strokes(self, strokes: Sequence[Sequence[Sequence[float]]]) -> None:
        """Show saved strokes (combine with ``set_read_only(True)`` to display a record)."""
        checked = checked_strokes(strokes)
        self._current, self._source, self._touch_id = None, None, None
        self._strokes = checked
        self._forget_ink_layer()
        self._changed()

    def clear(self) -> None:
        self._discard_stroke()
        if self._strokes:
            self._strokes = []
            self._forget_ink_layer()
            self._changed()

    def undo_last_stroke(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self._forget_ink_layer()
            self._changed()

    def set_read_only(self, read_only: bool) -> None:
        """A read-only pad shows its strokes and ignores every kind of input."""
        if read_only:
            self._finish_stroke()
        self._read_only = read_only
        self._claim_gestures(self._accepts_input())
        self.setCursor(Qt.CursorShape.ArrowCursor if read_only else Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus if read_only else Qt.FocusPolicy.StrongFocus)
        self._describe()
        self.update()

    def is_read_only(self) -> bool:
        return self._read_only

    def is_empty(self) -> bool:
        return not self._strokes

    def ink_length(self) -> float:
        return ink_length(self._strokes)

    def is_sufficient(self) -> tuple[bool, str]:
        return sufficiency(self._strokes)

    def render_png(self, width: int = 600, height: int = 200) -> bytes:
        return render_strokes_png(self._strokes, width, height)

    # -- size ------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(600, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 100)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return round(width / PAD_ASPECT)

    # -- mouse -----------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if (not self._accepts_input() or event.button() != Qt.MouseButton.LeftButton
                or _made_from_pen_or_touch(event) or self._source not in (None, "mouse")):
            event.ignore()
            return
        self._finish_stroke()  # a press without a release (a dialog took the grab)
        self._begin_stroke("mouse", event.position(), NO_PRESSURE)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._source == "mouse" and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position(), NO_PRESSURE)
            event.accept()
        else:
            event.ignore()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._source == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position(), NO_PRESSURE)
            self._finish_stroke()
            event.accept()
        else:
            event.ignore()

    # -- pen -------------------------------------------------------------------------------
    def tabletEvent(self, event: QTabletEvent) -> None:
        if not self._accepts_input():
            event.ignore()
            return
        # Accepted even when it draws nothing (hover, eraser end, side button): an ignored
        # tablet event comes back as a mouse event.
        event.accept()
        if event.pointerType() == QPointingDevice.PointerType.Eraser:
            return
        kind = event.type()
        if kind == QEvent.Type.TabletPress and event.button() == Qt.MouseButton.LeftButton:
            if self._source == "touch":
                # The hand resting on a touch screen while the pen writes: not ink.
                self._discard_stroke()
            else:
                self._finish_stroke()
            self._begin_stroke("pen", event.position(), event.pressure())
        elif kind == QEvent.Type.TabletMove and self._source == "pen":
            if event.buttons() & Qt.MouseButton.LeftButton:
                self._extend_stroke(event.position(), event.pressure())
            else:
                self._finish_stroke()  # the pen is up and its release never came
        elif kind == QEvent.Type.TabletRelease and self._source == "pen":
            # The pressure at release is the pen leaving the surface, not part of the ink.
            self._extend_stroke(event.position(), self._current[-1][2])
            self._finish_stroke()

    # -- touch, gestures, shortcuts ----------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in _TOUCH_EVENTS:
            return self._on_touch(event)
        if kind in _GESTURE_EVENTS and self._accepts_input():
            # Accepted and dropped: an ignored gesture would go on to the scroll area.
            for gesture in event.gestures():
                event.accept(gesture)
            event.accept()
            return True
        if kind == QEvent.Type.ShortcutOverride and self._is_pad_key(event):
            event.accept()  # our keys beat a window-wide Delete or Undo action
            return True
        return super().event(event)

    def _on_touch(self, event: QTouchEvent) -> bool:
        if not self._accepts_input():
            event.ignore()
            return False
        # Accepting the whole touch sequence keeps it from the parent and stops Qt making
        # mouse events (and so scrolling) out of it.
        event.accept()
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            if self._source == "touch":
                self._finish_stroke()
            self._touch_id = None
            return True
        pressure_sensing = bool(event.pointingDevice().capabilities()
                                & QInputDevice.Capability.Pressure)
        points = event.points()
        if kind == QEvent.Type.TouchBegin and self._source in (None, "touch"):
            self._finish_stroke()  # a touch sequence the system never ended
            if len(points) == 1:
                self._touch_id = points[0].id()
                self._begin_stroke("touch", points[0].position(),
                                   points[0].pressure() if pressure_sensing else NO_PRESSURE)
            return True
        if self._source == "touch" and any(
                point.id() != self._touch_id and point.state() == QEventPoint.State.Pressed
                for point in points):
            # A second finger: the hand meant to scroll or zoom, not to sign.
            self._discard_stroke()
            return True
        for point in points:
            if self._source != "touch" or point.id() != self._touch_id:
                continue  # a palm while the pen writes
            pressure = point.pressure() if pressure_sensing else NO_PRESSURE
            self._extend_stroke(point.position(), pressure)
            if point.state() == QEventPoint.State.Released:
                self._finish_stroke()
        if kind == QEvent.Type.TouchEnd:
            if self._source == "touch":
                self._finish_stroke()
            self._touch_id = None
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_pad_key(event):
            if event.matches(QKeySequence.StandardKey.Undo):
                self.undo_last_stroke()
            else:
                self.clear()
            event.accept()
            return
        super().keyPressEvent(event)

    def _is_pad_key(self, event: QKeyEvent) -> bool:
        if not self._accepts_input():
            return False
        if event.matches(QKeySequence.StandardKey.Undo):
            return True
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return plain == Qt.KeyboardModifier.NoModifier and event.key() in (
            Qt.Key.Key_Delete, Qt.Key.Key_Backspace)

    # -- painting --------------------------------------------------------------------------
    def paper_rect(self) -> QRectF:
        """The 3:1 area that takes ink: as large as the widget allows, at its left edge and
        centred vertically. Points are normalised to this area, never to the widget, so a
        layout that gives the pad other proportions cannot stretch the signature."""
        width = min(float(self.width()), self.height() * PAD_ASPECT)
        height = width / PAD_ASPECT
        return QRectF(0.0, (self.height() - height) / 2, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paper = self.paper_rect()
        painter.translate(paper.topLeft())
        width, height = paper.width(), paper.height()
        enabled = self.isEnabled()
        focused = self.hasFocus() and self._accepts_input()
        border = QPen(FOCUS_BORDER if focused else BORDER, 2 if focused else 1)
        inset = border.widthF() / 2
        painter.setPen(border)
        painter.setBrush(PAD_BACKGROUND if enabled else DISABLED_BACKGROUND)
        painter.drawRoundedRect(QRectF(inset, inset, width - 2 * inset, height - 2 * inset),
                                6, 6)
        self._paint_guide(painter, width, height)
        painter.drawImage(QPointF(0, 0), self._ink_layer_for(width, height))
        current = self._current
        if current:
            # The tail of the stroke being drawn: it changes with the next point.
            if len(current) == 1:
                draw_dot(painter, current[0], width, height, self._ink_colour())
            else:
                draw_piece(painter, stroke_piece(current, len(current) - 1, width, height),
                           self._ink_colour())
        painter.end()

    def _ink_colour(self) -> QColor:
        return SCREEN_INK if self.isEnabled() else DISABLED_INK

    def _ink_layer_for(self, width: float, height: float) -> QImage:
        """The finished ink (and the final pieces of the stroke being drawn) at this size,
        drawn again only after a resize, an undo or clear, or a change of colour."""
        ratio = self.devicePixelRatioF()
        if self._ink_layer is None or self._ink_layer_key != (width, height, ratio):
            layer = QImage(max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio)),
                           QImage.Format.Format_ARGB32_Premultiplied)
            layer.setDevicePixelRatio(ratio)
            layer.fill(Qt.GlobalColor.transparent)
            painter = QPainter(layer)
            paint_ink(painter, self._strokes, width, height, self._ink_colour())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            for index in range(len(self._current or ()) - 1):
                draw_piece(painter, stroke_piece(self._current, index, width, height),
                           self._ink_colour())
            painter.end()
            self._ink_layer, self._ink_layer_key = layer, (width, height, ratio)
        return self._ink_layer

    def _draw_on_layer(self, stroke: Stroke, index: int | None) -> None:
        """Add piece ``index`` of ``stroke`` (or, for None, the stroke's single dot) to the
        cached layer; a layer not yet drawn will include it when it is."""
        if self._ink_layer is None:
            return
        width, height, _ = self._ink_layer_key
        painter = QPainter(self._ink_layer)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if index is None:
            draw_dot(painter, stroke[0], width, height, self._ink_colour())
        else:
            draw_piece(painter, stroke_piece(stroke, index, width, height), self._ink_colour())
        painter.end()

    def _forget_ink_layer(self) -> None:
        self._ink_layer = None

    def _paint_guide(self, painter: QPainter, width: float, height: float) -> None:
        line_y = round(height * LINE_AT) + 0.5
        left, right = width * LINE_MARGIN, width * (1 - LINE_MARGIN)
        painter.setPen(QPen(GUIDE, 1))
        painter.drawLine(QPointF(left, line_y), QPointF(right, line_y))
        if self._read_only:
            return
        font = QFont(self.font())
        font.setPixelSize(max(10, round(height * 0.12)))
        painter.setFont(font)
        painter.setPen(GUIDE)
        mark = QRectF(left, line_y - height * 0.2, height * 0.2, height * 0.18)
        painter.drawText(mark, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, "×")
        if self._strokes or self._current or not self.isEnabled():
            return
        font.setPixelSize(max(11, round(height * 0.11)))
        painter.setFont(font)
        painter.setPen(HINT)
        hint = QRectF(0, line_y - height * 0.34, width, height * 0.2)
        painter.drawText(hint, Qt.AlignmentFlag.AlignCenter, self.tr("Sign here"))

    # -- strokes in progress -----------------------------------------------------------------
    def _accepts_input(self) -> bool:
        return not self._read_only and self.isEnabled()

    def _begin_stroke(self, source: str, position: QPointF, pressure: float) -> None:
        self._source = source
        self._current = [self._normalised(position, pressure)]
        if not self.hasFocus():
            # Pen and touch do not move the focus by themselves; the keys should work after.
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.update()

    def _extend_stroke(self, position: QPointF, pressure: float) -> None:
        if self._current is None:
            return
        point = self._normalised(position, pressure)
        if point[:2] != self._current[-1][:2]:
            self._current.append(point)
            if len(self._current) >= 2:
                # The piece before the new tail is final now.
                self._draw_on_layer(self._current, len(self._current) - 2)
            self.update()

    def _finish_stroke(self) -> None:
        stroke, self._current, self._source = self._current, None, None
        if stroke:
            self._draw_on_layer(stroke, len(stroke) - 1 if len(stroke) > 1 else None)
            self._strokes.append(stroke)
            self._changed()

    def _discard_stroke(self) -> None:
        had_pieces = self._current is not None and len(self._current) > 1
        self._current, self._source, self._touch_id = None, None, None
        if had_pieces:
            self._forget_ink_layer()
        self.update()

    def _claim_gestures(self, claim: bool) -> None:
        # A scroll area grabs the pan gesture on its viewport, and two fingers on the pad
        # would pan the page. Qt looks for a gesture's owner from the touched widget up and
        # stops at the first that grabbed that type, so a pad taking input grabs them (and
        # drops them); a read-only or disabled pad lets the page scroll as usual.
        for gesture in _CLAIMED_GESTURES:
            if claim:
                self.grabGesture(gesture)
            else:
                self.ungrabGesture(gesture)

    def _normalised(self, position: QPointF, pressure: float) -> Point:
        paper = self.paper_rect()
        width, height = max(1.0, paper.width()), max(1.0, paper.height())
        return (round(_unit((position.x() - paper.x()) / width), DECIMALS),
                round(_unit((position.y() - paper.y()) / height), DECIMALS),
                round(_unit(pressure), DECIMALS))

    def _changed(self) -> None:
        self._describe()
        self.update()
        self.sig_changed.emit()

    def _describe(self) -> None:
        if self._strokes:
            count = len(self._strokes)
            state = (self.tr("1 stroke drawn.") if count == 1
                     else self.tr("{count} strokes drawn.").format(count=count))
        else:
            state = self.tr("Empty.")
        how = ("" if self._read_only else
               " " + self.tr("Sign with the mouse, a pen or a finger; Delete clears, Ctrl+Z"
                             " undoes the last stroke."))
        self.setAccessibleDescription(state + how)

    # -- leaving -----------------------------------------------------------------------------
    def hideEvent(self, event) -> None:
        # A page change in the middle of a stroke keeps what was drawn.
        self._finish_stroke()
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.EnabledChange:
            if not self.isEnabled():
                self._finish_stroke()
            self._forget_ink_layer()  # the ink is greyed while the pad is disabled
            self._claim_gestures(self._accepts_input())
        super().changeEvent(event)


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))


def _made_from_pen_or_touch(event: QMouseEvent) -> bool:
    """True for a mouse event that Qt or the system made from pen or touch input, which
    the pad has already drawn (or deliberately ignored) as such."""
    if event.source() != Qt.MouseEventSource.MouseEventNotSynthesized:
        return True
    device = event.pointingDevice()
    return device is not None and device.type() in _NOT_MOUSE

