"""Automatic review flags: reasons a supervisor should look twice at an interview, or at
a pattern across many.

A flag is never a verdict. Each one carries one plain sentence with the figures behind it,
so the supervisor can judge whether the pattern means coercion, coaching or a rushed team,
or is just chance. The historic screening went wrong through compound leaders pressing
whole compounds, interpreters with divided loyalties and hurried interviews; the group
flags below look for exactly those patterns in the recorded choices.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from screening_app.domain.canonical import parse_timestamp
from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewRecord, OutcomeStatus
from screening_app.domain.messages import N_, _

STEP_ENTERED_EVENT = "interview.step_entered"

# What a list shows for each flag this module raises, in the message language where shown
# (a flag the protocol raises is shown by the protocol's own label, which the review
# service looks up).
FLAG_TITLES = {
    "short_interview": N_("Short interview"),
    "short_explanation": N_("Short explanation"),
    "firmness_mismatch": N_("Different answer at the read-back"),
    "transcribed": N_("Transcribed from paper"),
    "printed_often": N_("Printed often"),
    "outcome_changed": N_("Choice differs from the last interview"),
    "interviewer_skew": N_("Interviewer's choices skewed"),
    "interpreter_skew": N_("Interpreter's choices skewed"),
    "team_skew": N_("Interviewer and interpreter's choices skewed"),
    "compound_uniform": N_("Compound answered as one"),
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
        if self.title:
            return self.title
        if self.kind in FLAG_TITLES:
            return _(FLAG_TITLES[self.kind])
        return self.kind.replace("_", " ")


@dataclass(frozen=True)
class FlagSettings:
    minimum_duration_seconds: int = 420
    minimum_explanation_seconds: int = 120
    max_prints: int = 2
    skew_min_interviews: int = 20
    # A group is flagged when its Benjamini-Hochberg q-value is below ``group_q`` and its
    # share differs from what others in the same compounds recorded by at least
    # ``group_min_shift`` percentage points (analysis/group_flags.py).
    group_q: float = 0.05
    group_min_shift: float = 10.0
    uniform_min_interviews: int = 15
    uniform_share: float = 0.95  # for a compound interviewed on one day only
    time_zone: str = "UTC"  # the station's: days are grouped and shown as local days
    # The protocol's (services/reviews.protocol_flag_settings fills them in): the step the
    # explanation's minimum is measured on, and the choice whose share the pattern tests
    # count. Without them, neither is tested.
    explanation_step: str | None = None
    skew_choice: str | None = None
    # How people read a choice and a protocol flag: the protocol's labels by id (the
    # service fills them in); an id without a label is shown as it is.
    choice_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    flag_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    # The sentence a protocol flag is explained with, where the protocol gives one.
    flag_explanations: Mapping[str, str] = field(default_factory=dict, compare=False,
                                                 hash=False)


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
            flag("short_interview", _(
                "The interview took {duration}; the protocol's minimum is {minimum}.").format(
                duration=format_duration(duration),
                minimum=format_duration(settings.minimum_duration_seconds)))
    # No step timings at all means the interview was not timed (a transcribed paper form,
    # or one from before steps were timed), which is not an explanation that took no time.
    if completed and step_seconds and not record.transcribed \
            and settings.explanation_step is not None:
        explained = step_seconds.get(settings.explanation_step, 0.0)
        if explained < settings.minimum_explanation_seconds:
            flag("short_explanation", _(
                "The neutral explanation was on screen for {duration}; the protocol's"
                " minimum is {minimum}.").format(
                duration=format_duration(explained),
                minimum=format_duration(settings.minimum_explanation_seconds)))
    if record.firmness_mismatch:
        flag("firmness_mismatch", _(
            "When the choice was read back and asked again, the person's answer differed"
            " from the first one (recorded choice: {choice}).").format(
            choice=quoted_choice(record.choice, settings)))
    for protocol_flag in dict.fromkeys(record.flags):
        label = settings.flag_labels.get(protocol_flag, protocol_flag)
        flag(
            protocol_flag,
            settings.flag_explanations.get(protocol_flag)
            or _("The protocol raised the flag “{label}” in this interview.").format(
                label=label),
        )
    if record.transcribed:
        flag("transcribed", _(
            "The record was transcribed from a paper form afterwards, so its times and"
            " answers were not captured during the interview."))
    if print_count > settings.max_prints:
        flag("printed_often", _(
            "The choice form was printed {count} times; more than {maximum} prints is"
            " unusual.").format(count=print_count, maximum=settings.max_prints))
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
    return _(
        "This re-interview recorded {choice}, but the person's previous completed interview"
        " ({interview}, {day}, by {interviewer}) recorded {previous}.").format(
        choice=quoted_choice(record.choice, settings), interview=latest.id,
        day=local_day(latest, ZoneInfo(settings.time_zone)),
        interviewer=interviewer_label(latest, interviewer_labels),
        previous=quoted_choice(latest.choice, settings))


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


# -- patterns across interviews -------------------------------------------------------------
# Tested in analysis/group_flags.py (statsmodels and scipy, which this package does not
# import); the helpers below name things the same way in both.


# -- helpers -------------------------------------------------------------------------------


def compound_named(compound: str) -> str:
    """The compound as the roster names it ("Compound 76"), said as a compound when the
    roster gives a bare number ("compound 76"), never "compound Compound 76"."""
    if compound.casefold().startswith("compound"):
        return compound
    return _("compound {compound}").format(compound=compound)


def interviewer_label(record: InterviewRecord, labels: Mapping[str, str]) -> str:
    """The interviewer as people read the name: the display name when known."""
    return labels.get(record.interviewer_id) or record.interviewer_name or record.interviewer_id


def format_duration(seconds: float) -> str:
    """'3 min 10 s', '7 min', '45 s': how a person would say it."""
    whole = int(round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes == 0:
        return _("{seconds} s").format(seconds=rest)
    if rest == 0:
        return _("{minutes} min").format(minutes=minutes)
    return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=rest)


def interpreter_key(name: object) -> str | None:
    """Who interpreted, as a group, from the name recorded (the protocol says which answer
    that is): typed by hand at each interview, so "Kim  Li" and "kim li" are the same
    person."""
    if not isinstance(name, str) or not name.strip():
        return None
    return " ".join(name.split()).casefold()


def tidy_name(name: object) -> str:
    return " ".join(str(name).split())


def local_day(record: InterviewRecord, zone: tzinfo) -> str:
    """The day the interview started, at the station (ISO date)."""
    return _moment(record, record.started_at).astimezone(zone).date().isoformat()


def format_p(p_value: float) -> str:
    if p_value >= 0.001:
        return f"{p_value:.3f}"
    return f"{p_value:.1e}"


def _is_completed(record: InterviewRecord) -> bool:
    return record.outcome == OutcomeStatus.COMPLETED


def quoted_choice(choice: str | None, settings: FlagSettings) -> str:
    if choice is None:
        return _("no choice")
    return _("“{choice}”").format(choice=settings.choice_labels.get(choice, choice))


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
