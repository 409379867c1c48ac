"""Headquarters put back from an older copy of its store: a station's next bundle is refused
as a gap (nothing of it taken, one incident), headquarters' answer asks the station to send
again everything after the last event it still holds, and the station's next bundle is
taken whole. The request is signed like every down bundle, and one that is forged, damaged
or nonsensical is refused at the station; a fork stays a fork."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from screening_app.domain.canonical import GENESIS_HASH, utc_now
from screening_app.hq.databases import database_url, open_hq_store
from screening_app.hq.down import build_down_bundle
from screening_app.hq.intake import ChainBroken, EventsMissing, ingest
from screening_app.hq.resend import answer_gap
from screening_app.hq.store import database_path
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from screening_app.services import sync as sync_service
from screening_app.services.app import StationServices
from screening_app.store.sync_records import SyncRecords, SyncState
from screening_app.sync import bundle as bundles
from screening_app.sync.bundle import BundleError
from tests.conftest import PASSWORD, SMALL_ROSTER, unlock_personal_keys, write_csv
from tests.hq.conftest import export
from tests.hq.test_intake import second_station  # noqa: F401 -- a fixture
from tests.hq.test_web import client, live_server, post_bundle  # noqa: F401 -- fixtures

# Each kind of record by its key: at the station, and what headquarters holds of it.
KEYS = {"users": ("SELECT id FROM users", "SELECT id FROM users"),
        "subjects": ("SELECT isn FROM subjects", "SELECT isn FROM subjects"),
        "interviews": ("SELECT id FROM interviews WHERE status = 'final'",
                       "SELECT id FROM interviews"),
        "reviews": ("SELECT id FROM reviews", "SELECT id FROM reviews"),
        "documents": ("SELECT id FROM documents", "SELECT id FROM documents")}


# -- helpers ----------------------------------------------------------------------------------
def back_up(hq_folder: Path, to: Path) -> Path:
    """A copy of headquarters' store taken while it runs: SQLite's backup API, or on
    PostgreSQL its own tool (pg_dump), as the README tells an operator."""
    url = database_url(hq_folder)
    if url is not None:
        subprocess.run([str(_pg_tool("pg_dump")), "--format=custom", f"--file={to}",
                        f"--dbname={url}"], check=True, capture_output=True, timeout=120)
        return to
    source, target = sqlite3.connect(database_path(hq_folder)), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return to


def put_back(hq, hq_folder: Path, backup: Path) -> None:
    """Headquarters stopped, its store replaced by the copy, started again."""
    sealer = hq.store.sealer
    hq.store.close()
    url = database_url(hq_folder)
    if url is not None:
        subprocess.run([str(_pg_tool("pg_restore")), "--clean", "--if-exists",
                        "--single-transaction", f"--dbname={url}", str(backup)],
                       check=True, capture_output=True, timeout=120)
    else:
        database = database_path(hq_folder)
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        shutil.copy(backup, database)
    hq.store = open_hq_store(hq_folder)
    hq.store.sealer = sealer


def _pg_tool(name: str) -> Path:
    from tests.postgres_server import _binaries

    return _binaries() / name


def sync_by_stick(hq, station, folder: Path):
    """Export, ingest, answer and apply, as a courier would."""
    receipt = ingest(hq, export(station, folder / "up"))
    answer = build_down_bundle(hq, station.services.station.station_id, folder / "down")
    return receipt, station.services.sync.apply(station.supervisor, answer)


def assert_every_record_held_once(hq, station) -> None:
    station_id = station.services.station.station_id
    for kind, (ours, held) in KEYS.items():
        here = sorted(row[0] for row in station.services.station.db.execute(ours))
        if kind == "subjects":  # held sealed, found by keyed hashes: read through the store
            there = sorted(person.isn for person in hq.store.roster_people()
                           if person.station_id == station_id and person.source == "station")
        else:
            there = sorted(row[0] for row in hq.store.query(f"{held} WHERE station_id = ?",
                                                            [station_id]))
        assert there == here, kind


def assert_whole_chain(hq, station) -> None:
    """Headquarters holds the station's events from 1 on, each linked to the one before,
    exactly as the station has them."""
    station_id = station.services.station.station_id
    held = hq.store.query("SELECT seq, prev_hash, hash FROM events WHERE station_id = ?"
                          " ORDER BY seq", [station_id])
    assert [seq for seq, _, _ in held] == list(range(1, len(held) + 1))
    previous = GENESIS_HASH
    for _, prev_hash, hash_ in held:
        assert prev_hash == previous
        previous = hash_
    ours = station.services.station.db.execute(
        "SELECT seq, prev_hash, hash FROM events WHERE seq <= ? ORDER BY seq",
        [len(held)]).fetchall()
    assert [tuple(row) for row in held] == [tuple(row) for row in ours]
    assert hq.store.station(station_id).events_seq == len(held)


def add_records(station, tmp_path: Path, name: str, isn: str) -> None:
    """One of each kind of record: a person added to the roster and one moved, an
    interview with its form, an approval (a countersigned revision) and an account."""
    services = station.services
    rows = [{**SMALL_ROSTER[0], "compound": f"Compound {name}"},
            {**SMALL_ROSTER[4], "isn": isn, "name_latin": f"Zhang {name}"}]
    services.roster.import_file(station.admin, write_csv(tmp_path / f"{name}.csv", rows))
    record = services.transcription.record(station.interviewer, isn,
                                           {"answers": complete_answers("repatriate")},
                                           "paper")
    services.reviews.decide(station.supervisor, record.id, "approved",
                            reason="The signed paper form is complete.")
    services.accounts.add_user(station.admin, name, "interviewer", PASSWORD)


def acknowledgement_state(station) -> tuple:
    db = station.services.station.db
    return (SyncState(db).all(), dict(SyncRecords(db).acknowledged()))


def restore_after_first_bundle(hq, hq_folder, station, tmp_path, before_backup=()) -> int:
    """Headquarters takes bundles 1 and 2 from the station (both acknowledged there), and is
    then put back from a copy taken after bundle 1 (and after ``before_backup``, more
    stations synced). Returns the last event of the station it still holds."""
    sync_by_stick(hq, station, tmp_path / "1")
    for other in before_backup:
        sync_by_stick(hq, other, tmp_path / "other-1")
    held_seq = hq.store.station("TEST-01").events_seq
    backup = back_up(hq_folder, tmp_path / "hq-backup")
    add_records(station, tmp_path, "nadia", "CN-700101")
    sync_by_stick(hq, station, tmp_path / "2")
    assert SyncState(station.services.station.db).get("events_acked_seq") != str(held_seq)
    put_back(hq, hq_folder, backup)
    assert hq.store.station("TEST-01").events_seq == held_seq
    return held_seq


@pytest.fixture
def restored(hq, hq_folder, linked, tmp_path) -> int:
    return restore_after_first_bundle(hq, hq_folder, linked, tmp_path)


# -- (a) the gap closes ----------------------------------------------------------------------
def test_a_restored_headquarters_asks_for_what_it_lost_and_takes_it_whole(
        hq, hq_folder, linked, second_station, tmp_path):  # noqa: F811
    services = linked.services
    other = second_station
    restored = restore_after_first_bundle(hq, hq_folder, linked, tmp_path,
                                          before_backup=[other])
    # Headquarters lost bundle 2 and anything after: a record made since goes too.
    add_records(linked, tmp_path, "oleg", "CN-700102")
    incidents = len(hq.store.incidents())
    before = hq.store.query("SELECT count(*) FROM events")[0][0]

    three = export(linked, tmp_path / "3")
    with pytest.raises(EventsMissing, match=f"headquarters holds its events up to {restored}"
                       ) as refused:
        ingest(hq, three)
    assert isinstance(refused.value, ChainBroken)
    assert hq.store.query("SELECT count(*) FROM events")[0][0] == before  # nothing taken
    assert [(i.kind, i.file_name) for i in hq.store.incidents()[:1]] == [("gap", three.name)]
    assert len(hq.store.incidents()) == incidents + 1

    answer = answer_gap(hq, three, refused.value, tmp_path / "answer")
    assert answer.after_seq == restored
    asked = services.sync.apply(linked.supervisor, answer.path)
    assert asked.resend_from == restored + 1
    assert f"events from {restored + 1} on" in asked.summary()
    status = services.sync.status(linked.supervisor)
    assert status.events_acknowledged == restored
    # What the restored headquarters still holds stays acknowledged; what it lost does not.
    assert status.pending == {"users": 2, "protocols": 0, "subjects": 3, "interviews": 2,
                              "reviews": 2, "documents": 4}

    four = services.sync.export(linked.supervisor, tmp_path / "4")
    assert four.events_after == restored
    receipt = ingest(hq, four.path)
    assert receipt.added["interviews"] == 2 and receipt.added["documents"] == 4
    assert receipt.added["reviews"] == 2 and receipt.added["users"] == 2
    assert (receipt.added["subjects"], receipt.updated["subjects"]) == (2, 1)
    assert sum(receipt.duplicates.values()) == 0  # nothing it holds was sent again
    assert len(hq.store.incidents()) == incidents + 1

    # Every record once, as the station has it, and an unbroken chain.
    assert_every_record_held_once(hq, linked)
    assert_whole_chain(hq, linked)
    applied = services.sync.apply(linked.supervisor,
                                  build_down_bundle(hq, "TEST-01", tmp_path / "down4"))
    assert applied.not_matching == [] and applied.resend_from is None
    assert sum(services.sync.status(linked.supervisor).pending.values()) == 0

    # The second station, whose bundle the copy holds, is not affected.
    receipt, applied = sync_by_stick(hq, other, tmp_path / "other-2")
    assert receipt.added["events"] > 0 and applied.resend_from is None
    assert sum(receipt.duplicates.values()) == 0
    assert sum(other.services.sync.status(other.supervisor).pending.values()) == 0
    assert_every_record_held_once(hq, other)
    assert_whole_chain(hq, other)


def test_publications_headquarters_lost_do_not_hide_new_ones(hq, hq_folder, linked,
                                                             tmp_path):
    """The copy's outbox numbers what headquarters publishes next as the lost entries were:
    after the resend request the station has applied exactly what it holds."""
    from screening_app.hq.down import publish_roster

    sync_by_stick(hq, linked, tmp_path / "1")
    backup = back_up(hq_folder, tmp_path / "hq-backup")
    lost = [{**SMALL_ROSTER[0], "compound": "Compound lost"}]
    publish_roster(hq, write_csv(tmp_path / "lost.csv", lost), "TEST-01")
    sync_by_stick(hq, linked, tmp_path / "2")
    put_back(hq, hq_folder, backup)
    published = [{**SMALL_ROSTER[0], "compound": "Compound new"}]
    publish_roster(hq, write_csv(tmp_path / "new.csv", published), "TEST-01")

    three = export(linked, tmp_path / "3")
    with pytest.raises(EventsMissing) as refused:
        ingest(hq, three)
    answer = answer_gap(hq, three, refused.value, tmp_path / "answer")
    applied = linked.services.sync.apply(linked.supervisor, answer.path)
    assert applied.roster_updated == 1
    compound = linked.services.station.db.execute(
        "SELECT compound FROM subjects WHERE isn = ?", [SMALL_ROSTER[0]["isn"]]).fetchone()
    assert compound[0] == "Compound new"
    ingest(hq, export(linked, tmp_path / "4"))
    assert_whole_chain(hq, linked)


def test_a_copy_from_before_the_station_was_registered(hq, hq_folder, records_station,
                                                       tmp_path):
    """The copy predates the station: registered again, it is asked for everything, and
    the answer is encrypted to the key its refused bundle named."""
    from tests.hq.conftest import register, trust

    backup = back_up(hq_folder, tmp_path / "hq-backup")
    register(hq, records_station)
    trust(records_station, hq_folder)
    sync_by_stick(hq, records_station, tmp_path / "1")
    put_back(hq, hq_folder, backup)
    register(hq, records_station)
    one = export(records_station, tmp_path / "2")
    with pytest.raises(EventsMissing, match="headquarters holds its events up to 0") as gap:
        ingest(hq, one)
    answer = answer_gap(hq, one, gap.value, tmp_path / "answer")
    asked = records_station.services.sync.apply(records_station.supervisor, answer.path)
    assert asked.resend_from == 1
    sync_by_stick(hq, records_station, tmp_path / "3")
    assert_every_record_held_once(hq, records_station)
    assert_whole_chain(hq, records_station)


def test_an_older_station_is_refused_as_before(hq, linked, restored, tmp_path, monkeypatch):
    """A station that does not say it applies resend requests gets the plain refusal."""
    monkeypatch.setattr(sync_service, "SYNC_VERSION", 1)
    three = export(linked, tmp_path / "3")
    with pytest.raises(EventsMissing) as refused:
        ingest(hq, three)
    assert answer_gap(hq, three, refused.value, tmp_path / "answer") is None


# -- (b) a forged, damaged or nonsensical request is refused at the station --------------------
def down_bundle(hq, station, folder: Path, manifest_change, signer=None) -> Path:
    """A down bundle for the station whose manifest is changed as given, signed by
    headquarters (or by ``signer``: a key and its chain)."""
    held = hq.store.station("TEST-01")
    manifest = {"station_id": "TEST-01", "outbox_through": hq.store.outbox_through(),
                "created_at": utc_now(),
                "events": {"seq": held.events_seq, "hash": held.events_hash},
                "resend": {"after_seq": held.events_seq, "after_hash": held.events_hash}}
    manifest_change(manifest)
    identity = hq.signing_identity
    key, chain = signer or (identity.key, (identity.certificate, *identity.chain))

    def produce(writer):
        writer.add_json("manifest.json", manifest)
        writer.add_records("acks", [])

    path, _, _ = bundles.write_bundle(
        folder, kind=bundles.DOWN, sender="headquarters", recipient="TEST-01",
        age_recipient=held.age_recipient, signer_key=key, signer_chain=chain,
        produce=produce)
    return path


def beyond_the_chain(manifest):
    far = {"seq": 10_000, "hash": "a" * 64}
    manifest["events"] = far
    manifest["resend"] = {"after_seq": far["seq"], "after_hash": far["hash"]}


def another_hash(manifest):
    manifest["events"]["hash"] = manifest["resend"]["after_hash"] = "b" * 64


def contradicting(manifest):
    manifest["resend"]["after_seq"] -= 1


def not_an_object(manifest):
    manifest["resend"] = "everything"


@pytest.mark.parametrize(("change", "refusal"), [
    (beyond_the_chain, "headquarters holds 10000 events of this station but this database"
                       " has only"),
    (another_hash, "headquarters holds a different history of this station \\(event"),
    (contradicting, "its manifest is not readable"),
    (not_an_object, "its manifest is not readable"),
])
def test_a_nonsensical_resend_request_is_refused(hq, linked, restored, tmp_path, change,
                                                 refusal):
    before = acknowledgement_state(linked)
    path = down_bundle(hq, linked, tmp_path / "down", change)
    with pytest.raises(BundleError, match=refusal) as refused:
        linked.services.sync.apply(linked.supervisor, path)
    assert str(refused.value).count(". ") <= 1  # one sentence (and "Nothing was applied")
    assert acknowledgement_state(linked) == before


def test_a_forged_or_damaged_resend_request_is_refused(hq, linked, restored, tmp_path,
                                                       test_keys):
    before = acknowledgement_state(linked)
    key, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    csr = certificates.create_csr(key, "Headquarters", "Elsewhere")
    forged_certificate = certificates.issue_certificate(key, other_root, csr)
    forged = down_bundle(hq, linked, tmp_path / "forged", lambda manifest: None,
                         signer=(key, (forged_certificate, other_root)))
    with pytest.raises(BundleError, match="not issued by our certificate authority"):
        linked.services.sync.apply(linked.supervisor, forged)
    damaged = down_bundle(hq, linked, tmp_path / "damaged", lambda manifest: None)
    data = bytearray(damaged.read_bytes())
    data[len(bundles.MAGIC) + 100] ^= 0x01
    damaged.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="was altered after it was signed"):
        linked.services.sync.apply(linked.supervisor, damaged)
    assert acknowledgement_state(linked) == before


# -- (c) a fork stays a fork ----------------------------------------------------------------------
def test_a_fork_is_refused_as_before_and_asks_for_nothing(hq, linked, tmp_path):
    """The station is put back from an older copy after headquarters took later events:
    another event where headquarters holds one is a fork, never a resend request."""
    services = linked.services
    database = linked.data_dir / "station.sqlite3"
    services.station.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backup = tmp_path / "station-backup.sqlite3"
    shutil.copy(database, backup)
    services.transcription.record(linked.interviewer, "CN-700002",
                                  {"answers": complete_answers("enlist")}, "paper")
    ingest(hq, export(linked, tmp_path / "one"))
    services.close()
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    shutil.copy(backup, database)
    linked.services = services = StationServices.unlock(linked.data_dir, "admin", PASSWORD)[0]
    unlock_personal_keys(services, "ivan")
    services.transcription.record(linked.interviewer, "CN-700002",
                                  {"answers": complete_answers("repatriate")}, "paper")
    path = export(linked, tmp_path / "two")
    with pytest.raises(ChainBroken, match="differs from the one headquarters holds") as fork:
        ingest(hq, path)
    assert not isinstance(fork.value, EventsMissing)
    assert hq.store.incidents()[0].kind == "fork"
    assert answer_gap(hq, path, fork.value, tmp_path / "answer") is None


# -- over HTTP ------------------------------------------------------------------------------------
def test_a_push_to_a_restored_headquarters_sends_again_what_it_lost(
        hq, hq_folder, linked, live_server, tmp_path):  # noqa: F811
    services = linked.services
    services.sync.push(linked.supervisor, live_server, timeout=60)
    held_seq = hq.store.station("TEST-01").events_seq
    backup = back_up(hq_folder, tmp_path / "hq-backup")
    add_records(linked, tmp_path, "nadia", "CN-700101")
    services.sync.push(linked.supervisor, live_server, timeout=60)
    put_back(hq, hq_folder, backup)

    exported, applied = services.sync.push(linked.supervisor, live_server, timeout=60)
    assert exported.events_after == held_seq
    assert applied.resent_from == held_seq + 1 and applied.not_matching == []
    assert "they were sent again" in applied.summary()
    assert sum(services.sync.status(linked.supervisor).pending.values()) == 0
    assert [incident.kind for incident in hq.store.incidents()] == ["gap"]
    assert_every_record_held_once(hq, linked)
    assert_whole_chain(hq, linked)


def test_the_http_answer_to_a_gap_is_a_409_with_the_request_or_the_plain_refusal(
        hq, linked, restored, client, tmp_path, monkeypatch):  # noqa: F811
    response = post_bundle(client, export(linked, tmp_path / "3"))
    assert response.status_code == 409
    assert response.headers["X-Resend-Events-After"] == str(restored)
    assert "are missing" in response.headers["X-Refusal"]
    answer = tmp_path / "answer.scb"
    answer.write_bytes(response.content)
    assert bundles.read_header(answer).header.kind == bundles.DOWN

    monkeypatch.setattr(sync_service, "SYNC_VERSION", 1)  # a station of an older version
    response = post_bundle(client, export(linked, tmp_path / "3-old"))
    assert response.status_code == 409 and "X-Resend-Events-After" not in response.headers
    assert "are missing" in response.json()["error"]
