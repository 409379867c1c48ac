"""The dashboard: charts a supervisor can read, figures, and the exports."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from screening_app.protocol.examples import complete_answers
from screening_app.ui.main_window import MainWindow
from tests.ui.screen import assert_fits_screen


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
    # The legend is the protocol's option labels, never stored codes, and has room for
    # them whole (one legend for both charts, above them).
    labels = ["Enter the armed forces of the United Nations Command", "Accept repatriation",
              "Not completed"]
    assert [s.label() for s in chart.series()[0].barSets()] == labels
    legend = dialog.legend_label.text()
    assert all(label in legend for label in labels) and "enlist" not in legend
    assert chart.series()[0].barSets()[0].color().name() in legend
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


def test_the_dashboard_reads_as_the_protocol_and_the_roster_name_things(qtbot, roster_station):
    services = roster_station.services
    services.accounts.set_display_name(roster_station.admin, "ivan", "Lt. I. Petrov")
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("repatriate")}, "p")
    services.transcription.record(roster_station.interviewer, "CN-700001",
                                  {"answers": complete_answers(),
                                   "abandon": {"reason": "unfit"}}, "p")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_dashboard()
    progress = dialog.progress_label.text()
    assert "(Not fit to be interviewed (illness or injury): 1)" in progress
    assert "unfit" not in progress
    axis = dialog.compound_view.chart().axes(Qt.Orientation.Horizontal)[0]
    assert axis.categories() == ["Compound 62", "Compound 72"]  # as the roster names them
    table = dialog.interviewer_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Interviewer", "Enter the armed forces of the United Nations Command",
                       "Accept repatriation", "Not completed"]
    assert table.horizontalHeaderItem(1).toolTip() == headers[1]
    assert table.item(0, 0).text() == "Lt. I. Petrov"
    assert [table.item(0, c).text() for c in (1, 2, 3)] == ["0", "1", "1"]
    assert_fits_screen(qtbot, dialog)
