"""What a bundle from headquarters brings to a station (see services/sync.py, which
verifies it and applies it in one transaction): acknowledgements, roster rows, protocol
versions and revocations. Each member is checked as it streams past; the first bad line
refuses the whole bundle, naming the member and the line."""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from cryptography import x509

from screening_app.domain.canonical import utc_now
from screening_app.domain.messages import gettext as _
from screening_app.domain.messages import ngettext
from screening_app.domain.roster_rules import EARLIEST_BIRTH_YEAR, LATEST_BIRTH_YEAR
from screening_app.domain.subject import ROSTER_FIELDS
from screening_app.store.key_material import KeySlots
from screening_app.store.station import Station
from screening_app.store.subjects import SubjectRepository
from screening_app.store.sync_records import SyncRecords, SyncState
from screening_app.store.users import UserRepository
from screening_app.sync import bundle as bundles
from screening_app.sync.outgoing import OutgoingRecords
from screening_app.sync.renewals import CRL_FIELD, RENEWED_FIELD, install_renewed, keep_crl
from screening_app.sync.resend import read_resend_request

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

HEADQUARTERS = "headquarters"


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
    crl_number: int | None = None  # a newer CRL was kept
    renewed: list[str] = field(default_factory=list)  # whose certificates were renewed
    renewals_left: list[str] = field(default_factory=list)  # why a renewal was not installed
    # Headquarters asked for everything from this event on again (it was restored from an
    # older copy); the next bundle carries it.
    resend_from: int | None = None
    # A push answered by such a request sent everything from this event on again at once.
    resent_from: int | None = None

    def summary(self) -> str:
        if self.already_applied:
            return _("Bundle {bundle} was applied before; nothing changed.").format(
                bundle=self.bundle_id[:8])
        # Each clause is whole, for a translator; they are joined with "; " (in the
        # message language's own punctuation).
        acknowledged = sum(self.acknowledged.values())
        parts = [ngettext("headquarters acknowledged {count} record and events up to {seq}",
                          "headquarters acknowledged {count} records and events up to {seq}",
                          acknowledged).format(count=acknowledged, seq=self.events_acknowledged)]
        if self.roster_added or self.roster_updated:
            parts.append(_("roster: {added} added, {updated} updated").format(
                added=self.roster_added, updated=self.roster_updated))
        if self.resend_from is not None:
            parts.append(_("headquarters lacks this station's events from {seq} on and the"
                           " records sent with them (it was restored from an older copy):"
                           " the next bundle sends them again").format(seq=self.resend_from))
        if self.resent_from is not None:
            parts.append(_("headquarters had lost this station's events from {seq} on and"
                           " the records sent with them (it was restored from an older"
                           " copy): they were sent again").format(seq=self.resent_from))
        if self.protocols_added:
            parts.append(ngettext("new protocol {protocols}", "new protocols {protocols}",
                                  len(self.protocols_added)).format(
                protocols=", ".join(self.protocols_added)))
        if self.revoked_users:
            parts.append(_("accounts disabled by headquarters: {accounts}").format(
                accounts=", ".join(self.revoked_users)))
        if self.revoked_certificates:
            parts.append(ngettext("{count} certificate revoked", "{count} certificates revoked",
                                  self.revoked_certificates).format(
                count=self.revoked_certificates))
        if self.crl_number is not None:
            parts.append(_("revocation list number {number} kept").format(
                number=self.crl_number))
        if self.renewed:
            parts.append(_("certificates renewed: {names}").format(
                names=", ".join(self.renewed)))
        parts.extend(self.renewals_left)
        if self.not_matching:
            parts.append(ngettext(
                "{count} acknowledgement for another version of a record; that record will be"
                " sent again",
                "{count} acknowledgements for another version of a record; those records will"
                " be sent again", len(self.not_matching)).format(count=len(self.not_matching)))
        return _("{clauses}.").format(clauses=_("; ").join(parts))


