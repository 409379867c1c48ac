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
