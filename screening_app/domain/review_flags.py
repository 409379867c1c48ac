"""Automatic review flags: reasons a supervisor should look twice at an interview, or at
a pattern across many.

A flag is never a verdict. Each one carries one plain sentence with the figures behind it,
so the supervisor can judge whether the pattern means coercion, coaching or a rushed team,
or is just chance. The historic screening went wrong through compound leaders pressing
whole compounds, interpreters with divided loyalties and hurried interviews; the group
flags below look for exactly those patterns in the recorded choices.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from screening_app.domain.canonical import parse_timestamp
from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewRecord, OutcomeStatus

STEP_ENTERED_EVENT = "interview.step_entered"

# Two probabilities closer than this relative margin count as equal when the two-sided
# test collects outcomes "at most as likely as the one observed"; without it, rounding in
# the log-gamma sums would drop outcomes that are exactly as likely (R's binom.test does
# the same).
_RELATIVE_TIE_MARGIN = 1e-7

_PROTOCOL_FLAG_SENTENCES = {
    "identity_mismatch": "An answer at the identity check did not match the roster.",
    "coercion_reported": "The person reported threats, marks or pressure at the coercion screen.",
    "coached": "The person said that someone had told them what to answer.",
}


# What a list shows for each flag this module raises (a flag the protocol raises is shown
# by the protocol's own label, which the review service looks up).
FLAG_TITLES = {
    "short_interview": "Short interview",
    "short_explanation": "Short explanation",
    "firmness_mismatch": "Different answer at the read-back",
    "transcribed": "Transcribed from paper",
    "printed_often": "Printed often",
    "outcome_changed": "Choice differs from the last interview",
    "interviewer_skew": "Interviewer's choices skewed",
    "interpreter_skew": "Interpreter's choices skewed",
    "compound_uniform": "Compound answered as one",
}


@dataclass(frozen=True)
class ReviewFlag:
    kind: str
    interview_id: str | None  # None for flags about a group of interviews
    explanation: str
    title: str = ""  # a few words for lists; the explanation says the rest
    # A group flag's interviews (the interviewer's, the interpreter's, the compound-day's),
    # so that a supervisor can list them.
    interview_ids: tuple[str, ...] = ()

    @property
    def shown_title(self) -> str:
        return self.title or FLAG_TITLES.get(self.kind) or self.kind.replace("_", " ")


@dataclass(frozen=True)
class FlagSettings:
    minimum_duration_seconds: int = 420
    minimum_explanation_seconds: int = 120
    max_prints: int = 2
    skew_min_interviews: int = 20
    skew_alpha: float = 0.001
    uniform_min_interviews: int = 15
    uniform_share: float = 0.95
    explanation_step: str = "explanation"
    skew_choice: str = "enlist"
    # How people read a choice and a protocol flag: the protocol's labels by id (the
    # service fills them in); an id without a label is shown as it is.
    choice_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    flag_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


# -- one interview -------------------------------------------------------------------------


def record_flags(
    record: InterviewRecord,
    step_seconds: Mapping[str, float],
    print_count: int,
    earlier: Sequence[InterviewRecord],
    settings: FlagSettings,
    interviewer_labels: Mapping[str, str] | None = None,
    paper_gave_times: bool = False,
) -> list[ReviewFlag]:
    """Flags for one interview. ``step_seconds`` comes from ``step_durations``; ``earlier``
    may hold any records, and only completed interviews of the same person that started
    before this one are compared with it. ``interviewer_labels`` gives, by interviewer id,
    the name people read (display name); without one the record's login name is used.
    A transcribed interview was not timed as it happened: its steps took the seconds of
    typing it in, so only the paper's own duration is checked, where the paper gave its
    start and end (``paper_gave_times``)."""
    flags: list[ReviewFlag] = []

    def flag(kind: str, explanation: str) -> None:
        flags.append(ReviewFlag(kind, record.id, explanation))

    completed = _is_completed(record)
    # A stopped interview is short by nature (no privacy, no interpreter...), so the timing
    # flags only speak about interviews that reached a choice.
    timed = not record.transcribed or paper_gave_times
    if completed and timed and record.ended_at is not None:
        duration = _seconds_between(record, record.started_at, record.ended_at)
        if duration < settings.minimum_duration_seconds:
            flag(
                "short_interview",
                f"The interview took {format_duration(duration)}; "
                f"the protocol's minimum is {format_duration(settings.minimum_duration_seconds)}.",
            )
    # No step timings at all means the interview was not timed (a transcribed paper form,
    # or one from before steps were timed), which is not an explanation that took no time.
    if completed and step_seconds and not record.transcribed:
        explained = step_seconds.get(settings.explanation_step, 0.0)
        if explained < settings.minimum_explanation_seconds:
            minimum = format_duration(settings.minimum_explanation_seconds)
            flag(
                "short_explanation",
                f"The neutral explanation was on screen for {format_duration(explained)}; "
                f"the protocol's minimum is {minimum}.",
            )
    if record.firmness_mismatch:
        flag(
            "firmness_mismatch",
            "When the choice was read back and asked again, the person's answer differed "
            f"from the first one (recorded choice: {_quoted(record.choice, settings)}).",
        )
    for protocol_flag in dict.fromkeys(record.flags):
        label = settings.flag_labels.get(protocol_flag, protocol_flag)
        flag(
            protocol_flag,
            _PROTOCOL_FLAG_SENTENCES.get(
                protocol_flag, f"The protocol raised the flag “{label}” in this interview."
            ),
        )
    if record.transcribed:
        flag(
            "transcribed",
            "The record was transcribed from a paper form afterwards, "
            "so its times and answers were not captured during the interview.",
        )
    if print_count > settings.max_prints:
        flag(
            "printed_often",
            f"The choice form was printed {print_count} times; "
            f"more than {settings.max_prints} prints is unusual.",
        )
    changed = _outcome_change(record, earlier, interviewer_labels or {}, settings)
    if changed is not None:
        flag("outcome_changed", changed)
    return flags


def _outcome_change(record: InterviewRecord, earlier: Sequence[InterviewRecord],
                    interviewer_labels: Mapping[str, str],
                    settings: FlagSettings) -> str | None:
    """The sentence for a re-interview whose choice differs from the person's most recent
    earlier completed interview, or None."""
    if not _is_completed(record):
        return None
    started = _moment(record, record.started_at)
    previous = [
        other
        for other in earlier
        if other.id != record.id
        and other.subject_isn == record.subject_isn
        and _is_completed(other)
        and _moment(other, other.started_at) < started
    ]
    if not previous:
        return None
    latest = max(previous, key=lambda other: _moment(other, other.started_at))
    if latest.choice == record.choice:
        return None
    return (
        f"This re-interview recorded {_quoted(record.choice, settings)}, but the person's previous "
        f"completed interview ({latest.id}, {latest.started_at[:10]}, "
        f"by {_interviewer(latest, interviewer_labels)}) recorded {_quoted(latest.choice, settings)}."
    )


def journal_steps(journal: Sequence[Mapping]) -> list[tuple[str, str, dict]]:
    """The steps a record's journal (InterviewRecord.journal) says were entered, in the
    shape of the history's ``interview.step_entered`` events that ``step_durations`` reads
    (records taken before the journal have those events instead)."""
    return [(STEP_ENTERED_EVENT, entry["at"], {"step": entry["step"]})
            for entry in journal if "question" not in entry]


def step_durations(
    events: Sequence[tuple[str, str, dict]], ended_at: str | None
) -> dict[str, float]:
    """Seconds spent on each step of one interview, from its events in the order they were
    recorded: each step runs from its ``interview.step_entered`` event to the next one, the
    last step to ``ended_at`` (not counted while the interview is still open). A step
    visited twice counts both visits."""
    entries: list[tuple[str, str]] = []
    for position, (kind, at, payload) in enumerate(events, start=1):
        if kind != STEP_ENTERED_EVENT:
            continue
        step = payload.get("step") if isinstance(payload, Mapping) else None
        if not isinstance(step, str) or not step:
            raise UserError(
                f"Event {position} ({STEP_ENTERED_EVENT} at {at}) does not name the step "
                "that was entered."
            )
        entries.append((step, at))
    boundaries = [at for _, at in entries[1:]] + [ended_at]
    totals: dict[str, float] = {}
    for (step, entered_at), left_at in zip(entries, boundaries, strict=True):
        if left_at is None:
            continue
        seconds = (_parse(left_at, "event time") - _parse(entered_at, "event time")).total_seconds()
        # A station clock set back during an interview gives a negative span; it says
        # nothing about the time on the step, so it counts as none rather than subtracting.
        totals[step] = totals.get(step, 0.0) + max(seconds, 0.0)
    return totals


# -- patterns across interviews -----------------------------------------------------------


def binomial_two_sided_p(successes: int, trials: int, p: float) -> float:
    """Exact two-sided binomial test: the probability, with ``trials`` tries of chance
    ``p``, of an outcome at most as likely as ``successes``. Log-gamma keeps large counts
    from overflowing."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"successes must be between 0 and trials, got {successes} of {trials}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability between 0 and 1, got {p}")
    if trials == 0:
        return 1.0
    if p == 0.0:
        return 1.0 if successes == 0 else 0.0
    if p == 1.0:
        return 1.0 if successes == trials else 0.0
    log_observed = _log_binomial_pmf(successes, trials, p)
    threshold = log_observed + math.log1p(_RELATIVE_TIE_MARGIN)
    total = 0.0
    for outcome in range(trials + 1):
        log_probability = _log_binomial_pmf(outcome, trials, p)
        if log_probability <= threshold:
            total += math.exp(log_probability)
    return min(1.0, total)


