"""Station > Interpreters and observers…: the list of people the interview offers by name
(services/known_people.py), for supervisors and admins to keep."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from screening_app.domain.errors import UserError
from screening_app.services.known_people import ROLES
from screening_app.ui.screen_fit import fit_to_screen
from screening_app.ui.table_models import ColumnsTableModel


class KnownPeopleModel(ColumnsTableModel):
    COLUMNS = (("name", QT_TRANSLATE_NOOP("KnownPeopleModel", "Name")),
               ("name_native", QT_TRANSLATE_NOOP("KnownPeopleModel", "Native script")),
               ("languages", QT_TRANSLATE_NOOP("KnownPeopleModel", "Languages")),
               ("body", QT_TRANSLATE_NOOP("KnownPeopleModel", "Body represented")))

    def set_people(self, people) -> None:
        self.beginResetModel()
        self._rows = list(people)
        self.endResetModel()

    def people(self) -> list:
        return list(self._rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        person = self.row_at(index)
        if person is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        field = self.COLUMNS[index.column()][0]
        if field == "languages":
            return ", ".join(person.languages)
        return getattr(person, field) or ""


class KnownPeopleDialog(QDialog):
    def __init__(self, services, actor, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Interpreters and observers"))
        self._services, self._actor = services, actor
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("The interview offers these names as the interviewer types, so"
                               " that each person is written the same way in every record."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.role_box = QComboBox()
        for role in ROLES:
            self.role_box.addItem(self._role_plural(role), role)
        self.role_box.currentIndexChanged.connect(self.refresh)
        layout.addWidget(self.role_box)
        self.model = KnownPeopleModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.name_edit, self.native_edit = QLineEdit(), QLineEdit()
        self.languages_edit, self.body_edit = QLineEdit(), QLineEdit()
        self.languages_edit.setPlaceholderText("ko, en")
        for label, edit in ((self.tr("&Name (romanised)"), self.name_edit),
                            (self.tr("Name in &native script"), self.native_edit),
                            (self.tr("&Languages"), self.languages_edit),
                            (self.tr("&Body represented (observers)"), self.body_edit)):
            form.addRow(label, edit)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add as new"))
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton(self.tr("&Save changes"))
        self.save_button.setToolTip(self.tr("Correct the selected person's entry; records that"
                                            " name them keep the name they were written with"))
        self.save_button.clicked.connect(self.save_changes)
        self.retire_button = QPushButton(self.tr("&Retire selected"))
        self.retire_button.setToolTip(self.tr("No longer offer this person (records that name"
                                              " them keep the name)"))
        self.retire_button.clicked.connect(self.retire)
        for button in (self.add_button, self.save_button, self.retire_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        merging = QHBoxLayout()
        merging.addWidget(QLabel(self.tr("The selected entry is the same person as")))
        self.merge_box = QComboBox()
        merging.addWidget(self.merge_box, 1)
        self.merge_button = QPushButton(self.tr("&Merge"))
        self.merge_button.setToolTip(self.tr("Keep one entry for the two; the review counts the"
                                             " interviews of both as one person's"))
        self.merge_button.clicked.connect(self.merge)
        merging.addWidget(self.merge_button)
        layout.addLayout(merging)
        closing = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        closing.addWidget(self.message, 1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        closing.addWidget(close)
        layout.addLayout(closing)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.refresh()
        fit_to_screen(self, 760, 480)

    @property
    def role(self) -> str:
        return self.role_box.currentData()

    def refresh(self) -> None:
        self.model.set_people(self._services.people.with_role(self._actor, self.role))
        self._on_selected(self.table.currentIndex())

    def selected(self):
        return self.model.row_at(self.table.currentIndex())

    def _on_selected(self, index) -> None:
        """The selected entry's fields in the form, to correct; the others, to merge it
        into."""
        person = self.model.row_at(index) if index.isValid() else None
        self.save_button.setEnabled(person is not None)
        self.retire_button.setEnabled(person is not None)
        self.merge_button.setEnabled(person is not None and self.model.rowCount() > 1)
        self.merge_box.clear()
        if person is None:
            return
        for other in self.model.people():
            if other.id != person.id:
                self.merge_box.addItem(other.shown, other)
        self.name_edit.setText(person.name)
        self.native_edit.setText(person.name_native or "")
        self.languages_edit.setText(", ".join(person.languages))
        self.body_edit.setText(person.body or "")

    def _entered(self) -> dict:
        return {"name": self.name_edit.text(), "name_native": self.native_edit.text(),
                "languages": tuple(self.languages_edit.text().replace(",", " ").split()),
                "body": self.body_edit.text()}

    def save_changes(self) -> None:
        person = self.selected()
        if person is None:
            self.message.setText(self.tr("Select the person to correct first."))
            return
        try:
            changed = self._services.people.change(self._actor, person, **self._entered())
        except UserError as refused:
            self.message.setText(str(refused))
            return
        self.message.setText(self.tr("{before} is now {after}.").format(
            before=person.shown, after=changed.shown))
        self.refresh()

    def merge(self) -> None:
        person, into = self.selected(), self.merge_box.currentData()
        if person is None or into is None:
            self.message.setText(self.tr("Select the entry to merge, and the person it is."))
            return
        answer = QMessageBox.question(
            self, self.tr("Merge two entries"),
            self.tr("{person} and {into} are one person?\n\nThe interview will offer only"
                    " {into}, and the review will count the interviews that name either as this"
                    " one person's. A merge cannot be undone.").format(person=person.shown,
                                                                       into=into.shown))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._services.people.merge(self._actor, person, into)
        except UserError as refused:
            self.message.setText(str(refused))
            return
        self.message.setText(self.tr("{person} is merged into {into}.").format(
            person=person.shown, into=into.shown))
        self.refresh()

    def retire(self) -> None:
        person = self.model.row_at(self.table.currentIndex())
        if person is None:
            self.message.setText(self.tr("Select the person to retire first."))
            return
        try:
            self._services.people.retire(self._actor, person)
        except UserError as refused:
            self.message.setText(str(refused))
            return
        self.message.setText(self.tr("The interview no longer offers {person}.").format(
            person=person.shown))
        self.refresh()

    def add(self) -> None:
        entered = self._entered()
        try:
            person = self._services.people.add(self._actor, self.role, entered.pop("name"),
                                               **entered)
        except UserError as refused:
            self.message.setText(str(refused))
            return
        for edit in (self.name_edit, self.native_edit, self.languages_edit, self.body_edit):
            edit.clear()
        added = {"interpreter": self.tr("Added interpreter {person}."),
                 "observer": self.tr("Added observer {person}.")}.get(
            self.role, f"Added {self.role} {{person}}.")
        self.message.setText(added.format(person=person.shown))
        self.refresh()

    def _role_plural(self, role: str) -> str:
        return {"interpreter": self.tr("Interpreters"),
                "observer": self.tr("Observers")}.get(role, f"{role.capitalize()}s")
