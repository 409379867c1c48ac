"""The interpreters and observers the station knows: one spelling for each person."""

import pytest

from screening_app.domain.errors import PermissionDenied, UserError
from tests.conftest import PASSWORD, cli


def test_a_known_interpreter_is_found_by_either_name_and_added_once(roster_station):
    services, sup = roster_station.services, roster_station.supervisor
    kim = services.people.add(sup, "interpreter", "  Kim   Li ", name_native="김리",
                              languages=("ko", "en"))
    assert kim.name == "Kim Li" and kim.shown == "Kim Li (김리)"
    assert services.people.find(roster_station.interviewer, "interpreter", "kim li") == kim
    assert services.people.find(roster_station.interviewer, "interpreter", "김리") == kim
    assert services.people.find(roster_station.interviewer, "observer", "Kim Li") is None
    with pytest.raises(UserError, match=r"already knows interpreter Kim Li \(김리\)"):
        services.people.add(roster_station.interviewer, "interpreter", "KIM LI")
    (event,) = services.station.events.since(0, kinds=("people.added",))
    assert event.payload["name"] == "Kim Li" and event.actor_id == sup.user_id
    assert [p.name for p in services.people.with_role(sup, "interpreter")] == ["Kim Li"]


def test_a_known_person_needs_a_name_and_a_known_role(roster_station):
    services, sup = roster_station.services, roster_station.supervisor
    with pytest.raises(UserError, match="needs a name"):
        services.people.add(sup, "interpreter", "   ")
    with pytest.raises(UserError, match="interpreters or observers"):
        services.people.add(sup, "guard", "Pak")


def test_the_command_line_lists_and_adds_them(roster_station, capsys, monkeypatch):
    roster_station.services.close()
    data = roster_station.data_dir
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "people", "add", "Pak Su",
                         "--name-native", "박수", "--languages", "ko,en", "--user", "sup",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "The station now knows interpreter Pak Su (박수)." in out
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data, "people", "list", "--user",
                       "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "Pak Su (박수)  (ko en)" in out
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "people", "add", "pak  su",
                       "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    assert code != 0 and "already knows interpreter Pak Su" in err


def test_the_flags_count_a_known_interpreter_as_one_person_under_any_of_their_names(
        roster_station):
    """Records that name the interpreter by the romanised name, by the Hangul one, or
    with other spacing and case are one interpreter to the review's pattern tests."""
    from types import SimpleNamespace

    from screening_app.services.known_people import as_known

    services, sup = roster_station.services, roster_station.supervisor
    kim = services.people.add(sup, "interpreter", "Kim Li", name_native="김리")
    read = as_known(services.people.with_role(sup, "interpreter"),
                    lambda record: record.answers.get("interpreter_name"))
    names = ["Kim Li", "김리", " kim  LI ", "Pak Su", None]
    assert [read(SimpleNamespace(answers={"interpreter_name": name})) for name in names] == [
        kim.name, kim.name, kim.name, "Pak Su", None]


