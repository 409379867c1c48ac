"""Enrolment in one exchange, as the officer types it: `init --enrol-to` at the station,
`hq enrol` at headquarters, `enrol` back at the station, and then a push headquarters
accepts; a request or kit altered on the way, a kit for other keys, a station id taken by
another key, and a kit whose rows are bad are refused whole."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from screening_app.bundled import forms_dir
from screening_app.hq.down import publish_protocol, publish_roster
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.revocation_lists import issue
from screening_app.pki import certificates
from screening_app.services.app import StationServices
from screening_app.services.ca import open_ca
from screening_app.sync.enrolment import SIGNATURE, signed_document
from tests.conftest import PASSWORD, cli, write_csv
from tests.hq.conftest import (  # noqa: F401 -- fixtures used by the tests below
    CA_PASSPHRASE,
    HQ_PASSPHRASE,
    ca_folder,
    hq,
    hq_database,
    hq_folder,
    hq_key,
    make_headquarters,
    quick_operator_hashing,
    served,
)

STATION = "KOJE-01"


def ok(capsys, monkeypatch, *argv, stdin=""):
    code, out, err = cli(capsys, monkeypatch, *argv, stdin=stdin)
    assert code == 0, err + out
    return out


def init(capsys, monkeypatch, data_dir: Path, request: Path) -> str:
    return ok(capsys, monkeypatch, "--data-dir", data_dir, "init", "--station-id", STATION,
              "--camp", "Koje-do", "--admin", "alice", "--enrol-to", request,
              "--password-stdin", stdin=PASSWORD + "\n")


def hq_enrol(capsys, monkeypatch, hq_dir: Path, request: Path, kit: Path, ca: Path):
    return cli(capsys, monkeypatch, "hq", "enrol", request, "--to", kit, "--ca", ca, "--dir",
               hq_dir, "--password-stdin", stdin=f"{HQ_PASSPHRASE}\n{CA_PASSPHRASE}\n")


def enrol(capsys, monkeypatch, data_dir: Path, kit: Path):
    return cli(capsys, monkeypatch, "--data-dir", data_dir, "enrol", kit, "--user", "alice",
               "--password-stdin", stdin=PASSWORD + "\n")


def nothing_installed(data_dir: Path) -> None:
    """The station is as `init` left it: no certificate (its own or the admin's), no
    headquarters, no roster, no protocol from headquarters, no CRL."""
    services, actor = StationServices.unlock(data_dir, "alice", PASSWORD)
    try:
        assert services.keys.station_certificate() is None
        assert services.sync.headquarters() is None
        assert services.sync.revocation_lists() == []
        db = services.station.db
        assert db.execute("SELECT count(*) FROM subjects").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM protocols WHERE protocol_id ="
                          " 'nnrc-explanations'").fetchone()[0] == 0
        assert "certificate is not installed" in services.keys.personal_problem(actor, "sign")
    finally:
        services.close()


# -- the acceptance test ----------------------------------------------------------------------
@pytest.mark.slow
def test_init_hq_enrol_enrol_and_a_push_headquarters_accepts(
        tmp_path, hq_folder, hq, served, ca_folder, capsys, monkeypatch):  # noqa: F811
    # What headquarters published before this station existed, and its first CRL: the
    # kit brings them all.
    roster = write_csv(tmp_path / "roster.csv", [
        {"isn": "NK-300001", "name_native": "박서준", "name_latin": "Park Seo-jun"}])
    publish_roster(hq, roster, None)
    publish_protocol(hq, forms_dir() / "nnrc-explanations-v1.yaml")
    issue(hq, open_ca(ca_folder, CA_PASSPHRASE))

    station, request, kit = tmp_path / "station", tmp_path / "request.json", tmp_path / "kit.json"
    assert "Wrote the enrolment request to" in init(capsys, monkeypatch, station, request)
    code, out, err = hq_enrol(capsys, monkeypatch, hq_folder, request, kit, ca_folder)
    assert code == 0, err
    assert f"Station {STATION} (Koje-do) is registered" in out
    assert "1 protocols, 1 roster rows and CRL number 1" in out
    root_line = next(line for line in out.splitlines() if line.startswith("Root certificate"))
    # The request told headquarters the station's age key: a down bundle can go first.
    sent = json.loads(request.read_text(encoding="utf-8"))["age_recipient"]
    assert hq.store.station(STATION).age_recipient == sent

    code, out, err = enrol(capsys, monkeypatch, station, kit)
    assert code == 0, err
    assert f"Station {STATION} is enrolled" in out
    assert "1 protocols, 1 roster rows and revocation list number 1" in out
    assert root_line in out.splitlines()  # the same fingerprint at both ends

    out = ok(capsys, monkeypatch, "--data-dir", station, "sync", "push", "--url", served.url,
             "--user", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert "Headquarters answered: headquarters acknowledged" in out
    assert hq.store.station(STATION).last_bundle_at is not None
    status = ok(capsys, monkeypatch, "--data-dir", station, "sync", "status", "--user",
                "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert "Not yet acknowledged: nothing" in status and "revocation list: 1." in status
    services, alice = StationServices.unlock(station, "alice", PASSWORD)
    try:
        assert services.roster.get(alice, "NK-300001").name_latin == "Park Seo-jun"
        assert services.keys.personal_problem(alice, "sign") is None  # her own certificate
    finally:
        services.close()

    code, out, _ = enrol(capsys, monkeypatch, station, kit)  # twice: never half
    assert code == 0 and "already enrolled with this kit; nothing changed" in out


# -- refusals -----------------------------------------------------------------------------------
@pytest.fixture
def hq_dir(tmp_path, ca_folder, hq_key, monkeypatch) -> Path:  # noqa: F811
    """Headquarters on SQLite: the refusals happen before its database does anything of
    its own (the acceptance test runs on PostgreSQL too)."""
    return make_headquarters(tmp_path / "hq", ca_folder, hq_key, monkeypatch).parent


@pytest.fixture(scope="module")
def other_key():
    """A key no other test station has (they all share one, tests/conftest.py)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def other_station(tmp_path, other_key, capsys, monkeypatch) -> tuple[Path, Path]:
    """A station with the same id as the first, but keys of its own."""
    folder, request = tmp_path / "other-station", tmp_path / "other-request.json"
    with monkeypatch.context() as patch:
        patch.setattr(certificates, "new_private_key", lambda: other_key)
        init(capsys, monkeypatch, folder, request)
    return folder, request


def test_a_request_altered_on_the_way_is_refused_and_nothing_is_registered(
        tmp_path, hq_dir, ca_folder, capsys, monkeypatch):  # noqa: F811
    request, kit = tmp_path / "request.json", tmp_path / "kit.json"
    init(capsys, monkeypatch, tmp_path / "station", request)
    request.write_text(request.read_text(encoding="utf-8").replace('"Koje-do"', '"Pusan"'),
                       encoding="utf-8")
    code, out, err = hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)
    assert code == 2
    assert err == ("screening-app: request.json was altered after it was signed: its"
                   " signature does not match its content.\n")
    assert not kit.exists()
    opened = Headquarters.open_locked(hq_dir)
    try:
        assert opened.store.station(STATION) is None
    finally:
        opened.close()


