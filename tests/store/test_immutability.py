"""Finalised records and the event log are protected by the database itself."""

import pytest

from screening_app.protocol.examples import complete_answers
from screening_app.store.connection import INTEGRITY_ERRORS


def _finalised(station):
    services = station.services
    document = {"answers": complete_answers()}
    return services.transcription.record(station.interviewer, "NK-100001", document, "test")


def test_a_finalised_interview_refuses_a_direct_sql_update(roster_station):
    interview = _finalised(roster_station)
    db = roster_station.services.station.db
    with pytest.raises(INTEGRITY_ERRORS, match="immutable"):
        db.execute("UPDATE interviews SET choice = 'enlist' WHERE id = ?", [interview.id])
    with pytest.raises(INTEGRITY_ERRORS, match="never deleted"):
        db.execute("DELETE FROM interviews WHERE id = ?", [interview.id])
    stored = roster_station.services.interviews.load(roster_station.supervisor, interview.id)
    assert stored.record.choice == interview.record.choice


def test_events_signatures_and_documents_are_append_only(roster_station):
    interview = _finalised(roster_station)
    db = roster_station.services.station.db
    for sql in (
        "UPDATE events SET payload = '{}' WHERE interview_id = ?",
        "DELETE FROM events WHERE interview_id = ?",
        "UPDATE signatures SET mode = 'thumbprint' WHERE interview_id = ?",
        "DELETE FROM signatures WHERE interview_id = ?",
    ):
        with pytest.raises(INTEGRITY_ERRORS):
            db.execute(sql, [interview.id])
    db.execute(
        "INSERT INTO documents (id, interview_id, kind, content, sha256, created_at)"
        " VALUES ('d1', ?, 'choice_form', x'00', 'h', 'now')",
        [interview.id],
    )
    with pytest.raises(INTEGRITY_ERRORS, match="immutable"):
        db.execute("UPDATE documents SET content = x'01' WHERE id = 'd1'")


def test_a_draft_may_still_be_saved(roster_station):
    services = roster_station.services
    draft = services.interviews.start(roster_station.interviewer, "NK-100002")
    services.interviews.answer(roster_station.interviewer, draft.id, "isn_matches", "yes")
    reloaded = services.interviews.load(roster_station.interviewer, draft.id)
    assert reloaded.record.answers == {"isn_matches": "yes"}
