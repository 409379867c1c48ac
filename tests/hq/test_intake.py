"""Intake of real station bundles: everything is stored as the station has it, a bundle
twice changes nothing, and every kind of refusal leaves one incident and nothing else."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest

from screening_app.domain.canonical import GENESIS_HASH, chain_hash
from screening_app.hq import intake_records
from screening_app.hq.databases import open_hq_store
from screening_app.hq.down import build_down_bundle
from screening_app.hq.intake import (
    ChainBroken,
    RecordDiffers,
    RevokedStation,
    UnknownStation,
    ingest,
)
from screening_app.hq.registry import list_stations, revoke_station
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices, init_station
from screening_app.store.events import event_content
from screening_app.store.interviews import InterviewRepository
from screening_app.sync import bundle as bundles
from screening_app.sync.bundle import BundleError
from tests.conftest import (
    PASSWORD,
    change_sealed_choice,
    install_test_certificate,
    install_test_user_certificate,
    replace_stored_form,
    stored_forms,
    unlock_personal_keys,
)
from tests.hq.conftest import (
    APPROVAL_NOTE,
    HQ_PASSPHRASE,
    export,
    flush_to_files,
    register,
    sqlite_only,
    table_counts,
    trust,
)


def station_rows(station, sql: str) -> list:
    return station.services.station.db.execute(sql).fetchall()


def test_a_first_bundle_is_stored_as_the_station_has_it(hq, linked, tmp_path):
    path = export(linked, tmp_path / "out")
    receipt = ingest(hq, path)
    assert (receipt.station_id, receipt.already_ingested) == ("TEST-01", False)
    assert receipt.added == {
        "users": 4, "protocols": 1, "subjects": 5, "interviews": 4, "reviews": 2,
        "documents": 5, "events": station_rows(linked, "SELECT count(*) FROM events"
                                               " WHERE kind != 'sync.exported'")[0][0]}
    station = linked.services.station
    outcomes = InterviewRepository(station.db, station.review).final_outcomes()  # opened
    held_interviews = [(interview_id, sha, hq.store.interview_record(interview_id)["choice"])
                       for interview_id, sha in hq.store.query(
                           "SELECT id, record_sha256 FROM interviews")]
    assert sorted(held_interviews) == \
        sorted((interview_id, sha, outcomes[interview_id][1]) for interview_id, sha in
               station_rows(linked, "SELECT id, record_sha256 FROM interviews"))
    assert sorted((document_id, hq.store.document_content(document_id)) for (document_id,)
                  in hq.store.query("SELECT id FROM documents")) == \
        sorted(stored_forms(linked.services))  # opened: the bundle carries the PDFs
    assert sorted(hq.store.query("SELECT id, state FROM reviews")) == \
        sorted(station_rows(linked, "SELECT id, state FROM reviews"))
    station = hq.store.station("TEST-01")
    head = station_rows(linked, "SELECT seq, hash FROM events WHERE kind != 'sync.exported'"
                                " ORDER BY seq DESC LIMIT 1")[0]
    assert (station.events_seq, station.events_hash) == tuple(head)
    assert station.age_recipient.startswith("age1") and station.last_bundle_id == \
        receipt.bundle_id
    entry = list_stations(hq)[0]
    assert (entry.interviews, entry.documents, entry.reviews, entry.subjects) == (4, 5, 2, 5)
    assert hq.store.bundle(receipt.bundle_id).added == receipt.added
    assert hq.store.incidents() == []


def test_an_approval_note_reaches_headquarters_with_its_review(hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "out"))
    sql = "SELECT id, state, reason, comment, reviewer_id, at FROM reviews"
    held = sorted((r["id"], r["state"], r["reason"], r["comment"], r["reviewer_id"], r["at"])
                  for r in hq.store.reviews("TEST-01"))
    assert held == sorted(station_rows(linked, sql))
    approved = [row for row in held if row[1] == "approved"]
    assert [(row[2], row[3]) for row in approved] == [(APPROVAL_NOTE,
                                                       "Checked against the paper.")]


def test_the_same_bundle_twice_changes_nothing(hq, linked, tmp_path):
    path = export(linked, tmp_path / "out")
    first = ingest(hq, path)
    before = table_counts(hq)
    again = ingest(hq, path, via="http")
    assert again.already_ingested and again.bundle_id == first.bundle_id
    assert again.added == first.added
    assert table_counts(hq) == before


def test_records_sent_again_are_no_ops_and_only_new_ones_are_added(hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "one"))
    before = table_counts(hq)
    services = linked.services
    services.transcription.record(linked.interviewer, "CN-700002",
                                  {"answers": complete_answers("enlist")}, "paper")
    # No acknowledgement reached the station: its second bundle repeats everything.
    receipt = ingest(hq, export(linked, tmp_path / "two"))
    assert receipt.added["interviews"] == 1 and receipt.added["documents"] == 1
    assert receipt.duplicates["interviews"] == 4 and receipt.duplicates["documents"] == 5
    assert receipt.duplicates["events"] == hq.store.station("TEST-01").events_seq - \
        receipt.added["events"]
    after = table_counts(hq)
    assert (after["interviews"], after["documents"]) == (before["interviews"] + 1,
                                                          before["documents"] + 1)


def test_after_acknowledgements_the_next_bundle_carries_only_what_is_new(hq, linked,
                                                                         tmp_path):
    services = linked.services
    ingest(hq, export(linked, tmp_path / "one"))
    applied = services.sync.apply(linked.supervisor,
                                  build_down_bundle(hq, "TEST-01", tmp_path / "down"))
    assert applied.not_matching == []
    assert sum(services.sync.status(linked.supervisor).pending.values()) == 0
    services.reviews.decide(linked.supervisor, linked.finals[2].id, "approved",
                            reason="The signed paper form is complete.")
    result = services.sync.export(linked.supervisor, tmp_path / "two")
    assert result.counts["interviews"] == 0 and result.counts["reviews"] == 1
    receipt = ingest(hq, result.path)
    assert receipt.added["reviews"] == 1 and receipt.added["documents"] == 1  # countersigned
    assert receipt.duplicates.get("interviews", 0) == 0
    station = hq.store.station("TEST-01")
    assert station.events_seq == result.events_through


def test_a_users_change_replaces_the_row_held(hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "one"))
    linked.services.accounts.add_user(linked.admin, "new-interviewer", "interviewer",
                                      PASSWORD)
    receipt = ingest(hq, export(linked, tmp_path / "two"))
    assert receipt.added["users"] == 1
    assert "new-interviewer" in hq.store.user_names("TEST-01")


def test_an_older_bundle_arriving_late_does_not_bring_back_older_rows(hq, linked, tmp_path):
    """Two bundles from the same station reach headquarters in the wrong order (a courier's
    stick after the HTTP push): the older one adds nothing and changes nothing."""
    from tests.conftest import SMALL_ROSTER, write_csv

    older = export(linked, tmp_path / "one")
    moved = [{**row, "compound": "Compound 99"} if row["isn"] == "NK-100001" else row
             for row in SMALL_ROSTER]
    linked.services.roster.import_file(linked.admin, write_csv(tmp_path / "r.csv", moved))
    ingest(hq, export(linked, tmp_path / "two"))
    station = hq.store.station("TEST-01")
    late = ingest(hq, older)
    assert late.added == {} and not late.already_ingested
    assert late.duplicates["interviews"] == 4 and late.duplicates["events"] > 0
    (compound,) = [person.compound for person in hq.store.roster_people()
                   if person.isn == "NK-100001"]
    assert compound == "Compound 99"
    after = hq.store.station("TEST-01")
    assert (after.events_seq, after.events_hash) == (station.events_seq, station.events_hash)


# -- refusals -----------------------------------------------------------------------------
def refused(hq, path, error, match: str, kind: str):
    before = table_counts(hq)
    station_before = hq.store.station("TEST-01")
    with pytest.raises(error, match=match) as caught:
        ingest(hq, path)
    after = table_counts(hq)
    assert after["incidents"] == before["incidents"] + 1
    assert {**after, "incidents": 0} == {**before, "incidents": 0}
    assert hq.store.station("TEST-01") == station_before
    incident = hq.store.incidents(limit=1)[0]
    assert (incident.kind, incident.reason, incident.file_name) == (kind, str(caught.value),
                                                                    path.name)
    return caught.value


def test_an_unregistered_station_is_refused(hq, hq_folder, records_station, tmp_path):
    trust(records_station, hq_folder)
    path = export(records_station, tmp_path / "out")
    refused(hq, path, UnknownStation, "signed by 'Station TEST-01', which is not a registered"
            " station", "unknown_station")


def test_a_revoked_station_is_refused(hq, linked, tmp_path):
    revoke_station(hq, "TEST-01", "laptop stolen")
    path = export(linked, tmp_path / "out")
    error = refused(hq, path, RevokedStation, "revoked on .* \\(laptop stolen\\)",
                    "revoked_station")
    assert hq.store.incidents()[0].station_id == "TEST-01"
    assert isinstance(error, BundleError)


def test_a_bundle_signed_by_another_ca_is_refused(hq, linked, tmp_path):
    key, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    csr = certificates.create_csr(key, "Station TEST-01", "Elsewhere", unit="Koje-do")
    forged_certificate = certificates.issue_certificate(key, other_root, csr)
    path, _, _ = bundles.write_bundle(
        tmp_path / "forged", kind=bundles.UP, sender="TEST-01", recipient="headquarters",
        age_recipient=hq.age_recipient, signer_key=key,
        signer_chain=(forged_certificate, other_root),
        produce=lambda writer: writer.add_json("manifest.json", {"station_id": "TEST-01"}))
    refused(hq, path, BundleError, "whose certificate was not issued by our certificate"
            " authority", "refused")


def test_an_altered_bundle_is_refused(hq, linked, tmp_path):
    path = export(linked, tmp_path / "out")
    data = bytearray(path.read_bytes())
    data[len(bundles.MAGIC) + 500] ^= 0x01
    path.write_bytes(bytes(data))
    refused(hq, path, BundleError, "was altered after it was signed", "refused")


def test_a_bundle_for_a_station_is_not_taken_in(hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "out"))
    down = build_down_bundle(hq, "TEST-01", tmp_path / "down")
    refused(hq, down, BundleError, "is a bundle for a station, not one from a station",
            "refused")


def restore(path, backup) -> None:
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.copy(backup, path)


def test_a_station_restored_from_an_old_copy_is_a_fork_naming_the_event(hq, linked,
                                                                        tmp_path):
    """The station's database is put back from a backup after headquarters took in later
    events; the history it then writes differs from what headquarters holds."""
    services = linked.services
    database = linked.data_dir / "station.sqlite3"
    services.station.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(database, backup)
    fork_at = station_rows(linked, "SELECT max(seq) FROM events")[0][0] + 1
    services.transcription.record(linked.interviewer, "CN-700002",
                                  {"answers": complete_answers("enlist")}, "paper")
    ingest(hq, export(linked, tmp_path / "one"))
    services.close()
    restore(database, backup)
    linked.services = services = StationServices.unlock(linked.data_dir, "admin", PASSWORD)[0]
    unlock_personal_keys(services, "ivan")
    services.transcription.record(linked.interviewer, "CN-700002",
                                  {"answers": complete_answers("repatriate")}, "paper")
    path = export(linked, tmp_path / "two")
    error = refused(hq, path, ChainBroken, f"event {fork_at} of station TEST-01 differs"
                    " from the one headquarters holds", "fork")
    assert "events/000001.jsonl, line" in str(error)


def test_events_headquarters_lost_are_a_gap_naming_them(hq, hq_folder, linked, tmp_path):
    """Headquarters' database is put back from a backup after the station was told its
    events were held: the station's next bundle starts after events headquarters lacks."""
    services = linked.services
    ingest(hq, export(linked, tmp_path / "one"))
    sqlite_only(hq)
    held_seq = hq.store.station("TEST-01").events_seq
    flush_to_files(hq)
    backup = tmp_path / "hq-backup.sqlite3"
    shutil.copy(hq_folder / "hq.sqlite3", backup)
    services.transcription.record(linked.interviewer, "CN-700002",
                                  {"answers": complete_answers("enlist")}, "paper")
    ingest(hq, export(linked, tmp_path / "two"))
    services.sync.apply(linked.supervisor, build_down_bundle(hq, "TEST-01", tmp_path / "d"))
    acknowledged = hq.store.station("TEST-01").events_seq
    hq.store.close()
    restore(hq_folder / "hq.sqlite3", backup)
    hq.store = reopened(hq_folder, hq.store)
    refused(hq, export(linked, tmp_path / "three"), ChainBroken,
            f"events {held_seq + 1}..{acknowledged} of station TEST-01 are missing", "gap")


