"""Interview rows, their signatures, and the protocol versions they were taken on."""

import json
from collections.abc import Sequence
from dataclasses import replace

from sqlite_utils import Database

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.domain.interview import (
    InterviewRecord,
    InterviewStatus,
    OutcomeStatus,
    SignatureRef,
    known_person_in,
)
from screening_app.pki.draft_seal import DraftSeal, is_draft_sealed, open_with, seal_with
from screening_app.pki.review_seal import ReviewSeal

_COLUMNS = (
    "interviews.id", "station_id", "subject_isn", "subject_snapshot", "protocol_sha256",
    "protocols.protocol_id", "protocols.version", "option_order", "interviewer_id", "users.name",
    "language", "status", "answers", "current_step", "started_at", "ended_at", "finalised_at",
    "outcome", "choice", "firmness_mismatch", "flags", "non_completion_reason",
    "non_completion_step", "transcribed", "supersedes_id", "record_sha256", "purpose",
    "sealed_answers", "sealed_choice", "draft_keys", "sealed_draft", "sealed_progress",
)
_SELECT = (
    f"SELECT {', '.join(_COLUMNS)} FROM interviews"
    " JOIN protocols ON protocols.sha256 = interviews.protocol_sha256"
    " JOIN users ON users.id = interviews.interviewer_id"
)


_NOT_DISCARDED = "interviews.id NOT IN (SELECT interview_id FROM discarded_drafts)"


def answers_context(interview_id: str) -> bytes:
    return f"interview:{interview_id}:answers".encode()


def choice_context(interview_id: str) -> bytes:
    return f"interview:{interview_id}:choice".encode()


def draft_context(interview_id: str) -> bytes:
    return f"interview:{interview_id}:draft-answers".encode()


def progress_context(interview_id: str) -> bytes:
    return f"interview:{interview_id}:progress".encode()


def signature_context(signature_id: str, part: str) -> bytes:
    return f"signature:{signature_id}:{part}".encode()


SEALED_SUFFIX = "_sealed"


def event_context(interview_id: str, question_id: str | None, key: str) -> bytes:
    """Where a sealed value of an event payload belongs: the interview, the question the
    event is about (its payload's "question"), and the payload key."""
    return f"event:{interview_id}:{question_id or ''}:{key}".encode()


def opened_event_value(review: ReviewSeal, interview_id: str, payload: dict, key: str):
    """An event payload's ``key`` as recorded: in clear (events written before the review
    key), or opened from ``key`` + "_sealed"; None where this session cannot open it."""
    if key in payload:
        return payload[key]
    sealed = payload.get(key + SEALED_SUFFIX)
    if sealed is None:
        return None
    opened = review.open(bytes.fromhex(sealed),
                         event_context(interview_id, payload.get("question"), key))
    return json.loads(opened) if opened is not None else None


