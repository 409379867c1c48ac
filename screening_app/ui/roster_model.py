"""The roster as a table: lazily fetched pages when browsing, search results when typing."""

from PySide6.QtCore import QModelIndex, Qt

from screening_app.domain.accounts import Actor
from screening_app.domain.subject import Subject
from screening_app.services.app import StationServices
from screening_app.ui.table_models import ColumnsTableModel

SubjectRole = Qt.ItemDataRole.UserRole + 1

STATUS_LABELS = {
    None: "Not interviewed",
    "draft": "Draft",
    "completed": "Completed",
    "not_completed": "Not completed",
    "sent_back": "Sent back",
}


def status_label(status: str | None) -> str:
    """"completed+draft" reads "Completed · draft open": the latest finalised outcome stays
    in view while a new interview of the person is under way."""
    if status and "+" in status:
        final, _ = status.split("+", 1)
        return f"{STATUS_LABELS.get(final, final)} · draft open"
    return STATUS_LABELS.get(status, "")


COLUMNS = (
    ("isn", "ISN"),
    ("name_native", "Name"),
    ("name_latin", "Romanised"),
    ("nationality", "Nationality"),
    ("compound", "Compound"),
    ("status", "Interview"),
)


_SERVED_ROLES = {SubjectRole, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole}


class RosterTableModel(ColumnsTableModel):
    COLUMNS = COLUMNS
    PAGE_SIZE = 200
    SEARCH_LIMIT = 200

    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self._status: dict[str, str] = {}
        self._query = ""
        self._exhausted = False
        self.set_query("")

    # -- what the view asks -------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # Qt asks for many roles per cell on every repaint; answer the ones we do not serve
        # before touching the row.
        if role not in _SERVED_ROLES:
            return None
        subject = self.row_at(index)
        if subject is None:
            return None
        if role == SubjectRole:
            return subject
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            field = COLUMNS[index.column()][0]
            if field == "status":
                return status_label(self._status.get(subject.isn))
            value = getattr(subject, field)
            return "" if value is None else str(value)
        return None

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
        self.endResetModel()

    def subject_at(self, row: int) -> Subject | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def refresh_status(self, isn: str) -> None:
        for row, subject in enumerate(self._rows):
            if subject.isn == isn:
                self._load_status([subject])
                cell = self.index(row, len(COLUMNS) - 1)
                self.dataChanged.emit(cell, cell)

    def _load_status(self, subjects: list[Subject]) -> None:
        isns = [s.isn for s in subjects]
        found = self._services.interviews.subject_statuses(self._actor, isns)
        for isn in isns:
            self._status.pop(isn, None)
        self._status.update(found)
