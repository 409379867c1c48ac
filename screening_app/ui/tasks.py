"""Running long work off the GUI thread (Picard's run_task, Anki's QueryOp).

A task runs on the global thread pool and reports through signals, which Qt delivers on
the GUI thread. A task never touches a widget, and it opens its own database connection
when it needs one: a SQLite connection stays on the thread that made it.
``run_on_services`` is how the app runs work on the station: the work gets services of
its own for the thread (closed after), its result goes to ``on_success``, and a failure
reaches ``on_failure`` as one sentence, an unexpected one logged with its traceback first.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from screening_app.failure_log import failure_sentence

if TYPE_CHECKING:
    from screening_app.services.app import StationServices

Report = Callable[[int, int, str], None]


class TaskSignals(QObject):
    sig_progress = Signal(int, int, str)  # done, total, message
    sig_finished = Signal(object)
    sig_failed = Signal(object)  # the exception


class CancelToken:
    def __init__(self):
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Task(QRunnable):
    """``work(report, token)`` runs on a pool thread; ``report(done, total, message)``
    emits progress; the return value arrives with ``sig_finished``, an exception with
    ``sig_failed``."""

    def __init__(self, work: Callable[[Report, CancelToken], object]):
        super().__init__()
        self.signals = TaskSignals()
        self.token = CancelToken()
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(self.signals.sig_progress.emit, self.token)
        except Exception as error:  # noqa: BLE001 - the GUI thread decides what to say
            self.signals.sig_failed.emit(error)
        else:
            self.signals.sig_finished.emit(result)


def run_in_background(task: Task) -> Task:
    QThreadPool.globalInstance().start(task)
    return task


def run_on_services(services: "StationServices",
                    work: Callable[["StationServices", Report, CancelToken], object], *,
                    on_success: Callable[[object], None],
                    on_failure: Callable[[str], None],
                    on_progress: Callable[[int, int, str], None] | None = None) -> Task:
    """Start ``work(thread_services, report, token)`` on a pool thread. Keep the returned
    task (its signals live with it) to cancel it or to wait for it."""
    data_dir = services.station.data_dir

    def in_background(report: Report, token: CancelToken) -> object:
        own = services.for_thread()  # a connection of this thread's own, the same session
        try:
            return work(own, report, token)
        finally:
            own.close()

    task = Task(in_background)
    task.callbacks = _Callbacks(on_success, on_failure, data_dir)  # kept with the task
    task.signals.sig_finished.connect(task.callbacks.succeeded)
    task.signals.sig_failed.connect(task.callbacks.failed)
    if on_progress is not None:
        task.signals.sig_progress.connect(on_progress)
    return run_in_background(task)


class _Callbacks(QObject):
    """The callbacks of a task, on the thread that started it (the GUI thread): signals
    from the pool thread reach an object's slots on the object's own thread."""

    def __init__(self, on_success, on_failure, data_dir):
        super().__init__()
        self._on_success, self._on_failure, self._data_dir = on_success, on_failure, data_dir

    @Slot(object)
    def succeeded(self, result) -> None:
        self._on_success(result)

    @Slot(object)
    def failed(self, error) -> None:
        self._on_failure(failure_sentence(error, self._data_dir))
