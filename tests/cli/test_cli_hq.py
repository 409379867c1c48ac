"""`screening-app hq ...` as an HQ operator types it: a courier's bundle in and the reply
out, conflicts decided with a password, lists, publishing and revoking, exit codes."""

import json
from pathlib import Path

import pytest

from screening_app.hq import web
from screening_app.hq.databases import open_hq_store
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.store import HQ_DATABASE
from screening_app.pki import certificates
from tests.conftest import PASSWORD, cli, write_csv
from tests.hq.conftest import (  # noqa: F401 -- fixtures used by the tests below
    CA_PASSPHRASE,
    HQ_PASSPHRASE,
    OPERATOR,
    ca_folder,
    export,
    hq_database,
    hq_key,
    quick_operator_hashing,
    records_station,
    trust,
)
from tests.hq.test_conflicts import Held


@pytest.fixture
def hq_dir(tmp_path, ca_folder, hq_key, hq_database, capsys, monkeypatch):  # noqa: F811
    """A headquarters made by `hq init`, on each database (--database for PostgreSQL)."""
    folder = tmp_path / "hq"
    database = [] if hq_database is None else ["--database", hq_database]
    with monkeypatch.context() as patch:
        patch.setattr(certificates, "new_private_key", lambda: hq_key)
        code, out, err = cli(capsys, monkeypatch, "hq", "init", "--dir", folder, "--ca",
                             ca_folder, "--operator", OPERATOR, *database, "--password-stdin",
                             stdin=f"{CA_PASSPHRASE}\n{HQ_PASSPHRASE}\n{PASSWORD}\n")
    assert code == 0, err
    assert "created in" in out and "headquarters-public.json" in out
    return folder


def hq(capsys, monkeypatch, hq_dir, *argv, stdin=HQ_PASSPHRASE + "\n"):
    """An hq command on ``hq_dir``, with the HQ passphrase on stdin."""
    return cli(capsys, monkeypatch, "hq", *argv, "--dir", hq_dir, "--password-stdin",
               stdin=stdin)


@pytest.fixture
def station_cert(records_station, tmp_path):  # noqa: F811
    installed = records_station.services.keys.station_certificate()
    path = tmp_path / "station-cert.pem"
    path.write_bytes(certificates.chain_pem([installed.certificate, *installed.chain]))
    return path


@pytest.fixture
def linked(hq_dir, station_cert, records_station, capsys, monkeypatch):  # noqa: F811
    code, out, err = hq(capsys, monkeypatch, hq_dir, "station", "add", station_cert)
    assert code == 0, err
    assert "Station TEST-01 (Koje-do) is registered" in out
    trust(records_station, hq_dir)
    return records_station


def test_a_courier_bundle_goes_in_and_the_reply_comes_out(hq_dir, linked, tmp_path, capsys,
                                                         monkeypatch):
    bundle = export(linked, tmp_path / "stick")
    code, out, err = hq(capsys, monkeypatch, hq_dir, "ingest", bundle, "--reply-to",
                        tmp_path / "replies")
    assert code == 0, err
    assert "station TEST-01" in out and "4 interviews" in out
    (reply,) = (tmp_path / "replies").iterdir()
    assert f"Reply for station TEST-01: {reply}" in out
    applied = linked.services.sync.apply(linked.supervisor, reply)
    assert applied.acknowledged["interviews"] == 4

    code, out, _ = hq(capsys, monkeypatch, hq_dir, "ingest", bundle)
    assert code == 0 and "was ingested before; nothing changed" in out
    code, out, _ = cli(capsys, monkeypatch, "hq", "station", "list", "--json", "--dir", hq_dir)
    (station,) = json.loads(out)
    assert (station["station_id"], station["interviews"], station["documents"]) == (
        "TEST-01", 4, 5)
    code, out, _ = hq(capsys, monkeypatch, hq_dir, "status")
    assert code == 0
    assert "1 stations, 0 open conflicts, 0 recent refused bundles" in out
    assert "TEST-01" in out and "Koje-do" in out


