"""Taking in a station's bundle: whole, or not at all.

Before anything is decrypted, the bundle must be signed by the certificate of a registered,
not revoked station, which must also be its sender. Then one write transaction reads the
members as they stream out of the decryption (never the whole bundle in memory, one PDF at
a time) and checks and stores each record (see hq/intake_records.py). A record headquarters
already holds unchanged is a no-op, so a station can send a record again until it is
acknowledged; a record that differs from the one held, a fork or a gap in the station's
event chain, or anything damaged refuses the whole bundle, leaves nothing of it behind, and
is written down as one incident. The same bundle twice changes nothing the second time.
A bundle refused over HTTP before its signature checked out (anyone can send one) is not
an incident: it adds one to the count of junk from its sender's address (hq/junk.py).
"""

from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.hq.headquarters import SENDER, Headquarters
from screening_app.hq.intake_records import (
    BundleIntake,
    ChainBroken,
    EventsMissing,
    RecordDiffers,
)
from screening_app.hq.junk import count_junk
from screening_app.hq.renewal import station_by_renewal
from screening_app.hq.store_interface import HqStore
from screening_app.hq.store_rows import BundleRow
from screening_app.pki import certificates
from screening_app.store.connection import StorageFailure
from screening_app.sync import bundle as bundles
from screening_app.sync.bundle import BundleError

__all__ = ["ChainBroken", "EventsMissing", "IntakeReceipt", "RecordDiffers", "RevokedStation",
           "UnknownStation", "ingest"]

VIA = ("file", "http")


class UnknownStation(BundleError):
    """Signed by a certificate of our CA that is not a registered station's (HTTP 403)."""

    incident_kind = "unknown_station"


class RevokedStation(BundleError):
    """Signed by a station headquarters revoked (HTTP 403)."""

    incident_kind = "revoked_station"


@dataclass(frozen=True)
class IntakeReceipt:
    bundle_id: str
    station_id: str
    already_ingested: bool
    added: dict[str, int]  # new records (and events) of each kind
    conflicts: list[str]  # ISNs in conflict after this bundle, among those it touched
    duplicates: dict[str, int] = field(default_factory=dict)  # held already, unchanged
    updated: dict[str, int] = field(default_factory=dict)  # users and roster rows replaced
    file_name: str = ""

    def summary(self) -> str:
        if self.already_ingested:
            return (f"{self.file_name}: bundle {self.bundle_id[:8]} of station"
                    f" {self.station_id} was ingested before; nothing changed.")
        added = ", ".join(f"{count} {kind}" for kind, count in self.added.items() if count)
        text = f"{self.file_name}: station {self.station_id}, {added or 'nothing new'} added"
        if self.conflicts:
            text += f"; {len(self.conflicts)} people now in conflict: " + ", ".join(
                self.conflicts)
        return text + "."


@dataclass
class _Known:
    """What is known of a bundle so far, for the incident if it is refused."""

    file_name: str
    station_id: str | None = None
    bundle_id: str | None = None
    client_address: str | None = None  # over HTTP: who sent it
    signed_by_station: bool = False  # its signature checked out: a refusal is an incident


def ingest(hq: Headquarters, path: Path | str, via: str = "file",
           client_address: str | None = None) -> IntakeReceipt:
    """Check and store a station's up bundle in one transaction; a refusal raises a
    BundleError (UnknownStation, RevokedStation, ChainBroken, RecordDiffers or another)
    after writing one incident, or, for a bundle from ``client_address`` refused before
    its signature checked out, after counting it as junk from that address."""
    if via not in VIA:
        raise ValueError(f"via must be one of {VIA}, not {via!r}")
    path = Path(path)
    known = _Known(path.name, client_address=client_address)
    try:
        return _ingest(hq, path, via, known)
    except BundleError as refusal:
        _make_printable(refusal)
        _write_incident(hq.store, known, refusal)
        raise
    except StorageFailure:
        raise  # the disk failed, not the bundle: nothing to refuse, and nowhere to record it
    except UserError as problem:  # a certificate or key in the header that does not parse
        refusal = BundleError(f"{path.name}: {problem}")
        _write_incident(hq.store, known, refusal)
        raise refusal from None
    except UnicodeError:  # JSON may escape a lone surrogate, which no station writes
        refusal = BundleError(f"{path.name} is damaged: it holds text that is not valid"
                              " Unicode.")
        _write_incident(hq.store, known, refusal)
        raise refusal from None


