"""What every flat table model of the app shares: rows in a list, fixed columns."""

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class ColumnsTableModel(QAbstractTableModel):
    """A table over ``self._rows`` with ``COLUMNS`` as (field, header) pairs. Headers are
    marked with ``QT_TRANSLATE_NOOP`` under the model's class name and translated here."""

    COLUMNS: tuple[tuple[str, str], ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.COLUMNS[section][1])
        return None

    def row_at(self, index):
        """The row object behind a valid index, else None."""
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        return self._rows[index.row()]
