"""The pages of a PDF one under another, each rendered as it prints.

QPdfView cannot be used for forms: it renders pages without their annotations, so a
signed form would show its signature boxes empty. Here each page is rendered by
``render_page`` (annotations on) from a document loaded with ``load_printable`` (the
signature boxes drawn in), the first time the page comes into view at a given zoom.
"""

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QScrollArea, QWidget

from screening_app.ui.pdf_printing import render_page

PAGE_GAP = 12  # pixels between pages and around them
MIN_ZOOM, MAX_ZOOM, ZOOM_STEP = 0.25, 4.0, 1.25


class PdfPageWidget(QWidget):
    """One page at the view's scale: white paper, and the page's image once rendered."""

    def __init__(self, view: "PdfPagesView", page: int, parent=None):
        super().__init__(parent)
        self._view = view
        self.page = page
        self._image: QImage | None = None

    def set_pixel_size(self, size: QSize) -> None:
        if size != self.size():
            self._image = None  # rendered again, sharp, at the new size when next painted
        self.setFixedSize(size)

    def rendered(self) -> bool:
        return self._image is not None

    def image(self) -> QImage:
        """The page as drawn on screen (rendered now if it has not been at this size)."""
        ratio = self.devicePixelRatioF()
        wanted = QSize(round(self.width() * ratio), round(self.height() * ratio))
        if self._image is None or self._image.size() != wanted:
            self._image = render_page(self._view.pdf, self.page, wanted)
            self._image.setDevicePixelRatio(ratio)
            self._view.sig_page_rendered.emit(self.page)
        return self._image

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.drawImage(0, 0, self.image())


class PdfPagesView(QScrollArea):
    sig_page_rendered = Signal(int)  # a page was rendered (it is on screen)
    sig_current_page_changed = Signal(int)  # the page at the top of the view, from 0
    sig_zoom_changed = Signal(float)

    def __init__(self, pdf: QPdfDocument, parent=None):
        super().__init__(parent)
        self.pdf = pdf
        self._zoom = 1.0
        self._fit_width = True
        self._current = 0
        # Always on, so fitting the width never makes the bar come and go (and the width
        # with it) at every resize.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # The pages are placed by hand (see _place_pages), so their places are known at once
        # and "go to page" can scroll there before any layout has run.
        self.setWidgetResizable(False)
        pages = QWidget()
        pages.setAutoFillBackground(True)
        palette = pages.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(96, 96, 96))
        pages.setPalette(palette)
        self.page_widgets = [PdfPageWidget(self, page, pages) for page in range(pdf.pageCount())]
        self.setWidget(pages)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self._apply_zoom()

    # -- zoom ------------------------------------------------------------------------------
    def zoom(self) -> float:
        """1.0 is the page's printed size on this screen."""
        return self._zoom

    def fits_width(self) -> bool:
        return self._fit_width

    def set_zoom(self, zoom: float) -> None:
        self._fit_width = False
        self._zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
        self._apply_zoom()

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / ZOOM_STEP)

    def fit_width(self) -> None:
        self._fit_width = True
        self._apply_zoom()

    def _points_to_pixels(self) -> float:
        return self.logicalDpiX() / 72

    def _width_fitting_zoom(self) -> float:
        widest = max((self.pdf.pagePointSize(p).width() for p in range(self.pdf.pageCount())),
                     default=0)
        if widest <= 0:
            return 1.0
        room = self.viewport().width() - 2 * PAGE_GAP
        return min(max(room / (widest * self._points_to_pixels()), MIN_ZOOM), MAX_ZOOM)

    def _apply_zoom(self) -> None:
        page = self._current
        if self._fit_width:
            self._zoom = self._width_fitting_zoom()
        scale = self._zoom * self._points_to_pixels()
        for widget in self.page_widgets:
            points = self.pdf.pagePointSize(widget.page)
            widget.set_pixel_size(QSize(max(int(points.width() * scale), 1),
                                        max(int(points.height() * scale), 1)))
        self._place_pages()
        self.go_to_page(page)
        self.sig_zoom_changed.emit(self._zoom)

    def _place_pages(self) -> None:
        """One page under another, centred, with a gap around each."""
        widest = max((w.width() for w in self.page_widgets), default=0)
        width = max(widest + 2 * PAGE_GAP, self.viewport().width())
        y = PAGE_GAP
        for widget in self.page_widgets:
            widget.move((width - widget.width()) // 2, y)
            y += widget.height() + PAGE_GAP
        self.widget().resize(width, max(y, self.viewport().height()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_width:
            self._apply_zoom()
        else:
            self._place_pages()

    # -- pages -----------------------------------------------------------------------------
    def page_count(self) -> int:
        return len(self.page_widgets)

    def current_page(self) -> int:
        return self._current

    def go_to_page(self, page: int) -> None:
        if not self.page_widgets:
            return
        page = min(max(page, 0), len(self.page_widgets) - 1)
        self.verticalScrollBar().setValue(self.page_widgets[page].y() - PAGE_GAP)
        self._set_current(page)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        # The current page is the one that fills the upper part of the view.
        probe = value + self.viewport().height() // 3
        for widget in reversed(self.page_widgets):
            if widget.y() - PAGE_GAP <= probe:
                self._set_current(widget.page)
                return

    def _set_current(self, page: int) -> None:
        if page != self._current:
            self._current = page
            self.sig_current_page_changed.emit(page)
