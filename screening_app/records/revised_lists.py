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


def render_revised_lists(*, station_id: str, camp: str, demo: bool, made_at: str,
                         chain_head: str, sections: Sequence[tuple[str, Sequence[tuple]]],
                         issuer: str | None = None) -> bytes:
    """``sections``: (title, rows) pairs; each row (ISN, native name, romanised name,
    compound, detail). ``issuer`` replaces "Station <id>" for lists made elsewhere
    (headquarters' merged lists, whose chain heads are one per station)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
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

    font = form_font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=15, leading=19)
    head_style = ParagraphStyle("head", fontName=font, fontSize=11.5, leading=15,
                                spaceBefore=10, spaceAfter=4)
    body_style = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)

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
        data = [["ISN", "Name", "Romanised", "Compound", ""]] + [
            [Paragraph(markup(v or ""), cell_style) for v in row] for row in rows]
        table = LongTable(data, colWidths=[72, 90, 120, 80, 149], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, 0), font, 8),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(table)
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
