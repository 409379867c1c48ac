"""Sealing, once, what a station stored in clear before it had a review key.

Records finalised and forms stored before review keys hold the choice in clear, and the
signatures captured before draft keys (pki/draft_seal.py) are in clear too. The first
session that can open the review key seals them, inside its caller's transaction: only
where they are stored changes, never what they say (each record keeps its hash, each form
its bytes and digest, each signature its image), so the guards that refuse changes to finalised rows are lifted for
exactly these statements and put back before the transaction commits. The values the
history recorded for those records stay in clear: the history is chained and signed, and
is never rewritten.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlite_utils import Database

from screening_app.pki.draft_seal import DraftSeal, is_draft_sealed, seal_with
from screening_app.pki.review_seal import ReviewSeal, is_sealed
from screening_app.store.documents import document_context
from screening_app.store.interviews import answers_context, choice_context, signature_context

_GUARDS = ("interviews_refuse_update", "documents_refuse_update", "signatures_refuse_update")


@dataclass(frozen=True)
class Resealed:
    interviews: int
    documents: int
    signatures: int = 0

    def __bool__(self) -> bool:
        return bool(self.interviews or self.documents or self.signatures)


# As migration 0013 indexes it: every record finalised since has its draft's key (wrapped to
# the review key), which seals its signatures.
_IN_CLEAR = "status = 'final' AND draft_keys IS NULL"


def in_clear(db: Database) -> bool:
    """Whether a finalised record is still stored in clear (a look up the partial index
    migration 0013 keeps, cheap enough for every reviewer's sign-in). Every form stored in
    clear belongs to such a record: forms are stored in the session that finalises, or
    countersigned later, and every session since the review key seals."""
    return db.execute(f"SELECT EXISTS (SELECT 1 FROM interviews WHERE {_IN_CLEAR})"
                      ).fetchone()[0] == 1


def seal_what_is_in_clear(db: Database, review: ReviewSeal) -> Resealed:
    """Seal every finalised record still in clear, and its forms; call inside a write
    transaction, with a session that opens the review key (one that only knows the
    public half could be sealing to a key put there by hand)."""
    if not review.can_open_all:
        raise RuntimeError("sealing older records needs a session that opens the review key")
    records = db.execute(f"SELECT id, answers, choice, sealed_answers FROM interviews"
                         f" WHERE {_IN_CLEAR} ORDER BY finalised_at, id").fetchall()
    forms = [document_id for document_id, prefix in db.execute(
        f"SELECT documents.id, substr(documents.content, 1, 8) FROM documents"
        f" JOIN interviews ON interviews.id = documents.interview_id WHERE {_IN_CLEAR}"
        " ORDER BY documents.created_at, documents.id")
        if not is_sealed(prefix)]
    if not records:
        return Resealed(0, 0)
    drafts = DraftSeal(review)
    sealed_records = sealed_signatures = 0
    with _guards_lifted(db):
        for interview_id, answers, choice, sealed_answers in records:
            if sealed_answers is None:
                sealed_records += 1
                db.execute("UPDATE interviews SET answers = '{}', choice = NULL,"
                           " sealed_answers = ?, sealed_choice = ? WHERE id = ?",
                           [review.seal(answers.encode(), answers_context(interview_id)),
                            review.seal(choice.encode(), choice_context(interview_id))
                            if choice is not None else None, interview_id])
            signatures_key, count = _signatures_sealed(db, interview_id)
            sealed_signatures += count
            db.execute("UPDATE interviews SET draft_keys = ? WHERE id = ?",
                       [drafts.wrapped(interview_id, signatures_key, owner_id=None),
                        interview_id])
        for document_id in forms:
            (content,) = db.execute("SELECT content FROM documents WHERE id = ?",
                                    [document_id]).fetchone()
            db.execute("UPDATE documents SET content = ? WHERE id = ?",
                       [review.seal(bytes(content), document_context(document_id)),
                        document_id])
    return Resealed(sealed_records, len(forms), sealed_signatures)


def _signatures_sealed(db: Database, interview_id: str) -> tuple[bytes, int]:
    """A new key for the record's signatures (kept wrapped to the review key, as a draft's
    key is once finalised), and how many signatures it sealed."""
    key = os.urandom(32)
    count = 0
    for signature_id, strokes, image in db.execute(
            "SELECT id, strokes, image FROM signatures WHERE interview_id = ?",
            [interview_id]).fetchall():
        if is_draft_sealed(strokes) or is_draft_sealed(image):
            continue  # never without a draft key; sealing it twice would lose it
        count += 1
        db.execute("UPDATE signatures SET strokes = ?, image = ? WHERE id = ?",
                   [seal_with(key, strokes.encode(), signature_context(signature_id, "strokes"))
                    if strokes is not None else None,
                    seal_with(key, bytes(image), signature_context(signature_id, "image"))
                    if image is not None else None, signature_id])
    return key, count


@contextmanager
def _guards_lifted(db: Database) -> Iterator[None]:
    """The guards on finalised rows, dropped and put back as they were, inside the
    caller's transaction (SQLite's schema changes are transactional, so a failure
    anywhere leaves them in place)."""
    if not db.conn.in_transaction:
        raise RuntimeError("guards are lifted only inside a transaction")
    definitions = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        f" AND name IN ({', '.join('?' * len(_GUARDS))})", list(_GUARDS)).fetchall()
    for name, _ in definitions:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in definitions:
        db.execute(sql)
