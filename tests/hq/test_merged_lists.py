"""The merged lists: one line per person across every station, in the section the rules
put them in, exported as CSV and as a PDF signed by headquarters."""

import csv
import shutil
import subprocess
from types import SimpleNamespace

import pytest

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.hq import conflicts, merged_lists
from screening_app.hq.headquarters import HeadquartersLocked
from screening_app.records.verifying import verify_pdf
from tests.hq.test_conflicts import Held

ENLIST = "Enter the armed forces of the United Nations Command"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")


def on_roster(held: Held, station_id: str | None, isn: str, native: str, latin: str,
              compound: str = "Compound 62") -> None:
    person = {"isn": isn, "name_native": native, "name_latin": latin, "compound": compound,
              "camp": "Koje-do", "nationality": "Korean"}
    with held.store.transaction():
        if station_id is None:  # published by headquarters to every station
            held.store.insert_outbox(None, "roster", person, "2026-11-01T00:00:00.000Z")
        else:
            held.store.put_subject(station_id, person, sha256_hex(canonical_json(person)))


def populate(held: Held) -> dict[str, str]:
    """One person for each way the rules can go; returns the section each belongs in."""
    for station in ("KOJE-62", "PUSAN-1"):
        on_roster(held, station, "CN-700002", "张小明", "Zhang Xiaoming", "Compound 86")
    on_roster(held, "KOJE-62", "NK-100001", "김민준", "Kim Min-jun")
    on_roster(held, "KOJE-62", "NK-100002", "이서연", "Lee Seo-yeon")
    on_roster(held, "KOJE-62", "NK-100013", "박지호", "Park Ji-ho")
    on_roster(held, "PUSAN-1", "CN-700001", "王伟", "Wang Wei", "Compound 72")
    on_roster(held, "KOJE-62", "NK-100020", "최우진", "Choi Woo-jin", "Compound 62")
    on_roster(held, "PUSAN-1", "NK-100020", "최우진", "Choi Woo-jin", "Compound 9")
    on_roster(held, None, "NK-100021", "정하은", "Jung Ha-eun")

    held.review(held.interview("KOJE-62", "repatriate", 3, isn="NK-100001"), "approved", 4)
    held.review(held.interview("KOJE-62", "enlist", 3, isn="NK-100002"), "approved", 4)
    held.interview("KOJE-62", "enlist", 3, isn="NK-100013")
    held.interview("PUSAN-1", "repatriate", 5, isn="NK-100013")
    held.interview("PUSAN-1", "repatriate", 5, isn="CN-700001")
    held.interview("KOJE-62", None, 6, isn="CN-700003", outcome="not_completed",
                   reason="security_incident")
    # Moved from Koje-do to Pusan and screened there.
    held.review(held.interview("PUSAN-1", "repatriate", 8, isn="NK-100020"), "approved", 9)
    # A record the station's supervisor rejected: to be taken again.
    held.review(held.interview("PUSAN-1", "enlist", 8, isn="NK-100030"), "rejected", 9)
    held.detect("NK-100013")
    return {"NK-100001": "repatriate", "NK-100020": "repatriate", "NK-100002": "removed",
            "NK-100013": "conflicts", "CN-700001": "pending", "CN-700003": "pending",
            "NK-100030": "pending", "CN-700002": "unscreened", "NK-100021": "unscreened"}


@pytest.fixture
def held(empty_store):
    made = Held(empty_store)
    for station_id in ("KOJE-62", "PUSAN-1"):
        made.station(station_id)
    return made


def rows_by_isn(lists: merged_lists.MergedLists) -> dict[str, tuple[str, object]]:
    found = {}
    for slug, _title, rows in lists.sections():
        for row in rows:
            assert row.isn not in found, f"{row.isn} is in {found[row.isn][0]} and {slug}"
            found[row.isn] = (slug, row)
    return found


def test_every_person_is_in_exactly_one_section(held):
    expected = populate(held)
    found = rows_by_isn(merged_lists.build(held.store))
    assert {isn: slug for isn, (slug, _) in found.items()} == expected


def test_each_line_says_why_and_where(held):
    populate(held)
    found = rows_by_isn(merged_lists.build(held.store))
    detail = {isn: row.detail for isn, (_, row) in found.items()}
    stations = {isn: row.stations for isn, (_, row) in found.items()}
    # The protocol's words, not the stored codes.
    assert detail["NK-100001"] == "Accept repatriation, approved at KOJE-62"
    assert detail["NK-100002"] == f"{ENLIST}, approved at KOJE-62"
    assert detail["NK-100013"].endswith(
        f": KOJE-62: {ENLIST} (received); PUSAN-1: Accept repatriation (received)")
    assert detail["CN-700001"] == "Accept repatriation, awaiting review at PUSAN-1 (received)"
    assert detail["CN-700003"] == "not completed at KOJE-62 (Security incident)"
    assert detail["NK-100030"] == "record rejected at PUSAN-1, to be taken again"
    assert stations["CN-700002"] == ("KOJE-62", "PUSAN-1")
    assert detail["CN-700002"] == "on the roster of KOJE-62, PUSAN-1"
    assert stations["NK-100021"] == ("HQ",)
    assert detail["NK-100021"] == "on the roster headquarters published"
    # The person who moved: names and compound from the roster of the station that
    # screened him.
    _, moved = found["NK-100020"]
    assert (moved.name_native, moved.compound, moved.stations) == (
        "최우진", "Compound 9", ("PUSAN-1",))
    # Someone on no roster still has the names the record itself carries.
    _, rejected = found["NK-100030"]
    assert rejected.name_native == "김민준"


