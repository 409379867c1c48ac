"""Renewing certificates before they expire, through the down bundle.

Stations are offline most of the time, and a certificate that expires stops its holder
signing: so headquarters renews ahead of time (``hq certificates renew --ca CADIR``). The
CA issues, for every certificate headquarters knows that expires within the window, a new
one with the same subject and public key and a new validity, and headquarters queues it in
the outbox for its station; the station installs it from its next down bundle once it has
checked that it is for a key it holds and that its own root issued it (sync/renewals.py).

What headquarters knows: each active station's certificate (the stations table, and the
renewals queued before), and each person's certificate from the forms they signed (every
signer of a station's stored forms; hq/form_signers.py explains why those are the
station's people). A revoked certificate is never renewed, nor the certificate of an
account the station disabled or headquarters revoked. The key stays the same: a key
that may be in other hands is revoked, and its holder makes a new request instead.
"""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from screening_app.domain.canonical import format_timestamp, utc_now
from screening_app.domain.errors import UserError
from screening_app.hq import revocation_lists
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.pdf_check import check_pdf
from screening_app.hq.registry import RENEWED_CERTIFICATE, fingerprint, station_certificates
from screening_app.pki import certificates
from screening_app.pki.people import person_of, station_of_signer
from screening_app.services.ca import CertificateAuthority

RENEW_WITHIN_DAYS = 60


@dataclass(frozen=True)
class Renewal:
    station_id: str
    subject: str  # the common name
    expired_on: datetime.datetime  # the old certificate's end
    valid_until: datetime.datetime  # the new one's


def renew_certificates(hq: Headquarters, authority: CertificateAuthority, *,
                       within_days: int = RENEW_WITHIN_DAYS,
                       now: datetime.datetime | None = None,
                       valid_for: datetime.timedelta | None = None) -> list[Renewal]:
    """Issue and queue a renewal for every known certificate of an active station that
    expires within ``within_days`` (``valid_for`` overrides the lifetimes, for tests)."""
    if within_days < 0:
        raise UserError("--within-days must be zero or more.")
    revocation_lists.require_our_ca(hq, authority)
    now = now or datetime.datetime.now(datetime.UTC)
    horizon = now + datetime.timedelta(days=within_days)
    revoked = {entry.payload["fingerprint_sha256"]
               for entry in hq.store.outbox((revocation_lists.REVOKE_CERTIFICATE,))}
    renewed: list[Renewal] = []
    with hq.store.transaction():
        for station in hq.store.stations():
            if station.revoked_at:
                continue
            active = _active_people(hq, station.station_id)
            for newest in _newest_by_holder(known_certificates(hq, station)):
                if newest.not_valid_after_utc > horizon or fingerprint(newest) in revoked:
                    continue
                person = person_of(newest)
                if person is not None and person.name.casefold() not in active:
                    continue  # the account was disabled or revoked: it signs nothing more
                issued = certificates.renew_certificate(authority.key, authority.certificate,
                                                        newest, valid_for)
                hq.store.insert_outbox(station.station_id, RENEWED_CERTIFICATE, {
                    "certificate_pem": certificates.to_pem(issued).decode(),
                    "fingerprint_sha256": fingerprint(issued),
                    "replaces_fingerprint_sha256": fingerprint(newest),
                    "subject": issued.subject.rfc4514_string(),
                    "not_valid_after": format_timestamp(issued.not_valid_after_utc)},
                    utc_now())
                renewed.append(Renewal(station.station_id, certificates.common_name(issued),
                                       newest.not_valid_after_utc, issued.not_valid_after_utc))
    return renewed


def _active_people(hq: Headquarters, station_id: str) -> set[str]:
    """The station's accounts (casefolded) neither disabled there nor revoked here."""
    revoked = {entry.payload["name"].casefold()
               for entry in hq.store.outbox(("revoke_user",), station_id=station_id)
               if entry.station_id == station_id}
    return {name.casefold() for name in hq.store.active_user_names(station_id)} - revoked


def known_certificates(hq: Headquarters, station) -> list[x509.Certificate]:
    """Every certificate of a station and its people headquarters has seen: the station's
    own (registered and renewed), the signers of its stored forms, and the people's
    renewals queued before."""
    found = {fingerprint(c): c for c in station_certificates(hq, station)}
    for entry in hq.store.outbox((RENEWED_CERTIFICATE,), station_id=station.station_id):
        if entry.station_id == station.station_id:
            certificate = certificates.load_certificates(
                entry.payload["certificate_pem"].encode(), "a renewed certificate")[0]
            found[fingerprint(certificate)] = certificate
    for document_id in hq.store.document_ids(station.station_id):
        for signer in _signers(hq, hq.store.document_content(document_id) or b""):
            if station_of_signer(signer) == station.station_id:
                found.setdefault(fingerprint(signer), signer)
    return list(found.values())


def _signers(hq: Headquarters, pdf: bytes) -> list[x509.Certificate]:
    """The certificates that signed a stored form, as intake checked them."""
    seen: list[x509.Certificate] = []

    def collect(signers) -> None:
        seen.extend(signers)
    check_pdf(pdf, hq.root, collect)
    return seen


def _newest_by_holder(found: list[x509.Certificate]) -> list[x509.Certificate]:
    """For each holder (the same subject and key), the certificate that ends last."""
    newest: dict[tuple[bytes, bytes], x509.Certificate] = {}
    for certificate in found:
        holder = (certificate.subject.public_bytes(),
                  certificate.public_key().public_bytes(
                      serialization.Encoding.DER,
                      serialization.PublicFormat.SubjectPublicKeyInfo))
        held = newest.get(holder)
        if held is None or certificate.not_valid_after_utc > held.not_valid_after_utc:
            newest[holder] = certificate
    return list(newest.values())


def renewed_certificates_for(hq: Headquarters, station_id: str, through: int) -> list[dict]:
    """The renewals queued for a station that have not expired, for its down bundle: every
    one each time (a station installs only what is newer than what it holds, so one
    restored from a backup learns them again)."""
    now = format_timestamp(datetime.datetime.now(datetime.UTC))
    return [{"certificate_pem": entry.payload["certificate_pem"]}
            for entry in hq.store.outbox((RENEWED_CERTIFICATE,), station_id=station_id)
            if entry.station_id == station_id and entry.seq <= through
            and entry.payload["not_valid_after"] > now]


def station_by_renewal(hq: Headquarters, signer: x509.Certificate):
    """The station whose bundle ``signer`` signed, when it is not the certificate the
    station is registered with: a renewal headquarters issued for it (the station has
    installed it: from now on it is the station's certificate here too), or the one a
    renewal replaced (a bundle the station wrote before installing it). None otherwise."""
    print_ = fingerprint(signer)
    # Read whole before writing: a stream left open on PostgreSQL holds a transaction that
    # would take the write with it when the stream is closed.
    for entry in list(hq.store.outbox((RENEWED_CERTIFICATE,))):
        if not entry.station_id:
            continue
        if entry.payload["fingerprint_sha256"] == print_:
            with hq.store.transaction():
                hq.store.replace_station_certificate(
                    entry.station_id, certificates.to_pem(signer).decode(), print_)
            return hq.store.station(entry.station_id)
        if entry.payload["replaces_fingerprint_sha256"] == print_:
            return hq.store.station(entry.station_id)
    return None
