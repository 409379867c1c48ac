"""Running long work off the GUI thread (Picard's run_task, Anki's QueryOp).

A task runs on the global thread pool and reports through signals, which Qt delivers on
the GUI thread. A task never touches a widget, and it opens its own database connection
when it needs one: a SQLite connection stays on the thread that made it.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    sig_progress = Signal(int, int, str)  # done, total, message
    sig_finished = Signal(object)
    sig_failed = Signal(str)


class CancelToken:
    def __init__(self):
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Task(QRunnable):
    """``work(report, token)`` runs on a pool thread; ``report(done, total, message)``
    emits progress; the return value arrives with ``sig_finished``."""

    def __init__(self, work: Callable[[Callable[[int, int, str], None], CancelToken], object]):
        super().__init__()
        self.signals = TaskSignals()
        self.token = CancelToken()
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(self.signals.sig_progress.emit, self.token)
        except Exception as error:  # noqa: BLE001 - reported to the GUI as a message
            self.signals.sig_failed.emit(str(error))
        else:
            self.signals.sig_finished.emit(result)


def run_in_background(task: Task) -> Task:
    QThreadPool.globalInstance().start(task)
    return task
