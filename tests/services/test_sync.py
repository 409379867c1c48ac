"""The station's side of sync, against a minimal headquarters made from the test CA
(tests/fake_headquarters.py): trusting headquarters, exporting unacknowledged records,
applying what comes down."""

import json

import pytest

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.domain.errors import PermissionDenied, UserError
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from screening_app.sync import bundle as bundles
from tests.fake_headquarters import acks_for, station_recipient


@pytest.fixture
def syncing(roster_station, headquarters):
    services = roster_station.services
    services.sync.trust_headquarters(roster_station.admin, headquarters.public_file)
    for isn, choice in (("NK-100001", "enlist"), ("NK-100002", "repatriate")):
        services.transcription.record(roster_station.interviewer, isn,
                                      {"answers": complete_answers(choice)}, "paper")
    return roster_station


def test_a_bundle_carries_records_pdfs_and_the_chain_encrypted_to_headquarters(
        syncing, headquarters, tmp_path):
    services = syncing.services
    exported = services.sync.export(syncing.supervisor, tmp_path / "stick")
    raw = exported.path.read_bytes()
    for clear in ("김민준", "Kim Min-jun", "NK-100001", "enlist", "%PDF"):
        assert clear.encode() not in raw  # a stolen stick reveals nothing
    found = headquarters.read(exported.path)
    assert found["manifest.json"]["station_id"] == "TEST-01"
    assert {r["record"]["subject_isn"] for r in found["interviews"]} == {"NK-100001",
                                                                          "NK-100002"}
    for row in found["interviews"]:
        assert sha256_hex(canonical_json(row["record"])) == row["record_sha256"]
    assert len(found["files"]) == len(found["documents"]) == 2
    for _name, pdf in found["files"]:
        assert pdf.startswith(b"%PDF")
    events = found["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert found["manifest.json"]["events"]["through_seq"] == events[-1]["seq"]
    assert all("password" not in json.dumps(user) for user in found["users"])


def test_exporting_again_sends_everything_until_headquarters_acknowledges(
        syncing, headquarters, tmp_path):
    services = syncing.services
    first = headquarters.read(services.sync.export(syncing.supervisor, tmp_path / "a").path)
    again = headquarters.read(services.sync.export(syncing.supervisor, tmp_path / "b").path)
    assert len(again["interviews"]) == len(first["interviews"]) == 2
    assert services.sync.status(syncing.supervisor).pending["interviews"] == 2

    head = first["events"][-1]
    answer = headquarters.answer(tmp_path / "down", "TEST-01", station_recipient(services),
                                 acks=acks_for(first), events=(head["seq"], head["hash"]))
    applied = services.sync.apply(syncing.supervisor, answer)
    assert applied.acknowledged["interviews"] == 2
    status = services.sync.status(syncing.supervisor)
    assert status.pending["interviews"] == 0 and status.pending["documents"] == 0
    assert status.events_acknowledged == head["seq"]

    # A new interview after the acknowledgement: only it (and newer events) go next time.
    services.transcription.record(syncing.interviewer, "CN-700001",
                                  {"answers": complete_answers("repatriate")}, "paper")
    later = headquarters.read(services.sync.export(syncing.supervisor, tmp_path / "c").path)
    assert [r["record"]["subject_isn"] for r in later["interviews"]] == ["CN-700001"]
    assert later["events"][0]["seq"] == head["seq"] + 1
    assert later["events"][0]["prev_hash"] == head["hash"]
    assert later["manifest.json"]["events"]["after_seq"] == head["seq"]


def test_an_acknowledgement_of_another_version_does_not_count(syncing, headquarters,
                                                              tmp_path):
    services = syncing.services
    found = headquarters.read(services.sync.export(syncing.supervisor, tmp_path / "a").path)
    acks = acks_for(found)
    for ack in acks:
        if ack["kind"] == "interviews":
            ack["digest"] = "0" * 64
    answer = headquarters.answer(tmp_path / "down", "TEST-01", station_recipient(services),
                                 acks=acks, events=(0, "0" * 64))
    applied = services.sync.apply(syncing.supervisor, answer)
    assert len(applied.not_matching) == 2
    assert services.sync.status(syncing.supervisor).pending["interviews"] == 2


def test_a_bundle_applied_twice_changes_nothing_the_second_time(syncing, headquarters,
                                                                 tmp_path):
    services = syncing.services
    answer = headquarters.answer(
        tmp_path / "down", "TEST-01", station_recipient(services), acks=[], events=(0, "0" * 64),
        roster=[{"isn": "NK-100500", "name_native": "리영호", "name_latin": "Ri Yong Ho",
                 "nationality": "KP"}], outbox_through=3)
    first = services.sync.apply(syncing.supervisor, answer)
    assert first.roster_added == 1
    assert services.roster.get(syncing.supervisor, "NK-100500").name_native == "리영호"
    events_before = services.station.events.head()
    second = services.sync.apply(syncing.supervisor, answer)
    assert second.already_applied
    assert services.station.events.head() == events_before


def test_headquarters_can_disable_an_account_and_revoke_a_certificate(syncing, headquarters,
                                                                      tmp_path):
    services = syncing.services
    answer = headquarters.answer(
        tmp_path / "down", "TEST-01", station_recipient(services), acks=[], events=(0, "0" * 64),
        revocations={"users": [{"name": "olga", "reason": "left the service", "at": "x"}],
                     "certificates": [{"fingerprint_sha256": "ab" * 32, "serial_hex": "1f",
                                       "subject": "CN=Supervisor sup", "reason": "lost"}]})
    applied = services.sync.apply(syncing.supervisor, answer)
    assert applied.revoked_users == ["olga"] and applied.revoked_certificates == 1
    with pytest.raises(UserError, match="disabled"):
        services.sign_in("olga", "correct horse battery")
    # Nor does the password open the encrypted database any more.
    from screening_app.services.app import StationServices
    with pytest.raises(UserError, match="disabled"):
        StationServices.unlock(syncing.data_dir, "olga", "correct horse battery")


def test_a_bundle_down_must_come_from_the_trusted_headquarters_and_for_this_station(
        syncing, headquarters, tmp_path, test_keys):
    services = syncing.services
    recipient = station_recipient(services)
    elsewhere = headquarters.answer(tmp_path / "x", "TEST-99", recipient, acks=[],
                                    events=(0, "0" * 64))
    with pytest.raises(UserError, match="for station TEST-99"):
        services.sync.apply(syncing.supervisor, elsewhere)

    # Signed by a certificate of the same CA that is not headquarters' (another station's).
    ca_key, ca_certificate = test_keys["ca"]
    key = certificates.new_private_key()
    impostor = certificates.issue_certificate(
        ca_key, ca_certificate, certificates.create_csr(key, "Station TEST-02", "Test Org"))
    forged = headquarters.answer(tmp_path / "y", "TEST-01", recipient, acks=[],
                                 events=(0, "0" * 64), key=key, chain=[impostor, ca_certificate])
    with pytest.raises(UserError, match="not by the headquarters this station trusts"):
        services.sync.apply(syncing.supervisor, forged)

    genuine = headquarters.answer(tmp_path / "z", "TEST-01", recipient, acks=[],
                                  events=(0, "0" * 64))
    data = bytearray(genuine.read_bytes())
    data[len(bundles.MAGIC) + 200] ^= 0x01
    tampered = tmp_path / "tampered.scb"
    tampered.write_bytes(bytes(data))
    with pytest.raises(UserError, match="altered"):
        services.sync.apply(syncing.supervisor, tampered)


def test_a_station_restored_from_an_older_copy_is_told_so(syncing, headquarters, tmp_path):
    services = syncing.services
    head_seq, _ = services.station.events.head()
    answer = headquarters.answer(tmp_path / "down", "TEST-01", station_recipient(services),
                                 acks=[], events=(head_seq + 40, "f" * 64))
    with pytest.raises(UserError, match="restored from an older copy"):
        services.sync.apply(syncing.supervisor, answer)
    forked = headquarters.answer(tmp_path / "down2", "TEST-01", station_recipient(services),
                                 acks=[], events=(3, "e" * 64))
    with pytest.raises(UserError, match="different history"):
        services.sync.apply(syncing.supervisor, forked)


def test_only_supervisors_and_admins_sync_and_only_admins_choose_headquarters(
        syncing, headquarters, tmp_path):
    services = syncing.services
    with pytest.raises(PermissionDenied):
        services.sync.export(syncing.interviewer, tmp_path / "x")
    with pytest.raises(PermissionDenied):
        services.sync.trust_headquarters(syncing.supervisor, headquarters.public_file)


def test_a_headquarters_file_from_another_authority_or_altered_is_refused(
        roster_station, headquarters, tmp_path):
    services = roster_station.services
    data = json.loads(headquarters.public_file.read_text())
    data["age_recipient"] = bundles.new_age_identity()[1]  # a swapped encryption key
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(data))
    with pytest.raises(UserError, match="altered"):
        services.sync.trust_headquarters(roster_station.admin, altered)
    with pytest.raises(UserError, match="does not know headquarters"):
        services.sync.export(roster_station.admin, tmp_path / "x")


