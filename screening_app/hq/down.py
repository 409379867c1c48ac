"""What goes down from headquarters to a station, and what headquarters publishes.

Publishing (a roster, a protocol version, a revoked account or certificate) appends to the
outbox; nothing is ever taken back out of it. A down bundle for a station carries the
acknowledgements of every record of that station headquarters holds, the outbox entries for
it that the station has not applied yet (the station tells which in each bundle it sends),
and every revocation. It is signed with the HQ key and encrypted to the station's age key,
which headquarters learns from the station's first bundle.
"""

import base64
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from screening_app.domain.canonical import canonical_json, utc_now
from screening_app.domain.errors import NotFound, UserError
from screening_app.hq.headquarters import SENDER, Headquarters
from screening_app.hq.registry import require_station
from screening_app.hq.renewal import renewed_certificates_for
from screening_app.hq.revocation_lists import record_certificate_revocation
from screening_app.importers.roster_file import read_roster
from screening_app.pki import certificates, crl
from screening_app.protocol.loader import load_protocol
from screening_app.sync import bundle as bundles
from screening_app.sync.renewals import CRL_FIELD, RENEWED_FIELD
from screening_app.sync.resend import RESEND_FIELD, resend_request


# -- the down bundle ------------------------------------------------------------------------
def build_down_bundle(hq: Headquarters, station_id: str, folder: Path | str, *,
                      resend: bool = False, age_recipient: str | None = None) -> Path:
    """The down bundle for a station, written into ``folder``; returns its path. With
    ``resend``, it also asks the station to send again everything after the last of its
    events held here (sync/resend.py); ``age_recipient`` is the station's key, from a bundle
    it just sent, for a station that no bundle held here names yet."""
    store = hq.store
    identity = hq.signing_identity
    # One read snapshot: the station's chain head, the acknowledgements and the outbox are
    # one consistent state even while another connection takes in a bundle.
    with store.snapshot():
        station = require_station(hq, station_id)
        if station.revoked_at:
            raise UserError(f"Station {station_id} was revoked on {station.revoked_at[:10]};"
                            " headquarters sends it nothing.")
        age_recipient = station.age_recipient or age_recipient
        if not age_recipient:
            raise UserError(f"Station {station_id} has not sent a bundle yet; its first"
                            " bundle tells headquarters how to encrypt to it.")
        outbox_through = store.outbox_through()
        manifest = {"station_id": station_id, "outbox_through": outbox_through,
                    "created_at": utc_now(),
                    "events": {"seq": station.events_seq, "hash": station.events_hash}}
        if resend:
            manifest[RESEND_FIELD] = resend_request(station.events_seq, station.events_hash)
        after = station.applied_down_through

        def produce(writer: bundles.BundleWriter) -> None:
            writer.add_json("manifest.json", manifest)
            writer.add_records("acks", store.acknowledgements(station_id))
            writer.add_records("roster", (
                entry.payload for entry in store.outbox(("roster",), station_id=station_id,
                                                        after_seq=after)
                if entry.seq <= outbox_through))
            writer.add_records("protocols", (
                {"definition": entry.payload["definition"]}
                for entry in store.outbox(("protocol",), after_seq=after)
                if entry.seq <= outbox_through))
            writer.add_json("revocations.json", revocations_for(hq, station_id, outbox_through))

        path, _, _ = bundles.write_bundle(
            Path(folder), kind=bundles.DOWN, sender=SENDER, recipient=station_id,
            age_recipient=age_recipient, signer_key=identity.key,
            signer_chain=(identity.certificate, *identity.chain), produce=produce,
            file_stem=f"headquarters-to-{station_id}-{utc_now()[:19].replace(':', '')}")
    return path


