"""`hq enrol`: headquarters answers a station's enrolment request with one kit.

The request (sync/enrolment.py) is checked whole before anything happens: its signature by
the station key its CSR names, both CSRs' own signatures, a station id the program accepts,
CSR subjects naming that station and its first admin, and a station id not registered with
another key. Then the CA issues both certificates (with the lifetimes of pki/certificates.py),
the station is registered (as `hq station add` does), and the kit is written, signed with
headquarters' key: the certificates with their chain, headquarters-public.json as it is, the
root, the CRL in force, and the protocols and roster rows headquarters published for the
station. Registering and writing the kit are one transaction: a kit that could not be
written leaves no registration behind.

Asked again for a station registered with the same key (a kit lost on the way), it answers
with the certificate registered then and a new one for the admin.
"""

import base64
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from screening_app.domain.canonical import sha256_hex, utc_now
from screening_app.domain.errors import UserError
from screening_app.hq.down import revocations_for
from screening_app.hq.headquarters import PUBLIC_FILE, Headquarters
from screening_app.hq.registry import register_station, station_identity
from screening_app.hq.revocation_lists import require_our_ca
from screening_app.pki import certificates, crl
from screening_app.pki.people import person_of
from screening_app.services.ca import CertificateAuthority
from screening_app.store.durable import write_atomically
from screening_app.store.station import STATION_ID_PATTERN
from screening_app.sync import bundle as bundles
from screening_app.sync.enrolment import (
    FORMAT,
    KIT_KIND,
    REQUEST_KIND,
    check_signature,
    read_document,
    signed_document,
    text_field,
)
from screening_app.sync.renewals import CRL_FIELD

NO_CRL_NOTE = ("Headquarters' CA has issued no revocation list yet; the station receives the"
               " first one with a later bundle.")


@dataclass(frozen=True)
class EnrolmentRequest:
    station_id: str
    camp: str
    station_csr: x509.CertificateSigningRequest
    admin_name: str
    admin_csr: x509.CertificateSigningRequest
    age_recipient: str | None
    created_at: str
    sha256: str  # of the request file, which the kit names


@dataclass(frozen=True)
class Enrolled:
    station_id: str
    camp: str
    admin_name: str
    kit: Path
    protocols: int
    roster_rows: int
    crl_number: int | None
    again: bool  # the station was registered with this key before
    root_sha256: str  # hex: the station prints it too, for the officer to compare


def read_request(data: bytes, source: str) -> EnrolmentRequest:
    """The request, checked whole; one sentence naming the first problem otherwise."""
    fields, signature = read_document(data, source, REQUEST_KIND)
    station_id = text_field(fields, "station_id", source)
    if not STATION_ID_PATTERN.match(station_id):
        raise UserError(f"{source}: {station_id!r} is not a station id (letters, digits, '.',"
                        " '_' and '-', at most 40).")
    station_csr = _csr(text_field(fields, "station_csr", source), source, "the station's")
    # The station key signs the request: whoever wrote it holds the key being certified.
    check_signature(fields, signature, station_csr.public_key(), source)
    named_id, camp = station_identity(station_csr, f"{source} (the station's request)")
    if named_id != station_id:
        raise UserError(f"{source}: the station's request names station {named_id!r}, not"
                        f" {station_id!r}.")
    admin = fields.get("admin")
    if not isinstance(admin, dict):
        raise UserError(f"{source} lacks its 'admin' field.")
    admin_name = text_field(admin, "name", source)
    admin_csr = _csr(text_field(admin, "csr", source), source, "the admin's")
    person = person_of(admin_csr)
    if person is None or (person.role, person.name, person.station_id) != (
            "Admin", admin_name, station_id):
        raise UserError(f"{source}: the admin's request names"
                        f" {certificates.common_name(admin_csr)!r}, not admin {admin_name!r}"
                        f" of station {station_id}.")
    age_recipient = fields.get("age_recipient")
    if age_recipient is not None:
        bundles.check_age_recipient(str(age_recipient), source)
    return EnrolmentRequest(station_id, camp, station_csr, admin_name, admin_csr,
                            age_recipient, str(fields.get("created_at", "")), sha256_hex(data))


