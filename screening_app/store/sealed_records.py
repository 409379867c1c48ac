"""Are the finalised records still the ones that were finalised? Each must match its own
hash, and that hash must be the one its finalisation event recorded: the event is signed by
the account that finalised it (store/signed_history.py), so a record changed and sealed
again by someone else no longer matches it. Used by `check` and `audit verify` alike."""

import json

from sqlite_utils import Database

from screening_app.domain.interview import InterviewStatus
from screening_app.pki.review_seal import ReviewSeal
from screening_app.store.interviews import InterviewRepository

FINALISED = "interview.finalised"


def sealed_record_problems(db: Database, review: ReviewSeal) -> tuple[int, list[str]]:
    """How many finalised records there are, and one sentence per record that is not what
    was finalised (or that the session's review key does not open)."""
    sealed_by_event = {interview_id: json.loads(payload).get("record_sha256")
                       for interview_id, payload in db.execute(
                           "SELECT interview_id, payload FROM events WHERE kind = ?",
                           [FINALISED])}
    records = InterviewRepository(db, review).find(status=InterviewStatus.FINAL)
    problems = []
    for record in records:
        if record.unreadable:
            problems.append(f"Interview {record.id} does not open with the station's review"
                            " key: it was sealed to another key, or changed.")
        elif record.computed_hash() != record.record_sha256:
            problems.append(f"Interview {record.id} no longer matches its own hash: it was"
                            " changed after it was finalised.")
        elif sealed_by_event.get(record.id) != record.record_sha256:
            problems.append(f"Interview {record.id} does not match the hash its"
                            " finalisation event recorded: it was replaced.")
    missing = set(sealed_by_event) - {record.id for record in records}
    for interview_id in sorted(missing):
        problems.append(f"Interview {interview_id} was finalised but is no longer sealed in"
                        " the database.")
    return len(records), problems
