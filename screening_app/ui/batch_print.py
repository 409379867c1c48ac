"""Printing many stored forms at once: pick them by compound, day and kind, then print them
as one job off the GUI thread, with progress and a Cancel button.

Every form printed is counted before it is painted, so its "COPY n" mark is right and a
count never misses a sheet that left the printer. Cancel takes effect between forms: a
form is never cut in half, so every form counted is a whole form.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QImageWriter, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.canonical import parse_timestamp
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.documents import PrintableForm
from screening_app.ui.pdf_printing import load_printable, paint_pdf_pages, pdf_printer
from screening_app.ui.screen_fit import fit_to_screen
from screening_app.ui.tasks import CancelToken, Task, run_on_services

FormRole = Qt.ItemDataRole.UserRole + 1

# Texts here are translated where shown (the interface's language is installed later).
KIND_LABELS = {"choice_form": QT_TRANSLATE_NOOP("BatchPrintDialog", "Choice form"),
               "non_completion": QT_TRANSLATE_NOOP("BatchPrintDialog", "Non-completion")}
KIND_FILTERS = (
    (QT_TRANSLATE_NOOP("BatchPrintDialog", "Choice forms and non-completion records"), None),
    (QT_TRANSLATE_NOOP("BatchPrintDialog", "Choice forms only"), "choice_form"),
    (QT_TRANSLATE_NOOP("BatchPrintDialog", "Non-completion records only"), "non_completion"),
)
ALL_COMPOUNDS = QT_TRANSLATE_NOOP("BatchPrintDialog", "All compounds")


translate = QCoreApplication.translate

Report = Callable[[int, int, str], None]


# -- which forms -------------------------------------------------------------------------
def local_day_of(timestamp: str) -> date:
    return parse_timestamp(timestamp).astimezone().date()


def utc_days_overlapping(local_day: date) -> list[str]:
    """The UTC dates a local calendar day touches (one or two): the service filters by UTC
    date, and a camp at UTC+9 finalises its morning forms on the previous UTC date."""
    first = datetime.combine(local_day, time.min).astimezone().astimezone(UTC).date()
    last = datetime.combine(local_day, time.max).astimezone().astimezone(UTC).date()
    return sorted({first.isoformat(), last.isoformat()})


def printable_forms(services: StationServices, actor: Actor, *, compound: str | None,
                    local_day: date | None, kind: str | None) -> list[PrintableForm]:
    if local_day is None:
        return services.documents.printable(actor, compound=compound, kind=kind)
    forms = [form for day in utc_days_overlapping(local_day)
             for form in services.documents.printable(actor, compound=compound, day=day,
                                                      kind=kind)]
    return [form for form in forms if local_day_of(form.finalised_at) == local_day]


class PrintableFormsModel(QAbstractTableModel):
    """Stored forms with a checkbox each (all checked when the list is loaded)."""

    COLUMNS = ("ISN", QT_TRANSLATE_NOOP("PrintableFormsModel", "Name"),
               QT_TRANSLATE_NOOP("PrintableFormsModel", "Compound"),
               QT_TRANSLATE_NOOP("PrintableFormsModel", "Interviewer"),
               QT_TRANSLATE_NOOP("PrintableFormsModel", "Finalised"),
               QT_TRANSLATE_NOOP("PrintableFormsModel", "Kind"),
               QT_TRANSLATE_NOOP("PrintableFormsModel", "Printed"))
    PRINTED_COLUMN = 6

    def __init__(self, parent=None):
        super().__init__(parent)
        self._forms: list[PrintableForm] = []
        self._print_counts: dict[str, int] = {}
        self._unchecked: set[str] = set()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._forms)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.COLUMNS[section])
        return None

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._forms)):
            return None
        form = self._forms[index.row()]
        if role == FormRole:
            return form
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            return (Qt.CheckState.Unchecked if form.document_id in self._unchecked
                    else Qt.CheckState.Checked)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell_text(form, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.PRINTED_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.CheckStateRole or not index.isValid()
                or index.column() != 0 or not (0 <= index.row() < len(self._forms))):
            return False
        document_id = self._forms[index.row()].document_id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._unchecked.discard(document_id)
        else:
            self._unchecked.add(document_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def _cell_text(self, form: PrintableForm, column: int) -> str:
        if column == 0:
            return form.subject_isn
        if column == 1:
            return form.subject_name
        if column == 2:
            return form.compound or ""
        if column == 3:
            return form.interviewer
        if column == 4:
            return parse_timestamp(form.finalised_at).astimezone().strftime("%Y-%m-%d %H:%M")
        if column == 5:
            if form.kind in KIND_LABELS:
                return translate("BatchPrintDialog", KIND_LABELS[form.kind])
            return form.kind
        return str(self._print_counts.get(form.interview_id, 0))

    # -- what the dialog asks ----------------------------------------------------------
    def set_forms(self, forms: Sequence[PrintableForm], print_counts: dict[str, int]) -> None:
        """``print_counts``: times each interview's form was printed, by interview id."""
        self.beginResetModel()
        self._forms = list(forms)
        self._print_counts = dict(print_counts)
        self._unchecked.clear()
        self.endResetModel()

    def set_print_counts(self, print_counts: dict[str, int]) -> None:
        self._print_counts = dict(print_counts)
        if self._forms:
            self.dataChanged.emit(self.index(0, self.PRINTED_COLUMN),
                                  self.index(len(self._forms) - 1, self.PRINTED_COLUMN))

    def set_all_checked(self, checked: bool) -> None:
        self._unchecked = set() if checked else {form.document_id for form in self._forms}
        if self._forms:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._forms) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])

    def forms(self) -> list[PrintableForm]:
        return list(self._forms)

    def checked_forms(self) -> list[PrintableForm]:
        return [form for form in self._forms if form.document_id not in self._unchecked]