def test_a_refused_bundle_is_exit_2_and_shows_in_the_status(hq_dir, linked, tmp_path, capsys,
                                                            monkeypatch):
    garbage = tmp_path / "garbage.scb"
    garbage.write_bytes(b"\x00" * 100)
    good = export(linked, tmp_path / "stick")
    code, out, err = hq(capsys, monkeypatch, hq_dir, "ingest", garbage, good)
    assert code == 2 and "Traceback" not in out + err
    assert "REFUSED" in out and "garbage.scb is not a screening-app bundle" in out
    assert "station TEST-01" in out  # the good one of the two went in
    assert "1 of 2 bundles refused" in out
    code, out, _ = hq(capsys, monkeypatch, hq_dir, "status")
    assert "1 recent refused bundles" in out and "garbage.scb" in out


def test_a_conflict_is_listed_and_decided_with_the_operators_password(
        hq_dir, linked, tmp_path, capsys, monkeypatch):
    assert hq(capsys, monkeypatch, hq_dir, "ingest", export(linked, tmp_path / "s"))[0] == 0
    opened = Headquarters.open(hq_dir, HQ_PASSPHRASE)  # sealed records need the passphrase
    store = opened.store
    try:
        held = Held(store)
        held.station("PUSAN-1")
        # TEST-01 approved 'enlist' for NK-100001; Pusan took 'repatriate'.
        pusan = held.interview("PUSAN-1", "repatriate", 20)
        held.detect("NK-100001")
        conflict_id = store.conflicts("open")[0].id
    finally:
        opened.close()
    code, out, _ = hq(capsys, monkeypatch, hq_dir, "conflicts")
    assert code == 0 and "NK-100001" in out and "PUSAN-1: repatriate" in out
    assert "TEST-01: enlist (approved" in out

    resolve = ("conflicts", "resolve", conflict_id, "--keep", pusan[:14], "--note",
               "Reconfirmed at Pusan before an observer.", "--operator", OPERATOR)
    code, out, err = hq(capsys, monkeypatch, hq_dir, *resolve,
                        stdin=f"{HQ_PASSPHRASE}\nnot my password\n")
    assert code == 2 and "Wrong operator name or password." in err
    code, out, err = hq(capsys, monkeypatch, hq_dir, *resolve,
                        stdin=f"{HQ_PASSPHRASE}\n{PASSWORD}\n")
    assert code == 0, err
    assert f"PUSAN-1's record {pusan} (repatriate) is kept" in out
    code, out, err = hq(capsys, monkeypatch, hq_dir, *resolve,
                        stdin=f"{HQ_PASSPHRASE}\n{PASSWORD}\n")
    assert code == 2 and "already resolved" in err
    assert "No open conflicts." in hq(capsys, monkeypatch, hq_dir, "conflicts")[1]
    code, out, _ = hq(capsys, monkeypatch, hq_dir, "conflicts", "--all", "--json")
    (decided,) = json.loads(out)
    assert decided["resolution"]["operator"] == OPERATOR
    assert decided["resolution"]["keep_interview_id"] == pusan

    code, out, err = hq(capsys, monkeypatch, hq_dir, "lists", "export", "--to",
                        tmp_path / "lists")
    assert code == 0, err
    # Before the decision NK-100001 (approved 'enlist' at TEST-01) would be removed; the
    # kept record from Pusan awaits its supervisor, so he is pending.
    assert "removed: 0\nconflicts: 0\npending: 4\nunscreened: 1" in out
    repatriate = (tmp_path / "lists" / "repatriate.csv").read_text(encoding="utf-8-sig")
    assert "NK-100001" not in repatriate  # the kept record is not approved yet
    pending = (tmp_path / "lists" / "pending.csv").read_text(encoding="utf-8-sig")
    assert "NK-100001" in pending and "PUSAN-1's record kept" in pending
    assert (tmp_path / "lists" / "merged-lists.pdf").read_bytes().startswith(b"%PDF")


