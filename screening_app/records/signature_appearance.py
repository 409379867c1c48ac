"""What a visible digital signature looks like on the page: a few lines of text inside the
reserved box, drawn in the form's own bundled font.

pyHanko's text stamps need fontTools and HarfBuzz for a non-Latin font, and cannot open a
font collection (.ttc) such as the bundled one. reportlab already embeds that font (subset)
in every form, so it draws the lines on a one-page PDF the size of the box, and pyHanko
imports that page as the signature's appearance. Hangul and Hanzi then render like the rest
of the form, with no extra dependency.
"""

import hashlib
from collections.abc import Sequence
from io import BytesIO

from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import StaticStampStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from screening_app.domain.errors import UserError
from screening_app.records.fonts import form_font
from screening_app.records.styles import INK

PADDING = 6.0
LARGEST_FONT_SIZE = 9.0
SMALLEST_FONT_SIZE = 5.0
FONT_SIZE_STEP = 0.5
LEADING = 1.25  # line height as a multiple of the font size


def appearance_pdf(lines: Sequence[str], width: float, height: float) -> bytes:
    """A one-page PDF of ``width`` x ``height`` points with ``lines`` written top-down,
    wrapped, at the largest size from 9 to 5 points at which they all fit."""
    font = form_font()
    size, wrapped = _fit(lines, font, width - 2 * PADDING, height - 2 * PADDING)
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, initialFontName=font)
    canvas.setFillColor(INK)
    canvas.setFont(font, size)
    baseline = height - PADDING - size
    for line in wrapped:
        canvas.drawString(PADDING, baseline, line)
        baseline -= size * LEADING
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _fit(lines: Sequence[str], font: str, width: float, height: float,
         ) -> tuple[float, list[str]]:
    size = LARGEST_FONT_SIZE
    while size >= SMALLEST_FONT_SIZE:
        wrapped = [part for line in lines for part in (simpleSplit(line, font, size, width)
                                                      or [""])]
        if len(wrapped) * size * LEADING <= height:
            return size, wrapped
        size -= FONT_SIZE_STEP
    raise UserError(f"The {len(lines)} line(s) of the visible signature do not fit in its"
                    f" {width + 2 * PADDING:.0f} x {height + 2 * PADDING:.0f} point box even at"
                    f" {SMALLEST_FONT_SIZE:g} points; shorten them.")


class _ImportedPdfBytes(content.PdfContent):
    """The first page of a PDF held in memory, as a form XObject (pyHanko's own
    ``ImportedPdfPage`` reads only from a file)."""

    def __init__(self, pdf: bytes):
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        if self.writer is None:
            raise RuntimeError("the appearance was rendered before it was given a writer")
        xobject = self.writer.import_page_as_xobject(PdfFileReader(BytesIO(self._pdf)), 0)
        _retag_font_subsets(xobject.get_object(), self._pdf)
        name = "/SignatureText"
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return f"{name} Do".encode("ascii")


def _subset_tag(pdf: bytes, old_tag: str) -> str:
    """Six capital letters derived from the appearance's bytes and the subset's old tag."""
    digest = hashlib.sha256(pdf + old_tag.encode("ascii", "replace")).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _retag_font_subsets(xobject: generic.StreamObject, pdf: bytes) -> None:
    """reportlab names a document's font subsets AAAAAA+, AAAAAB+, ...; so does the form, with
    different glyphs. Two subsets of one name in one file can be merged by a viewer or a
    printer driver and show wrong glyphs, so the appearance's subsets get their own tag."""
    resources = xobject["/Resources"]
    if "/Font" not in resources:
        return
    fonts = resources["/Font"]
    for key in list(fonts):
        font = fonts[key]
        names = [(font, "/BaseFont")]
        if "/FontDescriptor" in font:
            names.append((font["/FontDescriptor"], "/FontName"))
        for holder, entry in names:
            old_tag, plus, base = str(holder.get(entry, ""))[1:].partition("+")
            if plus:
                holder[entry] = generic.NameObject(f"/{_subset_tag(pdf, old_tag)}+{base}")


def appearance_style(lines: Sequence[str], width: float, height: float) -> StaticStampStyle:
    """The pyHanko stamp style that shows ``lines`` in a box of that size, edge to edge (the
    form already draws the box's frame, so the stamp adds no border)."""
    return StaticStampStyle(
        background=_ImportedPdfBytes(appearance_pdf(lines, width, height)),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
