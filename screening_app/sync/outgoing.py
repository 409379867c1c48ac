"""The station's records as an up bundle carries them (see sync/bundle.py for the file and
the design notes in README.md, "Sync to headquarters"). Each function yields plain dicts
lazily, so a bundle of thousands of records is never held in memory at once."""

from collections.abc import Iterator

from sqlite_utils import Database

from screening_app.domain.errors import UserError
from screening_app.domain.subject import ROSTER_FIELDS
from screening_app.pki.review_seal import ReviewSeal
from screening_app.store.documents import DocumentRepository
from screening_app.store.events import event_from_row
from screening_app.store.interviews import InterviewRepository

SUBJECT_FIELDS = (*ROSTER_FIELDS, "added_at", "updated_at")
REVIEW_FIELDS = ("id", "interview_id", "state", "reason", "comment", "reviewer_id", "at")
DOCUMENT_FIELDS = ("id", "interview_id", "kind", "revision", "previous_id", "media_type",
                   "sha256", "created_at", "created_by")
_BATCH = 500


def users(db: Database) -> Iterator[dict]:
    for row in db.execute("SELECT id, name, role, disabled_at FROM users ORDER BY id"):
        yield dict(zip(("id", "name", "role", "disabled_at"), row, strict=True))


def protocols(db: Database) -> Iterator[dict]:
    for row in db.execute("SELECT sha256, protocol_id, version, definition, added_at"
                          " FROM protocols ORDER BY added_at, sha256"):
        yield dict(zip(("sha256", "protocol_id", "version", "definition", "added_at"), row,
                       strict=True))


def subjects(db: Database) -> Iterator[dict]:
    sql = f"SELECT {', '.join(SUBJECT_FIELDS)} FROM subjects ORDER BY isn"
    for row in db.execute(sql):
        yield dict(zip(SUBJECT_FIELDS, row, strict=True))


def events(db: Database, after_seq: int) -> Iterator[dict]:
    cursor = db.execute(
        "SELECT seq, id, at, station_id, actor_id, kind, interview_id, payload, prev_hash, hash"
        " FROM events WHERE seq > ? ORDER BY seq", [after_seq])
    for row in cursor:
        event = event_from_row(row)
        yield {"seq": event.seq, "id": event.id, "at": event.at,
               "station_id": event.station_id, "actor_id": event.actor_id, "kind": event.kind,
               "interview_id": event.interview_id, "payload": event.payload,
               "prev_hash": event.prev_hash, "hash": event.hash}


def final_interview_ids(db: Database) -> list[tuple[str, str]]:
    """(id, record hash) of every finalised interview, oldest first."""
    return db.execute("SELECT id, record_sha256 FROM interviews WHERE status = 'final'"
                      " ORDER BY finalised_at, id").fetchall()


def interviews(db: Database, ids: list[str], review: ReviewSeal) -> Iterator[dict]:
    """Each finalised record whole, as headquarters keeps it: opened with the exporting
    session's review key (the bundle itself is encrypted to headquarters)."""
    repository = InterviewRepository(db, review)
    for interview_id in ids:
        record = repository.get(interview_id)
        if record.unreadable:
            raise UserError(f"Interview {interview_id} is sealed to the review key, which"
                            " this session does not hold: a supervisor or an admin exports.")
        yield {"record": record.sealed_content(), "record_sha256": record.record_sha256}


def reviews(db: Database) -> Iterator[dict]:
    for row in db.execute(f"SELECT {', '.join(REVIEW_FIELDS)} FROM reviews ORDER BY at, id"):
        yield dict(zip(REVIEW_FIELDS, row, strict=True))


def documents(db: Database) -> Iterator[dict]:
    for row in db.execute(f"SELECT {', '.join(DOCUMENT_FIELDS)} FROM documents"
                          " ORDER BY created_at, id"):
        yield dict(zip(DOCUMENT_FIELDS, row, strict=True))


def document_content(db: Database, document_id: str, review: ReviewSeal) -> bytes:
    """A stored form's PDF, opened with the exporting session's review key."""
    content = DocumentRepository(db, review).content(document_id)
    if content is None:
        raise UserError(f"The form {document_id} is sealed to the review key, which this"
                        " session does not hold: a supervisor or an admin exports.")
    return content


def station_digest_of(db: Database, kind: str, record_id: str) -> str | None:
    """This station's digest of one record now, for checking an acknowledgement."""
    from screening_app.sync.digests import record_digest

    if kind == "interviews":
        row = db.execute("SELECT record_sha256 FROM interviews WHERE id = ? AND status = 'final'",
                         [record_id]).fetchone()
        return row[0] if row else None
    if kind == "documents":
        row = db.execute("SELECT sha256 FROM documents WHERE id = ?", [record_id]).fetchone()
        return row[0] if row else None
    queries = {
        "users": ("SELECT id, name, role, disabled_at FROM users WHERE id = ?",
                  ("id", "name", "role", "disabled_at")),
        "protocols": ("SELECT sha256, protocol_id, version, definition, added_at FROM protocols"
                      " WHERE sha256 = ?",
                      ("sha256", "protocol_id", "version", "definition", "added_at")),
        "subjects": (f"SELECT {', '.join(SUBJECT_FIELDS)} FROM subjects WHERE isn = ?",
                     SUBJECT_FIELDS),
        "reviews": (f"SELECT {', '.join(REVIEW_FIELDS)} FROM reviews WHERE id = ?",
                    REVIEW_FIELDS),
    }
    if kind not in queries:
        return None
    sql, fields = queries[kind]
    row = db.execute(sql, [record_id]).fetchone()
    return record_digest(kind, dict(zip(fields, row, strict=True))) if row else None
