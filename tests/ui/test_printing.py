"""Printing one stored form from its preview: the output has every page of the form, each
print is counted, copies after the first are marked, and the stored bytes never change."""

import shutil
import subprocess

import pytest
from PySide6.QtGui import QColor

from screening_app.domain.canonical import sha256_hex
from screening_app.protocol.examples import complete_answers
from screening_app.ui.pdf_preview import PdfPreviewDialog
from screening_app.ui.pdf_printing import load_pdf, pdf_printer

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")


def pdf_text(path) -> str:
    """The text of a PDF in drawing order, spaces and line breaks collapsed (the rotated
    mark comes out as "COPY\\n2")."""
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(raw.split())


def page_count(content: bytes) -> int:
    pdf, buffer = load_pdf(content)
    try:
        return pdf.pageCount()
    finally:
        pdf.close()
        buffer.close()


def dark_share_of_first_page(content: bytes) -> float:
    """How much of the first page is ink, rendered small (a blank print scores 0)."""
    pdf, buffer = load_pdf(content)
    try:
        image = pdf.render(0, pdf.pagePointSize(0).toSize())
    finally:
        pdf.close()
        buffer.close()
    dark = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if QColor(image.pixel(x, y)).lightness() < 128)
    return dark / ((image.width() // 2) * (image.height() // 2))


def test_printing_a_stored_form_counts_each_print_and_marks_the_copies(qtbot, roster_station,
                                                                        tmp_path):
    services, interviewer = roster_station.services, roster_station.interviewer
    interview = services.transcription.record(interviewer, "NK-100001",
                                              {"answers": complete_answers()}, "paper.json")
    stored = services.documents.latest(interviewer, interview.id)
    stored_pages = page_count(stored.content)
    assert stored_pages >= 1
    preview = PdfPreviewDialog(services, interviewer, stored)
    qtbot.addWidget(preview)
    assert "printed 0 time(s)" in preview.info_label.text()

    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    assert preview.print_to(pdf_printer(str(first))) == 1
    assert services.documents.times_printed(interview.id) == 1
    assert preview.print_to(pdf_printer(str(second))) == 2
    assert services.documents.times_printed(interview.id) == 2
    assert "printed 2 time(s)" in preview.info_label.text()

    for output in (first, second):
        content = output.read_bytes()
        assert page_count(content) == stored_pages
        assert dark_share_of_first_page(content) > 0.002  # the form itself, not a blank sheet
    assert "COPY" not in pdf_text(first)

    again = services.documents.latest(interviewer, interview.id)
    assert again.content == stored.content
    assert sha256_hex(again.content) == stored.sha256


# The mark is sized in device pixels: in points it came out some 17 times too large at a
# printer's 1200 dpi, a red blob whose letters fell off the page.
def test_a_second_print_carries_a_readable_copy_mark_on_every_page(qtbot, roster_station,
                                                                    tmp_path):
    services, interviewer = roster_station.services, roster_station.interviewer
    interview = services.transcription.record(interviewer, "NK-100002",
                                              {"answers": complete_answers()}, "paper.json")
    stored = services.documents.latest(interviewer, interview.id)
    preview = PdfPreviewDialog(services, interviewer, stored)
    qtbot.addWidget(preview)
    preview.print_to(pdf_printer(str(tmp_path / "first.pdf")))
    second = tmp_path / "second.pdf"
    assert preview.print_to(pdf_printer(str(second))) == 2
    assert pdf_text(second).count("COPY 2") == page_count(stored.content)

