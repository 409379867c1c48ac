"""Sync with headquarters, the station's side: trust headquarters once, export a bundle of
everything headquarters has not acknowledged, push it over HTTP when a link exists, and
apply what comes back down (acknowledgements, roster updates, protocol versions,
revocations).

A record stays at the station after export and counts as synced only when a bundle signed
by headquarters acknowledges it with the same digest, so exporting again is always safe:
headquarters treats a record it already holds as a no-op.
"""

import base64
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from screening_app import __version__
from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import GENESIS_HASH, canonical_json, utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.roster_rules import EARLIEST_BIRTH_YEAR, LATEST_BIRTH_YEAR
from screening_app.domain.subject import ROSTER_FIELDS
from screening_app.pki import certificates
from screening_app.services.authz import require_role
from screening_app.services.keys import KeyService
from screening_app.store.connection import write_transaction
from screening_app.store.station import Station
from screening_app.store.subjects import SubjectRepository
from screening_app.sync import bundle as bundles
from screening_app.sync import outgoing
from screening_app.sync.digests import record_digest, record_id

HEADQUARTERS = "headquarters"
AGE_KEY_PURPOSE = "sync-age-identity"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


@dataclass(frozen=True)
class TrustedHeadquarters:
    name: str
    age_recipient: str
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    counts: dict[str, int]  # records of each kind in the bundle
    events_after: int  # the bundle's events start after this sequence number
    events_through: int

    def summary(self) -> str:
        held = ", ".join(f"{count} {kind}" for kind, count in self.counts.items() if count)
        events = (f"events {self.events_after + 1}-{self.events_through}"
                  if self.events_through > self.events_after else "no new events")
        return f"{self.path.name}: {held or 'no new records'}; {events}."


@dataclass
class ApplyResult:
    bundle_id: str
    already_applied: bool = False
    acknowledged: dict[str, int] = field(default_factory=dict)
    not_matching: list[str] = field(default_factory=list)  # acks for another version
    events_acknowledged: int = 0
    roster_added: int = 0
    roster_updated: int = 0
    protocols_added: list[str] = field(default_factory=list)
    revoked_users: list[str] = field(default_factory=list)
    revoked_certificates: int = 0

    def summary(self) -> str:
        if self.already_applied:
            return f"Bundle {self.bundle_id[:8]} was applied before; nothing changed."
        parts = [f"headquarters acknowledged {sum(self.acknowledged.values())} records and"
                 f" events up to {self.events_acknowledged}"]
        if self.roster_added or self.roster_updated:
            parts.append(f"roster: {self.roster_added} added, {self.roster_updated} updated")
        if self.protocols_added:
            parts.append("new protocol " + ", ".join(self.protocols_added))
        if self.revoked_users:
            parts.append("accounts disabled by headquarters: " + ", ".join(self.revoked_users))
        if self.revoked_certificates:
            parts.append(f"{self.revoked_certificates} certificates revoked")
        if self.not_matching:
            parts.append(f"{len(self.not_matching)} acknowledgements name another version of"
                         " a record; those records will be sent again")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class SyncStatus:
    headquarters: str | None
    pending: dict[str, int]  # records not yet acknowledged, by kind
    events_pending: int
    events_acknowledged: int
    last_export_at: str | None
    last_acknowledged_at: str | None


