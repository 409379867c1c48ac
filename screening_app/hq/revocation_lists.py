"""The CRLs headquarters publishes, issued by the CA from the revocations it recorded.

Headquarters records a revocation at once (the outbox's ``revoke_certificate`` entries,
with their date and reason code; a station revoked before revocations carried a code is
in the stations table), and every station learns it with its next down bundle. Only the CA
can sign a CRL, and headquarters does not hold the CA key: someone brings the CA folder and
its passphrase (``hq crl issue --ca``, or ``--ca`` on the revoking command), and the CRL
lists every revocation recorded until then, numbered one above the last. Until then the
status and the operators' page say which revocations the CRL in force still lacks.
"""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from screening_app.domain.canonical import format_timestamp, parse_timestamp, utc_now
from screening_app.domain.errors import UserError
from screening_app.hq.headquarters import Headquarters
from screening_app.pki import certificates, crl
from screening_app.services.ca import CertificateAuthority

REVOKE_CERTIFICATE = "revoke_certificate"  # the outbox kind (hq/down.py)


@dataclass(frozen=True)
class RecordedRevocation:
    """A revocation headquarters recorded, as a CRL lists it and the page shows it."""

    serial_number: int
    revoked_at: str  # UTC, ISO 8601
    reason_code: str  # one of pki/crl.py's REASONS
    reason: str  # the operator's words
    subject: str

    def as_crl_entry(self) -> crl.Revoked:
        return crl.Revoked(self.serial_number, parse_timestamp(self.revoked_at),
                           self.reason_code)


def record_certificate_revocation(hq: Headquarters, certificate: x509.Certificate,
                                  reason: str, code: str, at: str) -> None:
    """The outbox entry every station applies and the next CRL lists (inside the caller's
    transaction)."""
    hq.store.insert_outbox(None, REVOKE_CERTIFICATE, {
        "serial_hex": format(certificate.serial_number, "x"),
        "fingerprint_sha256": certificate.fingerprint(hashes.SHA256()).hex(),
        "subject": certificate.subject.rfc4514_string(), "reason": reason,
        "reason_code": code, "at": at}, at)


def is_recorded(hq: Headquarters, certificate: x509.Certificate) -> bool:
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    return fingerprint in {entry.payload.get("fingerprint_sha256")
                           for entry in hq.store.outbox((REVOKE_CERTIFICATE,))}


def recorded_revocations(hq: Headquarters) -> list[RecordedRevocation]:
    """Every certificate revocation recorded at headquarters, oldest first."""
    found: dict[int, RecordedRevocation] = {}
    for entry in hq.store.outbox((REVOKE_CERTIFICATE,)):
        payload = entry.payload
        serial = int(payload["serial_hex"], 16)
        found.setdefault(serial, RecordedRevocation(
            serial, payload["at"], payload.get("reason_code") or "unspecified",
            payload.get("reason") or "", payload.get("subject") or ""))
    for station in hq.store.stations():
        if not station.revoked_at:
            continue
        certificate = certificates.load_certificates(station.certificate_pem.encode(),
                                                     f"station {station.station_id}")[0]
        found.setdefault(certificate.serial_number, RecordedRevocation(
            certificate.serial_number, station.revoked_at, "unspecified",
            station.revoke_reason or "", certificate.subject.rfc4514_string()))
    return sorted(found.values(), key=lambda r: (r.revoked_at, r.serial_number))


def current(hq: Headquarters) -> crl.RevocationList | None:
    """The CRL in force (the newest the CA issued), checked against the root, or None."""
    der = hq.store.current_crl()
    return None if der is None else crl.load_crl(der, "the CRL headquarters holds", hq.root)


def issue(hq: Headquarters, authority: CertificateAuthority,
          now: datetime.datetime | None = None) -> crl.RevocationList:
    """A new CRL listing every revocation recorded, numbered one above the last, signed by
    the CA and kept as the CRL in force."""
    require_our_ca(hq, authority)
    with hq.store.transaction():
        last = current(hq)
        issued = crl.issue_crl(authority.key, authority.certificate,
                               (last.number if last else 0) + 1,
                               [r.as_crl_entry() for r in recorded_revocations(hq)], now=now)
        hq.store.insert_crl(issued.number, format_timestamp(issued.issued_at), format_timestamp(issued.next_update),
                            issued.der)
    return issued


def require_our_ca(hq: Headquarters, authority: CertificateAuthority) -> None:
    """One sentence unless the CA folder holds the root this headquarters trusts."""
    if (authority.certificate.fingerprint(hashes.SHA256())
            != hq.root.fingerprint(hashes.SHA256())):
        raise UserError(f"{authority.folder} holds the CA"
                        f" {certificates.common_name(authority.certificate)!r}, not"
                        f" {certificates.common_name(hq.root)!r}, which this headquarters"
                        " trusts.")


def missing_from(revocation_list: crl.RevocationList | None,
                 recorded: list[RecordedRevocation]) -> list[RecordedRevocation]:
    """The recorded revocations a CRL does not list yet."""
    listed = {entry.serial_number for entry in revocation_list.entries} \
        if revocation_list else set()
    return [r for r in recorded if r.serial_number not in listed]


def problems(hq: Headquarters, now: datetime.datetime | None = None) -> list[str]:
    """What an operator should do about the CRL, one sentence each (none: all is well)."""
    now = now or parse_timestamp(utc_now())
    in_force = current(hq)
    missing = missing_from(in_force, recorded_revocations(hq))
    issue_hint = "issue one with 'screening-app hq crl issue --ca CADIR'"
    found = []
    if in_force is None:
        found.append(f"No certificate revocation list has been issued yet; {issue_hint}"
                     " (forms archived for the long term need one).")
    elif in_force.next_update <= now:
        found.append(f"The CRL in force (number {in_force.number}) expired on"
                     f" {in_force.next_update:%Y-%m-%d}; {issue_hint}.")
    elif in_force.next_update - now <= datetime.timedelta(days=crl.RENEW_CRL_WITHIN_DAYS):
        found.append(f"The CRL in force (number {in_force.number}) expires on"
                     f" {in_force.next_update:%Y-%m-%d}; {issue_hint} before then.")
    if missing and in_force is not None:
        found.append(f"The CRL in force (number {in_force.number}) lacks {len(missing)}"
                     f" revocation{'s' if len(missing) != 1 else ''} recorded since"
                     f" ({', '.join(r.subject for r in missing)}); {issue_hint}.")
    elif missing:
        found.append(f"{len(missing)} revocation{'s are' if len(missing) != 1 else ' is'}"
                     " in no CRL yet.")
    return found
