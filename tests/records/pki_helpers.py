"""A throwaway public-key infrastructure for signing tests, made with ``cryptography``.

A root CA (basicConstraints CA=true, keyCertSign) issues end-entity certificates with
digitalSignature and nonRepudiation, as a station's or a supervisor's certificate would have.
RSA 2048 keeps key generation quick; the hash is SHA-256 throughout. Nothing is written to
disk and nothing is fetched.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from screening_app.records.signing import SigningIdentity

RSA_BITS = 2048
# Backdated a day so a clock a little behind the issuer's does not make a fresh certificate
# "not yet valid" in the middle of a test.
VALID_FROM = timedelta(days=1)
VALID_FOR = timedelta(days=365)


@dataclass(frozen=True)
class CertificateAuthority:
    key: CertificateIssuerPrivateKeyTypes
    certificate: x509.Certificate

    @property
    def name(self) -> str:
        return common_name(self.certificate)


def common_name(certificate: x509.Certificate) -> str:
    return certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ])


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def make_root_ca(name: str = "Test Org Root CA", organisation: str = "Test Org",
                 ) -> CertificateAuthority:
    key = _rsa_key()
    subject = _name(name, organisation)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - VALID_FROM)
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(key, certificate)


def issue_identity(ca: CertificateAuthority, name: str, *, elliptic: bool = False,
                   organisation: str = "Test Org", expired: bool = False,
                   valid_for: timedelta = VALID_FOR,
                   timestamping: bool = False) -> SigningIdentity:
    """A signer's key and certificate issued by ``ca``, with the chain up to the root;
    ``expired`` makes a certificate whose validity ended yesterday, ``valid_for`` a
    certificate that ends that long from now (a short-lived one expires in the tests'
    future), ``timestamping`` a timestamp authority's certificate."""
    key = ec.generate_private_key(ec.SECP256R1()) if elliptic else _rsa_key()
    # An expired certificate's year of validity ended a day ago.
    now = datetime.now(UTC) - (VALID_FOR + timedelta(days=1) if expired else timedelta(0))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - VALID_FROM)
        .not_valid_after(now + (VALID_FOR if expired else valid_for))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca.certificate.public_key()), critical=False)
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    certificate = builder.sign(ca.key, hashes.SHA256())
    return SigningIdentity(key=key, certificate=certificate, chain=(ca.certificate,))


def make_crl(ca: CertificateAuthority, revoked: list[tuple[x509.Certificate, datetime,
                                                           x509.ReasonFlags]],
             issued: datetime, number: int = 1) -> bytes:
    """A revocation list of ``ca`` issued at ``issued`` (DER), listing each certificate with
    its revocation date and reason."""
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(ca.certificate.subject)
               .last_update(issued).next_update(issued + timedelta(days=180))
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca.certificate.public_key()), critical=False))
    for certificate, when, reason in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(certificate.serial_number)
            .revocation_date(when)
            .add_extension(x509.CRLReason(reason), critical=False).build())
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
