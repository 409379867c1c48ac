"""The synthetic camp (tests/analysis/synthetic_camp.py, the medium shape: 720 interviews,
12 interviewers, 6 interpreters, 6 compounds) taken through the services as a station takes
it: live interviews on a clock the test controls, some of them rushed, some transcribed
from paper; then the supervisor's flags, in both staffing patterns."""

from datetime import timedelta

import pytest

from screening_app.domain.canonical import parse_timestamp
from screening_app.protocol.examples import complete_answers
from tests.analysis.synthetic_camp import MEDIUM, TIME_ZONE, make_camp
from tests.analysis.test_group_flags import planted_and_false
from tests.conftest import (
    PASSWORD,
    answer_all,
    install_test_user_certificate,
    unlock_personal_keys,
    write_csv,
)

TIMING_FLAGS = {"short_interview", "short_explanation"}


class Clock:
    """The station's clock during one interview: each reading a fixed step after the last
    (a minute between things done is a careful interview; five seconds a rushed one)."""

    def __init__(self) -> None:
        self._now, self._step = None, timedelta(0)

    def start(self, at: str, seconds: int) -> None:
        self._now, self._step = parse_timestamp(at), timedelta(seconds=seconds)

    def __call__(self) -> str:
        now, self._now = self._now, self._now + self._step
        return now.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def take_camp(station, camp, test_keys, monkeypatch) -> tuple[set[str], set[str]]:
    """Every planned interview, taken through the services; (rushed ids, paper ids)."""
    services, admin = station.services, station.admin
    services.settings.set(admin, "time_zone", TIME_ZONE)
    people = [{"isn": f"NK-{n:06d}", "name_native": "김민준", "name_latin": "Kim Min-jun",
               "nationality": "Korean", "rank": "Private", "unit": "KPA 4th Division",
               "camp": "Koje-do", "compound": planned.compound, "birth_year": "1928"}
              for n, planned in enumerate(camp.interviews)]
    services.roster.import_file(admin, write_csv(station.data_dir.parent / "camp.csv", people))
    actors = {}
    for name in sorted({planned.interviewer for planned in camp.interviews}):
        actors[name] = services.accounts.add_user(admin, name, "interviewer", PASSWORD)
        install_test_user_certificate(services, actors[name], test_keys)
    unlock_personal_keys(services, *actors)
    # No forms: rendering and signing 720 PDFs would take minutes, and is not what this
    # tests (tests/ui/test_finalise_to_form.py does).
    from screening_app.services.form_signing import FormSigning

    monkeypatch.setattr(FormSigning, "store_for", lambda *_args, **_kwargs: None)
    clock = Clock()
    monkeypatch.setattr(services.interviews, "_clock", clock)
    rushed, paper = set(), set()
    for n, planned in enumerate(camp.interviews):
        actor, isn = actors[planned.interviewer], people[n]["isn"]
        answers = {**complete_answers(planned.choice), "interpreter_name": planned.interpreter}
        if n % 24 == 7:  # transcribed from paper, half of them with the paper's times
            clock.start(planned.ended_at, 1)
            times = ({"started_at": planned.started_at, "ended_at": planned.ended_at}
                     if n % 48 == 7 else {})
            paper.add(services.transcription.record(actor, isn, {"answers": answers, **times},
                                                    "paper").id)
            continue
        clock.start(planned.started_at, 5 if n % 40 == 19 else 60)
        interview = answer_all(services, actor, services.interviews.start(actor, isn), answers)
        finalised = services.interviews.finalise(actor, interview.id)
        if n % 40 == 19:
            rushed.add(finalised.id)
    return rushed, paper


@pytest.mark.parametrize("staffing", ["rotating", "fixed"])
def test_a_camp_taken_through_the_services_shows_every_planted_pattern(
        staffing, station, test_keys, monkeypatch):
    camp = make_camp(staffing, MEDIUM)
    rushed, paper = take_camp(station, camp, test_keys, monkeypatch)
    flags = station.services.reviews.flags(station.supervisor)
    found, false = planted_and_false(camp, flags.camp)
    assert found == set(camp.planted), [flag.explanation for flag in flags.camp]
    assert len(false) <= 1, false
    # Every group flag lists its interviews; the pressed day is a local day (UTC+9).
    assert all(flag.interview_ids for flag in flags.camp)
    assert any("on 1952-04-15," in flag.explanation for flag in flags.camp
               if flag.kind == "compound_uniform")
    assert rushed and all(TIMING_FLAGS.issubset(f.kind for f in flags.for_interview(i))
                          for i in rushed)
    assert paper and not any(TIMING_FLAGS & {f.kind for f in flags.for_interview(i)}
                             for i in paper)
