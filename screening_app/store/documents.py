"""Stored documents (signed forms) as revisions of one interview's form."""

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class DocumentRevision:
    id: str
    interview_id: str
    revision: int
    content: bytes
    sha256: str
    created_at: str
    created_by: str | None  # the account's name


class DocumentRepository:
    def __init__(self, db: Database):
        self._db = db

    def revisions(self, interview_id: str) -> list[DocumentRevision]:
        """Every stored revision of the interview's form, oldest first."""
        rows = self._db.execute(
            "SELECT documents.id, documents.interview_id, documents.revision,"
            " documents.content, documents.sha256, documents.created_at, users.name"
            " FROM documents LEFT JOIN users ON users.id = documents.created_by"
            " WHERE documents.interview_id = ? ORDER BY documents.revision",
            [interview_id]).fetchall()
        return [DocumentRevision(*row) for row in rows]