def test_a_review_changed_at_the_station_after_it_was_sent_differs(hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "one"))
    db = linked.services.station.db
    db.execute("DROP TRIGGER reviews_refuse_update")
    review_id = db.execute("SELECT id FROM reviews WHERE state = 'sent_back'").fetchone()[0]
    db.execute("UPDATE reviews SET state = 'approved', reason = NULL WHERE id = ?",
               [review_id])
    refused(hq, export(linked, tmp_path / "two"), RecordDiffers,
            f"reviews/000001.jsonl, line .*: review {review_id} differs from the record"
            " headquarters holds", "differs")


def test_a_record_rewritten_with_a_new_hash_differs(hq, linked, tmp_path):
    """Someone with the database changes a choice and recomputes the record's hash: the
    record headquarters already holds says otherwise."""
    ingest(hq, export(linked, tmp_path / "one"))
    services = linked.services
    db = services.station.db
    interview_id = linked.finals[0].id
    change_sealed_choice(services, interview_id, "repatriate")
    forged = services.interviews._repo.get(interview_id)
    db.execute("UPDATE interviews SET record_sha256 = ? WHERE id = ?",
               [forged.computed_hash(), interview_id])
    refused(hq, export(linked, tmp_path / "two"), RecordDiffers,
            f"interview {interview_id} differs from the record headquarters holds",
            "differs")


