"""The revised lists as a PDF: per camp, who is to be repatriated, who is removed from the
exchange lists because they refuse repatriation, and, separately, who was not screened,
whose interview was not completed, and whose record awaits a supervisor's decision.

Names in both scripts, the counts, the station's chain head; the last page keeps a box
free at its foot for the station's digital signature."""

from collections.abc import Sequence
from io import BytesIO

from screening_app.records.layout import FieldBox

PAGE = (595.2756, 841.8898)  # A4 in points
MARGIN = 42
SIGNATURE_BOX = FieldBox(-1, MARGIN, 40, MARGIN + 250, 118)
_RESERVED_AT_FOOT = 150
_COLUMNS = (72, 90, 120, 80, 149)  # ISN, name, romanised, compound, detail (points)
_CELL_PADDING = 6  # reportlab's default on each side of a table cell


def render_revised_lists(*, station_id: str, camp: str, demo: bool, made_at: str,
                         chain_head: str, sections: Sequence[tuple[str, Sequence[tuple]]],
                         issuer: str | None = None) -> bytes:
    """``sections``: (title, rows) pairs; each row (ISN, native name, romanised name,
    compound, detail). ``issuer`` replaces "Station <id>" for lists made elsewhere
    (headquarters' merged lists, whose chain heads are one per station)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import (
        CondPageBreak,
        LongTable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    from screening_app.records.fonts import form_font
    from screening_app.records.markup import markup, neutralised
    from screening_app.records.paged_table import PagedTable

    font = form_font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=15, leading=19)
    head_style = ParagraphStyle("head", fontName=font, fontSize=11.5, leading=15,
                                spaceBefore=10, spaceAfter=4)
    body_style = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10,
                                wordWrap="CJK")

    wrapped: dict[tuple[str, float], object] = {}

    def cell(text: str, width: float):
        # Cells are text, broken into lines once per distinct value (the details repeat:
        # "approved at KOJE-62"); laying every cell out as a paragraph took most of the
        # time at 200,000 rows. A value no space lets break (a long name in Hangul) is a
        # paragraph (escaped), which breaks it anywhere.
        key = (text, width)
        if key not in wrapped:
            room = width - 2 * _CELL_PADDING
            # Drawn as text, never read as markup; reordering controls shown, not obeyed.
            lines = simpleSplit(neutralised(text).replace("\r\n", "\n"), font, 8, room)
            wrapped[key] = "\n".join(lines) if all(
                stringWidth(line, font, 8) <= room for line in lines) else Paragraph(
                markup(text), cell_style)
        return wrapped[key]

    def table_of(data: list) -> LongTable:
        table = LongTable(data, colWidths=_COLUMNS, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), font, 8),
            ("LEADING", (0, 1), (-1, -1), 10),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return table

    counts = ", ".join(f"{title}: {len(rows)}" for title, rows in sections)
    story = [
        Paragraph(markup(("DEMO — not real lists · " if demo else "")
                         + f"Revised lists · 수정 명단 · 修订名单 — {camp}"), title_style),
        Paragraph(markup(f"{issuer or f'Station {station_id}'} · made {made_at} UTC · chain"
                         f" head{'s' if issuer else ''} {chain_head}"), body_style),
        Paragraph(markup(f"From approved records only. {counts}."), body_style),
    ]
    for title, rows in sections:
        story.append(Paragraph(markup(f"{title} ({len(rows)})"), head_style))
        if not rows:
            story.append(Paragraph("None.", body_style))
            continue
        cells = [[cell(value or "", width) for value, width in zip(row, _COLUMNS, strict=True)]
                 for row in rows]
        story.append(PagedTable.of(["ISN", "Name", "Romanised", "Compound", ""], cells,
                                   table_of))
    story += [CondPageBreak(_RESERVED_AT_FOOT), Spacer(1, 4)]

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.drawString(MARGIN, 24, neutralised(f"{station_id} · {camp} · revised lists ·"
                                                  f" {made_at} UTC · chain {chain_head[:24]}"))
        canvas.drawRightString(PAGE[0] - MARGIN, 24, f"Page {document.page}")
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=MARGIN, bottomMargin=MARGIN,
                                 title=f"Revised lists {camp}", invariant=1)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