def test_a_request_signed_whole_but_naming_someone_else_is_refused(
        tmp_path, hq_dir, ca_folder, test_keys, capsys, monkeypatch):  # noqa: F811
    """Re-signed with the station's own key, so its signature holds: the admin's request
    must still name the station's admin, and the station id must be one."""
    request, kit = tmp_path / "request.json", tmp_path / "kit.json"
    init(capsys, monkeypatch, tmp_path / "station", request)
    fields = json.loads(request.read_text(encoding="utf-8"))
    del fields[SIGNATURE]
    for change, refusal in (
            ({"admin": {**fields["admin"], "name": "mallory"}},
             f"the admin's request names 'Admin alice', not admin 'mallory' of station"
             f" {STATION}."),
            ({"station_id": "../etc"}, "'../etc' is not a station id")):
        request.write_bytes(signed_document({**fields, **change}, test_keys["station"]))
        code, _, err = hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)
        assert code == 2 and f"request.json: {refusal}" in err, err
        assert not kit.exists()


def test_a_station_id_registered_with_another_key_is_refused(
        tmp_path, hq_dir, ca_folder, other_key, capsys, monkeypatch):  # noqa: F811
    request, kit = tmp_path / "request.json", tmp_path / "kit.json"
    init(capsys, monkeypatch, tmp_path / "station", request)
    assert hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)[0] == 0
    _, other_request = other_station(tmp_path, other_key, capsys, monkeypatch)
    other_kit = tmp_path / "other-kit.json"
    code, _, err = hq_enrol(capsys, monkeypatch, hq_dir, other_request, other_kit, ca_folder)
    assert code == 2
    assert (f"other-request.json: station {STATION} is already registered with another key"
            in err)
    assert not other_kit.exists()
    # The same station asking again (its kit was lost) gets its registered certificate.
    code, out, err = hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)
    assert code == 0 and "registered again" in out


