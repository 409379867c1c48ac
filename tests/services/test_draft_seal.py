"""Drafts sealed to the person taking them and to those who review them
(pki/draft_seal.py, README "Protecting the station"): an open draft's answers, its
confirmed choice and its signatures open for the account that started it, in any of its
sessions, and for a supervisor; not for another account's password. Once finalised, the
signatures open for reviewers only."""

import json

import pytest

from screening_app.domain.errors import PermissionDenied
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices
from screening_app.store.connection import open_database
from screening_app.store.keyfile import KeyFile
from tests.conftest import PASSWORD, answer_all


def _draft_with_a_signature(services, actor, isn):
    """A draft walked up to and through its signatures, not finalised."""
    interview = services.interviews.start(actor, isn)
    return answer_all(services, actor, interview, complete_answers("repatriate"))


def _reopen(station, name):
    station.services.close()
    station.services, actor = StationServices.unlock(station.data_dir, name, PASSWORD)
    return station.services, actor


def test_a_draft_resumes_for_its_interviewer_in_a_later_session_and_opens_for_a_supervisor(
        roster_station):
    services, ivan = _reopen(roster_station, "ivan")
    draft = _draft_with_a_signature(services, ivan, "NK-100001")
    recorded = services.interviews.recorded_signatures(ivan, draft.id)
    assert recorded and all(signature.strokes for signature in recorded.values())
    row = services.station.db.execute("SELECT answers, sealed_draft FROM interviews"
                                      " WHERE id = ?", [draft.id]).fetchone()
    assert row[0] == "{}" and row[1][:3] == b"DS2"
    services, ivan = _reopen(roster_station, "ivan")
    resumed = services.interviews.load(ivan, draft.id).record
    assert resumed.answers == draft.record.answers and not resumed.unreadable
    assert services.interviews.recorded_signatures(ivan, draft.id) == recorded
    # Resumed and finalised in this later session, its form carries the signatures.
    done = services.interviews.finalise(ivan, draft.id)
    assert done.record.computed_hash() == done.record.record_sha256
    assert len(done.record.signatures) == len(recorded)
    services, supervisor = _reopen(roster_station, "sup")
    opened = services.interviews.load(supervisor, draft.id).record
    assert opened.choice == "repatriate" and opened.computed_hash() == opened.record_sha256
    assert set(services.interviews.signature_images(supervisor, draft.id))


def test_a_supervisor_reads_an_open_draft_that_another_interviewer_cannot(roster_station):
    services, ivan = _reopen(roster_station, "ivan")
    draft = _draft_with_a_signature(services, ivan, "NK-100001")
    services, supervisor = _reopen(roster_station, "sup")
    assert services.interviews.load(supervisor, draft.id).record.answers == \
        draft.record.answers
    services, olga = _reopen(roster_station, "olga")
    with pytest.raises(PermissionDenied):
        services.interviews.load(olga, draft.id)


def test_another_interviewers_password_opens_no_draft_and_no_finalised_signature(
        roster_station):
    """Olga's open draft (with the person's confirmed choice and signatures) and ivan's own
    finalised record: with ivan's password and the database, directly, neither the
    draft's answers nor any signature opens; only ivan's own open draft does."""
    from screening_app.pki.draft_seal import DraftSeal
    from screening_app.pki.review_seal import ReviewSeal
    from screening_app.store.interviews import InterviewRepository
    from screening_app.store.review_key import ReviewKeyRepository

    services, olga = _reopen(roster_station, "olga")
    olgas = _draft_with_a_signature(services, olga, "NK-100002")
    services, ivan = _reopen(roster_station, "ivan")
    finalised = _draft_with_a_signature(services, ivan, "NK-100001")
    services.interviews.finalise(ivan, finalised.id)
    services, ivan = _reopen(roster_station, "ivan")
    own = _draft_with_a_signature(services, ivan, "NK-100013")
    services.close()

    contents = KeyFile.load(roster_station.data_dir).unlock("ivan", PASSWORD)
    db = open_database(roster_station.data_dir / "station.sqlite3", contents.database_key)
    review = ReviewSeal()
    review.know(ReviewKeyRepository(db).public())
    drafts = DraftSeal(review)
    drafts.own(ivan.user_id, contents.account_key)  # all that ivan's password gives
    repository = InterviewRepository(db, review, drafts)
    assert repository.get(olgas.id).unreadable and repository.get(olgas.id).answers == {}
    assert repository.get(own.id).answers == own.record.answers
    plain_answers = {row[0] for row in db.execute("SELECT answers FROM interviews")}
    assert plain_answers == {"{}"}
    for interview_id in (olgas.id, finalised.id):
        rows = db.execute("SELECT id FROM signatures WHERE interview_id = ?",
                          [interview_id]).fetchall()
        assert rows
        for (signature_id,) in rows:
            stored = repository.signature(signature_id)
            assert stored["image"] is None and stored["strokes"] is None
    raw = b"".join(bytes(image) for (image,) in db.execute(
        "SELECT image FROM signatures WHERE image IS NOT NULL"))
    assert b"PNG" not in raw
    db.close()


