import pytest

from screening_app.domain.canonical import local_minute
from screening_app.domain.errors import PermissionDenied, UserError
from screening_app.protocol.examples import complete_answers
from screening_app.services.reviews import NoteRequired
from tests.conftest import answer_all, install_test_user_certificate, write_csv

# The paper gives its start and end: a three-minute interview, shorter than the protocol's
# minimum (a paper without them is not timed at all).
PAPER_TIMES = {"started_at": "2026-11-27T09:30:00Z", "ended_at": "2026-11-27T09:33:00Z"}


@pytest.fixture
def reviewed(roster_station):
    services = roster_station.services
    records = [services.transcription.record(roster_station.interviewer, isn,
                                             {"answers": complete_answers(choice),
                                              **PAPER_TIMES}, "paper")
               for isn, choice in (("NK-100001", "enlist"), ("NK-100002", "repatriate"),
                                   ("CN-700001", "enlist"))]
    return roster_station, records


def test_every_finalised_interview_starts_as_received(reviewed):
    station, records = reviewed
    queue = station.services.reviews.queue(station.supervisor)
    assert [(i.interview_id, i.state) for i in queue] == [(r.id, "received") for r in records]
    assert queue[0].choice == "enlist"  # supervisors see the choice


def test_approve_send_back_and_reject_are_events_and_final(reviewed):
    station, records = reviewed
    reviews = station.services.reviews
    reviews.decide(station.supervisor, records[0].id, "approved",
                   reason="Transcribed from a complete paper form.", comment="clear interview")
    reviews.decide(station.supervisor, records[1].id, "sent_back",
                   reason="The observer's name is missing on paper.")
    reviews.decide(station.supervisor, records[2].id, "rejected",
                   reason="Interviewed in view of the compound.")
    states = {i.interview_id: i.state for i in reviews.queue(station.supervisor)}
    assert states == {records[0].id: "approved", records[1].id: "sent_back",
                      records[2].id: "rejected"}
    kinds = [e.kind for e in station.services.station.events.for_interview(records[1].id)]
    assert kinds[-1] == "review.sent_back"
    with pytest.raises(UserError, match="already approved"):
        reviews.decide(station.supervisor, records[0].id, "rejected", reason="changed mind")
    assert [i.interview_id for i in reviews.queue(station.supervisor, state="received")] == []


def test_a_reason_is_required_to_send_back_or_reject(reviewed):
    station, records = reviewed
    with pytest.raises(UserError, match="needs a reason"):
        station.services.reviews.decide(station.supervisor, records[0].id, "rejected")


def test_only_supervisors_and_admins_review(reviewed):
    station, records = reviewed
    with pytest.raises(PermissionDenied):
        station.services.reviews.queue(station.interviewer)
    with pytest.raises(PermissionDenied):
        station.services.reviews.decide(station.interviewer, records[0].id, "approved")


def test_a_sent_back_interview_reaches_its_interviewer_until_taken_again(reviewed):
    station, records = reviewed
    services = station.services
    services.reviews.decide(station.supervisor, records[1].id, "sent_back",
                            reason="Ask about family reasons again.")
    mine = services.reviews.sent_back_to(station.interviewer)
    assert [(i.interview_id, i.reason, i.choice) for i in mine] == [
        (records[1].id, "Ask about family reasons again.", None)]
    assert services.reviews.sent_back_to(station.other_interviewer) == []
    statuses = services.interviews.subject_statuses(station.interviewer, ["NK-100002"])
    assert statuses == {"NK-100002": "sent_back"}
    services.interviews.start(station.interviewer, "NK-100002", supersedes_id=records[1].id)
    assert services.reviews.sent_back_to(station.interviewer) == []


def test_reviews_are_append_only_in_the_database(reviewed):
    from screening_app.store.connection import INTEGRITY_ERRORS

    station, records = reviewed
    station.services.reviews.decide(station.supervisor, records[0].id, "approved",
                                    reason="The signed paper form is complete.")
    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        station.services.station.db.execute("UPDATE reviews SET state = 'rejected'")


