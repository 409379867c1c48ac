"""Sync with headquarters, the station's side: trust headquarters once, export a bundle of
everything headquarters has not acknowledged, push it over HTTP when a link exists, and
apply what comes back down (acknowledgements, roster updates, protocol versions,
revocations).

A record stays at the station after export and counts as synced only when a bundle signed
by headquarters acknowledges it with the same digest, so exporting again is always safe:
headquarters treats a record it already holds as a no-op.
"""

import base64
import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from screening_app import __version__
from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import GENESIS_HASH, canonical_json, utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.pki import certificates
from screening_app.services.authz import require_role
from screening_app.services.keys import KeyService
from screening_app.store.connection import read_snapshot, write_transaction
from screening_app.store.durable import fsync_folder, make_folders, write_atomically
from screening_app.store.station import Station
from screening_app.store.sync_records import (
    StationSyncKey,
    SyncRecords,
    SyncState,
    TrustedHeadquartersRow,
)
from screening_app.sync import bundle as bundles
from screening_app.sync.incoming import HEADQUARTERS, ApplyResult, DownBundleApplier
from screening_app.sync.members import FILES, UP_MEMBERS, record_counts
from screening_app.sync.outgoing import OutgoingRecords
from screening_app.sync.resend import SYNC_VERSION, SYNC_VERSION_FIELD

AGE_KEY_PURPOSE = "sync-age-identity"
_PUBLIC_FIELDS = ("format", "name", "age_recipient", "certificates")  # in every format
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


@dataclass(frozen=True)
class TrustedHeadquarters:
    name: str
    age_recipient: str
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    # The TLS certificate headquarters serves, which pushes pin; None from a public file
    # made before headquarters had one.
    tls_certificate: x509.Certificate | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    counts: dict[str, int]  # records of each kind in the bundle
    events_after: int  # the bundle's events start after this sequence number
    events_through: int

    def summary(self) -> str:
        held = record_counts(self.counts)
        new_events = self.events_through > self.events_after
        if held and new_events:
            sentence = _("{file}: {records}; events {first}-{last}.")
        elif held:
            sentence = _("{file}: {records}; no new events.")
        elif new_events:
            sentence = _("{file}: no new records; events {first}-{last}.")
        else:
            sentence = _("{file}: no new records; no new events.")
        return sentence.format(file=self.path.name, records=held,
                               first=self.events_after + 1, last=self.events_through)


@dataclass(frozen=True)
class SyncStatus:
    headquarters: str | None
    pending: dict[str, int]  # records not yet acknowledged, by kind
    events_pending: int
    events_acknowledged: int
    last_export_at: str | None
    last_acknowledged_at: str | None
    certificate_ends: str | None = None  # the station certificate's last day, YYYY-MM-DD
    crl_number: int | None = None  # the newest revocation list headquarters sent down
    # The station's or the person's certificate ends soon with no renewal (one sentence
    # each).
    expiry_warnings: tuple[str, ...] = ()
    forms_stamped: int = 0  # forms headquarters keeps a timestamped archival copy of


