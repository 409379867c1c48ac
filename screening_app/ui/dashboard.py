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
from screening_app.services.app import StationServices
from screening_app.services.dashboard import NOT_COMPLETED, Dashboard
from screening_app.ui.language import interface_language
from screening_app.ui.screen_fit import fit_to_screen

# Beyond this many groups the axis labels are tilted, so that each is read whole.
UPRIGHT_CATEGORIES = 4
MAX_COLUMN_WIDTH = 380  # wider values are cut with "…"; the tooltip holds them whole


def outcome_chart(title: str, groups: dict, board: Dashboard, names: dict[str, str]) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    series = QBarSeries()
    keys = sorted(groups)
    for outcome in board.outcomes:
        bar_set = QBarSet(names.get(outcome, board.outcome_label(outcome)))
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
        self.setWindowTitle(self.tr("Dashboard — {camp}").format(camp=services.station.camp))
        layout = QVBoxLayout(self)
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet("font-size: 13pt")
        self.progress_label.setWordWrap(True)
        layout.addWidget(self.progress_label)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setAccessibleName(self.tr("Legend of the charts"))
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
        self.csv_button = QPushButton(self.tr("Export &CSV…"))
        self.xlsx_button = QPushButton(self.tr("Export &XLSX…"))
        self.lists_button = QPushButton(self.tr("Export revised &lists…"))
        close = QPushButton(self.tr("Close"))
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
        names, reason_names = self._names_in_interface_language()
        reasons = "; ".join(
            f"{html.escape(reason_names.get(reason) or board.reason_label(reason))}: {n}"
            for reason, n in sorted(board.not_completed_by_reason.items(),
                                    key=lambda item: str(item[0])))
        self.progress_label.setText(
            self.tr("Roster <b>{roster}</b> · screened <b>{screened}</b> · not completed"
                    " <b>{not_completed}</b> ({reasons}) · not yet <b>{not_yet}</b>").format(
                roster=board.roster, screened=board.screened,
                not_completed=board.not_completed_only, reasons=reasons or self.tr("none"),
                not_yet=board.not_yet))
        self.compound_view.setChart(outcome_chart(self.tr("Outcomes by compound"),
                                                  board.by_compound, board, names))
        self.day_view.setChart(outcome_chart(self.tr("Outcomes by day"), board.by_day, board,
                                             names))
        self._outcome_names = names
        self.legend_label.setText(legend_html(self.compound_view.chart()))
        self._fill_interviewer_table(board)
        self.board = board
        return board

    def _fill_interviewer_table(self, board: Dashboard) -> None:
        """One row per interviewer (by display name), one column per outcome. A header too
        long for its column is cut with "…"; its tooltip holds the whole label."""
        table = self.interviewer_table
        names = self._outcome_names
        headers = [self.tr("Interviewer"),
                   *(names.get(o, board.outcome_label(o)) for o in board.outcomes)]
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
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the figures"),
                                              f"figures.{kind}", f"{kind.upper()} (*.{kind})")
        if path:
            try:
                self._services.dashboard.export(self._actor, path)
            except (UserError, OSError) as error:
                QMessageBox.warning(self, self.tr("Not exported"), str(error))

    def _on_export_lists(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the revised lists to"))
        if not folder:
            return
        try:
            written, _lists = self._services.lists.export(self._actor, folder)
        except (UserError, OSError) as error:
            QMessageBox.warning(self, self.tr("Not exported"), str(error))
            return
        files = (self.tr("1 file") if len(written) == 1
                 else self.tr("{count} files").format(count=len(written)))
        QMessageBox.information(self, self.tr("Revised lists"),
                                self.tr("Wrote {files} to {folder}; the PDF is signed.").format(
                                    files=files, folder=folder))

    def _names_in_interface_language(self) -> tuple[dict[str, str], dict[str, str]]:
        """The outcomes' and the reasons' names in the interface's language, by id, from
        the current protocol (which holds them in the three languages); an id it does not
        know keeps the service's label."""
        language = interface_language()
        protocol = self._services.interviews.current_protocol()
        outcomes = {option.id: option.label.get(language)
                    for option in protocol.question(protocol.choice.question).options}
        outcomes[NOT_COMPLETED] = self.tr("Not completed")
        reasons = {reason.id: reason.label.get(language)
                   for reason in protocol.non_completion_reasons}
        return outcomes, reasons
