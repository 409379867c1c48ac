"""The roster as a table: lazily fetched pages when browsing, search results when typing."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt

from screening_app.domain.accounts import Actor
from screening_app.domain.subject import Subject
from screening_app.services.app import StationServices
from screening_app.ui.table_models import ColumnsTableModel

SubjectRole = Qt.ItemDataRole.UserRole + 1

# Translated where shown (the interface's language is installed after this import).
STATUS_LABELS = {
    None: QT_TRANSLATE_NOOP("RosterTableModel", "Not interviewed"),
    "draft": QT_TRANSLATE_NOOP("RosterTableModel", "Draft"),
    "completed": QT_TRANSLATE_NOOP("RosterTableModel", "Completed"),
    "not_completed": QT_TRANSLATE_NOOP("RosterTableModel", "Not completed"),
    "sent_back": QT_TRANSLATE_NOOP("RosterTableModel", "Sent back"),
}


def status_name(status: str | None) -> str:
    """One interview status in the interface's language."""
    label = STATUS_LABELS.get(status)
    return QCoreApplication.translate("RosterTableModel", label) if label else (status or "")


def status_label(status: str | None) -> str:
    """"completed+draft" reads "Completed · draft open": the latest finalised outcome stays
    in view while a new interview of the person is under way."""
    if status and "+" in status:
        final, _ = status.split("+", 1)
        return QCoreApplication.translate("RosterTableModel", "{status} · draft open").format(
            status=status_name(final))
    return status_name(status) if status in STATUS_LABELS else ""


COLUMNS = (
    ("isn", "ISN"),
    ("name_native", QT_TRANSLATE_NOOP("RosterTableModel", "Name")),
    ("name_latin", QT_TRANSLATE_NOOP("RosterTableModel", "Romanised")),
    ("nationality", QT_TRANSLATE_NOOP("RosterTableModel", "Nationality")),
    ("compound", QT_TRANSLATE_NOOP("RosterTableModel", "Compound")),
    ("status", QT_TRANSLATE_NOOP("RosterTableModel", "Interview")),
)


_SERVED_ROLES = {SubjectRole, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole}


class RosterTableModel(ColumnsTableModel):
    COLUMNS = COLUMNS
    PAGE_SIZE = 200
    # Enough to choose from while typing: another letter narrows it (and each result costs
    # the keystroke its row, its status and its repaint).
    SEARCH_LIMIT = 100

    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self._status: dict[str, str] = {}
        self._cells: list[tuple[str, ...] | None] = []  # what each row shows, made when asked
        self._query = ""
        self._exhausted = False
        self.set_query("")

    # -- what the view asks -------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # Qt asks for 7 roles per visible cell on every repaint, and every keystroke in the
        # search box repaints the table: answer the roles we do not serve at once, and the
        # others from strings made once per row.
        if role not in _SERVED_ROLES:
            return None
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows):
            return None
        if role == SubjectRole:
            return self._rows[row]
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self._cells_of(self._rows[row])
        return cells[index.column()]

    def _cells_of(self, subject: Subject) -> tuple[str, ...]:
        status = status_label(self._status.get(subject.isn))
        values = (status if field == "status" else getattr(subject, field)
                  for field, _header in COLUMNS)
        return tuple("" if value is None else str(value) for value in values)

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._query and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        last = self._rows[-1].isn if self._rows else None
        page = self._services.roster.page_after(self._actor, last, self.PAGE_SIZE)
        if len(page) < self.PAGE_SIZE:
            self._exhausted = True
        if not page:
            return
        self._load_status(page)
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self._cells.extend([None] * len(page))
        self.endInsertRows()

    # -- what the window asks -------------------------------------------------------------
    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        """Empty text browses the whole roster page by page; any text searches it."""
        self.beginResetModel()
        self._query = text.strip()
        self._status.clear()
        self._exhausted = False
        if self._query:
            self._rows = self._services.roster.search(self._actor, self._query,
                                                      limit=self.SEARCH_LIMIT)
            self._exhausted = True
        else:
            self._rows = self._services.roster.page_after(self._actor, None, self.PAGE_SIZE)
            self._exhausted = len(self._rows) < self.PAGE_SIZE
        self._load_status(self._rows)
        self._cells = [None] * len(self._rows)
        self.endResetModel()

    def texts_of(self, column: int, rows: int = 50) -> list[str]:
        """What the column shows in its first ``rows`` rows; for the status, every label it
        may show (the status of a row changes)."""
        if COLUMNS[column][0] == "status":
            return [status_label(status) for status in STATUS_LABELS] + [
                status_label(f"{status}+draft") for status in STATUS_LABELS if status]
        return [self.data(self.index(row, column)) for row in range(min(rows, len(self._rows)))]

    def subject_at(self, row: int) -> Subject | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def refresh_status(self, isn: str) -> None:
        for row, subject in enumerate(self._rows):
            if subject.isn == isn:
                self._load_status([subject])
                self._cells[row] = None
                cell = self.index(row, len(COLUMNS) - 1)
                self.dataChanged.emit(cell, cell)

    def _load_status(self, subjects: list[Subject]) -> None:
        isns = [s.isn for s in subjects]
        found = self._services.interviews.subject_statuses(self._actor, isns)
        for isn in isns:
            self._status.pop(isn, None)
        self._status.update(found)
