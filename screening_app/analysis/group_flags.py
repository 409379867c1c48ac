"""Flags about groups of interviews: an interviewer or an interpreter whose interviews
record one choice more often than others' in the same compounds, and a compound-day on
which people chose far more alike than on the compound's other days.

How each is tested (README, "The review's flags"):

1. Every interviewer and every interpreter with enough interviews is compared with the
   others in the same compounds (``stratified.compare``); every compound-day with enough
   interviews with the same compound's other days.
2. All of those tests together get Benjamini-Hochberg q-values; a group is a candidate when
   its q is below the station's level and its shift is at least the station's minimum (in
   percentage points), so that a tiny difference over thousands of interviews is not
   flagged; a compound-day only when people chose more alike than on other days.
3. An interviewer candidate is tested again against others who worked with the same
   interpreters in the same compounds, and an interpreter candidate against others who
   worked with the same interviewers: where the shift stays, the person is flagged ("not
   explained by ..."); where it goes over most of their interviews and a partner is a
   candidate too, it was the partner's. Otherwise (fixed teams, or too few to tell) one
   flag names the person and their partners, unless a partner's own shift was confirmed
   and explains it.
4. The most certain person flagged is set aside from "the others" and everything is tested
   again, one person at a time, so that a skewed colleague does not make the rest of a
   compound look skewed the other way.

With two outcomes a person is tested on one (the protocol's ``skew_option``: the other
is its complement, and gives the same test). With more, every outcome is tested at once
(``stratified.joint_p_value``: the multinomial analogue of the stratified test, one test
per person in the Benjamini-Hochberg family), and a person is flagged for the outcome
whose share moved the most; that outcome's share is what the sentence gives, and
what steps 3 and 4 test again."""

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass, replace
from zoneinfo import ZoneInfo

from screening_app.analysis.stratified import (
    Comparison,
    compare_tables,
    joint_p_value,
    q_values,
)
from screening_app.domain.interview import InterviewRecord, OutcomeStatus
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.domain.review_flags import (
    FlagSettings,
    ReviewFlag,
    compound_named,
    format_p,
    interpreter_key,
    interviewer_label,
    local_day,
    quoted_choice,
    tidy_name,
)

INTERVIEWER, INTERPRETER, COMPOUND_DAY = "interviewer_skew", "interpreter_skew", "compound_uniform"
TEAM = "team_skew"
# At most this many people are set aside from "the others", one at a time (below).
_MOST_SET_ASIDE = 8


@dataclass(frozen=True)
class GroupFacts:
    """What the group tests read of one finalised interview, and nothing else. Short enough
    to be kept between passes (sealed with the flags, services/reviews.py), so that a new
    record means opening that record, not every record again."""

    id: str
    interviewer_id: str
    interviewer_name: str
    compound: str
    started_at: str  # the day is its local day (review_flags.local_day)
    completed: bool  # reached a choice
    choice: str | None
    interpreter: str | None  # the name as read, or as the station's list names them

    @classmethod
    def of(cls, record: InterviewRecord, interpreter: object = None) -> "GroupFacts":
        return cls(record.id, record.interviewer_id, record.interviewer_name,
                   str(record.subject_snapshot.get("compound") or ""), record.started_at,
                   record.outcome == OutcomeStatus.COMPLETED, record.choice,
                   interpreter if isinstance(interpreter, str) else None)

    def as_json(self) -> list:
        return list(astuple(self))

    @classmethod
    def from_json(cls, content: Sequence) -> "GroupFacts":
        return cls(*content)


@dataclass
class _Test:
    kind: str
    key: str
    name: str
    records: list[GroupFacts]
    comparison: Comparison
    choice: str
    q: float = 1.0
    # For a compound-day: whether people chose more alike than on the compound's other
    # days (a day that differs by being less uniform is not what a pressed compound does).
    more_alike: bool = True


