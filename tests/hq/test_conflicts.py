"""Conflicts between stations: the rule that finds them, and an operator's decision that
is appended, never written over anything. Rows are put in through the store's own API;
the last test takes real station bundles through intake."""

from types import SimpleNamespace

import pytest

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.domain.errors import NotFound, UserError
from screening_app.hq import conflicts
from screening_app.hq.conflicts import AUTOMATIC_OPERATOR
from screening_app.hq.store import SqlHqStore

ISN = "NK-100001"


class Held:
    """Stations, final interviews and reviews at headquarters, made through the store."""

    def __init__(self, store: SqlHqStore):
        self.store = store
        self._count = 0

    def station(self, station_id: str) -> None:
        with self.store.transaction():
            self.store.insert_station(station_id, "Koje-do", "(certificate)",
                                      sha256_hex(station_id), "2026-11-01T00:00:00.000Z")

    def interview(self, station_id: str, choice: str | None, day: int, *, isn: str = ISN,
                  outcome: str = "completed", supersedes: str | None = None,
                  interviewer: str = "ivan", reason: str | None = None) -> str:
        self._count += 1
        record = {"id": f"{station_id.lower()}-{self._count:04d}-{day:02d}",
                  "station_id": station_id, "subject_isn": isn, "outcome": outcome,
                  "choice": choice, "finalised_at": f"2026-11-{day:02d}T10:00:00.000Z",
                  "supersedes_id": supersedes, "interviewer_name": interviewer,
                  "non_completion_reason": reason,
                  "subject_snapshot": {"isn": isn, "name_native": "김민준",
                                       "name_latin": "Kim Min-jun"}}
        with self.store.transaction():
            self.store.insert_interview(station_id, record,
                                        sha256_hex(canonical_json(record)))
        return record["id"]

    def review(self, interview_id: str, state: str, day: int) -> None:
        station_id, _ = self.store.interview_owner(interview_id)
        self._count += 1
        review = {"id": f"review-{self._count}", "interview_id": interview_id, "state": state,
                  "reason": None if state == "approved" else "see the file",
                  "at": f"2026-11-{day:02d}T12:00:00.000Z"}
        with self.store.transaction():
            self.store.insert_review(station_id, review, sha256_hex(canonical_json(review)))

    def detect(self, *isns: str) -> list[str]:
        return conflicts.detect(self.store, list(isns or [ISN]))


@pytest.fixture
def held(empty_store):
    store = empty_store
    with store.transaction():
        store.insert_operator("olivia", "(an argon2 hash)", "2026-11-01T00:00:00.000Z")
    made = Held(store)
    for station_id in ("KOJE-62", "PUSAN-1", "CHEJU-3"):
        made.station(station_id)
    return made


def test_the_same_choice_at_two_stations_is_no_conflict(held):
    held.interview("KOJE-62", "enlist", 3)
    held.interview("PUSAN-1", "enlist", 5)
    assert held.detect() == []
    assert conflicts.all_conflicts(held.store) == []


def test_different_choices_at_two_stations_open_one_conflict_listing_both(held):
    koje = held.interview("KOJE-62", "enlist", 3, interviewer="ivan")
    held.review(koje, "approved", 4)
    pusan = held.interview("PUSAN-1", "repatriate", 5, interviewer="olga")
    assert held.detect() == [ISN]
    (conflict,) = conflicts.open_conflicts(held.store)
    assert conflict.isn == ISN and conflict.is_open
    assert [(r.station_id, r.interview_id, r.choice, r.finalised_at[:10], r.review_state,
             r.interviewer) for r in conflict.records] == [
        ("KOJE-62", koje, "enlist", "2026-11-03", "approved", "ivan"),
        ("PUSAN-1", pusan, "repatriate", "2026-11-05", "received", "olga")]
    assert conflict.records[0].name_native == "김민준"
    assert conflict.describe() == "KOJE-62: enlist; PUSAN-1: repatriate"
    assert held.detect() == [ISN]  # detecting again opens no second conflict
    assert len(conflicts.all_conflicts(held.store)) == 1


def test_a_correction_at_the_same_station_is_never_a_conflict(held):
    first = held.interview("KOJE-62", "enlist", 3)
    held.interview("KOJE-62", "repatriate", 6, supersedes=first)
    assert held.detect() == []
    assert conflicts.all_conflicts(held.store) == []


def test_a_rejected_record_or_a_not_completed_one_is_not_current(held):
    held.interview("KOJE-62", "enlist", 3)
    rejected = held.interview("PUSAN-1", "repatriate", 5)
    held.review(rejected, "rejected", 6)
    held.interview("PUSAN-1", None, 7, outcome="not_completed", reason="security_incident")
    assert held.detect() == []
    # The rejected record's station falls back on nothing; a later completed one counts.
    held.interview("PUSAN-1", "repatriate", 8)
    assert held.detect() == [ISN]


def test_a_third_station_joins_the_open_conflict_and_review_states_follow(held):
    koje = held.interview("KOJE-62", "enlist", 3)
    held.interview("PUSAN-1", "repatriate", 5)
    held.detect()
    held.interview("CHEJU-3", "repatriate", 7)
    held.review(koje, "sent_back", 8)
    assert held.detect() == [ISN]
    (conflict,) = conflicts.all_conflicts(held.store)
    assert [(r.station_id, r.review_state) for r in conflict.records] == [
        ("CHEJU-3", "received"), ("KOJE-62", "sent_back"), ("PUSAN-1", "received")]


