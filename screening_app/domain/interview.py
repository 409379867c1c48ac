"""An interview record as stored, and the hash that seals it at finalisation."""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum

from screening_app.domain.canonical import canonical_json, sha256_hex


class InterviewStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class OutcomeStatus(StrEnum):
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


class InterviewPurpose(StrEnum):
    """Why a person who already has a finalised record is interviewed again."""

    RE_INTERVIEW = "re_interview"  # the earlier one was sent back, or is in doubt
    WITHDRAWAL = "withdrawal"  # the person withdraws the choice they made
    RECONFIRMATION = "reconfirmation"  # asked again before departure, as promised


@dataclass(frozen=True)
class SignatureRef:
    """What a record says about one signature: who, how, and a digest of the image."""

    id: str
    signer: str
    mode: str
    image_sha256: str | None


@dataclass(frozen=True)
class InterviewRecord:
    id: str
    station_id: str
    subject_isn: str
    subject_snapshot: dict
    protocol_sha256: str
    protocol_id: str
    protocol_version: int
    option_order: dict
    interviewer_id: str
    interviewer_name: str
    language: str | None
    status: InterviewStatus
    answers: dict
    current_step: str | None
    started_at: str
    ended_at: str | None = None
    finalised_at: str | None = None
    outcome: OutcomeStatus | None = None
    choice: str | None = None
    firmness_mismatch: bool | None = None
    flags: tuple[str, ...] = ()
    non_completion_reason: str | None = None
    non_completion_step: str | None = None
    transcribed: bool = False
    supersedes_id: str | None = None
    record_sha256: str | None = None
    signatures: tuple[SignatureRef, ...] = field(default_factory=tuple)
    # For a second interview of the same person (see InterviewPurpose); None for the first.
    purpose: str | None = None
    # What happened while it was a draft, in order, each with its time: every step entered
    # ({"at", "step"}), answer given ({"at", "step", "question", "value"}) and signature
    # captured (its value is the signature's reference, with the digest of the declaration
    # shown above the pad). An answer that names a person the station knows (an
    # interpreter, an observer) carries their id in the station's list too ("person"), so
    # that the review counts one person however the name was written. Kept with the answers rather than in the station's history,
    # whose number of events and their times would tell which steps were asked, and so
    # which way the person chose. Empty for records taken before it existed (their steps
    # are in the history).
    journal: tuple[dict, ...] = ()
    # True when the answers and choice are sealed to the review key and this session cannot
    # open them (an interviewer's, for a record it did not seal): they read as empty. Not
    # part of the record, nor of its hash.
    unreadable: bool = field(default=False, compare=False)

    @property
    def is_final(self) -> bool:
        return self.status == InterviewStatus.FINAL

    def known_person(self, question_id: str) -> str | None:
        """The id, in the station's list of known people, of the person the question's
        answer names; None when the answer named no one the station knew (or the record
        was taken before answers carried it)."""
        return known_person_in(self.journal, question_id)

    def sealed_content(self) -> dict:
        """Everything the record hash covers: the whole record but the hash itself.

        Field by field rather than ``asdict``, which deep-copies every answer: the result
        is only ever serialised, and a sync export seals thousands of records."""
        content = {f.name: getattr(self, f.name) for f in fields(self)
                   if f.name not in ("record_sha256", "unreadable")}
        content["status"] = str(self.status)
        content["outcome"] = str(self.outcome) if self.outcome else None
        content["flags"] = list(self.flags)
        content["signatures"] = [asdict(s) for s in self.signatures]
        if self.purpose is None:
            # Records sealed before purposes existed hash exactly as they did.
            del content["purpose"]
        if self.journal:
            content["journal"] = list(self.journal)
        else:
            del content["journal"]  # and so do those sealed before the journal
        return content

    def computed_hash(self) -> str:
        return sha256_hex(canonical_json(self.sealed_content()))


def known_person_in(journal: Sequence[Mapping], question_id: str) -> str | None:
    """The known person's id that the last answer to the question in a journal carries."""
    for entry in reversed(journal):
        if entry.get("question") == question_id:
            return entry.get("person")
    return None
