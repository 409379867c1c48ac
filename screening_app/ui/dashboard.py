"""The camp dashboard for supervisors: progress against the roster, outcomes by compound
and by day (charts), per-interviewer figures, and the exports."""

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.dashboard import OUTCOME_KEYS, Dashboard

OUTCOME_LABELS = {"repatriate": "Repatriate", "enlist": "Refuses repatriation",
                  "not_completed": "Not completed"}


def outcome_chart(title: str, groups: dict) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    series = QBarSeries()
    keys = sorted(groups)
    for outcome in OUTCOME_KEYS:
        bar_set = QBarSet(OUTCOME_LABELS[outcome])
        bar_set.append([float(groups[k][outcome]) for k in keys])
        series.append(bar_set)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    # "Compound 62" -> "62": the axis title says what they are, and long labels get cut.
    prefix = "Compound "
    short = [k[len(prefix):] if k.startswith(prefix) else k for k in keys]
    categories.append(short)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    values = QValueAxis()
    values.setLabelFormat("%d")
    highest = max((max(groups[k].values(), default=0) for k in keys), default=0)
    values.setRange(0, max(highest, 1))
    values.setTickCount(min(max(highest, 1), 5) + 1)  # whole numbers of interviews
    values.applyNiceNumbers()
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(values)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


class DashboardDialog(QDialog):
    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.setWindowTitle(f"Dashboard — {services.station.camp}")
        self.resize(1100, 760)
        layout = QVBoxLayout(self)
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet("font-size: 13pt")
        layout.addWidget(self.progress_label)
        charts = QGridLayout()
        self.compound_view = QChartView()
        self.day_view = QChartView()
        for view in (self.compound_view, self.day_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(280)
        charts.addWidget(self.compound_view, 0, 0)
        charts.addWidget(self.day_view, 0, 1)
        layout.addLayout(charts, 2)
        self.interviewer_table = QTableWidget()
        layout.addWidget(self.interviewer_table, 1)
        buttons = QHBoxLayout()
        self.csv_button = QPushButton("Export &CSV…")
        self.xlsx_button = QPushButton("Export &XLSX…")
        self.lists_button = QPushButton("Export revised &lists…")
        close = QPushButton("Close")
        for button in (self.csv_button, self.xlsx_button, self.lists_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.csv_button.clicked.connect(lambda: self._on_export("csv"))
        self.xlsx_button.clicked.connect(lambda: self._on_export("xlsx"))
        self.lists_button.clicked.connect(self._on_export_lists)
        close.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> Dashboard:
        board = self._services.dashboard.figures(self._actor)
        reasons = ", ".join(f"{reason}: {n}" for reason, n in
                            sorted(board.not_completed_by_reason.items())) or "none"
        self.progress_label.setText(
            f"Roster <b>{board.roster}</b> · screened <b>{board.screened}</b> · not completed"
            f" <b>{board.not_completed_only}</b> ({reasons}) · not yet <b>{board.not_yet}</b>")
        self.compound_view.setChart(outcome_chart("Outcomes by compound", board.by_compound))
        self.day_view.setChart(outcome_chart("Outcomes by day (UTC)", board.by_day))
        table = self.interviewer_table
        table.setColumnCount(1 + len(OUTCOME_KEYS))
        table.setHorizontalHeaderLabels(["Interviewer", *OUTCOME_LABELS.values()])
        table.setRowCount(len(board.by_interviewer))
        for row, name in enumerate(sorted(board.by_interviewer)):
            table.setItem(row, 0, QTableWidgetItem(name))
            for column, outcome in enumerate(OUTCOME_KEYS, start=1):
                table.setItem(row, column,
                              QTableWidgetItem(str(board.by_interviewer[name][outcome])))
        table.resizeColumnsToContents()
        self.board = board
        return board

    def _on_export(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the figures", f"figures.{kind}",
                                              f"{kind.upper()} (*.{kind})")
        if path:
            try:
                self._services.dashboard.export(self._actor, path)
            except (UserError, OSError) as error:
                QMessageBox.warning(self, "Not exported", str(error))

    def _on_export_lists(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the revised lists to")
        if not folder:
            return
        try:
            written, _lists = self._services.lists.export(self._actor, folder)
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Not exported", str(error))
            return
        QMessageBox.information(self, "Revised lists",
                                f"Wrote {len(written)} files to {folder}; the PDF is signed.")
