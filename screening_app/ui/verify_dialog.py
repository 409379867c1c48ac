"""Is this form genuine? Open a PDF, or type the record id from a paper form's QR code."""

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.verification import FormVerification, read_pdf, verify_form
from screening_app.ui.screen_fit import fit_to_screen

QR_PREFIX = "SCREENING-RECORD:"


class VerifyDialog(QDialog):
    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.setWindowTitle(self.tr("Verify a form"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Open a signed PDF, or type (or scan) the record id"
                                        " printed in the QR code of a paper form.")))
        row = QHBoxLayout()
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText(self.tr("Record id, or the QR code's text"))
        self.check_button = QPushButton(self.tr("&Check record"))
        self.open_button = QPushButton(self.tr("&Open PDF…"))
        row.addWidget(self.record_edit, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        layout.addStretch()
        close = QPushButton(self.tr("&Close"))
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        fit_to_screen(self, 680, 420)
        self.check_button.clicked.connect(self._on_check_record)
        self.record_edit.returnPressed.connect(self._on_check_record)
        self.open_button.clicked.connect(self._on_open)

    def _roots(self):
        installed = self._services.keys.station_certificate()
        return [installed.root] if installed else []

    def verify_bytes(self, pdf: bytes, source: str) -> FormVerification | None:
        try:
            result = verify_form(pdf, self._roots(), self._services.station, self._actor,
                                 crls=self._services.sync.revocation_lists())
        except UserError as error:
            self._show(False, str(error), source, ())
            return None
        self._show(result.valid, result.reason, source, result.notes, result.superseded_by)
        return result

    def verify_record_id(self, text: str) -> FormVerification | None:
        record_id = text.strip()
        if record_id.startswith(QR_PREFIX):
            record_id = record_id[len(QR_PREFIX):].split(":")[0]
        try:
            record_id = self._services.documents.find_interview_id(self._actor, record_id)
            document = self._services.documents.latest(self._actor, record_id)
        except UserError as error:
            self._show(False, str(error), text, ())
            return None
        return self.verify_bytes(document.content, self.tr("record {id}").format(id=record_id))

    def _on_check_record(self) -> None:
        if self.record_edit.text().strip():
            self.verify_record_id(self.record_edit.text())

    def _on_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a signed form"), "",
                                              "PDF (*.pdf)")
        if path:
            try:
                pdf = read_pdf(Path(path))
            except UserError as error:
                self._show(False, str(error), path, ())
                return
            self.verify_bytes(pdf, Path(path).name)

    def _show(self, valid: bool, reason: str | None, source: str, notes,
              superseded_by: str | None = None) -> None:
        colour, verdict = (("#1b5e20", self.tr("GENUINE")) if valid
                           else ("#b00020", self.tr("NOT VALID")))
        text = f"<p style='color:{colour}; font-size:15pt'><b>{verdict}</b> — " \
               f"{html.escape(source)}</p>"
        if reason:
            text += f"<p>{html.escape(reason)}</p>"
        if superseded_by:
            # Genuine, but not the form of record any more: said as loudly as the verdict.
            text += f"<p style='color:#8a4b00'><b>{html.escape(superseded_by)}</b></p>"
        if notes:
            text += "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>"
        self.result_label.setText(text)
