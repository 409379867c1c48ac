"""Interview use cases: start, answer (autosaved as events), resume, abandon, finalise.

Every answer is an event in the station's chain and also updates the draft's answer
snapshot, so a killed program resumes exactly where it stopped. Finalisation seals the
record with its hash; from then on the database itself refuses any change.
"""

import json
import random
import typing
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import canonical_json, utc_now
from screening_app.domain.errors import NotFound, PermissionDenied, RecordImmutable, UserError
from screening_app.domain.interview import (
    InterviewPurpose,
    InterviewRecord,
    InterviewStatus,
    OutcomeStatus,
)
from screening_app.domain.messages import N_, message_language
from screening_app.domain.messages import gettext as _
from screening_app.domain.subject import Subject
from screening_app.protocol import (
    InterviewEngine,
    Protocol,
    randomised_option_order,
)
from screening_app.protocol.declaration import declaration_sha256, declarations
from screening_app.protocol.vocabulary import INTERVIEW_LANGUAGE, NAMED_PERSON_ROLES
from screening_app.services.authz import require_role
from screening_app.services.known_people import person_named
from screening_app.services.protocols import StationProtocols
from screening_app.store.connection import write_transaction
from screening_app.store.documents import StoredDocument
from screening_app.store.interviews import SEALED_SUFFIX, InterviewRepository, event_context
from screening_app.store.known_people import KnownPeopleRepository
from screening_app.store.reviews import ReviewRepository, ReviewRow
from screening_app.store.settings import SettingsRepository
from screening_app.store.station import Station
from screening_app.store.subjects import SubjectRepository
from screening_app.store.users import UserNames

INTERVIEWING_ROLES = (Role.INTERVIEWER, Role.SUPERVISOR)
OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class Interview:
    """An interview with the protocol it is taken on: what the GUI and CLI work with."""

    record: InterviewRecord
    protocol: Protocol
    # The document stored when the interview was sealed, on what finalise and abandon
    # return (None elsewhere): the GUI shows the bytes just signed without reading them back.
    form: "StoredDocument | None" = None

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def engine(self) -> InterviewEngine:
        return InterviewEngine(self.protocol, self.record.answers, self.record.option_order)


@dataclass(frozen=True)
class InterviewSummary:
    """One line of an interview list. ``choice`` is None unless the reader may see it."""

    id: str
    subject_isn: str
    subject_name: str
    interviewer: str
    status: str  # draft, completed, not_completed
    started_at: str
    finalised_at: str | None
    choice: str | None
    non_completion_reason: str | None
    transcribed: bool
    interviewer_label: str = ""  # what people read: the display name, else the login name
    review_state: str | None = None  # the latest review decision; None while received
    # The decision's reason or approval note, for readers who may see it: supervisors and
    # admins always; an interviewer only why it was sent back or rejected (an approval note
    # may speak of the choice).
    review_note: str | None = None
    # The choice (for readers who may see it) or the non-completion reason, as the
    # protocol words it: what people read instead of the stored ids.
    outcome_label: str = ""


@dataclass(frozen=True)
class PriorInterviews:
    """What an interviewer is told before interviewing a person again: the status of the
    person's latest finalised interview and of any open draft, never a choice."""

    latest_final_id: str | None
    latest_final_status: str | None  # completed, not_completed or sent_back
    latest_final_at: str | None
    open_draft: "InterviewSummary | None"
    open_draft_is_mine: bool
    open_draft_discardable: bool

    @property
    def any(self) -> bool:
        return self.latest_final_id is not None or self.open_draft is not None


@dataclass(frozen=True)
class Declaration:
    """The declaration the person signs, in the form's languages, and its digest."""

    texts: tuple[tuple[str, str], ...]  # (language, sentence)
    sha256: str


@dataclass(frozen=True)
class RecordedSignature:
    """A signature already given in a draft, as the pad redraws it on resume."""

    mode: str
    strokes: list | None