def _log_binomial_pmf(k: int, n: int, p: float) -> float:
    log_choose = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    return log_choose + k * math.log(p) + (n - k) * math.log1p(-p)


def skew_flags(records: Sequence[InterviewRecord], settings: FlagSettings,
               interviewer_labels: Mapping[str, str] | None = None) -> list[ReviewFlag]:
    """Interviewers, and separately interpreters, whose completed interviews record the
    skew choice (default "enlist") far more or far less often than everyone else's.
    Interviewers are named as ``interviewer_labels`` (by id) says, else by login name."""
    completed = [r for r in records if _is_completed(r)]
    labels = interviewer_labels or {}
    flags = _skew_by(
        completed,
        kind="interviewer_skew",
        key=lambda r: r.interviewer_id,
        label=lambda r: _interviewer(r, labels),
        settings=settings,
    )
    flags += _skew_by(
        completed,
        kind="interpreter_skew",
        key=_interpreter_key,
        label=lambda r: " ".join(str(r.answers["interpreter_name"]).split()),
        settings=settings,
    )
    return flags


def _interpreter_key(record: InterviewRecord) -> str | None:
    name = record.answers.get("interpreter_name")
    if not isinstance(name, str) or not name.strip():
        return None
    # Typed by hand at each interview: "Kim  Li" and "kim li" are the same person.
    return " ".join(name.split()).casefold()


