"""What every page of a form carries: the running header, the DEMO watermark of a demo
station, and the footer with the person, the protocol, the record hash and "page x of y"."""

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from screening_app.records.fonts import form_font
from screening_app.records.layout import (
    FOOTER_FIRST_BASELINE,
    FOOTER_SECOND_BASELINE,
    HEADER_BASELINE_FROM_TOP,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
)
from screening_app.records.styles import MUTED, NOTICE, RULE, WATERMARK

HEADER_SIZE = 8.0
FOOTER_SIZE = 7.5
WATERMARK_SIZE = 150.0
ELLIPSIS = "…"


@dataclass(frozen=True)
class PageMarks:
    """The texts repeated on every page."""

    title: str
    station: str
    demo: str | None  # the DEMO notice, or None for a real station
    person: str  # footer, first line: ISN and names
    provenance: str  # footer, second line: protocol and record hash
    page_label: Callable[[int, int], str]
    page_size: tuple[float, float]


def draw_page_background(canvas: Canvas, marks: PageMarks) -> None:
    """Drawn before the page's content, so the watermark stays underneath it."""
    width, height = marks.page_size
    font = form_font()
    canvas.saveState()
    if marks.demo:
        canvas.setFillColor(WATERMARK)
        canvas.setFont(font, WATERMARK_SIZE)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(50)
        canvas.drawCentredString(0, -WATERMARK_SIZE / 3, "DEMO")
        canvas.rotate(-50)
        canvas.translate(-width / 2, -height / 2)
    baseline = height - HEADER_BASELINE_FROM_TOP
    right = width - MARGIN_X
    canvas.setFont(font, HEADER_SIZE)
    canvas.setFillColor(MUTED)
    station_width = min(stringWidth(marks.station, font, HEADER_SIZE), (right - MARGIN_X) / 2)
    station = fit_text(marks.station, font, HEADER_SIZE, station_width)
    canvas.drawRightString(right, baseline, station)
    title_width = right - MARGIN_X - station_width - 12
    canvas.drawString(MARGIN_X, baseline, fit_text(marks.title, font, HEADER_SIZE, title_width))
    if marks.demo:
        canvas.setFillColor(NOTICE)
        canvas.setFont(font, HEADER_SIZE + 1.5)
        canvas.drawString(MARGIN_X, baseline + 11, fit_text(marks.demo, font, HEADER_SIZE + 1.5,
                                                            right - MARGIN_X))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    rule_y = height - MARGIN_TOP + 14
    canvas.line(MARGIN_X, rule_y, right, rule_y)
    canvas.restoreState()


def draw_footer(canvas: Canvas, marks: PageMarks, page: int, pages: int) -> None:
    width, _ = marks.page_size
    font = form_font()
    right = width - MARGIN_X
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    rule_y = MARGIN_BOTTOM - 12
    canvas.line(MARGIN_X, rule_y, right, rule_y)
    canvas.setFillColor(MUTED)
    canvas.setFont(font, FOOTER_SIZE)
    page_text = marks.page_label(page, pages)
    page_width = stringWidth(page_text, font, FOOTER_SIZE)
    canvas.drawRightString(right, FOOTER_FIRST_BASELINE, page_text)
    room = right - MARGIN_X - page_width - 12
    canvas.drawString(MARGIN_X, FOOTER_FIRST_BASELINE,
                      fit_text(marks.person, font, FOOTER_SIZE, room))
    canvas.drawString(MARGIN_X, FOOTER_SECOND_BASELINE,
                      fit_text(marks.provenance, font, FOOTER_SIZE, right - MARGIN_X))
    canvas.restoreState()


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut short with an ellipsis so that it fits ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


class PagedCanvas(Canvas):
    """A canvas that holds every page back until the document is complete, then draws each
    footer knowing the page count: "page x of y" without laying the document out twice."""

    def __init__(self, *args, marks: PageMarks, **kwargs):
        super().__init__(*args, **kwargs)
        self._marks = marks
        self._held_pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            draw_footer(self, self._marks, number, total)
            Canvas.showPage(self)
        Canvas.save(self)
