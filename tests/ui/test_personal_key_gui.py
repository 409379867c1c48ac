"""An interviewer whose own certificate is missing is told, at the start, what to do."""

from PySide6.QtWidgets import QMessageBox

from screening_app.ui.main_window import MainWindow
from tests.conftest import PASSWORD


def test_an_interviewer_without_a_certificate_is_told_what_to_do(qtbot, roster_station,
                                                                 monkeypatch):
    services = roster_station.services
    petr = services.accounts.add_user(roster_station.admin, "petr", "interviewer", PASSWORD)
    window = MainWindow(services, petr, lock_minutes=0)
    qtbot.addWidget(window)
    window.show()
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *args, **kwargs: warned.append((title, text))))
    assert window.start_interview("NK-100001") is None
    assert warned == [("Cannot start",
                       "petr cannot start interviews yet: petr has no personal signing key;"
                       " make one with 'screening-app user csr', have headquarters issue its"
                       " certificate, and install it with 'screening-app user import-cert'.")]
    assert window.wizard is None
    assert services.interviews.drafts(petr) == []
