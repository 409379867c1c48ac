"""Printing one stored form from its preview: the output has every page of the form, each
print is counted, copies after the first are marked, and the stored bytes never change."""

import re
import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPageSize
from PySide6.QtWidgets import QFileDialog

from screening_app.domain.canonical import sha256_hex
from screening_app.protocol.examples import complete_answers
from screening_app.records.layout import countersignature_box, page_dimensions, signature_box
from screening_app.ui.pdf_preview import PdfPreviewDialog
from screening_app.ui.pdf_printing import load_pdf, pdf_printer
from tests.ui.screen import assert_fits_screen

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
    assert "not printed yet" in preview.info_label.text()

    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    assert preview.print_to(pdf_printer(str(first))) == 1
    assert services.documents.times_printed(interview.id) == 1
    assert preview.print_to(pdf_printer(str(second))) == 2
    assert services.documents.times_printed(interview.id) == 2
    assert "printed 2 times" in preview.info_label.text()

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



# -- what is printed is what is stored ------------------------------------------------------
SHEET_DPI = 60  # enough to tell a filled signature box from an empty one


def full_sheet_a4_printer(path):
    """The app's printer, to a PDF file, on A4 with no margins: each page of the form lands
    on the sheet at its own size and place, so boxes compare point for point."""
    printer = pdf_printer(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    return printer


def ink_in(pdf_path, page: int, box, tmp_path) -> float:
    """The share of dark pixels poppler draws inside ``box`` on ``page`` (from 1), 3 points
    in from the frame the form draws around it."""
    scale, inset = SHEET_DPI / 72, 3
    _, height = page_dimensions("A4")
    x, y = round((box.x1 + inset) * scale), round((height - box.y2 + inset) * scale)
    width = round((box.x2 - box.x1 - 2 * inset) * scale)
    tall = round((box.y2 - box.y1 - 2 * inset) * scale)
    out = tmp_path / f"{pdf_path.stem}-box-{x}"
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(SHEET_DPI),
                    "-gray", "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(tall),
                    "-singlefile", str(pdf_path), str(out)], check=True)
    image = out.with_suffix(".pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", image)
    pixels = image[header.end():]
    return sum(1 for value in pixels if value < 128) / len(pixels)


@pytest.fixture
def approved_form(roster_station):
    """A choice form the supervisor approved: revision 2, with the station's signature and
    the supervisor's countersignature on page 2."""
    services = roster_station.services
    final = services.transcription.record(roster_station.interviewer, "NK-100001",
                                          {"answers": complete_answers()}, "paper.json")
    services.reviews.decide(roster_station.supervisor, final.id, "approved")
    stored = services.documents.latest(roster_station.supervisor, final.id)
    assert stored.revision == 2
    return stored


def test_a_printed_approved_form_shows_both_signature_boxes_as_poppler_does(
        qtbot, roster_station, approved_form, tmp_path):
    stored_path = tmp_path / "stored.pdf"
    stored_path.write_bytes(approved_form.content)
    preview = PdfPreviewDialog(roster_station.services, roster_station.supervisor,
                               approved_form)
    qtbot.addWidget(preview)
    printed_path = tmp_path / "printed.pdf"
    preview.print_to(full_sheet_a4_printer(printed_path))

    for name, box in (("station", signature_box("A4")),
                      ("supervisor", countersignature_box("A4"))):
        stored, printed = (ink_in(path, 2, box, tmp_path)
                           for path in (stored_path, printed_path))
        assert stored > 0.01, f"poppler shows the {name}'s box empty in the stored form"
        assert printed > 0.01, f"the {name}'s signature box was printed empty"
        assert abs(printed - stored) < 0.5 * stored, (name, printed, stored)


def test_the_preview_shows_the_signature_boxes_filled(qtbot, roster_station, approved_form):
    preview = PdfPreviewDialog(roster_station.services, roster_station.supervisor,
                               approved_form)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    with qtbot.waitSignal(preview.view.sig_page_rendered, timeout=5000,
                          check_params_cb=lambda page: page == 1):
        preview.page_spin.setValue(2)
    assert preview.view.current_page() == 1
    image = preview.view.page_widgets[1].image()
    for box in (signature_box("A4"), countersignature_box("A4")):
        assert dark_share_of(image, box) > 0.01


