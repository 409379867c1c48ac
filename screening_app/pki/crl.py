"""Certificate revocation lists: the standard way to say "our CA no longer vouches for this
certificate, since this date, for this reason".

The CA issues them (the key never leaves the CA folder), headquarters keeps and publishes
the newest, and stations, the operators' page and ``verify`` read them. A CRL is signed by
the root itself, so anyone holding the root certificate can check one, offline, decades on.

The root is an offline CA: it signs only when someone brings its folder and passphrase, so
a CRL's next update is half a year away rather than the days an online CA gives, and
headquarters warns well before it passes (see README, "Certificates, their lifetimes and
revocation").
"""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from screening_app.domain.errors import UserError
from screening_app.pki.certificates import common_name

NEXT_UPDATE_DAYS = 180
# Headquarters warns this long before a CRL's next update: time to bring the CA folder.
RENEW_CRL_WITHIN_DAYS = 30

# The reasons an operator may give, by the names the command line takes (RFC 5280 5.3.1;
# certificate-hold and remove-from-crl are left out: a revocation here is never undone).
REASONS: dict[str, x509.ReasonFlags] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key-compromise": x509.ReasonFlags.key_compromise,
    "ca-compromise": x509.ReasonFlags.ca_compromise,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "privilege-withdrawn": x509.ReasonFlags.privilege_withdrawn,
}
_NAMES = {flag: name for name, flag in REASONS.items()}


@dataclass(frozen=True)
class Revoked:
    """One certificate a CRL lists."""

    serial_number: int
    revoked_at: datetime.datetime
    reason: str  # one of REASONS

    @property
    def serial_hex(self) -> str:
        return format(self.serial_number, "x")


@dataclass(frozen=True)
class RevocationList:
    """A CRL checked against a root."""

    crl: x509.CertificateRevocationList
    number: int
    issued_at: datetime.datetime
    next_update: datetime.datetime
    entries: tuple[Revoked, ...]

    @property
    def der(self) -> bytes:
        return self.crl.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.crl.public_bytes(serialization.Encoding.PEM)

    def revocation_of(self, certificate: x509.Certificate) -> Revoked | None:
        """When and why this CRL says ``certificate`` was revoked, or None."""
        if certificate.issuer != self.crl.issuer:
            return None
        return next((entry for entry in self.entries
                     if entry.serial_number == certificate.serial_number), None)


def reason_name(text: str) -> str:
    """A reason code as the command line spells it (key-compromise, ...), checked."""
    name = text.strip().lower().replace("_", "-").replace(" ", "-")
    if name not in REASONS:
        raise UserError(f"{text!r} is not a revocation reason; give one of"
                        f" {', '.join(REASONS)}.")
    return name


def issue_crl(ca_key, ca_certificate: x509.Certificate, number: int,
              revoked: list[Revoked], *, now: datetime.datetime | None = None
              ) -> RevocationList:
    """A CRL numbered ``number`` listing ``revoked``, signed by the CA, valid for
    NEXT_UPDATE_DAYS."""
    now = now or datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_certificate.subject)
        .last_update(now)
        .next_update(now + datetime.timedelta(days=NEXT_UPDATE_DAYS))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_certificate.public_key()), critical=False)
    )
    for entry in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial_number)
            .revocation_date(entry.revoked_at)
            .add_extension(x509.CRLReason(REASONS[entry.reason]), critical=False)
            .build())
    crl = builder.sign(ca_key, hashes.SHA256())
    return _read(crl, "the new CRL")


def load_crl(data: bytes, source: str, root: x509.Certificate) -> RevocationList:
    """A CRL (PEM or DER) checked to be signed by ``root``; one sentence if it is not."""
    try:
        crl = x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----") \
            else x509.load_der_x509_crl(data)
    except ValueError:
        raise UserError(f"{source}: not a certificate revocation list (expected PEM or"
                        " DER).") from None
    check_signed_by(crl, root, source)
    return _read(crl, source)


def check_signed_by(crl: x509.CertificateRevocationList, root: x509.Certificate,
                    source: str) -> None:
    if crl.issuer != root.subject:
        raise UserError(f"{source} was issued by {crl.issuer.rfc4514_string()!r}, not by"
                        f" {common_name(root)!r}.")
    try:
        valid = crl.is_signature_valid(root.public_key())
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise UserError(f"{source} does not carry a valid signature of"
                        f" {common_name(root)!r}.")


def _read(crl: x509.CertificateRevocationList, source: str) -> RevocationList:
    try:
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        raise UserError(f"{source} has no CRL number.") from None
    if crl.next_update_utc is None:
        raise UserError(f"{source} has no next update date.")
    entries = []
    for revoked in crl:
        try:
            flag = revoked.extensions.get_extension_for_class(x509.CRLReason).value.reason
        except x509.ExtensionNotFound:
            flag = x509.ReasonFlags.unspecified
        entries.append(Revoked(revoked.serial_number, revoked.revocation_date_utc,
                               _NAMES.get(flag, flag.value)))
    return RevocationList(crl, number, crl.last_update_utc, crl.next_update_utc,
                          tuple(entries))
