"""What revocations.json brings beside revocations: the CRL in force and this station's
renewed certificates (hq/down.py writes them as fields of that member, which a station of
an older version reads past; a member of their own would make it refuse the bundle).

Both are checked against the station's own root before anything is kept: a CRL or a
certificate another CA signed refuses the whole bundle. A renewal is installed only for a
key this station holds (its own signing key, or a person's key) under the same name, and
only when it ends later than the certificate installed; one for a key the station no
longer holds (a person who made a new key since) is left, and the summary says so.
"""

import base64
import binascii

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from screening_app.domain.canonical import format_timestamp, utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.pki import certificates, crl
from screening_app.store.key_material import SIGNING, StationKeys, UserKeys
from screening_app.store.station import Station
from screening_app.store.sync_records import SyncRecords
from screening_app.sync.bundle import BundleError

CRL_FIELD = "crl_der_base64"
RENEWED_FIELD = "renewed_certificates"


def keep_crl(station: Station, root: x509.Certificate, encoded, source: str) -> int | None:
    """Keep the CRL the bundle carries when it is newer than the one kept; its number, or
    None when it was not newer."""
    if not isinstance(encoded, str):
        raise BundleError(_("{source}: the CRL is not readable.").format(source=source))
    try:
        der = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(_("{source}: the CRL is not readable.").format(
            source=source)) from None
    try:
        found = crl.load_crl(der, _("The CRL in {source}").format(source=source), root)
    except UserError as refused:
        raise BundleError(str(refused)) from None
    kept = SyncRecords(station.db).keep_crl(
        found.number, format_timestamp(found.issued_at), format_timestamp(found.next_update),
        found.der, utc_now())
    return found.number if kept else None


def install_renewed(station: Station, root: x509.Certificate, entry, source: str
                    ) -> tuple[str | None, str | None]:
    """(whose certificate was renewed, None) when installed, (None, why not) when left,
    (None, None) when it is not newer than the one installed."""
    if not isinstance(entry, dict) or not isinstance(entry.get("certificate_pem"), str):
        raise BundleError(_("{source}: a renewed certificate is not readable.").format(
            source=source))
    try:
        renewed = certificates.load_certificates(entry["certificate_pem"].encode(), source)[0]
        certificates.check_issued_by(renewed, root)
    except UserError as refused:
        raise BundleError(str(refused)) from None
    name = certificates.common_name(renewed)
    station_keys = StationKeys(station.db)
    installed = station_keys.certificate(SIGNING)
    if installed is not None and _subject(installed[0]) == renewed.subject:
        if not _same_key(renewed, station_keys.public_key_pem(SIGNING)):
            return None, _key_refusal(name)
        if not _later(renewed, installed[0]):
            return None, None
        station_keys.install_certificate(SIGNING, certificates.to_pem(renewed).decode(),
                                         certificates.to_pem(root).decode(), utc_now())
        _record(station, renewed, None)
        return name, None
    people = UserKeys(station.db)
    for user_id, row in people.with_certificates():
        if _subject(row.certificate_pem) != renewed.subject:
            continue
        if not _same_key(renewed, row.public_key_pem):
            return None, _key_refusal(name)
        if not _later(renewed, row.certificate_pem):
            return None, None
        people.install_certificate(user_id, certificates.to_pem(renewed).decode(),
                                   certificates.to_pem(root).decode())
        _record(station, renewed, user_id)
        return name, None
    return None, _("the renewed certificate of {name!r} was not installed: no key of this"
                   " station carries that name").format(name=name)


def _key_refusal(name: str) -> str:
    return _("the renewed certificate of {name!r} was not installed: it is for another key"
             " than the one this station holds for {name!r}").format(name=name)


def _subject(pem: str) -> x509.Name:
    return certificates.load_certificates(pem.encode(), "installed certificate")[0].subject


def _same_key(certificate: x509.Certificate, public_key_pem: str | None) -> bool:
    if public_key_pem is None:
        return False
    ours = serialization.load_pem_public_key(public_key_pem.encode())
    return ours.public_bytes(serialization.Encoding.DER,
                             serialization.PublicFormat.SubjectPublicKeyInfo) == \
        certificate.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)


def _later(renewed: x509.Certificate, installed_pem: str) -> bool:
    installed = certificates.load_certificates(installed_pem.encode(), "installed certificate")
    return renewed.not_valid_after_utc > installed[0].not_valid_after_utc


def _record(station: Station, renewed: x509.Certificate, user_id: str | None) -> None:
    station.events.append("keys.certificate_renewed", {
        "user_id": user_id, "subject": renewed.subject.rfc4514_string(),
        "serial": format(renewed.serial_number, "x"),
        "not_valid_after": format_timestamp(renewed.not_valid_after_utc)})
