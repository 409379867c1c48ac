"""Archival copies of the forms headquarters holds: stamped at intake, stamped again before
their timestamp's certificate expires, exported for archivists.

A form as a station sent it (``documents``) never changes. Beside it, ``archived_documents``
keeps generations of its archival copy (hq/archival_pdf.py: validation data and a document
timestamp from headquarters' authority, PAdES B-LTA): generation 1 made just after the
bundle's intake committed, each later one by ``hq archive restamp`` adding a fresh timestamp
before the previous one's certificate expires. A failure to stamp never undoes or refuses an
intake: it is logged, the form stays pending, and ``hq archive stamp`` catches up.
"""

import datetime
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.hq.archival_pdf import (
    ArchivalStampRefused,
    stamp_archival,
    validation_context,
)
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.store_rows import ArchivedDocumentRow
from screening_app.hq.timestamps import HeadquartersTimeStamper, TimestampAuthority
from screening_app.store.durable import write_atomically

ARCHIVE_INCIDENT = "archive"  # the incidents' kind for forms not stamped (HQ migration 0009)
RESTAMP_WITHIN_DAYS = 730  # two years before the certificate of the last timestamp expires
# How long stamping may hold up the answer to a pushed bundle. A form takes about a tenth of
# a second, so a bundle of thousands would outlast the station's wait for the answer (sync/
# push_client.py); what is left stays pending for the next bundle or 'hq archive stamp'.
STAMP_SECONDS_AFTER_INTAKE = 60.0
log = logging.getLogger("screening_app.hq.archive")


@dataclass
class StampReport:
    stamped: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # document id -> why
    left: int = 0  # not tried within the time given

    def summary(self) -> str:
        text = f"{self.stamped} forms stamped"
        if self.refused:
            text += f"; {len(self.refused)} could not be: " + "; ".join(
                f"{document_id}: {why}" for document_id, why in self.refused.items())
        if self.left:
            text += f"; {self.left} left for later ('screening-app hq archive stamp')"
        return text + "."


def stamp_pending(hq: Headquarters, station_id: str | None = None, *,
                  seconds: float | None = None) -> StampReport:
    """Make the archival copy of every form (of one station, or all) that has none, or of
    as many as ``seconds`` allow. Raises TimestampUnavailable when headquarters cannot make
    timestamps at all; a form that cannot be stamped is reported and stays pending."""
    report = StampReport()
    deadline = None if seconds is None else time.monotonic() + seconds
    pending = hq.store.documents_to_archive(station_id)
    if not pending:
        return report
    authority = hq.timestamp_authority
    timestamper = HeadquartersTimeStamper(authority)
    context = validation_context(hq.root, hq.store.current_crl())
    for index, document_id in enumerate(pending):
        if deadline is not None and time.monotonic() > deadline:
            report.left = len(pending) - index
            break
        content = hq.store.document_content(document_id)
        if content is None:  # pragma: no cover -- listed from the same table just now
            continue
        try:
            copy = stamp_archival(content, timestamper, context)
        except ArchivalStampRefused as refusal:
            report.refused[document_id] = str(refusal)
            continue
        if _keep(hq, document_id, 1, copy, authority):
            report.stamped += 1
    return report


def stamp_after_intake(hq: Headquarters, station_id: str) -> StampReport | None:
    """Stamp the forms a bundle of ``station_id`` just brought. Never raises: the intake
    has committed, and whatever is not stamped now stays pending for 'hq archive stamp'."""
    try:
        report = stamp_pending(hq, station_id, seconds=STAMP_SECONDS_AFTER_INTAKE)
    except UserError as problem:
        log.warning("forms of station %s not stamped for the archive: %s Run 'screening-app"
                    " hq archive stamp' once this is fixed.", station_id, problem)
        _record_incident(hq, station_id, f"The forms of this bundle were not stamped for the"
                                         f" archive: {problem}")
        return None
    except Exception as error:  # noqa: BLE001 -- the intake stands; the failure is logged
        log.exception("forms of station %s not stamped for the archive; run 'screening-app"
                      " hq archive stamp' once this is fixed", station_id)
        _record_incident(hq, station_id, f"The forms of this bundle were not stamped for the"
                                         f" archive ({type(error).__name__}: {error}).")
        return None
    for document_id, why in report.refused.items():
        log.warning("form %s of station %s not stamped for the archive: %s", document_id,
                    station_id, why)
    if report.refused:
        first, why = next(iter(report.refused.items()))
        _record_incident(hq, station_id, f"{len(report.refused)} forms of this bundle could"
                                         f" not be stamped for the archive; the first,"
                                         f" {first}: {why}")
    if report.left:
        log.info("%d forms of station %s left for the archive's next stamping (its next"
                 " bundle or 'screening-app hq archive stamp')", report.left, station_id)
    return report


