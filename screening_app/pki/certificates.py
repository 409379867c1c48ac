"""X.509 for the screening organisation: a root CA at headquarters, one signing
certificate per station (issued from the station's certificate signing request), and
certificates for people who countersign (supervisors).

RSA-3072 with SHA-256: verified by every PDF reader, including poppler and NSS.
"""

import datetime
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from screening_app.domain.errors import UserError

KEY_SIZE = 3072
# Lifetimes (README, "Certificates, their lifetimes and revocation"). The root outlives
# every form it vouches for being checked at intake; it is offline, so it is replaced
# rarely and on purpose. A station's laptop lives in a camp and can be lost or copied
# without anyone noticing: two years bounds how long a stolen key signs before it expires
# on its own, and a station reaches headquarters often enough to be renewed well before.
# A person's key belongs to staff who come and go between screening rounds: one year, so a
# departure nobody reported ends by itself. Renewal (hq certificates renew) keeps the key
# and the name and gives a new validity through the down bundle; a form stays verifiable
# after its signer's certificate expires through headquarters' timestamp on it.
ROOT_YEARS = 20
STATION_YEARS = 2
PERSON_YEARS = 1
# Headquarters' own signing certificate (down bundles, merged lists) keeps the five years it
# always had: it is made with 'hq init', not renewed through a bundle.
HEADQUARTERS_LIFETIME = datetime.timedelta(days=365 * 5)
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")  # widely used for PDF


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _name(common_name: str, organisation: str, unit: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def create_root_ca(common_name: str, organisation: str,
                   key: rsa.RSAPrivateKey | None = None) -> tuple[rsa.RSAPrivateKey,
                                                                   x509.Certificate]:
    key = key or new_private_key()
    name = _name(common_name, organisation)
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def create_csr(key: rsa.RSAPrivateKey, common_name: str, organisation: str,
               unit: str | None = None) -> x509.CertificateSigningRequest:
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name(common_name, organisation, unit))
        .sign(key, hashes.SHA256())
    )


def is_person_subject(subject: x509.Name) -> bool:
    """A person's certificate names their station as its unit ("OU=Station <id>",
    pki/people.py); a station's names itself ("CN=Station <id>") and its camp."""
    return any(str(unit.value).startswith("Station ")
               for unit in subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME))


def lifetime(subject: x509.Name) -> datetime.timedelta:
    """How long a certificate for this subject is valid: PERSON_YEARS or STATION_YEARS."""
    years = PERSON_YEARS if is_person_subject(subject) else STATION_YEARS
    return datetime.timedelta(days=365 * years)


def issue_certificate(ca_key: rsa.RSAPrivateKey, ca_certificate: x509.Certificate,
                      csr: x509.CertificateSigningRequest,
                      valid_for: datetime.timedelta | None = None) -> x509.Certificate:
    """A document-signing certificate for the subject of ``csr``, valid for its subject's
    lifetime (or ``valid_for``), never beyond the root's own expiry."""
    if not csr.is_signature_valid:
        raise UserError("The certificate signing request is damaged: its own signature does"
                        " not verify.")
    return _document_signing(ca_key, ca_certificate, csr.subject, csr.public_key(),
                             valid_for or lifetime(csr.subject))


def renew_certificate(ca_key: rsa.RSAPrivateKey, ca_certificate: x509.Certificate,
                      certificate: x509.Certificate,
                      valid_for: datetime.timedelta | None = None) -> x509.Certificate:
    """The same subject and public key with a new serial and a new validity from now."""
    check_issued_by(certificate, ca_certificate)
    return _document_signing(ca_key, ca_certificate, certificate.subject,
                             certificate.public_key(),
                             valid_for or lifetime(certificate.subject))


def _document_signing(ca_key, ca_certificate: x509.Certificate, subject: x509.Name,
                      public_key, valid_for: datetime.timedelta) -> x509.Certificate:
    usage = x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION])
    return _end_entity(ca_key, ca_certificate, subject, public_key, valid_for, usage,
                       usage_critical=False)


def _end_entity(ca_key, ca_certificate: x509.Certificate, subject: x509.Name, public_key,
                valid_for: datetime.timedelta, usage: x509.ExtendedKeyUsage, *,
                usage_critical: bool) -> x509.Certificate:
    """A certificate that signs (digital signature and non-repudiation) for ``usage``,
    issued by the CA, never beyond the root's own expiry."""
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(ca_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(min(now + valid_for, ca_certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(usage, critical=usage_critical)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_certificate.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def common_name(certificate: x509.Certificate | x509.CertificateSigningRequest) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def to_pem(item: x509.Certificate | x509.CertificateSigningRequest) -> bytes:
    return item.public_bytes(serialization.Encoding.PEM)


def load_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        try:
            certificates = [x509.load_der_x509_certificate(data)]
        except ValueError:
            raise UserError(f"{source}: not a certificate (expected PEM or DER).") from None
    if not certificates:
        raise UserError(f"{source}: holds no certificate.")
    return certificates


def load_csr(data: bytes, source: str) -> x509.CertificateSigningRequest:
    try:
        return x509.load_pem_x509_csr(data)
    except ValueError:
        try:
            return x509.load_der_x509_csr(data)
        except ValueError:
            raise UserError(f"{source}: not a certificate signing request.") from None


def check_issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> None:
    """Raise a one-sentence UserError unless ``issuer`` signed ``certificate``."""
    if certificate.issuer != issuer.subject:
        raise UserError(f"The certificate of {common_name(certificate)!r} was issued by "
                        f"{certificate.issuer.rfc4514_string()!r}, not by "
                        f"{common_name(issuer)!r}.")
    try:
        issuer.public_key().verify(certificate.signature, certificate.tbs_certificate_bytes,
                                   padding.PKCS1v15(), certificate.signature_hash_algorithm)
    except InvalidSignature:
        raise UserError(f"The certificate of {common_name(certificate)!r} does not carry a"
                        f" valid signature of {common_name(issuer)!r}.") from None


def same_public_key(certificate: x509.Certificate, key) -> bool:
    def der(public_key) -> bytes:
        return public_key.public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    return der(certificate.public_key()) == der(key.public_key())


def chain_pem(certificates: Sequence[x509.Certificate]) -> bytes:
    return b"".join(to_pem(c) for c in certificates)


# -- headquarters' timestamp authority (hq/timestamps.py) -----------------------------------
TIMESTAMPING_DAYS = 3650  # ten years, and never beyond the root


def issue_timestamping_certificate(ca_key: rsa.RSAPrivateKey,
                                   ca_certificate: x509.Certificate, public_key,
                                   common_name: str, organisation: str, *,
                                   days: int = TIMESTAMPING_DAYS) -> x509.Certificate:
    """A certificate for an RFC 3161 timestamp authority: its only use is timestamping
    (the extended key usage RFC 3161 requires, critical), for ``days`` capped by the root."""
    return _end_entity(ca_key, ca_certificate, _name(common_name, organisation), public_key,
                       datetime.timedelta(days=days),
                       x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                       usage_critical=True)
