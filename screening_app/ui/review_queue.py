"""The supervisor's review queue: finalised interviews with their review state, filters,
and the decisions (approve after a confirmation, send back or reject with a reason).

Every value is what people read: the protocol's labels for choices and reasons, state
labels, interviewers by display name. After a decision the row stays in view with its
new state (even when the state filter would now hide it) until the filters change or the
queue is reloaded, and a status line says what happened.

The rows come a page at a time (services/review_pages.py), sorted and filtered by the
services, as the roster's do: opening the queue builds the first page whatever the size
of the camp, scrolling down fetches the next, and a line says how many the filters let
through."""

import html
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.review_pages import QueuePages
from screening_app.services.reviews import STATE_LABELS, ReviewItem
from screening_app.ui.language import review_state_name
from screening_app.ui.protocol_wording import ProtocolWording
from screening_app.ui.review_decision import DecisionDialog
from screening_app.ui.screen_fit import fit_to_screen
from screening_app.ui.table_models import ColumnsTableModel
from screening_app.ui.tasks import run_on_services

ReviewItemRole = Qt.ItemDataRole.UserRole + 3
translate = QCoreApplication.translate
COLUMNS = (("subject_isn", "ISN"), ("subject_name", QT_TRANSLATE_NOOP("ReviewQueueModel", "Name")),
           ("compound", QT_TRANSLATE_NOOP("ReviewQueueModel", "Compound")),
           ("interviewer", QT_TRANSLATE_NOOP("ReviewQueueModel", "Interviewer")),
           ("finalised_at", QT_TRANSLATE_NOOP("ReviewQueueModel", "Finalised")),
           ("choice", QT_TRANSLATE_NOOP("ReviewQueueModel", "Choice / outcome")),
           ("state", QT_TRANSLATE_NOOP("ReviewQueueModel", "State")),
           ("flags", QT_TRANSLATE_NOOP("ReviewQueueModel", "Flags")),
           ("reason", QT_TRANSLATE_NOOP("ReviewQueueModel", "Reason / note")))
STATES = ("", *STATE_LABELS)  # "" for all states
# Wider columns are cut with "…" and show the whole value as a tooltip: the table fits a
# 1280-pixel screen whatever a name, a label or a note holds.
MAX_COLUMN_WIDTH = 240
COLUMN_FIT_ROWS = 100
STATUS_STYLE = "color: #1b5e20; font-weight: bold"
ERROR_STYLE = "color: #b00020"


