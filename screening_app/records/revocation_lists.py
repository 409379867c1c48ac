"""The revocation lists a verification may rely on: those embedded in a PDF's validation
data and those the reader brings (headquarters publishes the current one), each kept only
when one of the trusted roots signed it (pki/crl.py checks). A list nobody trusted signed
says nothing about a certificate, however it got into the file."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

from screening_app.domain.canonical import utc_minute
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.pki.crl import RevocationList, load_crl


@dataclass(frozen=True)
class Revocation:
    revoked_at: datetime  # the date the CA gives for the revocation, UTC
    reason: str  # in words, for a sentence

    def described(self) -> str:
        return _("revoked on {date} ({reason})").format(
            date=utc_minute(self.revoked_at), reason=self.reason)


def _reason_words() -> dict[str, str]:
    # The reason codes pki/crl.py names, in the words a reader of the sentence needs.
    return {
        "unspecified": _("no reason given"),
        "key-compromise": _("key compromise"),
        "ca-compromise": _("CA compromise"),
        "affiliation-changed": _("affiliation changed"),
        "superseded": _("superseded"),
        "cessation-of-operation": _("cessation of operation"),
        "privilege-withdrawn": _("privilege withdrawn"),
    }


def trusted_list(data: bytes, source: str, roots: Sequence[x509.Certificate]
                 ) -> RevocationList:
    """The list in ``data`` if one of ``roots`` signed it; else the first root's sentence."""
    problem = UserError(_("{source}: no trusted root to check it against.").format(
        source=source))
    for root in roots:
        try:
            return load_crl(data, source, root)
        except UserError as refusal:
            problem = refusal
    raise problem


class RevocationLists:
    def __init__(self, encoded: Iterable[bytes], roots: Sequence[x509.Certificate]):
        self.lists: list[RevocationList] = []
        for data in encoded:
            try:
                self.lists.append(trusted_list(data, "a revocation list", roots))
            except UserError:
                continue  # not one of ours: it proves nothing either way

    def der(self) -> list[bytes]:
        return [revocation_list.der for revocation_list in self.lists]

    def revocation(self, certificate: x509.Certificate) -> Revocation | None:
        """The earliest revocation of ``certificate`` any trusted list gives, or None."""
        words = _reason_words()
        found = [Revocation(entry.revoked_at, words.get(entry.reason,
                                                        entry.reason.replace("-", " ")))
                 for revocation_list in self.lists
                 if (entry := revocation_list.revocation_of(certificate)) is not None]
        return min(found, key=lambda revocation: revocation.revoked_at) if found else None