def test_a_form_altered_at_the_station_is_refused_naming_its_file(hq, linked, tmp_path):
    document_id, content = stored_forms(linked.services, "revision = 1")[0]
    replace_stored_form(linked.services, document_id, content + b"\n% appended\n")
    refused(hq, export(linked, tmp_path / "out"), BundleError,
            f"files/{document_id}.pdf \\(the form of interview .*\\): The PDF has 12 bytes"
            " added after its last signature", "refused")


def test_a_bundle_refused_before_its_station_was_registered_is_then_taken_in_whole(
        hq, hq_folder, records_station, tmp_path):
    trust(records_station, hq_folder)
    path = export(records_station, tmp_path / "out")
    with pytest.raises(UnknownStation):
        ingest(hq, path)
    register(hq, records_station)
    receipt = ingest(hq, path)
    assert receipt.added["interviews"] == 4 and not receipt.already_ingested
    assert len(hq.store.incidents()) == 1


# -- two stations ----------------------------------------------------------------------------
@pytest.fixture
def second_station(tmp_path, test_keys, hq, hq_folder):
    services = init_station(tmp_path / "station2", "TEST-02", "Pusan", "admin", PASSWORD)
    admin = services.sign_in("admin", PASSWORD)
    install_test_certificate(services, admin, test_keys)
    supervisor = services.accounts.add_user(admin, "sung", "supervisor", PASSWORD)
    install_test_user_certificate(services, supervisor, test_keys)
    station = SimpleNamespace(services=services, admin=admin, supervisor=supervisor)
    from tests.conftest import SMALL_ROSTER, write_csv

    services.roster.import_file(admin, write_csv(tmp_path / "r2.csv", SMALL_ROSTER))
    register(hq, station)
    trust(station, hq_folder)
    yield station
    services.close()


