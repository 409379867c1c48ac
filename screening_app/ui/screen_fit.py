"""Windows that fit the laptops the app runs on (1366x768 and 1280x720, with a taskbar).

A window asks for the size it would like; it gets that or the screen's available area
(the screen less its taskbar and panels), whichever is smaller, less room for the window
manager's title bar, and it is placed inside that area.
"""

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# The title bar and borders a window manager adds around a window (not known until the
# window is shown, so this much is kept free).
FRAME_WIDTH = 16
FRAME_HEIGHT = 40


def available_area(widget: QWidget | None = None) -> QRect:
    """The part of the widget's screen (or the primary screen) that windows may use."""
    screen = (widget.screen() if widget is not None else None) or \
        QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize a top-level window to ``width`` x ``height``, or to what the screen has
    room for, and keep it inside the screen's available area."""
    area = available_area(window.parentWidget() or window)
    size_w = max(min(width, area.width() - FRAME_WIDTH), window.minimumWidth())
    size_h = max(min(height, area.height() - FRAME_HEIGHT), window.minimumHeight())
    window.resize(size_w, size_h)
    left = area.x() + max((area.width() - size_w - FRAME_WIDTH) // 2, 0)
    top = area.y() + max((area.height() - size_h - FRAME_HEIGHT) // 2, 0)
    window.move(left, top)
