"""Revocation lists as the CA issues them: each entry carries its date and reason, the list
verifies against our root only, and certificates get the lifetimes the README states."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from screening_app.domain.errors import UserError
from screening_app.pki import certificates, crl
from screening_app.pki.people import person_names

REVOKED_AT = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)


def issued_for(test_keys, common_name: str, unit: str | None = None) -> x509.Certificate:
    ca_key, ca_certificate = test_keys["ca"]
    csr = certificates.create_csr(test_keys["station"], common_name, "Test Org", unit=unit)
    return certificates.issue_certificate(ca_key, ca_certificate, csr)


def other_root():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return certificates.create_root_ca("Test Root CA", "Test Org", key=key)


def test_a_crl_lists_each_certificate_with_its_date_and_reason(test_keys):
    ca_key, root = test_keys["ca"]
    station = issued_for(test_keys, "Station TEST-01", "Camp 1")
    kept = issued_for(test_keys, "Station TEST-02", "Camp 2")
    issued = crl.issue_crl(ca_key, root, 7, [crl.Revoked(station.serial_number, REVOKED_AT,
                                                         "key-compromise")])

    loaded = crl.load_crl(issued.pem, "crl.pem", root)
    assert loaded.number == 7
    assert loaded.next_update - loaded.issued_at == datetime.timedelta(days=180)
    revoked = loaded.revocation_of(station)
    assert (revoked.revoked_at, revoked.reason) == (REVOKED_AT, "key-compromise")
    assert loaded.revocation_of(kept) is None
    # The standard extensions, for any other tool reading it (openssl crl, pyHanko).
    assert loaded.crl.extensions.get_extension_for_class(
        x509.AuthorityKeyIdentifier).value.key_identifier == x509.SubjectKeyIdentifier \
        .from_public_key(root.public_key()).digest
    assert crl.load_crl(issued.der, "crl.der", root).der == issued.der


def test_a_crl_signed_by_another_root_is_refused_with_a_sentence(test_keys):
    ca_key, root = test_keys["ca"]
    stranger_key, stranger = other_root()  # the same name, another key
    forged = crl.issue_crl(stranger_key, stranger, 99, [])
    with pytest.raises(UserError) as refused:
        crl.load_crl(forged.der, "crl.der", root)
    assert str(refused.value) == ("crl.der does not carry a valid signature of"
                                  " 'Test Root CA'.")
    _, named_otherwise = certificates.create_root_ca("Other CA", "Other Org",
                                                     key=stranger_key)
    with pytest.raises(UserError, match="issued by 'CN=Other CA,O=Other Org', not by"
                                        " 'Test Root CA'"):
        crl.load_crl(crl.issue_crl(stranger_key, named_otherwise, 1, []).der, "crl.der", root)
    with pytest.raises(UserError, match="crl.der: not a certificate revocation list"):
        crl.load_crl(b"not a crl", "crl.der", root)


def test_reason_codes_are_named_as_the_command_line_takes_them():
    assert crl.reason_name("Key compromise") == "key-compromise"
    assert crl.reason_name("cessation_of_operation") == "cessation-of-operation"
    with pytest.raises(UserError, match="'stolen' is not a revocation reason; give one of"
                                        " unspecified, key-compromise"):
        crl.reason_name("stolen")


def test_stations_get_two_years_people_one_and_nobody_outlives_the_root(test_keys):
    station = issued_for(test_keys, "Station TEST-01", "Camp 1")
    person = issued_for(test_keys, *person_names("interviewer", "ivan", "TEST-01"))
    days = [(c.not_valid_after_utc - c.not_valid_before_utc).days for c in (station, person)]
    assert days == [365 * 2, 365]  # (five minutes' leeway before issue: the same day count)

    ca_key, root = test_keys["ca"]
    short_root = certificates.create_root_ca("Short Root", "Test Org", key=ca_key)[1]
    short_root = x509.CertificateBuilder().subject_name(short_root.subject).issuer_name(
        short_root.subject).public_key(ca_key.public_key()).serial_number(1).not_valid_before(
        root.not_valid_before_utc).not_valid_after(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=100)).sign(
        ca_key, certificates.hashes.SHA256())
    capped = certificates.issue_certificate(
        ca_key, short_root, certificates.create_csr(test_keys["station"], "Station TEST-03",
                                                    "Test Org", unit="Camp 3"))
    assert capped.not_valid_after_utc == short_root.not_valid_after_utc


def test_a_renewal_keeps_the_name_and_key_and_gives_a_new_validity(test_keys):
    ca_key, root = test_keys["ca"]
    csr = certificates.create_csr(test_keys["station"],
                                  *person_names("supervisor", "sup", "TEST-01")[:1], "Test Org",
                                  unit=person_names("supervisor", "sup", "TEST-01")[1])
    old = certificates.issue_certificate(ca_key, root, csr, datetime.timedelta(days=10))
    renewed = certificates.renew_certificate(ca_key, root, old)
    assert renewed.subject == old.subject
    assert certificates.same_public_key(renewed, test_keys["station"])
    assert renewed.serial_number != old.serial_number
    assert renewed.not_valid_after_utc - old.not_valid_after_utc > datetime.timedelta(days=350)
    stranger_key, stranger = other_root()
    with pytest.raises(UserError, match="does not carry a valid signature"):
        certificates.renew_certificate(stranger_key, stranger, old)
