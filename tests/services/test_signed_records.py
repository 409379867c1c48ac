"""Signed, verifiable records: each tampering case is detected with a clear reason, and
poppler's pdfsig agrees with `screening-app verify` on valid and altered forms."""

import io
import shutil
import subprocess
import sys

import pytest

from screening_app.cli import run
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from tests.conftest import PASSWORD, change_sealed_choice

needs_pdfsig = pytest.mark.skipif(shutil.which("pdfsig") is None,
                                  reason="poppler-utils (pdfsig) is not installed")


def cli(capsys, monkeypatch, data_dir, *argv, user="sup"):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = run(["--data-dir", str(data_dir), *[str(a) for a in argv],
                *(["--user", user, "--password-stdin"] if user else [])])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def signed(roster_station, tmp_path):
    services = roster_station.services
    final = services.transcription.record(roster_station.interviewer, "NK-100001",
                                          {"answers": complete_answers("enlist")}, "paper")
    path = tmp_path / "form.pdf"
    services.documents.export(roster_station.supervisor, final.id, path)
    return roster_station, final, path


def pdfsig_valid(path) -> bool:
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    return "Signature is Valid" in out


@needs_pdfsig
def test_a_fresh_form_is_valid_for_verify_and_for_pdfsig(signed, capsys, monkeypatch):
    station, final, path = signed
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path)
    assert code == 0, out
    assert "VALID" in out and final.id in out and "matches the stored record" in out
    assert pdfsig_valid(path)
    code, out = cli(capsys, monkeypatch, station.data_dir, "audit", "verify")
    assert code == 0 and "history is whole" in out


@needs_pdfsig
def test_one_flipped_byte_is_invalid_for_both(signed, capsys, monkeypatch, tmp_path):
    station, _, path = signed
    data = bytearray(path.read_bytes())
    position = data.index(b"Kim Min-jun") if b"Kim Min-jun" in data else len(data) // 3
    data[position] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", altered)
    assert code == 3 and out.startswith("INVALID: ")
    assert not pdfsig_valid(altered)


def test_a_form_from_another_ca_is_not_trusted(signed, capsys, monkeypatch, tmp_path):
    station, _, path = signed
    _, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    other = tmp_path / "other-root.pem"
    other.write_bytes(certificates.to_pem(other_root))
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path, "--trust", other)
    assert code == 3 and "INVALID" in out


def test_a_row_changed_with_sql_is_found_by_audit_and_verify(signed, capsys, monkeypatch):
    station, final, path = signed
    change_sealed_choice(station.services, final.id, "repatriate")
    code, out = cli(capsys, monkeypatch, station.data_dir, "audit", "verify")
    assert code == 3 and final.id in out and "changed after it was finalised" in out
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path)
    assert code == 3 and "was changed after it was finalised" in out


def test_a_deleted_or_swapped_event_is_named(signed, capsys, monkeypatch):
    station, _, _ = signed
    db = station.services.station.db
    db.execute("DROP TRIGGER events_refuse_delete")
    db.execute("DROP TRIGGER events_refuse_update")
    rows = db.execute("SELECT seq, kind, payload FROM events WHERE seq IN (5, 6)").fetchall()
    db.execute("UPDATE events SET kind = ?, payload = ? WHERE seq = 5", [rows[1][1], rows[1][2]])
    db.execute("UPDATE events SET kind = ?, payload = ? WHERE seq = 6", [rows[0][1], rows[0][2]])
    code, out = cli(capsys, monkeypatch, station.data_dir, "audit", "verify")
    assert code == 3 and "event 5" in out
    db.execute("DELETE FROM events WHERE seq = 3")
    code, out = cli(capsys, monkeypatch, station.data_dir, "audit", "verify")
    assert code == 3 and "event 3 is missing" in out


