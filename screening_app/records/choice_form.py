"""The PDF documents of a finalised interview: the choice form the person signs, or the
record of an interview that was not completed.

Both are in English plus the person's language, use only the bundled font (embedded and
subset), and are byte-for-byte reproducible from the same record, so the hash of a stored
form can be checked by rendering it again. The last page ends with a fixed band holding the
record's QR code and two empty boxes for the signatures added later: see
``signature_box`` and ``countersignature_box``.
"""

from collections.abc import Sequence
from contextlib import suppress
from functools import partial
from io import BytesIO

from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
)
from reportlab.platypus.doctemplate import LayoutError

from screening_app.domain.errors import NotFound, UserError
from screening_app.domain.interview import InterviewRecord, OutcomeStatus
from screening_app.protocol import Protocol
from screening_app.protocol.vocabulary import printed_title
from screening_app.records.fonts import form_font
from screening_app.records.form_inputs import FormContext, SignatureImage
from screening_app.records.form_text import LABELS, FormLanguages, person_language
from screening_app.records.layout import (
    MARGIN_BOTTOM,
    MARGIN_X,
    FieldBox,
    countersignature_box,
    frame_height,
    frame_width,
    page_dimensions,
    signature_box,
)
from screening_app.records.pages import PagedCanvas, PageMarks, draw_page_background
from screening_app.records.qr import record_qr_text
from screening_app.records.sections import (
    LABEL_SHARE,
    SEPARATOR,
    FormWriter,
    markup,
)
from screening_app.records.signature_block import signatures_block, signer_marks
from screening_app.records.styles import CHOICE_BACKGROUND, RULE, form_styles, table_style

__all__ = [
    "FieldBox",
    "FormContext",
    "SignatureImage",
    "countersignature_box",
    "record_qr_text",
    "render_choice_form",
    "render_document",
    "render_non_completion",
    "signature_box",
]


def render_document(record: InterviewRecord, protocol: Protocol,
                    signatures: Sequence[SignatureImage], context: FormContext,
                    note: str | None = None) -> bytes:
    """The choice form of a completed interview, or the non-completion record."""
    if record.outcome == OutcomeStatus.COMPLETED:
        return render_choice_form(record, protocol, signatures, context)
    return render_non_completion(record, protocol, signatures, context, note=note)


def render_choice_form(record: InterviewRecord, protocol: Protocol,
                       signatures: Sequence[SignatureImage], context: FormContext) -> bytes:
    _check_renderable(record, protocol)
    if record.outcome != OutcomeStatus.COMPLETED or not record.choice:
        raise UserError(f"Interview {record.id} was not completed with a choice, so it has no"
                        " choice form; print its non-completion record instead.")
    writer = _writer(record, protocol, context)
    marks = signer_marks(writer, signatures)
    story: list[Flowable] = [
        *writer.title_block("choice_form"),
        *writer.record_block(),
        *writer.person_block(),
        *writer.interview_block(),
        *_printed_steps_block(writer),
        *_choice_block(writer),
        *_reasons_block(writer),
        *_safety_block(writer),
        *signatures_block(writer, marks, with_declaration=True),
        writer.band(),
    ]
    return _build(story, writer, "choice_form")


def render_non_completion(record: InterviewRecord, protocol: Protocol,
                          signatures: Sequence[SignatureImage], context: FormContext,
                          note: str | None = None) -> bytes:
    """Who, when, at which step and why an interview stopped. ``note`` is the free text
    given when it was ended (kept with the finalisation event, not in the record)."""
    _check_renderable(record, protocol)
    if record.outcome != OutcomeStatus.NOT_COMPLETED:
        raise UserError(f"Interview {record.id} was completed; print its choice form instead.")
    writer = _writer(record, protocol, context)
    marks = [mark for mark in signer_marks(writer, signatures) if mark.mode]
    story: list[Flowable] = [
        *writer.title_block("non_completion"),
        *writer.record_block(),
        *writer.person_block(),
        *writer.interview_block(),
        *_stopped_block(writer, note),
    ]
    if marks:
        story += signatures_block(writer, marks, with_declaration=False)
    story.append(writer.band())
    return _build(story, writer, "non_completion")


# -- checks -------------------------------------------------------------------------------
def _check_renderable(record: InterviewRecord, protocol: Protocol) -> None:
    if not record.is_final:
        raise UserError(f"Interview {record.id} is still a draft; only a finalised record has"
                        " a form.")
    if not record.record_sha256:
        raise UserError(f"Interview {record.id} has no record hash, so its form cannot carry"
                        " one; load the sealed record from the station.")
    if record.protocol_sha256 != protocol.sha256:
        raise UserError(
            f"Interview {record.id} was taken on protocol {record.protocol_sha256[:12]}, but"
            f" the form was asked for with {protocol.label} ({protocol.sha256[:12]})."
        )


def _writer(record: InterviewRecord, protocol: Protocol, context: FormContext) -> FormWriter:
    page_dimensions(context.page_size)  # an unknown size is refused before any work
    languages = FormLanguages(person_language(record.language,
                                              record.subject_snapshot.get("nationality")))
    return FormWriter(record, protocol, context, languages, form_styles(),
                      frame_width(context.page_size))


