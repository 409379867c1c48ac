"""Seeing a stored form: preview (QPdfView), print, and save a copy of the exact bytes."""

from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.documents import StoredDocument
from screening_app.ui.pdf_printing import load_pdf, pdf_printer, print_pdf


class PdfPreviewDialog(QDialog):
    def __init__(self, services: StationServices, actor: Actor, document: StoredDocument,
                 parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.document = document
        self.setWindowTitle(f"{document.kind.replace('_', ' ').capitalize()} — "
                            f"{document.interview_id[:8]}")
        self.resize(820, 900)
        layout = QVBoxLayout(self)
        self.pdf, self._buffer = load_pdf(document.content, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.info_label = QLabel()
        layout.addWidget(self.info_label)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("&Save a copy…")
        # Forms leave the encrypted database only by a supervisor's deliberate export.
        self.save_button.setVisible(actor.role in (Role.SUPERVISOR, Role.ADMIN))
        close = QPushButton("&Close")
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self._on_print)
        self.save_button.clicked.connect(self._on_save)
        close.clicked.connect(self.accept)
        self._update_info()

    def _update_info(self) -> None:
        prints = self._services.documents.times_printed(self.document.interview_id)
        self.info_label.setText(
            f"{self.pdf.pageCount()} page(s) · SHA-256 {self.document.sha256[:16]}… · "
            f"printed {prints} time(s)")

    def print_to(self, printer) -> int:
        """Count the print, then print; returns the copy number."""
        copies = []

        def count_this_print() -> int:
            copies.append(self._services.documents.record_print(self._actor, self.document))
            return copies[-1]

        print_pdf(self.document.content, printer, count_this_print)
        self._update_info()
        return copies[-1]

    def _on_print(self) -> None:
        printer = pdf_printer()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        try:
            self.print_to(printer)
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Not printed", str(error))

    def _on_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy of the form",
                                              self.document.suggested_filename, "PDF (*.pdf)")
        if not path:
            return
        try:
            self._services.documents.export(self._actor, self.document.interview_id, path)
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Not saved", str(error))