def _record_incident(hq: Headquarters, station_id: str, reason: str) -> None:
    """One incident for the operators' page; its own failure is only logged, since the
    intake it follows has committed and must be answered."""
    try:
        with hq.store.transaction():
            hq.store.insert_incident(at=utc_now(), station_id=station_id, bundle_id=None,
                                     file_name=None, kind=ARCHIVE_INCIDENT,
                                     reason=f"{reason} Run 'screening-app hq archive stamp'"
                                            " once this is fixed.")
    except Exception:  # noqa: BLE001 -- see above
        log.exception("the archive's incident for station %s was not recorded", station_id)


def restamp_expiring(hq: Headquarters, within_days: int = RESTAMP_WITHIN_DAYS, *,
                     now: datetime.datetime | None = None) -> StampReport:
    """Add a fresh document timestamp, as a new generation, to every archival copy whose
    last timestamp's certificate expires within ``within_days``."""
    if within_days < 1:
        raise UserError("--within-days must be at least 1.")
    now = now or datetime.datetime.now(datetime.UTC)
    cutoff = now + datetime.timedelta(days=within_days)
    authority = hq.timestamp_authority
    expires = authority.certificate.not_valid_after_utc
    if expires <= cutoff:
        raise UserError(f"The certificate of headquarters' timestamp authority expires on"
                        f" {expires:%Y-%m-%d}, within the {within_days} days asked for; renew"
                        " it first with 'screening-app hq timestamps renew'.")
    report = StampReport()
    due = hq.store.archives_expiring_before(_moment(cutoff))
    if not due:
        return report
    timestamper = HeadquartersTimeStamper(authority)
    context = validation_context(hq.root, hq.store.current_crl())
    for row in due:
        held = hq.store.archived_document(row.document_id)
        if held is None:  # pragma: no cover -- listed from the same table just now
            continue
        newest, content = held
        try:
            copy = stamp_archival(_checked(newest, content), timestamper, context)
        except ArchivalStampRefused as refusal:
            report.refused[row.document_id] = str(refusal)
            continue
        if _keep(hq, row.document_id, newest.generation + 1, copy, authority):
            report.stamped += 1
    return report


def export_archival_copy(hq: Headquarters, document_id: str, to: Path | str
                         ) -> tuple[ArchivedDocumentRow, Path]:
    """Write the newest archival copy of a form to the file ``to``."""
    held = hq.store.archived_document(document_id)
    if held is None:
        if hq.store.document_digest(document_id) is None:
            raise UserError(f"Headquarters holds no document {document_id!r}.")
        raise UserError(f"Document {document_id} has no archival copy yet; make it with"
                        " 'screening-app hq archive stamp'.")
    row, content = held
    return row, write_atomically(Path(to), _checked(row, content))


def _checked(row: ArchivedDocumentRow, content: bytes) -> bytes:
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise UserError(f"The archival copy of document {row.document_id} (generation"
                        f" {row.generation}) does not match its recorded SHA-256; it was"
                        " changed at headquarters.")
    return content


def _keep(hq: Headquarters, document_id: str, generation: int, copy: bytes,
          authority: TimestampAuthority) -> bool:
    row = ArchivedDocumentRow(
        document_id=document_id, generation=generation, stamped_at=utc_now(),
        sha256=hashlib.sha256(copy).hexdigest(),
        timestamp_expires_at=_moment(authority.certificate.not_valid_after_utc))
    with hq.store.transaction():
        return hq.store.insert_archived_document(row, copy)


def _moment(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
