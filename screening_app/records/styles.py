"""Paragraph styles and colours of the printed forms: one font, a few sizes."""

from dataclasses import dataclass
from functools import cache

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from screening_app.records.fonts import form_font

INK = HexColor("#111111")
MUTED = HexColor("#555555")
RULE = HexColor("#8a8a8a")
HEADING_BACKGROUND = HexColor("#e4e9f0")
CHOICE_BACKGROUND = HexColor("#f3f6fa")
NOTICE = HexColor("#9a1c1c")
WATERMARK = HexColor("#e6e6e6")


@dataclass(frozen=True)
class FormStyles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    value_cjk: ParagraphStyle
    small: ParagraphStyle
    small_cjk: ParagraphStyle
    choice: ParagraphStyle
    choice_cjk: ParagraphStyle
    declaration: ParagraphStyle
    declaration_cjk: ParagraphStyle
    notice: ParagraphStyle

    def for_language(self, style: ParagraphStyle, language: str | None) -> ParagraphStyle:
        """The style for text in ``language``: Chinese has no spaces, so it may break
        between any two characters."""
        if language == "zh":
            return getattr(self, f"{style.name}_cjk", style)
        return style


@cache
def form_styles() -> FormStyles:
    font = form_font()

    def style(name: str, size: float, leading: float, color: Color = INK, **extra):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                              textColor=color, splitLongWords=1, **extra)

    def cjk(base: ParagraphStyle) -> ParagraphStyle:
        return ParagraphStyle(f"{base.name}_cjk", parent=base, wordWrap="CJK")

    value = style("value", 9.5, 12.5)
    small = style("small", 8, 10, MUTED)
    choice = style("choice", 13, 17)
    declaration = style("declaration", 10, 14)
    return FormStyles(
        title=style("title", 15, 19, spaceAfter=3),
        subtitle=style("subtitle", 9.5, 12.5, MUTED),
        # Indented by its padding, so the shaded bar lines up with the tables below it.
        heading=style("heading", 10.5, 13, backColor=HEADING_BACKGROUND, borderPadding=(3, 4, 3),
                      leftIndent=4, rightIndent=4, spaceBefore=9, spaceAfter=5,
                      keepWithNext=1),
        label=style("label", 7, 8.6, MUTED),
        value=value,
        value_cjk=cjk(value),
        small=small,
        small_cjk=cjk(small),
        choice=choice,
        choice_cjk=cjk(choice),
        declaration=declaration,
        declaration_cjk=cjk(declaration),
        notice=style("notice", 9.5, 12.5, NOTICE, borderColor=NOTICE, borderWidth=0.8,
                     borderPadding=5, spaceBefore=6, spaceAfter=6),
    )


def table_style(*commands: tuple) -> TableStyle:
    """A table style whose plain-text cells (even empty ones) use the form's font: reportlab
    would otherwise set Helvetica for them and put an unembedded base-14 font in the PDF."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), form_font()), *commands])