def test_a_database_restored_from_an_older_copy_is_found(roster_station, capsys, monkeypatch,
                                                        tmp_path):
    services = roster_station.services
    db_path = roster_station.data_dir / "station.sqlite3"
    services.station.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backup = tmp_path / "old.sqlite3"
    shutil.copy(db_path, backup)
    # Two interviews after the copy: the restored station's own sign-ins since do not
    # reach as far as the form's place in the history.
    for isn in ("NK-100001", "CN-700001"):
        final = services.transcription.record(roster_station.interviewer, isn,
                                              {"answers": complete_answers()}, "paper")
    path = tmp_path / "newer.pdf"
    services.documents.export(roster_station.supervisor, final.id, path)
    services.close()
    for suffix in ("-wal", "-shm"):
        (roster_station.data_dir / f"station.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, db_path)
    roster_station.reopen()
    code, out = cli(capsys, monkeypatch, roster_station.data_dir, "verify", path)
    assert code == 3 and "older than this form" in out


def test_garbage_is_a_clear_refusal_not_a_crash(signed, capsys, monkeypatch, tmp_path):
    station, _, _ = signed
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all")
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", junk)
    assert code == 3 and "INVALID" in out and "Traceback" not in out


def test_a_form_from_another_station_under_the_same_ca_is_not_this_stations(
        signed, capsys, monkeypatch, tmp_path, test_keys):
    from screening_app.services.app import init_station
    from tests.conftest import (
        SMALL_ROSTER,
        install_test_certificate,
        install_test_user_certificate,
        write_csv,
    )

    station, _, _ = signed
    other = init_station(tmp_path / "other", "OTHER-02", "Pusan", "admin", PASSWORD)
    admin = other.sign_in("admin", PASSWORD)
    install_test_certificate(other, admin, test_keys)
    install_test_user_certificate(
        other, other.accounts.add_user(admin, "ivan", "interviewer", PASSWORD), test_keys)
    other.roster.import_file(admin, write_csv(tmp_path / "r.csv", SMALL_ROSTER))
    ivan = other.sign_in("ivan", PASSWORD)
    final = other.transcription.record(ivan, "NK-100002", {"answers": complete_answers()}, "p")
    foreign = tmp_path / "foreign.pdf"
    foreign.write_bytes(other.documents.latest(admin, final.id).content)
    other.close()
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", foreign)
    assert code == 3 and ("history that differs" in out or "not in the station database" in out)


def test_audit_verify_passes_on_the_demo_station_after_an_interview(tmp_path, capsys,
                                                                   monkeypatch):
    from screening_app.services.app import StationServices
    from screening_app.services.demo import prepare_demo

    demo = prepare_demo(tmp_path / "demo", roster_size=40)
    passwords = {name: password for name, _, password in demo.accounts}
    services, interviewer = StationServices.unlock(tmp_path / "demo", "interviewer1",
                                                   passwords["interviewer1"])
    isn = services.roster.page_after(interviewer, None, 1)[0].isn
    final = services.transcription.record(interviewer, isn, {"answers": complete_answers()}, "p")
    content = services.documents.latest(interviewer, final.id).content
    services.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO(passwords["supervisor"] + "\n"))
    code = run(["--data-dir", str(tmp_path / "demo"), "audit", "verify", "--user", "supervisor",
                "--password-stdin"])
    out = capsys.readouterr().out
    assert code == 0 and "history is whole" in out
    assert b"DEMO" in content
    # The demo's accounts read as people: full name and rank.
    services, admin = StationServices.unlock(tmp_path / "demo", "admin", passwords["admin"])
    labels = {u.name: u.label for u in services.accounts.list_users(admin)}
    services.close()
    assert labels == {"admin": "Maj. A. Lindqvist", "supervisor": "Capt. R. Hughes",
                      "interviewer1": "Lt. I. Petrov", "interviewer2": "Lt. S. Park"}


# -- an earlier revision -------------------------------------------------------------------
def test_the_form_printed_before_approval_is_genuine_and_superseded(signed, tmp_path):
    from screening_app.services.verification import verify_form

    station, final, path = signed
    services = station.services
    root = [services.keys.station_certificate().root]
    before = verify_form(path.read_bytes(), root, services.station, station.supervisor)
    assert before.valid and before.superseded_by is None

    services.reviews.decide(station.supervisor, final.id, "approved",
        reason="The signed paper form is complete.")
    approved = services.documents.latest(station.supervisor, final.id)
    earlier = verify_form(path.read_bytes(), root, services.station, station.supervisor)
    assert earlier.valid, earlier.reason
    when = approved.created_at[:16].replace("T", " ")
    assert earlier.superseded_by == ("A later revision supersedes this form: revision 2,"
                                     f" approved and countersigned by sup on {when} UTC.")
    newest = verify_form(approved.content, root, services.station, station.supervisor)
    assert newest.valid and newest.superseded_by is None


