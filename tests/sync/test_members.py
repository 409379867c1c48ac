"""The up bundle's members are declared once (sync/members.py); every side that handles
them (the station's writer and its record of acknowledgements, headquarters' intake and
its acknowledgements) must know each one, or a member would be lost without an error."""

from screening_app.hq.intake_records import ORDER, BundleIntake
from screening_app.hq.store import ACKNOWLEDGEMENT_QUERIES
from screening_app.sync.members import (
    ACKNOWLEDGED_KINDS,
    MEMBERS_BY_KIND,
    UP_MEMBERS,
    record_counts,
    record_digest,
    record_id,
)
from screening_app.sync.outgoing import OutgoingRecords


def test_headquarters_takes_in_every_member_in_the_order_stations_write_them():
    assert ORDER[1:-1] == tuple(member.kind for member in UP_MEMBERS)
    for member in UP_MEMBERS:
        assert callable(getattr(BundleIntake, f"_take_{member.kind}", None)), member.kind


def test_headquarters_acknowledges_every_member_a_station_waits_on():
    assert set(ACKNOWLEDGEMENT_QUERIES) == set(ACKNOWLEDGED_KINDS)


def test_every_member_is_written_from_a_station(roster_station):
    services = roster_station.services
    from screening_app.protocol.examples import complete_answers
    record = services.transcription.record(roster_station.interviewer, "NK-100001",
                                           {"answers": complete_answers("enlist")}, "paper")
    services.reviews.decide(roster_station.supervisor, record.id, "sent_back",
                            reason="the unit is spelt differently on the paper")
    outgoing = OutgoingRecords(services.station.db, services.station.review)
    written = {member.kind: list(outgoing.rows(member)) for member in UP_MEMBERS}
    assert all(written.values()), [kind for kind, rows in written.items() if not rows]
    for member in UP_MEMBERS:
        if member.acknowledged:
            row = written[member.kind][0]
            # What the station would check an acknowledgement against is the row it sent.
            assert outgoing.current_digest(member.kind, record_id(member.kind, row)) == \
                record_digest(member.kind, row)
    assert outgoing.current_digest("interviews", "no-such-record") is None
    assert outgoing.current_digest("events", written["events"][0]["id"]) is None


def test_records_are_counted_by_what_people_call_them():
    assert record_counts({"documents": 1}) == "1 form"
    assert record_counts({"subjects": 2}) == "2 roster entries"
    assert record_counts({"interviews": 1, "reviews": 0, "protocols": 1, "events": 12}) == \
        "1 interview, 1 protocol, 12 history events"
    assert record_counts({"interviews": 0}) == ""
    assert set(MEMBERS_BY_KIND) == {member.kind for member in UP_MEMBERS}


def test_every_member_is_counted_in_words():
    from screening_app.sync.members import COUNT_PHRASES, count_records

    assert set(COUNT_PHRASES) == set(MEMBERS_BY_KIND)
    assert [count_records("subjects", n) for n in (1, 2)] == ["1 roster entry",
                                                           "2 roster entries"]
