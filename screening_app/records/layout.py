"""Page geometry of the printed forms, and the two boxes later signatures go into.

The last page of every form ends with a band at a fixed place: the record's QR code, the
supervisor's countersignature box and the station's digital signature box. Their
coordinates depend only on the page size, so the code that signs a stored PDF (pyHanko)
can be told where they are without reading the PDF.
"""

from typing import NamedTuple

from screening_app.domain.errors import UserError

_POINTS_PER_MM = 72 / 25.4
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210 * _POINTS_PER_MM, 297 * _POINTS_PER_MM),
    "Letter": (612.0, 792.0),
}

MARGIN_X = 40.0
MARGIN_TOP = 62.0  # room for the running header
MARGIN_BOTTOM = 54.0  # room for the two-line footer
HEADER_BASELINE_FROM_TOP = 30.0
FOOTER_FIRST_BASELINE = 32.0
FOOTER_SECOND_BASELINE = 21.0

# The reserved band at the bottom of the last page (all in points).
BAND_GAP_ABOVE = 8.0
BAND_LABEL_HEIGHT = 22.0  # two lines of labels above the boxes
BAND_BOX_HEIGHT = 88.0
BAND_HEIGHT = BAND_GAP_ABOVE + BAND_LABEL_HEIGHT + BAND_BOX_HEIGHT
BAND_QR_COLUMN = 104.0
BAND_COLUMN_GAP = 14.0
QR_SIZE = BAND_BOX_HEIGHT

# pyHanko's convention: a negative page index counts from the end, -1 is the last page.
LAST_PAGE = -1


class FieldBox(NamedTuple):
    """A rectangle on one page, in PDF points from the bottom-left corner."""

    page_index_from_end: int
    x1: float
    y1: float
    x2: float
    y2: float


def page_dimensions(page_size: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES[page_size]
    except KeyError:
        known = " or ".join(PAGE_SIZES)
        raise UserError(f"Page size {page_size!r} is not supported; use {known}.") from None


def frame_width(page_size: str) -> float:
    width, _ = page_dimensions(page_size)
    return width - 2 * MARGIN_X


def frame_height(page_size: str) -> float:
    _, height = page_dimensions(page_size)
    return height - MARGIN_TOP - MARGIN_BOTTOM


def band_box_width(width: float) -> float:
    """Width of each of the two signature boxes in a band ``width`` points wide."""
    return (width - BAND_QR_COLUMN - 2 * BAND_COLUMN_GAP) / 2


def countersignature_box(page_size: str) -> FieldBox:
    """Where the supervisor's countersignature goes: last page, middle of the band."""
    x1 = MARGIN_X + BAND_QR_COLUMN + BAND_COLUMN_GAP
    return _band_box(page_size, x1)


def signature_box(page_size: str) -> FieldBox:
    """Where the station's visible digital signature goes: last page, right of the band."""
    box_width = band_box_width(frame_width(page_size))
    x1 = MARGIN_X + BAND_QR_COLUMN + 2 * BAND_COLUMN_GAP + box_width
    return _band_box(page_size, x1)


def _band_box(page_size: str, x1: float) -> FieldBox:
    box_width = band_box_width(frame_width(page_size))
    # The band is laid out flush with the bottom of the frame.
    y1 = MARGIN_BOTTOM
    return FieldBox(LAST_PAGE, x1, y1, x1 + box_width, y1 + BAND_BOX_HEIGHT)