def test_two_stations_contradicting_each_other_open_a_conflict(hq, linked, second_station,
                                                               tmp_path):
    first = ingest(hq, export(linked, tmp_path / "one"))
    assert first.conflicts == []
    services = second_station.services
    services.transcription.record(second_station.supervisor, "NK-100001",
                                  {"answers": complete_answers("repatriate")}, "paper")
    receipt = ingest(hq, export(second_station, tmp_path / "two"))
    assert receipt.conflicts == ["NK-100001"]
    assert [c.isn for c in hq.store.conflicts("open")] == ["NK-100001"]
    assert {s.station_id: s.events_seq > 0 for s in list_stations(hq)} == {
        "TEST-01": True, "TEST-02": True}
    assert hq.store.station("TEST-02").events_hash != GENESIS_HASH


def test_a_stations_intake_does_not_wait_for_another_stations(hq, linked, second_station,
                                                                tmp_path, monkeypatch):
    """On PostgreSQL, intakes of two stations run side by side. Stations share their
    protocol, and the second to store it waited for the first's whole intake to commit."""
    if hq.store.serialises_writers:
        pytest.skip("SQLite takes in one bundle at a time")
    second_station.services.transcription.record(
        second_station.supervisor, "NK-100001", {"answers": complete_answers("enlist")},
        "paper")
    first, second = export(linked, tmp_path / "one"), export(second_station, tmp_path / "two")
    in_first, go_on = threading.Event(), threading.Event()
    take_file = intake_records.BundleIntake._take_file

    def held_in_the_middle(intake, member):
        if intake._id == "TEST-01" and not in_first.is_set():
            in_first.set()  # the first intake has taken its protocol, roster and records
            go_on.wait(timeout=120)
        return take_file(intake, member)

    monkeypatch.setattr(intake_records.BundleIntake, "_take_file", held_in_the_middle)
    receipts = {}

    def take_in(path, key):
        own = hq.with_new_connection()
        try:
            receipts[key] = ingest(own, path)
        finally:
            own.close()

    first_intake = threading.Thread(target=take_in, args=(first, "first"))
    first_intake.start()
    try:
        assert in_first.wait(timeout=60)
        second_intake = threading.Thread(target=take_in, args=(second, "second"))
        second_intake.start()
        second_intake.join(timeout=60)
        finished_while_the_first_ran = not second_intake.is_alive()
    finally:
        go_on.set()
        first_intake.join(timeout=120)
    second_intake.join(timeout=60)
    assert finished_while_the_first_ran
    assert receipts["first"].added["protocols"] == receipts["second"].added["protocols"] == 1
    assert hq.store.query("SELECT count(*) FROM protocols")[0][0] == 1
    assert hq.store.query("SELECT count(*) FROM station_protocols")[0][0] == 2


