"""Printing stored PDFs: each page rendered by QtPdf and painted on the printer, with a
"COPY n" mark on copies after the first (added at print time only; the stored bytes
never change).

Pages are rendered from ``load_printable``: the stored bytes with their signature boxes
drawn in (see records/print_appearances.py) and every other annotation rendered, so paper
and the preview show what the stored file holds, as any PDF reader shows it."""

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter

PRINT_DPI = 200


def load_pdf(content: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over bytes in memory (the buffer must live as long as the document)."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(content))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(parent)
    document.load(buffer)
    return document, buffer


def load_printable(content: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A stored PDF ready to render as it prints: its form fields' appearances (the
    signature boxes) drawn into its pages, since QtPdf never renders those itself."""
    from screening_app.records.print_appearances import with_field_appearances_drawn

    return load_pdf(with_field_appearances_drawn(content), parent)


def render_page(pdf: QPdfDocument, page: int, size: QSize) -> QImage:
    """One page as an image of ``size`` pixels, with its annotations; transparent where the
    page draws nothing (the paper, or the preview's white page, shows through)."""
    options = QPdfDocumentRenderOptions()
    options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)
    return pdf.render(page, size, options)


def paint_copy_mark(painter: QPainter, area: QRectF, copy_number: int) -> None:
    painter.save()
    font = QFont()
    # In device pixels: the printer's resolution is far above the screen's, so a size in
    # points would come out many times too large.
    font.setPixelSize(max(int(area.height() / 14), 10))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(180, 0, 0, 160))
    painter.translate(area.center())
    painter.rotate(-30)
    text = f"COPY {copy_number}"
    rect = QRectF(-area.width() / 2, -area.height() / 10, area.width(), area.height() / 5)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def paint_pdf_pages(painter: QPainter, printer: QPrinter, pdf: QPdfDocument, copy_number: int,
                    *, start_on_new_page: bool) -> int:
    """Paint every page of ``pdf`` with an active painter, so that many documents can share
    one print job; returns the pages painted."""
    for page in range(pdf.pageCount()):
        if (page or start_on_new_page) and not printer.newPage():
            raise OSError(QCoreApplication.translate("PdfPrinting",
                                                     "The printer refused to start a new page."))
        area = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
        area.moveTo(0, 0)
        points = pdf.pagePointSize(page)
        scale = PRINT_DPI / 72
        image = render_page(pdf, page, QSize(int(points.width() * scale),
                                             int(points.height() * scale)))
        target = fit_rect(area, image.width(), image.height())
        painter.drawImage(target, image)
        if copy_number > 1:
            paint_copy_mark(painter, target, copy_number)
    return pdf.pageCount()


def print_pdf(content: bytes, printer: QPrinter, copy_number: int | Callable[[], int]) -> int:
    """Print one stored PDF as its own job; returns the pages printed.

    ``copy_number`` may be a function: it is called once the printer has opened, so a
    print is counted only when it can really happen."""
    document, buffer = load_printable(content)
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise OSError(QCoreApplication.translate("PdfPrinting",
                                                 "The printer could not be opened."))
    try:
        if callable(copy_number):
            copy_number = copy_number()
        return paint_pdf_pages(painter, printer, document, copy_number, start_on_new_page=False)
    finally:
        painter.end()
        document.close()
        buffer.close()


def fit_rect(area: QRectF, width: int, height: int) -> QRectF:
    scale = min(area.width() / width, area.height() / height)
    w, h = width * scale, height * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


def pdf_printer(path: str | None = None) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    if path:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
    return printer