class DownBundleApplier:
    """Applies the members of one bundle from headquarters, inside the caller's write
    transaction, adding up what it did in ``result``."""

    def __init__(self, station: Station, bundle_name: str, result: ApplyResult,
                 root: x509.Certificate):
        self._station = station
        self._root = root  # the station's root: a CRL or renewal must be its own
        self._db = station.db
        self._state = SyncState(station.db)
        self._records = SyncRecords(station.db)
        self._outgoing = OutgoingRecords(station.db)
        self._name = bundle_name
        self.result = result
        self.disabled_user_ids: list[str] = []  # their key slots go once this commits

    def manifest(self, member: bundles.Member) -> dict:
        try:
            raw = member.read()
            manifest = json.loads(raw)
            if not bundles.is_whole_text(manifest, raw):
                raise ValueError("half a character")
            station_id = manifest["station_id"]
            outbox_through = int(manifest["outbox_through"])
            held_seq = int(manifest["events"]["seq"])
            held_hash = str(manifest["events"]["hash"])
            resend = read_resend_request(manifest, held_seq, held_hash)
            if not (0 <= outbox_through < 2**63 and 0 <= held_seq < 2**63):
                raise ValueError("a sequence number SQLite cannot hold")
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
            raise bundles.BundleError(_("{name}: its manifest is not readable.").format(
                name=self._name)) from None
        if station_id != self._station.station_id:
            raise bundles.BundleError(
                _("{name} is for station {recipient}, not for this station ({station}).").format(
                    name=self._name, recipient=station_id, station=self._station.station_id))
        head_seq = self._station.events.head()[0]
        if held_seq > head_seq:
            raise bundles.BundleError(
                _("{name}: headquarters holds {held} events of this station but this database"
                  " has only {here}: it was restored from an older copy or replaced. Nothing was"
                  " applied; report this to headquarters.").format(
                      name=self._name, held=held_seq, here=head_seq))
        if held_seq and self._station.events.hash_at(held_seq) != held_hash:
            raise bundles.BundleError(
                _("{name}: headquarters holds a different history of this station (event"
                  " {event} differs): this database was altered or replaced. Nothing was"
                  " applied; report this to headquarters.").format(name=self._name,
                                                                     event=held_seq))
        if resend:
            # Headquarters no longer holds what it acknowledged after event held_seq: the
            # chain goes again from there, and of the records only what this same bundle
            # acknowledges again (everything headquarters still holds) counts as held.
            self._state.set("events_acked_seq", held_seq)
            self._state.set("events_acked_hash", held_hash)
            self._records.forget_acknowledgements()
            self.result.resend_from = held_seq + 1
        elif held_seq > int(self._state.get("events_acked_seq", 0)):
            self._state.set("events_acked_seq", held_seq)
            self._state.set("events_acked_hash", held_hash)
        self.result.events_acknowledged = held_seq
        return {"outbox_through": outbox_through, "resend": resend}

    def acks(self, member: bundles.Member) -> None:
        now = utc_now()
        for ack in member.records():
            try:
                kind, identifier, digest = str(ack["kind"]), str(ack["id"]), str(ack["digest"])
            except KeyError as missing:
                raise bundles.BundleError(_("{name}: an acknowledgement lacks {key}.").format(
                    name=member.name, key=missing)) from None
            if not all(map(_is_whole_text, (kind, identifier, digest))):
                raise bundles.BundleError(_("{name}: an acknowledgement holds half a character"
                                            " (a lone surrogate escape).").format(
                                                name=member.name))
            ours = self._outgoing.current_digest(kind, identifier)
            if ours is None or ours != digest:
                self.result.not_matching.append(f"{kind} {identifier}")
                continue
            self._records.acknowledge(kind, identifier, digest, now, _archive_digest(ack))
            self.result.acknowledged[kind] = self.result.acknowledged.get(kind, 0) + 1

    def roster(self, member: bundles.Member) -> None:
        # Rows carry only the fields headquarters has; a field it lacks keeps the station's
        # value, as with a roster file missing a column.
        groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        lines_by_isn: dict[str, int] = {}
        for number, row in enumerate(member.records(), start=1):
            if not isinstance(row.get("isn"), str) or not row["isn"].strip():
                raise bundles.BundleError(_("{name}, line {number}: a roster row has no"
                                            " ISN.").format(name=member.name, number=number))
            first = lines_by_isn.setdefault(row["isn"], number)
            if first != number:
                raise bundles.BundleError(_("{name}, line {number}: ISN {isn!r} is already on"
                                            " line {first}.").format(
                                                name=member.name, number=number,
                                                isn=row["isn"], first=first))
            columns = tuple(f for f in ROSTER_FIELDS if f in row)
            for column in columns:
                if isinstance(row[column], str) and not _is_whole_text(row[column]):
                    raise bundles.BundleError(_("{name}, line {number}: {column} holds half a"
                                                " character (a lone surrogate escape).").format(
                                                    name=member.name, number=number,
                                                    column=column))
                if not _is_roster_value(column, row[column]):
                    wanted = (_("a year from {earliest} to {latest}").format(
                                  earliest=EARLIEST_BIRTH_YEAR, latest=LATEST_BIRTH_YEAR)
                              if column == "birth_year" else _("text"))
                    raise bundles.BundleError(
                        _("{name}, line {number}: {column} must be {wanted} or null.").format(
                            name=member.name, number=number, column=column, wanted=wanted))
            groups[columns].append(tuple(row[f] for f in columns))
        repository = SubjectRepository(self._db)
        now = utc_now()
        for columns, rows in groups.items():
            counts = repository.upsert_many(columns, rows, now)
            self.result.roster_added += counts.added
            self.result.roster_updated += counts.updated

    def protocols(self, member: bundles.Member) -> None:
        from screening_app.protocol import parse_protocol
        from screening_app.store.interviews import InterviewRepository

        repository = InterviewRepository(self._db)
        for number, row in enumerate(member.records(), start=1):
            try:
                source = json.loads(row["definition"])
            except (KeyError, TypeError, ValueError, RecursionError):
                raise bundles.BundleError(_("{name}, line {number}: the protocol definition is"
                                            " not readable.").format(
                                                name=member.name, number=number)) from None
            protocol = parse_protocol(source, f"{member.name}, line {number}")
            repository.store_protocol(protocol.sha256, protocol.id, protocol.version,
                                      protocol.source, utc_now())
            self.result.protocols_added.append(f"{protocol.id} version {protocol.version}")

    def revocations(self, member: bundles.Member) -> None:
        try:
            raw = member.read()
            revocations = json.loads(raw)
            if not bundles.is_whole_text(revocations, raw):
                raise ValueError("half a character")
            users = list(revocations.get("users", []))
            revoked_certificates = list(revocations.get("certificates", []))
            renewed = list(revocations.get(RENEWED_FIELD, []))
        except (ValueError, TypeError, AttributeError, RecursionError):
            raise bundles.BundleError(_("{name} is not readable.").format(
                name=member.name)) from None
        for key, entries in (("users", users), ("certificates", revoked_certificates)):
            if not all(isinstance(entry, dict) and all(
                    value is None or isinstance(value, str) for value in entry.values())
                    for entry in entries):
                raise bundles.BundleError(_("{name}: {key!r} must be a list of objects whose"
                                            " values are text.").format(name=member.name,
                                                                        key=key))
        now = utc_now()
        users_here = UserRepository(self._db)
        for entry in users:
            user = users_here.named(str(entry.get("name")))
            if user is None or user.disabled_at is not None:
                continue
            users_here.disable(user.id, now)
            # A revoked account must not unlock the station key even with its password.
            KeySlots(self._db).remove(user.id)
            self._station.events.append(
                "account.disabled", {"user_id": user.id, "name": user.name,
                                     "by": HEADQUARTERS, "reason": entry.get("reason")})
            self.result.revoked_users.append(user.name)
            self.disabled_user_ids.append(user.id)
        for entry in revoked_certificates:
            fingerprint = str(entry.get("fingerprint_sha256", ""))
            if not fingerprint:
                raise bundles.BundleError(f"{member.name}: a revoked certificate has no"
                                          " fingerprint.")
            if self._records.add_revoked_certificate(
                    fingerprint, entry.get("serial_hex"), entry.get("subject"),
                    entry.get("reason"), entry.get("at"), received_at=now):
                self.result.revoked_certificates += 1
        if CRL_FIELD in revocations:
            self.result.crl_number = keep_crl(self._station, self._root,
                                              revocations[CRL_FIELD], member.name)
        for entry in renewed:
            whose, left = install_renewed(self._station, self._root, entry, member.name)
            if whose:
                self.result.renewed.append(whose)
            if left:
                self.result.renewals_left.append(left)


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


def _archive_digest(ack: dict) -> str | None:
    """The digest of headquarters' archival copy of a form, when its acknowledgement
    carries one (headquarters before archival stamping sends none)."""
    digest = ack.get("archive_sha256")
    return digest if isinstance(digest, str) and _SHA256_HEX.fullmatch(digest) else None