def reopened(hq_folder, closed):
    """The store opened again after ``closed``, sealing with the same data key."""
    store = open_hq_store(hq_folder)
    store.sealer = closed.sealer
    return store


# -- a process killed in the middle of intake --------------------------------------------------
CHILD = """
import sys
from screening_app.hq import intake_records
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.intake import ingest

folder, passphrase, bundle = sys.argv[1:4]
hq = Headquarters.open(folder, passphrase)
# A small page cache, so the transaction's pages spill into the WAL file before it commits.
hq.store.db.execute("PRAGMA cache_size=-64")
take_file = intake_records.BundleIntake._take_file
stored = []

def take_file_then_wait(self, member):
    take_file(self, member)
    stored.append(member.name)
    if len(stored) == 3:  # three forms stored, two to go: wait here to be killed
        print("inside", flush=True)
        sys.stdin.readline()

intake_records.BundleIntake._take_file = take_file_then_wait
ingest(hq, bundle)
print("finished", flush=True)
"""


@pytest.mark.slow
def test_a_process_killed_during_intake_leaves_nothing_of_the_bundle(hq, hq_folder, linked,
                                                                    tmp_path):
    sqlite_only(hq)
    path = export(linked, tmp_path / "out")
    before = table_counts(hq)
    station_before = hq.store.station("TEST-01")
    wal = hq_folder / "hq.sqlite3-wal"
    flush_to_files(hq)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(hq_folder), HQ_PASSPHRASE,
                              str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "inside", child.stderr.read()
        assert wal.stat().st_size > 200_000  # the forms stored so far are on disk, uncommitted
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()

    hq.store.close()
    hq.store = reopened(hq_folder, hq.store)
    assert hq.store.integrity_problems() == []
    assert table_counts(hq) == before
    assert hq.store.station("TEST-01") == station_before
    receipt = ingest(hq, path)
    assert not receipt.already_ingested
    assert receipt.added["documents"] == 5 and receipt.added["interviews"] == 4


# -- bundles signed with the station's own key but not as a station writes them ---------------
def members_of(hq, path) -> list[list]:
    sealed = bundles.read_header(path)
    return [[member.name, member.read()] for member in bundles.open_members(
        sealed, hq.age_identity)]