def test_a_person_added_by_mistake_is_retired_by_a_supervisor_and_offered_no_more(
        roster_station, capsys, monkeypatch):
    services, sup = roster_station.services, roster_station.supervisor
    typo = services.people.add(roster_station.interviewer, "interpreter", "Kim Lii")
    with pytest.raises(PermissionDenied):
        services.people.retire(roster_station.interviewer, typo)
    services.people.retire(sup, typo)
    assert services.people.with_role(sup, "interpreter") == []
    with pytest.raises(UserError, match="no longer offers interpreter Kim Lii"):
        services.people.retire(sup, typo)
    (event,) = services.station.events.since(0, kinds=("people.retired",))
    assert event.payload == {"id": typo.id, "role": "interpreter", "name": "Kim Lii"}
    # Retired, the name can be added again, spelt right or not.
    services.people.add(sup, "interpreter", "Kim Li")
    roster_station.services.close()
    code, out, err = cli(capsys, monkeypatch, "--data-dir", roster_station.data_dir, "people",
                         "retire", "kim li", "--user", "sup", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0 and "no longer offers interpreter Kim Li" in out, err
    code, _, err = cli(capsys, monkeypatch, "--data-dir", roster_station.data_dir, "people",
                       "retire", "Nobody", "--user", "sup", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code != 0 and "offers no interpreter named 'Nobody'" in err


def _interview_naming(services, interviewer, isn: str, interpreter: str):
    from screening_app.protocol.examples import complete_answers
    from tests.conftest import answer_all

    answers = {**complete_answers("repatriate"), "interpreter_name": interpreter}
    interview = answer_all(services, interviewer, services.interviews.start(interviewer, isn),
                           answers)
    return services.interviews.finalise(interviewer, interview.id).record


def test_a_record_keeps_the_id_of_the_known_interpreter_it_names(roster_station):
    """The name stays as written (the form prints it); the id in the station's list goes
    with it, sealed in the record and covered by its hash."""
    services, ivan = roster_station.services, roster_station.interviewer
    kim = services.people.add(roster_station.supervisor, "interpreter", "Kim Li",
                              name_native="김리")
    named = _interview_naming(services, ivan, "NK-100001", "김리")
    unknown = _interview_naming(services, ivan, "NK-100002", "Pak Su")
    assert named.answers["interpreter_name"] == "김리"
    assert named.known_person("interpreter_name") == kim.id
    assert named.record_sha256 == named.computed_hash()
    assert unknown.known_person("interpreter_name") is None
    # Read back as the supervisor reads it, from the sealed columns.
    reopened = services.interviews.load(roster_station.supervisor, named.id).record
    assert reopened.known_person("interpreter_name") == kim.id


def test_a_corrected_or_merged_entry_reaches_every_record_that_names_it(roster_station):
    """A supervisor corrects a misspelt entry and merges a second entry for the same
    person: the review's filter (and its pattern tests) see one interpreter, under the
    corrected name, while each record keeps the name it was written with."""
    services, sup, ivan = (roster_station.services, roster_station.supervisor,
                           roster_station.interviewer)
    misspelt = services.people.add(ivan, "interpreter", "Kim Lii")
    twice = services.people.add(ivan, "interpreter", "Gim Ri")
    first = _interview_naming(services, ivan, "NK-100001", "Kim Lii")
    second = _interview_naming(services, ivan, "NK-100002", "gim ri")
    assert services.reviews.flags(sup).interpreters == [("Gim Ri", "Gim Ri"),
                                                         ("Kim Lii", "Kim Lii")]

    with pytest.raises(PermissionDenied):
        services.people.change(ivan, misspelt, name="Kim Li")
    kim = services.people.change(sup, misspelt, name="Kim Li", name_native="김리",
                                 languages=("ko",))
    with pytest.raises(UserError, match="already knows interpreter Kim Li"):
        services.people.change(sup, twice, name="KIM LI")
    with pytest.raises(UserError, match="merged only into another interpreter"):
        services.people.merge(sup, kim, kim)
    services.people.merge(sup, twice, kim)

    assert [p.shown for p in services.people.with_role(sup, "interpreter")] == ["Kim Li (김리)"]
    assert services.reviews.flags(sup).interpreters == [("Kim Li", "Kim Li")]
    assert {item.interview_id for item in services.reviews.queue(sup, interpreter="Kim Li")
            } == {first.id, second.id}
    assert services.reviews.filter_values(sup)["interpreter"] == [("Kim Li", "Kim Li")]
    assert services.interviews.load(sup, second.id).record.answers["interpreter_name"] \
        == "gim ri"
    changed, = services.station.events.since(0, kinds=("people.changed",))
    assert changed.payload["was"] == {"name": "Kim Lii", "name_native": None}
    merged, = services.station.events.since(0, kinds=("people.merged",))
    assert merged.payload == {"id": twice.id, "role": "interpreter", "name": "Gim Ri",
                              "into": kim.id, "into_name": "Kim Li"}
    with pytest.raises(UserError, match="no longer offers interpreter Gim Ri"):
        services.people.merge(sup, twice, kim)


def test_the_command_line_corrects_and_merges_entries(roster_station, capsys, monkeypatch):
    services, ivan = roster_station.services, roster_station.interviewer
    services.people.add(ivan, "interpreter", "Kim Lii")
    services.people.add(ivan, "interpreter", "Gim Ri", languages=("ko",))
    services.close()
    data, sup = roster_station.data_dir, ("--user", "sup", "--password-stdin")
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "people", "change",
                         "kim lii", "--new-name", "Kim Li", "--name-native", "김리", *sup,
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "now knows interpreter Kim Lii as Kim Li (김리)" in out
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "people", "merge", "Gim Ri",
                         "--into", "김리", *sup, stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "Gim Ri and Kim Li (김리) are now one interpreter" in out
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data, "people", "list", *sup,
                       stdin=PASSWORD + "\n")
    assert out.strip() == "Kim Li (김리)"
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "people", "merge", "Kim Li",
                       "--into", "Nobody", *sup, stdin=PASSWORD + "\n")
    assert code != 0 and "offers no interpreter named 'Nobody'" in err
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "people", "change", "Kim Li",
                       "--new-name", "x", "--user", "ivan", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code != 0 and err.strip()
