"""Review flags on fixed data whose answers are known by hand or by exact arithmetic."""

from itertools import count

import pytest

from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
from screening_app.domain.review_flags import (
    FlagSettings,
    ReviewFlag,
    format_duration,
    record_flags,
    step_durations,
)
from screening_app.protocol import default_protocol

SETTINGS = FlagSettings(
    explanation_step="explanation", skew_choice="enlist",
    # As services/reviews.protocol_flag_settings gives them from the default protocol.
    flag_explanations={flag.id: flag.explanation.en
                       for flag in default_protocol().flag_kinds if flag.explanation})
_ids = count(1)


def make_record(
    *,
    choice: str | None = "repatriate",
    outcome: OutcomeStatus | None = OutcomeStatus.COMPLETED,
    interviewer: str = "ivan",
    interpreter: str = "Kim Li",
    compound: str = "76",
    isn: str | None = None,
    started_at: str = "1952-04-10T08:00:00.000Z",
    ended_at: str | None = "1952-04-10T08:20:00.000Z",
    **fields,
) -> InterviewRecord:
    number = next(_ids)
    return InterviewRecord(
        id=f"int-{number}",
        station_id="station-1",
        subject_isn=isn or f"ISN-{number}",
        subject_snapshot={"compound": compound},
        protocol_sha256="0" * 64,
        protocol_id="unc-screening",
        protocol_version=1,
        option_order={},
        interviewer_id=f"id-{interviewer}",
        interviewer_name=interviewer,
        language="ko",
        status=InterviewStatus.FINAL,
        answers={"interpreter_name": interpreter},
        current_step=None,
        started_at=started_at,
        ended_at=ended_at,
        outcome=outcome,
        choice=choice if outcome == OutcomeStatus.COMPLETED else None,
        **fields,
    )


def batch(n: int, enlist: int, **fields) -> list[InterviewRecord]:
    return [
        make_record(choice="enlist" if i < enlist else "repatriate", **fields) for i in range(n)
    ]


def kinds(flags: list[ReviewFlag]) -> list[str]:
    return [f.kind for f in flags]


# -- step durations ------------------------------------------------------------------------


def test_step_durations_sum_each_step_until_the_next_one():
    events = [
        ("interview.step_entered", "1952-04-10T08:00:00.000Z", {"step": "identity"}),
        ("interview.answered", "1952-04-10T08:01:00.000Z", {"step": "identity"}),
        ("interview.step_entered", "1952-04-10T08:02:00.000Z", {"step": "explanation"}),
        ("interview.step_entered", "1952-04-10T08:03:00.000Z", {"step": "choice"}),
        ("interview.step_entered", "1952-04-10T08:04:00.000Z", {"step": "explanation"}),
        ("interview.step_entered", "1952-04-10T08:04:30.000Z", {"step": "choice"}),
    ]
    assert step_durations(events, "1952-04-10T08:10:00.000Z") == {
        "identity": 120.0,
        "explanation": 90.0,
        "choice": 390.0,
    }
    # While the interview is open, the step on screen has no end yet.
    assert step_durations(events, None) == {"identity": 120.0, "explanation": 90.0, "choice": 60.0}


def test_step_event_without_a_step_is_a_clear_error():
    events = [("interview.step_entered", "1952-04-10T08:00:00.000Z", {})]
    with pytest.raises(UserError, match="Event 1 .* does not name the step"):
        step_durations(events, "1952-04-10T08:10:00.000Z")


# -- flags on one interview ----------------------------------------------------------------


def test_careful_interview_has_no_flags():
    record = make_record()
    assert record_flags(record, {"explanation": 300.0}, 1, [], SETTINGS) == []


def test_short_interview():
    record = make_record(ended_at="1952-04-10T08:03:10.000Z")
    flags = record_flags(record, {}, 1, [], SETTINGS)
    assert flags == [
        ReviewFlag(
            "short_interview",
            record.id,
            "The interview took 3 min 10 s; the protocol's minimum is 7 min.",
        )
    ]


def test_stopped_interview_is_not_flagged_as_short():
    record = make_record(outcome=OutcomeStatus.NOT_COMPLETED, ended_at="1952-04-10T08:01:00.000Z")
    assert record_flags(record, {"explanation": 0.0}, 0, [], SETTINGS) == []


def test_short_explanation_from_step_durations():
    events = [
        ("interview.step_entered", "1952-04-10T08:00:00.000Z", {"step": "identity"}),
        ("interview.step_entered", "1952-04-10T08:05:00.000Z", {"step": "explanation"}),
        ("interview.step_entered", "1952-04-10T08:05:45.000Z", {"step": "choice"}),
    ]
    record = make_record()
    seconds = step_durations(events, record.ended_at)
    flags = record_flags(record, seconds, 1, [], SETTINGS)
    assert kinds(flags) == ["short_explanation"]
    assert "on screen for 45 s; the protocol's minimum is 2 min" in flags[0].explanation