def resigned(station, hq, path, members, folder) -> object:
    """The bundle's members, changed, written and signed again with the station's key:
    what a station with a bug, or someone holding its key, could send."""
    identity = station.services.keys.signing_identity(station.admin)
    extra = bundles.read_header(path).header.extra

    def produce(writer):
        for name, data in members:
            writer.add_bytes(name, data)

    changed, _, _ = bundles.write_bundle(
        folder, kind=bundles.UP, sender="TEST-01", recipient="headquarters",
        age_recipient=hq.age_recipient, signer_key=identity.key,
        signer_chain=(identity.certificate, *identity.chain), produce=produce, extra=extra)
    return changed


def edit_records(members, kind: str, change) -> None:
    """Apply ``change`` to the records of the first ``kind`` member (a list of dicts)."""
    for member in members:
        if member[0].startswith(f"{kind}/") and member[0].endswith(".jsonl"):
            rows = [json.loads(line) for line in member[1].splitlines() if line.strip()]
            change(rows)
            member[1] = b"".join(json.dumps(row).encode() + b"\n" for row in rows)
            return
    raise AssertionError(f"no {kind} member")


def _finalisation_lost(rows):
    """Rename the finalisation events and hash the chain again, consistently."""
    previous = rows[0]["prev_hash"]
    for row in rows:
        if row["kind"] == "interview.finalised":
            row["kind"] = "interview.noted"
        row["prev_hash"] = previous
        row["hash"] = previous = chain_hash(previous, event_content(
            row["seq"], row["id"], row["at"], row["station_id"], row["actor_id"], row["kind"],
            row["interview_id"], row["payload"]))


def _roster_before_users(members):
    names = [m[0].split("/")[0] for m in members]
    users, subjects = names.index("users"), names.index("subjects")
    members[users], members[subjects] = members[subjects], members[users]
    return members


