"""Is this choice form genuine? The PDF signature (whole document, trusted root), the
record embedded in it, and, where the station's database is at hand, the stored record
and the station's history."""

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography import x509

from screening_app.domain.accounts import Actor
from screening_app.domain.canonical import (
    canonical_json,
    parse_timestamp,
    sha256_hex,
    utc_minute,
)
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.pki.people import station_of_signer
from screening_app.services.documents import RECORD_ATTACHMENT
from screening_app.store.documents import DocumentRepository
from screening_app.store.interviews import InterviewRepository
from screening_app.store.station import Station


@dataclass(frozen=True)
class FormVerification:
    valid: bool
    reason: str | None  # the first problem, in one sentence
    record_id: str | None = None
    signers: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)  # what was checked
    # One sentence naming the later revision the station holds, when this is an earlier one
    # (genuine still, but no longer the form of record).
    superseded_by: str | None = None


def verify_form(pdf: bytes, trust_roots: list[x509.Certificate],
                station: Station | None = None, actor: Actor | None = None, *,
                crls: Sequence[bytes] = (), now: datetime | None = None) -> FormVerification:
    """``crls``: revocation lists besides those the PDF carries (headquarters publishes the
    current one); ``now``: today's date, which only tests move."""
    from screening_app.records.verifying import verify_pdf

    if not trust_roots:
        raise UserError(_("No trusted root certificate: give one with --trust ROOT.pem."))
    checked = verify_pdf(pdf, trust_roots, crls=crls, now=now)
    signers = tuple(s.signer for s in checked.signatures)
    if not checked.valid:
        return FormVerification(False, checked.reason, None, signers)
    embedded = checked.attachments.get(RECORD_ATTACHMENT)
    if embedded is None:
        return FormVerification(False, _("The signed PDF holds no record data."), None,
                                signers)
    try:
        record = json.loads(embedded)
        claimed = record.pop("record_sha256")
    except (ValueError, KeyError, AttributeError, TypeError, RecursionError):
        return FormVerification(False, _("The record data in the PDF is not readable."), None,
                                signers)
    record_id = record.get("id")
    if sha256_hex(canonical_json(record)) != claimed:
        return FormVerification(False, _("The record data in the PDF does not match its own"
                                         " hash."), record_id, signers)
    if not isinstance(record_id, str):
        return FormVerification(False, _("The record data in the PDF has no record id."),
                                None, signers)
    problem = _first_signer_problem(checked.signatures[0], record.get("station_id"))
    if problem:
        return FormVerification(False, problem, record_id, signers)
    notes = [_("signed by {signers}; covers the whole document").format(
                 signers=", ".join(signers)),
             *_proof_notes(checked.signatures),
             _("record {id}, hash {hash}… matches its data").format(id=record_id,
                                                                    hash=claimed[:16])]
    if station is not None and actor is not None:
        problem = _compare_with_station(station, record_id, claimed,
                                        checked.info.get("/ScreeningChainHead"))
        if problem:
            return FormVerification(False, problem, record_id, signers, tuple(notes))
        notes.append(_("matches the stored record and the history of station"
                       " {station}").format(station=station.station_id))
        superseded_by = _later_revision(station, record_id, pdf)
        return FormVerification(True, None, record_id, signers, tuple(notes), superseded_by)
    return FormVerification(True, None, record_id, signers, tuple(notes))


def _proof_notes(signatures) -> list[str]:
    """For each signature: the time headquarters' timestamp proves for it, or that nothing
    does; and what befell its certificate since, when the signature stands all the same."""
    notes = []
    for check in signatures:
        if check.proven_at:
            notes.append(_("signed by {signer}, proven to exist at {at} by headquarters'"
                           " timestamp ({authority})").format(
                signer=check.signer, authority=check.proven_by,
                at=utc_minute(parse_timestamp(check.proven_at))))
        else:
            notes.append(_("signed by {signer}; no headquarters timestamp yet, so the form"
                           " verifies only while the certificate is valid").format(
                signer=check.signer))
        if check.since:
            notes.append(check.since)
    return notes


