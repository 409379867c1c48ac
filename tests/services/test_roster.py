import pytest

from screening_app.domain.errors import PermissionDenied, UserError
from tests.conftest import SMALL_ROSTER, write_csv


def _count(station):
    return station.services.station.db.execute("SELECT count(*) FROM subjects").fetchone()[0]


def _snapshot(station):
    return station.services.station.db.execute("SELECT * FROM subjects ORDER BY isn").fetchall()


def test_import_then_search_in_every_script(roster_station):
    search = roster_station.services.roster.search
    actor = roster_station.interviewer
    assert [s.isn for s in search(actor, "NK-100001")][0] == "NK-100001"
    assert [s.isn for s in search(actor, "김민준")] == ["NK-100001"]
    assert [s.isn for s in search(actor, "김 민준")] == ["NK-100001"]  # syllable + given name
    assert [s.isn for s in search(actor, "민준")] == ["NK-100001"]  # given name alone
    assert [s.isn for s in search(actor, "王伟")] == ["CN-700001"]  # two-character name
    assert [s.isn for s in search(actor, "小明")] == ["CN-700002"]
    assert [s.isn for s in search(actor, "kim min")] == ["NK-100001"]
    assert [s.isn for s in search(actor, "Min-jun")] == ["NK-100001"]
    assert [s.isn for s in search(actor, "xiaoming")] == ["CN-700002"]


def test_exact_isn_comes_before_prefix_matches(roster_station):
    found = roster_station.services.roster.search(roster_station.interviewer, "nk-10001")
    # "NK10001" is a prefix of NK-100013 and of nothing else
    assert [s.isn for s in found] == ["NK-100013"]
    found = roster_station.services.roster.search(roster_station.interviewer, "NK-10000")
    assert [s.isn for s in found] == ["NK-100001", "NK-100002"]


def test_reimport_upserts_and_reports(roster_station, tmp_path):
    rows = [dict(r) for r in SMALL_ROSTER]
    rows[0]["compound"] = "Compound 95"
    rows.append({**rows[1], "isn": "NK-100099", "name_native": "최영호",
                 "name_latin": "Choi Young-ho"})
    report = roster_station.services.roster.import_file(
        roster_station.admin, write_csv(tmp_path / "v2.csv", rows))
    assert (report.added, report.updated, report.unchanged) == (1, 1, 4)
    subject = roster_station.services.roster.get(roster_station.admin, "NK-100001")
    assert subject.compound == "Compound 95"


def test_a_missing_column_leaves_that_field_as_it_was(roster_station, tmp_path):
    rows = [{"isn": "NK-100001", "name_latin": "Kim Minjun"}]
    report = roster_station.services.roster.import_file(
        roster_station.admin, write_csv(tmp_path / "partial.csv", rows))
    assert report.updated == 1
    subject = roster_station.services.roster.get(roster_station.admin, "NK-100001")
    assert subject.name_latin == "Kim Minjun"
    assert subject.name_native == "김민준" and subject.compound == "Compound 62"
    assert [s.isn for s in roster_station.services.roster.search(
        roster_station.admin, "김민준")] == ["NK-100001"]


def test_dry_run_counts_but_writes_nothing(roster_station, tmp_path):
    before = _snapshot(roster_station)
    events_before = roster_station.services.station.db.execute(
        "SELECT count(*) FROM events").fetchone()[0]
    rows = [dict(r) for r in SMALL_ROSTER] + [{**SMALL_ROSTER[0], "isn": "NK-999999"}]
    report = roster_station.services.roster.import_file(
        roster_station.admin, write_csv(tmp_path / "dry.csv", rows), dry_run=True)
    assert report.added == 1 and report.dry_run
    assert _snapshot(roster_station) == before
    assert roster_station.services.station.db.execute(
        "SELECT count(*) FROM events").fetchone()[0] == events_before


def test_a_bad_row_means_nothing_is_written(roster_station, tmp_path):
    before = _snapshot(roster_station)
    rows = [dict(r) for r in SMALL_ROSTER]
    rows[0]["compound"] = "changed"
    rows.append({**SMALL_ROSTER[0], "isn": "", "name_native": "새사람"})
    with pytest.raises(UserError, match="row 7"):
        roster_station.services.roster.import_file(
            roster_station.admin, write_csv(tmp_path / "bad.csv", rows))
    assert _snapshot(roster_station) == before


def test_interviewers_may_search_but_not_import(roster_station, tmp_path):
    with pytest.raises(PermissionDenied):
        roster_station.services.roster.import_file(
            roster_station.interviewer, write_csv(tmp_path / "r.csv", SMALL_ROSTER))


def test_an_import_is_an_event_in_the_chain(roster_station):
    row = roster_station.services.station.db.execute(
        "SELECT payload FROM events WHERE kind = 'roster.imported'").fetchone()
    assert '"added":5' in row[0]