class SyncService:
    def __init__(self, station: Station, keys: KeyService):
        self._station = station
        self._db = station.db
        self._records = SyncRecords(station.db)
        self._keys = keys

    # -- trusting headquarters ------------------------------------------------------------
    def trust_headquarters(self, actor: Actor, path: Path) -> TrustedHeadquarters:
        """Install headquarters-public.json: whom bundles are encrypted to, and whose
        signature a bundle coming down must carry. It must be signed by a headquarters
        certificate issued by this station's own certificate authority."""
        return self.trust_headquarters_document(actor, _read_text(Path(path)), str(path))

    def trust_headquarters_document(self, actor: Actor, text: str, source: str, *,
                                    recovery_slot: bool = True) -> TrustedHeadquarters:
        """trust_headquarters with the public file's text (an enrolment kit carries it).
        With ``recovery_slot`` False the caller writes headquarters' recovery slot into the
        key file itself (write_recovery_slot), once its own transaction has committed."""
        require_role(actor, Role.ADMIN, action=N_("set which headquarters this station trusts"))
        trusted = read_headquarters_public(text, source, self._root())
        with write_transaction(self._db):
            self._records.trust_headquarters(
                TrustedHeadquartersRow(trusted.name, trusted.age_recipient,
                                       certificates.to_pem(trusted.certificate).decode(),
                                       certificates.chain_pem(trusted.chain).decode(),
                                       _pem_or_none(trusted.tls_certificate)),
                at=utc_now(), by=actor.user_id)
            self.own_age_recipient()
            if recovery_slot:
                # Headquarters can now recover this station if every password is lost.
                self._keys.write_recovery_slot(trusted.age_recipient)
            self._station.events.append(
                "sync.headquarters_trusted",
                {"name": trusted.name, "age_recipient": trusted.age_recipient,
                 "certificate_sha256": trusted.certificate.fingerprint(hashes.SHA256()).hex(),
                 "tls_sha256": _sha256_or_none(trusted.tls_certificate)},
                actor_id=actor.user_id)
        return trusted

    def own_age_recipient(self) -> str:
        """Whom headquarters encrypts this station's down bundles to: the station's sync
        key, made the first time it is asked for (trusting headquarters, or the enrolment
        request, which tells headquarters at once). Needs a session holding the KEK."""
        key = self._records.station_key()
        if key is not None:
            return key.age_recipient
        secret, recipient = bundles.new_age_identity()
        with write_transaction(self._db):
            self._records.put_station_key(
                StationSyncKey(recipient,
                               self._keys.seal_secret(AGE_KEY_PURPOSE, secret.encode())),
                at=utc_now())
        return recipient

    def headquarters(self) -> TrustedHeadquarters | None:
        row = self._records.headquarters()
        if row is None:
            return None
        tls = (certificates.load_certificates(row.tls_certificate_pem.encode(),
                                              "HQ TLS certificate")[0]
               if row.tls_certificate_pem else None)
        return TrustedHeadquarters(
            row.name, row.age_recipient,
            certificates.load_certificates(row.certificate_pem.encode(), "HQ certificate")[0],
            tuple(certificates.load_certificates(row.chain_pem.encode(), "HQ chain")), tls)

    def revocation_lists(self) -> list[bytes]:
        """The newest revocation list headquarters sent (DER, checked against this station's
        root when it arrived), for verifying forms; none before the first one."""
        newest = self._records.newest_crl()
        return [newest[3]] if newest else []

    def _require_headquarters(self) -> TrustedHeadquarters:
        trusted = self.headquarters()
        if trusted is None:
            raise UserError(_("This station does not know headquarters yet: an admin installs"
                              " headquarters-public.json with 'screening-app sync trust-hq'."))
        return trusted

    def _root(self) -> x509.Certificate:
        installed = self._keys.station_certificate()
        if installed is None:
            raise UserError(_("This station has no certificate yet, so it cannot sign bundles:"
                              " install the one headquarters issued with 'screening-app station"
                              " import-cert'."))
        return installed.root

    # -- exporting ------------------------------------------------------------------------
    def export(self, actor: Actor, folder: Path) -> ExportResult:
        """One bundle with every record headquarters has not acknowledged, the PDFs, and the
        event chain since the last acknowledged event."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("export records for"
                                                                   " headquarters"))
        trusted = self._require_headquarters()
        identity = self._keys.signing_identity(actor)
        self._keys.checkpoint(actor)  # headquarters gets a history the station vouched for
        station_recipient = self._station_recipient()
        db = self._db
        records = SyncRecords(db)
        acked = records.acknowledged()
        state = SyncState(db).all()
        after_seq = int(state.get("events_acked_seq", 0))
        after_hash = state.get("events_acked_hash", GENESIS_HASH)
        outgoing = OutgoingRecords(db, self._station.review)

        # One read transaction: the bundle is a consistent snapshot even if an interviewer
        # finalises a record while it is being written.
        with read_snapshot(db):
            through_seq, through_hash = self._station.events.head()
            manifest = {
                "station_id": self._station.station_id, "camp": self._station.camp,
                "demo": self._station.demo, "app_version": __version__,
                "exported_by": actor.name,
                "events": {"after_seq": after_seq, "after_hash": after_hash,
                           "through_seq": through_seq, "through_hash": through_hash},
                "applied_down_through": int(state.get("applied_down_through", 0)),
            }

            def produce(writer: bundles.BundleWriter) -> None:
                writer.add_json("manifest.json", manifest)
                documents: list[dict] = []
                for member in UP_MEMBERS:
                    rows = outgoing.unacknowledged(member, acked, events_after=after_seq)
                    if member.files:  # each row's PDF follows the records
                        rows = documents = list(rows)
                    writer.add_records(member.kind, rows)
                for document in documents:
                    writer.add_bytes(f"{FILES}/{document['id']}.pdf",
                                     outgoing.document_content(document["id"]))

            path, header, counts = bundles.write_bundle(
                Path(folder), kind=bundles.UP, sender=self._station.station_id,
                recipient=HEADQUARTERS, age_recipient=trusted.age_recipient,
                signer_key=identity.key, signer_chain=(identity.certificate, *identity.chain),
                produce=produce,
                extra={"station_age_recipient": station_recipient,
                       "camp": self._station.camp, "demo": self._station.demo,
                       SYNC_VERSION_FIELD: SYNC_VERSION},
                file_stem=f"station-{self._station.station_id}-{utc_now()[:19].replace(':', '')}")
        try:
            with write_transaction(db):
                records.record_export(header.bundle_id, path.name, header.created_at,
                                      actor.user_id, through_seq, canonical_json(counts))
                self._station.events.append(
                    "sync.exported",
                    {"bundle_id": header.bundle_id, "file": path.name, "counts": counts,
                     "events_after": after_seq, "events_through": through_seq},
                    actor_id=actor.user_id)
        except BaseException:
            # The export is not recorded (a failing or full disk): its bundle goes too, so
            # that the stick holds nothing the failure message says was not saved.
            with contextlib.suppress(OSError):
                path.unlink()
                fsync_folder(path.parent)
            raise
        return ExportResult(path, header.bundle_id, counts, after_seq, through_seq)

    def _station_recipient(self) -> str:
        return self._station_key().age_recipient

    def _station_key(self) -> StationSyncKey:
        key = self._records.station_key()
        if key is None:  # trust_headquarters makes it; only a damaged station lacks it
            raise UserError(_("This station has no sync key: install headquarters-public.json"
                              " again with 'screening-app sync trust-hq'."))
        return key

    # -- applying what comes down -----------------------------------------------------------
    def apply(self, actor: Actor, path: Path) -> ApplyResult:
        """Verify a bundle from headquarters and apply it whole, or refuse it whole."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("apply a bundle from"
                                                                   " headquarters"))
        trusted = self._require_headquarters()
        sealed_bundle = bundles.read_header(Path(path))
        header = sealed_bundle.header
        name = sealed_bundle.name
        if header.kind != bundles.DOWN:
            raise bundles.BundleError(
                _("{name} is a bundle for headquarters, not one from it.").format(name=name))
        if header.recipient != self._station.station_id:
            raise bundles.BundleError(
                _("{name} is for station {recipient}, not for this station ({station}).").format(
                    name=name, recipient=header.recipient, station=self._station.station_id))
        root = self._root()
        signer = bundles.verify_sender(sealed_bundle, [root])
        if signer.fingerprint(hashes.SHA256()) != trusted.certificate.fingerprint(
                hashes.SHA256()):
            raise bundles.BundleError(
                _("{name} is signed by {signer!r}, not by the headquarters this station trusts"
                  " ({trusted!r}).").format(name=name, signer=certificates.common_name(signer),
                                            trusted=trusted.name))
        result = ApplyResult(header.bundle_id)
        applier = DownBundleApplier(self._station, name, result, root)
        if self._records.was_applied(header.bundle_id):
            result.already_applied = True
            return result
        identity = bundles.load_age_identity(self._station_age_secret())
        with write_transaction(self._db):
            manifest = None
            for member in bundles.open_members(sealed_bundle, identity):
                if member.name == "manifest.json":
                    manifest = applier.manifest(member)
                elif manifest is None:
                    raise bundles.BundleError(_("{name} is damaged: it does not start with its"
                                                " manifest.").format(name=name))
                elif member.kind == "acks":
                    applier.acks(member)
                elif member.kind == "roster":
                    applier.roster(member)
                elif member.kind == "protocols":
                    applier.protocols(member)
                elif member.name == "revocations.json":
                    applier.revocations(member)
                else:
                    raise bundles.BundleError(_("{name} holds {member!r}, which no headquarters"
                                                " writes.").format(name=name, member=member.name))
            if manifest is None:
                raise bundles.BundleError(_("{name} is damaged: it has no manifest.").format(
                    name=name))
            state = SyncState(self._db)
            # A headquarters restored from an older copy numbers what it publishes next from
            # where that copy stopped; after its resend request this station has applied
            # exactly what it holds, and must not skip what comes under reused numbers.
            if manifest["resend"] or (manifest["outbox_through"]
                                      > int(state.get("applied_down_through", 0))):
                state.set("applied_down_through", manifest["outbox_through"])
            state.set("last_acknowledged_at", utc_now())
            self._station.events.append(
                "sync.applied",
                {"bundle_id": header.bundle_id, "file": name,
                 "acknowledged": result.acknowledged,
                 "events_acknowledged": result.events_acknowledged,
                 "not_matching": result.not_matching[:50],
                 "roster": {"added": result.roster_added, "updated": result.roster_updated},
                 "protocols": result.protocols_added, "revoked_users": result.revoked_users,
                 "revoked_certificates": result.revoked_certificates,
                 **({"crl_number": result.crl_number} if result.crl_number else {}),
                 **({"renewed": result.renewed} if result.renewed else {}),
                 **({"resend_from": result.resend_from} if result.resend_from else {})},
                actor_id=actor.user_id)
        for user_id in applier.disabled_user_ids:
            # A revoked account's password no longer opens the database either.
            self._keys.drop_database_slot(user_id)
        return result

    def _station_age_secret(self) -> str:
        sealed = self._station_key().sealed_age_identity
        return self._keys.unseal_secret(AGE_KEY_PURPOSE, sealed).decode()

    def is_revoked(self, certificate: x509.Certificate) -> bool:
        return self._records.is_revoked(certificate.fingerprint(hashes.SHA256()).hex())

    # -- over HTTP ----------------------------------------------------------------------
    def push(self, actor: Actor, url: str, *, timeout: float = 300.0
             ) -> tuple[ExportResult, ApplyResult]:
        """Export, send to headquarters, and apply the answer it sends back. When
        headquarters answers that it lacks events this station sent before (it was restored
        from an older copy), its answer is applied and everything from there is sent again,
        once. Over https, only to the server that presents the certificate pinned when
        headquarters was trusted."""
        from screening_app.sync.push_client import (
            ResendRequested,
            check_address,
            push_bundle,
        )

        pinned = _pem_or_none(self._require_headquarters().tls_certificate)
        check_address(url, pinned)  # before a bundle is written for an address refused
        exported = self.export(actor, self._station.data_dir / "outbox")
        try:
            reply, file_name = push_bundle(url, exported.path, timeout=timeout,
                                           pinned_tls_pem=pinned)
        except ResendRequested as request:
            asked = self.apply(actor, self._keep_reply(request.reply, request.file_name))
            if asked.resend_from is None:  # a refusal whose signed answer asks nothing
                raise
            exported = self.export(actor, self._station.data_dir / "outbox")
            reply, file_name = push_bundle(url, exported.path, timeout=timeout,
                                           pinned_tls_pem=pinned)
            applied = self.apply(actor, self._keep_reply(reply, file_name))
            applied.resent_from = asked.resend_from
            return exported, applied
        return exported, self.apply(actor, self._keep_reply(reply, file_name))

    def _keep_reply(self, reply: bytes, file_name: str) -> Path:
        """Headquarters' answer, written into the station's inbox to be applied."""
        inbox = make_folders(self._station.data_dir / "inbox")
        return write_atomically(inbox / Path(file_name).name, reply)

    # -- what is left to send ------------------------------------------------------------------
    def status(self, actor: Actor) -> SyncStatus:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("see the sync status"))
        pending = OutgoingRecords(self._db).pending(self._records.acknowledged())
        state = SyncState(self._db).all()
        head_seq, _ = self._station.events.head()
        acked_seq = int(state.get("events_acked_seq", 0))
        last_export = self._records.last_export_at()
        trusted = self.headquarters()
        installed = self._keys.station_certificate()
        newest_crl = self._records.newest_crl()
        return SyncStatus(trusted.name if trusted else None, pending, head_seq - acked_seq,
                          acked_seq, last_export, state.get("last_acknowledged_at"),
                          f"{installed.certificate.not_valid_after_utc:%Y-%m-%d}"
                          if installed else None,
                          newest_crl[0] if newest_crl else None,
                          tuple(self._keys.expiry_warnings(actor)),
                          self._records.stamped_forms())