class SyncService:
    def __init__(self, station: Station, keys: KeyService):
        self._station = station
        self._db = station.db
        self._keys = keys

    # -- trusting headquarters ------------------------------------------------------------
    def trust_headquarters(self, actor: Actor, path: Path) -> TrustedHeadquarters:
        """Install headquarters-public.json: whom bundles are encrypted to, and whose
        signature a bundle coming down must carry. It must be signed by a headquarters
        certificate issued by this station's own certificate authority."""
        require_role(actor, Role.ADMIN, action="set which headquarters this station trusts")
        trusted = read_headquarters_file(Path(path), self._root())
        secret, recipient = bundles.new_age_identity()
        with write_transaction(self._db):
            self._db.execute(
                "INSERT INTO sync_headquarters (id, name, age_recipient, certificate_pem,"
                " chain_pem, trusted_at, trusted_by) VALUES (1, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name, age_recipient ="
                " excluded.age_recipient, certificate_pem = excluded.certificate_pem,"
                " chain_pem = excluded.chain_pem, trusted_at = excluded.trusted_at,"
                " trusted_by = excluded.trusted_by",
                [trusted.name, trusted.age_recipient,
                 certificates.to_pem(trusted.certificate).decode(),
                 certificates.chain_pem(trusted.chain).decode(), utc_now(), actor.user_id])
            if self._db.execute("SELECT 1 FROM sync_station_key").fetchone() is None:
                self._db.execute(
                    "INSERT INTO sync_station_key (id, age_recipient, sealed_age_identity,"
                    " created_at) VALUES (1, ?, ?, ?)",
                    [recipient, self._keys.seal_secret(AGE_KEY_PURPOSE, secret.encode()),
                     utc_now()])
            # Headquarters can now recover this station if every password is lost.
            self._keys.write_recovery_slot(trusted.age_recipient)
            self._station.events.append(
                "sync.headquarters_trusted",
                {"name": trusted.name, "age_recipient": trusted.age_recipient,
                 "certificate_sha256": trusted.certificate.fingerprint(hashes.SHA256()).hex()},
                actor_id=actor.user_id)
        return trusted

    def headquarters(self) -> TrustedHeadquarters | None:
        row = self._db.execute("SELECT name, age_recipient, certificate_pem, chain_pem FROM"
                               " sync_headquarters").fetchone()
        if row is None:
            return None
        return TrustedHeadquarters(
            row[0], row[1], certificates.load_certificates(row[2].encode(), "HQ certificate")[0],
            tuple(certificates.load_certificates(row[3].encode(), "HQ chain")))

    def _require_headquarters(self) -> TrustedHeadquarters:
        trusted = self.headquarters()
        if trusted is None:
            raise UserError("This station does not know headquarters yet: an admin installs"
                            " headquarters-public.json with 'screening-app sync trust-hq'.")
        return trusted

    def _root(self) -> x509.Certificate:
        installed = self._keys.station_certificate()
        if installed is None:
            raise UserError("This station has no certificate yet, so it cannot sign bundles:"
                            " install the one headquarters issued with 'screening-app station"
                            " import-cert'.")
        return installed.root

    # -- exporting ------------------------------------------------------------------------
    def export(self, actor: Actor, folder: Path) -> ExportResult:
        """One bundle with every record headquarters has not acknowledged, the PDFs, and the
        event chain since the last acknowledged event."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="export records for"
                     " headquarters")
        trusted = self._require_headquarters()
        identity = self._keys.signing_identity(actor)
        station_recipient = self._station_recipient()
        db = self._db
        acked = self._acknowledged()
        state = self._state()
        after_seq = int(state.get("events_acked_seq", 0))
        after_hash = state.get("events_acked_hash", GENESIS_HASH)

        def unacknowledged(kind: str, rows):
            known = acked.get(kind, {})
            return (row for row in rows
                    if known.get(record_id(kind, row)) != record_digest(kind, row))

        # One read transaction: the bundle is a consistent snapshot even if an interviewer
        # finalises a record while it is being written.
        db.conn.execute("BEGIN")
        try:
            through_seq, through_hash = self._station.events.head()
            interview_ids = [interview_id for interview_id, digest in
                             outgoing.final_interview_ids(db)
                             if acked.get("interviews", {}).get(interview_id) != digest]
            documents = list(unacknowledged("documents", outgoing.documents(db)))
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
                writer.add_records("users", unacknowledged("users", outgoing.users(db)))
                writer.add_records("protocols",
                                   unacknowledged("protocols", outgoing.protocols(db)))
                writer.add_records("subjects", unacknowledged("subjects", outgoing.subjects(db)))
                writer.add_records("events", outgoing.events(db, after_seq))
                writer.add_records("interviews", outgoing.interviews(db, interview_ids))
                writer.add_records("reviews", unacknowledged("reviews", outgoing.reviews(db)))
                writer.add_records("documents", documents)
                for document in documents:
                    writer.add_bytes(f"files/{document['id']}.pdf",
                                     outgoing.document_content(db, document["id"]))

            path, header, counts = bundles.write_bundle(
                Path(folder), kind=bundles.UP, sender=self._station.station_id,
                recipient=HEADQUARTERS, age_recipient=trusted.age_recipient,
                signer_key=identity.key, signer_chain=(identity.certificate, *identity.chain),
                produce=produce,
                extra={"station_age_recipient": station_recipient,
                       "camp": self._station.camp, "demo": self._station.demo},
                file_stem=f"station-{self._station.station_id}-{utc_now()[:19].replace(':', '')}")
        finally:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
        with write_transaction(db):
            db.execute(
                "INSERT INTO sync_exports (bundle_id, file_name, created_at, created_by,"
                " through_seq, counts) VALUES (?, ?, ?, ?, ?, ?)",
                [header.bundle_id, path.name, header.created_at, actor.user_id, through_seq,
                 canonical_json(counts)])
            self._station.events.append(
                "sync.exported",
                {"bundle_id": header.bundle_id, "file": path.name, "counts": counts,
                 "events_after": after_seq, "events_through": through_seq},
                actor_id=actor.user_id)
        return ExportResult(path, header.bundle_id, counts, after_seq, through_seq)

    def _station_recipient(self) -> str:
        row = self._db.execute("SELECT age_recipient FROM sync_station_key").fetchone()
        if row is None:  # trust_headquarters makes it; only a damaged station lacks it
            raise UserError("This station has no sync key: install headquarters-public.json"
                            " again with 'screening-app sync trust-hq'.")
        return row[0]

    def _acknowledged(self) -> dict[str, dict[str, str]]:
        known: dict[str, dict[str, str]] = defaultdict(dict)
        for kind, identifier, digest in self._db.execute(
                "SELECT kind, record_id, digest FROM sync_acks"):
            known[kind][identifier] = digest
        return known

    def _state(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM sync_state").fetchall())

    def _set_state(self, key: str, value) -> None:
        self._db.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key)"
                         " DO UPDATE SET value = excluded.value", [key, str(value)])

    # -- applying what comes down -----------------------------------------------------------
    def apply(self, actor: Actor, path: Path) -> ApplyResult:
        """Verify a bundle from headquarters and apply it whole, or refuse it whole."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="apply a bundle from"
                     " headquarters")
        trusted = self._require_headquarters()
        sealed_bundle = bundles.read_header(Path(path))
        header = sealed_bundle.header
        name = sealed_bundle.name
        if header.kind != bundles.DOWN:
            raise bundles.BundleError(f"{name} is a bundle for headquarters, not one from it.")
        if header.recipient != self._station.station_id:
            raise bundles.BundleError(f"{name} is for station {header.recipient}, not for this"
                                      f" station ({self._station.station_id}).")
        signer = bundles.verify_sender(sealed_bundle, [self._root()])
        if signer.fingerprint(hashes.SHA256()) != trusted.certificate.fingerprint(
                hashes.SHA256()):
            raise bundles.BundleError(
                f"{name} is signed by {certificates.common_name(signer)!r}, not by the"
                f" headquarters this station trusts ({trusted.name!r}).")
        result = ApplyResult(header.bundle_id)
        if self._db.execute("SELECT 1 FROM events WHERE kind = 'sync.applied' AND"
                            " json_extract(payload, '$.bundle_id') = ?",
                            [header.bundle_id]).fetchone():
            result.already_applied = True
            return result
        identity = bundles.load_age_identity(self._station_age_secret())
        with write_transaction(self._db):
            manifest = None
            for member in bundles.open_members(sealed_bundle, identity):
                if member.name == "manifest.json":
                    manifest = self._check_down_manifest(member, name, result)
                elif manifest is None:
                    raise bundles.BundleError(f"{name} is damaged: it does not start with its"
                                              " manifest.")
                elif member.kind == "acks":
                    self._apply_acks(member, result)
                elif member.kind == "roster":
                    self._apply_roster(member, manifest, result)
                elif member.kind == "protocols":
                    self._apply_protocols(member, actor, result)
                elif member.name == "revocations.json":
                    self._apply_revocations(member, result)
                else:
                    raise bundles.BundleError(f"{name} holds {member.name!r}, which no"
                                              " headquarters writes.")
            if manifest is None:
                raise bundles.BundleError(f"{name} is damaged: it has no manifest.")
            state = self._state()
            if manifest["outbox_through"] > int(state.get("applied_down_through", 0)):
                self._set_state("applied_down_through", manifest["outbox_through"])
            self._set_state("last_acknowledged_at", utc_now())
            self._station.events.append(
                "sync.applied",
                {"bundle_id": header.bundle_id, "file": name,
                 "acknowledged": result.acknowledged,
                 "events_acknowledged": result.events_acknowledged,
                 "not_matching": result.not_matching[:50],
                 "roster": {"added": result.roster_added, "updated": result.roster_updated},
                 "protocols": result.protocols_added, "revoked_users": result.revoked_users,
                 "revoked_certificates": result.revoked_certificates},
                actor_id=actor.user_id)
        return result

    def _station_age_secret(self) -> str:
        row = self._db.execute("SELECT sealed_age_identity FROM sync_station_key").fetchone()
        if row is None:
            raise UserError("This station has no sync key: install headquarters-public.json"
                            " again with 'screening-app sync trust-hq'.")
        return self._keys.unseal_secret(AGE_KEY_PURPOSE, row[0]).decode()

    def _check_down_manifest(self, member: bundles.Member, name: str,
                             result: ApplyResult) -> dict:
        try:
            raw = member.read()
            manifest = json.loads(raw)
            if not bundles.is_whole_text(manifest, raw):
                raise ValueError("half a character")
            station_id = manifest["station_id"]
            outbox_through = int(manifest["outbox_through"])
            held_seq = int(manifest["events"]["seq"])
            held_hash = str(manifest["events"]["hash"])
            if not (0 <= outbox_through < 2**63 and 0 <= held_seq < 2**63):
                raise ValueError("a sequence number SQLite cannot hold")
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
            raise bundles.BundleError(f"{name}: its manifest is not readable.") from None
        if station_id != self._station.station_id:
            raise bundles.BundleError(f"{name} is for station {station_id}, not for this"
                                      f" station ({self._station.station_id}).")
        head_seq, _ = self._station.events.head()
        if held_seq > head_seq:
            raise bundles.BundleError(
                f"{name}: headquarters holds {held_seq} events of this station but this"
                f" database has only {head_seq}: it was restored from an older copy or"
                " replaced. Nothing was applied; report this to headquarters.")
        if held_seq:
            row = self._db.execute("SELECT hash FROM events WHERE seq = ?",
                                   [held_seq]).fetchone()
            if row is None or row[0] != held_hash:
                raise bundles.BundleError(
                    f"{name}: headquarters holds a different history of this station (event"
                    f" {held_seq} differs): this database was altered or replaced. Nothing was"
                    " applied; report this to headquarters.")
            if held_seq > int(self._state().get("events_acked_seq", 0)):
                self._set_state("events_acked_seq", held_seq)
                self._set_state("events_acked_hash", held_hash)
        result.events_acknowledged = held_seq
        return {"outbox_through": outbox_through}

    def _apply_acks(self, member: bundles.Member, result: ApplyResult) -> None:
        now = utc_now()
        for ack in member.records():
            try:
                kind, identifier, digest = str(ack["kind"]), str(ack["id"]), str(ack["digest"])
            except KeyError as missing:
                raise bundles.BundleError(f"{member.name}: an acknowledgement lacks"
                                          f" {missing}.") from None
            if not all(map(_is_whole_text, (kind, identifier, digest))):
                raise bundles.BundleError(f"{member.name}: an acknowledgement holds half a"
                                          " character (a lone surrogate escape).")
            ours = outgoing.station_digest_of(self._db, kind, identifier)
            if ours is None or ours != digest:
                result.not_matching.append(f"{kind} {identifier}")
                continue
            self._db.execute(
                "INSERT INTO sync_acks (kind, record_id, digest, acked_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(kind, record_id) DO UPDATE SET digest = excluded.digest,"
                " acked_at = excluded.acked_at", [kind, identifier, digest, now])
            result.acknowledged[kind] = result.acknowledged.get(kind, 0) + 1

    def _apply_roster(self, member: bundles.Member, manifest: dict,
                      result: ApplyResult) -> None:
        # Rows carry only the fields headquarters has; a field it lacks keeps the station's
        # value, as with a roster file missing a column.
        groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        lines_by_isn: dict[str, int] = {}
        for number, row in enumerate(member.records(), start=1):
            if not isinstance(row.get("isn"), str) or not row["isn"].strip():
                raise bundles.BundleError(f"{member.name}, line {number}: a roster row has no"
                                          " ISN.")
            first = lines_by_isn.setdefault(row["isn"], number)
            if first != number:
                raise bundles.BundleError(f"{member.name}, line {number}: ISN {row['isn']!r}"
                                          f" is already on line {first}.")
            columns = tuple(f for f in ROSTER_FIELDS if f in row)
            for column in columns:
                if isinstance(row[column], str) and not _is_whole_text(row[column]):
                    raise bundles.BundleError(f"{member.name}, line {number}: {column} holds"
                                              " half a character (a lone surrogate escape).")
                if not _is_roster_value(column, row[column]):
                    wanted = (f"a year from {EARLIEST_BIRTH_YEAR} to {LATEST_BIRTH_YEAR}"
                              if column == "birth_year" else "text")
                    raise bundles.BundleError(
                        f"{member.name}, line {number}: {column} must be {wanted} or null.")
            groups[columns].append(tuple(row[f] for f in columns))
        repository = SubjectRepository(self._db)
        now = utc_now()
        for columns, rows in groups.items():
            counts = repository.upsert_many(columns, rows, now)
            result.roster_added += counts.added
            result.roster_updated += counts.updated

    def _apply_protocols(self, member: bundles.Member, actor: Actor,
                         result: ApplyResult) -> None:
        from screening_app.protocol import parse_protocol
        from screening_app.store.interviews import InterviewRepository

        repository = InterviewRepository(self._db)
        for number, row in enumerate(member.records(), start=1):
            try:
                source = json.loads(row["definition"])
            except (KeyError, TypeError, ValueError, RecursionError):
                raise bundles.BundleError(f"{member.name}, line {number}: the protocol"
                                          " definition is not readable.") from None
            protocol = parse_protocol(source, f"{member.name}, line {number}")
            repository.store_protocol(protocol.sha256, protocol.id, protocol.version,
                                      protocol.source, utc_now())
            result.protocols_added.append(f"{protocol.id} version {protocol.version}")

    def _apply_revocations(self, member: bundles.Member, result: ApplyResult) -> None:
        try:
            raw = member.read()
            revocations = json.loads(raw)
            if not bundles.is_whole_text(revocations, raw):
                raise ValueError("half a character")
            users = list(revocations.get("users", []))
            revoked_certificates = list(revocations.get("certificates", []))
        except (ValueError, TypeError, AttributeError, RecursionError):
            raise bundles.BundleError(f"{member.name} is not readable.") from None
        for key, entries in (("users", users), ("certificates", revoked_certificates)):
            if not all(isinstance(entry, dict) and all(
                    value is None or isinstance(value, str) for value in entry.values())
                    for entry in entries):
                raise bundles.BundleError(f"{member.name}: {key!r} must be a list of objects"
                                          " whose values are text.")
        now = utc_now()
        for entry in users:
            row = self._db.execute("SELECT id, name FROM users WHERE name = ? AND disabled_at"
                                   " IS NULL", [entry.get("name")]).fetchone()
            if row is None:
                continue
            self._db.execute("UPDATE users SET disabled_at = ? WHERE id = ?", [now, row[0]])
            # A revoked account must not unlock the station key even with its password.
            self._db.execute("DELETE FROM key_slots WHERE user_id = ?", [row[0]])
            self._station.events.append(
                "account.disabled", {"user_id": row[0], "name": row[1],
                                     "by": HEADQUARTERS, "reason": entry.get("reason")})
            result.revoked_users.append(row[1])
        for entry in revoked_certificates:
            fingerprint = str(entry.get("fingerprint_sha256", ""))
            if not fingerprint:
                raise bundles.BundleError(f"{member.name}: a revoked certificate has no"
                                          " fingerprint.")
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO revoked_certificates (fingerprint_sha256, serial_hex,"
                " subject, reason, revoked_at, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                [fingerprint, entry.get("serial_hex"), entry.get("subject"),
                 entry.get("reason"), entry.get("at"), now]).rowcount
            result.revoked_certificates += inserted

    def is_revoked(self, certificate: x509.Certificate) -> bool:
        return self._db.execute(
            "SELECT 1 FROM revoked_certificates WHERE fingerprint_sha256 = ?",
            [certificate.fingerprint(hashes.SHA256()).hex()]).fetchone() is not None

    # -- over HTTP ----------------------------------------------------------------------
    def push(self, actor: Actor, url: str, *, timeout: float = 300.0
             ) -> tuple[ExportResult, ApplyResult]:
        """Export, send to headquarters, and apply the answer it sends back."""
        from screening_app.hq.push_client import push_bundle

        exported = self.export(actor, self._station.data_dir / "outbox")
        reply, file_name = push_bundle(url, exported.path, timeout=timeout)
        inbox = self._station.data_dir / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        reply_path = inbox / Path(file_name).name
        partial = reply_path.with_name(f".{reply_path.name}.partial")
        partial.write_bytes(reply)
        partial.replace(reply_path)
        return exported, self.apply(actor, reply_path)

    # -- what is left to send ------------------------------------------------------------------
    def status(self, actor: Actor) -> SyncStatus:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="see the sync status")
        acked = self._acknowledged()
        db = self._db
        rows = {
            "users": outgoing.users(db), "protocols": outgoing.protocols(db),
            "subjects": outgoing.subjects(db), "reviews": outgoing.reviews(db),
            "documents": outgoing.documents(db),
        }
        pending = {kind: sum(1 for row in found if acked.get(kind, {}).get(
            record_id(kind, row)) != record_digest(kind, row)) for kind, found in rows.items()}
        pending["interviews"] = sum(1 for identifier, digest in outgoing.final_interview_ids(db)
                                    if acked.get("interviews", {}).get(identifier) != digest)
        state = self._state()
        head_seq, _ = self._station.events.head()
        acked_seq = int(state.get("events_acked_seq", 0))
        last_export = db.execute("SELECT max(created_at) FROM sync_exports").fetchone()[0]
        trusted = self.headquarters()
        return SyncStatus(trusted.name if trusted else None, pending, head_seq - acked_seq,
                          acked_seq, last_export, state.get("last_acknowledged_at"))


