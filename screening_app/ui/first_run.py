"""The first start on a data directory with no station: create one, or open the demo."""

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from screening_app.domain.errors import UserError
from screening_app.services.app import init_station
from screening_app.services.demo import prepare_demo


class FirstRunDialog(QDialog):
    def __init__(self, data_dir: Path, parent=None):
        super().__init__(parent)
        self._data_dir = data_dir
        self.created_demo = False
        self.setWindowTitle(self.tr("Set up this station"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("There is no station in <b>{folder}</b> yet.").format(
            folder=data_dir)))

        form = QFormLayout()
        self.station_id = QLineEdit()
        self.camp = QLineEdit()
        self.admin = QLineEdit("admin")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Station &id"), self.station_id)
        form.addRow(self.tr("&Camp"), self.camp)
        form.addRow(self.tr("&Admin name"), self.admin)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow(self.tr("&Repeat"), self.repeat)
        layout.addLayout(form)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.create_button = QPushButton(self.tr("Create &station"))
        self.demo_button = QPushButton(self.tr("Open the &demo station"))
        cancel = QPushButton(self.tr("Cancel"))
        buttons.addWidget(self.demo_button)
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(self.create_button)
        layout.addLayout(buttons)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._on_create)
        self.demo_button.clicked.connect(self._on_demo)
        cancel.clicked.connect(self.reject)

    def _on_create(self) -> None:
        if self.password.text() != self.repeat.text():
            self.error_label.setText(self.tr("The two passwords differ."))
            return
        try:
            services = init_station(self._data_dir, self.station_id.text().strip(),
                                    self.camp.text().strip(), self.admin.text().strip(),
                                    self.password.text())
        except UserError as error:
            self.error_label.setText(str(error))
            return
        services.close()
        self.accept()

    def _on_demo(self) -> None:
        try:
            prepare_demo(self._data_dir)
        except UserError as error:
            self.error_label.setText(str(error))
            return
        self.created_demo = True
        self.accept()