# -- printing (on a pool thread) -----------------------------------------------------------
@dataclass(frozen=True)
class PrintJobItem:
    document_id: str
    subject_isn: str


@dataclass(frozen=True)
class BatchPrintResult:
    total: int
    printed: tuple[str, ...]  # document ids printed and counted, in print order
    pages: int
    cancelled: bool
    problem: str | None = None

    def summary(self) -> str:
        done = len(self.printed)
        if not done:
            counted = translate("BatchPrintDialog", "nothing was printed or counted.")
        elif done == 1:
            counted = translate("BatchPrintDialog", "1 form was printed and counted.")
        else:
            counted = translate("BatchPrintDialog", "{forms} were printed and counted.").format(
                forms=_forms(done))
        if self.problem:
            counted = counted[0].upper() + counted[1:]
            return translate("BatchPrintDialog",
                             "Stopped after {done} of {total}: {problem} {counted}").format(
                done=done, total=self.total, problem=self.problem, counted=counted)
        if self.cancelled:
            return translate("BatchPrintDialog",
                             "Cancelled after {done} of {total}: {counted}").format(
                done=done, total=self.total, counted=counted)
        pages = (translate("BatchPrintDialog", "1 page") if self.pages == 1
                 else translate("BatchPrintDialog", "{count} pages").format(count=self.pages))
        return translate("BatchPrintDialog", "Printed {forms} ({pages}).").format(
            forms=_forms(done), pages=pages)


def _forms(count: int) -> str:
    if count == 1:
        return translate("BatchPrintDialog", "1 form")
    return translate("BatchPrintDialog", "{count} forms").format(count=count)


def print_forms(services: StationServices, actor: Actor, items: Sequence[PrintJobItem],
                printer: QPrinter,
                report: Report, token: CancelToken) -> BatchPrintResult:
    """The worker: prints ``items`` in one job on ``printer``, counting each print.

    Runs on a pool thread with the thread's own services; it touches no widget and
    reports only through ``report``. The printer job starts with the first form, so a run
    cancelled before any form sends nothing to the printer."""
    total = len(items)
    printed: list[str] = []
    pages = 0
    problem: str | None = None
    painter = QPainter()
    try:
        for number, item in enumerate(items, start=1):
            if token.cancelled:
                break
            report(number - 1, total, translate(
                "BatchPrintDialog", "Printing {number} of {total}: {isn}").format(
                    number=number, total=total, isn=item.subject_isn))
            try:
                document = services.documents.document(actor, item.document_id)
                pdf, buffer = load_printable(document.content)
                try:
                    if pdf.pageCount() == 0:
                        raise UserError(translate(
                            "BatchPrintDialog", "the stored form of {isn} could not be read as"
                            " a PDF.").format(isn=item.subject_isn))
                    if not painter.isActive() and not painter.begin(printer):
                        raise OSError(translate("BatchPrintDialog",
                                                "The printer could not be opened."))
                    copy_number = services.documents.record_print(actor, document)
                    pages += paint_pdf_pages(painter, printer, pdf, copy_number,
                                             start_on_new_page=bool(printed))
                finally:
                    pdf.close()
                    buffer.close()
            except (UserError, OSError) as error:
                problem = str(error)
                break
            printed.append(item.document_id)
    finally:
        if painter.isActive():
            painter.end()
    cancelled = token.cancelled and problem is None and len(printed) < total
    return BatchPrintResult(total, tuple(printed), pages, cancelled, problem)


