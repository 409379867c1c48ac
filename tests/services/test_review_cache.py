"""The review's flags are kept, sealed to the review key, and shown again only while
nothing they were computed from has changed."""

import json

import pytest

from screening_app.protocol.examples import complete_answers
from screening_app.services import reviews as reviews_module
from tests.conftest import change_sealed_choice
from tests.services.test_reviews import PAPER_TIMES


@pytest.fixture
def computed(roster_station, monkeypatch):
    """A station with a flagged interview, and a count of the times the flags were computed
    from the records (rather than taken as kept)."""
    services = roster_station.services
    answers = {**complete_answers("enlist"), "threatened": "yes"}
    record = services.transcription.record(roster_station.interviewer, "NK-100013",
                                           {"answers": answers, **PAPER_TIMES}, "paper")
    counted = []
    computed_flags = reviews_module.ReviewService._computed_flags

    def counting(self, settings, *known):
        counted.append(settings)
        return computed_flags(self, settings, *known)
    monkeypatch.setattr(reviews_module.ReviewService, "_computed_flags", counting)
    return roster_station, record, counted


def _kinds(flags, interview_id):
    return sorted(flag.kind for flag in flags.for_interview(interview_id))


def test_flags_computed_once_are_kept_until_a_record_changes(computed):
    station, record, counted = computed
    services, sup = station.services, station.supervisor
    assert services.reviews.kept_flags(sup) is None
    first = services.reviews.flags(sup)
    assert "coercion_reported" in _kinds(first, record.id) and len(counted) == 1
    kept = services.reviews.kept_flags(sup)
    assert kept is not None and _kinds(kept, record.id) == _kinds(first, record.id)
    assert [f.explanation for f in kept.for_interview(record.id)] == [
        f.explanation for f in first.for_interview(record.id)]
    assert services.reviews.flags(sup).interpreters == first.interpreters
    assert len(counted) == 1  # taken as kept
    # A new record makes them stale: computed again, with the new record's flags.
    other = services.transcription.record(station.interviewer, "NK-100002",
                                          {"answers": complete_answers("enlist"),
                                           **PAPER_TIMES}, "paper")
    assert services.reviews.kept_flags(sup) is None
    assert "transcribed" in _kinds(services.reviews.flags(sup), other.id)
    assert len(counted) == 2
    # A draft being answered changes no flag: what is kept stays.
    draft = services.interviews.start(station.interviewer, "CN-700001")
    services.interviews.answer(station.interviewer, draft.id, "isn_matches", "yes")
    assert services.reviews.kept_flags(sup) is not None


def test_a_print_a_setting_a_name_or_the_interpreters_list_makes_them_stale(computed):
    station, record, counted = computed
    services, sup = station.services, station.supervisor
    changes = [
        lambda: services.documents.record_print(
            sup, services.documents.latest(sup, record.id)),
        lambda: services.settings.set(sup, "flag_group_q", "0.01"),
        lambda: services.accounts.set_display_name(station.admin, "ivan", "Lt. Ivanov"),
        lambda: services.people.add(sup, "interpreter", "Kim Li"),
    ]
    for change in changes:
        services.reviews.flags(sup)
        assert services.reviews.kept_flags(sup) is not None
        change()
        assert services.reviews.kept_flags(sup) is None
    assert len(counted) == len(changes)


def test_a_record_changed_behind_the_programs_back_makes_them_stale(computed):
    """The database counts every change to a finalised record, whoever makes it."""
    station, record, _counted = computed
    services, sup = station.services, station.supervisor
    services.reviews.flags(sup)
    change_sealed_choice(services, record.id, "repatriate")
    assert services.reviews.kept_flags(sup) is None