def group_flags(records: Sequence[InterviewRecord | GroupFacts], settings: FlagSettings,
                interviewer_labels: Mapping[str, str] | None = None,
                interpreter_of: Callable[[InterviewRecord], object] | None = None
                ) -> list[ReviewFlag]:
    """``records``: finalised interviews, or their facts as kept. ``interpreter_of`` reads
    the interpreter's name from a record (the protocol says which answer holds it); without
    it interpreters are not tested (facts carry their interpreter already)."""
    read_interpreter = interpreter_of or (lambda record: None)
    completed = [item if isinstance(item, GroupFacts)
                 else GroupFacts.of(item, read_interpreter(item)) for item in records]
    completed = [f for f in completed if f.completed and f.choice is not None]
    labels = interviewer_labels or {}
    zone = ZoneInfo(settings.time_zone)
    interpreters = {f.id: interpreter_key(f.interpreter) for f in completed}  # once each
    roles = {
        INTERVIEWER: (lambda f: f.interviewer_id, lambda f: interviewer_label(f, labels)),
        INTERPRETER: (lambda f: interpreters[f.id], lambda f: tidy_name(f.interpreter)),
    }
    choices = _tested_choices(completed, settings)
    days = _compound_days(completed, zone)
    day_tests = _compound_day_tests(days, settings)
    # The people tests count interviews by who took them, where, and what was chosen:
    # counted once into cells, every later pass goes over the cells, not the interviews.
    cells = _cells(completed, roles)
    groups = {kind: _groups(completed, key_of) for kind, (key_of, _) in roles.items()}
    # Step by step: a skewed interviewer raises the rate "others" show in the compounds
    # they work in, and so makes their colleagues there look skewed the other way. So the
    # most certain of the people flagged is set aside from "the others", and everyone is
    # compared again, until no one new is flagged.
    set_aside: set[tuple[str, str]] = set()
    for _round in range(_MOST_SET_ASIDE + 1):
        tests = [test for kind, (key_of, name_of) in roles.items()
                 for test in _role_tests(groups[kind], cells, kind, key_of, name_of,
                                         settings, _taken_by_none_of(set_aside, roles),
                                         choices)
                 ] + day_tests
        candidates = _candidates(tests, settings)
        flags, flagged = _people_flags([t for t in candidates if t.kind in roles], cells,
                                       roles, settings)
        new = [t for t in candidates if (t.kind, t.key) in flagged - set_aside]
        if not new:
            break
        set_aside.add(min((t.q, t.kind, t.key) for t in new)[1:])
    flags += [_compound_day_flag(t, settings) for t in candidates if t.kind == COMPOUND_DAY]
    flags += _uniform_single_days(days, settings)
    return flags


# -- the tests ------------------------------------------------------------------------------


def _tested_choices(completed, settings: FlagSettings) -> list[str]:
    """The outcomes a person's share is tested on: the protocol's skew option when the
    records hold two outcomes at most (one of them, when the skew option is not among
    them); each outcome when they hold more."""
    seen = sorted({record.choice for record in completed})
    if len(seen) > 2:
        return seen
    # Without the protocol's (protocol_flag_settings), no share is tested.
    if settings.skew_choice is None:
        return []
    if settings.skew_choice in seen or len(seen) < 2:
        return [settings.skew_choice]
    # Two outcomes of a protocol with more, neither of them the skew option (no one
    # returned home): one of them, whose complement the other is, tells the same.
    return seen[:1]


def _candidates(tests: list[_Test], settings: FlagSettings) -> list[_Test]:
    """The tests whose q-value (over all of them) is below the station's level and whose
    shift is at least its minimum; of one person's (several outcomes moving together),
    the surest."""
    for test, q in zip(tests, q_values([t.comparison.p_value for t in tests]), strict=True):
        test.q = q
    passing = [t for t in tests if t.q < settings.group_q and t.more_alike
               and abs(t.comparison.shift_points) >= settings.group_min_shift]
    surest: dict[tuple[str, str], _Test] = {}
    for test in passing:
        known = surest.get((test.kind, test.key))
        if known is None or (test.q, -abs(test.comparison.shift_points)) < (
                known.q, -abs(known.comparison.shift_points)):
            surest[(test.kind, test.key)] = test
    return [t for t in passing if surest[(t.kind, t.key)] is t]


def _taken_by_none_of(set_aside: set[tuple[str, str]], roles
                      ) -> Callable[[GroupFacts], bool]:
    """Whether an interview may stand for "the others": taken by no one set aside."""
    if not set_aside:
        return lambda record: True
    return lambda record: not any((kind, key_of(record)) in set_aside
                                  for kind, (key_of, _) in roles.items())


def _compound_of(facts: GroupFacts) -> str:
    return facts.compound


def _cells(completed: Sequence[GroupFacts], roles) -> list[tuple[GroupFacts, int]]:
    """The interviews counted by interviewer, interpreter, compound and choice: each cell
    one of its interviews (which stands for all of them in the tests) and how many."""
    counted: dict[tuple, list] = {}
    key_of = [key for key, _ in roles.values()]
    for facts in completed:
        cell = counted.setdefault((*(key(facts) for key in key_of), facts.compound,
                                   facts.choice), [facts, 0])
        cell[1] += 1
    return [(facts, count) for facts, count in counted.values()]


def _groups(completed: Sequence[GroupFacts], key_of) -> dict[str, list[GroupFacts]]:
    groups: dict[str, list[GroupFacts]] = defaultdict(list)
    for facts in completed:
        key = key_of(facts)
        if key is not None:
            groups[key].append(facts)
    return groups


def _role_tests(groups: dict[str, list[GroupFacts]], cells, kind, key_of, name_of, settings,
                may_compare, choices: list[str]) -> list[_Test]:
    """One test per person with enough interviews: of their share of the one outcome
    tested, or, with more than two outcomes, of every outcome at once (``joint_p_value``),
    named by the outcome whose share moved the most."""
    tables = {choice: _strata_tables(cells, key_of, _compound_of,
                                     lambda r, choice=choice: r.choice == choice, may_compare)
              for choice in choices}
    tests = []
    for key in sorted(groups):
        own = groups[key]
        if len(own) < settings.skew_min_interviews:
            continue
        compared = {choice: compare_tables(tables[choice](key)) for choice in choices}
        compared = {choice: c for choice, c in compared.items() if c is not None}
        if not compared:
            continue
        # The outcome whose share moved the most is the one named (of two that moved as
        # much, the one chosen more often).
        choice, comparison = max(compared.items(), key=lambda item: (
            round(abs(item[1].shift_points), 1), item[1].shift_points > 0, item[0]))
        if comparison.interviews < settings.skew_min_interviews:
            continue
        if len(choices) > 1:
            # The strata as every outcome's tables list them (in the same order): the
            # group's count of each outcome, and the others'.
            by_outcome = [tables[c](key) for c in choices]
            strata = [([t[i][0] for t in by_outcome], [t[i][2] for t in by_outcome])
                      for i in range(len(by_outcome[0]))]
            comparison = replace(comparison, p_value=joint_p_value(strata))
        tests.append(_Test(kind, key, name_of(own[0]), own, comparison, choice))
    return tests


def _strata_tables(cells, key_of, stratum_of, chose_of, may_compare
                   ) -> Callable[[str], list[list[int]]]:
    """In one pass over the cells: for any group, its table in each stratum (the group's
    interviews, chose and not; the others', among those ``may_compare`` lets stand for
    the others)."""
    own: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    allowed: dict = defaultdict(lambda: [0, 0])
    for facts, count in cells:
        stratum, chose, counts = stratum_of(facts), chose_of(facts), may_compare(facts)
        key = key_of(facts)
        if key is not None:
            cell = own[key][stratum]
            cell[0 if chose else 1] += count
            if counts:
                cell[2 if chose else 3] += count
        if counts:
            allowed[stratum][0 if chose else 1] += count

    def tables(key: str) -> list[list[int]]:
        return [[a, b, allowed[stratum][0] - a_counted, allowed[stratum][1] - b_counted]
                for stratum, (a, b, a_counted, b_counted) in own[key].items()]
    return tables


def _compound_days(completed, zone) -> dict[str, dict[str, list[GroupFacts]]]:
    days: dict[str, dict[str, list[GroupFacts]]] = defaultdict(lambda: defaultdict(list))
    for record in completed:
        compound = _compound_of(record)
        if compound:
            days[compound][local_day(record, zone)].append(record)
    return days


def _compound_day_tests(compound_days, settings) -> list[_Test]:
    tests = []
    for compound, days in sorted(compound_days.items()):
        if len(days) < 2:
            continue
        counted = {day: Counter(r.choice for r in group) for day, group in days.items()}
        everything = sum(counted.values(), Counter())
        for day, group in sorted(days.items()):
            if len(group) < settings.uniform_min_interviews:
                continue
            choice = _most_chosen(group)
            chose, others = counted[day][choice], everything - counted[day]
            others_n = sum(others.values())
            comparison = compare_tables([[chose, len(group) - chose, others[choice],
                                          others_n - others[choice]]])
            if comparison is not None:
                usual = max(others.values()) / others_n
                tests.append(_Test(COMPOUND_DAY, f"{compound}\n{day}", f"{compound}\n{day}",
                                   group, comparison, choice,
                                   more_alike=comparison.share > usual))
    return tests


