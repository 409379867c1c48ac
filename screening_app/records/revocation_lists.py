"""The revocation lists a verification may rely on: those embedded in a PDF's validation
data and those the reader brings (headquarters publishes the current one), each kept only
when one of the trusted roots signed it. A list nobody trusted signed says nothing about a
certificate, however it got into the file."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from screening_app.domain.messages import gettext as _


@dataclass(frozen=True)
class Revocation:
    revoked_at: datetime  # the date the CA gives for the revocation, UTC
    reason: str  # in words, for a sentence

    def described(self) -> str:
        return _("revoked on {date} ({reason})").format(
            date=self.revoked_at.strftime("%Y-%m-%d %H:%M UTC"), reason=self.reason)


def _reason_words() -> dict[x509.ReasonFlags, str]:
    # RFC 5280 reason codes, in the words a reader of the sentence needs.
    return {
        x509.ReasonFlags.unspecified: _("no reason given"),
        x509.ReasonFlags.key_compromise: _("key compromise"),
        x509.ReasonFlags.ca_compromise: _("CA compromise"),
        x509.ReasonFlags.affiliation_changed: _("affiliation changed"),
        x509.ReasonFlags.superseded: _("superseded"),
        x509.ReasonFlags.cessation_of_operation: _("cessation of operation"),
        x509.ReasonFlags.certificate_hold: _("certificate on hold"),
        x509.ReasonFlags.privilege_withdrawn: _("privilege withdrawn"),
        x509.ReasonFlags.aa_compromise: _("attribute authority compromise"),
        x509.ReasonFlags.remove_from_crl: _("removed from the list"),
    }


class RevocationLists:
    def __init__(self, encoded: Iterable[bytes], roots: Sequence[x509.Certificate]):
        self.lists: list[x509.CertificateRevocationList] = []
        for data in encoded:
            crl = _load(data)
            if crl is not None and any(_signed_by(crl, root) for root in roots):
                self.lists.append(crl)

    def der(self) -> list[bytes]:
        return [crl.public_bytes(serialization.Encoding.DER) for crl in self.lists]

    def revocation(self, certificate: x509.Certificate) -> Revocation | None:
        """The earliest revocation of ``certificate`` any trusted list gives, or None."""
        found: list[Revocation] = []
        for crl in self.lists:
            if crl.issuer != certificate.issuer:
                continue
            entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
            if entry is None:
                continue
            try:
                code = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
            except x509.ExtensionNotFound:
                code = x509.ReasonFlags.unspecified
            found.append(Revocation(entry.revocation_date_utc,
                                    _reason_words().get(code, code.name.replace("_", " "))))
        return min(found, key=lambda revocation: revocation.revoked_at) if found else None


def _load(data: bytes) -> x509.CertificateRevocationList | None:
    for loader in (x509.load_der_x509_crl, x509.load_pem_x509_crl):
        try:
            return loader(data)
        except ValueError:
            continue
    return None


def _signed_by(crl: x509.CertificateRevocationList, root: x509.Certificate) -> bool:
    if crl.issuer != root.subject:
        return False
    public_key = root.public_key()
    if isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return crl.is_signature_valid(public_key)
    return False

