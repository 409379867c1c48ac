"""What an interview protocol is: steps, questions, options and rules, as frozen values.

A ``Protocol`` is built by the loader from a plain dict (a YAML form file, or the JSON copy
a station stores with every interview). It keeps that dict as ``source`` and its SHA-256 as
``sha256``: every interview records the hash, so an old record always points at the exact
wording it was taken on, however the form file changes later.
"""

from dataclasses import dataclass, field
from typing import Any

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.domain.errors import NotFound, UserError
from screening_app.protocol.kinds import ANSWER_FORMATS, CHOICE_KINDS

SIGNERS = ("person", "interpreter", "observer", "interviewer")
# What a question is for, beyond its kind: the program reads these answers by role (the
# names that sign, the language of the form), never by a question id.
QUESTION_ROLES = ("present_persons", "interview_language", "interpreter_name",
                  "observer_name", "observer_body")
FALLBACK_LANGUAGE = "en"


class ProtocolError(UserError):
    """A protocol definition that cannot be used, explained in one sentence with its place."""


@dataclass(frozen=True)
class Text:
    """One text in every language of the protocol. Stored as pairs so it stays hashable."""

    translations: tuple[tuple[str, str], ...]

    @classmethod
    def from_dict(cls, values: dict[str, str]) -> "Text":
        return cls(tuple(values.items()))

    def get(self, language: str | None) -> str:
        """The text in ``language``, or in English when the protocol lacks that language."""
        by_language = dict(self.translations)
        if language in by_language:
            return by_language[language]
        return by_language[FALLBACK_LANGUAGE]

    @property
    def en(self) -> str:
        return self.get(FALLBACK_LANGUAGE)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.translations)

    def as_dict(self) -> dict[str, str]:
        return dict(self.translations)


@dataclass(frozen=True)
class Option:
    id: str
    label: Text
    # For the choice's options: what the person declares by signing, in every language.
    # Protocols without it get a declaration built from the label (protocol/declaration.py).
    declaration: Text | None = None


@dataclass(frozen=True)
class Condition:
    """When a step or question applies. Exactly one form is used:

    - ``answer`` with ``equals``, ``in`` or ``contains`` (the value a multi_choice holds);
    - ``effective_choice``: the choice after confirmation equals this option id;
    - ``differs``: the answers to two questions are both given and are not the same.
    """

    answer: str | None = None
    equals: Any = None
    in_: tuple[Any, ...] | None = None
    contains: str | None = None
    effective_choice: str | None = None
    differs: tuple[str, str] | None = None

    def question_ids(self) -> tuple[str, ...]:
        """The questions whose answers this condition reads."""
        if self.answer is not None:
            return (self.answer,)
        return self.differs or ()

    def as_dict(self) -> dict[str, Any]:
        if self.effective_choice is not None:
            return {"effective_choice": self.effective_choice}
        if self.differs is not None:
            return {"differs": list(self.differs)}
        if self.in_ is not None:
            return {"answer": self.answer, "in": list(self.in_)}
        if self.contains is not None:
            return {"answer": self.answer, "contains": self.contains}
        return {"answer": self.answer, "equals": self.equals}


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    prompt: Text
    required: bool = True
    # For options_from questions these are the source question's options, resolved at load.
    options: tuple[Option, ...] = ()
    options_from: str | None = None
    randomise: bool = False
    when: Condition | None = None
    # stop_unless: any other answer forces the interview to end with stop_reason.
    stop_unless: Any = None
    stop_reason: str | None = None
    # flag_if: this answer records `flag` for the supervisor.
    flag_if: Any = None
    flag: str | None = None
    # must_be: any other answer keeps the step from being complete (it blocks, not stops).
    must_be: Any = None
    signer: str | None = None
    min: int | None = None
    max: int | None = None
    min_label: Text | None = None
    max_label: Text | None = None
    # See QUESTION_ROLES; None for most questions.
    role: str | None = None
    # A text answered in sentences (notes, reasons) rather than in a few words.
    multiline: bool = False
    # For signature questions: whether this signer may give a thumbprint instead.
    thumbprint: bool = False

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS

    def option_ids(self) -> list[str]:
        return [option.id for option in self.options]


@dataclass(frozen=True)
class Step:
    id: str
    title: Text
    questions: tuple[Question, ...]
    statement: Text | None = None
    requires: tuple[str, ...] = ()
    when: Condition | None = None
    # The question whose recorded answer this step reads back to the person (shown large
    # above its questions), and whether it shows the declaration the person signs.
    reads_back: str | None = None
    shows_declaration: bool = False
    # Whether the form prints this step's answers in a section of their own.
    printed: bool = False


@dataclass(frozen=True)
class Reason:
    """A non-completion reason or a flag kind: an id and its label; a flag kind may also
    give the sentence the review explains it with."""

    id: str
    label: Text
    explanation: Text | None = None