def test_a_kit_for_another_stations_keys_is_refused(
        tmp_path, hq_dir, ca_folder, other_key, capsys, monkeypatch):  # noqa: F811
    request, kit = tmp_path / "request.json", tmp_path / "kit.json"
    init(capsys, monkeypatch, tmp_path / "station", request)
    assert hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)[0] == 0
    other, _ = other_station(tmp_path, other_key, capsys, monkeypatch)
    code, out, err = enrol(capsys, monkeypatch, other, kit)
    assert code == 2
    assert err == ("screening-app: kit.json: this certificate is for another key, not this"
                   " station's (was it issued for this station's CSR?).\n")
    nothing_installed(other)


def test_a_kit_answering_a_request_the_station_did_not_write_is_refused(
        tmp_path, hq_dir, ca_folder, capsys, monkeypatch):  # noqa: F811
    """Two stations holding the same keys (every test station shares one; in the field, a
    copy of the station's database): the kit answers the request of one only."""
    request, kit = tmp_path / "request.json", tmp_path / "kit.json"
    init(capsys, monkeypatch, tmp_path / "station", request)
    assert hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)[0] == 0
    twin = tmp_path / "twin"
    init(capsys, monkeypatch, twin, tmp_path / "twin-request.json")
    code, _, err = enrol(capsys, monkeypatch, twin, kit)
    assert code == 2
    assert err == ("screening-app: kit.json answers an enrolment request this station did"
                   " not write.\n")
    nothing_installed(twin)


def test_a_kit_with_a_changed_byte_is_refused(
        tmp_path, hq_dir, ca_folder, capsys, monkeypatch):  # noqa: F811
    station, request, kit = tmp_path / "station", tmp_path / "request.json", tmp_path / "kit.json"
    init(capsys, monkeypatch, station, request)
    assert hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)[0] == 0
    text = kit.read_text(encoding="utf-8")
    assert '"outbox_through": 0' in text
    kit.write_text(text.replace('"outbox_through": 0', '"outbox_through": 9'),
                   encoding="utf-8")
    code, _, err = enrol(capsys, monkeypatch, station, kit)
    assert code == 2
    assert err == ("screening-app: kit.json was altered after it was signed: its signature"
                   " does not match its content.\n")
    nothing_installed(station)


@pytest.mark.parametrize("field, bad, problem", [
    ("roster", [{"isn": "NK-1", "birth_year": "nineteen"}],
     "kit.json (roster), line 1: birth_year must be a year from"),
    ("protocols", [{"definition": "{\"id\": \"half a protocol\"}"}],
     "kit.json (protocols), line 2: at version: the required key 'version' is missing"),
])
def test_enrolment_is_all_or_nothing(
        tmp_path, hq_dir, hq_key, ca_folder, capsys, monkeypatch, field, bad,  # noqa: F811
        problem):
    """A kit headquarters signed whose rows the station cannot take: not one of the things
    before them (certificates, trust of headquarters) stays installed."""
    opened = Headquarters.open(hq_dir, HQ_PASSPHRASE)
    try:  # a good protocol goes before the bad rows
        publish_protocol(opened, forms_dir() / "nnrc-explanations-v1.yaml")
    finally:
        opened.close()
    station, request, kit = tmp_path / "station", tmp_path / "request.json", tmp_path / "kit.json"
    init(capsys, monkeypatch, station, request)
    assert hq_enrol(capsys, monkeypatch, hq_dir, request, kit, ca_folder)[0] == 0
    fields = json.loads(kit.read_text(encoding="utf-8"))
    del fields[SIGNATURE]
    fields[field] = fields[field] + bad
    kit.write_bytes(signed_document(fields, hq_key))  # signed by headquarters, as it would be
    code, _, err = enrol(capsys, monkeypatch, station, kit)
    assert code == 2
    assert err.startswith(f"screening-app: {problem}"), err
    nothing_installed(station)