def _csr(pem: str, source: str, whose: str) -> x509.CertificateSigningRequest:
    csr = certificates.load_csr(pem.encode(), f"{source} ({whose} request)")
    if not csr.is_signature_valid:
        raise UserError(f"{source}: {whose} certificate signing request does not carry its"
                        " own key's signature (it was altered).")
    return csr


def enrol_station(hq: Headquarters, authority: CertificateAuthority, data: bytes,
                  source: str, kit: Path) -> Enrolled:
    """Check the request, issue both certificates, register the station and write the kit
    (atomically, inside the registering transaction)."""
    request = read_request(data, source)
    require_our_ca(hq, authority)
    if not kit.parent.is_dir():
        raise UserError(f"Cannot write {kit}: the folder {kit.parent} does not exist.")
    store = hq.store
    with store.transaction():
        registered = store.station(request.station_id)
        if registered is not None:
            certificate = certificates.load_certificates(
                registered.certificate_pem.encode(), f"station {request.station_id}")[0]
            if _public_key_der(certificate) != _public_key_der(request.station_csr):
                raise UserError(f"{source}: station {request.station_id} is already"
                                " registered with another key; a station id belongs to one"
                                " key (revoke the old station first, or choose another id).")
            if registered.revoked_at:
                raise UserError(f"{source}: station {request.station_id} was revoked on"
                                f" {registered.revoked_at[:10]}; it cannot be enrolled again.")
            station_pem = certificates.chain_pem([certificate, hq.root])
        else:
            station_pem = authority.issue(certificates.to_pem(request.station_csr),
                                          f"{source} (the station's request)")
            register_station(hq, station_pem, source)
        if request.age_recipient:
            # Headquarters can write the station's down bundle before its first bundle.
            store.learn_age_recipient(request.station_id, request.age_recipient)
        admin_pem = authority.issue(certificates.to_pem(request.admin_csr),
                                    f"{source} (the admin's request)")
        through = store.outbox_through()
        protocols = [{"definition": entry.payload["definition"]}
                     for entry in store.outbox(("protocol",)) if entry.seq <= through]
        roster = [entry.payload for entry in store.outbox(("roster",),
                                                          station_id=request.station_id)
                  if entry.seq <= through]
        revocations = revocations_for(hq, request.station_id, through)
        crl_der = revocations.pop(CRL_FIELD, None)
        fields = {
            "kind": KIT_KIND, "format": FORMAT, "created_at": utc_now(),
            "station_id": request.station_id, "request_sha256": request.sha256,
            "station_certificate": station_pem.decode(), "admin_name": request.admin_name,
            "admin_certificate": admin_pem.decode(),
            "trust_root": certificates.to_pem(hq.root).decode(),
            "headquarters_public": (hq.folder / PUBLIC_FILE).read_text(encoding="utf-8"),
            "crl": crl_der, **({} if crl_der else {"crl_note": NO_CRL_NOTE}),
            "revocations": revocations, "protocols": protocols, "roster": roster,
            "outbox_through": through,
        }
        write_atomically(kit, signed_document(fields, hq.signing_identity.key))
    return Enrolled(request.station_id, request.camp, request.admin_name, kit,
                    len(protocols), len(roster), _crl_number(crl_der, hq.root),
                    registered is not None, hq.root.fingerprint(hashes.SHA256()).hex())


def _public_key_der(item: x509.Certificate | x509.CertificateSigningRequest) -> bytes:
    return item.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)


def _crl_number(encoded: str | None, root: x509.Certificate) -> int | None:
    if encoded is None:
        return None
    return crl.load_crl(base64.b64decode(encoded), "the CRL in force", root).number