# -- the choice form's own blocks ---------------------------------------------------------
def _choice_block(writer: FormWriter) -> list[Flowable]:
    record, styles = writer.record, writer.styles
    config = writer.protocol.choice
    choice = writer.paragraphs(writer.option_lines(config.question, record.choice),
                               styles.choice)
    rows = [[writer.label_cell("choice"), choice],
            [writer.label_cell("firmness"), _firmness(writer)]]
    table = Table(rows, colWidths=[writer.width * LABEL_SHARE, writer.width * (1 - LABEL_SHARE)])
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), CHOICE_BACKGROUND),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ))
    return [writer.heading("the_choice"), table]


def _firmness(writer: FormWriter) -> list[Flowable]:
    record = writer.record
    if not record.firmness_mismatch:
        return writer.paragraphs(writer.lines("firm"))
    config = writer.protocol.choice
    story: list[Flowable] = writer.paragraphs(writer.lines("changed"))
    for label_key, question_id in (("first_answer", config.question),
                                   ("read_back_answer", config.confirm),
                                   ("final_answer", config.resolve)):
        value = writer.answer(question_id)
        if value is None:
            continue
        label = SEPARATOR.join(text for text, _ in writer.lines(label_key))
        answer = SEPARATOR.join(text for text, _ in writer.option_lines(config.question, value))
        story.append(Paragraph(f"{markup(label)}: {markup(answer)}", writer.styles.small))
    return story


def _printed_steps_block(writer: FormWriter) -> list[Flowable]:
    """The answers of the steps the protocol prints (``printed``), each under its title."""
    story: list[Flowable] = []
    for step in writer.engine.visible_steps():
        questions = [q for q in writer.engine.visible_questions(step.id)
                     if q.kind != "signature"] if step.printed else []
        if questions:
            story += [writer.protocol_heading(step.title), *writer.question_rows(questions)]
    return story


def _reasons_block(writer: FormWriter) -> list[Flowable]:
    """The follow-up questions asked because of the choice made (the reasons for refusing
    repatriation, the neutral nation chosen), under their step's title."""
    story: list[Flowable] = []
    for step in writer.engine.visible_steps():
        if step.when is None or step.when.effective_choice is None:
            continue
        questions = writer.engine.visible_questions(step.id)
        if questions:
            title = printed_title(writer.protocol, step)
            story += [writer.protocol_heading(title), *writer.question_rows(questions)]
    return story


def _safety_block(writer: FormWriter) -> list[Flowable]:
    story: list[Flowable] = [writer.heading("safety")]
    safety_step = writer.protocol.safety_step  # the protocol says which step it is
    if safety_step is not None:
        story += writer.question_rows(writer.engine.visible_questions(safety_step))
    return [*story, writer.field_grid([writer.flags_row()])]


# -- the non-completion record's own block ------------------------------------------------
def _stopped_block(writer: FormWriter, note: str | None) -> list[Flowable]:
    record, protocol = writer.record, writer.protocol
    step_lines = [(record.non_completion_step or "", None)]
    if record.non_completion_step:
        with suppress(NotFound):  # a step the protocol lacks is shown by its id
            step_lines = writer.protocol_lines(protocol.step(record.non_completion_step).title)
    reason_lines = [(record.non_completion_reason or "", None)]
    if record.non_completion_reason:
        with suppress(NotFound):
            reason = protocol.reason(record.non_completion_reason)
            reason_lines = writer.protocol_lines(reason.label)
    rows = [
        [("outcome", writer.paragraphs(writer.lines("not_completed"))),
         ("stopped_at", writer.paragraphs(step_lines))],
        [("reason", writer.paragraphs(reason_lines))],
    ]
    if note:
        rows.append([("note", writer.value(note))])
    rows.append(writer.flags_row())
    return [writer.heading("why_stopped"), writer.field_grid(rows)]


# -- the document -------------------------------------------------------------------------
def _build(story: list[Flowable], writer: FormWriter, title_key: str) -> bytes:
    record, context = writer.record, writer.context
    width, height = page_dimensions(context.page_size)
    subject = writer.subject
    names = SEPARATOR.join(n for n in (subject.get("name_native"), subject.get("name_latin")) if n)
    marks = PageMarks(
        title=writer.joined(title_key),
        station=f"{context.station_id}{SEPARATOR}{context.camp}",
        demo=writer.joined("demo") if context.demo else None,
        person=f"ISN {record.subject_isn}{SEPARATOR}{names}" if names
        else f"ISN {record.subject_isn}",
        provenance=(f"{record.protocol_id} v{record.protocol_version}{SEPARATOR}record"
                    f" {record.id}{SEPARATOR}hash {(record.record_sha256 or '')[:12]}"
                    + (f"{SEPARATOR}chain {context.chain_head}" if context.chain_head else "")),
        page_label=lambda page, pages: f"Page {page} of {pages}",
        page_size=(width, height),
    )
    buffer = BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        invariant=1,  # fixed dates and ids: the same record gives the same bytes
        initialFontName=form_font(),  # or reportlab would declare Helvetica on every page
        # Metadata shows in file managers: the record id only, never the person's name.
        title=f"{LABELS[title_key]['en']} {record.id}",
        author=context.station_id,
        creator="screening-app",
        subject=f"{record.protocol_id} v{record.protocol_version}",
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, frame_width(context.page_size),
                  frame_height(context.page_size), leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="content")
    document.addPageTemplates([PageTemplate(
        id="form", frames=[frame],
        onPage=lambda canvas, _document: draw_page_background(canvas, marks),
    )])
    try:
        document.build(story, canvasmaker=partial(PagedCanvas, marks=marks))
    except LayoutError:
        raise UserError(f"The form for interview {record.id} cannot be laid out: one of its"
                        " answers is too long to fit on a page.") from None
    return buffer.getvalue()
