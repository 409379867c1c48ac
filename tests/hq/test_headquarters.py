"""Making and opening a headquarters: its keys are sealed under its passphrase, its public
file is what a real station accepts, and bad input is refused before anything is written."""

import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization

from screening_app.domain.errors import UserError
from screening_app.hq import tls
from screening_app.hq.databases import DATABASE_SETTING
from screening_app.hq.headquarters import (
    PUBLIC_FILE,
    Headquarters,
    HeadquartersLocked,
    add_operator,
    init_headquarters,
    verify_operator,
)
from screening_app.hq.store import HQ_DATABASE
from screening_app.pki import certificates
from screening_app.sync import bundle as bundles
from tests.conftest import PASSWORD
from tests.hq.conftest import (
    CA_PASSPHRASE,
    HQ_PASSPHRASE,
    OPERATOR,
    flush_to_files,
    make_headquarters,
)


def test_init_makes_the_database_and_a_signed_public_file(hq_folder, hq_database, test_keys,
                                                          hq_key):
    database = HQ_DATABASE if hq_database is None else DATABASE_SETTING
    assert sorted(p.name for p in hq_folder.iterdir()
                  if not p.name.endswith(("-wal", "-shm"))) == sorted([PUBLIC_FILE,
                                                                         tls.TLS_FILE,
                                                                         database])
    public = json.loads((hq_folder / PUBLIC_FILE).read_text())
    assert public["format"] == 2 and public["name"] == "Headquarters"
    assert public["age_recipient"].startswith("age1")
    chain = certificates.load_certificates(public["certificates"].encode(), "public")
    assert certificates.common_name(chain[0]) == "Headquarters"
    certificates.check_issued_by(chain[0], test_keys["ca"][1])
    assert certificates.same_public_key(chain[0], hq_key)


def test_init_makes_a_tls_certificate_whose_fingerprint_the_public_file_carries(hq_folder):
    (served,) = tls.tls_chain(hq_folder)
    public = json.loads((hq_folder / PUBLIC_FILE).read_text())
    assert public["tls_sha256"] == tls.fingerprint(served) == served.fingerprint(
        hashes.SHA256()).hex()
    assert certificates.load_certificates(public["tls_certificate"].encode(), "p") == [served]
    # By default it names this machine and the loopback address, for operators' browsers.
    assert tls.host_names(served) == tls.default_names()
    assert {"localhost", "127.0.0.1"} <= set(tls.host_names(served))