def test_a_new_protocol_version_from_headquarters_is_used_for_new_interviews(
        syncing, headquarters, tmp_path):
    from screening_app.protocol import default_protocol

    services = syncing.services
    source = dict(default_protocol().source, version=default_protocol().version + 1)
    answer = headquarters.answer(tmp_path / "down", "TEST-01", station_recipient(services),
                                 acks=[], events=(0, "0" * 64),
                                 protocols=[{"definition": canonical_json(source)}])
    applied = services.sync.apply(syncing.supervisor, answer)
    assert applied.protocols_added == [f"{source['id']} version {source['version']}"]
    started = services.interviews.start(syncing.interviewer, "CN-700002")
    assert started.record.protocol_version == source["version"]


def test_a_damaged_protocol_from_headquarters_refuses_the_whole_bundle(
        syncing, headquarters, tmp_path):
    services = syncing.services
    answer = headquarters.answer(
        tmp_path / "down", "TEST-01", station_recipient(services), acks=[], events=(0, "0" * 64),
        roster=[{"isn": "NK-100777", "name_latin": "Someone New"}],
        protocols=[{"definition": canonical_json({"id": "unc-screening", "version": 9})}])
    with pytest.raises(UserError, match="protocols/000001.jsonl, line 1"):
        services.sync.apply(syncing.supervisor, answer)
    with pytest.raises(UserError):
        services.roster.get(syncing.supervisor, "NK-100777")  # nothing was applied