def test_published_rows_and_revocations_reach_the_station(hq_dir, linked, tmp_path, capsys,
                                                          monkeypatch):
    assert hq(capsys, monkeypatch, hq_dir, "ingest", export(linked, tmp_path / "s"))[0] == 0
    roster = write_csv(tmp_path / "more.csv", [
        {"isn": "NK-200001", "name_native": "한지민", "name_latin": "Han Ji-min"}])
    code, out, err = hq(capsys, monkeypatch, hq_dir, "publish", "roster", roster, "--station",
                        "TEST-01")
    assert code == 0, err
    assert "Published 1 roster rows for station TEST-01" in out
    code, out, err = hq(capsys, monkeypatch, hq_dir, "revoke", "user", "TEST-01", "olga",
                        "--reason", "Left the programme.")
    assert code == 0, err
    code, out, err = hq(capsys, monkeypatch, hq_dir, "down", "export", "--station", "TEST-01",
                        "--to", tmp_path / "down")
    assert code == 0, err
    (down,) = (tmp_path / "down").iterdir()
    applied = linked.services.sync.apply(linked.supervisor, down)
    assert applied.roster_added == 1 and applied.revoked_users == ["olga"]
    code, _, err = hq(capsys, monkeypatch, hq_dir, "revoke", "user", "TEST-01", "nobody",
                      "--reason", "x")
    assert code == 2 and "has no account named 'nobody'" in err


def test_a_revoked_certificate_refuses_the_stations_later_bundles(
        hq_dir, linked, station_cert, tmp_path, capsys, monkeypatch):
    code, out, err = hq(capsys, monkeypatch, hq_dir, "revoke", "cert", station_cert,
                        "--reason", "The laptop was stolen.")
    assert code == 0, err
    assert "Station TEST-01 is revoked with it" in out
    code, out, _ = hq(capsys, monkeypatch, hq_dir, "ingest", export(linked, tmp_path / "s"))
    assert code == 2 and "revoked" in out