class ReviewQueueModel(ColumnsTableModel):
    """The queue's rows a page at a time: the first page when the filters or the order
    change, the next ones as the view scrolls down to them (``canFetchMore``)."""

    COLUMNS = COLUMNS
    PAGE_SIZE = 200

    def __init__(self, parent=None, wording: ProtocolWording | None = None,
                 open_pages: Callable[[str, bool], QueuePages] | None = None):
        super().__init__(parent)
        self._flags: dict[str, list] = {}
        self.wording = wording
        # (column's field, descending) -> the queue in that order, as the filters say.
        self._open_pages = open_pages
        self._pages: QueuePages | None = None
        self._order = ("finalised_at", False)

    @property
    def total(self) -> int:
        """How many interviews the filters let through, fetched or not."""
        return self._pages.count if self._pages is not None else 0

    def reload(self, at_least: int = 0) -> None:
        """The first page again, as the filters and the order now say; pages enough for
        ``at_least`` rows (a refresh shows as many rows as there were)."""
        pages = self._open_pages(*self._order)
        rows = pages.next_page(self.PAGE_SIZE)
        while len(rows) < at_least and not pages.exhausted:
            rows += pages.next_page(self.PAGE_SIZE)
        self.beginResetModel()
        self._pages = pages
        self._rows = rows
        self.endResetModel()

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._pages is not None and not self._pages.exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        page = self._pages.next_page(self.PAGE_SIZE)
        if not page:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def set_flags(self, flags: dict[str, list]) -> None:
        self._flags = flags
        if self._rows:
            column = [c[0] for c in COLUMNS].index("flags")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def replace_item(self, item: ReviewItem) -> int:
        """Put an interview's new state in its row (it stays where it is); its row."""
        for row, held in enumerate(self._rows):
            if held.interview_id == item.interview_id:
                self._rows[row] = item
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(COLUMNS) - 1))
                return row
        return -1

    def flags_of(self, interview_id: str) -> list:
        return self._flags.get(interview_id, [])

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sorted by the services across every page (the view calls this when a header is
        clicked); before the first load it only says the order to load in."""
        self._order = (COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)
        if self._pages is not None and self._open_pages is not None:
            self.reload()

    def item(self, row: int) -> ReviewItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        ReviewItemRole):
            return None
        item = self.row_at(index)
        if item is None:
            return None
        if role == ReviewItemRole:
            return item
        field = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.ToolTipRole and field == "flags":
            flags = self._flags.get(item.interview_id, [])
            return "\n".join(f"⚑ {f.explanation}" for f in flags) or None
        return _shown(item, field, self._flags, self.wording)


def _shown(item: ReviewItem, field: str, flags: dict[str, list],
           wording: ProtocolWording | None = None) -> str:
    """A cell as people read it: labels, never stored codes."""
    if field == "interviewer":
        return item.interviewer_label or item.interviewer
    if field == "choice":
        return wording.label(item.outcome_label) if wording else item.outcome_label
    if field == "state":
        return review_state_name(item.state)
    if field == "flags":
        titles = [wording.flag_title(f) if wording else f.shown_title
                  for f in flags.get(item.interview_id, [])]
        return f"{len(titles)}: {', '.join(titles)}" if titles else ""
    if field == "finalised_at":
        return item.finalised_local
    value = getattr(item, field)
    return "" if value is None else str(value)


def compute_flags(services: StationServices, actor):
    """On a pool thread, with the thread's own services: every flag of the camp (with the
    interpreters the records name, for the filter)."""
    return services.reviews.flags(actor)


def _fill_filter(combo: QComboBox, values, label: str) -> None:
    """``values`` (what the filter takes, what people read) under ``label`` for all; the
    value chosen stays chosen if it is still there."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(label, "")
    for value, shown in values:
        combo.addItem(shown, value)
        combo.setItemData(combo.count() - 1, shown, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
    combo.blockSignals(False)


def _scrolling_label(lines: int, style: str = "") -> tuple[QLabel, QScrollArea]:
    """A label that may hold many sentences but takes at most ``lines`` lines of the
    window (it scrolls beyond), so the buttons below it stay on screen."""
    label = QLabel("")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    area = QScrollArea()
    area.setWidget(label)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setMaximumHeight(label.fontMetrics().lineSpacing() * lines + 6)
    return label, area


class ReviewQueueDialog(QDialog):
    sig_decided = Signal(str, str)  # interview id, decision
    sig_show_form = Signal(str)
    sig_flags_loaded = Signal()

    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self._flags_by_interview: dict[str, list] = {}
        self._interpreter_of: dict[str, object] | None = None  # with the flags
        self._selected_id: str | None = None  # kept across a reload of the rows
        self.decision_dialog: DecisionDialog | None = None
        self.setWindowTitle(self.tr("Review queue"))
        layout = QVBoxLayout(self)
        # Two rows of filters: in one row they would be wider than a 1280-pixel screen.
        filters = QGridLayout()
        self.state_filter = QComboBox()
        for value in STATES:
            self.state_filter.addItem(review_state_name(value) if value
                                      else self.tr("All states"), value)
        self.state_filter.setCurrentIndex(1)  # received: what is waiting
        self.interviewer_filter = QComboBox()
        self.interpreter_filter = QComboBox()
        self.compound_filter = QComboBox()
        self.day_filter = QComboBox()
        self.outcome_filter = QComboBox()
        for value, label in (("", self.tr("All outcomes")), ("completed", self.tr("Completed")),
                             ("not_completed", self.tr("Not completed"))):
            self.outcome_filter.addItem(label, value)
        self.flagged_only = QCheckBox(self.tr("Fla&gged only"))
        for position, (label, combo) in enumerate((
                (self.tr("&State"), self.state_filter),
                (self.tr("&Interviewer"), self.interviewer_filter),
                (self.tr("In&terpreter"), self.interpreter_filter),
                (self.tr("&Compound"), self.compound_filter),
                (self.tr("&Day"), self.day_filter),
                (self.tr("&Outcome"), self.outcome_filter))):
            # A long name in a filter must not push the window off the screen.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            caption = QLabel(label)
            caption.setBuddy(combo)
            row, column = divmod(position, 3)
            filters.addWidget(caption, row, column * 2)
            filters.addWidget(combo, row, column * 2 + 1)
        filters.addWidget(self.flagged_only, 0, 6)
        for column in (1, 3, 5):
            filters.setColumnStretch(column, 1)
        layout.addLayout(filters)
        self.camp_flags_label, self.camp_flags_area = _scrolling_label(3, "color: #8a4b00")
        self.camp_flags_area.setVisible(False)  # until there is a camp-wide flag to show
        layout.addWidget(self.camp_flags_area)
        # While the flags shown are the last ones computed and newer ones are on their way.
        self.flags_note = QLabel("")
        self.flags_note.setStyleSheet("color: #666")
        self.flags_note.setWordWrap(True)
        self.flags_note.setVisible(False)
        layout.addWidget(self.flags_note)
        self.wording = ProtocolWording(services.interviews.current_protocol())
        self.model = ReviewQueueModel(self, self.wording, self._open_pages)
        self.count_label = QLabel("")
        self.count_label.setAccessibleName(self.tr("Interviews in the queue"))
        layout.addWidget(self.count_label)
        self.table = QTableView()
        self.table.setModel(self.model)
        # After the view's own: it clears the selection when the rows are reloaded.
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._on_rows_reloaded)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Columns fit the rows in view and the next hundred, not every row fetched (Qt's
        # default reads 1,000 rows per column, a third of a second at a large camp; 200
        # rows took 50-90 ms of the opening at 20,000); a longer value further down is
        # cut with "…" and shown whole as a tooltip.
        self.table.horizontalHeader().setResizeContentsPrecision(COLUMN_FIT_ROWS)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        layout.addWidget(self.table, 1)
        self.decision_label = QLabel("")
        self.decision_label.setWordWrap(True)
        self.decision_label.setTextFormat(Qt.TextFormat.RichText)
        self.decision_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.decision_label)
        self.flags_label, flags_area = _scrolling_label(4)
        layout.addWidget(flags_area)
        buttons = QHBoxLayout()
        self.approve_button = QPushButton(self.tr("&Approve…"))
        self.send_back_button = QPushButton(self.tr("Send &back…"))
        self.reject_button = QPushButton(self.tr("&Reject…"))
        self.form_button = QPushButton(self.tr("Show &form"))
        for button in (self.approve_button, self.send_back_button, self.reject_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.form_button)
        layout.addLayout(buttons)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("What happened"))
        layout.addWidget(self.status_label)
        self.approve_button.clicked.connect(lambda: self.decide_selected("approved"))
        self.send_back_button.clicked.connect(lambda: self.decide_selected("sent_back"))
        self.reject_button.clicked.connect(lambda: self.decide_selected("rejected"))
        self.form_button.clicked.connect(self._on_show_form)
        for combo in (self.state_filter, self.interviewer_filter, self.interpreter_filter,
                      self.compound_filter, self.day_filter, self.outcome_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.flagged_only.toggled.connect(lambda _on: self.reload())
        self._fill_choice_filters()
        # The flags read every record of the camp (and do not depend on the filters). The
        # last ones computed come with the rows; when a record or a print came since, they
        # are shown as they were, saying so, while they are computed again in the
        # background, so the queue opens quickly at any size and never without its flags.
        fresh = self._take_last_flags()
        self.reload()
        fit_to_screen(self, 1180, 640)
        if fresh:
            # Said once the window is up (and its listeners connected).
            QTimer.singleShot(0, self, self.sig_flags_loaded.emit)
        else:
            self._compute_flags()

    def _take_last_flags(self) -> bool:
        """Show the flags as last computed; True when nothing has changed since."""
        last = self._services.reviews.last_flags(self._actor)
        if last is None:
            self._show_flags_note(self.tr("Computing the flags…"))
            return False
        self._take_flags(last.flags)
        if last.fresh:
            self._show_flags_note("")
        else:
            self._show_flags_note(self.tr(
                "Flags as computed at {time} (records or prints since then: {changes}); they"
                " are being computed again.").format(time=last.computed_local,
                                                     changes=last.changes_since))
        return last.fresh

    def _show_flags_note(self, text: str) -> None:
        self.flags_note.setText(text)
        self.flags_note.setVisible(bool(text))

    def _fill_choice_filters(self) -> None:
        """The filters' values; the interpreters follow with the flags (listing them opens
        every record's answers, which the flags' background task does anyway)."""
        values_by_filter = self._services.reviews.filter_values(self._actor,
                                                               interpreters=False)
        for combo, values, label in (
            (self.interviewer_filter, values_by_filter["interviewer"],
             self.tr("All interviewers")),
            (self.compound_filter, values_by_filter["compound"], self.tr("All compounds")),
            (self.day_filter, values_by_filter["day"], self.tr("Any day")),
        ):
            _fill_filter(combo, values, label)
        if self.interpreter_filter.count() == 0:
            _fill_filter(self.interpreter_filter, [], self.tr("All interpreters"))

    def reload(self, *, keep_rows: bool = False) -> None:
        """The queue's first page as the filters say, in the order the header shows, with
        the flags known so far; with ``keep_rows``, as many rows as were shown (the
        selected one stays selected)."""
        self.model.reload(self.model.rowCount() if keep_rows else 0)
        self._fit_columns()

    def _open_pages(self, order: str, descending: bool) -> QueuePages:
        """The queue as the filters say, in ``order`` (the model asks, for each reload)."""
        flags = self._flags_by_interview
        return self._services.reviews.queue_pages(
            self._actor, state=self.state_filter.currentData() or None,
            interviewer=self.interviewer_filter.currentData() or None,
            interpreter=self.interpreter_filter.currentData() or None,
            compound=self.compound_filter.currentData() or None,
            day=self.day_filter.currentData() or None,
            outcome=self.outcome_filter.currentData() or None,
            only=([i for i, found in flags.items() if found]
                  if self.flagged_only.isChecked() else None),
            order=order, descending=descending,
            # The states in the order of their labels, as people read them.
            state_order=sorted(STATE_LABELS, key=lambda s: review_state_name(s).casefold()),
            flag_counts=({i: len(found) for i, found in flags.items()}
                         if order == "flags" else None),
            choice_shown=self.wording.label, interpreters=self._interpreter_of)

    def _remember_selection(self) -> None:
        item = self.selected_item()
        self._selected_id = item.interview_id if item is not None else None

    def _on_rows_reloaded(self) -> None:
        """After the filters, the order or a refresh: the interview selected before stays
        selected when it is among the rows shown, else the first row is."""
        self.count_label.setText(self.tr("Interviews: {count}").format(
            count=self.model.total))
        for row in range(self.model.rowCount()):
            if self.model.item(row).interview_id == self._selected_id:
                self.table.selectRow(row)
                return
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show_row(None)

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            if self.table.columnWidth(column) > MAX_COLUMN_WIDTH:
                self.table.setColumnWidth(column, MAX_COLUMN_WIDTH)

    def refresh(self) -> None:
        """The queue again, as it is now (opened a second time, it is brought forward and
        brought up to date rather than doubled; its filters stay as they are)."""
        fresh = self._take_last_flags()
        self.reload(keep_rows=True)
        if fresh:
            self.sig_flags_loaded.emit()
        else:
            self._compute_flags()

    def _compute_flags(self) -> None:
        actor = self._actor
        self._flags_task = run_on_services(
            self._services, lambda services, _report, _token: compute_flags(services, actor),
            on_success=self._on_flags,
            on_failure=lambda message: self._show_flags_note(
                self.tr("Flags could not be computed: {reason}").format(reason=message)))

    def _take_flags(self, flags) -> None:
        """The flags' share of the queue: the interpreters to filter by, each interview's
        flags, and the camp's patterns above the table."""
        _fill_filter(self.interpreter_filter, flags.interpreters, self.tr("All interpreters"))
        self._flags_by_interview = flags.shown_by_interview()
        self._interpreter_of = flags.interpreter_of
        self.model.set_flags(self._flags_by_interview)
        self._show_camp_flags("\n".join(f"⚑ {f.explanation}" for f in flags.camp))

    def _on_flags(self, flags) -> None:
        """The flags computed in the background, arrived: shown against the rows."""
        self._take_flags(flags)
        self._show_flags_note("")
        if self.flagged_only.isChecked() or self.interpreter_filter.currentData():
            # The rows these filters let through may be others now.
            self.reload(keep_rows=True)
        self._fit_columns()
        self._on_row_changed(self.table.currentIndex(), None)
        self.sig_flags_loaded.emit()

    def _show_camp_flags(self, text: str) -> None:
        self.camp_flags_label.setText(text)
        self.camp_flags_area.setVisible(bool(text))

    def _on_row_changed(self, current, _previous) -> None:
        self._show_row(self._item_at(current))

    def _show_row(self, item: ReviewItem | None) -> None:
        """The selected row's decision (who, when, why), its flags, and which decisions
        its state allows."""
        found = self.model.flags_of(item.interview_id) if item else []
        self.flags_label.setText("\n".join(
            f"⚑ {f.explanation}" if f.interview_id
            else "⚑ " + self.tr("Part of a pattern: {flag}").format(flag=f.explanation)
            for f in found))
        self.decision_label.setText(_decision_text(item) if item else "")
        for button in (self.approve_button, self.send_back_button, self.reject_button):
            button.setEnabled(item is not None and item.decidable)
        self.form_button.setEnabled(item is not None)

    def _item_at(self, index) -> ReviewItem | None:
        return self.model.item(index.row()) if index.isValid() else None

    def selected_item(self) -> ReviewItem | None:
        return self._item_at(self.table.currentIndex())

    # -- decisions ----------------------------------------------------------------------
    def decide_selected(self, decision: str) -> DecisionDialog | None:
        """Open the decision's dialog for the selected row (window-modal, so tests and
        people alike act on it while it is open); the decision is recorded on OK."""
        item = self.selected_item()
        if item is None or not item.decidable:
            return None
        try:
            flags = self._services.reviews.flags_for(self._actor, item.interview_id)
        except UserError as error:
            self._say(str(error), ERROR_STYLE)
            return None
        dialog = DecisionDialog(decision, item, flags, self, wording=self.wording)
        dialog.accepted.connect(lambda: self.record_decision(item, decision, dialog.text()))
        self.decision_dialog = dialog
        dialog.open()
        return dialog

    def record_decision(self, item: ReviewItem, decision: str, text: str) -> bool:
        try:
            self._services.reviews.decide(self._actor, item.interview_id, decision,
                                          reason=text or None)
        except UserError as error:
            self._say(self.tr("Not recorded: {reason}").format(reason=error), ERROR_STYLE)
            return False
        decided = self._services.reviews.item(self._actor, item.interview_id)
        row = self.model.replace_item(decided)
        self._fit_columns()  # "Sent back" may be wider than what the column held
        self._say(_what_happened(decided), STATUS_STYLE)
        self._select_next_waiting(row)
        self.sig_decided.emit(item.interview_id, decision)
        return True

    def _select_next_waiting(self, row: int) -> None:
        """On to the next row still waiting for a decision, if there is one below; else
        the decided row stays selected with its new state."""
        candidate = row + 1
        while candidate < self.model.rowCount() or self.model.canFetchMore():
            if candidate >= self.model.rowCount():
                self.model.fetchMore()  # the next page may hold it
                continue
            if self.model.item(candidate).decidable:
                self.table.selectRow(candidate)
                return
            candidate += 1
        self._show_row(self.selected_item())

    def _say(self, text: str, style: str) -> None:
        self.status_label.setStyleSheet(style)
        self.status_label.setText(text)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Locking the station hides the queue: a decision half-made must not stay on
        # screen over the lock (nothing is recorded; the supervisor decides again).
        if self.decision_dialog is not None and self.decision_dialog.isVisible():
            self.decision_dialog.reject()
        super().hideEvent(event)

    def _on_show_form(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.sig_show_form.emit(item.interview_id)


def _what_happened(item: ReviewItem) -> str:
    if item.state == "approved":
        return translate("ReviewQueueDialog", "Approved {person}; the form is countersigned."
                         ).format(person=item.person)
    if item.state == "sent_back":
        return translate("ReviewQueueDialog", "Sent {person} back to {interviewer}: {reason}"
                         ).format(person=item.person, interviewer=item.interviewer_label,
                                  reason=item.reason)
    return translate("ReviewQueueDialog", "Rejected {person}: {reason}").format(
        person=item.person, reason=item.reason)


def _decision_text(item: ReviewItem) -> str:
    if item.decidable:
        return translate("ReviewQueueDialog", "Waiting for a decision.")
    state = f"<b>{review_state_name(item.state)}</b>"
    reviewer = html.escape(item.reviewer or "")
    if item.reviewer and item.reviewed_local:
        text = translate("ReviewQueueDialog", "{state} by {reviewer} on {day}.").format(
            state=state, reviewer=reviewer, day=item.reviewed_local)
    elif item.reviewer:
        text = translate("ReviewQueueDialog", "{state} by {reviewer}.").format(
            state=state, reviewer=reviewer)
    elif item.reviewed_local:
        text = translate("ReviewQueueDialog", "{state} on {day}.").format(
            state=state, day=item.reviewed_local)
    else:
        text = f"{state}."
    if item.reason:
        caption = (translate("ReviewQueueDialog", "Note") if item.state == "approved"
                   else translate("ReviewQueueDialog", "Reason"))
        text += f" {caption}: {html.escape(item.reason)}"
    if item.comment:
        text += " " + translate("ReviewQueueDialog", "Comment: {comment}").format(
            comment=html.escape(item.comment))
    return text
