"""The blocks both documents share (title, record, person, interview, flags and the band at
the foot), built by one ``FormWriter`` that knows the record, its protocol and the form's
two languages."""

import re
from collections.abc import Iterable
from datetime import datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from screening_app.domain.canonical import parse_timestamp
from screening_app.domain.errors import NotFound, UserError
from screening_app.domain.interview import InterviewRecord
from screening_app.protocol import InterviewEngine, Protocol, Question, Text
from screening_app.protocol.vocabulary import (
    IDENTITY_NOTE,
    INTERPRETER_NAME,
    INTERVIEW_LANGUAGE,
    OBSERVER_BODY,
    OBSERVER_NAME,
    PRESENT_PERSONS,
    answer_for_role,
    question_with_role,
)
from screening_app.records.flowables import ReservedBand
from screening_app.records.form_inputs import FormContext
from screening_app.records.form_text import ENGLISH, LABELS, FormLanguages
from screening_app.records.markup import markup
from screening_app.records.qr import qr_matrix, record_qr_text
from screening_app.records.styles import RULE, FormStyles, table_style

EMPTY = "—"
SEPARATOR = " · "
LABEL_SHARE = 0.2  # of the frame width, for each label column of a field grid
# A table row is split across pages only when both parts are at least this tall: short rows
# move whole to the next page, a row taller than a page (a huge unit name) still prints.
SPLIT_ROWS_TALLER_THAN = 160
HAN = re.compile(r"[\u3400-\u9fff]")

# (text, language) -- the language picks a wrapping style; None for text of unknown language.
Line = tuple[str, str | None]


def distinct(lines: list[Line]) -> list[Line]:
    """The lines without repeats: a protocol lacking the person's language gives its
    English text for it, which need not be printed twice."""
    seen: set[str] = set()
    kept = []
    for text, language in lines:
        if text not in seen:
            seen.add(text)
            kept.append((text, language))
    return kept


