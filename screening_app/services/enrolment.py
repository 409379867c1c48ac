"""Enrolment in one exchange, the station's side: the request `init --enrol-to` writes, and
the kit headquarters answers with (`hq enrol`), installed by `screening-app enrol` whole or
not at all. The file formats are in sync/enrolment.py.

A station being enrolled trusts no root yet, so the kit brings its own: the root is
trusted on first use, and only because the kit answers this station's own request, which
is checked before anything is installed: the station's certificate must be for the key
this station holds and the admin's for the key the signed-in admin holds, headquarters'
public file must chain to the kit's root, and the kit must carry headquarters' signature
over every byte. Anyone could have answered the CSRs with a CA of their own, so the officer
also compares the root's SHA-256 fingerprint, which `enrol` prints, with the one on
headquarters' paper checklist.

Installing is one database transaction: the station's certificate, the admin's, trust of
headquarters (its public file and TLS pin), the revocations and the CRL, the protocols and
the roster rows. The key file's copies (the root for `verify`, headquarters' recovery slot)
are written once it has committed.
"""

import io
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import sha256_hex, utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.pki import certificates
from screening_app.services.authz import require_role
from screening_app.services.grants import GrantService
from screening_app.services.keys import KeyService
from screening_app.services.sync import SyncService, read_headquarters_public
from screening_app.store.connection import write_transaction
from screening_app.store.durable import write_atomically
from screening_app.store.station import Station
from screening_app.store.sync_records import SyncState
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
from screening_app.sync.incoming import ApplyResult, DownBundleApplier
from screening_app.sync.renewals import CRL_FIELD

REQUEST_EVENT = "sync.enrolment_requested"


@dataclass(frozen=True)
class Enrolment:
    station_id: str
    headquarters: str
    root_sha256: str  # hex, for the officer to compare with the paper checklist
    certificate_ends: str  # YYYY-MM-DD
    protocols: int
    roster_rows: int
    crl_number: int | None
    already: bool = False  # this kit was installed before; nothing changed


def spaced_fingerprint(hex_digest: str) -> str:
    """AB:CD:... as certificate viewers and the paper checklist show it."""
    upper = hex_digest.upper()
    return ":".join(upper[i:i + 2] for i in range(0, len(upper), 2))