def test_flags_explain_themselves_for_each_interview(roster_station):
    services = roster_station.services
    answers = complete_answers("enlist")
    answers["threatened"] = "yes"
    final = services.transcription.record(roster_station.interviewer, "NK-100013",
                                          {"answers": answers, **PAPER_TIMES}, "paper")
    flags = services.reviews.flags(roster_station.supervisor)
    kinds = {f.kind for f in flags.for_interview(final.id)}
    assert {"transcribed", "coercion_reported"} <= kinds
    assert all(f.explanation.endswith(".") for f in flags.for_interview(final.id))
    # The paper's own duration is shorter than the protocol's minimum, with the figures.
    short = [f for f in flags.for_interview(final.id) if f.kind == "short_interview"]
    assert short and "took 3 min" in short[0].explanation
    assert "minimum is 7 min" in short[0].explanation


def test_time_on_each_step_is_read_from_the_sealed_journal(roster_station, monkeypatch):
    """A live interview's steps are timed from its journal (the history no longer holds
    them): ten seconds between each thing done leaves the explanation step 30 s, under the
    protocol's two minutes; a minute between each leaves it three."""
    services, ivan = roster_station.services, roster_station.interviewer
    taken = {}
    for isn, seconds in (("NK-100001", 10), ("NK-100013", 60)):
        ticks = iter(range(0, 10_000 * seconds, seconds))
        monkeypatch.setattr(services.interviews, "_clock", lambda ticks=ticks: (
            f"2026-12-04T{9 + (t := next(ticks)) // 3600:02d}:{t // 60 % 60:02d}:"
            f"{t % 60:02d}.000Z"))
        interview = answer_all(services, ivan, services.interviews.start(ivan, isn),
                               complete_answers("repatriate"))
        taken[seconds] = services.interviews.finalise(ivan, interview.id)
    assert not {e.kind for e in services.station.events.for_interview(taken[10].id)} & {
        "interview.step_entered", "interview.answered"}
    flags = services.reviews.flags(roster_station.supervisor)
    rushed = {f.kind: f.explanation for f in flags.for_interview(taken[10].id)}
    assert "short_explanation" in rushed and "30 s" in rushed["short_explanation"]
    assert "short_explanation" not in {f.kind for f in flags.for_interview(taken[60].id)}
    assert services.reviews.flags_for(roster_station.supervisor, taken[10].id) == \
        flags.for_interview(taken[10].id)


def test_a_paper_interview_gets_no_timing_flag_for_what_was_not_measured(roster_station):
    """Typing a paper form in takes seconds: that is not how long the interview took. With
    no start and end on the paper nothing is timed; with them, only the whole duration is
    (the steps were not timed on paper)."""
    services = roster_station.services
    untimed = services.transcription.record(roster_station.interviewer, "NK-100013",
                                            {"answers": complete_answers("enlist")}, "paper")
    long_enough = services.transcription.record(
        roster_station.interviewer, "NK-100001",
        {"answers": complete_answers("enlist"), "started_at": "2026-11-27T09:00:00Z",
         "ended_at": "2026-11-27T09:40:00Z"}, "paper")
    flags = services.reviews.flags(roster_station.supervisor)
    for record in (untimed, long_enough):
        assert [f.kind for f in flags.for_interview(record.id)] == ["transcribed"]
        assert services.reviews.flags_for(roster_station.supervisor, record.id) == \
            flags.for_interview(record.id)


def test_approval_countersigns_and_both_signatures_stay_valid(reviewed, tmp_path):
    import shutil
    import subprocess

    from screening_app.records.verifying import verify_pdf
    from screening_app.services.verification import verify_form

    station, records = reviewed
    services = station.services
    first = services.documents.latest(station.supervisor, records[0].id)
    services.reviews.decide(station.supervisor, records[0].id, "approved",
                            reason="The signed paper form is complete.")
    second = services.documents.latest(station.supervisor, records[0].id)
    assert second.revision == 2 and second.content.startswith(first.content)
    root = services.keys.station_certificate().root
    checked = verify_pdf(second.content, [root])
    assert checked.valid, checked.reason
    # The interviewer's own signature, then the supervisor's countersignature.
    assert [s.signer for s in checked.signatures] == ["Interviewer ivan", "Supervisor sup"]
    assert verify_form(second.content, [root], services.station, station.supervisor).valid
    if shutil.which("pdfsig"):
        path = tmp_path / "approved.pdf"
        path.write_bytes(second.content)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert out.count("Signature is Valid") == 2