def dark_share_of(image, box) -> float:
    """The share of dark pixels inside ``box`` (3 points in) of a page image."""
    scale = image.width() / page_dimensions("A4")[0]
    inset = 3
    top = image.height() - (box.y2 - inset) * scale
    xs = range(int((box.x1 + inset) * scale), int((box.x2 - inset) * scale))
    ys = range(int(top), int(image.height() - (box.y1 + inset) * scale))
    dark = sum(1 for x in xs for y in ys
               if QColor.fromRgba(image.pixel(x, y)).alpha() > 128
               and QColor.fromRgba(image.pixel(x, y)).lightness() < 128)
    return dark / (len(xs) * len(ys))


# -- the preview dialog -------------------------------------------------------------------
def test_the_preview_fits_the_screen_and_moves_between_pages(qtbot, roster_station):
    services, interviewer = roster_station.services, roster_station.interviewer
    interview = services.transcription.record(interviewer, "NK-100001",
                                              {"answers": complete_answers()}, "paper.json")
    preview = PdfPreviewDialog(services, interviewer,
                               services.documents.latest(interviewer, interview.id))
    qtbot.addWidget(preview)
    assert_fits_screen(qtbot, preview)
    assert preview.view.fits_width() and preview.view.current_page() == 0
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert not preview.view.fits_width() and preview.zoom_label.text() != ""
    preview.view.go_to_page(1)
    assert preview.page_spin.value() == 2
    qtbot.mouseClick(preview.fit_width_button, Qt.MouseButton.LeftButton)
    assert preview.view.fits_width() and preview.view.current_page() == 1
    page = preview.view.page_widgets[1]
    assert page.width() <= preview.view.viewport().width()


def test_save_a_copy_says_where_it_saved_the_exact_bytes(qtbot, roster_station, tmp_path,
                                                         monkeypatch):
    services, supervisor = roster_station.services, roster_station.supervisor
    interview = services.transcription.record(roster_station.interviewer, "NK-100001",
                                              {"answers": complete_answers()}, "paper.json")
    stored = services.documents.latest(supervisor, interview.id)
    preview = PdfPreviewDialog(services, supervisor, stored)
    qtbot.addWidget(preview)
    target = tmp_path / "copies" / "form.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(target), "PDF (*.pdf)")))
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == stored.content
    assert preview.status_label.text() == f"Saved a copy of the form to {target}."


def test_the_info_line_counts_pages_and_prints_in_words(qtbot, roster_station, tmp_path):
    services, interviewer = roster_station.services, roster_station.interviewer
    answers = {key: value for key, value in complete_answers().items()
               if key in ("isn_matches", "name_matches", "unit_matches", "present_persons")}
    answers["no_other_detainees"] = "no"  # stops the interview: a one-page record
    stopped = services.transcription.record(interviewer, "NK-100013", {"answers": answers},
                                            "paper.json")
    record = services.documents.latest(interviewer, stopped.id)
    preview = PdfPreviewDialog(services, interviewer, record)
    qtbot.addWidget(preview)
    assert preview.pdf.pageCount() == 1
    assert preview.info_label.text().startswith("1 page · ")
    assert preview.info_label.text().endswith(" · not printed yet")
    preview.print_to(pdf_printer(str(tmp_path / "first.pdf")))
    assert preview.info_label.text().endswith(" · printed once")
    preview.print_to(pdf_printer(str(tmp_path / "second.pdf")))
    assert preview.info_label.text().endswith(" · printed 2 times")


def test_after_approval_the_countersigned_form_prints_as_copy_2(qtbot, roster_station,
                                                                tmp_path):
    services, supervisor = roster_station.services, roster_station.supervisor
    interview = services.transcription.record(roster_station.interviewer, "NK-100001",
                                              {"answers": complete_answers()}, "paper.json")
    before = PdfPreviewDialog(services, supervisor,
                              services.documents.latest(supervisor, interview.id))
    qtbot.addWidget(before)
    original = tmp_path / "original.pdf"
    assert before.print_to(pdf_printer(str(original))) == 1
    services.reviews.decide(supervisor, interview.id, "approved")

    approved = services.documents.latest(supervisor, interview.id)
    after = PdfPreviewDialog(services, supervisor, approved)
    qtbot.addWidget(after)
    assert after.info_label.text().endswith(" · printed once")
    copy = tmp_path / "copy.pdf"
    assert after.print_to(pdf_printer(str(copy))) == 2
    assert "COPY" not in pdf_text(original)
    assert pdf_text(copy).count("COPY 2") == page_count(approved.content)
