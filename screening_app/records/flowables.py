"""Drawn parts of a form that are not text: signature areas and the reserved band at the
foot of the last page."""

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from screening_app.records.fonts import form_font
from screening_app.records.layout import (
    BAND_BOX_HEIGHT,
    BAND_COLUMN_GAP,
    BAND_HEIGHT,
    BAND_LABEL_HEIGHT,
    BAND_QR_COLUMN,
    QR_SIZE,
    band_box_width,
)
from screening_app.records.pages import fit_text
from screening_app.records.qr import draw_qr
from screening_app.records.styles import INK, MUTED, RULE

SIGNATURE_AREA_HEIGHT = 58.0
THUMB_BOX_WIDTH = 46.0
LABEL_LINE = 9.0


class SignatureArea(Flowable):
    """One signer's mark: the drawn image on a signature line, an empty bordered box for a
    thumbprint to be pressed on the paper copy, or a note that the signature is on paper."""

    def __init__(self, mode: str | None, image: ImageReader | None, lines: list[str]):
        super().__init__()
        self.mode = mode
        self.image = image
        self.lines = lines  # texts shown in the area (box labels or the on-paper note)
        self.width = 0.0
        self.height = SIGNATURE_AREA_HEIGHT

    def wrap(self, available_width, available_height):
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        if self.mode == "thumbprint":
            canvas.roundRect(0, 0, THUMB_BOX_WIDTH, self.height, 4, stroke=1, fill=0)
            self._draw_lines(THUMB_BOX_WIDTH + 8, self.height / 2 + 4)
        else:
            canvas.line(0, 3, self.width, 3)  # the signature line
            if self.mode == "signature" and self.image is not None:
                self._draw_image()
            else:
                self._draw_lines(4, self.height / 2)
        canvas.restoreState()

    def _draw_image(self) -> None:
        image_width, image_height = self.image.getSize()
        room_width, room_height = self.width - 8, self.height - 6
        scale = min(room_width / image_width, room_height / image_height)
        width, height = image_width * scale, image_height * scale
        self.canv.drawImage(self.image, (self.width - width) / 2, 5, width, height)

    def _draw_lines(self, x: float, top_baseline: float) -> None:
        font = form_font()
        self.canv.setFillColor(MUTED)
        for index, line in enumerate(self.lines):
            size = 8 if index == 0 else 7.5
            self.canv.setFont(font, size)
            self.canv.drawString(x, top_baseline - index * LABEL_LINE,
                                 fit_text(line, font, size, self.width - x))


class ReservedBand(Flowable):
    """The foot of the last page: QR code, supervisor review box and station signature box.

    It always ends flush with the bottom of the frame (it takes all the height left on the
    page, or moves to a new page when less than the band is left), so the two boxes sit
    exactly where ``layout.signature_box`` and ``layout.countersignature_box`` say.
    """

    def __init__(self, qr_modules: list[list[bool]], qr_labels: list[str],
                 review_labels: list[str], station_labels: list[str]):
        super().__init__()
        self.qr_modules = qr_modules
        self.qr_labels = qr_labels
        self.review_labels = review_labels
        self.station_labels = station_labels
        self.width = 0.0
        self.height = BAND_HEIGHT

    def wrap(self, available_width, available_height):
        self.width = available_width
        # Taking exactly what is left puts the bottom of the band on the frame's bottom.
        self.height = max(available_height, BAND_HEIGHT)
        return self.width, self.height

    def split(self, available_width, available_height):
        return []  # never split: the whole band goes on the next page

    def draw(self) -> None:
        canvas = self.canv
        box_width = band_box_width(self.width)
        review_x = BAND_QR_COLUMN + BAND_COLUMN_GAP
        station_x = review_x + box_width + BAND_COLUMN_GAP
        canvas.saveState()
        draw_qr(canvas, self.qr_modules, 0, 0, QR_SIZE)
        self._draw_labels(0, BAND_QR_COLUMN, self.qr_labels)
        for x, labels in ((review_x, self.review_labels), (station_x, self.station_labels)):
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.9)
            canvas.rect(x, 0, box_width, BAND_BOX_HEIGHT, stroke=1, fill=0)
            self._draw_labels(x, box_width, labels)
        canvas.restoreState()

    def _draw_labels(self, x: float, width: float, labels: list[str]) -> None:
        font = form_font()
        baseline = BAND_BOX_HEIGHT + BAND_LABEL_HEIGHT - 9
        for index, text in enumerate(labels):
            size = 8 if index == 0 else 7.5
            self.canv.setFillColor(INK if index == 0 else MUTED)
            self.canv.setFont(font, size)
            self.canv.drawString(x, baseline - index * LABEL_LINE,
                                 fit_text(text, font, size, width))
