"""Review flags on fixed data whose answers are known by hand or by exact arithmetic."""

from fractions import Fraction
from itertools import count
from math import comb

import pytest

from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
from screening_app.domain.review_flags import (
    FlagSettings,
    ReviewFlag,
    binomial_two_sided_p,
    format_duration,
    record_flags,
    skew_flags,
    step_durations,
    uniform_compound_flags,
)

SETTINGS = FlagSettings()
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


def exact_two_sided(k: int, n: int, p: Fraction) -> float:
    """The same test in exact rational arithmetic, independent of the log-gamma code."""
    probabilities = [comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return float(sum(q for q in probabilities if q <= probabilities[k]))


# -- binomial test --------------------------------------------------------------------------


def test_binomial_known_values():
    # 18 of 20 at p = 0.3: P(X >= 18) = 3.77e-08, and no outcome below the mean is as rare.
    assert binomial_two_sided_p(18, 20, 0.3) == pytest.approx(3.773088e-08, rel=1e-6)
    assert binomial_two_sided_p(5, 10, 0.5) == pytest.approx(1.0)
    assert binomial_two_sided_p(7, 20, 0.3) == pytest.approx(0.6294980, rel=1e-6)


@pytest.mark.parametrize(("k", "n", "p"), [(18, 20, "3/10"), (3, 20, "3/10"), (0, 15, "1/4"),
                                           (40, 60, "1/2"), (12, 30, "7/10")])
def test_binomial_matches_exact_arithmetic(k, n, p):
    assert binomial_two_sided_p(k, n, float(Fraction(p))) == pytest.approx(
        exact_two_sided(k, n, Fraction(p)), rel=1e-9
    )


def test_binomial_is_symmetric():
    assert binomial_two_sided_p(2, 10, 0.5) == pytest.approx(binomial_two_sided_p(8, 10, 0.5))
    assert binomial_two_sided_p(3, 20, 0.3) == pytest.approx(binomial_two_sided_p(17, 20, 0.7))


def test_binomial_large_counts_do_not_overflow():
    assert binomial_two_sided_p(1000, 2000, 0.5) == pytest.approx(1.0)
    tail = binomial_two_sided_p(1100, 2000, 0.5)
    assert 1e-6 < tail < 1e-5  # about 4.5 standard deviations from the mean
    assert binomial_two_sided_p(1800, 2000, 0.3) == 0.0  # underflows to zero, no error


def test_binomial_edge_cases():
    assert binomial_two_sided_p(0, 0, 0.3) == 1.0
    assert binomial_two_sided_p(0, 10, 0.0) == 1.0
    assert binomial_two_sided_p(1, 10, 0.0) == 0.0
    assert binomial_two_sided_p(10, 10, 1.0) == 1.0
    assert binomial_two_sided_p(9, 10, 1.0) == 0.0
    with pytest.raises(ValueError):
        binomial_two_sided_p(11, 10, 0.5)


# -- interviewer and interpreter skew -----------------------------------------------------


def camp_with(ivan_enlist: int, ivan_n: int = 20) -> list[InterviewRecord]:
    return (
        batch(ivan_n, ivan_enlist, interviewer="ivan", interpreter="Kim Li")
        + batch(50, 15, interviewer="olga", interpreter="Pak Su")
        + batch(50, 15, interviewer="sven", interpreter="Choe Han")
    )


def test_skewed_interviewer_is_flagged_with_figures():
    flags = [f for f in skew_flags(camp_with(18), SETTINGS) if f.kind == "interviewer_skew"]
    assert len(flags) == 1
    (flag,) = flags
    assert flag.interview_id is None
    assert "ivan recorded “enlist” in 18 of 20 interviews (90%)" in flag.explanation
    assert "the rest of the camp 30 of 100 (30%)" in flag.explanation
    assert "p = 3.8e-08 (exact binomial test)" in flag.explanation


def test_ordinary_interviewer_is_not_flagged():
    assert skew_flags(camp_with(7), SETTINGS) == []


def test_interviewer_below_minimum_count_is_not_flagged():
    # 19 of 19 is as skewed as it gets, but 19 interviews are below the minimum of 20.
    flags = skew_flags(camp_with(19, ivan_n=19), SETTINGS)
    assert "interviewer_skew" not in kinds(flags)


def test_no_flag_when_the_rest_of_the_camp_is_too_small():
    records = batch(20, 20, interviewer="ivan") + batch(19, 0, interviewer="olga")
    assert skew_flags(records, SETTINGS) == []


def test_only_completed_interviews_count():
    stopped = [make_record(outcome=OutcomeStatus.NOT_COMPLETED, interviewer="ivan")
               for _ in range(30)]
    # ivan has 30 records but only 10 completed ones: below the minimum, no flag.
    records = batch(10, 10, interviewer="ivan") + stopped + batch(100, 30, interviewer="olga")
    assert "interviewer_skew" not in kinds(skew_flags(records, SETTINGS))


def test_skewed_interpreter_is_flagged_across_interviewers():
    # Kim Li interprets for two interviewers, 9 of 10 enlist with each; typed inconsistently.
    records = (
        batch(10, 9, interviewer="olga", interpreter="Kim Li")
        + batch(10, 9, interviewer="sven", interpreter="  kim  li ")
        + batch(50, 15, interviewer="olga", interpreter="Pak Su")
        + batch(50, 15, interviewer="sven", interpreter="Choe Han")
    )
    flags = skew_flags(records, SETTINGS)
    assert kinds(flags) == ["interpreter_skew"]
    assert "Interpreter Kim Li recorded “enlist” in 18 of 20 interviews (90%)" in (
        flags[0].explanation
    )
    assert "30 of 100 (30%)" in flags[0].explanation


def test_ordinary_interpreter_is_not_flagged():
    records = (
        batch(20, 7, interviewer="olga", interpreter="Kim Li")
        + batch(100, 30, interviewer="sven", interpreter="Pak Su")
    )
    assert skew_flags(records, SETTINGS) == []


# -- uniform compounds ---------------------------------------------------------------------


def test_uniform_compound_day_is_flagged():
    records = batch(16, 16, compound="76") + batch(16, 10, compound="62")
    flags = uniform_compound_flags(records, SETTINGS)
    assert len(flags) == 1
    assert flags[0].kind == "compound_uniform"
    assert flags[0].interview_id is None
    assert "compound 76 on 1952-04-10" in flags[0].explanation
    assert "16 of 16 completed interviews (100%) recorded “enlist”" in flags[0].explanation


def test_group_flags_list_their_interviews():
    uniform = batch(16, 16, compound="76")
    (flag,) = uniform_compound_flags(uniform + batch(16, 10, compound="62"), SETTINGS)
    assert flag.interview_ids == tuple(record.id for record in uniform)
    records = camp_with(18)
    (skew,) = [f for f in skew_flags(records, SETTINGS) if f.kind == "interviewer_skew"]
    assert sorted(skew.interview_ids) == sorted(r.id for r in records
                                                if r.interviewer_id == "id-ivan")


def test_a_compound_is_named_as_the_roster_names_it():
    (flag,) = uniform_compound_flags(batch(16, 16, compound="Compound 76"), SETTINGS)
    assert flag.explanation.startswith("In Compound 76 on 1952-04-10 (UTC), 16 of 16")


def test_mixed_compound_day_is_not_flagged():
    assert uniform_compound_flags(batch(16, 10, compound="62"), SETTINGS) == []


def test_compound_days_are_counted_separately_in_utc():
    # 8 on each of two UTC days: neither day reaches 15, even though the compound has 16.
    day_one = batch(8, 8, started_at="1952-04-10T23:50:00.000Z")
    day_two = batch(8, 8, started_at="1952-04-11T00:10:00.000Z")
    assert uniform_compound_flags(day_one + day_two, SETTINGS) == []


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
    skewed = [f for f in skew_flags(camp_with(18), SETTINGS, labels)
              if f.kind == "interviewer_skew"]
    assert skewed[0].explanation.startswith("Interviewer Lt. I. Petrov recorded “enlist”")
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
    assert {"short_interview", "transcribed", "interviewer_skew", "compound_uniform"} <= raised
    assert raised <= set(review_flags.FLAG_TITLES)