def test_when_the_stations_come_to_agree_the_conflict_closes_and_keeps_its_history(held):
    held.interview("KOJE-62", "enlist", 3)
    pusan = held.interview("PUSAN-1", "repatriate", 5)
    held.detect()
    correction = held.interview("PUSAN-1", "enlist", 9, supersedes=pusan)
    assert held.detect() == []
    (conflict,) = conflicts.all_conflicts(held.store)
    assert conflict.status == "resolved"
    assert conflict.resolution.operator == AUTOMATIC_OPERATOR
    assert conflict.resolution.keep_interview_id == correction
    assert "now agree (KOJE-62: enlist; PUSAN-1: enlist)" in conflict.resolution.note
    # What contradicted stays on record.
    assert [r.choice for r in conflict.records] == ["enlist", "repatriate"]


def test_resolving_appends_a_decision_and_changes_no_record(held):
    koje = held.interview("KOJE-62", "enlist", 3)
    held.interview("PUSAN-1", "repatriate", 5)
    held.detect()
    (conflict,) = conflicts.open_conflicts(held.store)
    records_before = held.store.query("SELECT * FROM interviews ORDER BY id")
    hq = SimpleNamespace(store=held.store)
    with pytest.raises(UserError, match="--note"):
        conflicts.resolve(hq, conflict.id, koje, "olivia", "  ")
    with pytest.raises(UserError, match="not a headquarters operator"):
        conflicts.resolve(hq, conflict.id, koje, "mallory", "He confirmed it in person.")
    with pytest.raises(UserError, match="keep one of"):
        conflicts.resolve(hq, conflict.id, "nonsense", "olivia", "He confirmed it in person.")
    with pytest.raises(NotFound):
        conflicts.resolve(hq, 999, koje, "olivia", "He confirmed it in person.")
    assert held.store.resolutions() == []

    decided = conflicts.resolve(hq, conflict.id, koje[:12], "olivia",
                                "He confirmed it before an observer.")
    assert decided.status == "resolved" and decided.kept.interview_id == koje
    assert (decided.resolution.operator, decided.resolution.note) == (
        "olivia", "He confirmed it before an observer.")
    assert held.store.query("SELECT * FROM interviews ORDER BY id") == \
        records_before
    (stored,) = held.store.conflicts()
    summary = stored.summary
    assert [entry["choice"] for entry in summary] == ["enlist", "repatriate"]
    with pytest.raises(UserError, match="already resolved"):
        conflicts.resolve(hq, conflict.id, koje, "olivia", "again")
    with pytest.raises(Exception, match="append-only"), held.store.transaction():
        held.store.query("UPDATE conflict_resolutions SET note = 'changed'")


def test_a_decision_stands_until_a_station_sends_a_record_nobody_decided_on(held):
    koje = held.interview("KOJE-62", "enlist", 3)
    held.interview("PUSAN-1", "repatriate", 5)
    held.detect()
    (conflict,) = conflicts.open_conflicts(held.store)
    conflicts.resolve(SimpleNamespace(store=held.store), conflict.id, koje, "olivia",
                      "Confirmed in person.")
    assert held.detect() == []  # the same records: the decision stands
    held.interview("CHEJU-3", "repatriate", 9)
    assert held.detect() == [ISN]
    second = conflicts.open_conflicts(held.store)[0]
    assert second.id != conflict.id
    assert {r.station_id for r in second.records} == {"KOJE-62", "PUSAN-1", "CHEJU-3"}


def test_only_the_people_asked_about_are_looked_at(held):
    held.interview("KOJE-62", "enlist", 3, isn="CN-700001")
    held.interview("PUSAN-1", "repatriate", 5, isn="CN-700001")
    assert held.detect("NK-100001") == []
    assert held.detect("CN-700001", "NK-100001") == ["CN-700001"]


def test_a_conflict_the_stations_no_longer_support_cannot_be_decided_but_is_closed(held):
    held.interview("KOJE-62", "enlist", 3)
    pusan = held.interview("PUSAN-1", "repatriate", 5)
    held.detect()
    (conflict,) = conflicts.open_conflicts(held.store)
    # Pusan's supervisor rejects its record; the operator has not looked again yet.
    held.review(pusan, "rejected", 6)
    with pytest.raises(UserError, match="no longer holds: closed automatically"):
        conflicts.resolve(SimpleNamespace(store=held.store), conflict.id, pusan, "OLIVIA",
                          "Keep Pusan's.")
    closed = conflicts.get_conflict(held.store, conflict.id)
    assert closed.status == "resolved" and closed.resolution.operator == AUTOMATIC_OPERATOR


def test_the_decision_is_recorded_under_the_operators_own_name(held):
    koje = held.interview("KOJE-62", "enlist", 3)
    held.interview("PUSAN-1", "repatriate", 5)
    held.detect()
    (conflict,) = conflicts.open_conflicts(held.store)
    decided = conflicts.resolve(SimpleNamespace(store=held.store), conflict.id, koje,
                                " OLIVIA ", "Confirmed.")
    assert decided.resolution.operator == "olivia"
