"""Renewal through the down bundle: headquarters renews what expires soon (the station's
certificate, and its people's, learnt from the forms they signed), the station installs a
renewal only for a key it holds and from its own root, and goes on syncing with it."""

import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from screening_app.hq.down import build_down_bundle, revoke_certificate, revoke_user
from screening_app.hq.intake import ingest
from screening_app.hq.registry import RENEWED_CERTIFICATE, fingerprint
from screening_app.hq.renewal import renew_certificates
from screening_app.pki import certificates
from screening_app.services.ca import open_ca
from screening_app.store.key_material import UserKeys
from screening_app.sync.bundle import BundleError
from tests.hq.conftest import CA_PASSPHRASE, export, register, trust

SHORT = datetime.timedelta(days=10)


@pytest.fixture
def authority(ca_folder):
    return open_ca(ca_folder, CA_PASSPHRASE)


def install_station_certificate(station, test_keys, valid_for: datetime.timedelta) -> None:
    ca_key, root = test_keys["ca"]
    csr = certificates.load_csr(station.services.keys.csr_pem(), "csr")
    issued = certificates.issue_certificate(ca_key, root, csr, valid_for)
    station.services.keys.import_certificate(station.admin,
                                             certificates.chain_pem([issued, root]), "cert")


@pytest.fixture
def short_lived(hq, hq_folder, records_station, test_keys, tmp_path):
    """The records station with a certificate ending in ten days, registered, trusted and
    synced once."""
    install_station_certificate(records_station, test_keys, SHORT)
    register(hq, records_station)
    trust(records_station, hq_folder)
    ingest(hq, export(records_station, tmp_path / "up"))
    return records_station


def ends(station) -> datetime.datetime:
    return station.services.keys.station_certificate().certificate.not_valid_after_utc


def person_certificate(station, name: str):
    user = station.services.accounts.authenticate(name, "correct horse battery")
    row = UserKeys(station.services.station.db).row(user.user_id)
    return certificates.load_certificates(row.certificate_pem.encode(), name)[0]


def test_a_station_certificate_nearing_its_end_is_renewed_through_the_down_bundle(
        hq, short_lived, authority, test_keys, tmp_path):
    station = short_lived
    before = ends(station)
    assert station.services.keys.expiry_warnings(station.supervisor) == [
        f"This station's certificate ends on {before:%Y-%m-%d} and no renewal has arrived:"
        " sync with headquarters, which renews it ('hq certificates renew')."]
    [renewal] = renew_certificates(hq, authority, within_days=60)
    assert (renewal.station_id, renewal.subject) == ("TEST-01", "Station TEST-01")
    assert renew_certificates(hq, authority, within_days=60) == []  # renewed already

    applied = station.services.sync.apply(station.supervisor,
                                          build_down_bundle(hq, "TEST-01", tmp_path / "d1"))
    assert applied.renewed == ["Station TEST-01"]
    assert "certificates renewed: Station TEST-01" in applied.summary()
    after = ends(station)
    assert after - before > datetime.timedelta(days=700)  # two years from now
    assert station.services.keys.expiry_warnings(station.supervisor) == []
    installed = station.services.keys.station_certificate()
    assert installed.root == authority.certificate
    assert certificates.same_public_key(installed.certificate, test_keys["station"])

    # The station's next bundle is signed with the renewed certificate: headquarters knows
    # it, and from then on it is the station's certificate there.
    receipt = ingest(hq, export(station, tmp_path / "up2"))
    assert receipt.station_id == "TEST-01"
    assert hq.store.station("TEST-01").fingerprint_sha256 == fingerprint(
        installed.certificate)
    again = station.services.sync.apply(station.supervisor,
                                        build_down_bundle(hq, "TEST-01", tmp_path / "d2"))
    assert again.renewed == [] and again.renewals_left == []  # installed before


