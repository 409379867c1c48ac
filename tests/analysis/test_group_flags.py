"""The group flags on a synthetic camp (tests/analysis/synthetic_camp.py) of 2,000
interviews, in both staffing patterns: every planted pattern is flagged, and at most one
group flag is false."""

import pytest

from screening_app.analysis.group_flags import group_flags
from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
from screening_app.domain.review_flags import FlagSettings
from tests.analysis.synthetic_camp import LARGE, TIME_ZONE, make_camp

SETTINGS = FlagSettings(time_zone=TIME_ZONE, skew_choice="repatriate")


def interpreter_of(record: InterviewRecord):
    """The answer that names the interpreter in these records (a station reads it by the
    protocol's role)."""
    return record.answers.get("interpreter_name")


def camp_records(camp) -> list[InterviewRecord]:
    return [InterviewRecord(
        id=f"{camp.staffing}-{n:05d}", station_id="TEST-01", subject_isn=f"NK-{n:06d}",
        subject_snapshot={"compound": planned.compound}, protocol_sha256="0" * 64,
        protocol_id="unc-screening", protocol_version=1, option_order={},
        interviewer_id=planned.interviewer, interviewer_name=planned.interviewer,
        language="ko", status=InterviewStatus.FINAL,
        answers={"interpreter_name": planned.interpreter}, current_step=None,
        started_at=planned.started_at, ended_at=planned.ended_at,
        finalised_at=planned.ended_at, outcome=OutcomeStatus.COMPLETED,
        choice=planned.choice) for n, planned in enumerate(camp.interviews)]


def planted_and_false(camp, flags) -> tuple[set[str], list[str]]:
    """The planted patterns some flag names (a group flag names its interviewer,
    interpreter or compound), and the flags that name none."""
    def names(flag) -> set[str]:
        return {what for what, name in camp.planted.items()
                if f"{name}:" in flag.explanation or f"{name} (" in flag.explanation
                or f"In {name} on" in flag.explanation}

    found = set().union(*(names(flag) for flag in flags))
    return found, [flag.explanation for flag in flags if not names(flag)]


@pytest.mark.parametrize("staffing", ["rotating", "fixed"])
def test_every_planted_pattern_is_flagged_and_at_most_one_flag_is_false(staffing):
    camp = make_camp(staffing, LARGE)
    flags = group_flags(camp_records(camp), SETTINGS, interpreter_of=interpreter_of)
    found, false = planted_and_false(camp, flags)
    assert found == set(camp.planted), [f.explanation for f in flags]
    assert len(false) <= 1, false
    for flag in flags:
        assert flag.interview_ids and "q = " in flag.explanation or "no other day" in \
            flag.explanation