def test_a_bundle_abandoned_by_a_killed_export_is_cleared_later(syncing, tmp_path):
    import os

    stick = tmp_path / "stick"
    stick.mkdir()
    abandoned = stick / ".station-TEST-01-old.scb.partial"
    abandoned.write_bytes(b"half of an encrypted bundle")
    recent = stick / ".station-TEST-01-new.scb.partial"
    recent.write_bytes(b"another export still writing")
    an_hour_ago = abandoned.stat().st_mtime - bundles.ABANDONED_AFTER_SECONDS - 60
    os.utime(abandoned, (an_hour_ago, an_hour_ago))
    syncing.services.sync.export(syncing.supervisor, stick)
    assert not abandoned.exists() and recent.exists()


def test_a_station_whose_certificate_headquarters_revoked_signs_nothing_more(
        syncing, headquarters, tmp_path):
    from cryptography.hazmat.primitives import hashes

    services = syncing.services
    certificate = services.keys.station_certificate().certificate
    answer = headquarters.answer(
        tmp_path / "down", "TEST-01", station_recipient(services), acks=[], events=(0, "0" * 64),
        revocations={"users": [], "certificates": [{
            "fingerprint_sha256": certificate.fingerprint(hashes.SHA256()).hex(),
            "serial_hex": format(certificate.serial_number, "x"), "subject": "Station TEST-01",
            "reason": "laptop stolen", "at": "2026-11-27T10:00:00Z"}]})
    services.sync.apply(syncing.supervisor, answer)
    assert "revoked this station's certificate (laptop stolen" in services.keys.readiness()
    with pytest.raises(UserError, match="revoked"):
        services.interviews.start(syncing.interviewer, "CN-700002")


def test_what_sync_says_counts_in_words():
    from pathlib import Path

    from screening_app.services.sync import ExportResult
    from screening_app.sync.incoming import ApplyResult

    exported = ExportResult(Path("station-TEST-01-x.scb"), "b1", {"interviews": 1,
                                                                  "subjects": 3,
                                                                  "protocols": 1}, 4, 9)
    assert exported.summary() == ("station-TEST-01-x.scb: 1 interview, 3 roster entries,"
                                  " 1 protocol; events 5-9.")
    applied = ApplyResult("abcd1234", acknowledged={"interviews": 1}, events_acknowledged=7,
                          protocols_added=["unc-screening v2"], revoked_certificates=1,
                          not_matching=["x"])
    assert applied.summary() == (
        "headquarters acknowledged 1 record and events up to 7; new protocol unc-screening v2;"
        " 1 certificate revoked; 1 acknowledgement for another version of a record; that"
        " record will be sent again.")
