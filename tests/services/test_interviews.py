import random

import pytest

from screening_app.domain.errors import PermissionDenied, RecordImmutable, UserError
from screening_app.protocol import default_protocol
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices
from tests.conftest import PASSWORD, answer_all, write_csv


def test_a_full_interview_is_sealed_with_its_hash(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    interview = services.interviews.start(ivan, "NK-100001")
    interview = answer_all(services, ivan, interview, complete_answers("enlist"))
    final = services.interviews.finalise(ivan, interview.id)
    record = final.record
    assert record.is_final and str(record.outcome) == "completed" and record.choice == "enlist"
    assert record.record_sha256 == record.computed_hash()
    assert record.protocol_sha256 == default_protocol().sha256
    assert len(record.signatures) == 4 and all(s.image_sha256 for s in record.signatures)
    assert record.subject_snapshot["name_native"] == "김민준"


def test_every_answer_survives_a_restart(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    interview = services.interviews.start(ivan, "NK-100002")
    services.interviews.enter_step(ivan, interview.id, "identity")
    services.interviews.answer(ivan, interview.id, "isn_matches", "yes")
    services.interviews.answer(ivan, interview.id, "name_matches", "no")
    services = roster_station.reopen()
    drafts = services.interviews.drafts(ivan)
    assert [d.id for d in drafts] == [interview.id]
    assert drafts[0].record.answers == {"isn_matches": "yes", "name_matches": "no"}
    assert drafts[0].record.current_step == "identity"


def test_steps_and_answers_are_timed_in_the_drafts_sealed_journal(roster_station):
    """Each step entered and each answer given is kept, with its time, in the draft's
    journal, sealed with its answers; the station's shared history gets none of them (how
    many there were, and when, would tell which steps were asked)."""
    services, ivan = roster_station.services, roster_station.interviewer
    interview = services.interviews.start(ivan, "NK-100002")
    services.interviews.enter_step(ivan, interview.id, "identity")
    interview = services.interviews.answer(ivan, interview.id, "isn_matches", "yes")
    journal = interview.record.journal
    assert [{k: v for k, v in entry.items() if k != "at"} for entry in journal] == [
        {"step": "identity"},
        {"step": "identity", "question": "isn_matches", "value": "yes"}]
    assert all(entry["at"].endswith("Z") for entry in journal)
    events = services.station.events.for_interview(interview.id)
    assert [e.kind for e in events] == ["interview.started"]
    stored = services.station.db.execute(
        "SELECT current_step, sealed_progress FROM interviews WHERE id = ?",
        [interview.id]).fetchone()
    assert stored[0] is None and b"identity" not in stored[1]


def test_the_choice_is_locked_until_privacy_interpreter_and_explanation(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    interview = services.interviews.start(ivan, "NK-100002")
    with pytest.raises(UserError, match="(?i)privacy"):
        services.interviews.answer(ivan, interview.id, "choice", "repatriate")
    with pytest.raises(UserError):
        services.interviews.enter_step(ivan, interview.id, "choice")


def test_finalise_refuses_an_incomplete_interview_and_says_why(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    interview = services.interviews.start(ivan, "NK-100002")
    with pytest.raises(UserError, match="cannot be finalised yet"):
        services.interviews.finalise(ivan, interview.id)


def test_option_order_is_randomised_per_interview_and_recorded(roster_station):
    services = StationServices.for_station(roster_station.services.station,
                                           rng=random.Random(3))
    services.sign_in("ivan", PASSWORD)
    orders = set()
    for _ in range(12):
        # One draft per person at a time: each is set aside before the next is drawn.
        draft = services.interviews.start(roster_station.interviewer, "NK-100001")
        orders.add(tuple(draft.record.option_order["choice"]))
        services.interviews.discard_draft(roster_station.interviewer, draft.id, "test draw")
    assert orders == {("enlist", "repatriate"), ("repatriate", "enlist")}


def test_a_finalised_interview_cannot_be_changed_and_the_attempt_is_logged(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    final = services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()}, "t")
    with pytest.raises(RecordImmutable, match="finalised"):
        services.interviews.answer(ivan, final.id, "coercion_note", "changed my mind")
    kinds = [e.kind for e in services.station.events.for_interview(final.id)]
    assert kinds[-1] == "interview.change_refused"
    assert services.interviews.load(ivan, final.id).record == final.record


def test_abandon_records_the_reason_and_the_step(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    interview = services.interviews.start(ivan, "CN-700001")
    services.interviews.enter_step(ivan, interview.id, "identity")
    final = services.interviews.abandon(ivan, interview.id, "security_incident")
    assert str(final.record.outcome) == "not_completed"
    assert final.record.non_completion_reason == "security_incident"
    assert final.record.non_completion_step == "identity"
    with pytest.raises(UserError, match="Unknown non-completion reason"):
        draft = services.interviews.start(ivan, "CN-700001")
        services.interviews.abandon(ivan, draft.id, "bored")


def test_a_roster_correction_never_rewrites_a_taken_interview(roster_station, tmp_path):
    services, ivan = roster_station.services, roster_station.interviewer
    final = services.transcription.record(ivan, "CN-700002", {"answers": complete_answers()}, "t")
    write_csv(tmp_path / "fix.csv", [{"isn": "CN-700002", "name_native": "张晓明"}])
    services.roster.import_file(roster_station.admin, tmp_path / "fix.csv")
    record = services.interviews.load(ivan, final.id).record
    assert record.subject_snapshot["name_native"] == "张小明"
    assert record.computed_hash() == record.record_sha256


def test_who_may_do_what(roster_station):
    services = roster_station.services
    ivan, olga = roster_station.interviewer, roster_station.other_interviewer
    with pytest.raises(PermissionDenied):
        services.interviews.start(roster_station.admin, "NK-100001")
    draft = services.interviews.start(ivan, "NK-100001")
    with pytest.raises(PermissionDenied):
        services.interviews.answer(olga, draft.id, "isn_matches", "yes")
    with pytest.raises(PermissionDenied):
        services.interviews.load(olga, draft.id)


def test_interviewers_see_status_but_never_a_choice(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    services.transcription.record(ivan, "NK-100001", {"answers": complete_answers("enlist")}, "t")
    mine = services.interviews.list(ivan)
    assert [(r.status, r.choice) for r in mine] == [("completed", None)]
    assert services.interviews.list(roster_station.other_interviewer) == []
    overseen = services.interviews.list(roster_station.supervisor)
    assert [(r.status, r.choice) for r in overseen] == [("completed", "enlist")]


def test_roster_status_and_history_show_status_to_interviewers(roster_station):
    services, ivan, olga = (roster_station.services, roster_station.interviewer,
                            roster_station.other_interviewer)
    services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()}, "t")
    services.interviews.start(olga, "CN-700001")
    statuses = services.interviews.subject_statuses(olga, ["NK-100001", "CN-700001", "NK-100002"])
    assert statuses == {"NK-100001": "completed", "CN-700001": "draft"}
    history = services.interviews.list(olga, subject_isn="NK-100001")
    assert [(h.interviewer, h.status, h.choice) for h in history] == [("ivan", "completed", None)]


def test_a_new_interview_links_only_to_the_same_persons_final_record(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    first = services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()}, "t")
    assert services.interviews.latest_final_id(ivan, "NK-100001") == first.id
    with pytest.raises(UserError, match="same person"):
        services.interviews.start(ivan, "NK-100002", supersedes_id=first.id)
    again = services.interviews.start(ivan, "NK-100001", supersedes_id=first.id)
    assert again.record.supersedes_id == first.id


# -- second interviews ----------------------------------------------------------------------
def test_a_second_interview_records_why_and_links_to_the_first(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    first = services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()}, "t")
    prior = services.interviews.prior(ivan, "NK-100001")
    assert prior.latest_final_id == first.id and prior.latest_final_status == "completed"
    assert prior.open_draft is None
    again = services.interviews.start(ivan, "NK-100001", supersedes_id=first.id,
                                      purpose="reconfirmation")
    assert again.record.purpose == "reconfirmation"
    assert services.interviews.load(ivan, first.id).record == first.record  # untouched
    # The purpose is part of the sealed record once it is finalised.
    for question_id, value in complete_answers().items():
        if question_id.endswith("_signature"):
            services.interviews.add_signature(ivan, again.id, question_id, mode="on_paper")
        else:
            services.interviews.answer(ivan, again.id, question_id, value)
    sealed = services.interviews.finalise(ivan, again.id).record
    assert sealed.sealed_content()["purpose"] == "reconfirmation"
    assert sealed.computed_hash() == sealed.record_sha256


def test_records_without_a_purpose_hash_as_they_always_did(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    first = services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()}, "t")
    assert "purpose" not in first.record.sealed_content()
    assert first.record.computed_hash() == first.record.record_sha256