def test_what_is_kept_is_sealed_to_the_review_key(computed):
    """An interviewer's session (or anyone with a copy of the data folder and no review
    key) reads nothing of them: no flag, no interviewer's name, no count in clear."""
    station, record, _counted = computed
    services, sup = station.services, station.supervisor
    flags = services.reviews.flags(sup)
    kept = dict(services.station.db.execute("SELECT name, sealed FROM review_cache"))
    # The flags, and what the pass read of each record (its person, choice, interviewer).
    assert {reviews_module.FLAGS_CACHE, reviews_module.RECORDS_CACHE} <= set(kept)
    explanation = flags.for_interview(record.id)[0].explanation
    for sealed in kept.values():
        for clear in (explanation.encode(), record.id.encode(), b"coercion", b"ivan",
                      b"NK-100013", b"enlist", b"Compound"):
            assert clear not in bytes(sealed)
    # A session without the review key's private half neither reads nor keeps them.
    services.station.review.lock()
    assert services.reviews.kept_flags(sup) is None


def test_what_if_settings_are_computed_and_never_kept(computed):
    from dataclasses import replace

    station, _record, counted = computed
    services, sup = station.services, station.supervisor
    services.reviews.flags(sup)
    what_if = replace(services.reviews._flag_settings(), group_q=0.2)
    services.reviews.flags(sup, what_if)
    services.reviews.flags(sup, what_if)
    assert len(counted) == 3
    assert services.reviews.kept_flags(sup) is not None  # the station's, still kept


def test_the_interpreter_filter_matches_the_same_with_and_without_kept_flags(computed):
    """Filtering by interpreter reads each record's interpreter from the kept flags when
    they are fresh (no record opened again), else from the records: the same answer."""
    station, record, counted = computed
    services, sup = station.services, station.supervisor
    named = record.record.answers["interpreter_name"]
    from_records = [item.interview_id for item in services.reviews.queue(
        sup, interpreter=named)]
    assert from_records == [record.id] and counted == []
    services.reviews.flags(sup)
    opened = []
    final_named_people = services.reviews._interviews.final_named_people
    services.reviews._interviews.final_named_people = lambda question: opened.append(
        question) or final_named_people(question)
    assert [item.interview_id for item in services.reviews.queue(
        sup, interpreter=named)] == from_records
    assert services.reviews.filter_values(sup)["interpreter"] == [(named, named)]
    assert opened == []  # taken from the kept flags


def test_the_queue_and_dashboard_take_choices_as_kept_and_open_an_altered_one(computed,
                                                                             monkeypatch):
    station, record, _counted = computed
    services, sup = station.services, station.supervisor
    other = services.transcription.record(station.interviewer, "NK-100002",
                                          {"answers": complete_answers("repatriate"),
                                           **PAPER_TIMES}, "paper")
    shown = {item.interview_id: item.choice for item in services.reviews.queue(sup)}
    assert shown == {record.id: "enlist", other.id: "repatriate"}
    services.reviews.flags(sup)  # the pass that opens every record keeps their choices
    from screening_app.store.interviews import InterviewRepository
    opened = []
    original = InterviewRepository.choice_of

    def counting(self, interview_id, plain, sealed):
        opened.append(interview_id)
        return original(self, interview_id, plain, sealed)
    monkeypatch.setattr(InterviewRepository, "choice_of", counting)
    assert {item.interview_id: item.choice for item in services.reviews.queue(sup)} == shown
    figures = services.dashboard.figures(sup)
    assert opened == []  # none opened one by one
    totals = {choice: sum(group[choice] for group in figures.by_compound.values())
              for choice in ("enlist", "repatriate")}
    assert totals == {"enlist": 1, "repatriate": 1}
    # Someone with the data folder and the review key's public half seals another choice
    # into a record: that value was never kept, so it is opened, not shown as kept.
    change_sealed_choice(services, other.id, "enlist")
    assert {item.interview_id: item.choice for item in services.reviews.queue(sup)}[
        other.id] == "enlist"
    assert opened == [other.id]


def test_kept_choices_are_sealed_and_not_kept_without_the_review_key(computed):
    station, record, _counted = computed
    services, sup = station.services, station.supervisor
    services.reviews.flags(sup)
    kept = dict(services.station.db.execute("SELECT name, sealed FROM review_cache"))
    assert b"enlist" not in bytes(kept["choices"]) and record.id.encode() not in bytes(
        kept["choices"])


