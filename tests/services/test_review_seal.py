"""Choices sealed to those who review them (pki/review_seal.py, README "Protecting the
station"): an interviewer's session writes a record it cannot read back once it closes, a
supervisor's reads everything, and a review key swapped by hand is reported."""

from screening_app.pki.review_seal import ReviewSeal, new_review_key
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices
from screening_app.store.interviews import opened_event_value
from tests.conftest import PASSWORD, cli


def test_a_value_sealed_opens_for_the_private_half_and_the_session_that_sealed_it():
    private, public = new_review_key()
    writer, reader, stranger = ReviewSeal(), ReviewSeal(), ReviewSeal()
    writer.know(public)
    reader.unlock(private)
    stranger.know(public)
    sealed = writer.seal(b"repatriate", b"interview:1:choice")
    assert writer.open(sealed, b"interview:1:choice") == b"repatriate"
    assert reader.open(sealed, b"interview:1:choice") == b"repatriate"
    assert stranger.open(sealed, b"interview:1:choice") is None
    # Moved to another record, or changed, it opens for no one.
    assert reader.open(sealed, b"interview:2:choice") is None
    assert reader.open(sealed[:-1] + bytes([sealed[-1] ^ 1]), b"interview:1:choice") is None
    writer.lock()
    assert writer.open(sealed, b"interview:1:choice") is None


def test_one_key_agreement_per_sealing_session():
    """A reviewer opening thousands of records agrees one key per session that sealed them."""
    private, public = new_review_key()
    writer, reader = ReviewSeal(), ReviewSeal()
    writer.know(public)
    reader.unlock(private)
    values = [writer.seal(str(n).encode(), b"c") for n in range(50)]
    assert len({value[3:35] for value in values}) == 1  # one ephemeral key in all
    assert [reader.open(value, b"c") for value in values] == [str(n).encode()
                                                              for n in range(50)]
    assert len(reader._agreed) == 1


def test_an_interviewer_reads_back_their_own_record_only_until_the_session_closes(
        roster_station):
    services = roster_station.services
    ivan = roster_station.interviewer
    record = services.transcription.record(ivan, "NK-100001",
                                           {"answers": complete_answers("enlist")}, "paper")
    assert services.interviews.load(ivan, record.id).record.choice == "enlist"
    services.close()
    services, ivan = StationServices.unlock(roster_station.data_dir, "ivan", PASSWORD)
    roster_station.services = services
    again = services.interviews.load(ivan, record.id).record
    assert again.unreadable and again.choice is None and again.answers == {}
    assert again.journal == () and again.flags == () and again.current_step is None
    # The person's history still says that they were interviewed, and how it ended.
    (summary,) = services.interviews.list(ivan, subject_isn="NK-100001")
    assert summary.status == "completed" and summary.choice is None
    services.close()
    services, supervisor = StationServices.unlock(roster_station.data_dir, "sup", PASSWORD)
    roster_station.services = services
    opened = services.interviews.load(supervisor, record.id).record
    assert opened.choice == "enlist" and not opened.unreadable
    assert opened.computed_hash() == opened.record_sha256
    # What the history says was answered and chosen opens for the supervisor too.
    (finalised,) = [event for event in services.station.events.for_interview(record.id)
                    if event.kind == "interview.finalised"]
    assert "choice" not in finalised.payload
    assert opened_event_value(services.station.review, record.id, finalised.payload,
                              "choice") == "enlist"
    assert opened_event_value(services.station.review, record.id, finalised.payload,
                              "flags") == list(opened.flags)
    assert opened.journal and opened.current_step == "signatures"


def test_an_interviewer_prints_their_form_in_the_session_that_stored_it_and_not_after(
        roster_station, tmp_path):
    """The stored form prints the choice, so it is sealed like the record: the interviewer
    prints the original (and a copy if the printer jams) in the session that finalised it;
    later copies are a supervisor's, who also countersigns and exports it."""
    import pytest

    from screening_app.domain.errors import PermissionDenied

    services = roster_station.services
    ivan = roster_station.interviewer
    record = services.transcription.record(ivan, "NK-100001",
                                           {"answers": complete_answers("enlist")}, "paper")
    form = services.documents.latest(ivan, record.id)
    assert form.content.startswith(b"%PDF")
    assert [f.interview_id for f in services.documents.printable(ivan)] == [record.id]
    services.close()
    services, ivan = StationServices.unlock(roster_station.data_dir, "ivan", PASSWORD)
    roster_station.services = services
    assert services.documents.printable(ivan) == []
    with pytest.raises(PermissionDenied, match="sealed to the review key.*a supervisor or an"
                                               " admin prints"):
        services.documents.latest(ivan, record.id)
    with pytest.raises(PermissionDenied, match="sealed to the review key"):
        services.documents.document(ivan, form.id)
    services.close()
    services, supervisor = StationServices.unlock(roster_station.data_dir, "sup", PASSWORD)
    roster_station.services = services
    assert services.documents.latest(supervisor, record.id).content == form.content
    assert [f.interview_id for f in services.documents.printable(supervisor)] == [record.id]
    countersigned = services.documents.countersign(supervisor, record.id)
    assert countersigned.content.startswith(form.content)
    exported = services.documents.export(supervisor, record.id, tmp_path / "form.pdf")
    assert (tmp_path / "form.pdf").read_bytes() == exported.content == countersigned.content