def test_init_names_the_hosts_it_is_given_or_takes_an_operators_own_certificate(
        tmp_path, ca_folder, hq_key, monkeypatch):
    named = make_headquarters(tmp_path / "named", ca_folder, hq_key, monkeypatch,
                              tls_names=["hq.example.org", "10.0.0.5"])
    assert tls.host_names(tls.tls_chain(named.parent)[0]) == ["hq.example.org", "10.0.0.5"]

    own_certificate, own_key = tls.make_certificate(["own.example.org"], "Operator")
    cert_file, key_file = tmp_path / "own.pem", tmp_path / "own-key.pem"
    cert_file.write_bytes(certificates.to_pem(own_certificate))
    key_file.write_bytes(own_key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    own = make_headquarters(tmp_path / "own", ca_folder, hq_key, monkeypatch,
                            tls_own=(cert_file, key_file))
    assert tls.tls_chain(own.parent) == [own_certificate]
    assert json.loads(own.read_text())["tls_sha256"] == tls.fingerprint(own_certificate)
    assert certificates.same_public_key(
        own_certificate, tls.unseal_key(own.parent, HQ_PASSPHRASE))

    other_certificate, _ = tls.make_certificate(["other"], "Operator")
    cert_file.write_bytes(certificates.to_pem(other_certificate))
    with pytest.raises(UserError, match="The TLS key does not belong to the certificate"):
        make_headquarters(tmp_path / "mismatched", ca_folder, hq_key, monkeypatch,
                          tls_own=(cert_file, key_file))
    assert not (tmp_path / "mismatched").exists()


def test_the_tls_key_opens_only_with_the_passphrase(hq_folder):
    with pytest.raises(UserError, match="Wrong passphrase for the TLS key"):
        tls.unseal_key(hq_folder, "not the passphrase at all")
    key = tls.unseal_key(hq_folder, HQ_PASSPHRASE)
    assert certificates.same_public_key(tls.tls_chain(hq_folder)[0], key)


def test_a_real_station_trusts_the_public_file_and_encrypts_to_headquarters(
        hq_folder, hq, station):
    trusted = station.services.sync.trust_headquarters(station.admin, hq_folder / PUBLIC_FILE)
    assert trusted.name == "Headquarters"
    assert trusted.age_recipient == hq.age_recipient
    assert trusted.certificate == hq.certificate
    assert trusted.tls_certificate == tls.tls_chain(hq_folder)[0]
    assert station.services.sync.headquarters() == trusted  # the pin is kept


def test_the_signature_covers_the_tls_fingerprint(hq_folder, station, tmp_path):
    """Someone who swaps in their own TLS certificate (and its fingerprint) to stand
    between stations and headquarters is refused: the signature covers both."""
    public = json.loads((hq_folder / PUBLIC_FILE).read_text())
    impostor, _ = tls.make_certificate(["hq.example.org"], "Impostor")
    forged = tmp_path / PUBLIC_FILE
    forged.write_text(json.dumps({**public, "tls_sha256": tls.fingerprint(impostor)}))
    with pytest.raises(UserError, match="was altered"):
        station.services.sync.trust_headquarters(station.admin, forged)
    forged.write_text(json.dumps({**public, "tls_sha256": tls.fingerprint(impostor),
                                  "tls_certificate": certificates.to_pem(impostor).decode()}))
    with pytest.raises(UserError, match="was altered"):
        station.services.sync.trust_headquarters(station.admin, forged)
    assert station.services.sync.headquarters() is None


def test_an_altered_public_file_is_refused_by_the_station(hq_folder, station, tmp_path):
    public = json.loads((hq_folder / PUBLIC_FILE).read_text())
    _, other_recipient = bundles.new_age_identity()
    public["age_recipient"] = other_recipient  # someone swaps in a key they can read
    forged = tmp_path / PUBLIC_FILE
    forged.write_text(json.dumps(public))
    with pytest.raises(UserError, match="was altered"):
        station.services.sync.trust_headquarters(station.admin, forged)


def test_open_unseals_both_keys_with_the_passphrase(hq, hq_key):
    assert certificates.same_public_key(hq.signing_identity.certificate, hq_key)
    assert hq.signing_identity.chain == (hq.root,)
    assert str(hq.age_identity.to_public()) == hq.age_recipient
    assert certificates.common_name(hq.root) == "Test Root CA"


def test_a_wrong_passphrase_is_one_clear_sentence(hq_folder):
    with pytest.raises(UserError) as refused:
        Headquarters.open(hq_folder, "not the passphrase at all")
    assert str(refused.value) == f"Wrong passphrase for headquarters in {hq_folder}."


def test_opened_locked_it_reads_the_store_but_has_no_keys(hq_folder):
    hq = Headquarters.open_locked(hq_folder)
    try:
        assert hq.name == "Headquarters" and hq.store.operator_names() == [OPERATOR]
        with pytest.raises(HeadquartersLocked):
            hq.signing_identity  # noqa: B018
        with pytest.raises(HeadquartersLocked):
            hq.age_identity  # noqa: B018
    finally:
        hq.close()


def test_no_secret_is_in_clear_in_the_folder(hq_folder, hq, hq_key):
    flush_to_files(hq)
    on_disk = b"".join(p.read_bytes() for p in hq_folder.iterdir() if p.is_file())
    assert b"AGE-SECRET-KEY" not in on_disk
    assert str(hq.age_identity).encode() not in on_disk
    key_der = hq_key.private_bytes(serialization.Encoding.DER,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    assert key_der[-64:] not in on_disk
    tls_key = tls.unseal_key(hq_folder, HQ_PASSPHRASE)
    for encoding, form in ((serialization.Encoding.DER, serialization.PrivateFormat.PKCS8),
                           (serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8),
                           (serialization.Encoding.DER,
                            serialization.PrivateFormat.TraditionalOpenSSL)):
        tls_bytes = tls_key.private_bytes(encoding, form, serialization.NoEncryption())
        assert tls_bytes[-32:] not in on_disk
    assert b"PRIVATE KEY" not in on_disk
    scalar = tls_key.private_numbers().private_value.to_bytes(32, "big")
    assert scalar not in on_disk


@pytest.mark.parametrize("change, message", [
    ({"passphrase": "too short"}, "at least 12 characters"),
    ({"ca_passphrase": "wrong ca passphrase"}, "Wrong passphrase for the CA key"),
    ({"operator": "x"}, "User name 'x' is not valid"),
    ({"operator_password": "short"}, "password"),
    ({"name": "  "}, "name must not be empty"),
])
def test_bad_input_is_refused_before_anything_is_written(tmp_path, ca_folder, change,
                                                         message):
    arguments = {"ca_folder": ca_folder, "ca_passphrase": CA_PASSPHRASE,
                 "passphrase": HQ_PASSPHRASE, "operator": OPERATOR,
                 "operator_password": PASSWORD, **change}
    with pytest.raises(UserError, match=message):
        init_headquarters(tmp_path / "hq", **arguments)
    assert not (tmp_path / "hq").exists() or not any((tmp_path / "hq").iterdir())


def test_a_folder_holds_one_headquarters(hq_folder, ca_folder):
    with pytest.raises(UserError, match="already holds a headquarters"):
        init_headquarters(hq_folder, ca_folder=ca_folder, ca_passphrase=CA_PASSPHRASE,
                          passphrase=HQ_PASSPHRASE, operator="other",
                          operator_password=PASSWORD)


def test_a_folder_without_headquarters_is_named(tmp_path):
    with pytest.raises(UserError, match=f"There is no headquarters in {tmp_path}"):
        Headquarters.open(tmp_path, HQ_PASSPHRASE)


def test_operators_sign_in_with_their_own_password(hq):
    assert verify_operator(hq.store, OPERATOR, PASSWORD)
    assert verify_operator(hq.store, OPERATOR.upper(), PASSWORD)  # names ignore case
    assert not verify_operator(hq.store, OPERATOR, "wrong password here")
    assert not verify_operator(hq.store, "nobody", PASSWORD)
    add_operator(hq, "oscar", "another good password")
    assert verify_operator(hq.store, "oscar", "another good password")
    with pytest.raises(UserError, match="already an operator named"):
        add_operator(hq, "Oscar", "yet another password")


def test_a_second_connection_shares_the_keys_and_sees_the_same_data(hq):
    other = hq.with_new_connection()
    try:
        assert other.store is not hq.store
        assert other.age_recipient == hq.age_recipient
        assert other.signing_identity.certificate == hq.signing_identity.certificate
        add_operator(hq, "oscar", "another good password")
        assert "oscar" in other.store.operator_names()
    finally:
        other.close()
    assert hq.signing_identity is not None  # closing the copy leaves the original open