def _ingest(hq: Headquarters, path: Path, via: str, known: _Known) -> IntakeReceipt:
    sealed = bundles.read_header(path)
    header = sealed.header
    known.bundle_id = header.bundle_id
    if header.kind != bundles.UP:
        raise BundleError(f"{sealed.name} is a bundle for a station, not one from a station.")
    if header.recipient != SENDER:
        raise BundleError(f"{sealed.name} is addressed to {header.recipient!r}, not to"
                          " headquarters.")
    signer = bundles.verify_sender(sealed, [hq.root])
    known.signed_by_station = True  # by a certificate of our CA, at least
    store = hq.store
    station = (store.station_by_fingerprint(signer.fingerprint(hashes.SHA256()).hex())
               or station_by_renewal(hq, signer))
    signer_name = certificates.common_name(signer)
    if station is None:
        raise UnknownStation(f"{sealed.name} is signed by {signer_name!r}, which is not a"
                             " registered station; register its certificate with"
                             " 'screening-app hq station add'.")
    known.station_id = station.station_id
    if station.revoked_at:
        raise RevokedStation(f"{sealed.name} is from station {station.station_id}, which"
                             f" headquarters revoked on {station.revoked_at[:10]}"
                             f" ({station.revoke_reason}).")
    if header.sender != station.station_id:
        raise BundleError(f"{sealed.name} says it is from {header.sender!r} but is signed by"
                          f" station {station.station_id}.")
    held = store.bundle(header.bundle_id)
    if held is not None:
        return _already_ingested(held, station.station_id, sealed.name)
    station_recipient = bundles.check_age_recipient(
        str(header.extra.get("station_age_recipient", "")),
        f"{sealed.name} (the station's encryption key)")

    with store.transaction():
        # Read again under the station's lock: another intake may have run meanwhile (on
        # PostgreSQL, another worker may have taken this very bundle).
        store.lock_station(station.station_id)
        held = store.bundle(header.bundle_id)
        if held is not None:
            return _already_ingested(held, station.station_id, sealed.name)
        station = store.station(station.station_id)
        intake = BundleIntake(store, station, sealed.name, hq.root)
        with store.batched():
            for member in bundles.open_members(sealed, hq.age_identity):
                intake.take(member)
        intake.finish()
        now = utc_now()
        store.insert_bundle(BundleRow(
            bundle_id=header.bundle_id, station_id=station.station_id, kind=header.kind,
            file_name=sealed.name, received_at=now, via=via, created_at=header.created_at,
            counts=dict(header.fields.get("counts", {})), added=dict(intake.added)))
        head_seq, head_hash = intake.events_head
        store.record_bundle_applied(
            station.station_id, events_seq=head_seq, events_hash=head_hash,
            age_recipient=station_recipient,
            applied_down_through=intake.applied_down_through, at=now,
            bundle_id=header.bundle_id)
        conflicts = _detect_conflicts(store, sorted(intake.touched_isns))
    return IntakeReceipt(header.bundle_id, station.station_id, False, dict(intake.added),
                         conflicts, dict(intake.duplicates), dict(intake.updated),
                         sealed.name)


def _already_ingested(held: BundleRow, station_id: str, name: str) -> IntakeReceipt:
    if held.station_id != station_id:
        raise BundleError(f"{name} carries the id of a bundle station {held.station_id} sent;"
                          " a bundle id is never reused.")
    return IntakeReceipt(held.bundle_id, station_id, True, dict(held.added), [],
                         file_name=name)


def _detect_conflicts(store: HqStore, isns: list[str]) -> list[str]:
    from screening_app.hq import conflicts  # written alongside; imported when first needed

    return list(conflicts.detect(store, isns)) if isns else []


def _make_printable(refusal: BundleError) -> None:
    """A sentence quoting a value from the bundle may hold text no station writes (a lone
    surrogate); escape it, so the sentence can be stored, printed and sent."""
    text = str(refusal)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        refusal.args = (text.encode("utf-8", "backslashreplace").decode("utf-8"),)


def _write_incident(store: HqStore, known: _Known, refusal: BundleError) -> None:
    if known.client_address is not None and not known.signed_by_station:
        count_junk(store, known.client_address, str(refusal))
        return
    kind = getattr(refusal, "incident_kind", "refused")
    with store.transaction():
        store.insert_incident(at=utc_now(), station_id=known.station_id,
                              bundle_id=known.bundle_id, file_name=known.file_name, kind=kind,
                              reason=str(refusal))