def test_a_resolved_conflict_lists_the_kept_record_once_it_is_approved(held):
    koje = held.interview("KOJE-62", "enlist", 3)
    pusan = held.interview("PUSAN-1", "repatriate", 5)
    held.detect()
    assert merged_lists.build(held.store).where("NK-100001") == "conflicts"
    with held.store.transaction():
        held.store.insert_operator("olivia", "(hash)", "2026-11-01T00:00:00.000Z")
    (conflict,) = conflicts.open_conflicts(held.store)
    conflicts.resolve(SimpleNamespace(store=held.store), conflict.id, pusan, "olivia",
                      "Reconfirmed at Pusan before an observer.")
    lists = merged_lists.build(held.store)
    assert lists.where("NK-100001") == "pending"
    assert "PUSAN-1's record kept" in lists.section("pending")[0].detail
    held.review(pusan, "approved", 6)
    held.review(koje, "approved", 6)  # the other station's approval does not count now
    lists = merged_lists.build(held.store)
    assert lists.where("NK-100001") == "repatriate"
    assert lists.section("repatriate")[0].detail == (
        f"conflict {conflict.id} resolved by olivia: PUSAN-1's record kept;"
        " Accept repatriation, approved at PUSAN-1")


def test_a_later_record_at_a_station_replaces_its_earlier_one(held):
    first = held.interview("KOJE-62", "enlist", 3)
    held.review(first, "approved", 4)
    assert merged_lists.build(held.store).where("NK-100001") == "removed"
    # A withdrawal: the new record counts once a supervisor approves it.
    withdrawal = held.interview("KOJE-62", "repatriate", 7, supersedes=first)
    assert merged_lists.build(held.store).where("NK-100001") == "pending"
    held.review(withdrawal, "approved", 8)
    assert merged_lists.build(held.store).where("NK-100001") == "repatriate"


@pytest.fixture
def hq_held(hq):
    made = Held(hq.store)
    for station_id in ("KOJE-62", "PUSAN-1"):
        made.station(station_id)
    return made


def test_export_writes_neutralised_csv_and_a_pdf_signed_by_headquarters(hq, hq_held, tmp_path):
    populate(hq_held)
    on_roster(hq_held, "PUSAN-1", "NK-100099", "=cmd|' /C calc'!A0", "+Mallory")
    written = merged_lists.export(hq, tmp_path / "lists")
    assert sorted(p.name for p in written) == [
        "conflicts.csv", "merged-lists.pdf", "pending.csv", "removed.csv", "repatriate.csv",
        "unscreened.csv"]
    with (tmp_path / "lists" / "unscreened.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["isn", "name_native", "name_latin", "compound", "detail",
                             "stations"]
    by_isn = {row["isn"]: row for row in rows}
    assert by_isn["NK-100099"]["name_native"] == "'=cmd|' /C calc'!A0"
    assert by_isn["NK-100099"]["name_latin"] == "'+Mallory"
    assert by_isn["CN-700002"]["stations"] == "KOJE-62 PUSAN-1"
    assert by_isn["CN-700002"]["name_native"] == "张小明"

    pdf = (tmp_path / "lists" / "merged-lists.pdf").read_bytes()
    checked = verify_pdf(pdf, [hq.root])
    assert checked.valid, checked.reason
    assert [s.signer for s in checked.signatures] == ["Headquarters"]
    assert checked.info.get("/ScreeningStationHeads") == "KOJE-62@0 PUSAN-1@0"


@needs_poppler
def test_the_pdf_shows_korean_and_chinese_names_in_every_section(hq, hq_held, tmp_path):
    populate(hq_held)
    merged_lists.export(hq, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "merged-lists.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for expected in ("all camps (merged)", "遣返名单 (2)", "拒绝遣返 (1)", "记录冲突 (1)",
                     "待定 (3)", "未面谈 (2)", "Signed by Headquarters",
                     "김민준", "이서연", "박지호", "王伟", "张小明", "최우진"):
        assert expected in text, expected


def test_a_locked_headquarters_writes_no_lists(hq_folder, hq_held, tmp_path):
    from screening_app.hq.headquarters import Headquarters

    populate(hq_held)
    locked = Headquarters.open_locked(hq_folder)
    try:
        with pytest.raises(HeadquartersLocked):
            merged_lists.export(locked, tmp_path / "lists")
    finally:
        locked.close()
    assert not (tmp_path / "lists").exists()