def test_the_folder_comes_from_the_environment_and_mistakes_are_one_sentence(
        hq_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SCREENING_APP_HQ_DIR", raising=False)
    code, _, err = cli(capsys, monkeypatch, "hq", "status")
    assert code == 2 and "--dir or $SCREENING_APP_HQ_DIR" in err
    monkeypatch.setenv("SCREENING_APP_HQ_DIR", str(hq_dir))
    code, out, _ = cli(capsys, monkeypatch, "hq", "status", "--password-stdin",
                       stdin=HQ_PASSPHRASE + "\n")
    assert code == 0 and "Headquarters: 0 stations" in out
    code, _, err = cli(capsys, monkeypatch, "hq", "lists", "export", "--to", tmp_path / "l",
                       "--password-stdin", stdin="the wrong passphrase\n")
    assert code == 2 and err.strip() == (
        f"screening-app: Wrong passphrase for headquarters in {hq_dir}.")
    code, _, err = cli(capsys, monkeypatch, "hq", "status", "--dir", tmp_path / "nowhere")
    assert code == 2 and "There is no headquarters in" in err
    code, _, err = hq(capsys, monkeypatch, hq_dir, "station", "add", tmp_path / "none.pem")
    assert code == 2 and "none.pem: No such file or directory." in err
    assert not (tmp_path / "l").exists()


def test_operators_are_added_with_the_passphrase_and_stations_revoked(
        hq_dir, linked, capsys, monkeypatch):
    code, out, err = hq(capsys, monkeypatch, hq_dir, "operator", "add", "oscar",
                        stdin=f"{HQ_PASSPHRASE}\n{PASSWORD}\n")
    assert code == 0 and "Operator 'oscar' added." in out, err
    store = open_hq_store(hq_dir)
    try:
        assert store.operator_names() == ["olivia", "oscar"]
    finally:
        store.close()
    code, out, err = hq(capsys, monkeypatch, hq_dir, "publish", "protocol",
                        Path(__file__).parents[2] / "forms" / "unc-screening-v1.yaml")
    assert code == 0 and "Published protocol" in out, err
    code, out, err = hq(capsys, monkeypatch, hq_dir, "station", "revoke", "TEST-01",
                        "--reason", "The camp closed.")
    assert code == 0 and "refuses its bundles from now on" in out, err
    code, out, _ = cli(capsys, monkeypatch, "hq", "station", "list", "--dir", hq_dir)
    assert "revoked" in out


@pytest.fixture
def served(monkeypatch):
    """What 'hq serve' hands the web server (instead of serving), with the key file as it
    is while serving."""
    served = {}

    def fake_serve(opened, host, port, **options):
        served.update(host=host, port=port, locked=opened.locked, name=opened.name, **options)
        if "ssl_keyfile" in options:
            served["cert_file"] = Path(options["ssl_certfile"]).read_bytes()
            served["key_file"] = Path(options["ssl_keyfile"]).read_bytes()

    monkeypatch.setattr(web, "serve", fake_serve)
    return served


def test_serve_uses_tls_with_the_certificate_stations_pin(hq_dir, served, capsys,
                                                          monkeypatch):
    from cryptography.hazmat.primitives import serialization

    from screening_app.hq import tls

    code, out, err = hq(capsys, monkeypatch, hq_dir, "serve", "--port", "9911")
    assert code == 0, err
    assert (served["host"], served["port"], served["locked"]) == ("127.0.0.1", 9911, False)
    (pinned,) = tls.tls_chain(hq_dir)
    assert certificates.load_certificates(served["cert_file"], "served") == [pinned]
    # The key was on disk only encrypted under a one-time password, and is gone after.
    key = serialization.load_pem_private_key(served["key_file"],
                                             served["ssl_keyfile_password"].encode())
    assert certificates.same_public_key(pinned, key)
    assert not Path(served["ssl_keyfile"]).exists()
    assert "https://127.0.0.1:9911/api/v1/bundles" in out
    assert tls.spaced(tls.fingerprint(pinned)) in out


def test_plain_http_only_on_a_loopback_host(hq_dir, served, capsys, monkeypatch):
    code, out, err = hq(capsys, monkeypatch, hq_dir, "serve", "--plain-http", "--host",
                        "0.0.0.0")
    assert code == 2 and not served
    assert err.strip() == (
        "screening-app: Plain HTTP is served only to this computer (--host 127.0.0.1, ::1 or"
        " localhost), not on 0.0.0.0, because operators' passwords and the merged lists would"
        " cross the network in clear; leave out --plain-http to serve TLS.")
    code, out, err = hq(capsys, monkeypatch, hq_dir, "serve", "--plain-http", "--port", "9911")
    assert code == 0, err
    assert served == {"host": "127.0.0.1", "port": 9911, "locked": False,
                      "name": "Headquarters"}
    assert "http://127.0.0.1:9911/api/v1/bundles" in out


def test_serve_with_an_operators_own_files_must_serve_the_pinned_certificate(
        hq_dir, served, tmp_path, capsys, monkeypatch):
    from cryptography.hazmat.primitives import serialization

    from screening_app.hq import tls

    code, _, err = hq(capsys, monkeypatch, hq_dir, "serve", "--tls-cert", "c.pem")
    assert code == 2 and "--tls-key" in err
    other, key = tls.make_certificate(["hq.example.org"], "Operator")
    cert_file, key_file = tmp_path / "own.pem", tmp_path / "own-key.pem"
    cert_file.write_bytes(certificates.to_pem(other))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    code, _, err = hq(capsys, monkeypatch, hq_dir, "serve", "--tls-cert", cert_file,
                      "--tls-key", key_file)
    assert code == 2 and not served
    assert "is not the TLS certificate stations pin" in err
    assert f"'screening-app hq tls renew --tls-cert {cert_file} --tls-key {key_file}'" in err

    code, out, err = hq(capsys, monkeypatch, hq_dir, "tls", "renew", "--tls-cert", cert_file,
                        "--tls-key", key_file)
    assert code == 0, err
    assert "TLS certificate for hq.example.org" in out
    code, _, err = hq(capsys, monkeypatch, hq_dir, "serve", "--tls-cert", cert_file,
                      "--tls-key", key_file)
    assert code == 0, err
    assert (served["ssl_certfile"], served["ssl_keyfile"]) == (str(cert_file), str(key_file))


def test_an_old_headquarters_without_tls_is_upgraded_by_tls_init(
        hq_dir, hq_key, records_station, served, capsys, monkeypatch):  # noqa: F811
    from screening_app.hq import tls
    from screening_app.hq.headquarters import PUBLIC_FILE, Headquarters
    from tests.hq.test_tls import old_public_file

    opened = Headquarters.open_locked(hq_dir)
    try:
        old_public_file(opened, hq_dir, hq_key)
    finally:
        opened.close()
    trust(records_station, hq_dir)
    assert records_station.services.sync.headquarters().tls_certificate is None

    code, _, err = hq(capsys, monkeypatch, hq_dir, "serve", "--host", "0.0.0.0")
    assert code == 2 and not served
    assert err.strip() == (
        f"screening-app: Headquarters in {hq_dir} has no TLS certificate yet (it was made"
        f" before stations pinned one): make one with 'screening-app hq tls init --dir"
        f" {hq_dir}' and give stations the new headquarters-public.json.")

    code, out, err = hq(capsys, monkeypatch, hq_dir, "tls", "init", "--tls-name",
                        "hq.example.org", "--tls-name", "10.1.2.3")
    assert code == 0, err
    assert "TLS certificate for hq.example.org, 10.1.2.3" in out
    assert f"Rewrote {hq_dir / PUBLIC_FILE}: give it to every station again" in out
    public = json.loads((hq_dir / PUBLIC_FILE).read_text())
    (made,) = tls.tls_chain(hq_dir)
    assert public["format"] == 2 and public["tls_sha256"] == tls.fingerprint(made)
    trust(records_station, hq_dir)  # the station pins it from the new file
    assert records_station.services.sync.headquarters().tls_certificate == made

    code, _, err = hq(capsys, monkeypatch, hq_dir, "tls", "init")
    assert code == 2 and "already has a TLS certificate; replace it with" in err
    code, _, err = hq(capsys, monkeypatch, hq_dir, "serve", "--host", "0.0.0.0")
    assert code == 0, err
    assert served["host"] == "0.0.0.0"
    code, out, _ = cli(capsys, monkeypatch, "hq", "tls", "show", "--dir", hq_dir)
    assert code == 0 and tls.spaced(tls.fingerprint(made)) in out
    code, out, _ = cli(capsys, monkeypatch, "hq", "tls", "show", "--pem", "--dir", hq_dir)
    assert certificates.load_certificates(out.encode(), "shown") == [made]


def test_init_help_names_the_default_tls_names(capsys, monkeypatch):
    with pytest.raises(SystemExit):
        cli(capsys, monkeypatch, "hq", "init", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "default: this machine's host name, localhost and 127.0.0.1" in help_text


def test_a_database_address_with_a_password_or_of_another_kind_is_refused(
        tmp_path, ca_folder, capsys, monkeypatch):  # noqa: F811
    for address, sentence in (
            ("postgresql://hq:secret@db.example/hq", "Keep the database password out of"),
            ("mysql://db.example/hq", "is not the address of a PostgreSQL database")):
        code, out, err = cli(capsys, monkeypatch, "hq", "init", "--dir", tmp_path / "hq",
                             "--ca", ca_folder, "--operator", OPERATOR, "--database", address,
                             "--password-stdin",
                             stdin=f"{CA_PASSPHRASE}\n{HQ_PASSPHRASE}\n{PASSWORD}\n")
        assert code != 0 and sentence in err and "Traceback" not in err
        assert not (tmp_path / "hq").exists() or not any((tmp_path / "hq").iterdir())


def test_a_database_nobody_can_reach_is_one_sentence(
        tmp_path, ca_folder, capsys, monkeypatch):  # noqa: F811
    from tests.postgres_server import _free_port

    address = f"postgresql://hq@127.0.0.1:{_free_port()}/hq"
    code, out, err = cli(capsys, monkeypatch, "hq", "init", "--dir", tmp_path / "hq", "--ca",
                         ca_folder, "--operator", OPERATOR, "--database", address,
                         "--password-stdin",
                         stdin=f"{CA_PASSPHRASE}\n{HQ_PASSPHRASE}\n{PASSWORD}\n")
    assert code != 0 and "Traceback" not in err
    assert f"Headquarters' database postgresql://hq@127.0.0.1:{address.split(':')[2]}" in err
    assert "cannot be opened" in err


def test_several_workers_need_postgresql(
        hq_dir, hq_database, capsys, monkeypatch):  # noqa: F811
    if hq_database is not None:
        pytest.skip("PostgreSQL serves with several workers: test_concurrent_intake.py")
    code, out, err = hq(capsys, monkeypatch, hq_dir, "serve", "--workers", "4")
    assert code != 0 and "Several workers need headquarters on PostgreSQL" in err


def test_a_restored_headquarters_replies_to_a_gap_with_a_resend_request(
        hq_dir, hq_database, linked, tmp_path, capsys, monkeypatch):  # noqa: F811
    from tests.hq.test_restore import add_records, back_up

    if hq_database is not None:
        pytest.skip("restores hq.sqlite3 from a copy of the file")

    def by_stick(name: str) -> tuple[int, str]:
        bundle = export(linked, tmp_path / name)
        code, out, err = hq(capsys, monkeypatch, hq_dir, "ingest", bundle, "--reply-to",
                            tmp_path / f"replies-{name}")
        replies = list((tmp_path / f"replies-{name}").glob("*.scb"))
        if replies:
            linked.services.sync.apply(linked.supervisor, replies[0])
        return code, out

    assert by_stick("one")[0] == 0
    held = open_hq_store(hq_dir)
    held_seq = held.station("TEST-01").events_seq
    held.close()
    backup = back_up(hq_dir, tmp_path / "hq-backup.sqlite3")
    add_records(linked, tmp_path, "nadia", "CN-700101")
    assert by_stick("two")[0] == 0
    database = hq_dir / HQ_DATABASE
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    database.write_bytes(backup.read_bytes())  # headquarters is stopped between commands

    code, out = by_stick("three")
    assert code == 2 and "REFUSED" in out and "are missing" in out
    assert (f"Reply for station TEST-01, asking it to send again everything after event"
            f" {held_seq}:") in out
    assert linked.services.sync.status(linked.supervisor).events_acknowledged == held_seq
    code, out = by_stick("four")
    assert code == 0, out
    assert "1 interviews" in out and "2 documents" in out
    assert sum(linked.services.sync.status(linked.supervisor).pending.values()) == 0


# -- timestamps and the archive ----------------------------------------------------------------
def test_forms_are_stamped_for_the_archive_and_exported_for_an_archivist(
        hq_dir, linked, ca_folder, tmp_path, capsys, monkeypatch):  # noqa: F811
    import hashlib

    # A headquarters made before timestamps: no authority yet. Intake still takes the forms.
    store = open_hq_store(hq_dir)
    try:
        with store.transaction():
            store.query("DELETE FROM timestamp_authorities RETURNING id")
    finally:
        store.close()
    bundle = export(linked, tmp_path / "stick")
    code, out, err = hq(capsys, monkeypatch, hq_dir, "ingest", bundle)
    assert code == 0, err
    assert "station TEST-01" in out and "not stamped for the archive yet" in out
    code, out, _ = hq(capsys, monkeypatch, hq_dir, "status")
    assert "Archive: 0 forms stamped, 5 waiting ('screening-app hq archive stamp')." in out
    code, _, err = hq(capsys, monkeypatch, hq_dir, "archive", "stamp")
    assert code == 2 and "has no timestamp authority yet; make one with" in err

    code, out, err = hq(capsys, monkeypatch, hq_dir, "timestamps", "init", "--ca", ca_folder,
                        stdin=f"{HQ_PASSPHRASE}\n{CA_PASSPHRASE}\n")
    assert code == 0, err
    assert "timestamp authority has a certificate, valid until" in out
    code, _, err = hq(capsys, monkeypatch, hq_dir, "timestamps", "init", "--ca", ca_folder,
                      stdin=f"{HQ_PASSPHRASE}\n{CA_PASSPHRASE}\n")
    assert code == 2 and "has a timestamp authority already" in err
    code, out, _ = cli(capsys, monkeypatch, "hq", "timestamps", "show", "--dir", hq_dir)
    assert code == 0 and out.startswith("in use: Headquarters timestamp authority")

    code, out, err = hq(capsys, monkeypatch, hq_dir, "archive", "stamp")
    assert code == 0, err
    assert "5 forms stamped. 5 forms have an archival copy; 0 wait for one." in out
    code, out, _ = hq(capsys, monkeypatch, hq_dir, "status")
    assert "Archive: 5 forms stamped." in out
    code, out, err = hq(capsys, monkeypatch, hq_dir, "archive", "restamp")
    assert code == 0, err
    assert out.startswith("0 forms stamped again")

    document_id = linked.services.station.db.execute(
        "SELECT id FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    target = tmp_path / "for-the-archivist.pdf"
    code, out, err = hq(capsys, monkeypatch, hq_dir, "archive", "export", document_id,
                        "--to", target)
    assert code == 0, err
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    assert f"the archival copy of document {document_id} (generation 1" in out
    assert digest in out and target.read_bytes().startswith(b"%PDF-")
    code, _, err = hq(capsys, monkeypatch, hq_dir, "archive", "export", "no-such-form",
                      "--to", target)
    assert code == 2 and "holds no document 'no-such-form'" in err