def test_the_last_flags_are_there_when_stale_and_say_so(computed):
    station, record, counted = computed
    services, sup = station.services, station.supervisor
    assert services.reviews.last_flags(sup) is None  # none computed yet
    services.reviews.flags(sup)
    last = services.reviews.last_flags(sup)
    assert last.fresh and last.changes_since == 0 and last.computed_local
    assert "coercion_reported" in _kinds(last.flags, record.id)
    other = services.transcription.record(station.interviewer, "NK-100002",
                                          {"answers": complete_answers("enlist"),
                                           **PAPER_TIMES}, "paper")
    stale = services.reviews.last_flags(sup)
    assert not stale.fresh and stale.changes_since >= 1
    # What they said then is what they say: the new record has no flags in them yet.
    assert "coercion_reported" in _kinds(stale.flags, record.id)
    assert stale.flags.for_interview(other.id) == []
    assert len(counted) == 1  # showing them computed nothing
    services.reviews.flags(sup)
    assert services.reviews.last_flags(sup).fresh
    services.station.review.lock()
    assert services.reviews.last_flags(sup) is None


def _opened_people(services, monkeypatch) -> list[str]:
    """The people whose records a pass opens one person at a time (the rest are not
    opened: their facts are taken as kept)."""
    opened = []
    find = services.reviews._interviews.find

    def finding(**criteria):
        if criteria.get("subject_isn"):
            opened.append(criteria["subject_isn"])
        return find(**criteria)
    monkeypatch.setattr(services.reviews._interviews, "find", finding)
    return opened


def _recorded(station, isn: str, choice: str = "enlist", times=PAPER_TIMES, **answers):
    return station.services.transcription.record(
        station.interviewer, isn, {"answers": {**complete_answers(choice), **answers},
                                   **times}, "paper")


def test_a_new_record_a_print_or_a_second_interview_opens_only_that_persons_records(
        computed, monkeypatch):
    """After each change the flags come from the last pass's findings and the records of
    the one person concerned, and say exactly what a pass over every record says."""
    station, record, _counted = computed
    services, sup = station.services, station.supervisor
    for isn in ("NK-100001", "CN-700001", "CN-700002"):
        _recorded(station, isn)
    services.reviews.flags(sup)
    opened = _opened_people(services, monkeypatch)

    def pass_concerning(*people: str) -> object:
        opened.clear()
        flags = services.reviews.flags(sup)
        assert sorted(set(opened)) == sorted(people)
        whole = services.reviews._computed_flags(services.reviews._flag_settings())[0]
        assert flags.as_json() == whole.as_json()
        return flags

    new = _recorded(station, "NK-100002", threatened="yes")
    assert "coercion_reported" in _kinds(pass_concerning("NK-100002"), new.id)
    for _print in range(3):
        services.documents.record_print(sup, services.documents.latest(sup, record.id))
    assert "printed_often" in _kinds(pass_concerning("NK-100013"), record.id)
    again = _recorded(station, "NK-100001", "repatriate",
                      {"started_at": "2026-11-28T09:30:00Z", "ended_at": "2026-11-28T09:40:00Z"})
    assert "outcome_changed" in _kinds(pass_concerning("NK-100001"), again.id)


def test_a_record_changed_behind_the_programs_back_is_opened_again(computed, monkeypatch):
    """The next pass does not take what it found of that record as kept: the record is
    opened again, and what the group tests read of it is its choice as changed."""
    station, record, _counted = computed
    services, sup = station.services, station.supervisor
    _recorded(station, "NK-100002")
    services.reviews.flags(sup)
    opened = _opened_people(services, monkeypatch)
    change_sealed_choice(services, record.id, "repatriate")
    services.reviews.flags(sup)
    assert opened == ["NK-100013"]
    kept = json.loads(services.reviews._cache.load(reviews_module.RECORDS_CACHE))
    assert "repatriate" in kept["records"][record.id][3]


def test_a_changed_setting_opens_every_record_again(computed, monkeypatch):
    station, _record, counted = computed
    services, sup = station.services, station.supervisor
    services.reviews.flags(sup)
    opened = _opened_people(services, monkeypatch)
    services.settings.set(sup, "flag_group_q", "0.01")
    services.reviews.flags(sup)
    assert opened == [] and len(counted) == 2  # one pass over every record, not by person