def _is_roster_value(column: str, value) -> bool:
    """What a roster row from headquarters may hold: text, a plausible birth year, null."""
    if column == "birth_year":
        return value is None or (isinstance(value, int) and not isinstance(value, bool)
                                 and EARLIEST_BIRTH_YEAR <= value <= LATEST_BIRTH_YEAR)
    return value is None or isinstance(value, str)


def _is_whole_text(text: str) -> bool:
    """False for text holding half a character (a lone \\ud800 escape), which cannot be
    stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_headquarters_file(path: Path, root: x509.Certificate) -> TrustedHeadquarters:
    """headquarters-public.json, checked: signed by a certificate our root issued."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fields = {key: data[key] for key in ("format", "name", "age_recipient", "certificates")}
        signature = base64.b64decode(data["signature"], validate=True)
    except OSError as error:
        raise UserError(f"{path}: {error.strerror or error}.") from None
    except (ValueError, KeyError, TypeError):
        raise UserError(f"{path} is not a headquarters public file (it needs format, name,"
                        " age_recipient, certificates and signature).") from None
    chain = certificates.load_certificates(str(fields["certificates"]).encode(), str(path))
    try:
        chain[0].public_key().verify(signature, canonical_json(fields).encode(), _PSS,
                                     hashes.SHA256())
    except (InvalidSignature, TypeError, ValueError):
        raise UserError(f"{path} was altered: its signature does not match its"
                        " certificate.") from None
    try:
        bundles.check_chain(chain, [root], str(path))
    except bundles.BundleError as problem:
        raise UserError(str(problem)) from None
    bundles.check_age_recipient(str(fields["age_recipient"]), str(path))
    return TrustedHeadquarters(str(fields["name"]), str(fields["age_recipient"]), chain[0],
                               tuple(chain[1:]))