class EnrolmentService:
    def __init__(self, station: Station, keys: KeyService, sync: SyncService,
                 grants: GrantService):
        self._station = station
        self._db = station.db
        self._keys = keys
        self._sync = sync
        self._grants = grants

    # -- the request ----------------------------------------------------------------------
    def write_request(self, admin: Actor, path: Path) -> Path:
        """One file for headquarters: the station's CSR and the admin's own (made now if the
        admin has no personal key yet), signed with the station's key."""
        require_role(admin, Role.ADMIN, action=N_("write the enrolment request"))
        path = Path(path)
        if not path.parent.is_dir():
            raise UserError(_("Cannot write {path}: the folder {folder} does not"
                              " exist.").format(path=path, folder=path.parent))
        admin_csr = self._keys.create_user_key(admin).decode()
        fields = {
            "kind": REQUEST_KIND, "format": FORMAT, "created_at": utc_now(),
            "station_id": self._station.station_id, "camp": self._station.camp,
            "station_csr": self._keys.csr_pem().decode(),
            "admin": {"name": admin.name, "csr": admin_csr},
            "age_recipient": self._sync.own_age_recipient(),
        }
        data = signed_document(fields, self._keys.uncertified_station_key())
        with write_transaction(self._db):
            self._station.events.append(REQUEST_EVENT,
                                        {"file": path.name, "sha256": sha256_hex(data)},
                                        actor_id=admin.user_id)
        return write_atomically(path, data)

    # -- the kit --------------------------------------------------------------------------
    def install_kit(self, admin: Actor, path: Path) -> Enrolment:
        require_role(admin, Role.ADMIN, action=N_("enrol this station"))
        path = Path(path)
        source = path.name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise UserError(f"{path}: {error.strerror or error}.") from None
        fields, signature = read_document(data, source, KIT_KIND)
        root = _root(text_field(fields, "trust_root", source), source)
        trusted = read_headquarters_public(
            text_field(fields, "headquarters_public", source),
            _("{source} (headquarters' public file)").format(source=source), root)
        check_signature(fields, signature, trusted.certificate.public_key(), source)
        if fields.get("station_id") != self._station.station_id:
            raise UserError(_("{source} is for station {kit}, not for this station"
                              " ({station}).").format(source=source, kit=fields.get("station_id"),
                                                     station=self._station.station_id))
        if fields.get("admin_name") != admin.name:
            raise UserError(_("{source} answers the request of admin {name!r}: sign in as"
                              " {name} to install it.").format(source=source,
                                                              name=fields.get("admin_name")))
        station_pem = text_field(fields, "station_certificate", source).encode()
        station_certificate = certificates.load_certificates(station_pem, source)[0]
        installed = self._keys.station_certificate()
        if installed is not None:
            if installed.certificate == station_certificate:
                return self._summary(fields, root, trusted.name, installed.certificate,
                                     None, already=True)
            raise UserError(_("This station already has a certificate (from"
                              " {issuer!r}, valid until {date}): it is enrolled; a kit is"
                              " for a new station.").format(
                                  issuer=certificates.common_name(installed.root),
                                  date=f"{installed.certificate.not_valid_after_utc:%Y-%m-%d}"))
        parts = _kit_parts(fields, source)
        with write_transaction(self._db):
            certified = self._keys.import_certificate(admin, station_pem, source,
                                                      publish_root=False)
            if certified.root != root:
                raise UserError(_("{source}: the station's certificate does not chain to the"
                                  " root the kit carries.").format(source=source))
            self._keys.import_user_certificate(
                admin, text_field(fields, "admin_certificate", source).encode(), source)
            # The keys are ours; the request answered must be too (the one `init --enrol-to`
            # or `station enrol-request` wrote here, whose digest the history keeps).
            if fields.get("request_sha256") not in self._requests_written():
                raise UserError(_("{source} answers an enrolment request this station did not"
                                  " write.").format(source=source))
            self._sync.trust_headquarters_document(admin, fields["headquarters_public"],
                                                   source, recovery_slot=False)
            result = ApplyResult(source)
            applier = DownBundleApplier(self._station, source, result, root)
            applier.protocols(_member(_("{source} (protocols)").format(source=source),
                                      parts["protocols"]))
            applier.roster(_member(_("{source} (roster)").format(source=source),
                                   parts["roster"]))
            applier.revocations(bundles.Member(
                _("{source} (revocations)").format(source=source), 0,
                io.BytesIO(json.dumps(parts["revocations"]).encode())))
            SyncState(self._db).set("applied_down_through", parts["outbox_through"])
            self._grants.confirm_recorded(admin)
            self._station.events.append(
                "sync.enrolled",
                {"file": path.name, "sha256": sha256_hex(data),
                 "root_sha256": root.fingerprint(hashes.SHA256()).hex(),
                 "headquarters": trusted.name, "protocols": result.protocols_added,
                 "roster": {"added": result.roster_added, "updated": result.roster_updated},
                 "crl_number": result.crl_number},
                actor_id=admin.user_id)
        # The key file's public copies, once the enrolment has committed.
        self._keys.publish_trust_root(root)
        self._keys.write_recovery_slot(trusted.age_recipient)
        for user_id in applier.disabled_user_ids:  # as after a down bundle (services/sync.py)
            self._keys.drop_database_slot(user_id)
        return self._summary(fields, root, trusted.name, certified.certificate, result)

    def _requests_written(self) -> set[str]:
        return {str(event.payload.get("sha256")) for event in self._station.events.since(
            0, kinds=(REQUEST_EVENT,))}

    @staticmethod
    def _summary(fields: dict, root: x509.Certificate, headquarters: str,
                 certificate: x509.Certificate, result: ApplyResult | None, *,
                 already: bool = False) -> Enrolment:
        return Enrolment(
            str(fields["station_id"]), headquarters, root.fingerprint(hashes.SHA256()).hex(),
            f"{certificate.not_valid_after_utc:%Y-%m-%d}",
            len(result.protocols_added) if result else 0,
            result.roster_added + result.roster_updated if result else 0,
            result.crl_number if result else None, already)


def _root(pem: str, source: str) -> x509.Certificate:
    """The kit's root: a CA certificate that signs itself."""
    root = certificates.load_certificates(pem.encode(), source)[0]
    try:
        certificates.check_issued_by(root, root)
    except UserError:
        raise UserError(_("{source}: its trust root is not a root certificate (it does not"
                          " sign itself).").format(source=source)) from None
    return root


def _kit_parts(fields: dict, source: str) -> dict:
    """What the kit brings besides certificates, with the shapes the installer expects;
    the rows themselves are checked as they are installed."""
    parts = {"protocols": fields.get("protocols"), "roster": fields.get("roster"),
             "revocations": fields.get("revocations"),
             "outbox_through": fields.get("outbox_through")}
    shapes = {"protocols": list, "roster": list, "revocations": dict, "outbox_through": int}
    for name, shape in shapes.items():
        if not isinstance(parts[name], shape) or isinstance(parts[name], bool):
            raise UserError(_("{source}: its {field!r} field is not readable.").format(
                source=source, field=name))
    if fields.get("crl") is not None:
        parts["revocations"] = {**parts["revocations"], CRL_FIELD: fields["crl"]}
    return parts


def _member(name: str, rows: list) -> bundles.Member:
    """Rows as the JSON Lines member of a down bundle, for the same checks and the same
    installing (sync/incoming.py)."""
    lines = "".join(json.dumps(row) + "\n" for row in rows)
    data = lines.encode("utf-8")
    return bundles.Member(name, len(data), io.BytesIO(data))