CRAFTED = {
    "manifest not first": (lambda m: m[1:] + m[:1], "does not start with its manifest"),
    "roster before users": (_roster_before_users, "is damaged: '.*' is out of order"),
    "unknown member": (lambda m: [*m, ["notes/000001.jsonl", b"{}\n"]],
                       "holds 'notes/000001.jsonl', which no station writes"),
    "file for no document": (lambda m: [*m, ["files/0000-extra.pdf", b"%PDF-1.7"]],
                             "files/0000-extra.pdf is a file for no document"),
    "document without its file": (lambda m: [x for x in m if not x[0].startswith("files/")],
                                  "document .* has no file"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_members_out_of_place_are_refused(hq, linked, tmp_path, case):
    reorder, message = CRAFTED[case]
    path = export(linked, tmp_path / "out")
    members = reorder(members_of(hq, path))
    refused(hq, resigned(linked, hq, path, members, tmp_path / "bad"), BundleError, message,
            "refused")


DEEP = "(nested deeper than any record)"
ROW_CHANGES = {
    "manifest of another station": (
        "manifest.json", None, "names station 'TEST-02', but the bundle is signed by"
        " station TEST-01"),
    "altered event": ("events", lambda rows: rows[3]["payload"].update(forged=True),
                      "events/000001.jsonl, line 4: event 4 .* was altered"),
    "finalisation missing": ("events", _finalisation_lost,
                             "interview .* has no 'interview.finalised' event with its hash"),
    "altered interview": ("interviews", lambda rows: rows[0]["record"].update(choice="x"),
                          "interviews/000001.jsonl, line 1: interview .* does not match its"
                          " own hash"),
    "review of an unknown interview": (
        "reviews", lambda rows: rows[0].update(interview_id="no-such-interview"),
        "belongs to interview no-such-interview, which headquarters does not hold"),
    "review state unknown": ("reviews", lambda rows: rows[0].update(state="maybe"),
                             "has the unknown state 'maybe'"),
    "sentence quoting a lone surrogate": (
        "reviews", lambda rows: rows[0].update(id="x\ud800", state="maybe"),
        "review x\\\\ud800 has the unknown state"),
    "user name not text": ("users", lambda rows: rows[0].update(name=["a", "list"]),
                           "users/000001.jsonl, line 1: the user row lacks a valid 'name'"),
    "lone surrogate": ("users", lambda rows: rows[0].update(name="\ud800"),
                       "users/000001.jsonl, line 1: the row holds a value that cannot be"
                       " stored"),
    "deeply nested payload": (
        "events", lambda rows: rows[0].update(payload={"deep": DEEP}),
        "events/000001.jsonl, line 1: not valid JSON"),
    "huge revision": ("documents", lambda rows: rows[0].update(revision=10**30),
                      "lacks a valid 'revision'"),
}


@pytest.mark.parametrize("case", sorted(ROW_CHANGES))
def test_rows_no_station_writes_are_refused_naming_member_and_line(hq, linked, tmp_path,
                                                                   case):
    kind, change, message = ROW_CHANGES[case]
    path = export(linked, tmp_path / "out")
    members = members_of(hq, path)
    if kind == "manifest.json":
        manifest = json.loads(members[0][1])
        members[0][1] = json.dumps({**manifest, "station_id": "TEST-02"}).encode()
    else:
        edit_records(members, kind, change)
    for member in members:  # JSON nested deeper than Python parses: written as text
        member[1] = member[1].replace(json.dumps(DEEP).encode(),
                                      b"[" * 100_000 + b"]" * 100_000)
    refused(hq, resigned(linked, hq, path, members, tmp_path / "bad"), BundleError, message,
            "refused")


@pytest.mark.parametrize("chunk_rows", [1, 500])
def test_a_record_given_twice_in_one_bundle_is_stored_once(hq, linked, tmp_path, monkeypatch,
                                                           chunk_rows):
    """What a chunk of rows finds held includes the chunk's own earlier rows, and what an
    earlier chunk stored (a chunk of one row: every row reads what is held)."""
    monkeypatch.setattr(intake_records, "CHUNK_ROWS", chunk_rows)
    path = export(linked, tmp_path / "out")
    members = members_of(hq, path)
    for kind in ("subjects", "interviews", "reviews"):
        edit_records(members, kind, lambda rows: rows.append(dict(rows[0])))
    receipt = ingest(hq, resigned(linked, hq, path, members, tmp_path / "twice"))
    held = table_counts(hq)
    for kind in ("subjects", "interviews", "reviews"):
        assert receipt.duplicates[kind] == 1
        assert receipt.added[kind] == held[kind]
    assert held["interviews"] == len(station_rows(linked, "SELECT id FROM interviews"
                                                          " WHERE status = 'final'"))


def test_a_row_in_a_later_chunk_is_named_by_its_own_line(hq, linked, tmp_path, monkeypatch):
    monkeypatch.setattr(intake_records, "CHUNK_ROWS", 2)
    path = export(linked, tmp_path / "out")
    members = members_of(hq, path)
    edit_records(members, "events", lambda rows: rows[4]["payload"].update(forged=True))
    edit_records(members, "users", lambda rows: rows.append({**rows[0], "name": "\ud800"}))
    users = next(member for member in members if member[0].startswith("users/"))
    line = users[1].count(b"\n")
    refused(hq, resigned(linked, hq, path, members, tmp_path / "bad"), BundleError,
            f"users/000001.jsonl, line {line}: the row holds a value that cannot be stored",
            "refused")
    edit_records(members, "users", lambda rows: rows.pop())
    refused(hq, resigned(linked, hq, path, members, tmp_path / "bad2"), BundleError,
            "events/000001.jsonl, line 5: event 5 .* was altered", "refused")


def test_another_stations_form_in_this_stations_bundle_is_refused(hq, linked, second_station,
                                                                  tmp_path):
    services = second_station.services
    theirs = services.transcription.record(second_station.supervisor, "NK-100002",
                                           {"answers": complete_answers("enlist")}, "paper")
    [(_, their_pdf)] = stored_forms(services, "interview_id = ?", [theirs.id])
    document_id = stored_forms(linked.services, "revision = 1")[0][0]
    replace_stored_form(linked.services, document_id, their_pdf)
    refused(hq, export(linked, tmp_path / "out"), BundleError,
            f"files/{document_id}.pdf .*its first signature is by 'Supervisor sung', not by"
            " station TEST-01 or one of its accounts", "refused")
