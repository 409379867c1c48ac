"""Seeing a stored form: preview (pages rendered as they print), print, and save a copy of
the exact bytes."""

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.documents import StoredDocument
from screening_app.ui.pdf_pages_view import PdfPagesView
from screening_app.ui.pdf_printing import load_printable, pdf_printer, print_pdf
from screening_app.ui.screen_fit import fit_to_screen

PREFERRED_SIZE = (820, 900)  # a page's width at a readable size; the screen may allow less


# A stored document's kind as people read it; translated where shown.
KIND_TITLES = {"choice_form": QT_TRANSLATE_NOOP("PdfPreviewDialog", "Choice form"),
               "non_completion": QT_TRANSLATE_NOOP("PdfPreviewDialog", "Non completion")}


translate = QCoreApplication.translate


def pages_text(count: int) -> str:
    if count == 1:
        return translate("PdfPreviewDialog", "1 page")
    return translate("PdfPreviewDialog", "{count} pages").format(count=count)


def printed_text(count: int) -> str:
    if count == 0:
        return translate("PdfPreviewDialog", "not printed yet")
    if count == 1:
        return translate("PdfPreviewDialog", "printed once")
    return translate("PdfPreviewDialog", "printed {count} times").format(count=count)


class PdfPreviewDialog(QDialog):
    def __init__(self, services: StationServices, actor: Actor, document: StoredDocument,
                 parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.document = document
        kind = (translate("PdfPreviewDialog", KIND_TITLES[document.kind])
                if document.kind in KIND_TITLES
                else document.kind.replace("_", " ").capitalize())
        self.setWindowTitle(f"{kind} — {document.interview_id[:8]}")
        layout = QVBoxLayout(self)
        self.pdf, self._buffer = load_printable(document.content, self)
        self.view = PdfPagesView(self.pdf, self)

        navigation = QHBoxLayout()
        self.page_spin = QSpinBox()
        self.page_spin.setRange(1, max(self.pdf.pageCount(), 1))
        self.page_spin.setAccessibleName(self.tr("Page"))
        page_label = QLabel(self.tr("Pa&ge:"))
        page_label.setBuddy(self.page_spin)
        self.zoom_out_button = QPushButton(self.tr("Zoom &out"))
        self.zoom_in_button = QPushButton(self.tr("Zoom &in"))
        self.fit_width_button = QPushButton(self.tr("&Fit width"))
        self.zoom_label = QLabel()
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button):
            button.setAutoDefault(False)  # Enter in the dialog never zooms
        of_pages = QLabel(self.tr("of {count}").format(count=self.pdf.pageCount()))
        for widget in (page_label, self.page_spin, of_pages):
            navigation.addWidget(widget)
        navigation.addStretch()
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button,
                       self.zoom_label):
            navigation.addWidget(widget)
        layout.addLayout(navigation)
        layout.addWidget(self.view, 1)

        self.info_label = QLabel()
        layout.addWidget(self.info_label)
        # Says what happened to the last action here (where a copy was saved).
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("&Print…"))
        self.save_button = QPushButton(self.tr("&Save a copy…"))
        # Forms leave the encrypted database only by a supervisor's deliberate export.
        self.save_button.setVisible(actor.role in (Role.SUPERVISOR, Role.ADMIN))
        close = QPushButton(self.tr("&Close"))
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self.print_button.clicked.connect(self._on_print)
        self.save_button.clicked.connect(self._on_save)
        close.clicked.connect(self.accept)
        self.page_spin.valueChanged.connect(lambda number: self.view.go_to_page(number - 1))
        self.view.sig_current_page_changed.connect(self._on_view_current_page_changed)
        self.view.sig_zoom_changed.connect(self._on_view_zoom_changed)
        self.zoom_in_button.clicked.connect(self.view.zoom_in)
        self.zoom_out_button.clicked.connect(self.view.zoom_out)
        self.fit_width_button.clicked.connect(self.view.fit_width)
        QShortcut(QKeySequence(QKeySequence.StandardKey.ZoomIn), self, self.view.zoom_in)
        QShortcut(QKeySequence(QKeySequence.StandardKey.ZoomOut), self, self.view.zoom_out)
        self.view.setFocus()  # arrows and Page Up/Down scroll the form at once
        fit_to_screen(self, *PREFERRED_SIZE)
        self._on_view_zoom_changed(self.view.zoom())
        self._update_info()

    def _update_info(self) -> None:
        prints = self._services.documents.times_printed(self.document.interview_id)
        self.info_label.setText(
            self.tr("{pages} · revision {revision} · SHA-256 {sha}… · {printed}").format(
                pages=pages_text(self.pdf.pageCount()), revision=self.document.revision,
                sha=self.document.sha256[:16], printed=printed_text(prints)))

    @Slot(int)
    def _on_view_current_page_changed(self, page: int) -> None:
        self.page_spin.blockSignals(True)  # the view is already there
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)

    @Slot(float)
    def _on_view_zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)} %")

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
            QMessageBox.warning(self, self.tr("Not printed"), str(error))

    def _on_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy of the form"),
                                              self.document.suggested_filename, "PDF (*.pdf)")
        if path:
            self.save_copy_to(Path(path))

    def save_copy_to(self, path: Path) -> bool:
        """Write the stored bytes to ``path`` and say where they went."""
        try:
            self._services.documents.export(self._actor, self.document.interview_id, path)
        except (UserError, OSError) as error:
            self.status_label.clear()
            QMessageBox.warning(self, self.tr("Not saved"), str(error))
            return False
        self.status_label.setText(self.tr("Saved a copy of the form to {path}.").format(path=path))
        return True
