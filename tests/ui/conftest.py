import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from screening_app.ui.main_window import MainWindow
from tests.conftest import PASSWORD


@pytest.fixture(scope="session", autouse=True)
def settings_of_this_run(tmp_path_factory):
    """QSettings (the interface language, the lock delay, the headquarters address) in a
    folder of this run: a choice made on the machine, or by an earlier run, never reaches
    the tests, nor does a test's choice reach the machine."""
    folder = str(tmp_path_factory.mktemp("settings"))
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, folder)
        QSettings.setPath(settings_format, QSettings.Scope.SystemScope, folder)
    # The tests read English whatever the machine's locale (tests/ui/test_translations_gui.py
    # opens the windows in Korean and Chinese itself).
    QSettings("screening-app", "screening-app").setValue("interface_language", "en")


@pytest.fixture
def window(qtbot, roster_station):
    # As the app does: the window gets the services of the account that signed in.
    roster_station.services.sign_in(roster_station.interviewer.name, PASSWORD)
    main = MainWindow(roster_station.services, roster_station.interviewer, lock_minutes=0)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


@pytest.fixture
def confirm_yes(monkeypatch):
    """Answer Yes to confirmation boxes (finalise), as the user would click."""
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(title)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked
