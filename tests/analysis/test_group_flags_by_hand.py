"""Group flags on small camps whose answers are plain by eye."""

from screening_app.analysis.group_flags import group_flags
from screening_app.domain.interview import OutcomeStatus
from screening_app.domain.review_flags import FlagSettings
from tests.analysis.test_group_flags import interpreter_of
from tests.domain.test_review_flags import batch, kinds, make_record

SETTINGS = FlagSettings(skew_choice="enlist")


def flags_of(records, settings=SETTINGS, labels=None):
    return group_flags(records, settings, labels, interpreter_of)


def camp_with(ivan_enlist: int, ivan_n: int = 20) -> list:
    """ivan works with both interpreters the others work with, in the same compound."""
    half = ivan_n // 2
    return (batch(half, min(ivan_enlist, half), interviewer="ivan", interpreter="Pak Su")
            + batch(ivan_n - half, max(ivan_enlist - half, 0), interviewer="ivan",
                    interpreter="Choe Han")
            + batch(50, 15, interviewer="olga", interpreter="Pak Su")
            + batch(50, 15, interviewer="sven", interpreter="Choe Han"))


def test_a_skewed_interviewer_is_flagged_with_figures_and_the_confounder_ruled_out():
    records = camp_with(18)
    (flag,) = flags_of(records, SETTINGS)
    assert flag.kind == "interviewer_skew" and flag.interview_id is None
    assert flag.explanation.startswith(
        "Interviewer ivan: 90% “enlist” in 20 interviews; 30% for other interviewers in the"
        " same compounds (100 interviews); shift +60 points, q = ")
    assert "Not explained by the interpreters they worked with" in flag.explanation
    assert sorted(flag.interview_ids) == sorted(r.id for r in records
                                                if r.interviewer_id == "id-ivan")


def test_interviewers_are_named_by_their_display_names():
    labels = {"id-ivan": "Lt. I. Petrov"}
    (flag,) = flags_of(camp_with(18), SETTINGS, labels)
    assert flag.explanation.startswith("Interviewer Lt. I. Petrov: 90% “enlist”")


def test_an_interviewer_in_compounds_that_choose_one_way_is_not_skewed():
    """ivan works where most enlist; he records what others record there."""
    records = (batch(30, 24, interviewer="ivan", compound="62")
               + batch(30, 24, interviewer="olga", compound="62")
               + batch(60, 12, interviewer="olga", compound="76")
               + batch(60, 12, interviewer="sven", compound="76"))
    assert flags_of(records, SETTINGS) == []


def test_a_team_that_always_works_together_is_named_as_a_team():
    records = (batch(20, 18, interviewer="ivan", interpreter="Kim Li")
               + batch(50, 15, interviewer="olga", interpreter="Pak Su")
               + batch(50, 15, interviewer="sven", interpreter="Choe Han"))
    (flag,) = flags_of(records, SETTINGS)
    assert flag.kind == "team_skew"
    assert "They worked with interpreter Kim Li (20)" in flag.explanation
    assert "cannot tell whether the difference is theirs or their interpreter's" in \
        flag.explanation


def test_ordinary_and_too_few_interviews_are_not_flagged():
    assert flags_of(camp_with(7), SETTINGS) == []
    # 19 of 19 is as skewed as it gets, but 19 interviews are below the minimum of 20.
    assert flags_of(camp_with(19, ivan_n=19), SETTINGS) == []


def test_only_completed_interviews_count():
    stopped = [make_record(outcome=OutcomeStatus.NOT_COMPLETED, interviewer="ivan")
               for _ in range(30)]
    records = camp_with(10, ivan_n=10) + stopped
    assert "interviewer_skew" not in kinds(flags_of(records, SETTINGS))


def test_a_skewed_interpreter_is_flagged_across_interviewers():
    # Kim Li interprets for two interviewers, 9 of 10 enlist with each; typed inconsistently.
    records = (batch(10, 9, interviewer="olga", interpreter="Kim Li")
               + batch(10, 9, interviewer="sven", interpreter="  kim  li ")
               + batch(50, 15, interviewer="olga", interpreter="Pak Su")
               + batch(50, 15, interviewer="sven", interpreter="Choe Han"))
    (flag,) = flags_of(records, SETTINGS)
    assert flag.kind == "interpreter_skew"
    assert flag.explanation.startswith("Interpreter Kim Li: 90% “enlist” in 20 interviews;"
                                       " 30% for other interpreters")
    assert "Not explained by the interviewers they worked with" in flag.explanation


def test_a_compound_day_unlike_the_compounds_other_days_is_flagged():
    pressed = batch(16, 16, compound="76")
    records = pressed + batch(16, 6, compound="76", started_at="1952-04-11T01:00:00.000Z")
    (flag,) = flags_of(records, SETTINGS)
    assert flag.kind == "compound_uniform"
    assert flag.explanation.startswith(
        "In compound 76 on 1952-04-10, 16 of 16 completed interviews (100%) recorded"
        " “enlist”; 38% on the compound's other days (16 interviews); q = ")
    assert flag.interview_ids == tuple(r.id for r in pressed)
    assert flags_of(batch(16, 10, compound="62") + batch(
        16, 10, compound="62", started_at="1952-04-11T01:00:00.000Z"), SETTINGS) == []


def test_a_compound_seen_on_one_day_only_is_flagged_when_nearly_all_chose_alike():
    (flag,) = flags_of(batch(16, 16, compound="Compound 76"), SETTINGS)
    assert flag.explanation.startswith("In Compound 76 on 1952-04-10, 16 of 16")
    assert "interviewed on no other day" in flag.explanation
    assert flags_of(batch(16, 10, compound="62"), SETTINGS) == []


def test_days_are_the_stations_local_days():
    """Eight interviews either side of midnight UTC are two UTC days of eight (under the
    fifteen a day needs), and one day of sixteen at UTC+9, where it is morning."""
    records = (batch(8, 8, started_at="1952-04-10T23:50:00.000Z")
               + batch(8, 8, started_at="1952-04-11T00:10:00.000Z"))
    assert flags_of(records, FlagSettings(time_zone="UTC", skew_choice="enlist")) == []
    (flag,) = flags_of(records, FlagSettings(time_zone="Asia/Seoul", skew_choice="enlist"))
    assert "on 1952-04-11, 16 of 16" in flag.explanation


def mixed(counts: dict[str, int], **fields) -> list:
    """Records choosing each outcome as often as ``counts`` says."""
    return [make_record(choice=choice, **fields)
            for choice, n in counts.items() for _ in range(n)]


def test_with_three_outcomes_each_is_tested_and_the_surest_shift_is_named():
    """A protocol with three outcomes (return home, stay as a civilian, go to a neutral
    nation): ivan's interviews go to a neutral nation far more often than his
    colleagues' in the same compound. One flag names him and that outcome; no one else is
    flagged; no skew option is needed to test it."""
    usual = {"home": 20, "civilian": 15, "neutral": 15}
    records = (mixed({"home": 5, "civilian": 0, "neutral": 10}, interviewer="ivan",
                     interpreter="Pak Su")
               + mixed({"home": 4, "civilian": 0, "neutral": 11}, interviewer="ivan",
                       interpreter="Choe Han")
               + mixed(usual, interviewer="olga", interpreter="Pak Su")
               + mixed(usual, interviewer="sven", interpreter="Choe Han"))
    (flag,) = flags_of(records, FlagSettings())
    assert flag.kind == "interviewer_skew"
    assert flag.explanation.startswith(
        "Interviewer ivan: 70% “neutral” in 30 interviews; 30% for other interviewers in the"
        " same compounds (100 interviews); shift +40 points, q = ")
    assert len(flag.interview_ids) == 30
    # Ordinary colleagues, three outcomes: nothing.
    assert flags_of(mixed(usual, interviewer="olga") + mixed(usual, interviewer="sven")
                    + mixed(usual, interviewer="ivan"), FlagSettings()) == []


def test_with_three_outcomes_a_shift_spread_over_two_is_found_by_testing_them_together():
    """ivan's people stay as civilians more often and go to a neutral nation less often
    than his colleagues': each outcome alone, among every test of the review, is not
    sure enough; all three outcomes tested at once are (one test per person, the
    multinomial analogue of the stratified test)."""
    usual = {"home": 20, "civilian": 15, "neutral": 15}
    records = mixed({"home": 12, "civilian": 16, "neutral": 2}, interviewer="ivan",
                    interpreter="Pak Su")
    for n, colleague in enumerate(["olga", "sven", "inge", "knut", "lars"]):
        records += mixed(usual, interviewer=colleague,
                         interpreter=["Pak Su", "Choe Han"][n % 2])
    (flag,) = flags_of(records, FlagSettings())
    assert flag.kind in ("interviewer_skew", "team_skew")
    assert flag.explanation.startswith("Interviewer ivan: ")
    assert "in 30 interviews" in flag.explanation and len(flag.interview_ids) == 30