class FormKeeper(typing.Protocol):
    """What interviews need of their forms (services/form_signing.py): a refusal to start
    an interview whose form the actor could not sign at the end, or to seal a draft whose
    form the signer cannot sign now; and the form of a sealed record rendered, signed by
    the signer and stored (inside the finalisation's transaction)."""

    def check_can_start(self, actor: Actor) -> None: ...

    def check_can_finalise(self, signer: Actor) -> None: ...

    def store_for(self, actor: Actor, interview: "Interview", note: str | None = None,
                  signer: Actor | None = None) -> StoredDocument: ...


class InterviewService:
    def __init__(
        self,
        station: Station,
        *,
        forms: FormKeeper,
        clock: Callable[[], str] = utc_now,
        rng: random.Random | None = None,
    ):
        self._station = station
        self._db = station.db
        self._repo = InterviewRepository(station.db, station.review, station.drafts)
        self._subjects = SubjectRepository(station.db)
        self._known_people = KnownPeopleRepository(station.db)
        self._clock = clock
        # Option order must not be predictable by anyone preparing a person beforehand.
        self._rng = rng or random.SystemRandom()
        self._protocols = StationProtocols(self._repo, SettingsRepository(station.db))
        self._forms = forms

    # -- starting and loading ---------------------------------------------------------
    def start(
        self,
        actor: Actor,
        isn: str,
        *,
        protocol: Protocol | None = None,
        option_order: dict | None = None,
        transcribed: bool = False,
        supersedes_id: str | None = None,
        interviewer_id: str | None = None,
        started_at: str | None = None,
        purpose: str | None = None,
    ) -> Interview:
        """A new draft. A person who already has a finalised interview is interviewed
        again only as a re-interview, a withdrawal or a reconfirmation (``purpose``), linked
        to that interview (``supersedes_id``); a person whose interview is open as a draft
        is not interviewed twice at once."""
        require_role(actor, *INTERVIEWING_ROLES, action=N_("conduct interviews"))
        self._forms.check_can_start(actor)
        subject = self._subjects.get(isn)
        if subject is None:
            raise NotFound(_("No one with ISN {isn!r} is on this station's roster.").format(
                isn=isn))
        if supersedes_id is not None and purpose is None:
            purpose = InterviewPurpose.RE_INTERVIEW
        if purpose is not None:
            purposes = [str(p) for p in InterviewPurpose]
            if purpose not in purposes:
                raise UserError(_("Unknown purpose {purpose!r} for a second interview; use one"
                                  " of {known}.").format(purpose=purpose,
                                                         known=", ".join(purposes)))
            if supersedes_id is None:
                raise UserError(_("A re-interview, withdrawal or reconfirmation follows a"
                                  " finalised interview, and {isn} has none.").format(
                                      isn=subject.isn))
        open_drafts = self._repo.find(subject_isn=subject.isn, status=InterviewStatus.DRAFT)
        if open_drafts:
            draft = open_drafts[-1]
            raise UserError(
                _("An interview of {isn} is already open as a draft (started {started} by"
                  " {interviewer}); resume or discard it first.").format(
                      isn=subject.isn, started=draft.started_at[:16].replace("T", " "),
                      interviewer=draft.interviewer_name))
        if supersedes_id is not None:
            earlier = self._repo.get(supersedes_id)
            if earlier is None or earlier.subject_isn != subject.isn or not earlier.is_final:
                raise UserError(
                    _("A new interview can only follow a finalised interview of the same"
                      " person; {id} is not one of {isn}'s.").format(id=supersedes_id,
                                                                     isn=subject.isn))
        protocol = protocol or self.current_protocol()
        # A paper interview brings the order it used; anything it leaves out is drawn here.
        order = {**randomised_option_order(protocol, self._rng), **(option_order or {})}
        now = self._clock()
        record = InterviewRecord(
            id=str(uuid.uuid4()),
            station_id=self._station.station_id,
            subject_isn=subject.isn,
            # Identity as it is now: a later roster correction never rewrites this record.
            subject_snapshot=subject.as_dict(),
            protocol_sha256=protocol.sha256,
            protocol_id=protocol.id,
            protocol_version=protocol.version,
            option_order=order,
            interviewer_id=interviewer_id or actor.user_id,
            interviewer_name="",
            language=subject.language,
            status=InterviewStatus.DRAFT,
            answers={},
            current_step=protocol.steps[0].id,
            started_at=started_at or now,
            transcribed=transcribed,
            supersedes_id=supersedes_id,
            purpose=str(purpose) if purpose is not None else None,
        )
        with write_transaction(self._db):
            self._repo.store_protocol(protocol.sha256, protocol.id, protocol.version,
                                      protocol.source, now)
            self._repo.insert_draft(record)
            self._station.events.append(
                "interview.started",
                {
                    "subject_isn": subject.isn,
                    "protocol_sha256": protocol.sha256,
                    "option_order": order,
                    "transcribed": transcribed,
                    "supersedes_id": supersedes_id,
                    "purpose": record.purpose,
                    # A paper interview's start is the paper's, if it gave one (the timing
                    # flags check only what was measured).
                    **({"started_at_given": started_at is not None} if transcribed else {}),
                },
                actor_id=actor.user_id,
                interview_id=record.id,
                at=now,
            )
        self._protocols.remember(protocol)
        return self.load(actor, record.id)

    def load(self, actor: Actor, interview_id: str) -> Interview:
        record = self._repo.get(interview_id)
        if record is None:
            raise NotFound(_("There is no interview {id!r} at this station.").format(
                id=interview_id))
        self._check_may_open(actor, record)
        return Interview(record, self._protocol(record.protocol_sha256))

    def drafts(self, actor: Actor) -> list[Interview]:
        """Unfinished interviews this account may resume, oldest first."""
        require_role(actor, *INTERVIEWING_ROLES, action=N_("resume interviews"))
        records = self._repo.find(interviewer_id=actor.user_id, status=InterviewStatus.DRAFT)
        return [Interview(r, self._protocol(r.protocol_sha256)) for r in records]

    # -- recording -----------------------------------------------------------------
    def enter_step(self, actor: Actor, interview_id: str, step_id: str) -> Interview:
        """Record that a step is on screen: the time between these events is the time
        spent on each step, which the supervisor's rushed-interview flags read."""
        interview = self._open_draft(actor, interview_id)
        engine = interview.engine
        interview.protocol.step(step_id)  # raises for an unknown step
        status = engine.step_status(step_id)
        if status.locked_reason:
            raise UserError(status.locked_reason)
        now = self._clock()
        with write_transaction(self._db):
            if not self._repo.save_draft(interview.id, interview.record.answers, step_id,
                                         interview.record.language,
                                         _journal(interview, at=now, step=step_id)):
                self._station.events.append(
                    "interview.step_entered", {"step": step_id},
                    actor_id=actor.user_id, interview_id=interview.id, at=now,
                )
        return self.load(actor, interview_id)

    def answer(self, actor: Actor, interview_id: str, question_id: str, value) -> Interview:
        interview = self._open_draft(actor, interview_id)
        value = interview.engine.check_answer(question_id, value)
        answers = {**interview.record.answers, question_id: value}
        language = interview.record.language
        role = interview.protocol.question(question_id).role
        if role == INTERVIEW_LANGUAGE:
            language = value
        named = self._person_named(role, value)
        step_id = _step_of(interview.protocol, question_id)
        now = self._clock()
        with write_transaction(self._db):
            if not self._repo.save_draft(
                    interview.id, answers, step_id, language,
                    _journal(interview, at=now, step=step_id, question=question_id,
                             value=value, **named)):
                self._station.events.append(
                    "interview.answered",
                    {"step": step_id, "question": question_id, **named,
                     **self._for_review("value", value, interview.id, question_id)},
                    actor_id=actor.user_id, interview_id=interview.id, at=now,
                )
        return self.load(actor, interview_id)

    def _person_named(self, role: str | None, value) -> dict[str, str]:
        """{"person": id} when the answer names someone on the station's list of known
        people (for a question whose role names a person), else nothing."""
        kind = NAMED_PERSON_ROLES.get(role)
        if kind is None or not isinstance(value, str):
            return {}
        person = person_named(self._known_people.with_role(kind), value)
        return {"person": person.id} if person is not None else {}

    def add_signature(
        self,
        actor: Actor,
        interview_id: str,
        question_id: str,
        *,
        mode: str,
        signer_name: str | None = None,
        strokes: list | None = None,
        image_png: bytes | None = None,
    ) -> Interview:
        """Store a captured signature (or a thumbprint / paper mark) and answer the
        signature question with a reference to it."""
        interview = self._open_draft(actor, interview_id)
        question = interview.protocol.question(question_id)
        signature_id = str(uuid.uuid4())
        value = interview.engine.check_answer(
            question_id, {"mode": mode, "signature_id": signature_id}
        )
        if mode == "signature" and not image_png:
            raise UserError(_("A drawn signature needs its image; the pad was empty."))
        answers = {**interview.record.answers, question_id: value}
        step_id = _step_of(interview.protocol, question_id)
        now = self._clock()
        signed = {"signer": question.signer, "mode": mode, "signature_id": signature_id}
        declared = self.declaration(interview)
        if declared is not None and interview.protocol.step(step_id).shows_declaration:
            # What was on screen above the pad when this signature was given: the form
            # prints the same texts, so their digest ties the signature to them.
            signed["declaration_sha256"] = declared.sha256
        with write_transaction(self._db):
            self._repo.insert_signature(signature_id, interview.id, question.signer, signer_name,
                                        mode, strokes, image_png, now)
            if not self._repo.save_draft(
                    interview.id, answers, step_id, interview.record.language,
                    _journal(interview, at=now, step=step_id, question=question_id,
                             value=signed)):
                # Sealed even here: which declaration it was says which way the person chose.
                declaration = signed.pop("declaration_sha256", None)
                payload = {"step": step_id, "question": question_id, **signed}
                if declaration is not None:
                    payload.update(self._for_review("declaration_sha256", declaration,
                                                    interview.id, question_id))
                self._station.events.append("interview.signed", payload,
                                            actor_id=actor.user_id, interview_id=interview.id,
                                            at=now)
        return self.load(actor, interview_id)

    def declaration(self, interview: Interview) -> Declaration | None:
        """The declaration the person signs (None until the choice is confirmed), in the
        languages of the form: English and the person's language."""
        from screening_app.records.form_text import FormLanguages, person_language

        choice = interview.engine.effective_choice()
        if choice is None:
            return None
        record = interview.record
        languages = FormLanguages(person_language(record.language,
                                                  record.subject_snapshot.get("nationality")))
        texts = declarations(interview.protocol, choice, languages.all)
        return Declaration(texts, declaration_sha256(texts))

    def recorded_signatures(self, actor: Actor, interview_id: str) -> dict[str, RecordedSignature]:
        """The signatures a draft already holds, by question id, so that a resumed interview
        shows them as they were drawn."""
        interview = self.load(actor, interview_id)
        recorded = {}
        for question_id, value in interview.record.answers.items():
            if isinstance(value, dict) and value.get("signature_id"):
                stored = self._repo.signature(value["signature_id"])
                if stored is not None:
                    strokes = json.loads(stored["strokes"]) if stored["strokes"] else None
                    recorded[question_id] = RecordedSignature(stored["mode"], strokes)
        return recorded

    def signature_images(self, actor: Actor, interview_id: str) -> dict[str, bytes]:
        """The drawn signature images of an interview, by signature id."""
        interview = self.load(actor, interview_id)
        images = {}
        for value in interview.record.answers.values():
            if isinstance(value, dict) and value.get("signature_id"):
                stored = self._repo.signature(value["signature_id"])
                if stored and stored["image"]:
                    images[stored["id"]] = stored["image"]
        return images

    # -- ending --------------------------------------------------------------------
    def abandon(self, actor: Actor, interview_id: str, reason: str,
                step_id: str | None = None, note: str | None = None,
                ended_at: str | None = None, *, signed_by: Actor | None = None) -> Interview:
        """End an interview without a choice: a non-completion record, sealed like any other.
        ``signed_by`` signs its form when that is not ``actor`` (see ``finalise``)."""
        interview = self._open_draft(actor, interview_id)
        valid = [r.id for r in interview.protocol.non_completion_reasons]
        if reason not in valid:
            raise UserError(
                _("Unknown non-completion reason {reason!r}; use one of {known}.").format(
                    reason=reason, known=", ".join(valid))
            )
        step_id = step_id or interview.record.current_step
        interview.protocol.step(step_id)
        outcome = interview.engine.outcome(abandoned_reason=reason, abandoned_step=step_id)
        return self._seal(actor, interview, outcome, note=note, ended_at=ended_at,
                          signed_by=signed_by)

    def finalise(self, actor: Actor, interview_id: str, ended_at: str | None = None, *,
                 signed_by: Actor | None = None) -> Interview:
        """Seal the draft and store its signed form. The form is signed by ``actor``, or by
        ``signed_by``: the signed-in person who entered someone else's paper interview."""
        interview = self._open_draft(actor, interview_id)
        engine = interview.engine
        if engine.stop_reason() is None:
            ok, reasons = engine.can_finalise()
            if not ok:
                raise UserError(_("The interview cannot be finalised yet: {reasons}").format(
                    reasons=" ".join(reasons)))
        return self._seal(actor, interview, engine.outcome(), ended_at=ended_at,
                          signed_by=signed_by)

    def _seal(self, actor: Actor, interview: Interview, outcome, note: str | None = None,
              ended_at: str | None = None, signed_by: Actor | None = None) -> Interview:
        signer = signed_by or actor
        self._forms.check_can_finalise(signer)
        now = self._clock()
        record = replace(
            interview.record,
            status=InterviewStatus.FINAL,
            ended_at=ended_at or now,
            finalised_at=now,
            outcome=OutcomeStatus(outcome.status),
            choice=outcome.choice,
            firmness_mismatch=outcome.firmness_mismatch,
            flags=tuple(outcome.flags),
            non_completion_reason=outcome.reason,
            non_completion_step=outcome.step,
            current_step=outcome.step or interview.record.current_step,
            signatures=self._repo.signature_refs(interview.record.answers),
        )
        record = replace(record, record_sha256=record.computed_hash())
        with write_transaction(self._db):
            self._repo.finalise(record)
            self._station.events.append(
                "interview.finalised",
                {
                    "outcome": str(record.outcome),
                    **self._for_review("choice", record.choice, record.id, None),
                    "non_completion_reason": record.non_completion_reason,
                    # Sealed too: a flag only one answer raises, or the step a person
                    # stopped at, can say which way they chose.
                    **self._for_review("non_completion_step", record.non_completion_step,
                                       record.id, None),
                    **self._for_review("flags", list(record.flags), record.id, None),
                    "record_sha256": record.record_sha256,
                    "note": note,
                    **({"ended_at_given": ended_at is not None} if record.transcribed
                       else {}),
                },
                actor_id=actor.user_id, interview_id=record.id, at=now,
            )
            sealed = self.load(actor, record.id)
            # In the same transaction: a record never lands without its form.
            sealed = replace(sealed, form=self._forms.store_for(actor, sealed, note, signer))
        return sealed

    def _for_review(self, key: str, value, interview_id: str, question_id: str | None) -> dict:
        """An event payload's value that says what the person answered or chose: sealed to
        the review key (``key`` + "_sealed", hex) once the station has one, like the
        record's own answers, so that the history does not tell an interviewer what the
        record does not."""
        review = self._station.review
        if not review.can_seal:
            return {key: value}
        sealed = review.seal(canonical_json(value).encode(),
                             event_context(interview_id, question_id, key))
        return {f"{key}{SEALED_SUFFIX}": sealed.hex()}

    # -- lists ---------------------------------------------------------------------
    def list(self, actor: Actor, *, subject_isn: str | None = None) -> list[InterviewSummary]:
        """Supervisors and admins see every interview with its outcome. An interviewer sees
        their own interviews, or one person's whole history, with status only: never a
        person's choice."""
        require_role(actor, *Role, action=N_("list interviews"))
        oversight = actor.role in OVERSIGHT_ROLES
        only_mine = not oversight and subject_isn is None
        records = self._repo.find(
            interviewer_id=actor.user_id if only_mine else None, subject_isn=subject_isn
        )
        labels = UserNames(self._db).labels()
        reviews = ReviewRepository(self._db).latest_for([r.id for r in records if r.is_final])
        return [replace(_summary(r, show_choice=oversight, interviewer_label=labels.get(
                    r.interviewer_id, r.interviewer_name), review=reviews.get(r.id)),
                        outcome_label=self._outcome_label(r, show_choice=oversight))
                for r in records]

    def _outcome_label(self, record: InterviewRecord, show_choice: bool) -> str:
        protocol = self._protocol(record.protocol_sha256)
        if record.choice and show_choice:
            return protocol.option_label(protocol.choice.question, record.choice, "en")
        if record.non_completion_reason:
            return protocol.reason(record.non_completion_reason).label.en
        return ""

    def latest_final_id(self, actor: Actor, isn: str) -> str | None:
        """The person's newest finalised interview: what a new interview (a re-interview
        after a send-back, a withdrawal or a reconfirmation) is linked to."""
        require_role(actor, *Role, action=N_("see interview status"))
        finals = self._repo.find(subject_isn=isn, status=InterviewStatus.FINAL)
        return finals[-1].id if finals else None

    def prior(self, actor: Actor, isn: str) -> PriorInterviews:
        """Before interviewing a person: their latest finalised interview's status and any
        open draft (status only, never the choice)."""
        require_role(actor, *Role, action=N_("see interview status"))
        finals = self._repo.find(subject_isn=isn, status=InterviewStatus.FINAL)
        drafts = self._repo.find(subject_isn=isn, status=InterviewStatus.DRAFT)
        latest = finals[-1] if finals else None
        latest_status = None
        if latest is not None:
            latest_status = self._repo.latest_status([isn]).get(isn, "").split("+")[0] or None
        draft = drafts[-1] if drafts else None
        mine = draft is not None and draft.interviewer_id == actor.user_id
        return PriorInterviews(
            latest_final_id=latest.id if latest else None,
            latest_final_status=latest_status,
            latest_final_at=latest.finalised_at if latest else None,
            open_draft=_summary(draft, show_choice=False, review=None, interviewer_label=(
                UserNames(self._db).labels().get(draft.interviewer_id, draft.interviewer_name)))
            if draft else None,
            open_draft_is_mine=mine,
            open_draft_discardable=draft is not None and self._may_discard(actor, draft)
            and _answers_beyond_first_step(draft, self._protocol(draft.protocol_sha256)) == [],
        )

    def discard_draft(self, actor: Actor, interview_id: str, reason: str) -> None:
        """A draft opened by mistake (the wrong person) is set aside before anything beyond
        the identity check was answered. Nothing is deleted: the draft stays, and the
        discard is a record and an event with who, when and why."""
        require_role(actor, *INTERVIEWING_ROLES, *OVERSIGHT_ROLES, action=N_("discard drafts"))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the draft is discarded (for example, it was opened for"
                              " the wrong person)."))
        record = self._repo.get(interview_id)
        if record is None or self._repo.is_discarded(interview_id):
            raise NotFound(_("There is no open draft {id!r} at this station.").format(
                id=interview_id))
        if record.is_final:
            raise RecordImmutable(_("Interview {id} is finalised; a finalised record is never"
                                    " discarded (a new interview can follow it).").format(
                                        id=interview_id))
        if not self._may_discard(actor, record):
            raise PermissionDenied(_("Only {interviewer}, who opened it, or a supervisor may"
                                     " discard this draft.").format(
                                         interviewer=record.interviewer_name))
        protocol = self._protocol(record.protocol_sha256)
        beyond = _answers_beyond_first_step(record, protocol)
        if beyond:
            raise UserError(
                _("This draft cannot be discarded: it already has answers beyond {step!r}. End"
                  " the interview with a reason instead.").format(
                      step=protocol.steps[0].title.get(message_language())))
        now = self._clock()
        with write_transaction(self._db):
            self._repo.discard_draft(interview_id, reason, actor.user_id, now)
            self._station.events.append(
                "interview.discarded", {"reason": reason, "answers": len(record.answers)},
                actor_id=actor.user_id, interview_id=interview_id, at=now)

    def may_discard(self, actor: Actor, interview: Interview) -> bool:
        """Whether ``discard_draft`` would take this draft (the wizard offers it then)."""
        record = interview.record
        return (not record.is_final and self._may_discard(actor, record)
                and not _answers_beyond_first_step(record, interview.protocol))

    def _may_discard(self, actor: Actor, record: InterviewRecord) -> bool:
        return actor.role in OVERSIGHT_ROLES or record.interviewer_id == actor.user_id

    def subject_statuses(self, actor: Actor, isns: Sequence[str]) -> dict[str, str]:
        """Each person's interview status for roster lists: draft, completed or
        not_completed (their latest interview); people with none are left out."""
        require_role(actor, *Role, action=N_("see interview status"))
        return self._repo.latest_status(isns)

    # -- helpers -------------------------------------------------------------------
    def _open_draft(self, actor: Actor, interview_id: str) -> Interview:
        require_role(actor, *INTERVIEWING_ROLES, action=N_("conduct interviews"))
        interview = self.load(actor, interview_id)
        if self._repo.is_discarded(interview_id):
            raise UserError(_("Interview {id} was discarded as opened by mistake; start a new"
                              " interview instead.").format(id=interview_id))
        if interview.record.is_final:
            with write_transaction(self._db):
                self._station.events.append(
                    "interview.change_refused", {"reason": "record is finalised"},
                    actor_id=actor.user_id, interview_id=interview_id,
                )
            raise RecordImmutable(
                _("Interview {id} is finalised and cannot be changed; corrections are made as a"
                  " new interview linked to it.").format(id=interview_id)
            )
        if interview.record.interviewer_id != actor.user_id:
            raise PermissionDenied(
                _("Interview {id} belongs to {interviewer}; only that interviewer can continue"
                  " it.").format(id=interview_id, interviewer=interview.record.interviewer_name)
            )
        if interview.record.unreadable:
            # Saving it now would write over the answers this session cannot read.
            raise PermissionDenied(
                _("The draft of interview {id} is sealed under a key this session does not hold"
                  " (the account's key before a password reset): a supervisor can read it;"
                  " discard it and start the interview again.").format(id=interview_id))
        return interview

    def _check_may_open(self, actor: Actor, record: InterviewRecord) -> None:
        if actor.role in OVERSIGHT_ROLES or record.interviewer_id == actor.user_id:
            return
        raise PermissionDenied(_("{name} may not open interview {id}.").format(
            name=actor.name, id=record.id))

    def current_protocol(self) -> Protocol:
        """The protocol new interviews are taken on (services/protocols.py)."""
        return self._protocols.current()

    def protocol_version(self, protocol_id: str, version: object) -> Protocol | None:
        """A version of a protocol the station holds (an answers file may name one)."""
        return self._protocols.version(protocol_id, version)

    def _protocol(self, sha256: str) -> Protocol:
        return self._protocols.by_sha256(sha256)