def test_a_station_from_before_review_keys_gets_one_and_seals_its_records_at_a_supervisors_sign_in(
        roster_station, capsys, monkeypatch):
    """Older stations have no review key: records and forms stay in clear until a session
    that holds the station key signs in and makes one. That session seals them, once, with
    an event: each record keeps its hash and each form its bytes, and the guards on
    finalised rows are back afterwards."""
    import pytest

    from screening_app.services.resealing import SEALED_EVENT
    from screening_app.store.review_key import REVIEW
    from tests.conftest import stored_forms

    services = roster_station.services
    db = services.station.db
    db.execute("DELETE FROM station_keys WHERE purpose = ?", [REVIEW])
    db.conn.commit()
    services.close()
    services, ivan = StationServices.unlock(roster_station.data_dir, "ivan", PASSWORD)
    roster_station.services = services
    before = services.transcription.record(ivan, "NK-100001",
                                           {"answers": complete_answers("enlist")}, "paper")
    in_clear = services.station.db.execute(
        "SELECT sealed_choice IS NULL, choice, substr(content, 1, 4) FROM interviews"
        " JOIN documents ON documents.interview_id = interviews.id").fetchall()
    assert in_clear == [(1, "enlist", b"%PDF")]
    [(_, form)] = stored_forms(services)
    services.close()
    for _ in range(2):  # the second sign-in finds nothing left to seal
        services, supervisor = StationServices.unlock(roster_station.data_dir, "sup", PASSWORD)
        services.close()
    services, ivan = StationServices.unlock(roster_station.data_dir, "ivan", PASSWORD)
    roster_station.services = services
    after = services.transcription.record(ivan, "NK-100002",
                                          {"answers": complete_answers("enlist")}, "paper")
    db = services.station.db
    rows = dict(db.execute("SELECT id, sealed_choice IS NOT NULL AND choice IS NULL"
                           " AND answers = '{}' FROM interviews").fetchall())
    assert rows == {before.id: 1, after.id: 1}
    assert db.execute("SELECT count(*) FROM documents"
                      " WHERE substr(content, 1, 4) = CAST('%PDF' AS BLOB)").fetchone() == (0,)
    assert services.interviews.load(ivan, before.id).record.unreadable
    sealings = [event.payload for event in services.station.events.since(
        0, kinds=(SEALED_EVENT,))]
    signatures = db.execute("SELECT strokes, image FROM signatures WHERE interview_id = ?",
                            [before.id]).fetchall()
    assert sealings == [{"interviews": 1, "documents": 1, "signatures": len(signatures)}]
    assert all(value is None or value[:3] == b"DS2" for row in signatures for value in row)
    with pytest.raises(Exception, match="finalised interview records are immutable"):
        db.execute("UPDATE interviews SET choice = 'repatriate' WHERE id = ?", [before.id])
    services.close()
    services, supervisor = StationServices.unlock(roster_station.data_dir, "sup", PASSWORD)
    roster_station.services = services
    opened = services.interviews.load(supervisor, before.id).record
    assert opened.choice == "enlist" and opened.computed_hash() == opened.record_sha256
    assert services.documents.latest(supervisor, before.id).content == form
    services.close()
    code, out, err = cli(capsys, monkeypatch, "--data-dir", roster_station.data_dir, "check",
                         "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, out + err


def test_a_review_key_replaced_by_hand_is_reported_by_check(roster_station, capsys,
                                                            monkeypatch):
    """An insider who puts a key of their own in the public half's place would read what
    is recorded afterwards: `check` names it, and the records sealed to it."""
    from screening_app.store.review_key import REVIEW

    services = roster_station.services
    _, public = new_review_key()
    db = services.station.db
    db.execute("UPDATE station_keys SET public_key_pem = ? WHERE purpose = ?",
               [public.hex(), REVIEW])
    db.conn.commit()
    services.close()
    services, ivan = StationServices.unlock(roster_station.data_dir, "ivan", PASSWORD)
    record = services.transcription.record(ivan, "NK-100001",
                                           {"answers": complete_answers("enlist")}, "paper")
    services.close()
    code, out, err = cli(capsys, monkeypatch, "--data-dir", roster_station.data_dir, "check",
                         "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 3
    assert "The review key's public half was replaced" in out + err
    assert f"Interview {record.id} does not open with the station's review key" in out + err
