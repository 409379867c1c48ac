"""The stations headquarters accepts bundles from.

A station is registered by its certificate (issued by the organisation's CA for the
station's key: CN "Station <id>", OU the camp). Intake knows a bundle's station by the
fingerprint of the certificate that signed it, so a station with another key, or a
revoked one, is refused before anything in its bundle is read.
"""

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import NotFound, UserError
from screening_app.hq import revocation_lists
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.store_rows import StationCounts, StationRow
from screening_app.pki import certificates, crl
from screening_app.store.station import STATION_ID_PATTERN

RENEWED_CERTIFICATE = "renewed_certificate"  # the outbox kind (hq/renewal.py)
_STATION_CN = re.compile(r"^Station (?P<id>\S+)$")


@dataclass(frozen=True)
class StationEntry:
    station_id: str
    camp: str
    fingerprint_sha256: str
    registered_at: str
    revoked_at: str | None
    revoke_reason: str | None
    last_bundle_at: str | None
    events_seq: int
    interviews: int
    documents: int
    reviews: int
    subjects: int

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def station_identity(certificate: x509.Certificate, source: str) -> tuple[str, str]:
    """(station id, camp) from a station certificate's subject."""
    match = _STATION_CN.match(certificates.common_name(certificate))
    if not match or not STATION_ID_PATTERN.match(match["id"]):
        raise UserError(f"{source}: {certificates.common_name(certificate)!r} is not a station"
                        " certificate (its name must be 'Station <station id>').")
    units = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    camp = str(units[0].value).strip() if units else ""
    if not camp:
        raise UserError(f"{source}: the certificate of {match['id']!r} names no camp"
                        " (organisational unit).")
    return match["id"], camp


def register_station(hq: Headquarters, certificate_pem: bytes, source: str) -> StationEntry:
    """Accept bundles from the station this certificate was issued to. Registering the
    same certificate again changes nothing."""
    certificate = certificates.load_certificates(certificate_pem, source)[0]
    certificates.check_issued_by(certificate, hq.root)
    station_id, camp = station_identity(certificate, source)
    print_ = fingerprint(certificate)
    store = hq.store
    with store.transaction():
        existing = store.station(station_id)
        if existing is not None:
            if existing.fingerprint_sha256 != print_:
                raise UserError(f"{source}: station {station_id} is already registered with"
                                " another certificate; a station id belongs to one key.")
            return _entry(existing, store.station_counts().get(station_id))
        if store.station_by_fingerprint(print_) is not None:  # a CN cannot differ, but be sure
            raise UserError(f"{source}: this certificate is already registered.")
        if _certificate_revoked(hq, print_):
            raise UserError(f"{source}: this certificate was revoked; it cannot be registered.")
        store.insert_station(station_id, camp, certificates.to_pem(certificate).decode(),
                             print_, utc_now())
    return _entry(store.station(station_id), None)


def _certificate_revoked(hq: Headquarters, print_: str) -> bool:
    return any(entry.payload.get("fingerprint_sha256") == print_
               for entry in hq.store.outbox(("revoke_certificate",)))


def revoke_station(hq: Headquarters, station_id: str, reason: str,
                   code: str = "unspecified") -> StationEntry:
    """Refuse every later bundle of the station (a lost or stolen laptop, say), and revoke
    the certificates our CA issued to it: every station learns that with its next bundle,
    and the next CRL lists them. ``code`` is the CRL's reason code (pki/crl.py)."""
    if not reason or not reason.strip():
        raise UserError("Say why the station is revoked (--reason).")
    code = crl.reason_name(code)
    store = hq.store
    with store.transaction():
        row = _require(store.station(station_id), station_id)
        if row.revoked_at:
            raise UserError(f"Station {station_id} was already revoked on"
                            f" {row.revoked_at[:10]} ({row.revoke_reason}).")
        now = utc_now()
        store.revoke_station(station_id, now, reason.strip())
        for certificate in station_certificates(hq, row):
            if not revocation_lists.is_recorded(hq, certificate):
                revocation_lists.record_certificate_revocation(hq, certificate,
                                                               reason.strip(), code, now)
    return _entry(store.station(station_id), store.station_counts().get(station_id))


def station_certificates(hq: Headquarters, row: StationRow) -> list[x509.Certificate]:
    """The certificates our CA issued to a station that headquarters knows: the one it was
    registered with and those renewed for it (hq/renewal.py)."""
    found = certificates.load_certificates(row.certificate_pem.encode(),
                                           f"station {row.station_id}")[:1]
    for entry in hq.store.outbox((RENEWED_CERTIFICATE,), station_id=row.station_id):
        renewed = certificates.load_certificates(entry.payload["certificate_pem"].encode(),
                                                 "a renewed certificate")[0]
        if entry.station_id == row.station_id and not certificates.is_person_subject(
                renewed.subject):
            found.append(renewed)
    unique = {fingerprint(c): c for c in found}
    return list(unique.values())


def list_stations(hq: Headquarters) -> list[StationEntry]:
    counts = hq.store.station_counts()
    return [_entry(row, counts.get(row.station_id)) for row in hq.store.stations()]


def _require(row: StationRow | None, station_id: str) -> StationRow:
    if row is None:
        raise NotFound(f"There is no registered station {station_id!r}; register its"
                       " certificate with 'screening-app hq station add'.")
    return row


def _entry(row: StationRow, counts: StationCounts | None) -> StationEntry:
    counts = counts or StationCounts()
    return StationEntry(row.station_id, row.camp, row.fingerprint_sha256, row.registered_at,
                        row.revoked_at, row.revoke_reason, row.last_bundle_at, row.events_seq,
                        counts.interviews, counts.documents, counts.reviews, counts.subjects)


def require_station(hq: Headquarters, station_id: str) -> StationRow:
    """The registered station, or one sentence saying there is none."""
    return _require(hq.store.station(station_id), station_id)
