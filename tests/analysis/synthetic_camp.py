"""A synthetic camp to try the group flags on: seeded, with compounds whose base rates
differ, two ways of staffing, and planted patterns (issue 13's measurements).

A camp is a plan (who interviewed whom, where, when, and what the person chose); tests
turn it into records directly or take it through the services.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# Compound base rates of choosing repatriation, 40 % to 85 %.
COMPOUND_RATES = {f"Compound {60 + n}": rate
                  for n, rate in enumerate((0.40, 0.47, 0.53, 0.60, 0.66, 0.72, 0.79, 0.85))}
LOCAL_OFFSET = timedelta(hours=9)  # the camp works 08:00-17:00 at UTC+9: across UTC's midnight
TIME_ZONE = "Asia/Seoul"

SKEWED = "interviewer-03"  # +2 log-odds everywhere
SKEWED_WITHIN = "interviewer-11"  # +1.5 in low-rate compounds, where he mostly works
SKEWED_INTERPRETER = "interpreter-07"
PRESSED = ("Compound 63", 3)  # (compound, day number): nearly everyone chose repatriation


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
    planted: set[tuple[str, str]] = field(default_factory=set)  # (kind, key)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def make_camp(staffing: str, interviews: int = 2000, seed: int = 1952) -> Camp:
    """``staffing``: "rotating" (any interpreter with any interviewer) or "fixed" (each
    interviewer keeps one interpreter; each interpreter works with two interviewers)."""
    rng = random.Random(f"{seed}-{staffing}")
    compounds = list(COMPOUND_RATES)
    interviewers = [f"interviewer-{n:02d}" for n in range(20)]
    interpreters = [f"interpreter-{n:02d}" for n in range(10)]
    camp = Camp(staffing)
    camp.planted = {("interviewer", SKEWED), ("interviewer", SKEWED_WITHIN),
                    ("interpreter", SKEWED_INTERPRETER), ("compound_day", f"{PRESSED[0]}")}
    start = datetime(1952, 4, 14, 8, 0, tzinfo=UTC) - LOCAL_OFFSET  # 08:00 local
    for number in range(interviews):
        interviewer = interviewers[number % len(interviewers)]
        index = interviewers.index(interviewer)
        # Each interviewer works mostly in two compounds; the one skewed within his
        # compounds works where few choose repatriation.
        home = (0, 1) if interviewer == SKEWED_WITHIN else (index % 8, (index + 3) % 8)
        compound = compounds[rng.choice(home) if rng.random() < 0.8 else rng.randrange(8)]
        interpreter = (interpreters[index // 2] if staffing == "fixed"
                       else rng.choice(interpreters))
        day = number * 5 // interviews  # five working days
        minute = rng.randrange(9 * 60)
        started = start + timedelta(days=day, minutes=minute)
        logit = _logit(COMPOUND_RATES[compound])
        if interviewer == SKEWED:
            logit += 2.0
        if interviewer == SKEWED_WITHIN and compound in compounds[:2]:
            logit += 1.5
        if interpreter == SKEWED_INTERPRETER:
            logit += 1.5
        if (compound, day) == (PRESSED[0], PRESSED[1]):
            logit = _logit(0.99)
        chose_repatriation = rng.random() < 1 / (1 + math.exp(-logit))
        camp.interviews.append(PlannedInterview(
            interviewer, interpreter, compound, _stamp(started),
            _stamp(started + timedelta(minutes=25)),
            "repatriate" if chose_repatriation else "enlist"))
    return camp


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
