import pytest
from PySide6.QtWidgets import QMessageBox

from screening_app.ui.main_window import MainWindow
from tests.conftest import PASSWORD


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
