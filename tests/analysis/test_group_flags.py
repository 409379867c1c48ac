"""The group flags on a synthetic camp (tests/analysis/synthetic_camp.py) of 2,000
interviews, in both staffing patterns: every planted pattern is flagged, and at most one
group flag is false."""

import pytest

from screening_app.analysis.group_flags import group_flags
from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
from screening_app.domain.review_flags import FlagSettings
from tests.analysis.synthetic_camp import (
    PRESSED,
    SKEWED,
    SKEWED_INTERPRETER,
    SKEWED_WITHIN,
    TIME_ZONE,
    make_camp,
)

SETTINGS = FlagSettings(time_zone=TIME_ZONE, skew_choice="repatriate")


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


PLANTED_NAMES = {SKEWED, SKEWED_WITHIN, SKEWED_INTERPRETER, PRESSED[0]}


def _names_planted(flag) -> set[str]:
    return {name for name in PLANTED_NAMES if name in flag.explanation}


@pytest.mark.parametrize("staffing", ["rotating", "fixed"])
def test_every_planted_pattern_is_flagged_and_at_most_one_flag_is_false(staffing):
    flags = group_flags(camp_records(make_camp(staffing)), SETTINGS)
    found = set().union(*(_names_planted(flag) for flag in flags))
    assert found == PLANTED_NAMES, [f.explanation for f in flags]
    false = [flag.explanation for flag in flags if not _names_planted(flag)]
    assert len(false) <= 1, false
    for flag in flags:
        assert flag.interview_ids and "q = " in flag.explanation or "no other day" in \
            flag.explanation
