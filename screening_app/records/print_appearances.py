"""A copy of a stored PDF for drawing on screen and on paper, with the appearance of every
form field drawn into its page.

QtPdf's renderer (PDFium) draws annotations on request but never widget annotations, the
kind a signature field is: without this copy, a printed approved form would show the
station's and the supervisor's signature boxes empty although the stored file (and poppler,
and any PDF reader) shows them filled. The copy is an incremental update made in memory for
rendering only: it is never stored, exported or signed, and the stored bytes stay as they
are (like the "COPY n" mark, it exists at print time only).
"""

from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

# Annotation flags (PDF 32000-1, 12.5.3): what is printed is what is shown.
HIDDEN = 2
PRINT = 4
NO_VIEW = 32

_XOBJECT_PREFIX = "ScreeningFieldAppearance"


def with_field_appearances_drawn(pdf: bytes) -> bytes:
    """``pdf`` with the normal appearance of each printable widget annotation (signature
    boxes, any other form field) drawn into its page's content instead of lying over it;
    ``pdf`` itself when it has none, or when it cannot be read (then the renderer says what
    it makes of it)."""
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        pages = _page_count(writer)
        drawn = 0
        for page_index in range(pages):
            drawn += _draw_widgets_of_page(writer, page_index, drawn)
        if not drawn:
            return pdf
        output = BytesIO()
        writer.write(output)
        return output.getvalue()
    except Exception:  # noqa: BLE001 -- a damaged file is shown as the renderer shows it
        return pdf


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def _draw_widgets_of_page(writer: IncrementalPdfFileWriter, page_index: int,
                          numbered_from: int) -> int:
    page_ref, _ = writer.find_page_for_modification(page_index)
    page = page_ref.get_object()
    annotations = page.get("/Annots", generic.ArrayObject())
    drawings, xobjects, kept = [], generic.DictionaryObject(), generic.ArrayObject()
    for reference in annotations:
        annotation = reference.get_object()
        appearance_ref = _printable_widget_appearance(annotation)
        matrix = None if appearance_ref is None else _placement(
            appearance_ref.get_object(), [float(v) for v in annotation["/Rect"]])
        if matrix is None:
            kept.append(reference)
            continue
        name = f"/{_XOBJECT_PREFIX}{numbered_from + len(drawings)}"
        xobjects[generic.NameObject(name)] = appearance_ref
        numbers = " ".join(f"{value:.6f}" for value in matrix)
        drawings.append(f"q {numbers} cm {name} Do Q")
    if not drawings:
        return 0
    # Drawn into the page, the widgets leave its annotations: no renderer draws them twice.
    page[generic.NameObject("/Annots")] = kept
    writer.mark_update(page_ref)
    # The page's own content may leave its graphics state changed (an unclosed "q", a "cm"),
    # so it is wrapped in q ... Q and the appearances are drawn after it, on top, as a
    # viewer draws annotations.
    writer.add_stream_to_page(page_index, writer.add_object(generic.StreamObject(
        stream_data=b"q\n")), prepend=True)
    content = "Q\n" + "\n".join(drawings) + "\n"
    writer.add_stream_to_page(
        page_index, writer.add_object(generic.StreamObject(stream_data=content.encode())),
        resources=generic.DictionaryObject({generic.NameObject("/XObject"): xobjects}))
    return len(drawings)


def _printable_widget_appearance(annotation) -> generic.IndirectObject | None:
    """The normal appearance stream of a widget that is printed and shown, or None."""
    if not isinstance(annotation, generic.DictionaryObject):
        return None
    if annotation.get("/Subtype") != "/Widget" or "/Rect" not in annotation:
        return None
    flags = int(annotation.get("/F", 0))
    if flags & (HIDDEN | NO_VIEW) or not flags & PRINT:
        return None
    try:
        normal_ref = annotation["/AP"].raw_get("/N")
    except (KeyError, AttributeError, TypeError):
        return None
    normal = normal_ref.get_object()
    if isinstance(normal, generic.StreamObject):
        return normal_ref if isinstance(normal_ref, generic.IndirectObject) else None
    if isinstance(normal, generic.DictionaryObject):
        # A check box or radio button: one appearance per state, /AS names the one shown.
        state = annotation.get("/AS")
        chosen = normal.raw_get(state) if state in normal else None
        return chosen if isinstance(chosen, generic.IndirectObject) else None
    return None


def _placement(appearance, rect: list[float]) -> list[float] | None:
    """The matrix that maps the appearance's transformed bounding box onto the annotation's
    rectangle (PDF 32000-1, 12.5.5); None for a box of no size."""
    bbox = [float(v) for v in appearance.get("/BBox", [0, 0, 0, 0])]
    a, b, c, d, e, f = [float(v) for v in appearance.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    corners = [(x * a + y * c + e, x * b + y * d + f)
               for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    left, right = min(x for x, _ in corners), max(x for x, _ in corners)
    bottom, top = min(y for _, y in corners), max(y for _, y in corners)
    x1, x2 = sorted(rect[0::2])
    y1, y2 = sorted(rect[1::2])
    if right - left <= 0 or top - bottom <= 0:
        return None
    scale_x, scale_y = (x2 - x1) / (right - left), (y2 - y1) / (top - bottom)
    return [scale_x, 0.0, 0.0, scale_y, x1 - left * scale_x, y1 - bottom * scale_y]