def _first_signer_problem(first, station_id) -> str | None:
    """A form is signed first by the person who finalised it at its station (or, before
    personal keys, by the station itself): any other certificate of the same CA, such as
    another station's or its people's, did not make this form."""
    owner = station_of_signer(first.signer_certificate)
    if owner is not None and owner == station_id:
        return None
    return _("The form is station {station}'s, but its first signature is by {signer!r},"
             " who does not sign for that station.").format(station=station_id,
                                                            signer=first.signer)


def _later_revision(station: Station, record_id: str, pdf: bytes) -> str | None:
    """The sentence naming the newest stored revision that continues ``pdf``, or None when
    ``pdf`` is the newest. Later revisions are incremental updates, so each one begins with
    the bytes of those before it; the only way a form gets one is the supervisor's
    countersignature on approval."""
    later = [stored for stored in DocumentRepository(station.db, station.review)
             .revisions(record_id)
             if stored.content is not None and len(stored.content) > len(pdf)
             and stored.content.startswith(pdf)]
    if not later:
        return None
    newest = later[-1]
    when = newest.created_at[:16].replace("T", " ")
    if newest.created_by:
        return _("A later revision supersedes this form: revision {revision}, approved and"
                 " countersigned by {by} on {when} UTC.").format(
                     revision=newest.revision, by=newest.created_by, when=when)
    return _("A later revision supersedes this form: revision {revision}, approved and"
             " countersigned on {when} UTC.").format(revision=newest.revision, when=when)


def _compare_with_station(station: Station, record_id: str, claimed: str,
                          chain_head: str | None) -> str | None:
    db = station.db
    if chain_head:
        seq_text, _separator, head_hash = chain_head.partition(":")
        if not (seq_text.isascii() and seq_text.isdigit()):
            return _("The point in the station's history this form names ({head!r}) is not"
                     " readable.").format(head=chain_head[:40])
        newest = station.events.head()[0]
        found = station.events.hash_at(int(seq_text)) if int(seq_text) <= newest else None
        if found is None and int(seq_text) > newest:
            return _("The station database is older than this form: its history ends at event"
                     " {newest}, but the form was made at event {event}. Was the database"
                     " restored from an old copy?").format(newest=newest, event=seq_text)
        if found is None or found != head_hash:
            return _("This form was made in a history that differs from the station's at"
                     " event {event}.").format(event=seq_text)
    stored = InterviewRepository(db, station.review).get(record_id)
    if stored is None:
        return _("Record {id} is not in the station database.").format(id=record_id)
    if stored.unreadable:
        return _("Record {id} is sealed to the review key, which this session does not hold:"
                 " a supervisor or an admin compares it with the form.").format(id=record_id)
    if stored.computed_hash() != stored.record_sha256:
        return _("The stored record {id} was changed after it was finalised.").format(
            id=record_id)
    if stored.record_sha256 != claimed:
        return _("The stored record {id} differs from the one in this form.").format(
            id=record_id)
    return None


# A choice form with four drawn signatures and two revisions is well under a megabyte; a
# file far larger is not one, and reading and parsing it whole would take minutes and
# gigabytes (a 500 MB file took 133 s and 5.2 GB).
MAX_FORM_BYTES = 25 * 1024 * 1024


def read_pdf(path: Path, limit: int = MAX_FORM_BYTES) -> bytes:
    """The file's bytes, refused unread when it is larger than any form (or certificate)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise UserError(_("{path} is {size:.0f} MB, larger than any choice form"
                                  " ({limit} MB at most); it was not read.").format(
                                      path=path, size=size / 1024 / 1024,
                                      limit=limit // 1024 // 1024))
            content = handle.read(limit + 1)
    except OSError as error:
        raise UserError(f"{path}: {error.strerror}.") from None
    if len(content) > limit:  # a file that grew while it was read, or a device
        raise UserError(_("{path} is larger than any choice form ({limit} MB at most); it was"
                          " not read.").format(path=path, limit=limit // 1024 // 1024))
    return content