def revocations_for(hq: Headquarters, station_id: str, through: int) -> dict:
    """Every revocation, whatever the station applied before: applying one again changes
    nothing, and a station restored from a backup must learn them again. With them, the
    CRL in force and the station's renewed certificates (hq/renewal.py), as fields of this
    member rather than members of their own: a station of an older version refuses a
    bundle holding a member it does not know, but reads only the fields it knows here."""
    users = [{"name": entry.payload["name"], "reason": entry.payload["reason"],
              "at": entry.payload["at"]}
             for entry in hq.store.outbox(("revoke_user",), station_id=station_id)
             if entry.station_id == station_id and entry.seq <= through]
    revoked = [entry.payload for entry in hq.store.outbox(("revoke_certificate",))
               if entry.seq <= through]
    published = {"users": users, "certificates": revoked,
                 RENEWED_FIELD: renewed_certificates_for(hq, station_id, through)}
    crl_der = hq.store.current_crl()
    if crl_der is not None:
        published[CRL_FIELD] = base64.b64encode(crl_der).decode("ascii")
    return published


# -- publishing -----------------------------------------------------------------------------
def publish_roster(hq: Headquarters, roster_file: Path | str, station_id: str | None) -> int:
    """Queue every person of a roster file (CSV or XLSX, checked whole) for one station or,
    with ``station_id`` None, for every station; returns how many. A column the file lacks
    is left as the station has it."""
    if station_id is not None:
        require_station(hq, station_id)
    roster = read_roster(Path(roster_file))
    now = utc_now()
    with hq.store.transaction():
        for row in roster.rows:
            hq.store.insert_outbox(station_id, "roster", dict(zip(roster.columns, row,
                                                                  strict=True)), now)
    return len(roster.rows)


def publish_protocol(hq: Headquarters, definition_file: Path | str) -> str:
    """Queue a protocol version for every station; returns its sha256. Publishing the same
    version again changes nothing."""
    protocol = load_protocol(Path(definition_file))
    with hq.store.transaction():
        for entry in hq.store.outbox(("protocol",)):
            published = entry.payload
            if published["sha256"] == protocol.sha256:
                return protocol.sha256
            if (published["protocol_id"], published["version"]) == (protocol.id,
                                                                      protocol.version):
                raise UserError(f"{definition_file}: {protocol.label} was already published"
                                " with other content; give the changed protocol a new"
                                " version number.")
        hq.store.insert_outbox(None, "protocol", {
            "sha256": protocol.sha256, "protocol_id": protocol.id,
            "version": protocol.version, "definition": canonical_json(protocol.source)},
            utc_now())
    return protocol.sha256


def revoke_user(hq: Headquarters, station_id: str, name: str, reason: str) -> None:
    """Disable an account at a station (it applies this from its next down bundle)."""
    reason = _reason(reason)
    require_station(hq, station_id)
    names = {known.casefold(): known for known in hq.store.user_names(station_id)}
    if name.casefold() not in names:
        raise NotFound(f"Station {station_id} has no account named {name!r} (as of its last"
                       " bundle).")
    with hq.store.transaction():
        hq.store.insert_outbox(station_id, "revoke_user",
                               {"name": names[name.casefold()], "reason": reason,
                                "at": utc_now()}, utc_now())


def revoke_certificate(hq: Headquarters, certificate_pem: bytes, source: str,
                       reason: str, code: str = "unspecified") -> str | None:
    """Tell every station that a certificate our CA issued is no longer to be trusted,
    since now, for ``reason`` (the operator's words) and ``code`` (a CRL reason code,
    pki/crl.py); a registered station with that certificate is revoked too. Returns that
    station's id. The CRL lists it once the CA issues the next one (hq/revocation_lists.py)."""
    reason = _reason(reason)
    code = crl.reason_name(code)
    certificate = certificates.load_certificates(certificate_pem, source)[0]
    certificates.check_issued_by(certificate, hq.root)
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    now = utc_now()
    with hq.store.transaction():
        for entry in hq.store.outbox(("revoke_certificate",)):
            if entry.payload["fingerprint_sha256"] == fingerprint:
                raise UserError(f"{source}: this certificate was already revoked on"
                                f" {entry.payload['at'][:10]}.")
        record_certificate_revocation(hq, certificate, reason, code, now)
        station = hq.store.station_by_fingerprint(fingerprint)
        if station is not None:
            hq.store.revoke_station(station.station_id, now, reason)
            return station.station_id
    return None


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise UserError("Give the reason for the revocation (--reason).")
    return reason.strip()

