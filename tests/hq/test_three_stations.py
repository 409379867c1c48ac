"""Three camps with overlapping rosters and a transfer, synced to one headquarters: every
person counted once in the merged lists, the transferred person's contradicting choices in
the conflict queue, and replayed, corrupt and unknown bundles refused without a trace in
the records."""

import pytest

from screening_app.hq import merged_lists
from screening_app.hq.down import build_down_bundle
from screening_app.hq.intake import UnknownStation, ingest
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import init_station
from screening_app.sync.bundle import BundleError
from tests.conftest import (
    PASSWORD,
    StationFixture,
    install_test_certificate,
    install_test_user_certificate,
    write_csv,
)
from tests.hq.conftest import export, register, table_counts, trust


def person(number: int, native: str, latin: str, nationality: str) -> dict:
    prefix = "NK" if nationality == "Korean" else "CN"
    return {"isn": f"{prefix}-30000{number}", "name_native": native, "name_latin": latin,
            "nationality": nationality, "rank": "Private", "unit": "Unit", "camp": "",
            "compound": f"Compound {60 + number}", "birth_year": "1929"}


PEOPLE = {n: person(n, native, latin, nationality) for n, native, latin, nationality in (
    (1, "김철수", "Kim Chol-su", "Korean"), (2, "박영희", "Pak Yong-hui", "Korean"),
    (3, "최동현", "Choe Dong-hyon", "Korean"), (4, "李明", "Li Ming", "Chinese"),
    (5, "정수민", "Jong Su-min", "Korean"), (6, "陈刚", "Chen Gang", "Chinese"),
    (7, "한지원", "Han Ji-won", "Korean"), (8, "刘洋", "Liu Yang", "Chinese"))}


def isn(number: int) -> str:
    return PEOPLE[number]["isn"]


def make_station(tmp_path, test_keys, station_id: str, camp: str,
                 people: list[int]) -> StationFixture:
    data_dir = tmp_path / station_id
    services = init_station(data_dir, station_id, camp, "admin", PASSWORD)
    admin = services.sign_in("admin", PASSWORD)
    install_test_certificate(services, admin, test_keys)
    supervisor = services.accounts.add_user(admin, "sup", "supervisor", PASSWORD)
    install_test_user_certificate(services, supervisor, test_keys)
    interviewer = services.accounts.add_user(admin, "ivan", "interviewer", PASSWORD)
    install_test_user_certificate(services, interviewer, test_keys)
    rows = [dict(PEOPLE[n], camp=camp) for n in people]
    services.roster.import_file(admin, write_csv(tmp_path / f"{station_id}.csv", rows))
    return StationFixture(services, admin, supervisor, interviewer, interviewer, data_dir)


def screen(station: StationFixture, number: int, choice: str) -> None:
    record = station.services.transcription.record(
        station.interviewer, isn(number), {"answers": complete_answers(choice)}, "paper")
    station.services.reviews.decide(station.supervisor, record.id, "approved",
                                    reason="The signed paper form is complete.")


@pytest.fixture
def camps(hq, hq_folder, tmp_path, test_keys):
    koje_a = make_station(tmp_path, test_keys, "KOJE-A", "Koje-do", [1, 2, 3, 4])
    koje_b = make_station(tmp_path, test_keys, "KOJE-B", "Koje-do", [3, 4, 5, 6])
    cheju = make_station(tmp_path, test_keys, "CHEJU-C", "Cheju-do", [4, 6, 7, 8])
    for station in (koje_a, koje_b, cheju):
        register(hq, station)
        trust(station, hq_folder)
    screen(koje_a, 1, "repatriate")
    screen(koje_a, 3, "enlist")
    screen(koje_a, 4, "repatriate")  # then transferred to Cheju-do...
    screen(koje_b, 3, "enlist")  # the same choice at a second camp: no contradiction
    screen(koje_b, 5, "repatriate")
    screen(cheju, 4, "enlist")  # ...where the same person chose differently
    screen(cheju, 6, "repatriate")
    yield koje_a, koje_b, cheju
    for station in (koje_a, koje_b, cheju):
        station.services.close()


def test_three_camps_merge_into_one_list_with_the_transfer_in_the_conflict_queue(
        hq, camps, tmp_path):
    koje_a, koje_b, cheju = camps
    receipts = {station.services.station.station_id: ingest(hq, export(
        station, tmp_path / "stick"), via="file") for station in camps}
    assert receipts["KOJE-A"].conflicts == [] and receipts["KOJE-B"].conflicts == []
    assert receipts["CHEJU-C"].conflicts == [isn(4)]

    lists = merged_lists.build(hq.store)
    expected = {1: "repatriate", 2: "unscreened", 3: "removed", 4: "conflicts",
                5: "repatriate", 6: "repatriate", 7: "unscreened", 8: "unscreened"}
    assert {n: lists.where(isn(n)) for n in PEOPLE} == expected
    everyone = [row.isn for rows in lists.rows.values() for row in rows]
    assert sorted(everyone) == sorted(isn(n) for n in PEOPLE)  # each person exactly once

    # Each camp applies what headquarters answers: everything it sent is acknowledged.
    for station in camps:
        station_id = station.services.station.station_id
        answer = build_down_bundle(hq, station_id, tmp_path / "down" / station_id)
        applied = station.services.sync.apply(station.supervisor, answer)
        assert applied.acknowledged["interviews"] >= 2
        status = station.services.sync.status(station.supervisor)
        assert status.pending["interviews"] == 0 and status.pending["documents"] == 0


def test_replayed_corrupt_and_unknown_bundles_change_no_record(hq, hq_folder, camps, tmp_path,
                                                                test_keys):
    koje_a, _, _ = camps
    first = export(koje_a, tmp_path / "stick")
    ingest(hq, first)
    before = table_counts(hq)

    replay = ingest(hq, first)
    assert replay.already_ingested and table_counts(hq) == before

    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0x20
    corrupt = tmp_path / "corrupt.scb"
    corrupt.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="altered"):
        ingest(hq, corrupt)
    after = table_counts(hq)
    assert after["incidents"] == before["incidents"] + 1
    assert {k: v for k, v in after.items() if k != "incidents"} == \
        {k: v for k, v in before.items() if k != "incidents"}

    stranger = make_station(tmp_path, test_keys, "PUSAN-X", "Pusan", [7])
    try:
        trust(stranger, hq_folder)
        screen(stranger, 7, "enlist")
        with pytest.raises(UnknownStation, match="PUSAN-X"):
            ingest(hq, export(stranger, tmp_path / "stranger"))
    finally:
        stranger.services.close()
    assert merged_lists.build(hq.store).where(isn(7)) is None  # nothing of it was taken in
    assert table_counts(hq)["interviews"] == before["interviews"]