def _answers_beyond_first_step(record: InterviewRecord, protocol: Protocol) -> list[str]:
    """Answers given after the first step (the identity check): a draft with any of them
    is a real interview under way, not one opened by mistake."""
    first = {question.id for question in protocol.steps[0].questions}
    return [question_id for question_id, value in record.answers.items()
            if question_id not in first and value not in (None, "", [])]


def _journal(interview: Interview, **entry) -> tuple[dict, ...]:
    """The draft's journal with one more entry (see InterviewRecord.journal)."""
    return (*interview.record.journal, entry)


def _step_of(protocol: Protocol, question_id: str) -> str:
    for step in protocol.steps:
        if any(q.id == question_id for q in step.questions):
            return step.id
    raise UserError(_("The protocol has no question {id!r}.").format(id=question_id))


def _summary(record: InterviewRecord, show_choice: bool, interviewer_label: str,
             review: ReviewRow | None) -> InterviewSummary:
    subject = Subject(**record.subject_snapshot)
    status = str(record.outcome) if record.is_final else "draft"
    note = None
    if review is not None and (show_choice or review.state in ("sent_back", "rejected")):
        note = review.reason
    return InterviewSummary(
        id=record.id,
        subject_isn=record.subject_isn,
        subject_name=subject.display_name,
        interviewer=record.interviewer_name,
        status=status,
        started_at=record.started_at,
        finalised_at=record.finalised_at,
        choice=record.choice if show_choice else None,
        non_completion_reason=record.non_completion_reason,
        transcribed=record.transcribed,
        interviewer_label=interviewer_label,
        review_state=review.state if review else None,
        review_note=note,
    )
