"""Entering an interview taken on paper (for example while the power was out).

The answers file goes through the same interview service as the GUI, question by
question in protocol order, so every gate and rule applies; the record is marked as
transcribed. The whole file is one transaction: a bad answer leaves nothing behind.

Its form is signed by the person who entered it, the signed-in account, even when the
paper interview was another interviewer's: a signature says who vouches for these bytes,
and what the program can vouch for is who typed them in. The interviewer's own signature
is on the paper; their key opens only with their password, which the person entering the
file does not have (and must not need). The form's signature block names both.
"""

import json
from collections.abc import Callable
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import parse_timestamp
from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewPurpose
from screening_app.protocol import Protocol
from screening_app.services.interviews import Interview, InterviewService
from screening_app.store.connection import write_transaction
from screening_app.store.station import Station
from screening_app.store.users import UserRepository

ALLOWED_KEYS = {"protocol", "option_order", "interviewer", "started_at", "ended_at", "answers",
                "abandon", "language", "purpose"}
PAPER_SIGNATURE_MODES = ("on_paper", "thumbprint")


class AnswersFileError(UserError):
    pass


def read_answers_file(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnswersFileError(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise AnswersFileError(f"{path}: not UTF-8 text; save the answers file as UTF-8.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise AnswersFileError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    except RecursionError:
        raise AnswersFileError(f"{path}: nested too deeply to be an answers file.") from None
    if not isinstance(document, dict):
        raise AnswersFileError(f"{path}: the top level must be a JSON object.")
    try:
        # A \ud800-style escape decodes to half a character, which cannot be stored.
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise AnswersFileError(
            f"{path}: holds a \\u escape of half a character (a lone surrogate); write the"
            " character itself."
        ) from None
    return document


class TranscriptionService:
    def __init__(self, station: Station, interviews: InterviewService):
        self._station = station
        self._interviews = interviews

    def record(self, actor: Actor, isn: str, document: dict, source: str) -> Interview:
        _check_keys(document, source)
        protocol = _pick_protocol(document.get("protocol"), source,
                                  self._interviews.current_protocol,
                                  self._interviews.protocol_version)
        answers = document.get("answers")
        if not isinstance(answers, dict):
            raise AnswersFileError(f"{source}: 'answers' must be an object of question ids.")
        known = {q.id for q in protocol.questions()}
        for question_id in answers:
            if question_id not in known:
                raise AnswersFileError(
                    f"{source}: answers.{_shown(question_id)}: the protocol {protocol.id} v"
                    f"{protocol.version} has no such question (see 'screening-app protocol show')."
                )
        option_order = _option_order(document.get("option_order"), protocol, source)
        interviewer_id = self._interviewer_id(document.get("interviewer"), actor, source)
        started_at = _timestamp(document, "started_at", source)
        ended_at = _timestamp(document, "ended_at", source)
        supersedes_id, purpose = self._second_interview(actor, isn, document, source)
        signed_in = actor  # who entered the file: signs the form (see the module's notes)
        with write_transaction(self._station.db):
            interview = self._interviews.start(
                actor, isn, protocol=protocol, option_order=option_order, transcribed=True,
                interviewer_id=interviewer_id, started_at=started_at,
                supersedes_id=supersedes_id, purpose=purpose,
            )
            if interviewer_id != actor.user_id:
                # Entering someone else's paper interview: the draft is theirs, so the
                # answers are entered under their id, recorded as a transcription by actor.
                actor = Actor(interviewer_id, interview.record.interviewer_name, Role.INTERVIEWER)
            interview = self._apply_answers(actor, interview, answers, source)
            abandon = document.get("abandon")
            if abandon is not None:
                if not isinstance(abandon, dict) or "reason" not in abandon:
                    raise AnswersFileError(
                        f"{source}: 'abandon' must be an object with a 'reason' (and optionally"
                        " 'step' and 'note')."
                    )
                try:
                    return self._interviews.abandon(
                        actor, interview.id, abandon["reason"], abandon.get("step"),
                        abandon.get("note"), ended_at=ended_at, signed_by=signed_in,
                    )
                except UserError as error:
                    raise AnswersFileError(f"{source}: abandon: {error}") from None
            try:
                return self._interviews.finalise(actor, interview.id, ended_at=ended_at,
                                                 signed_by=signed_in)
            except UserError as error:
                raise AnswersFileError(f"{source}: {error}") from None

    def _apply_answers(self, actor: Actor, interview: Interview, answers: dict,
                       source: str) -> Interview:
        pending = dict(answers)
        for step in interview.protocol.steps:
            engine = interview.engine
            if step not in engine.visible_steps():
                continue
            status = engine.step_status(step.id)
            if status.locked_reason or engine.stop_reason():
                break
            interview = self._interviews.enter_step(actor, interview.id, step.id)
            for question in step.questions:
                if question.id not in pending:
                    continue
                if question not in interview.engine.visible_questions(step.id):
                    continue
                value = pending.pop(question.id)
                try:
                    interview = self._record_one(actor, interview, question, value)
                except UserError as error:
                    raise AnswersFileError(f"{source}: answers.{question.id}: {error}") from None
        if pending:
            first = next(iter(pending))
            raise AnswersFileError(
                f"{source}: answers.{first}: this question is not asked in this interview"
                " (its step or condition does not apply, or the interview stopped before it)."
            )
        return interview

    def _record_one(self, actor: Actor, interview: Interview, question, value) -> Interview:
        if question.kind == "signature":
            mode = value.get("mode") if isinstance(value, dict) else value
            if mode not in PAPER_SIGNATURE_MODES:
                raise UserError(
                    "a signature taken on paper is recorded as {\"mode\": \"on_paper\"} or"
                    " {\"mode\": \"thumbprint\"}."
                )
            name = value.get("name") if isinstance(value, dict) else None
            if name is not None and not isinstance(name, str):
                raise UserError("the name of who signed on paper must be text.")
            return self._interviews.add_signature(
                actor, interview.id, question.id, mode=mode, signer_name=name
            )
        return self._interviews.answer(actor, interview.id, question.id, value)

    def _second_interview(self, actor: Actor, isn: str, document: dict,
                          source: str) -> tuple[str | None, str | None]:
        """A paper interview of someone who already has a finalised record is linked to it,
        as a re-interview unless the file says it is a withdrawal or a reconfirmation."""
        purpose = document.get("purpose")
        latest = self._interviews.latest_final_id(actor, isn)
        if latest is None:
            if purpose is not None:
                raise AnswersFileError(f"{source}: purpose: {isn} has no finalised interview"
                                       " to follow; leave purpose out for a first interview.")
            return None, None
        purposes = ", ".join(f'"{p}"' for p in InterviewPurpose)
        if purpose is None:
            return latest, str(InterviewPurpose.RE_INTERVIEW)
        if purpose not in [str(p) for p in InterviewPurpose]:
            raise AnswersFileError(f"{source}: purpose: use one of {purposes}.")
        return latest, purpose

    def _interviewer_id(self, name, actor: Actor, source: str) -> str:
        if name is None:
            return actor.user_id
        if not isinstance(name, str):
            raise AnswersFileError(f"{source}: interviewer: must be an account's name (text).")
        user = UserRepository(self._station.db).named(name)
        if user is None or user.role not in (Role.INTERVIEWER, Role.SUPERVISOR):
            raise AnswersFileError(
                f"{source}: interviewer: no interviewer or supervisor account named {name!r}."
            )
        if user.id != actor.user_id and actor.role != Role.SUPERVISOR:
            raise AnswersFileError(
                f"{source}: interviewer: only a supervisor may enter another interviewer's paper"
                " interview."
            )
        return user.id


def _check_keys(document: dict, source: str) -> None:
    unknown = sorted(set(document) - ALLOWED_KEYS)
    if unknown:
        raise AnswersFileError(
            f"{source}: unknown key {unknown[0]!r}; the file may hold {', '.join(sorted(ALLOWED_KEYS))}."
        )


def _pick_protocol(wanted, source: str, current: Callable[[], Protocol],
                   version_of: Callable[[str, object], Protocol | None]) -> Protocol:
    """The protocol the file names (bundled, or stored at the station), else the one new
    interviews are taken on."""
    if wanted is None:
        return current()
    if not isinstance(wanted, dict) or "id" not in wanted or "version" not in wanted:
        raise AnswersFileError(f"{source}: 'protocol' must be {{\"id\": ..., \"version\": ...}}.")
    named = version_of(wanted["id"], wanted["version"])
    if named is not None:
        return named
    raise AnswersFileError(
        f"{source}: protocol: no protocol {wanted['id']!r} version {wanted['version']!r} here."
    )


def _option_order(order, protocol: Protocol, source: str) -> dict | None:
    if order is None:
        return None
    if not isinstance(order, dict):
        raise AnswersFileError(f"{source}: 'option_order' must map question ids to option lists.")
    for question_id, options in order.items():
        try:
            question = protocol.question(question_id)
        except (KeyError, UserError):
            raise AnswersFileError(
                f"{source}: option_order.{_shown(question_id)}: the protocol has no such"
                " question."
            ) from None
        valid = sorted(o.id for o in question.options)
        if (not isinstance(options, list) or not all(isinstance(o, str) for o in options)
                or sorted(options) != valid):
            raise AnswersFileError(
                f"{source}: option_order.{question_id}: must list each of {', '.join(valid)} once."
            )
    return order


def _timestamp(document: dict, key: str, source: str) -> str | None:
    value = document.get(key)
    if value is None:
        return None
    try:
        parse_timestamp(str(value))
    except ValueError:
        raise AnswersFileError(
            f"{source}: {key}: {value!r} is not a date and time (use 2026-11-27T09:30:00Z)."
        ) from None
    return str(value)


def _shown(key: str) -> str:
    """A key from the file as it can be shown in a one-line message."""
    return key if key.isprintable() else repr(key)