def _most_chosen(group: Sequence[GroupFacts]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for record in group:
        counts[record.choice] += 1
    return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


# -- interviewers and interpreters: who made the difference ----------------------------------


def _people_flags(candidates: list[_Test], cells, roles, settings
                  ) -> tuple[list[ReviewFlag], set[tuple[str, str]]]:
    """The flags about interviewers and interpreters, and whom they flag."""
    partner_kind = {INTERVIEWER: INTERPRETER, INTERPRETER: INTERVIEWER}
    # Each candidate tested again within its partners: an interviewer against others with
    # the same interpreter in the same compound, an interpreter likewise.
    rechecked: dict[tuple[str, str], Comparison | None] = {}
    within = {(kind, choice): _strata_tables(
        cells, roles[kind][0],
        lambda r, partner_of=roles[partner_kind[kind]][0]: (_compound_of(r), partner_of(r)),
        lambda r, choice=choice: r.choice == choice, lambda r: True)
        for kind, choice in {(t.kind, t.choice) for t in candidates}}
    for test in candidates:
        rechecked[(test.kind, test.key)] = compare_tables(
            within[(test.kind, test.choice)](test.key))
    least = max(2, settings.skew_min_interviews // 2)

    def informative(comparison: Comparison | None) -> bool:
        return comparison is not None and comparison.interviews >= least \
            and comparison.others >= least

    def confirmed(test: _Test) -> bool:
        again = rechecked[(test.kind, test.key)]
        return informative(again) and again.p_value < settings.group_q \
            and abs(again.shift_points) >= settings.group_min_shift \
            and again.shift_points * test.comparison.shift_points > 0

    def followed_partners(test: _Test) -> bool:
        """Among the same partners the shift (mostly) goes, over at least half of the
        group's interviews: it was theirs. (A comparison over a few of them is too
        uncertain to overturn the first.)"""
        again = rechecked[(test.kind, test.key)]
        return informative(again) and abs(again.shift_points) < settings.group_min_shift / 2 \
            and again.interviews >= test.comparison.interviews / 2

    flags, teams_named, flagged = [], set(), set()
    for test in candidates:
        again = rechecked[(test.kind, test.key)]
        if confirmed(test):
            flags.append(_person_flag(test, again, settings))
            flagged.add((test.kind, test.key))
            continue
        partner_role = roles[partner_kind[test.kind]]
        partners = _partners(test, partner_role[0])
        partner_tests = [t for t in candidates if t.kind == partner_kind[test.kind]
                         and t.key in partners]
        if followed_partners(test) and partner_tests:
            continue  # the shift is a partner's, whose own comparison shows it
        explaining = {t.key for t in partner_tests if confirmed(t)}
        if explaining and _explained(test, explaining, roles, partner_role[0], cells,
                                     settings, least):
            continue  # by partners whose own shift is confirmed, and flagged
        team = {(test.kind, test.key)} | {(t.kind, t.key) for t in partner_tests
                                          if not followed_partners(t)}
        if team & teams_named:
            continue  # the same team, already named from its other side
        teams_named |= team
        flags.append(_team_flag(test, partners, partner_role[1], settings))
        flagged |= team
    return flags, flagged


def _explained(test: _Test, explaining: set[str], roles, partner_of: Callable, cells,
               settings: FlagSettings, least: int) -> bool:
    """Whether the group's shift goes once its interviews with ``explaining`` partners
    are left out."""
    key_of = roles[test.kind][0]
    tables: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for facts, count in cells:
        in_group = key_of(facts) == test.key
        if in_group and partner_of(facts) in explaining:
            continue
        tables[_compound_of(facts)][(0 if in_group else 2)
                                    + (0 if facts.choice == test.choice else 1)] += count
    rest = compare_tables(tables.values())
    return rest is None or rest.interviews < least \
        or abs(rest.shift_points) < settings.group_min_shift / 2


def _partners(test: _Test, partner_of: Callable) -> dict[str, list[GroupFacts]]:
    """The partners (interpreters of an interviewer, or interviewers of an interpreter)
    the group worked with, and the interviews with each, most first."""
    together: dict[str, list[GroupFacts]] = defaultdict(list)
    for record in test.records:
        key = partner_of(record)
        if key is not None:
            together[key].append(record)
    return dict(sorted(together.items(), key=lambda item: (-len(item[1]), item[0])))


# -- sentences ------------------------------------------------------------------------------

# Each sentence whole, per role, so that a translator words it as one (domain/messages.py).
_FIGURES = {
    INTERVIEWER: N_("{share} {choice} in {interviews} interviews; {expected} for other"
                   " interviewers in the same compounds ({others} interviews); shift {shift}"
                   " points, q = {q}"),
    INTERPRETER: N_("{share} {choice} in {interviews} interviews; {expected} for other"
                   " interpreters in the same compounds ({others} interviews); shift {shift}"
                   " points, q = {q}"),
}
_NOT_EXPLAINED = {
    INTERVIEWER: N_("Interviewer {name}: {figures}. Not explained by the interpreters they"
                   " worked with: with the same interpreters, others recorded {expected}"
                   " where they recorded {share}."),
    INTERPRETER: N_("Interpreter {name}: {figures}. Not explained by the interviewers they"
                   " worked with: with the same interviewers, others recorded {expected}"
                   " where they recorded {share}."),
}
# (one partner, several partners)
_CANNOT_TELL = {
    INTERVIEWER: (N_("Interviewer {name}: {figures}. They worked with interpreter {partners}:"
                    " these records cannot tell whether the difference is theirs or their"
                    " interpreter's."),
                  N_("Interviewer {name}: {figures}. They worked with interpreters {partners}:"
                    " these records cannot tell whether the difference is theirs or their"
                    " interpreter's.")),
    INTERPRETER: (N_("Interpreter {name}: {figures}. They worked with interviewer {partners}:"
                    " these records cannot tell whether the difference is theirs or their"
                    " interviewer's."),
                  N_("Interpreter {name}: {figures}. They worked with interviewers {partners}:"
                    " these records cannot tell whether the difference is theirs or their"
                    " interviewer's.")),
}


def _percent(share: float) -> str:
    return f"{share:.0%}"


def _figures(test: _Test, settings: FlagSettings) -> str:
    c = test.comparison
    return _(_FIGURES[test.kind]).format(
        share=_percent(c.share), choice=quoted_choice(test.choice, settings),
        interviews=c.interviews, expected=_percent(c.expected_share), others=c.others,
        shift=f"{c.shift_points:+.0f}", q=format_p(test.q))


def _person_flag(test: _Test, again: Comparison, settings: FlagSettings) -> ReviewFlag:
    return ReviewFlag(
        test.kind, None,
        _(_NOT_EXPLAINED[test.kind]).format(
            name=test.name, figures=_figures(test, settings),
            expected=_percent(again.expected_share), share=_percent(again.share)),
        interview_ids=tuple(r.id for r in test.records))


def _team_flag(test: _Test, partners: dict[str, list[GroupFacts]], partner_name,
               settings: FlagSettings) -> ReviewFlag:
    named = [_("{name} ({interviews})").format(name=partner_name(records[0]),
                                              interviews=len(records))
             for records in list(partners.values())[:3]]
    listed = _(", ").join(named)
    more = len(partners) - len(named)
    if more > 0:
        listed = _("{names} and {more} more").format(names=listed, more=more)
    one, several = _CANNOT_TELL[test.kind]
    return ReviewFlag(
        TEAM, None,
        _(one if len(partners) == 1 else several).format(
            name=test.name, figures=_figures(test, settings), partners=listed),
        interview_ids=tuple(r.id for r in test.records))


def _compound_day_flag(test: _Test, settings: FlagSettings) -> ReviewFlag:
    compound, day = test.key.split("\n")
    c = test.comparison
    return ReviewFlag(
        COMPOUND_DAY, None,
        _("In {compound} on {day}, {chose} of {interviews} completed interviews ({share})"
          " recorded {choice}; {expected} on the compound's other days ({others}"
          " interviews); q = {q}.").format(
            compound=compound_named(compound), day=day, chose=c.chose,
            interviews=c.interviews, share=_percent(c.share),
            choice=quoted_choice(test.choice, settings),
            expected=_percent(c.expected_share), others=c.others, q=format_p(test.q)),
        interview_ids=tuple(r.id for r in test.records))


def _uniform_single_days(compound_days, settings) -> list[ReviewFlag]:
    """A compound interviewed on one day only has no other day to compare with: there the
    day is flagged when nearly everyone chose alike."""
    flags = []
    for compound, days in sorted(compound_days.items()):
        if len(days) != 1:
            continue
        ((day, group),) = days.items()
        choice = _most_chosen(group)
        chose = sum(1 for r in group if r.choice == choice)
        if len(group) < settings.uniform_min_interviews or chose / len(group) < \
                settings.uniform_share:
            continue
        flags.append(ReviewFlag(
            COMPOUND_DAY, None,
            _("In {compound} on {day}, {chose} of {interviews} completed interviews"
              " ({share}) recorded {choice}; the compound was interviewed on no other day,"
              " and a share of {threshold} or more is flagged.").format(
                compound=compound_named(compound), day=day, chose=chose,
                interviews=len(group), share=_percent(chose / len(group)),
                choice=quoted_choice(choice, settings),
                threshold=_percent(settings.uniform_share)),
            interview_ids=tuple(r.id for r in group)))
    return flags