# -- the dialog --------------------------------------------------------------------------
class BatchPrintDialog(QDialog):
    sig_batch_progress = Signal(int, int, str)  # forwarded from the worker
    sig_batch_finished = Signal(object)  # BatchPrintResult, after the dialog shows it
    sig_batch_failed = Signal(str)

    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None
        self._printer: QPrinter | None = None
        self._close_when_done = False
        self.setWindowTitle(self.tr("Print forms"))
        layout = QVBoxLayout(self)

        filters = QHBoxLayout()
        self.compound_combo = QComboBox()
        self.compound_combo.setAccessibleName(self.tr("Compound"))
        self.compound_combo.addItem(self.tr(ALL_COMPOUNDS), None)
        compounds = {f.compound for f in services.documents.printable(actor) if f.compound}
        for compound in sorted(compounds):
            self.compound_combo.addItem(compound, compound)
        self.day_edit = QDateEdit(QDate.currentDate())
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setAccessibleName(self.tr("Finalised on"))
        self.any_day_check = QCheckBox(self.tr("Any &day"))
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(self.tr("Kind of form"))
        for label, kind in KIND_FILTERS:
            self.kind_combo.addItem(self.tr(label), kind)
        compound_label = QLabel(self.tr("&Compound:"))
        compound_label.setBuddy(self.compound_combo)
        day_label = QLabel(self.tr("&Finalised on:"))
        day_label.setBuddy(self.day_edit)
        kind_label = QLabel(self.tr("&Kind:"))
        kind_label.setBuddy(self.kind_combo)
        for widget in (compound_label, self.compound_combo, day_label, self.day_edit,
                       self.any_day_check, kind_label, self.kind_combo):
            filters.addWidget(widget)
        filters.addStretch()
        layout.addLayout(filters)

        self.model = PrintableFormsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((130, 200, 120, 110, 150, 120, 70)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)

        selection = QHBoxLayout()
        self.select_all_button = QPushButton(self.tr("Select &all"))
        self.select_none_button = QPushButton(self.tr("Select &none"))
        self.selection_label = QLabel()
        selection.addWidget(self.select_all_button)
        selection.addWidget(self.select_none_button)
        selection.addWidget(self.selection_label)
        selection.addStretch()
        layout.addLayout(selection)

        self.summary_label = QLabel(
            self.tr("All forms go to the printer as one job. Every print is counted: a form's"
                    " first print, before or after approval, is its original, and later prints"
                    " carry a \u201cCOPY n\u201d mark."))
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"))
        buttons.addStretch()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.compound_combo.currentIndexChanged.connect(self.reload)
        self.kind_combo.currentIndexChanged.connect(self.reload)
        self.day_edit.dateChanged.connect(self.reload)
        self.any_day_check.toggled.connect(self._on_any_day_check_toggled)
        self.select_all_button.clicked.connect(lambda: self.model.set_all_checked(True))
        self.select_none_button.clicked.connect(lambda: self.model.set_all_checked(False))
        self.model.dataChanged.connect(self._update_selection)
        self.model.modelReset.connect(self._update_selection)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.close_button.clicked.connect(self.reject)
        fit_to_screen(self, 980, 600)
        self.reload()

    # -- the list ------------------------------------------------------------------------
    def selected_day(self) -> date | None:
        return None if self.any_day_check.isChecked() else self.day_edit.date().toPython()

    @Slot()
    def reload(self) -> None:
        forms = printable_forms(self._services, self._actor,
                                compound=self.compound_combo.currentData(),
                                local_day=self.selected_day(),
                                kind=self.kind_combo.currentData())
        self.model.set_forms(forms, self._print_counts(forms))

    def _print_counts(self, forms: Sequence[PrintableForm]) -> dict[str, int]:
        return self._services.documents.times_printed_each([f.interview_id for f in forms])

    @Slot(bool)
    def _on_any_day_check_toggled(self, any_day: bool) -> None:
        self.day_edit.setEnabled(not any_day)
        self.reload()

    @Slot()
    def _update_selection(self) -> None:
        checked, shown = len(self.model.checked_forms()), self.model.rowCount()
        self.selection_label.setText(self.tr("{checked} of {forms} selected").format(
            checked=checked, forms=_forms(shown)))
        self.print_button.setEnabled(checked > 0 and self.task is None)

    # -- printing ------------------------------------------------------------------------
    @Slot()
    def _on_print_button_clicked(self) -> None:
        printer = pdf_printer()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.start_printing(printer)

    def start_printing(self, printer: QPrinter) -> Task | None:
        """Print the checked forms on ``printer`` in the background; None when there is
        nothing to print or a run is already under way."""
        items = [PrintJobItem(f.document_id, f.subject_isn) for f in self.model.checked_forms()]
        if not items or self.task is not None:
            return None
        self._printer = printer  # kept alive until the worker is done with it
        self.progress = QProgressDialog(
            self.tr("Preparing to print {forms}…").format(forms=_forms(len(items))),
            self.tr("Cancel"), 0, len(items), self)
        self.progress.setWindowTitle(self.tr("Printing forms"))
        self.progress.setMinimumWidth(380)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self._on_progress_canceled)
        self.summary_label.setText(self.tr("Printing {forms}…").format(forms=_forms(len(items))))
        self.progress.show()
        # Drawing the first image into a PDF loads Qt's image-format plugins, and an object
        # made on the worker is moved to this thread under a lock: with the worker holding
        # Python's lock and this thread waiting for it (deleting a widget whose Python side
        # must be told), the two wait for each other forever. Loaded here, on this thread,
        # they are loaded once and the worker only reads them.
        QImageWriter.supportedImageFormats()
        actor = self._actor
        self.task = run_on_services(
            self._services, lambda services, report, token: print_forms(
                services, actor, items, printer, report, token),
            on_success=self._on_task_finished, on_failure=self._on_task_failed,
            on_progress=self._on_task_progress)
        self._set_filters_enabled(False)  # and printing, while the task runs
        return self.task

    def _set_filters_enabled(self, enabled: bool) -> None:
        for widget in (self.compound_combo, self.kind_combo, self.any_day_check, self.table,
                       self.select_all_button, self.select_none_button):
            widget.setEnabled(enabled)
        self.day_edit.setEnabled(enabled and not self.any_day_check.isChecked())
        self._update_selection()

    @Slot(int, int, str)
    def _on_task_progress(self, done: int, total: int, message: str) -> None:
        if self.progress is not None and self.task is not None and not self.task.token.cancelled:
            self.progress.setLabelText(message)
            self.progress.setValue(done)
        self.sig_batch_progress.emit(done, total, message)

    @Slot()
    def _on_progress_canceled(self) -> None:
        if self.task is not None:
            self.task.token.cancel()
            self.summary_label.setText(
                self.tr("Cancelling: the form being printed is finished first…"))

    @Slot(object)
    def _on_task_finished(self, result: BatchPrintResult) -> None:
        self._end_task()
        self.summary_label.setText(result.summary())
        self.sig_batch_finished.emit(result)
        self._close_if_asked()

    @Slot(str)
    def _on_task_failed(self, message: str) -> None:
        self._end_task()
        self.summary_label.setText(self.tr("Printing failed: {reason} The \u201cPrinted\u201d"
                                           " column shows what was counted.").format(
            reason=message))
        self.sig_batch_failed.emit(message)
        self._close_if_asked()

    def _end_task(self) -> None:
        self.task = None
        self._printer = None
        if self.progress is not None:
            self.progress.canceled.disconnect(self._on_progress_canceled)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self._set_filters_enabled(True)
        self.model.set_print_counts(self._print_counts(self.model.forms()))

    def _close_if_asked(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def hideEvent(self, event) -> None:
        # The progress window names the person being printed; it hides with the dialog
        # (the station locking, say) while the run carries on.
        if self.progress is not None:
            self.progress.hide()
        super().hideEvent(event)

    def reject(self) -> None:
        """Closing while printing cancels the run; the dialog closes once the form being
        printed is finished (the printer must outlive the worker)."""
        if self.task is not None:
            self._close_when_done = True
            self._on_progress_canceled()
            return
        super().reject()