def test_a_second_interview_needs_a_known_purpose_and_a_first_one(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    with pytest.raises(UserError, match="has none"):
        services.interviews.start(ivan, "NK-100001", purpose="withdrawal")
    first = services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()}, "t")
    with pytest.raises(UserError, match="Unknown purpose 'whim'"):
        services.interviews.start(ivan, "NK-100001", supersedes_id=first.id, purpose="whim")


def test_one_person_has_one_open_draft_at_a_time(roster_station):
    services, ivan, olga = (roster_station.services, roster_station.interviewer,
                            roster_station.other_interviewer)
    services.interviews.start(ivan, "NK-100001")
    with pytest.raises(UserError, match="already open as a draft .* by ivan"):
        services.interviews.start(olga, "NK-100001")
    prior = services.interviews.prior(olga, "NK-100001")
    assert prior.open_draft is not None and not prior.open_draft_is_mine
    assert not prior.open_draft_discardable  # only ivan or a supervisor may


def test_discarding_a_draft_keeps_it_and_logs_who_and_why(roster_station):
    services, ivan, olga = (roster_station.services, roster_station.interviewer,
                            roster_station.other_interviewer)
    draft = services.interviews.start(ivan, "NK-100001")
    services.interviews.answer(ivan, draft.id, "isn_matches", "no")
    with pytest.raises(PermissionDenied):
        services.interviews.discard_draft(olga, draft.id, "not mine")
    with pytest.raises(UserError, match="Say why"):
        services.interviews.discard_draft(ivan, draft.id, "  ")
    services.interviews.discard_draft(ivan, draft.id, "Opened for the wrong person")
    event = services.station.events.for_interview(draft.id)[-1]
    assert (event.kind, event.actor_id) == ("interview.discarded", ivan.user_id)
    with pytest.raises(UserError, match="discarded"):
        services.interviews.answer(ivan, draft.id, "name_matches", "yes")
    # The database itself refuses to change a discarded draft.
    with pytest.raises(Exception, match="discarded draft"):
        services.station.db.execute("UPDATE interviews SET answers = '{}' WHERE id = ?",
                                    [draft.id])
    # The person can now be interviewed.
    assert services.interviews.start(ivan, "NK-100001").record.status == "draft"


def test_a_draft_under_way_is_not_discarded(roster_station):
    services, ivan, sup = (roster_station.services, roster_station.interviewer,
                           roster_station.supervisor)
    draft = services.interviews.start(ivan, "NK-100001")
    services.interviews.answer(ivan, draft.id, "present_persons", "Kim, interpreter")
    with pytest.raises(UserError, match="answers beyond 'Identity check'"):
        services.interviews.discard_draft(sup, draft.id, "wrong person")
    final = services.transcription.record(ivan, "NK-100002", {"answers": complete_answers()}, "t")
    with pytest.raises(RecordImmutable):
        services.interviews.discard_draft(ivan, final.id, "wrong person")
