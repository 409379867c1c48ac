"""Who signed the form and how: the declaration above the person's signature, and one
area per signer with the drawn image, a thumbprint box or a note that it is on paper."""

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table

from screening_app.domain.errors import UserError
from screening_app.protocol import SIGNATURE_MODES, SIGNERS
from screening_app.protocol.declaration import declarations
from screening_app.protocol.vocabulary import signer_name
from screening_app.records.flowables import SignatureArea
from screening_app.records.form_inputs import SignatureImage
from screening_app.records.sections import SEPARATOR, FormWriter, markup
from screening_app.records.styles import CHOICE_BACKGROUND, RULE, table_style

SIGNER_LABELS = {signer: f"signer_{signer}" for signer in SIGNERS}
MODE_LABELS = {mode: f"mode_{mode}" for mode in SIGNATURE_MODES}
AREA_LABELS = {"thumbprint": "thumb_here", "on_paper": "paper_original", None: "not_signed"}


@dataclass(frozen=True)
class SignerMark:
    """One signature question of the protocol and what was given for it."""

    signer: str
    mode: str | None  # None: not signed
    name: str | None
    image: ImageReader | None


def signer_marks(writer: FormWriter, signatures: Sequence[SignatureImage]) -> list[SignerMark]:
    record = writer.record
    by_signer = _images_by_signer(record.id, signatures)
    marks = []
    for question in writer.protocol.questions():
        if question.kind != "signature" or question.signer is None:
            continue
        given = by_signer.get(question.signer)
        answer = record.answers.get(question.id)
        answered_mode = answer.get("mode") if isinstance(answer, dict) else None
        mode = given.mode if given else answered_mode
        image = None
        if mode == "signature":
            if given is None or not given.png:
                raise UserError(f"Record {record.id} says the {question.signer} signed by hand,"
                                " but that signature image was not given to the form.")
            image = _signature_image(given.png, question.signer, record.id)
        name = (given.signer_name if given else None) or _default_name(writer, question.signer)
        marks.append(SignerMark(question.signer, mode, name, image))
    return marks


def _images_by_signer(record_id: str, signatures: Sequence[SignatureImage]
                      ) -> dict[str, SignatureImage]:
    found: dict[str, SignatureImage] = {}
    for signature in signatures:
        if signature.signer not in SIGNERS:
            raise UserError(f"A signature for record {record_id} names the signer"
                            f" {signature.signer!r}; signers are {', '.join(SIGNERS)}.")
        if signature.mode not in SIGNATURE_MODES:
            raise UserError(f"The {signature.signer}'s signature for record {record_id} has the"
                            f" mode {signature.mode!r}; modes are {', '.join(SIGNATURE_MODES)}.")
        if signature.signer in found:
            raise UserError(f"Record {record_id} was given two signatures of the"
                            f" {signature.signer}; give one per signer.")
        found[signature.signer] = signature
    return found


def _signature_image(png: bytes, signer: str, record_id: str) -> ImageReader:
    """The drawn signature flattened onto white (pads draw on a transparent background)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(png)) as image:
            if image.format != "PNG":
                raise UserError(f"The {signer}'s signature image for record {record_id} is"
                                f" {image.format or 'not an image'}, not a PNG image.")
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        raise UserError(f"The {signer}'s signature image for record {record_id} is not a"
                        " readable PNG image.") from None
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return ImageReader(Image.alpha_composite(white, rgba).convert("RGB"))


def _default_name(writer: FormWriter, signer: str) -> str | None:
    subject = writer.subject
    names = {
        "person": " / ".join(n for n in (subject.get("name_native"), subject.get("name_latin"))
                             if n),
        "interpreter": signer_name(writer.protocol, writer.record.answers, "interpreter"),
        "observer": signer_name(writer.protocol, writer.record.answers, "observer"),
        "interviewer": writer.record.interviewer_name,
    }
    name = names.get(signer)
    return str(name) if name else None


def signatures_block(writer: FormWriter, marks: list[SignerMark],
                     with_declaration: bool) -> list[Flowable]:
    """The heading, the declaration (on a choice form) and the signers, kept on one page so
    the declaration is never parted from the person's signature."""
    story: list[Flowable] = [writer.heading("signatures" if with_declaration
                                            else "signatures_only")]
    if with_declaration:
        story.append(_declaration(writer))
    story.append(_signer_grid(writer, marks))
    return [KeepTogether(story)]


def _declaration(writer: FormWriter) -> Table:
    record, styles = writer.record, writer.styles
    # Exactly the texts the wizard showed above the signature pads (same function, same
    # languages); their digest is recorded with the person's signature.
    paragraphs = [Paragraph(markup(text), styles.for_language(styles.declaration, language))
                  for language, text in declarations(writer.protocol, record.choice,
                                                     writer.languages.all)]
    table = Table([[paragraphs]], colWidths=[writer.width])
    table.setStyle(table_style(
        ("BACKGROUND", (0, 0), (-1, -1), CHOICE_BACKGROUND),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ))
    return table


def _signer_grid(writer: FormWriter, marks: list[SignerMark]) -> Table:
    cells = [_signer_cell(writer, mark) for mark in marks]
    if len(cells) % 2:
        cells.append([])
    rows = [cells[i:i + 2] for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[writer.width / 2] * 2)
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ))
    return table


def _signer_cell(writer: FormWriter, mark: SignerMark) -> list[Flowable]:
    styles = writer.styles
    role = Paragraph(markup(writer.joined(SIGNER_LABELS[mark.signer])), styles.small)
    name = writer.value(mark.name)
    area_lines = [] if mark.mode == "signature" else [
        text for text, _ in writer.lines(AREA_LABELS.get(mark.mode, "not_signed"))
    ]
    area = SignatureArea(mark.mode, mark.image, area_lines)
    how_key = MODE_LABELS.get(mark.mode or "", "not_signed")
    how = Paragraph(markup(SEPARATOR.join(text for text, _ in writer.lines(how_key))),
                    styles.small)
    return [role, name, area, how]