def test_verify_with_a_user_says_an_earlier_revision_is_genuine_and_superseded(
        signed, capsys, monkeypatch):
    station, final, path = signed
    station.services.reviews.decide(station.supervisor, final.id, "approved",
        reason="The signed paper form is complete.")
    approved = station.services.documents.latest(station.supervisor, final.id)
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == f"VALID: {path}"
    when = approved.created_at[:16].replace("T", " ")
    assert (f"  SUPERSEDED: A later revision supersedes this form: revision 2, approved and"
            f" countersigned by sup on {when} UTC.") in lines
    # Without the station there is nothing to compare with, so nothing is said about it.
    root = path.with_name("root.pem")
    root.write_bytes(certificates.to_pem(station.services.keys.station_certificate().root))
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path, "--trust", root,
                    user=None)
    assert code == 0 and "SUPERSEDED" not in out


def test_without_a_password_only_a_root_given_by_hand_is_trusted(signed, capsys,
                                                                 monkeypatch, tmp_path):
    """The root in the station's key file can be swapped by anyone who can write the
    folder: without a password (to check its MAC) verify does not use it."""
    from screening_app.store.keyfile import KeyFile

    station, _, path = signed
    other_key, other_root = certificates.create_root_ca("Other CA", "Elsewhere")
    keyfile = KeyFile.load(station.data_dir)
    keyfile.public["trust_root_pem"] = certificates.to_pem(other_root).decode()
    keyfile.save()  # as an intruder would: without the database key, the MAC stays old
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path, user=None)
    assert code == 2
    assert "Checking a form needs a root certificate you trust: give --trust" in out
    # Signed in, the station's own root is used, and the swap is reported.
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path)
    assert code == 0 and "WARNING: station-keys.json was changed outside the program" in out
    code, out = cli(capsys, monkeypatch, station.data_dir, "check")
    assert code == 3
    assert "BAD  key file: station-keys.json was changed outside the program" in out


def test_a_file_larger_than_any_form_is_refused_unread(signed, capsys, monkeypatch, tmp_path):
    from screening_app.services import verification

    station, _, _ = signed
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:  # sparse: large on paper, nothing to read
        handle.seek(verification.MAX_FORM_BYTES + 1)
        handle.write(b"\0")
    read = []
    monkeypatch.setattr(verification.Path, "read_bytes", lambda self: read.append(self))
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", huge, user=None)
    assert code == 2
    assert f"{huge} is 25 MB, larger than any choice form (25 MB at most); it was not read." in out
    assert read == []


def test_verify_takes_headquarters_revocation_list_and_refuses_a_foreign_one(
        signed, capsys, monkeypatch, tmp_path, test_keys):
    from datetime import UTC, datetime, timedelta

    from screening_app.pki.crl import Revoked, issue_crl
    from screening_app.records.verifying import verify_pdf

    station, _, path = signed
    ca_key, ca_certificate = test_keys["ca"]
    first_signer = verify_pdf(path.read_bytes(), [ca_certificate]).signatures[0]
    revoked_on = datetime.now(UTC) - timedelta(days=1)
    revocation_list = issue_crl(ca_key, ca_certificate, 1, [Revoked(
        first_signer.signer_certificate.serial_number, revoked_on, "key-compromise")])
    crl = tmp_path / "current.crl"
    crl.write_bytes(revocation_list.der)
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path, "--crl", crl)
    assert code == 3
    assert out.startswith(
        f"INVALID: The signature is by {first_signer.signer!r}, whose certificate was revoked"
        f" on {revoked_on:%Y-%m-%d %H:%M} UTC (key compromise), and no headquarters timestamp"
        " proves the form existed before then.")
    # A list some other CA signed is refused by name, not silently passed over.
    other_key, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    foreign = tmp_path / "foreign.crl"
    foreign.write_bytes(issue_crl(other_key, other_root, 1, []).der)
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path, "--crl", foreign)
    assert code == 2
    assert f"{foreign} was issued by" in out and "not by 'Test Root CA'" in out
    # Without a list the form is valid today, and says no timestamp vouches for it yet.
    code, out = cli(capsys, monkeypatch, station.data_dir, "verify", path)
    assert code == 0
    assert "no headquarters timestamp yet, so the form verifies only while the certificate" \
           " is valid" in out
