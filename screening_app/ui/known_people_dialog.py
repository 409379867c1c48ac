"""Station > Interpreters and observers…: the list of people the interview offers by name
(services/known_people.py), for supervisors and admins to keep."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from screening_app.domain.errors import UserError
from screening_app.services.known_people import ROLES
from screening_app.ui.screen_fit import fit_to_screen
from screening_app.ui.table_models import ColumnsTableModel


class KnownPeopleModel(ColumnsTableModel):
    COLUMNS = (("name", "Name"), ("name_native", "Native script"),
               ("languages", "Languages"), ("body", "Body represented"))

    def set_people(self, people) -> None:
        self.beginResetModel()
        self._rows = list(people)
        self.endResetModel()

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
        self.setWindowTitle("Interpreters and observers")
        self._services, self._actor = services, actor
        layout = QVBoxLayout(self)
        intro = QLabel("The interview offers these names as the interviewer types, so that"
                       " each person is written the same way in every record.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.role_box = QComboBox()
        for role in ROLES:
            self.role_box.addItem(f"{role.capitalize()}s", role)
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
        for label, edit in (("&Name (romanised)", self.name_edit),
                            ("Name in &native script", self.native_edit),
                            ("&Languages", self.languages_edit),
                            ("&Body represented (observers)", self.body_edit)):
            form.addRow(label, edit)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add")
        self.add_button.clicked.connect(self.add)
        self.retire_button = QPushButton("&Retire selected")
        self.retire_button.setToolTip("No longer offer this person (records that name them"
                                      " keep the name)")
        self.retire_button.clicked.connect(self.retire)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.retire_button)
        buttons.addWidget(self.message, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.refresh()
        fit_to_screen(self, 760, 480)

    @property
    def role(self) -> str:
        return self.role_box.currentData()

    def refresh(self) -> None:
        self.model.set_people(self._services.people.with_role(self._actor, self.role))

    def retire(self) -> None:
        person = self.model.row_at(self.table.currentIndex())
        if person is None:
            self.message.setText("Select the person to retire first.")
            return
        try:
            self._services.people.retire(self._actor, person)
        except UserError as refused:
            self.message.setText(str(refused))
            return
        self.message.setText(f"The interview no longer offers {person.shown}.")
        self.refresh()

    def add(self) -> None:
        try:
            person = self._services.people.add(
                self._actor, self.role, self.name_edit.text(),
                name_native=self.native_edit.text(),
                languages=tuple(self.languages_edit.text().replace(",", " ").split()),
                body=self.body_edit.text())
        except UserError as refused:
            self.message.setText(str(refused))
            return
        for edit in (self.name_edit, self.native_edit, self.languages_edit, self.body_edit):
            edit.clear()
        self.message.setText(f"Added {self.role} {person.shown}.")
        self.refresh()
