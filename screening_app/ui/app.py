"""Starting the desktop app: the composition root for the GUI.

First run (no station) -> set-up dialog; then sign in; then the main window, which offers
to resume any interview left unfinished (for example by a crash or a power cut).
"""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from screening_app.doctor.qt_platform import QtPlatformUnavailable, require_qt_platform
from screening_app.domain.errors import UserError
from screening_app.services.locked_station import LockedStation
from screening_app.store.station import station_exists
from screening_app.ui.fonts import install_application_font
from screening_app.ui.language import chosen_language, install_language
from screening_app.ui.sign_in import SignInDialog
from screening_app.ui.tasks import Task, run_in_background

if TYPE_CHECKING:  # imported after sign-in: the sign-in window shows without it
    from screening_app.ui.main_window import MainWindow

# Exit status when Qt cannot open a window here (as for any problem the user must fix).
EXIT_NO_WINDOW = 2


def application() -> QApplication:
    """The QApplication, made once, in the interface language chosen on this machine (the
    system's on the first start). Before making it, check that Qt can open a window:
    where it cannot, Qt aborts the process instead of raising (QtPlatformUnavailable)."""
    app = QApplication.instance()
    if app is None:
        require_qt_platform()
        app = QApplication(sys.argv[:1])
    app.setApplicationName("screening-app")
    app.setOrganizationName("screening-app")
    install_application_font(app)
    install_language(chosen_language())
    return app


def demo_accounts_hint(station) -> str | None:
    """``station``: an open Station, or the public facts of a locked one."""
    if not station.demo:
        return None
    from screening_app.services.demo import ACCOUNTS_FILE

    path = station.data_dir / ACCOUNTS_FILE
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return QCoreApplication.translate("App", "Demo accounts (demo only):") + "\n" + "\n".join(
        "  " + "  ".join(line.split("\t")) for line in lines)


def open_main_window(data_dir: Path) -> "MainWindow | None":
    """Set up if needed, sign in, and build the main window (None if the user cancels)."""
    if not station_exists(data_dir):
        from screening_app.ui.first_run import FirstRunDialog

        if FirstRunDialog(data_dir).exec() != FirstRunDialog.DialogCode.Accepted:
            return None
    try:
        # The database stays encrypted and closed until someone signs in.
        locked = LockedStation(data_dir)
    except UserError as error:
        QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot open the station"),
                             str(error))
        return None
    hint = demo_accounts_hint(locked.station)
    sign_in = SignInDialog(locked, demo_accounts=hint)
    # Not before the window is on screen: the imports would hold Python's lock meanwhile.
    after_first_paint(sign_in, lambda: run_in_background(Task(_load_what_signing_in_opens)))
    if sign_in.exec() != SignInDialog.DialogCode.Accepted or locked.services is None:
        if locked.services is not None:
            locked.services.close()
        return None
    from screening_app.ui.main_window import MainWindow

    return MainWindow(locked.services, sign_in.actor, demo_accounts=hint)


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, action: Callable[[], object]):
        super().__init__(widget)
        self._action = action
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._action)  # once this paint is done
        return False


def after_first_paint(widget: QWidget, action: Callable[[], object]) -> None:
    """Run ``action`` once ``widget`` has been painted on screen for the first time."""
    _FirstPaint(widget, action)


def _load_what_signing_in_opens(_report, _token) -> None:
    """While a person types a password, import what opens after it: every service of the
    station (with sqlite-utils, cryptography, the protocol) and the main window. The
    sign-in window shows without them, and signing in then waits only for the password
    check and the roster. Imports are thread-safe; none of these makes a widget."""
    from screening_app.services import app  # noqa: F401
    from screening_app.ui import main_window  # noqa: F401


def run_gui(data_dir: Path) -> int:
    try:
        app = application()
    except QtPlatformUnavailable as error:
        # Instead of Qt's abort, what `screening-app doctor` would say: Qt's problems first.
        from screening_app.doctor.checks import problems_besides_qt

        for problem in [*str(error).splitlines(), *problems_besides_qt(data_dir)]:
            print(f"screening-app: {problem}", file=sys.stderr)
        return EXIT_NO_WINDOW
    from screening_app.ui.failures import install_exception_hook

    # A failure nothing caught is logged with its traceback and said in one sentence.
    install_exception_hook(data_dir)
    window = open_main_window(data_dir)
    if window is None:
        return 0
    app.installEventFilter(window.idle_lock)
    window.show()
    window.offer_resume()
    code = app.exec()
    window.services.close()
    return code