@dataclass(frozen=True)
class Outcome:
    """One answer to the choice as the program's lists treat it: the option, the revised
    list the people who chose it go on (``list_slug``, its file name), and that list's
    title."""

    option: str
    list_slug: str
    list_title: Text


@dataclass(frozen=True)
class ChoiceConfig:
    """Which questions carry the choice (``question``), its read-back (``confirm``) and the
    final answer asked only when those two differ (``resolve``)."""

    question: str
    confirm: str
    resolve: str


@dataclass(frozen=True)
class Protocol:
    id: str
    version: int
    title: Text
    languages: tuple[str, ...]
    steps: tuple[Step, ...]
    non_completion_reasons: tuple[Reason, ...]
    flag_kinds: tuple[Reason, ...]
    choice: ChoiceConfig
    minimum_duration_seconds: int
    minimum_explanation_seconds: int
    explanation_step: str
    # Each option of the choice with its revised list; the option whose share the
    # review's skew sentences give; the step whose answers say whether the person is
    # safe (printed on the form's own section).
    outcomes: tuple[Outcome, ...] = ()
    skew_option: str | None = None
    safety_step: str | None = None
    source: dict = field(compare=False, repr=False, default_factory=dict)
    sha256: str = ""

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise NotFound(f"The protocol {self.label} has no step {step_id!r}.")

    def question(self, question_id: str) -> Question:
        for question in self.questions():
            if question.id == question_id:
                return question
        raise NotFound(f"The protocol {self.label} has no question {question_id!r}.")

    def questions(self) -> list[Question]:
        """Every question of every step, in protocol order."""
        return [question for step in self.steps for question in step.questions]

    def step_of(self, question_id: str) -> Step:
        for step in self.steps:
            if any(question.id == question_id for question in step.questions):
                return step
        raise NotFound(f"The protocol {self.label} has no question {question_id!r}.")

    def option_label(self, question_id: str, option_id: str, language: str | None = None) -> str:
        for option in self.question(question_id).options:
            if option.id == option_id:
                return option.label.get(language)
        raise NotFound(f"Question {question_id!r} has no option {option_id!r}.")

    def reason(self, reason_id: str) -> Reason:
        for reason in self.non_completion_reasons:
            if reason.id == reason_id:
                return reason
        known = ", ".join(r.id for r in self.non_completion_reasons)
        raise NotFound(f"Unknown non-completion reason {reason_id!r}; use one of {known}.")

    def flag_kind(self, flag_id: str) -> Reason:
        for flag in self.flag_kinds:
            if flag.id == flag_id:
                return flag
        raise NotFound(f"The protocol {self.label} has no flag {flag_id!r}.")

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"


def protocol_sha256(source: dict) -> str:
    """The hash every interview records: SHA-256 of the canonical JSON of the definition."""
    return sha256_hex(canonical_json(source))


_RULE_KEYS = ("stop_unless", "stop_reason", "flag_if", "flag", "must_be", "signer", "min", "max")


def describe_protocol(protocol: Protocol) -> dict[str, Any]:
    """A JSON-able summary for ``protocol show --json``: enough to write an answers file."""
    return {
        "id": protocol.id,
        "version": protocol.version,
        "sha256": protocol.sha256,
        "title": protocol.title.en,
        "languages": list(protocol.languages),
        "minimum_duration_seconds": protocol.minimum_duration_seconds,
        "minimum_explanation_seconds": protocol.minimum_explanation_seconds,
        "choice": {
            "question": protocol.choice.question,
            "confirm": protocol.choice.confirm,
            "resolve": protocol.choice.resolve,
        },
        "steps": [_describe_step(step) for step in protocol.steps],
        "non_completion_reasons": [reason.id for reason in protocol.non_completion_reasons],
        "flags": [flag.id for flag in protocol.flag_kinds],
    }


def _describe_step(step: Step) -> dict[str, Any]:
    described: dict[str, Any] = {"id": step.id, "title": step.title.en}
    if step.requires:
        described["requires"] = list(step.requires)
    if step.when is not None:
        described["when"] = step.when.as_dict()
    described["questions"] = [_describe_question(question) for question in step.questions]
    return described


def _describe_question(question: Question) -> dict[str, Any]:
    described: dict[str, Any] = {
        "id": question.id,
        "kind": question.kind,
        "required": question.required,
        "prompt": question.prompt.en,
        "answer_format": ANSWER_FORMATS[question.kind],
    }
    if question.options:
        described["options"] = [
            {"id": option.id, "label": option.label.en} for option in question.options
        ]
    if question.options_from:
        described["options_from"] = question.options_from
    if question.randomise:
        described["randomise"] = True
    if question.when is not None:
        described["when"] = question.when.as_dict()
    for key in _RULE_KEYS:
        value = getattr(question, key)
        if value is not None:
            described[key] = value
    return described