def test_firmness_mismatch_and_protocol_flags():
    record = make_record(
        firmness_mismatch=True,
        flags=("coercion_reported", "coached", "coercion_reported", "identity_mismatch"),
    )
    flags = record_flags(record, {"explanation": 300.0}, 1, [], SETTINGS)
    assert kinds(flags) == ["firmness_mismatch", "coercion_reported", "coached",
                            "identity_mismatch"]
    assert all(f.interview_id == record.id for f in flags)
    assert "reported threats" in flags[1].explanation


def test_transcribed_record():
    flags = record_flags(make_record(transcribed=True), {}, 1, [], SETTINGS)
    assert kinds(flags) == ["transcribed"]


def test_printed_too_often():
    record = make_record()
    assert record_flags(record, {}, 2, [], SETTINGS) == []
    flags = record_flags(record, {}, 3, [], SETTINGS)
    assert flags == [
        ReviewFlag(
            "printed_often",
            record.id,
            "The choice form was printed 3 times; more than 2 prints is unusual.",
        )
    ]


def test_outcome_changed_on_re_interview():
    first = make_record(isn="ISN-7", choice="enlist", interviewer="olga")
    stopped = make_record(isn="ISN-7", outcome=OutcomeStatus.NOT_COMPLETED,
                          started_at="1952-04-11T08:00:00.000Z",
                          ended_at="1952-04-11T08:10:00.000Z")
    someone_else = make_record(isn="ISN-8", choice="repatriate")
    again = make_record(isn="ISN-7", choice="repatriate", supersedes_id=first.id,
                        started_at="1952-04-12T08:00:00.000Z",
                        ended_at="1952-04-12T08:20:00.000Z")
    flags = record_flags(again, {}, 1, [first, stopped, someone_else], SETTINGS)
    assert kinds(flags) == ["outcome_changed"]
    assert flags[0].explanation == (
        "This re-interview recorded “repatriate”, but the person's previous completed "
        f"interview ({first.id}, 1952-04-10, by olga) recorded “enlist”."
    )


def test_re_interview_with_same_choice_is_not_flagged():
    first = make_record(isn="ISN-9", choice="enlist")
    again = make_record(isn="ISN-9", choice="enlist", started_at="1952-04-12T08:00:00.000Z",
                        ended_at="1952-04-12T08:20:00.000Z")
    assert record_flags(again, {}, 1, [first], SETTINGS) == []


def test_unreadable_timestamp_is_a_clear_error():
    record = make_record(ended_at="yesterday")
    with pytest.raises(UserError, match=f"interview {record.id} is not a readable timestamp"):
        record_flags(record, {}, 1, [], SETTINGS)


def test_format_duration():
    assert format_duration(190) == "3 min 10 s"
    assert format_duration(420) == "7 min"
    assert format_duration(45.4) == "45 s"


def test_flags_name_interviewers_by_their_display_names():
    labels = {"id-ivan": "Lt. I. Petrov", "id-olga": "Lt. O. Sokolova"}
    first = make_record(isn="ISN-9", choice="enlist", interviewer="olga")
    again = make_record(isn="ISN-9", choice="repatriate", started_at="1952-04-12T08:00:00.000Z",
                        ended_at="1952-04-12T08:20:00.000Z")
    (changed,) = record_flags(again, {}, 1, [first], SETTINGS, labels)
    assert "by Lt. O. Sokolova) recorded “enlist”" in changed.explanation
    # An interviewer with no display name is named by the login name, as before.
    assert "by olga)" in record_flags(again, {}, 1, [first], SETTINGS, {})[0].explanation


def test_every_flag_this_module_raises_has_a_title():
    """A list shows a flag by its title: a new kind of flag must bring one."""
    import inspect
    import re

    from screening_app.domain import review_flags

    source = inspect.getsource(review_flags)
    raised = set(re.findall(r'flag\(\s*"(\w+)"', source)) | set(
        re.findall(r'kind="(\w+)"', source)) | set(re.findall(r'ReviewFlag\(\s*"(\w+)"', source))
    assert {"short_interview", "transcribed"} <= raised
    assert raised <= set(review_flags.FLAG_TITLES)
    from screening_app.analysis import group_flags

    assert {group_flags.INTERVIEWER, group_flags.INTERPRETER, group_flags.TEAM,
            group_flags.COMPOUND_DAY} <= set(review_flags.FLAG_TITLES)
