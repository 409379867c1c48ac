"""The camp dashboard for supervisors: progress against the roster, outcomes by compound
and by day (charts), per-interviewer figures, and the exports. Every label comes with the
figures (services/dashboard.py): the protocol's option and reason labels, compounds as the
roster names them, interviewers by display name."""

import html

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
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.errors import UserError
from screening_app.domain.wording import count_of
from screening_app.services.app import StationServices
from screening_app.services.dashboard import Dashboard
from screening_app.ui.screen_fit import fit_to_screen

# Beyond this many groups the axis labels are tilted, so that each is read whole.
UPRIGHT_CATEGORIES = 4
MAX_COLUMN_WIDTH = 380  # wider values are cut with "…"; the tooltip holds them whole


def outcome_chart(title: str, groups: dict, board: Dashboard) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    series = QBarSeries()
    keys = sorted(groups)
    for outcome in board.outcomes:
        bar_set = QBarSet(board.outcome_label(outcome))
        bar_set.append([float(groups[k][outcome]) for k in keys])
        series.append(bar_set)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    # Compounds as the roster names them ("Compound 62"), whole (not cut to "Compoun…"),
    # tilted when there are many so that they do not run into each other.
    categories.append(keys)
    categories.setTruncateLabels(False)
    if len(keys) > UPRIGHT_CATEGORIES:
        categories.setLabelsAngle(-45)
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
    # One legend above both charts (legend_html) has room for the protocol's long labels;
    # a chart's own legend would cut them.
    chart.legend().setVisible(False)
    return chart


def legend_html(chart: QChart) -> str:
    """The outcomes with the colours their bars have in the charts."""
    bar_sets = chart.series()[0].barSets() if chart.series() else []
    return " &nbsp;&nbsp; ".join(
        f"<span style='color: {bar_set.color().name()}'>■</span> {html.escape(bar_set.label())}"
        for bar_set in bar_sets)


class DashboardDialog(QDialog):
    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.setWindowTitle(f"Dashboard — {services.station.camp}")
        layout = QVBoxLayout(self)
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet("font-size: 13pt")
        self.progress_label.setWordWrap(True)
        layout.addWidget(self.progress_label)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setAccessibleName("Legend of the charts")
        layout.addWidget(self.legend_label)
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
        self.interviewer_table.setWordWrap(False)
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
        fit_to_screen(self, 1100, 760)

    def reload(self) -> Dashboard:
        board = self._services.dashboard.figures(self._actor)
        reasons = "; ".join(f"{html.escape(board.reason_label(reason))}: {n}"
                            for reason, n in sorted(board.not_completed_by_reason.items(),
                                                    key=lambda item: str(item[0])))
        self.progress_label.setText(
            f"Roster <b>{board.roster}</b> · screened <b>{board.screened}</b> · not completed"
            f" <b>{board.not_completed_only}</b> ({reasons or 'none'}) · not yet"
            f" <b>{board.not_yet}</b>")
        self.compound_view.setChart(outcome_chart("Outcomes by compound", board.by_compound,
                                                  board))
        self.day_view.setChart(outcome_chart("Outcomes by day", board.by_day, board))
        self.legend_label.setText(legend_html(self.compound_view.chart()))
        self._fill_interviewer_table(board)
        self.board = board
        return board

    def _fill_interviewer_table(self, board: Dashboard) -> None:
        """One row per interviewer (by display name), one column per outcome. A header too
        long for its column is cut with "…"; its tooltip holds the whole label."""
        table = self.interviewer_table
        headers = ["Interviewer", *(board.outcome_label(o) for o in board.outcomes)]
        table.setColumnCount(len(headers))
        for column, text in enumerate(headers):
            header = QTableWidgetItem(text)
            header.setToolTip(text)
            table.setHorizontalHeaderItem(column, header)
        table.setRowCount(len(board.by_interviewer))
        for row, name in enumerate(sorted(board.by_interviewer, key=str.casefold)):
            item = QTableWidgetItem(name)
            item.setToolTip(name)
            table.setItem(row, 0, item)
            for column, outcome in enumerate(board.outcomes, start=1):
                table.setItem(row, column,
                              QTableWidgetItem(str(board.by_interviewer[name][outcome])))
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column), MAX_COLUMN_WIDTH))
        table.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

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
                                f"Wrote {count_of(len(written), 'file')} to {folder}; the PDF"
                                " is signed.")
