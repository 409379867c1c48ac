import pytest

from screening_app.store.chain import verify_chain
from screening_app.store.connection import write_transaction


def test_each_event_links_to_the_one_before(station):
    st = station.services.station
    with write_transaction(st.db):
        first = st.events.append("test.one", {"n": 1})
        second = st.events.append("test.two", {"n": "두"})
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    report = verify_chain(st.db)
    assert report.ok and report.head_hash == second.hash


def test_appending_outside_a_transaction_is_a_programming_error(station):
    with pytest.raises(RuntimeError):
        station.services.station.events.append("test.loose", {})


def _without_guards(db):
    db.execute("DROP TRIGGER events_refuse_update")
    db.execute("DROP TRIGGER events_refuse_delete")


def test_an_altered_event_is_named(station):
    db = station.services.station.db
    _without_guards(db)
    db.execute("UPDATE events SET payload = '{\"name\":\"mallory\"}' WHERE seq = 2")
    report = verify_chain(db)
    assert not report.ok
    assert "event 2" in report.problem and "altered" in report.problem


def test_a_deleted_event_is_named_as_a_gap(station):
    db = station.services.station.db
    _without_guards(db)
    db.execute("DELETE FROM events WHERE seq = 2")
    report = verify_chain(db)
    assert "event 2 is missing" in report.problem


def test_swapped_events_break_the_links(station):
    db = station.services.station.db
    _without_guards(db)
    rows = db.execute("SELECT seq, payload, kind FROM events WHERE seq IN (2, 3)").fetchall()
    db.execute("UPDATE events SET payload = ?, kind = ? WHERE seq = 2", [rows[1][1], rows[1][2]])
    db.execute("UPDATE events SET payload = ?, kind = ? WHERE seq = 3", [rows[0][1], rows[0][2]])
    assert not verify_chain(db).ok
