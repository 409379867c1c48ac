"""The supervisor's review queue: finalised interviews with their review state, filters,
and the decisions (approve, send back with a reason, reject with a reason)."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.reviews import ReviewItem
from screening_app.ui.table_models import ColumnsTableModel
from screening_app.ui.tasks import Task, run_in_background

ReviewItemRole = Qt.ItemDataRole.UserRole + 3
COLUMNS = (("subject_isn", "ISN"), ("subject_name", "Name"), ("compound", "Compound"),
           ("interviewer", "Interviewer"), ("finalised_at", "Finalised"),
           ("choice", "Choice / outcome"), ("state", "State"), ("flags", "Flags"),
           ("reason", "Reason"))
STATES = (("", "All states"), ("received", "Received"), ("approved", "Approved"),
          ("sent_back", "Sent back"), ("rejected", "Rejected"))


class ReviewQueueModel(ColumnsTableModel):
    COLUMNS = COLUMNS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._flags: dict[str, list] = {}

    def set_items(self, items: list[ReviewItem], flags: dict[str, list] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self._flags = flags or {}
        self.endResetModel()

    def set_flags(self, flags: dict[str, list]) -> None:
        self._flags = flags
        if self._rows:
            column = [c[0] for c in COLUMNS].index("flags")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def flags_of(self, interview_id: str) -> list:
        return self._flags.get(interview_id, [])

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sorted in Python on the items themselves: a proxy model would ask data() for
        every cell of 20,000 rows."""
        field = COLUMNS[column][0]
        self.layoutAboutToBeChanged.emit()
        if field == "flags":
            key = lambda item: len(self._flags.get(item.interview_id, []))  # noqa: E731
        else:
            key = lambda item: str(getattr(item, field) or "")  # noqa: E731
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def item(self, row: int) -> ReviewItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, ReviewItemRole):
            return None
        item = self.row_at(index)
        if item is None:
            return None
        if role == ReviewItemRole:
            return item
        field = COLUMNS[index.column()][0]
        if field == "choice":
            return item.choice or item.outcome.replace("_", " ")
        if field == "state":
            return item.state.replace("_", " ")
        if field == "flags":
            kinds = [f.kind.replace("_", " ") for f in self._flags.get(item.interview_id, [])]
            return f"{len(kinds)}: {', '.join(kinds)}" if kinds else ""
        if field == "finalised_at":
            return item.finalised_at[:16].replace("T", " ")
        value = getattr(item, field)
        return "" if value is None else str(value)


def compute_flags(parent: StationServices, actor):
    """On a pool thread, with its own connection: every flag of the camp."""
    services = parent.for_thread()
    try:
        return services.reviews.flags(actor)
    finally:
        services.close()


