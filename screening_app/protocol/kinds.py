"""The kinds of question a protocol may ask, each declared once.

A kind says what an answer to it looks like (how the engine checks and normalises it, how
``protocol show`` describes it) and which protocol keys belong to it. The other layers keep
one table each, keyed by kind: the widget that asks it and the line the review page shows
(ui/question_widgets.py, ``WIDGETS`` and ``ANSWER_HTML``), and the lines the printed form
carries (records/sections.py, ``ANSWER_LINES``). tests/protocol/test_question_kinds.py
fails while any of them lacks a kind declared here, so adding a kind means one entry per
layer, and nothing falls back to ``str(value)`` unnoticed.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _

MAX_TEXT_LENGTH = 2000
ALLOWED_CONTROL_CHARACTERS = "\n\t"
SIGNATURE_MODES = ("signature", "thumbprint", "on_paper")


class AnswerError(UserError):
    """An answer that cannot be recorded, or an interview that cannot end as asked."""


class Question(Protocol):
    """What checking an answer reads of its question (protocol/definition.py's Question,
    which is built from the kinds declared here)."""

    id: str
    required: bool
    min: int | None
    max: int | None
    signer: str | None
    thumbprint: bool

    def option_ids(self) -> list[str]: ...


@dataclass(frozen=True)
class QuestionKind:
    name: str
    answer_format: str  # what an answer looks like, as `protocol show` tells form authors
    normalise: Callable[[Question, object], object]  # the answer checked, or AnswerError
    keys: tuple[str, ...] = ()  # protocol keys only questions of this kind (and others
    #                             that list them too) may carry
    has_options: bool = False  # a choice among the question's options


def _yes_no(question: Question, value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower()
    raise AnswerError(_("Answer to {id!r} must be yes or no.").format(id=question.id))


def _single_choice(question: Question, value: object) -> str:
    if isinstance(value, str) and value in question.option_ids():
        return value
    raise AnswerError(
        _("Answer to {id!r} must be one of {options}.").format(
            id=question.id, options=", ".join(question.option_ids()))
    )


def _multi_choice(question: Question, value: object) -> list[str]:
    known = question.option_ids()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise AnswerError(
            _("Answer to {id!r} must be a list of option ids from {options}.").format(
                id=question.id, options=", ".join(known))
        )
    for option_id in value:
        if option_id not in known:
            raise AnswerError(
                _("Answer to {id!r} names {option!r}, which is not one of {options}.").format(
                    id=question.id, option=option_id, options=", ".join(known))
            )
        if list(value).count(option_id) > 1:
            raise AnswerError(_("Answer to {id!r} names {option!r} more than once.").format(
                id=question.id, option=option_id))
    if not value and question.required:
        raise AnswerError(
            _("Answer to {id!r} must name at least one of {options}.").format(
                id=question.id, options=", ".join(known))
        )
    return [option_id for option_id in known if option_id in value]


def _text(question: Question, value: object) -> str:
    if not isinstance(value, str):
        raise AnswerError(_("Answer to {id!r} must be text.").format(id=question.id))
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise AnswerError(
            _("Answer to {id!r} is {count} characters long; the limit is {limit}.").format(
                id=question.id, count=len(text), limit=MAX_TEXT_LENGTH)
        )
    for character in text:
        if unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROL_CHARACTERS:
            raise AnswerError(
                _("Answer to {id!r} contains a control character (U+{code:04X}); only line"
                  " breaks and tabs are allowed.").format(id=question.id, code=ord(character))
            )
    if not text and question.required:
        raise AnswerError(_("Answer to {id!r} must not be empty.").format(id=question.id))
    return text


def _scale(question: Question, value: object) -> int:
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        number = int(value.strip())
    if number is None or not question.min <= number <= question.max:
        raise AnswerError(
            _("Answer to {id!r} must be a whole number from {low} to {high}.").format(
                id=question.id, low=question.min, high=question.max)
        )
    return number


def _signature(question: Question, value: object) -> dict[str, str]:
    shape = _('Answer to {id!r} must be {{"mode": ...}} with mode one of {modes}, and'
              ' optionally a "signature_id".').format(id=question.id,
                                                     modes=", ".join(SIGNATURE_MODES))
    if not isinstance(value, Mapping) or set(value) - {"mode", "signature_id"}:
        raise AnswerError(shape)
    mode, signature_id = value.get("mode"), value.get("signature_id")
    if mode not in SIGNATURE_MODES:
        raise AnswerError(shape)
    if signature_id is not None and (not isinstance(signature_id, str) or not signature_id):
        raise AnswerError(_("Answer to {id!r}: signature_id must be non-empty text.").format(
            id=question.id))
    if mode == "thumbprint" and not question.thumbprint:
        raise AnswerError(
            _("Answer to {id!r}: the protocol does not take a thumbprint from this signer"
              " ({signer}); they sign, on screen or on paper.").format(id=question.id,
                                                                       signer=question.signer)
        )
    if mode == "signature" and signature_id is None:
        raise AnswerError(
            _("Answer to {id!r}: a drawn signature needs the signature_id of its image.").format(
                id=question.id)
        )
    normalised = {"mode": mode}
    if signature_id is not None:
        normalised["signature_id"] = signature_id
    return normalised


_CHOICE_KEYS = ("options", "options_from", "randomise")

KINDS: Mapping[str, QuestionKind] = {kind.name: kind for kind in (
    QuestionKind("yes_no", '"yes" or "no"', _yes_no),
    QuestionKind("single_choice", "one option id, as a string", _single_choice,
                 _CHOICE_KEYS, has_options=True),
    QuestionKind("multi_choice", "a list of option ids, each at most once", _multi_choice,
                 _CHOICE_KEYS, has_options=True),
    QuestionKind("text", f"a string (at most {MAX_TEXT_LENGTH} characters)", _text,
                 ("multiline",)),
    QuestionKind("scale", "a whole number from min to max", _scale,
                 ("min", "max", "min_label", "max_label")),
    QuestionKind("signature",
                 '{"mode": "signature" | "thumbprint" | "on_paper", "signature_id": "..."}'
                 " (signature_id is needed for a drawn signature)", _signature,
                 ("signer", "thumbprint")),
)}
QUESTION_KINDS = tuple(KINDS)
CHOICE_KINDS = tuple(name for name, kind in KINDS.items() if kind.has_options)
ANSWER_FORMATS = {name: kind.answer_format for name, kind in KINDS.items()}


def normalise_answer(question: Question, value: object) -> object:
    """An answer checked against its question's kind, normalised ("Yes" -> "yes")."""
    return KINDS[question.kind].normalise(question, value)


def kinds_taking(key: str) -> tuple[str, ...]:
    """The kinds whose questions may carry the protocol key ``key`` (all, when no kind
    claims it)."""
    claimed = tuple(name for name, kind in KINDS.items() if key in kind.keys)
    return claimed or QUESTION_KINDS


# Every key some kind claims, in the order the kinds declare them.
KIND_KEYS = tuple(dict.fromkeys(key for kind in KINDS.values() for key in kind.keys))
