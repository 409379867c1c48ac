"""What the desktop app does with a failure nothing else caught: it writes the traceback
to the station's log (screening_app/failure_log.py) and tells the person in one sentence,
instead of Qt printing a traceback no one sees (or aborting)."""

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from screening_app.failure_log import failure_sentence


def install_exception_hook(data_dir: Path) -> None:
    def hook(kind, error, trace) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        show_unexpected_failure(data_dir, error)

    sys.excepthook = hook


def show_unexpected_failure(data_dir: Path, error: BaseException) -> str:
    """Log ``error`` and show its sentence over the active window; the sentence."""
    sentence = failure_sentence(error, data_dir)
    print(f"screening-app: {sentence}", file=sys.stderr)
    if QApplication.instance() is not None:
        QMessageBox.critical(QApplication.activeWindow(),
                             QCoreApplication.translate("Failures", "Unexpected failure"),
                             sentence)
    return sentence