class ReviewQueueDialog(QDialog):
    sig_decided = Signal(str, str)  # interview id, decision
    sig_show_form = Signal(str)
    sig_flags_loaded = Signal()

    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self._flags_by_interview: dict[str, list] = {}
        self.setWindowTitle("Review queue")
        self.resize(1100, 600)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.state_filter = QComboBox()
        for value, label in STATES:
            self.state_filter.addItem(label, value)
        self.state_filter.setCurrentIndex(1)  # received: what is waiting
        self.interviewer_filter = QComboBox()
        self.interpreter_filter = QComboBox()
        self.compound_filter = QComboBox()
        self.day_filter = QComboBox()
        self.outcome_filter = QComboBox()
        for value, label in (("", "All outcomes"), ("completed", "Completed"),
                             ("not_completed", "Not completed")):
            self.outcome_filter.addItem(label, value)
        self.flagged_only = QCheckBox("Fla&gged only")
        for label, combo in (("&State", self.state_filter),
                             ("&Interviewer", self.interviewer_filter),
                             ("In&terpreter", self.interpreter_filter),
                             ("&Compound", self.compound_filter),
                             ("&Day", self.day_filter),
                             ("&Outcome", self.outcome_filter)):
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
        filters.addWidget(self.flagged_only)
        filters.addStretch()
        layout.addLayout(filters)
        self.camp_flags_label = QLabel("")
        self.camp_flags_label.setWordWrap(True)
        self.camp_flags_label.setStyleSheet("color: #8a4b00")
        layout.addWidget(self.camp_flags_label)
        self.model = ReviewQueueModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        layout.addWidget(self.table, 1)
        self.flags_label = QLabel("")
        self.flags_label.setWordWrap(True)
        layout.addWidget(self.flags_label)
        buttons = QHBoxLayout()
        self.approve_button = QPushButton("&Approve")
        self.send_back_button = QPushButton("Send &back…")
        self.reject_button = QPushButton("&Reject…")
        self.form_button = QPushButton("Show &form")
        for button in (self.approve_button, self.send_back_button, self.reject_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.form_button)
        layout.addLayout(buttons)
        self.approve_button.clicked.connect(lambda: self.decide_selected("approved"))
        self.send_back_button.clicked.connect(lambda: self.decide_selected("sent_back"))
        self.reject_button.clicked.connect(lambda: self.decide_selected("rejected"))
        self.form_button.clicked.connect(self._on_show_form)
        for combo in (self.state_filter, self.interviewer_filter, self.interpreter_filter,
                      self.compound_filter, self.day_filter, self.outcome_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.flagged_only.toggled.connect(lambda _on: self.reload())
        self._fill_choice_filters()
        self.reload()
        # The flags read every record of the camp (and do not depend on the filters): they
        # are computed once, in the background, so the queue opens quickly at any size.
        self._load_flags()

    def _fill_choice_filters(self) -> None:
        values_by_filter = self._services.reviews.filter_values(self._actor)
        for combo, values, label in (
            (self.interviewer_filter, values_by_filter["interviewer"], "All interviewers"),
            (self.interpreter_filter, values_by_filter["interpreter"], "All interpreters"),
            (self.compound_filter, values_by_filter["compound"], "All compounds"),
            (self.day_filter, values_by_filter["day"], "Any day"),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, "")
            for value in values:
                combo.addItem(value, value)
            combo.blockSignals(False)

    def reload(self) -> None:
        """The queue as the filters say, with the flags known so far."""
        items = self._services.reviews.queue(
            self._actor, state=self.state_filter.currentData() or None,
            interviewer=self.interviewer_filter.currentData() or None,
            interpreter=self.interpreter_filter.currentData() or None,
            compound=self.compound_filter.currentData() or None,
            day=self.day_filter.currentData() or None,
            outcome=self.outcome_filter.currentData() or None)
        if self.flagged_only.isChecked():
            items = [i for i in items if self._flags_by_interview.get(i.interview_id)]
        self.model.set_items(items, self._flags_by_interview)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.table.resizeColumnsToContents()
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.flags_label.setText("")

    def refresh(self) -> None:
        """The queue again, as it is now (opened a second time, it is brought forward and
        brought up to date rather than doubled; its filters stay as they are)."""
        self.reload()
        self._load_flags()

    def _load_flags(self) -> None:
        parent, actor = self._services, self._actor
        self._flags_task = Task(lambda _report, _token: compute_flags(parent, actor))
        self._flags_task.signals.sig_finished.connect(self._on_flags)
        self._flags_task.signals.sig_failed.connect(
            lambda message: self.camp_flags_label.setText(f"Flags could not be computed: "
                                                          f"{message}"))
        run_in_background(self._flags_task)

    def _on_flags(self, flags) -> None:
        self._flags_by_interview = flags.per_interview
        self.model.set_flags(flags.per_interview)
        if self.flagged_only.isChecked():
            self.reload()
        self.camp_flags_label.setText("\n".join(f"⚑ {f.explanation}" for f in flags.camp))
        self._on_row_changed(self.table.currentIndex(), None)
        self.sig_flags_loaded.emit()

    def _on_row_changed(self, current, _previous) -> None:
        item = self._item_at(current)
        found = self.model.flags_of(item.interview_id) if item else []
        self.flags_label.setText("\n".join(f"⚑ {f.explanation}" for f in found))

    def _item_at(self, index) -> ReviewItem | None:
        return self.model.item(index.row()) if index.isValid() else None

    def selected_item(self) -> ReviewItem | None:
        return self._item_at(self.table.currentIndex())

    def ask_reason(self, decision: str) -> str | None:
        title = "Send back" if decision == "sent_back" else "Reject"
        text, ok = QInputDialog.getText(self, title, "Reason (the interviewer will see it):")
        return text if ok else None

    def decide_selected(self, decision: str, reason: str | None = None) -> bool:
        item = self.selected_item()
        if item is None:
            return False
        if decision != "approved" and reason is None:
            reason = self.ask_reason(decision)
            if reason is None:
                return False
        try:
            self._services.reviews.decide(self._actor, item.interview_id, decision,
                                          reason=reason)
        except UserError as error:
            QMessageBox.warning(self, "Not recorded", str(error))
            return False
        self.sig_decided.emit(item.interview_id, decision)
        self.reload()
        return True

    def _on_show_form(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.sig_show_form.emit(item.interview_id)
