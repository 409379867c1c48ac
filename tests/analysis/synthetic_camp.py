"""A synthetic camp to try the group flags on: seeded, with compounds whose base rates
differ, two ways of staffing, and planted patterns (issue 13's measurements).

A camp is a plan (who interviewed whom, where, when, and what the person chose); tests
turn it into records directly (tests/analysis/test_group_flags.py) or take it through the
services (tests/analysis/test_camp_through_services.py).
"""

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

LOCAL_OFFSET = timedelta(hours=9)  # the camp works 08:00-17:00 at UTC+9: across UTC's midnight
TIME_ZONE = "Asia/Seoul"


@dataclass(frozen=True)
class CampShape:
    interviews: int
    interviewers: int
    interpreters: int
    rates: tuple[float, ...]  # each compound's base rate of choosing repatriation
    days: int
    skewed: int  # an interviewer shifted everywhere
    skewed_within: int  # an interviewer shifted only in the two compounds with the lowest
    # rates, where they mostly work
    skewed_interpreter: int
    pressed: tuple[int, int]  # (compound, day) on which nearly everyone chose repatriation
    # The shifts, in log-odds (+1.5 takes a compound's 40 % to 75 %).
    skewed_effect: float = 2.0
    within_effect: float = 1.5
    interpreter_effect: float = 1.5


# The camp of issue 13's measurements: 2,000 interviews, 20 interviewers, 10 interpreters,
# 8 compounds from 40 % to 85 %.
LARGE = CampShape(2000, 20, 10, (0.40, 0.47, 0.53, 0.60, 0.66, 0.72, 0.79, 0.85), days=5,
                  skewed=3, skewed_within=11, skewed_interpreter=7, pressed=(3, 3))
# A smaller one, in the same proportions, that the services take through in a minute.
# With half the interviews each person has there, the planted shifts are larger.
MEDIUM = CampShape(720, 12, 6, (0.40, 0.50, 0.60, 0.70, 0.78, 0.85), days=3, skewed=5,
                   skewed_within=7, skewed_interpreter=4, pressed=(3, 1), skewed_effect=2.5,
                   within_effect=2.5, interpreter_effect=2.0)


@dataclass(frozen=True)
class PlannedInterview:
    interviewer: str
    interpreter: str
    compound: str
    started_at: str
    ended_at: str
    choice: str  # "repatriate" or "enlist"


@dataclass
class Camp:
    staffing: str
    interviews: list[PlannedInterview] = field(default_factory=list)
    # What was planted, by the name a flag gives it: interviewers, interpreter, compound.
    planted: dict[str, str] = field(default_factory=dict)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def interviewer_name(number: int) -> str:
    return f"interviewer-{number:02d}"


def make_camp(staffing: str, shape: CampShape = LARGE, seed: int = 1952) -> Camp:
    """``staffing``: "rotating" (any interpreter with any interviewer) or "fixed" (each
    interviewer keeps one interpreter; each interpreter works with two interviewers)."""
    rng = random.Random(f"{seed}-{staffing}")
    compounds = [f"Compound {60 + n}" for n in range(len(shape.rates))]
    rates = dict(zip(compounds, shape.rates, strict=True))
    interviewers = [interviewer_name(n) for n in range(shape.interviewers)]
    interpreters = [f"interpreter-{n:02d}" for n in range(shape.interpreters)]
    camp = Camp(staffing, planted={
        "skewed interviewer": interviewers[shape.skewed],
        "interviewer skewed within his compounds": interviewers[shape.skewed_within],
        "skewed interpreter": interpreters[shape.skewed_interpreter],
        "pressed compound-day": compounds[shape.pressed[0]]})
    count = len(compounds)
    start = datetime(1952, 4, 14, 8, 0, tzinfo=UTC) - LOCAL_OFFSET  # 08:00 local
    for number in range(shape.interviews):
        index = number % len(interviewers)
        interviewer = interviewers[index]
        # Each interviewer works mostly in two compounds; the one skewed within his
        # compounds works where few choose repatriation.
        home = (0, 1) if index == shape.skewed_within else (index % count,
                                                             (index + 3) % count)
        compound = compounds[rng.choice(home) if rng.random() < 0.8 else rng.randrange(count)]
        interpreter = (interpreters[index // 2] if staffing == "fixed"
                       else rng.choice(interpreters))
        day = number * shape.days // shape.interviews
        started = start + timedelta(days=day, minutes=rng.randrange(9 * 60))
        logit = _logit(rates[compound])
        if index == shape.skewed:
            logit += shape.skewed_effect
        if index == shape.skewed_within and compound in compounds[:2]:
            logit += shape.within_effect
        if interpreter == interpreters[shape.skewed_interpreter]:
            logit += shape.interpreter_effect
        if (compounds.index(compound), day) == shape.pressed:
            logit = _logit(0.99)
        chose_repatriation = rng.random() < 1 / (1 + math.exp(-logit))
        camp.interviews.append(PlannedInterview(
            interviewer, interpreter, compound, _stamp(started),
            _stamp(started + timedelta(minutes=25)),
            "repatriate" if chose_repatriation else "enlist"))
    return camp


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
