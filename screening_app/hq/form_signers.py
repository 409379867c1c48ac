"""Whose signature headquarters accepts first on a station's form.

A form's first signature is by the person who finalised it, with their own key (or, on a
form made before personal keys, by the station's key; both kinds stay valid). By the time
this check runs, hq/pdf_check.py has proved that our CA issued the signer's certificate.
What says the signer belongs to the sending station is that certificate's subject: our CA
issued it for "CN=<Role> <login name>, OU=Station <id>" (pki/people.py), the station made
that request from the signed-in account, and the CA operator read the subject before
issuing it. So a person's certificate signs forms of the station it names only, and only
as an account that station has sent headquarters (the bundle's users, stored before its
documents). A certificate headquarters revoked signs nothing made after the revocation.
"""

from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from screening_app.domain.canonical import parse_timestamp
from screening_app.hq.store_interface import HqStore
from screening_app.pki.certificates import common_name, load_certificates, same_public_key
from screening_app.pki.people import person_of


class FirstSigners:
    """Who may sign first on the forms of one station, for the bundle being taken in."""

    def __init__(self, store: HqStore, station_id: str, station_fingerprint: bytes):
        self._store = store
        self._id = station_id
        self._station_fingerprint = station_fingerprint
        self._revoked = {entry.payload["fingerprint_sha256"]: entry.payload
                         for entry in store.outbox(("revoke_certificate",))}
        self._accounts: set[str] | None = None  # read once the bundle's users are stored
        self._station_certificate: x509.Certificate | None = None

    def problem(self, signer: x509.Certificate, interview_id: str) -> str | None:
        """None when ``signer`` may have signed this interview's form first; otherwise the
        end of a sentence beginning "its first signature is by ..."."""
        fingerprint = signer.fingerprint(hashes.SHA256())
        if fingerprint == self._station_fingerprint or self._station_key(signer):
            return None  # the station's own key: every form made before personal keys
        name = common_name(signer)
        person = person_of(signer)
        if person is None or person.station_id != self._id:
            return (f"its first signature is by {name!r}, not by station {self._id} or one of"
                    " its accounts.")
        if person.name not in self._account_names():
            return (f"its first signature is by {name!r}, but station {self._id} has sent"
                    f" headquarters no account named {person.name!r}.")
        revoked = self._revoked.get(fingerprint.hex())
        if revoked and _not_before(self._store.interview_finalised_at(interview_id),
                                   revoked["at"]):
            return (f"its first signature is by {name!r}, whose certificate headquarters"
                    f" revoked on {revoked['at'][:10]} ({revoked['reason']}), before this form"
                    " was finalised.")
        return None

    def _station_key(self, signer: x509.Certificate) -> bool:
        """Whether ``signer`` is another certificate of the station's own name and key: the
        one a renewal replaced (hq/renewal.py keeps both), on a form signed before the
        station installed the renewal."""
        if self._station_certificate is None:
            row = self._store.station(self._id)
            self._station_certificate = load_certificates(row.certificate_pem.encode(),
                                                          "station certificate")[0]
        registered = self._station_certificate
        return signer.subject == registered.subject and same_public_key(signer, registered)

    def _account_names(self) -> set[str]:
        if self._accounts is None:
            self._accounts = set(self._store.user_names(self._id))
        return self._accounts


def _not_before(finalised_at: str | None, revoked_at: str) -> bool:
    """Whether the form was finalised at or after the revocation. The time is the one its
    station sealed into the record (and chained in its history): a form finalised before
    headquarters revoked the certificate was signed while the certificate was good, even if
    it reaches headquarters later. Unknown or unreadable counts as after."""
    try:
        finalised: datetime = parse_timestamp(finalised_at or "")
        return finalised >= parse_timestamp(revoked_at)
    except (ValueError, TypeError):  # TypeError: a time without its zone
        return True
