"""Locking the session after a period with no keyboard, mouse, pen or touch input."""

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

INPUT_EVENTS = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TabletPress, QEvent.Type.TabletMove,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
}


class IdleLock(QObject):
    """Install on the QApplication; ``sig_idle`` fires after ``minutes`` without input."""

    sig_idle = Signal()

    def __init__(self, minutes: float, parent=None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sig_idle)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self.minutes = minutes
        self._timer.setInterval(int(minutes * 60_000))
        self.restart()

    def restart(self) -> None:
        if self.minutes > 0:
            self._timer.start()
        else:
            self._timer.stop()

    def pause(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False