def test_a_draft_from_before_draft_keys_is_sealed_at_its_next_save(roster_station):
    services, ivan = _reopen(roster_station, "ivan")
    draft = services.interviews.start(ivan, "NK-100001")
    db = services.station.db
    db.execute("UPDATE interviews SET draft_keys = NULL, sealed_draft = NULL,"
               " sealed_progress = NULL, current_step = 'language',"
               " answers = '{\"interview_language\": \"ko\"}' WHERE id = ?", [draft.id])
    db.conn.commit()
    services, ivan = _reopen(roster_station, "ivan")
    resumed = services.interviews.load(ivan, draft.id).record
    assert resumed.answers == {"interview_language": "ko"}
    assert resumed.current_step == "language" and resumed.journal == ()
    step = services.interviews.load(ivan, draft.id).protocol.steps[0].id
    services.interviews.enter_step(ivan, draft.id, step)
    row = services.station.db.execute("SELECT answers, sealed_draft, draft_keys,"
                                      " current_step, sealed_progress FROM interviews"
                                      " WHERE id = ?", [draft.id]).fetchone()
    assert row[0] == "{}" and row[1][:3] == b"DS2"
    assert row[3] is None and row[4][:3] == b"DS2"  # where it stands is sealed too
    assert json.loads(row[2])["owner"] == ivan.user_id
    services, ivan = _reopen(roster_station, "ivan")
    resumed = services.interviews.load(ivan, draft.id).record
    assert resumed.answers == {"interview_language": "ko"} and resumed.current_step == step


def test_a_draft_with_signatures_in_clear_from_before_is_sealed_whole_once_finalised(
        roster_station, capsys, monkeypatch):
    """Signatures captured before the station had a review key cannot be sealed in place:
    such a draft stays as it was until it is finalised, and a reviewer's sign-in then seals
    the record with its signatures."""
    from screening_app.store.review_key import REVIEW
    from tests.conftest import cli

    services = roster_station.services
    services.station.db.execute("DELETE FROM station_keys WHERE purpose = ?", [REVIEW])
    services.station.db.conn.commit()
    services, ivan = _reopen(roster_station, "ivan")
    draft = _draft_with_a_signature(services, ivan, "NK-100001")
    db = services.station.db
    assert db.execute("SELECT count(*) FROM signatures WHERE interview_id = ?"
                      " AND substr(image, 1, 3) != CAST('DS2' AS BLOB)",
                      [draft.id]).fetchone()[0] > 0
    services, _ = _reopen(roster_station, "sup")  # the review key is made
    services, ivan = _reopen(roster_station, "ivan")
    step = draft.protocol.steps[-1].id
    services.interviews.enter_step(ivan, draft.id, step)
    assert services.station.db.execute("SELECT draft_keys FROM interviews WHERE id = ?",
                                       [draft.id]).fetchone() == (None,)
    services.interviews.finalise(ivan, draft.id)
    services, supervisor = _reopen(roster_station, "sup")  # seals the record, once
    db = services.station.db
    images = [image for (image,) in db.execute(
        "SELECT image FROM signatures WHERE interview_id = ? AND image IS NOT NULL",
        [draft.id])]
    assert images and all(image[:3] == b"DS2" for image in images)
    opened = services.interviews.load(supervisor, draft.id).record
    assert opened.computed_hash() == opened.record_sha256
    services.close()
    code, out, err = cli(capsys, monkeypatch, "--data-dir", roster_station.data_dir, "check",
                         "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, out + err
