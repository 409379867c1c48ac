"""The dashboard: charts a supervisor can read, figures, and the exports."""

from PySide6.QtWidgets import QFileDialog

from screening_app.protocol.examples import complete_answers
from screening_app.ui.main_window import MainWindow


def test_dashboard_shows_progress_charts_and_exports(qtbot, roster_station, monkeypatch,
                                                     tmp_path):
    services = roster_station.services
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("enlist")}, "p")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_dashboard()
    assert "screened <b>1</b>" in dialog.progress_label.text()
    chart = dialog.compound_view.chart()
    assert chart.title() == "Outcomes by compound"
    assert [s.label() for s in chart.series()[0].barSets()] == [
        "Repatriate", "Refuses repatriation", "Not completed"]
    assert dialog.interviewer_table.item(0, 0).text() == "ivan"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "f.xlsx"), "")))
    dialog.xlsx_button.click()
    assert (tmp_path / "f.xlsx").exists()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(tmp_path / "lists")))
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: None))
    dialog.lists_button.click()
    assert (tmp_path / "lists" / "revised-lists.pdf").exists()


def test_interviewers_have_no_dashboard(qtbot, roster_station):
    window = MainWindow(roster_station.services, roster_station.interviewer, lock_minutes=0)
    qtbot.addWidget(window)
    assert not window.dashboard_action.isVisible()