def test_people_are_renewed_from_the_certificates_their_forms_carry(
        hq, short_lived, authority, tmp_path):
    station = short_lived
    before = person_certificate(station, "ivan")
    renewed = renew_certificates(hq, authority, within_days=400)  # a year and more
    names = {r.subject for r in renewed}
    assert {"Station TEST-01", "Interviewer ivan"} <= names
    applied = station.services.sync.apply(station.supervisor,
                                          build_down_bundle(hq, "TEST-01", tmp_path / "d"))
    assert "Interviewer ivan" in applied.renewed
    after = person_certificate(station, "ivan")
    assert after.serial_number != before.serial_number
    assert after.not_valid_after_utc > before.not_valid_after_utc
    assert after.subject == before.subject


def test_a_revoked_certificate_is_not_renewed(hq, short_lived, authority):
    installed = short_lived.services.keys.station_certificate().certificate
    revoke_certificate(hq, certificates.to_pem(installed), "station.pem", "Stolen.",
                       "key-compromise")
    assert renew_certificates(hq, authority, within_days=60) == []


def test_a_revoked_or_disabled_account_is_not_renewed(hq, short_lived, authority, tmp_path):
    station = short_lived
    revoke_user(hq, "TEST-01", "ivan", "Left the programme.")
    station.services.accounts.disable(station.admin, "olga")
    ingest(hq, export(station, tmp_path / "up2"))  # headquarters learns olga is disabled
    names = {r.subject for r in renew_certificates(hq, authority, within_days=400)}
    assert "Supervisor sup" in names
    assert not names & {"Interviewer ivan", "Interviewer olga"}


def queue_renewal(hq, certificate) -> None:
    with hq.store.transaction():
        hq.store.insert_outbox("TEST-01", RENEWED_CERTIFICATE, {
            "certificate_pem": certificates.to_pem(certificate).decode(),
            "fingerprint_sha256": fingerprint(certificate),
            "replaces_fingerprint_sha256": "",
            "subject": certificate.subject.rfc4514_string(),
            "not_valid_after": "2099-01-01T00:00:00.000Z"}, "2026-01-01T00:00:00.000Z")


def test_a_renewal_for_another_key_is_not_installed(hq, short_lived, authority, tmp_path):
    station = short_lived
    ivan = person_certificate(station, "ivan")
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = certificates.create_csr(other_key, "Interviewer ivan", "UNC Screening",
                                  unit="Station TEST-01")
    queue_renewal(hq, certificates.issue_certificate(authority.key, authority.certificate,
                                                     csr))
    applied = station.services.sync.apply(station.supervisor,
                                          build_down_bundle(hq, "TEST-01", tmp_path / "d"))
    assert applied.renewed == []
    assert applied.renewals_left == [
        "the renewed certificate of 'Interviewer ivan' was not installed: it is for another"
        " key than the one this station holds for 'Interviewer ivan'"]
    assert "it is for another key" in applied.summary()
    assert person_certificate(station, "ivan") == ivan


def test_a_renewal_from_another_ca_refuses_the_bundle(hq, short_lived, tmp_path):
    station = short_lived
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _, stranger = certificates.create_root_ca("Test Root CA", "Test Org", key=stranger_key)
    csr = certificates.load_csr(station.services.keys.csr_pem(), "csr")
    queue_renewal(hq, certificates.issue_certificate(stranger_key, stranger, csr))
    before = ends(station)
    with pytest.raises(BundleError, match="does not carry a valid signature of 'Test Root"
                                          " CA'"):
        station.services.sync.apply(station.supervisor,
                                    build_down_bundle(hq, "TEST-01", tmp_path / "d"))
    assert ends(station) == before


def test_a_form_the_station_signed_before_installing_its_renewal_is_still_taken_in(
        hq, short_lived, authority, tmp_path, monkeypatch):
    """A form signed with the station's key under the certificate a renewal replaced (as
    before personal keys), carried by the first bundle signed with the renewed one."""
    from tests.hq.test_interviewer_signatures import first_signer, record

    station = short_lived
    older = record(station, "CN-700002", monkeypatch,
                   station.services.keys.signing_identity(station.admin))
    renew_certificates(hq, authority, within_days=60)
    station.services.sync.apply(station.supervisor,
                                build_down_bundle(hq, "TEST-01", tmp_path / "down"))
    receipt = ingest(hq, export(station, tmp_path / "up2"))
    assert receipt.added["documents"] == 1
    root = station.services.keys.station_certificate().root
    assert first_signer(hq, older.id, root) == "Station TEST-01"
