import csv

import pytest

from screening_app.domain.errors import PermissionDenied
from screening_app.protocol.examples import complete_answers
from screening_app.services.lists import neutralise
from tests.conftest import write_csv


@pytest.fixture
def decided(roster_station):
    services, ivan, sup = (roster_station.services, roster_station.interviewer,
                           roster_station.supervisor)
    record = services.transcription.record
    enlist = record(ivan, "NK-100001", {"answers": complete_answers("enlist")}, "p")
    repatriate = record(ivan, "NK-100002", {"answers": complete_answers("repatriate")}, "p")
    waiting = record(ivan, "CN-700001", {"answers": complete_answers("enlist")}, "p")
    stopped = record(ivan, "NK-100013", {"answers": {**{k: v for k, v in complete_answers()
                                                        .items() if k in ("isn_matches",
                                                        "name_matches", "unit_matches",
                                                        "present_persons")},
                                                     "no_other_detainees": "no"}}, "p")
    services.reviews.decide(sup, enlist.id, "approved",
                            reason="The signed paper form is complete.")
    services.reviews.decide(sup, repatriate.id, "approved",
                            reason="The signed paper form is complete.")
    services.reviews.decide(sup, stopped.id, "approved",
                            reason="The signed paper form is complete.")
    return roster_station, waiting


def test_only_approved_records_count(decided):
    station, waiting = decided
    lists = station.services.lists.build(station.supervisor)
    assert [r[0] for r in lists.rows("removed")] == ["NK-100001"]
    assert [r[0] for r in lists.rows("repatriate")] == ["NK-100002"]
    assert [(r[0], r[4]) for r in lists.not_completed] == [("NK-100013", "no_privacy")]
    assert [(r[0], r[4]) for r in lists.awaiting_review] == [("CN-700001",
                                                             "latest record received")]
    assert [r[0] for r in lists.unscreened] == ["CN-700002"]


def test_the_latest_approved_record_counts(decided):
    station, _ = decided
    services, ivan, sup = station.services, station.interviewer, station.supervisor
    earlier = services.interviews.latest_final_id(ivan, "NK-100001")
    withdrawal = services.transcription.record(
        ivan, "NK-100001", {"answers": complete_answers("repatriate")}, "p")
    lists = services.lists.build(sup)
    assert "NK-100001" in [r[0] for r in lists.rows("removed")]  # the new one is not approved yet
    services.reviews.decide(sup, withdrawal.id, "approved",
                            reason="The signed paper form is complete.")
    lists = services.lists.build(sup)
    assert "NK-100001" in [r[0] for r in lists.rows("repatriate")]
    assert "NK-100001" not in [r[0] for r in lists.rows("removed")]
    assert earlier != withdrawal.id


def test_export_writes_csv_with_formulas_neutralised_and_a_signed_pdf(decided, tmp_path):
    station, _ = decided
    services, sup = station.services, station.supervisor
    write_csv(tmp_path / "fix.csv", [{"isn": "CN-700002", "name_latin": "=HYPERLINK(1)"}])
    services.roster.import_file(station.admin, tmp_path / "fix.csv")
    written, _ = services.lists.export(sup, tmp_path / "lists")
    names = sorted(p.name for p in written)
    assert names == ["awaiting-review.csv", "not-completed.csv", "removed.csv",
                     "repatriate.csv", "revised-lists.pdf", "unscreened.csv"]
    with (tmp_path / "lists" / "unscreened.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name_latin"] == "'=HYPERLINK(1)"
    from screening_app.records.verifying import verify_pdf

    root = services.keys.station_certificate().root
    checked = verify_pdf((tmp_path / "lists" / "revised-lists.pdf").read_bytes(), [root])
    assert checked.valid, checked.reason


def test_lists_are_for_supervisors_and_admins(decided):
    station, _ = decided
    with pytest.raises(PermissionDenied):
        station.services.lists.build(station.interviewer)


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+82", "'+82"),
                                             ("-3", "'-3"), ("@x", "'@x"), ("김민준", "김민준"),
                                             (None, "")])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_each_outcome_has_the_list_its_protocol_names(decided, tmp_path):
    """The lists are the protocol's: a protocol naming its outcomes' lists otherwise gets
    those files and titles, and a choice it does not have keeps a list of its own."""
    from dataclasses import replace

    from screening_app.protocol import default_protocol
    from screening_app.protocol.definition import Outcome, Text
    from screening_app.services.lists import ListService

    station, _ = decided
    services = station.services
    renamed = replace(default_protocol(), outcomes=(
        Outcome("repatriate", "home", Text.from_dict({"en": "Going home", "ko": "귀환"})),))
    lists = ListService(services.station, services.keys, lambda: renamed)
    built = lists.build(station.supervisor)
    assert [(slug, title) for slug, title, _rows in built.sections()][:2] == [
        ("home", "Going home · 귀환"), ("enlist", "enlist")]
    assert [r[0] for r in built.rows("home")] == ["NK-100002"]
    assert [r[0] for r in built.rows("enlist")] == ["NK-100001"]
    written, _ = lists.export(station.supervisor, tmp_path / "lists")
    assert {"home.csv", "enlist.csv"} <= {path.name for path in written}