class InterviewRepository:
    """``review`` is the session's review seal (pki/review_seal.py): a finalised record's
    answers and choice are stored sealed to the review key, and read back only where the
    session can open them (a reviewer's, or the one that sealed them). ``drafts`` is the
    session's way to the keys of open drafts (pki/draft_seal.py): a draft's answers and
    signatures are sealed under a key of its own, which its owner and reviewers open."""

    def __init__(self, db: Database, review: ReviewSeal | None = None,
                 drafts: DraftSeal | None = None):
        self._db = db
        self._review = review
        self._drafts = drafts or (DraftSeal(review) if review is not None else None)

    # -- protocols -----------------------------------------------------------------
    def store_protocol(self, sha256: str, protocol_id: str, version: int, source: dict, now: str):
        self._db.execute(
            "INSERT OR IGNORE INTO protocols (sha256, protocol_id, version, definition, added_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [sha256, protocol_id, version, canonical_json(source), now],
        )

    def protocol_source(self, sha256: str) -> dict | None:
        row = self._db.execute(
            "SELECT definition FROM protocols WHERE sha256 = ?", [sha256]
        ).fetchone()
        return json.loads(row[0]) if row else None

    def newest_protocol(self, protocol_id: str) -> tuple[str, int] | None:
        """(sha256, version) of the newest stored version of a protocol."""
        row = self._db.execute(
            "SELECT sha256, version FROM protocols WHERE protocol_id = ?"
            " ORDER BY version DESC, added_at DESC LIMIT 1", [protocol_id]).fetchone()
        return (row[0], row[1]) if row else None

    def protocol_version(self, protocol_id: str, version: int) -> str | None:
        """The sha256 of one stored version of a protocol, or None."""
        row = self._db.execute(
            "SELECT sha256 FROM protocols WHERE protocol_id = ? AND version = ?"
            " ORDER BY added_at DESC LIMIT 1", [protocol_id, version]).fetchone()
        return row[0] if row else None

    def protocol_ids(self) -> set[str]:
        """The ids of every protocol stored here (taken on, or published from headquarters)."""
        return {row[0] for row in self._db.execute("SELECT DISTINCT protocol_id FROM protocols")}

    # -- interviews ----------------------------------------------------------------
    def insert_draft(self, record: InterviewRecord) -> None:
        """A new draft, with a key of its own once the station has a review key."""
        draft_keys = None
        if self._drafts is not None and self._drafts.can_seal:
            _, draft_keys = self._drafts.new_key(record.id, record.interviewer_id)
        self._db.execute(
            "INSERT INTO interviews (id, station_id, subject_isn, subject_snapshot,"
            " protocol_sha256, option_order, interviewer_id, language, status, answers,"
            " current_step, started_at, transcribed, supersedes_id, purpose, draft_keys)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', '{}', ?, ?, ?, ?, ?, ?)",
            [
                record.id, record.station_id, record.subject_isn,
                canonical_json(record.subject_snapshot), record.protocol_sha256,
                canonical_json(record.option_order), record.interviewer_id, record.language,
                record.current_step, record.started_at,
                int(record.transcribed), record.supersedes_id, record.purpose, draft_keys,
            ],
        )
        self.save_draft(record.id, record.answers, record.current_step, record.language)

    def save_draft(self, interview_id: str, answers: dict, current_step: str | None,
                   language: str | None, journal: Sequence[dict] = ()) -> bool:
        """The draft's answers so far, the step it is on and its journal, sealed under its
        key (a draft from before draft keys gets one now, wrapped to the account saving
        it). False for a draft kept in clear (no review key yet, or signatures already
        stored in clear): its journal is not kept, and its steps go to the history as
        events, as they always did."""
        key = self._draft_key(interview_id, create=True)
        if key is None:
            self._db.execute(
                "UPDATE interviews SET answers = ?, current_step = ?, language = ?"
                " WHERE id = ? AND status = 'draft'",
                [canonical_json(answers), current_step, language, interview_id])
            return False
        progress = {"current_step": current_step, "journal": list(journal)}
        self._db.execute(
            "UPDATE interviews SET answers = '{}', sealed_draft = ?, sealed_progress = ?,"
            " current_step = NULL, language = ? WHERE id = ? AND status = 'draft'",
            [seal_with(key, canonical_json(answers).encode(), draft_context(interview_id)),
             seal_with(key, canonical_json(progress).encode(), progress_context(interview_id)),
             language, interview_id],
        )
        return True

    def _draft_key(self, interview_id: str, *, create: bool = False) -> bytes | None:
        """The interview's own key, where this session opens it. With ``create`` (to
        write): a draft without one (started before draft keys) gets one, unless it
        already holds signatures in clear, which cannot be sealed in place (the whole
        record is sealed once finalised, at a reviewer's sign-in, store/resealing.py);
        and a key this session cannot open is an error, never a reason to write in
        clear."""
        if self._drafts is None:
            return None
        row = self._db.execute("SELECT draft_keys, status, interviewer_id FROM interviews"
                               " WHERE id = ?", [interview_id]).fetchone()
        if row is None:
            return None
        if row[0] is None:
            if not (create and row[1] == "draft" and self._drafts.can_seal) \
                    or self._has_signatures(interview_id):
                return None
            key, stored = self._drafts.new_key(interview_id, row[2])
            self._db.execute("UPDATE interviews SET draft_keys = ? WHERE id = ?"
                             " AND status = 'draft'", [stored, interview_id])
            return key
        key = self._drafts.key_of(interview_id, row[0])
        if key is None and create:
            raise RuntimeError(f"interview {interview_id}'s draft key does not open here")
        return key

    def _has_signatures(self, interview_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM signatures WHERE interview_id = ? LIMIT 1",
                                [interview_id]).fetchone() is not None

    def finalise(self, record: InterviewRecord) -> None:
        """Write the sealed record. The UPDATE only matches a draft; afterwards the
        database's own triggers refuse any change. Its answers, choice and progress (the
        step it ended on, its flags and journal) go sealed to the review key once the
        station has one (the plain columns then hold nothing)."""
        answers, choice = canonical_json(record.answers), record.choice
        current_step, flags = record.current_step, canonical_json(list(record.flags))
        stopped_at = record.non_completion_step
        sealed_answers = sealed_choice = sealed_progress = None
        if self._review is not None and self._review.can_seal:
            sealed_answers = self._review.seal(answers.encode(), answers_context(record.id))
            if choice is not None:
                sealed_choice = self._review.seal(choice.encode(), choice_context(record.id))
            # A flag only one answer raises, or the step a person stopped at, says which
            # way they chose as plainly as the choice does.
            progress = {"current_step": current_step, "flags": list(record.flags),
                        "non_completion_step": stopped_at, "journal": list(record.journal)}
            sealed_progress = self._review.seal(canonical_json(progress).encode(),
                                                progress_context(record.id))
            answers, choice, current_step, flags, stopped_at = "{}", None, None, "[]", None
        elif record.journal:
            raise RuntimeError(f"interview {record.id} has a journal and no review key")
        # The draft's key stays, wrapped to the review key only: the signatures it seals
        # open for reviewers from now on (and for this session, which wraps it again).
        draft_keys = None
        key = self._draft_key(record.id)
        if key is not None:
            draft_keys = self._drafts.wrapped(record.id, key, owner_id=None)
        cursor = self._db.execute(
            "UPDATE interviews SET status = 'final', answers = ?, current_step = ?,"
            " language = ?, ended_at = ?, finalised_at = ?, outcome = ?, choice = ?,"
            " firmness_mismatch = ?, flags = ?, non_completion_reason = ?,"
            " non_completion_step = ?, record_sha256 = ?, sealed_answers = ?,"
            " sealed_choice = ?, sealed_progress = ?, draft_keys = ?, sealed_draft = NULL"
            " WHERE id = ? AND status = 'draft'",
            [
                answers, current_step, record.language,
                record.ended_at, record.finalised_at, str(record.outcome), choice,
                int(bool(record.firmness_mismatch)), flags,
                record.non_completion_reason, stopped_at, record.record_sha256,
                sealed_answers, sealed_choice, sealed_progress, draft_keys, record.id,
            ],
        )
        if cursor.rowcount != 1:
            raise RuntimeError(f"interview {record.id} was not a draft when finalised")

    def get(self, interview_id: str) -> InterviewRecord | None:
        row = self._db.execute(f"{_SELECT} WHERE interviews.id = ?", [interview_id]).fetchone()
        return self._record(row) if row else None

    def find(self, *, interviewer_id: str | None = None, status: InterviewStatus | None = None,
             subject_isn: str | None = None, limit: int | None = None,
             include_discarded: bool = False) -> list[InterviewRecord]:
        where, params = [], []
        if not include_discarded:
            where.append(_NOT_DISCARDED)
        if interviewer_id:
            where.append("interviewer_id = ?")
            params.append(interviewer_id)
        if status:
            where.append("status = ?")
            params.append(str(status))
        if subject_isn:
            where.append("subject_isn = ?")
            params.append(subject_isn)
        sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY started_at, interviews.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._record(row) for row in self._db.execute(sql, params).fetchall()]

    def ids_starting_with(self, prefix: str, limit: int = 2) -> list[str]:
        """Interview ids beginning with ``prefix`` (lists print the first characters)."""
        return [row[0] for row in self._db.execute(
            "SELECT id FROM interviews WHERE id LIKE ? || '%' LIMIT ?", [prefix, limit])]

    def latest_status(self, isns: Sequence[str]) -> dict[str, str]:
        """Each person's latest finalised outcome ("completed", "not_completed", or
        "sent_back"), with "+draft" added while an interview of theirs is open as a draft
        ("draft" alone for a first interview under way); people never interviewed are left
        out."""
        statuses: dict[str, str] = {}
        for start in range(0, len(isns), 500):
            chunk = list(isns[start:start + 500])
            rows = self._db.execute(
                "SELECT subject_isn, status, outcome, (SELECT state FROM reviews"
                " WHERE reviews.interview_id = interviews.id ORDER BY at DESC, rowid DESC"
                " LIMIT 1) FROM interviews"
                f" WHERE subject_isn IN ({','.join('?' * len(chunk))}) AND {_NOT_DISCARDED}"
                " ORDER BY started_at, id",
                chunk,
            ).fetchall()
            finals: dict[str, str] = {}
            open_drafts: set[str] = set()
            for isn, status, outcome, review in rows:
                # The latest finalised interview's outcome (or that a supervisor sent it
                # back), and whether an interview of the person is open as a draft.
                if status == "draft":
                    open_drafts.add(isn)
                else:
                    finals[isn] = "sent_back" if review == "sent_back" else outcome
            for isn in {*finals, *open_drafts}:
                parts = [finals[isn]] if isn in finals else []
                statuses[isn] = "+".join(parts + (["draft"] if isn in open_drafts else []))
        return statuses

    def discard_draft(self, interview_id: str, reason: str, discarded_by: str,
                      at: str) -> None:
        self._db.execute(
            "INSERT INTO discarded_drafts (interview_id, reason, discarded_by, discarded_at)"
            " VALUES (?, ?, ?, ?)", [interview_id, reason, discarded_by, at])

    def is_discarded(self, interview_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM discarded_drafts WHERE interview_id = ?",
                                [interview_id]).fetchone() is not None

    # -- signatures ----------------------------------------------------------------
    def insert_signature(self, signature_id: str, interview_id: str, signer: str,
                         signer_name: str | None, mode: str, strokes: Sequence | None,
                         image: bytes | None, captured_at: str) -> None:
        """A drawn signature, its strokes and image sealed under the draft's key."""
        stored_strokes = canonical_json(strokes) if strokes is not None else None
        key = self._draft_key(interview_id, create=True)
        if key is not None:
            if stored_strokes is not None:
                stored_strokes = seal_with(key, stored_strokes.encode(),
                                           signature_context(signature_id, "strokes"))
            if image is not None:
                image = seal_with(key, image, signature_context(signature_id, "image"))
        self._db.execute(
            "INSERT INTO signatures (id, interview_id, signer, signer_name, mode, strokes, image,"
            " captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [signature_id, interview_id, signer, signer_name, mode, stored_strokes, image,
             captured_at],
        )

    def signature(self, signature_id: str) -> dict | None:
        """A captured signature, its strokes (JSON) and image opened; both None where this
        session cannot open the draft's key."""
        row = self._db.execute(
            "SELECT id, interview_id, signer, signer_name, mode, strokes, image, captured_at"
            " FROM signatures WHERE id = ?",
            [signature_id],
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "interview_id", "signer", "signer_name", "mode", "strokes", "image",
                "captured_at")
        stored = dict(zip(keys, row, strict=True))
        if is_draft_sealed(stored["strokes"]) or is_draft_sealed(stored["image"]):
            key = self._draft_key(stored["interview_id"])
            for part in ("strokes", "image"):
                if is_draft_sealed(stored[part]):
                    opened = (open_with(key, stored[part], signature_context(signature_id, part))
                              if key is not None else None)
                    stored[part] = (opened.decode() if part == "strokes" and opened is not None
                                    else opened)
        return stored

    def signature_ref(self, signature_id: str) -> SignatureRef | None:
        sig = self.signature(signature_id)
        if sig is None:
            return None
        image = sig["image"]
        return SignatureRef(sig["id"], sig["signer"], sig["mode"],
                            sha256_hex(image) if image else None)

    def _record(self, row: Sequence) -> InterviewRecord:
        (id_, station_id, isn, snapshot, protocol_sha, protocol_id, version, option_order,
         interviewer_id, interviewer_name, language, status, answers, current_step, started_at,
         ended_at, finalised_at, outcome, choice, mismatch, flags, reason, reason_step,
         transcribed, supersedes_id, record_sha, purpose, sealed_answers, sealed_choice,
         draft_keys, sealed_draft, sealed_progress) = row
        unreadable = False
        progress = None
        if sealed_answers is not None:
            answers = self._opened(sealed_answers, answers_context(id_))
            unreadable = answers is None
            answers = answers or "{}"
            if sealed_progress is not None:
                progress = self._opened(sealed_progress, progress_context(id_))
        elif sealed_draft is not None:
            key = self._drafts.key_of(id_, draft_keys) if self._drafts is not None else None
            opened = open_with(key, sealed_draft, draft_context(id_)) if key else None
            unreadable = opened is None
            answers = opened.decode() if opened is not None else "{}"
            if sealed_progress is not None and key is not None:
                opened = open_with(key, sealed_progress, progress_context(id_))
                progress = opened.decode() if opened is not None else None
        journal = ()
        flags = tuple(json.loads(flags)) if flags else ()
        if progress is not None:
            progress = json.loads(progress)
            current_step, journal = progress["current_step"], tuple(progress["journal"])
            flags = tuple(progress.get("flags", ()))
            reason_step = progress.get("non_completion_step")
        choice = self.choice_of(id_, choice, sealed_choice)
        record = InterviewRecord(
            id=id_, station_id=station_id, subject_isn=isn,
            subject_snapshot=json.loads(snapshot), protocol_sha256=protocol_sha,
            protocol_id=protocol_id, protocol_version=version,
            option_order=json.loads(option_order), interviewer_id=interviewer_id,
            interviewer_name=interviewer_name, language=language,
            status=InterviewStatus(status), answers=json.loads(answers),
            current_step=current_step, started_at=started_at, ended_at=ended_at,
            finalised_at=finalised_at, outcome=OutcomeStatus(outcome) if outcome else None,
            choice=choice, firmness_mismatch=None if mismatch is None else bool(mismatch),
            flags=flags, non_completion_reason=reason,
            non_completion_step=reason_step, transcribed=bool(transcribed),
            supersedes_id=supersedes_id, record_sha256=record_sha, purpose=purpose,
            journal=journal, unreadable=unreadable,
        )
        return replace(record, signatures=self.signature_refs(record.answers))

    def final_outcomes(self) -> dict[str, tuple[str, str | None, str | None]]:
        """(outcome, choice, reason not completed) of every finalised record, by id; the
        choice None where this session cannot read it."""
        return {interview_id: (outcome, self.choice_of(interview_id, choice, sealed), reason)
                for interview_id, outcome, choice, reason, sealed in self._db.execute(
                    "SELECT id, outcome, choice, non_completion_reason, sealed_choice"
                    " FROM interviews WHERE status = 'final'")}

    def final_subjects(self) -> dict[str, tuple[str, int]]:
        """The person (ISN) of every finalised record, by interview id, with the review's
        generation when the record last changed after its finalisation (0: never)."""
        return {interview_id: (isn, changed) for interview_id, isn, changed in self._db.execute(
            "SELECT id, subject_isn, coalesce(generation, 0) FROM interviews"
            " LEFT JOIN review_changes ON review_changes.interview_id = interviews.id"
            " WHERE status = 'final'")}

    def final_named_people(self, question_id: str) -> dict[str, tuple[object, str | None]]:
        """The answer to a question that names a person, with the known person's id the
        record keeps for it (InterviewRecord.known_person), of every finalised record this
        session can read, by interview id."""
        found = {}
        for interview_id, answers, sealed_answers, sealed_progress in self._db.execute(
                "SELECT id, answers, sealed_answers, sealed_progress FROM interviews"
                " WHERE status = 'final'"):
            journal = ()
            if sealed_answers is not None:
                answers = self._opened(sealed_answers, answers_context(interview_id))
                if sealed_progress is not None:
                    progress = self._opened(sealed_progress, progress_context(interview_id))
                    journal = json.loads(progress)["journal"] if progress is not None else ()
            if answers is not None:
                found[interview_id] = (json.loads(answers).get(question_id),
                                       known_person_in(journal, question_id))
        return found

    def choice_of(self, interview_id: str, plain: str | None, sealed) -> str | None:
        """A finalised record's choice from its two columns, for queries that read them
        themselves: the plain one (a record from before the review key), else the sealed
        one opened (None where this session cannot read it)."""
        if sealed is None:
            return plain
        return self._opened(sealed, choice_context(interview_id))

    def _opened(self, sealed, context: bytes) -> str | None:
        opened = self._review.open(sealed, context) if self._review is not None else None
        return opened.decode() if opened is not None else None

    def signature_refs(self, answers: dict) -> tuple[SignatureRef, ...]:
        """The signatures an interview's answers point to, in answer order."""
        refs = []
        for value in answers.values():
            if isinstance(value, dict) and value.get("signature_id"):
                ref = self.signature_ref(value["signature_id"])
                if ref is not None:
                    refs.append(ref)
        return tuple(refs)