def _skew_by(
    completed: Sequence[InterviewRecord],
    kind: str,
    key: Callable[[InterviewRecord], str | None],
    label: Callable[[InterviewRecord], str],
    settings: FlagSettings,
) -> list[ReviewFlag]:
    groups: dict[str, list[InterviewRecord]] = defaultdict(list)
    for record in completed:
        group = key(record)
        if group is not None:
            groups[group].append(record)
    total_chosen = _count_choice(completed, settings.skew_choice)
    choice = settings.skew_choice
    role = "interviewer" if kind == "interviewer_skew" else "interpreter"
    flags = []
    for group in sorted(groups):
        own = groups[group]
        n = len(own)
        rest_n = len(completed) - n
        if n < settings.skew_min_interviews or rest_n < settings.skew_min_interviews:
            continue
        k = _count_choice(own, choice)
        rest_k = total_chosen - k
        rest_share = rest_k / rest_n
        p_value = binomial_two_sided_p(k, n, rest_share)
        if p_value >= settings.skew_alpha:
            continue
        flags.append(
            ReviewFlag(
                kind,
                None,
                f"{role.capitalize()} {label(own[0])} recorded {_quoted(choice, settings)} in {k} of {n} "
                f"interviews ({k / n:.0%}); the rest of the camp {rest_k} of {rest_n} "
                f"({rest_share:.0%}); the chance of a difference this large is "
                f"p = {_format_p(p_value)} (exact binomial test).",
                interview_ids=tuple(record.id for record in own),
            )
        )
    return flags


