"""Stored documents (signed forms) as revisions of one interview's form.

A form prints the person's choice, so its bytes are sealed to the review key like the
record's answers (pki/review_seal.py): the session that stores a form can read it back
until it closes, reviewers always, nobody else. Forms stored before the station had a
review key stay in clear; a sealed one is told apart by its first bytes (a PDF begins with
"%PDF"). The digest stays in clear: it covers a signed PDF with its own random parts, so it
gives nothing away, and bundles and acknowledgements compare it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from screening_app.pki.review_seal import ReviewSeal, is_sealed


def document_context(document_id: str) -> bytes:
    return f"document:{document_id}:content".encode()


@dataclass(frozen=True)
class StoredDocument:
    """One revision of an interview's form. ``content`` is None where this session cannot
    open it (sealed to the review key, and not sealed by this session)."""

    id: str
    interview_id: str
    kind: str
    revision: int
    content: bytes | None
    sha256: str
    created_at: str
    created_by: str | None = None  # the account's name, where the query asked for it

    @property
    def suggested_filename(self) -> str:
        return f"{self.kind}-{self.interview_id[:8]}-r{self.revision}.pdf"


@dataclass(frozen=True)
class PrintableRow:
    """What a batch-printing list shows of one form (never its content or the choice)."""

    interview_id: str
    document_id: str
    kind: str
    subject_isn: str
    name_native: str | None
    name_latin: str | None
    compound: str | None
    interviewer: str
    finalised_at: str


_FIELDS = ("documents.id, documents.interview_id, documents.kind, documents.revision,"
           " documents.content, documents.sha256, documents.created_at")


class DocumentRepository:
    def __init__(self, db: Database, review: ReviewSeal | None = None):
        self._db = db
        self._review = review

    def insert(self, document: StoredDocument, created_by: str,
               previous_id: str | None = None) -> None:
        """Store a revision, its content sealed to the review key once the station has
        one. ``document.content`` is the PDF in clear."""
        content = document.content
        if self._review is not None and self._review.can_seal:
            content = self._review.seal(content, document_context(document.id))
        self._db.execute(
            "INSERT INTO documents (id, interview_id, kind, revision, previous_id, content,"
            " sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [document.id, document.interview_id, document.kind, document.revision,
             previous_id, content, document.sha256, document.created_at, created_by])

    def latest(self, interview_id: str) -> StoredDocument | None:
        row = self._db.execute(
            f"SELECT {_FIELDS} FROM documents WHERE interview_id = ?"
            " ORDER BY revision DESC LIMIT 1", [interview_id]).fetchone()
        return self._document(row) if row else None

    def get(self, document_id: str) -> StoredDocument | None:
        row = self._db.execute(f"SELECT {_FIELDS} FROM documents WHERE id = ?",
                               [document_id]).fetchone()
        return self._document(row) if row else None

    def revisions(self, interview_id: str) -> list[StoredDocument]:
        """Every stored revision of the interview's form, oldest first, with the name of
        the account that stored each."""
        rows = self._db.execute(
            f"SELECT {_FIELDS}, coalesce(users.display_name, users.name)"
            " FROM documents LEFT JOIN users ON users.id = documents.created_by"
            " WHERE documents.interview_id = ? ORDER BY documents.revision",
            [interview_id]).fetchall()
        return [self._document(row) for row in rows]

    def content(self, document_id: str) -> bytes | None:
        """One revision's PDF, or None where this session cannot open it."""
        document = self.get(document_id)
        return document.content if document else None

    def printable(self, *, interviewer_id: str | None = None, compound: str | None = None,
                  day: str | None = None, kind: str | None = None) -> list[PrintableRow]:
        """The newest revision of each finalised interview's form, oldest finalisation
        first. ``day`` is a date (YYYY-MM-DD) of finalisation in UTC."""
        where, params = ["documents.revision = (SELECT max(revision) FROM documents d2"
                         " WHERE d2.interview_id = documents.interview_id)"], []
        for clause, value in (
            ("interviews.interviewer_id = ?", interviewer_id),
            ("json_extract(interviews.subject_snapshot, '$.compound') = ?", compound),
            ("substr(interviews.finalised_at, 1, 10) = ?", day),
            ("documents.kind = ?", kind),
        ):
            if value:
                where.append(clause)
                params.append(value)
        rows = self._db.execute(
            "SELECT interviews.id, documents.id, documents.kind, interviews.subject_isn,"
            " json_extract(interviews.subject_snapshot, '$.name_native'),"
            " json_extract(interviews.subject_snapshot, '$.name_latin'),"
            " json_extract(interviews.subject_snapshot, '$.compound'),"
            " coalesce(users.display_name, users.name),"
            " interviews.finalised_at FROM documents"
            " JOIN interviews ON interviews.id = documents.interview_id"
            " JOIN users ON users.id = interviews.interviewer_id"
            f" WHERE {' AND '.join(where)} ORDER BY interviews.finalised_at, interviews.id",
            params).fetchall()
        return [PrintableRow(*row) for row in rows]

    def _document(self, row: Sequence) -> StoredDocument:
        content = row[4]
        if is_sealed(content):
            content = (self._review.open(content, document_context(row[0]))
                       if self._review is not None else None)
        return StoredDocument(row[0], row[1], row[2], row[3], content, row[5], row[6],
                              *row[7:])