def test_a_supervisor_without_a_certificate_cannot_approve(reviewed):
    station, records = reviewed
    services = station.services
    other = services.accounts.add_user(station.admin, "sup2", "supervisor", "another password")
    with pytest.raises(UserError, match="cannot countersign yet"):
        services.reviews.decide(other, records[0].id, "approved",
                                reason="The signed paper form is complete.")
    assert services.reviews.state(records[0].id) == "received"
    assert services.documents.latest(station.supervisor, records[0].id).revision == 1


def test_a_skewed_interviewer_is_flagged_with_station_thresholds(roster_station, tmp_path,
                                                                 test_keys):
    """Eighteen interviews in one compound by three interviewers, one of whom records only
    one outcome; with small numbers a supervisor lowers the station's thresholds (each
    change an event in the history)."""
    services = roster_station.services
    people = [{"isn": f"NK-3000{n:02d}", "name_native": "김민준", "name_latin": "Kim Min-jun",
               "nationality": "Korean", "rank": "Private", "unit": "KPA 4th Division",
               "camp": "Koje-do", "compound": "Compound 62", "birth_year": "1928"}
              for n in range(18)]
    services.roster.import_file(roster_station.admin, write_csv(tmp_path / "more.csv", people))
    supervisor = roster_station.supervisor
    services.settings.set(supervisor, "flag_skew_min_interviews", "6")
    services.settings.set(supervisor, "flag_group_q", "0.2")
    changes = [e.payload for e in services.station.events.since(
        0, kinds=("settings.changed",))]
    assert changes[-2:] == [{"key": "flag_skew_min_interviews", "value": "6"},
                            {"key": "flag_group_q", "value": "0.2"}]
    with pytest.raises(PermissionDenied):
        services.settings.set(roster_station.interviewer, "flag_group_q", "0.5")
    with pytest.raises(PermissionDenied):
        services.settings.set(supervisor, "time_zone", "Asia/Seoul")
    petr = services.accounts.add_user(roster_station.admin, "petr", "interviewer", "a password")
    install_test_user_certificate(services, petr, test_keys, "a password")
    for n, person in enumerate(people):
        actor = (roster_station.interviewer, roster_station.other_interviewer, petr)[n % 3]
        # ivan: enlist every time; olga and petr: half and half.
        choice = "enlist" if n % 3 == 0 or (n // 3) % 2 else "repatriate"
        services.transcription.record(actor, person["isn"],
                                      {"answers": complete_answers(choice)}, "p")
    flags = services.reviews.flags(supervisor)
    skew = [f for f in flags.camp if f.kind == "interviewer_skew"]
    assert [f.explanation.split()[1] for f in skew] == ["ivan:"]
    assert skew[0].explanation.startswith(
        "Interviewer ivan: 100% “Enter the armed forces of the United Nations Command” in 6"
        " interviews; 50% for other interviewers in the"
        " same compounds (12 interviews); shift +50 points, q = ")


def test_approving_a_flagged_record_needs_a_note_and_refuses_whole(reviewed):
    station, records = reviewed
    services = station.services
    events_before = len(services.station.events.for_interview(records[0].id))
    with pytest.raises(NoteRequired) as refused:
        services.reviews.decide(station.supervisor, records[0].id, "approved", reason="  ")
    assert str(refused.value) == (
        "The interview of NK-100001 is flagged (short interview, transcribed from paper):"
        " approving it needs a written note saying why it is approved despite them.")
    assert [f.kind for f in refused.value.flags] == ["short_interview", "transcribed"]
    # Nothing was written: no review, no countersignature, no event.
    assert services.reviews.state(records[0].id) == "received"
    assert services.documents.latest(station.supervisor, records[0].id).revision == 1
    assert len(services.station.events.for_interview(records[0].id)) == events_before
    services.reviews.decide(station.supervisor, records[0].id, "approved",
                            reason="Approved despite: transcribed from a complete paper form.")
    item = services.reviews.item(station.supervisor, records[0].id)
    assert (item.state_label, item.reason) == (
        "Approved", "Approved despite: transcribed from a complete paper form.")
    assert item.reviewer == "sup" and item.reviewed_at
    payload = services.station.events.for_interview(records[0].id)[-1].payload
    assert payload["reason"] == "Approved despite: transcribed from a complete paper form."


def test_a_record_without_flags_is_approved_without_a_note(reviewed, monkeypatch):
    from screening_app.services import reviews as reviews_module

    station, records = reviewed
    monkeypatch.setattr(reviews_module, "record_flags", lambda *args, **kwargs: [])
    assert station.services.reviews.flags_for(station.supervisor, records[0].id) == []
    station.services.reviews.decide(station.supervisor, records[0].id, "approved")
    assert station.services.reviews.state(records[0].id) == "approved"


def test_one_interviews_flags_are_those_the_queue_shows(reviewed):
    station, records = reviewed
    reviews = station.services.reviews
    everything = reviews.flags(station.supervisor)
    for record in records:
        assert reviews.flags_for(station.supervisor, record.id) == \
            everything.for_interview(record.id)
    titles = [f.shown_title for f in everything.for_interview(records[0].id)]
    assert titles == ["Short interview", "Transcribed from paper"]


def test_a_flag_the_protocol_raises_is_titled_by_the_protocol(roster_station):
    services = roster_station.services
    answers = complete_answers("enlist")
    answers["threatened"] = "yes"
    final = services.transcription.record(roster_station.interviewer, "NK-100013",
                                          {"answers": answers}, "paper")
    flags = services.reviews.flags_for(roster_station.supervisor, final.id)
    coercion = [f for f in flags if f.kind == "coercion_reported"]
    assert coercion[0].shown_title == "Threats, forced marks or pressure reported"


def test_the_queue_reads_as_the_protocol_and_the_accounts_name_them(roster_station):
    services = roster_station.services
    services.accounts.set_display_name(roster_station.admin, "ivan", "Lt. I. Petrov")
    record = services.transcription.record
    record(roster_station.interviewer, "NK-100001", {"answers": complete_answers("enlist")}, "p")
    record(roster_station.interviewer, "NK-100002", {"answers": complete_answers("repatriate")},
           "p")
    record(roster_station.other_interviewer, "CN-700001",
           {"answers": complete_answers(), "abandon": {"reason": "unfit"}}, "p")
    shown = {i.subject_isn: (i.outcome_label, i.state_label, i.interviewer_label)
             for i in services.reviews.queue(roster_station.supervisor)}
    assert shown == {
        "NK-100001": ("Enter the armed forces of the United Nations Command", "Received",
                      "Lt. I. Petrov"),
        "NK-100002": ("Accept repatriation", "Received", "Lt. I. Petrov"),
        "CN-700001": ("Not completed: Not fit to be interviewed (illness or injury)",
                      "Received", "olga"),
    }
    values = services.reviews.filter_values(roster_station.supervisor)
    assert values["interviewer"] == [("ivan", "Lt. I. Petrov"), ("olga", "olga")]
    assert values["compound"] == [("Compound 62", "Compound 62"), ("Compound 72", "Compound 72"),
                                  ("Compound 76", "Compound 76")]


def test_the_history_shows_the_decision_and_only_whom_its_note_concerns(reviewed):
    station, records = reviewed
    services = station.services
    services.reviews.decide(station.supervisor, records[0].id, "approved",
                            reason="He confirmed his choice twice on paper.")
    services.reviews.decide(station.supervisor, records[1].id, "sent_back",
                            reason="Ask about family reasons again.")

    def history(actor, isn):
        return [(s.review_state, s.review_note)
                for s in services.interviews.list(actor, subject_isn=isn)]

    assert history(station.supervisor, "NK-100001") == [
        ("approved", "He confirmed his choice twice on paper.")]
    # An approval note may speak of the choice: an interviewer sees the state, not the note.
    assert history(station.interviewer, "NK-100001") == [("approved", None)]
    assert history(station.interviewer, "NK-100002") == [
        ("sent_back", "Ask about family reasons again.")]
    assert history(station.interviewer, "CN-700001") == [(None, None)]


def test_flag_sentences_name_choices_and_flags_by_the_protocols_labels(roster_station):
    """A re-interview that changed the choice, read in the queue: the choices by their
    labels, never by their stored ids."""
    services, ivan = roster_station.services, roster_station.interviewer
    services.transcription.record(ivan, "NK-100001", {"answers": complete_answers("enlist")},
                                  "first.json")
    again = services.transcription.record(
        ivan, "NK-100001", {"answers": complete_answers("repatriate"), "purpose": "withdrawal"},
        "again.json")
    flags = services.reviews.flags_for(roster_station.supervisor, again.id)
    changed = next(f for f in flags if f.kind == "outcome_changed")
    assert "recorded “Accept repatriation”" in changed.explanation
    assert "recorded “Enter the armed forces of the United Nations Command”" in changed.explanation
    for flag in flags:
        assert "enlist" not in flag.explanation and "repatriate'" not in flag.explanation


def test_the_queue_shows_each_pattern_against_its_interviews():
    from screening_app.domain.review_flags import ReviewFlag
    from screening_app.services.reviews import ReviewFlags

    own = ReviewFlag("transcribed", "a", "Transcribed.")
    pattern = ReviewFlag("compound_uniform", None, "In compound 76 …", interview_ids=("a", "b"))
    flags = ReviewFlags({"a": [own]}, [pattern])
    assert flags.shown_by_interview() == {"a": [own, pattern], "b": [pattern]}
    assert flags.for_interview("b") == []  # approving b answers for no flag of its own


def test_days_shown_and_filtered_are_the_stations_local_days(roster_station, monkeypatch):
    """Finalised at 23:30 UTC is the next morning at a station in Korea: the dashboard
    counts it on that day, and the queue's day filter offers and finds that day."""
    services, admin = roster_station.services, roster_station.admin
    services.settings.set(admin, "time_zone", "Asia/Seoul")
    monkeypatch.setattr(services.interviews, "_clock", lambda: "2026-12-04T23:30:00.000Z")
    record = services.transcription.record(roster_station.interviewer, "NK-100001",
                                           {"answers": complete_answers()}, "paper")
    supervisor = roster_station.supervisor
    assert set(services.dashboard.figures(supervisor).by_day) == {"2026-12-05"}
    assert services.reviews.filter_values(supervisor)["day"] == [("2026-12-05", "2026-12-05")]
    (item,) = services.reviews.queue(supervisor, day="2026-12-05")
    assert item.interview_id == record.id and item.finalised_local == "2026-12-05 08:30"
    assert services.reviews.queue(supervisor, day="2026-12-04") == []
    services.reviews.decide(supervisor, record.id, "rejected", reason="Wrong person.")
    (decided,) = services.reviews.queue(supervisor, day="2026-12-05")
    assert decided.reviewed_local.startswith("20") and decided.reviewed_local == (
        local_minute(decided.reviewed_at, "Asia/Seoul"))


def _paged(pages, limit: int) -> list:
    items = []
    while not pages.exhausted:
        items += pages.next_page(limit)
    return items


@pytest.mark.parametrize("order", ["finalised_at", "subject_isn", "subject_name", "compound",
                                   "interviewer", "state", "reason", "flags", "choice"])
@pytest.mark.parametrize("descending", [False, True])
def test_the_queue_a_page_at_a_time_holds_every_row_once_in_order(reviewed, order,
                                                                  descending):
    station, records = reviewed
    reviews = station.services.reviews
    reviews.decide(station.supervisor, records[1].id, "rejected", reason="In view of all.")
    pages = reviews.queue_pages(station.supervisor, order=order, descending=descending,
                                state_order=("approved", "received", "rejected"),
                                flag_counts={records[2].id: 2, records[0].id: 1})
    assert pages.count == 3
    items = _paged(pages, 1)
    assert sorted(i.interview_id for i in items) == sorted(r.id for r in records)
    value = {"finalised_at": lambda i: i.finalised_at, "subject_isn": lambda i: i.subject_isn,
             "subject_name": lambda i: i.subject_name, "compound": lambda i: i.compound,
             "interviewer": lambda i: i.interviewer_label,
             "state": lambda i: ("approved", "received", "rejected").index(i.state),
             "reason": lambda i: i.reason or "",
             "flags": lambda i: {records[2].id: 2, records[0].id: 1}.get(i.interview_id, 0),
             "choice": lambda i: i.outcome_label}[order]
    keys = [value(i) for i in items]
    assert keys == sorted(keys, reverse=descending)


def test_a_page_goes_on_after_its_last_row_whatever_was_decided_meanwhile(reviewed):
    """No offset to shift: deciding a received row between pages neither skips the next
    row nor shows one twice."""
    station, records = reviewed
    reviews = station.services.reviews
    pages = reviews.queue_pages(station.supervisor, state="received", order="subject_isn")
    first = pages.next_page(1)
    reviews.decide(station.supervisor, first[0].interview_id, "rejected", reason="Coerced.")
    rest = _paged(pages, 1)
    assert [i.subject_isn for i in first + rest] == ["CN-700001", "NK-100001", "NK-100002"]
    assert reviews.queue_pages(station.supervisor, state="received").count == 2


def test_the_flagged_and_an_interpreters_interviews_come_a_page_at_a_time(reviewed):
    station, records = reviewed
    reviews = station.services.reviews
    only = {records[0].id, records[2].id}
    pages = reviews.queue_pages(station.supervisor, only=only, order="subject_isn",
                                descending=True)
    assert pages.count == 2
    assert [i.subject_isn for i in _paged(pages, 1)] == ["NK-100001", "CN-700001"]
    named = {records[0].id: "Kim Li", records[1].id: "Kim Li", records[2].id: "Wu"}
    pages = reviews.queue_pages(station.supervisor, interpreter="Kim Li", interpreters=named)
    assert [i.interview_id for i in _paged(pages, 5)] == [records[0].id, records[1].id]
    with pytest.raises(ValueError, match="no column 'sealed_choice'"):
        reviews.queue_pages(station.supervisor, order="sealed_choice")


def test_a_page_sorted_by_isn_name_or_compound_is_read_from_an_index(reviewed):
    """Migration 0024: the queue's first page at a large camp reads its own rows only."""
    from screening_app.store.reviews import QueueFilter, QueueOrder, ReviewQueueQueries

    station, _records = reviewed
    db = station.services.station.db
    queries = ReviewQueueQueries(db)
    for column, index in (("subject_isn", "interviews_final_by_isn"),
                          ("subject_name", "interviews_final_by_name"),
                          ("compound", "interviews_final_by_compound")):
        plans = []
        db.conn.set_trace_callback(plans.append)
        try:
            queries.page(time_zone="UTC", filters=QueueFilter(), order=QueueOrder(column),
                         after=None, limit=2)
        finally:
            db.conn.set_trace_callback(None)
        (sql,) = [s for s in plans if "LIMIT" in s]
        used = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql))
        assert f"USING INDEX {index}" in used and "TEMP B-TREE" not in used, column


def test_the_compound_filter_and_its_values_read_a_compound_without_case(reviewed):
    station, records = reviewed
    reviews = station.services.reviews
    assert reviews.filter_values(station.supervisor)["compound"] == [
        ("Compound 62", "Compound 62"), ("Compound 72", "Compound 72"),
        ("Compound 76", "Compound 76")]
    for typed in ("Compound 62", "compound 62"):
        assert [i.subject_isn for i in reviews.queue(station.supervisor, compound=typed)] == [
            "NK-100001"]
        assert reviews.queue_pages(station.supervisor, compound=typed).count == 1