def uniform_compound_flags(
    records: Sequence[InterviewRecord], settings: FlagSettings
) -> list[ReviewFlag]:
    """Compound-days on which nearly everyone made the same choice: what a compound looks
    like when its leaders tell everyone what to answer."""
    groups: dict[tuple[str, str], list[InterviewRecord]] = defaultdict(list)
    for record in records:
        compound = record.subject_snapshot.get("compound")
        if not _is_completed(record) or compound in (None, ""):
            continue
        day = _moment(record, record.started_at).date().isoformat()
        groups[(str(compound), day)].append(record)
    flags = []
    for compound, day in sorted(groups):
        group = groups[(compound, day)]
        n = len(group)
        if n < settings.uniform_min_interviews:
            continue
        counts = _choice_counts(group)
        choice, k = max(counts.items(), key=lambda item: (item[1], str(item[0])))
        if k / n < settings.uniform_share:
            continue
        flags.append(
            ReviewFlag(
                "compound_uniform",
                None,
                f"In {_compound_named(compound)} on {day} (UTC), {k} of {n} completed interviews "
                f"({k / n:.0%}) recorded {_quoted(choice, settings)}; a share of "
                f"{settings.uniform_share:.0%} or more is flagged.",
                interview_ids=tuple(record.id for record in group),
            )
        )
    return flags


# -- helpers -------------------------------------------------------------------------------


def _compound_named(compound: str) -> str:
    """The compound as the roster names it ("Compound 76"), said as a compound when the
    roster gives a bare number ("compound 76"), never "compound Compound 76"."""
    return compound if compound.casefold().startswith("compound") else f"compound {compound}"


def _interviewer(record: InterviewRecord, labels: Mapping[str, str]) -> str:
    """The interviewer as people read the name: the display name when known."""
    return labels.get(record.interviewer_id) or record.interviewer_name or record.interviewer_id


def format_duration(seconds: float) -> str:
    """'3 min 10 s', '7 min', '45 s': how a person would say it."""
    whole = int(round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes == 0:
        return f"{rest} s"
    if rest == 0:
        return f"{minutes} min"
    return f"{minutes} min {rest} s"


def _format_p(p_value: float) -> str:
    if p_value >= 0.001:
        return f"{p_value:.3f}"
    return f"{p_value:.1e}"


def _is_completed(record: InterviewRecord) -> bool:
    return record.outcome == OutcomeStatus.COMPLETED


def _count_choice(records: Iterable[InterviewRecord], choice: str) -> int:
    return sum(1 for r in records if r.choice == choice)


def _choice_counts(records: Iterable[InterviewRecord]) -> dict[str | None, int]:
    counts: dict[str | None, int] = defaultdict(int)
    for record in records:
        counts[record.choice] += 1
    return counts


def _quoted(choice: str | None, settings: FlagSettings) -> str:
    return "no choice" if choice is None else f"“{settings.choice_labels.get(choice, choice)}”"


def _seconds_between(record: InterviewRecord, start: str, end: str) -> float:
    return (_moment(record, end) - _moment(record, start)).total_seconds()


def _moment(record: InterviewRecord, text: str) -> datetime:
    return _parse(text, f"time in interview {record.id}")


def _parse(text: str, what: str) -> datetime:
    """A timestamp as an aware UTC moment; one written without a zone is taken as UTC,
    which is how the app writes them."""
    try:
        moment = parse_timestamp(text)
    except (TypeError, ValueError, AttributeError):
        raise UserError(f"The {what} is not a readable timestamp: {text!r}.") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