def read_headquarters_file(path: Path, root: x509.Certificate) -> TrustedHeadquarters:
    """headquarters-public.json, checked: see read_headquarters_public."""
    return read_headquarters_public(_read_text(path), str(path), root)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise UserError(_("{path} is not a headquarters public file (it needs format, name,"
                          " age_recipient, certificates and signature).").format(
                              path=path)) from None


def read_headquarters_public(text: str, path: str, root: x509.Certificate
                             ) -> TrustedHeadquarters:
    """headquarters-public.json's text, checked: signed by a certificate our root issued.
    The signature covers every field but itself (the TLS certificate and its fingerprint
    too); a file made before headquarters had a TLS certificate (format 1) has none."""
    try:
        data = json.loads(text)
        fields = {key: value for key, value in data.items() if key != "signature"}
        if any(key not in fields for key in _PUBLIC_FIELDS):
            raise KeyError("a field is missing")
        signature = base64.b64decode(data["signature"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UserError(_("{path} is not a headquarters public file (it needs format, name,"
                          " age_recipient, certificates and signature).").format(
                              path=path)) from None
    chain = certificates.load_certificates(str(fields["certificates"]).encode(), str(path))
    try:
        chain[0].public_key().verify(signature, canonical_json(fields).encode(), _PSS,
                                     hashes.SHA256())
    except (InvalidSignature, TypeError, ValueError):
        raise UserError(_("{path} was altered: its signature does not match its"
                          " certificate.").format(path=path)) from None
    try:
        bundles.check_chain(chain, [root], str(path))
    except bundles.BundleError as problem:
        raise UserError(str(problem)) from None
    bundles.check_age_recipient(str(fields["age_recipient"]), str(path))
    return TrustedHeadquarters(str(fields["name"]), str(fields["age_recipient"]), chain[0],
                               tuple(chain[1:]), _tls_certificate(fields, path))


def _tls_certificate(fields: dict, path: Path) -> x509.Certificate | None:
    """The signed TLS certificate, checked against its signed fingerprint (two fields that
    must say the same: a file whose fingerprint names another certificate is refused)."""
    if "tls_certificate" not in fields and "tls_sha256" not in fields:
        return None
    certificate = certificates.load_certificates(str(fields.get("tls_certificate", "")).encode(),
                                                 str(path))[0]
    if certificate.fingerprint(hashes.SHA256()).hex() != str(fields.get("tls_sha256")).lower():
        raise UserError(_("{path} is damaged: its TLS certificate does not match its SHA-256"
                          " fingerprint.").format(path=path))
    return certificate


def _pem_or_none(certificate: x509.Certificate | None) -> str | None:
    return certificates.to_pem(certificate).decode() if certificate else None


def _sha256_or_none(certificate: x509.Certificate | None) -> str | None:
    return certificate.fingerprint(hashes.SHA256()).hex() if certificate else None