class FormWriter:
    def __init__(self, record: InterviewRecord, protocol: Protocol, context: FormContext,
                 languages: FormLanguages, styles: FormStyles, width: float):
        self.record = record
        self.protocol = protocol
        self.context = context
        self.languages = languages
        self.styles = styles
        self.width = width
        self.engine = InterviewEngine(protocol, record.answers, record.option_order)
        self.subject = record.subject_snapshot

    # -- words ----------------------------------------------------------------------------
    def lines(self, key: str, **values) -> list[Line]:
        """A fixed label in each of the form's languages."""
        return [(LABELS[key][lang].format(**values), lang) for lang in self.languages.all]

    def joined(self, key: str) -> str:
        return SEPARATOR.join(text for text, _ in self.lines(key))

    def protocol_lines(self, text: Text) -> list[Line]:
        """A protocol text in each of the form's languages the protocol has."""
        return [(text.get(lang), lang) for lang in self.languages.all
                if lang == ENGLISH or lang in text.languages]

    def answer(self, question_id: str) -> object:
        return self.record.answers.get(question_id)

    def role_answer(self, role: str) -> object:
        """The answer of the question playing ``role`` (the form shows these in named
        places); None when the protocol has no such question."""
        return answer_for_role(self.protocol, self.record.answers, role)

    def has_question(self, question_id: str) -> bool:
        try:
            self.protocol.question(question_id)
        except NotFound:
            return False
        return True

    def option_lines(self, question_id: str, option_id: object) -> list[Line]:
        return distinct([(self.option_text(question_id, option_id, lang), lang)
                         for lang in self.languages.all])

    def option_text(self, question_id: str, option_id: object, language: str) -> str:
        """An option's label, or its id when the protocol does not know it."""
        try:
            return self.protocol.option_label(question_id, str(option_id), language)
        except NotFound:
            return str(option_id)

    def answer_lines(self, question: Question, value: object) -> list[Line]:
        """An answer as the person would read it, in both languages where it has words."""
        if value is None or value == "" or value == []:
            return self.lines("not_answered")
        return ANSWER_LINES[question.kind](self, question, value)

    # -- one kind of answer each (protocol/kinds.py declares the kinds) ----------------------
    def _yes_no_lines(self, question: Question, value: object) -> list[Line]:
        return self.lines(str(value)) if value in ("yes", "no") else self._text_lines(
            question, value)

    def _single_choice_lines(self, question: Question, value: object) -> list[Line]:
        return self.option_lines(question.id, value)

    def _multi_choice_lines(self, question: Question, value: object) -> list[Line]:
        chosen = value if isinstance(value, list) else [value]
        return distinct([
            ("; ".join(self.option_text(question.id, option, lang) for option in chosen), lang)
            for lang in self.languages.all
        ])

    def _text_lines(self, question: Question, value: object) -> list[Line]:
        text = str(value)
        return [(text, "zh" if HAN.search(text) else None)]

    def _signature_lines(self, question: Question, value: object) -> list[Line]:
        """How a signer signed (the signature itself is in the signature block)."""
        mode = value.get("mode") if isinstance(value, dict) else None
        return self.lines(f"mode_{mode}") if f"mode_{mode}" in LABELS else self._text_lines(
            question, value)

    def _scale_lines(self, question: Question, value: object) -> list[Line]:
        lines = []
        for text, lang in self.lines("scale_of", value=value, max=question.max):
            ends = [
                f"{end} = {end_label.get(lang)}"
                for end, end_label in ((question.min, question.min_label),
                                       (question.max, question.max_label))
                if end_label is not None
            ]
            lines.append((f"{text} ({', '.join(ends)})" if ends else text, lang))
        return lines

    # -- paragraphs -----------------------------------------------------------------------
    def paragraphs(self, lines: Iterable[Line],
                   style: ParagraphStyle | None = None) -> list[Paragraph]:
        style = style or self.styles.value
        return [Paragraph(markup(text), self.styles.for_language(style, lang))
                for text, lang in lines]

    def value(self, text: object, style: ParagraphStyle | None = None) -> Paragraph:
        shown = EMPTY if text is None or text == "" else str(text)
        language = "zh" if HAN.search(shown) else None
        return Paragraph(markup(shown), self.styles.for_language(style or self.styles.value,
                                                                  language))

    def label_cell(self, key: str) -> Paragraph:
        return Paragraph("<br/>".join(markup(text) for text, _ in self.lines(key)),
                         self.styles.label)

    def heading(self, key: str) -> Paragraph:
        return Paragraph(markup(self.joined(key)), self.styles.heading)

    def protocol_heading(self, text: Text) -> Paragraph:
        """A heading the protocol words, in each of the form's languages."""
        joined = SEPARATOR.join(line for line, _ in self.protocol_lines(text))
        return Paragraph(markup(joined), self.styles.heading)

    def field_grid(self, rows: list[list[tuple[str, object]]]) -> Table:
        """Label/value pairs, two to a row; a row of one pair spans the whole width."""
        label_width = self.width * LABEL_SHARE
        value_width = self.width / 2 - label_width
        data, commands = [], []
        for index, row in enumerate(rows):
            cells: list[object] = []
            for key, content in row:
                cells += [self.label_cell(key), content]
            if len(row) == 1:
                cells += ["", ""]
                commands.append(("SPAN", (1, index), (3, index)))
            data.append(cells)
        table = Table(data, colWidths=[label_width, value_width] * 2,
                      splitInRow=SPLIT_ROWS_TALLER_THAN)
        table.setStyle(table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            *commands,
        ))
        return table

    # -- shared blocks --------------------------------------------------------------------
    def title_block(self, title_key: str) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(markup(self.joined(title_key)), self.styles.title)]
        story += self.paragraphs(self.protocol_lines(self.protocol.title), self.styles.subtitle)
        if self.record.transcribed:
            story.append(Paragraph("<br/>".join(markup(t) for t, _ in self.lines("transcribed")),
                                   self.styles.notice))
        return story

    def record_block(self) -> list[Flowable]:
        record = self.record
        version = f"{record.protocol_id}, " + " / ".join(
            f"{LABELS['version'][lang]} {record.protocol_version}" for lang in self.languages.all
        )
        return [
            self.heading("record"),
            self.field_grid([
                [("record_id", self.value(record.id))],
                [("protocol", self.value(version)), ("station", self.value(self._station()))],
                [("protocol_hash", self.value(record.protocol_sha256))],
                [("record_hash", self.value(record.record_sha256))],
            ]),
        ]

    def _station(self) -> str:
        """Where the interview was held; the camp is known only for the printing station
        (headquarters prints records of many stations)."""
        if self.record.station_id == self.context.station_id:
            return f"{self.record.station_id}, {self.context.camp}"
        return self.record.station_id

    def person_block(self) -> list[Flowable]:
        subject = self.subject
        rows = [
            [("isn", self.value(self.record.subject_isn)),
             ("nationality", self.value(subject.get("nationality")))],
            [("name_native", self.value(subject.get("name_native"))),
             ("name_latin", self.value(subject.get("name_latin")))],
            [("rank", self.value(subject.get("rank"))),
             ("birth_year", self.value(subject.get("birth_year")))],
            [("unit", self.value(subject.get("unit")))],
            [("camp", self.value(subject.get("camp"))),
             ("compound", self.value(subject.get("compound")))],
        ]
        note = self.role_answer(IDENTITY_NOTE)
        if note:
            rows.append([("identity_note", self.value(note))])
        return [self.heading("person"), self.field_grid(rows)]

    @property
    def interviewer_label(self) -> str:
        """The interviewer as people read the name (display name, else login name)."""
        return self.context.interviewer_label or self.record.interviewer_name

    def interview_block(self) -> list[Flowable]:
        started = self._moment(self.record.started_at, "start")
        ended = self._moment(self.record.ended_at, "end") if self.record.ended_at else None
        times = f"{started:%H:%M} – {self._end_time(started, ended)}"
        rows = [
            [("date", self.value(f"{started:%Y-%m-%d}")), ("times", self.value(times))],
            [("interviewer", self.value(self.interviewer_label)),
             ("present", self.value(self.role_answer(PRESENT_PERSONS)))],
            [("interpreter_language", self.value(self._interpreter())),
             ("observer_body", self.value(self._observer()))],
        ]
        return [self.heading("interview"), self.field_grid(rows)]

    def _interpreter(self) -> str | None:
        name = self.role_answer(INTERPRETER_NAME)
        language_question = question_with_role(self.protocol, INTERVIEW_LANGUAGE)
        language = self.role_answer(INTERVIEW_LANGUAGE)
        if language and language_question is not None:
            words = SEPARATOR.join(text for text, _ in self.option_lines(language_question.id,
                                                                          language))
            return f"{name or EMPTY} ({words})"
        return str(name) if name else None

    def _observer(self) -> str | None:
        name, body = self.role_answer(OBSERVER_NAME), self.role_answer(OBSERVER_BODY)
        if name and body:
            return f"{name} ({body})"
        return str(name or body) if name or body else None

    def _moment(self, timestamp: str, which: str) -> datetime:
        try:
            return parse_timestamp(timestamp)
        except (AttributeError, TypeError, ValueError):
            raise UserError(f"Record {self.record.id} has an unreadable {which} time"
                            f" {timestamp!r}; expected an ISO 8601 UTC time.") from None

    @staticmethod
    def _end_time(started: datetime, ended: datetime | None) -> str:
        if ended is None:
            return EMPTY
        if ended.date() == started.date():
            return f"{ended:%H:%M}"
        return f"{ended:%Y-%m-%d %H:%M}"

    def question_rows(self, questions: Iterable[Question]) -> list[Flowable]:
        """Each question with its answer; free-text answers flow below the table as
        paragraphs, so a long note can run onto the next page."""
        story: list[Flowable] = []
        rows: list[list[object]] = []
        prompt_width = self.width * 0.6

        def flush() -> None:
            if rows:
                table = Table(list(rows), colWidths=[prompt_width, self.width - prompt_width],
                              splitInRow=SPLIT_ROWS_TALLER_THAN)
                table.setStyle(table_style(
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ))
                story.append(table)
                rows.clear()

        for question in questions:
            value = self.answer(question.id)
            prompt = self.paragraphs(self.protocol_lines(question.prompt), self.styles.small)
            if question.kind == "text":
                flush()
                # Kept with its prompt; a note longer than a page still splits.
                answer = self.paragraphs(self.answer_lines(question, value))
                story.append(KeepTogether([*prompt, *answer, Spacer(1, 4)]))
            else:
                rows.append([prompt, self.paragraphs(self.answer_lines(question, value))])
        flush()
        return story

    def flags_row(self) -> list[tuple[str, object]]:
        """The flags raised for the supervisor, each in both languages, as a grid row."""
        if not self.record.flags:
            return [("flags", self.paragraphs(self.lines("no_flags")))]
        flags: list[Paragraph] = []
        for flag_id in self.record.flags:
            try:
                lines = self.protocol_lines(self.protocol.flag_kind(flag_id).label)
            except NotFound:
                lines = [(flag_id, None)]
            flags.append(Paragraph("• " + "<br/>".join(markup(t) for t, _ in lines),
                                   self.styles.value))
        return [("flags", flags)]

    def band(self) -> ReservedBand:
        record = self.record
        return ReservedBand(
            qr_matrix(record_qr_text(record.id, record.record_sha256 or "")),
            [text for text, _ in self.lines("qr_caption")],
            [self.joined("supervisor_review"), self.joined("not_reviewed")],
            [self.joined("station_signature"), self.context.station_id],
        )


# The printed lines of each kind of answer; tests/protocol/test_question_kinds.py checks
# that every kind protocol/kinds.py declares has one.
ANSWER_LINES = {
    "yes_no": FormWriter._yes_no_lines,
    "single_choice": FormWriter._single_choice_lines,
    "multi_choice": FormWriter._multi_choice_lines,
    "text": FormWriter._text_lines,
    "scale": FormWriter._scale_lines,
    "signature": FormWriter._signature_lines,
}
