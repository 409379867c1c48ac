"""Choice forms and non-completion records as PDF documents.

The PDF is produced at finalisation, inside the same transaction, and stored in the
database as the record of truth. The person who finalises the interview signs it with
their own key (forms made before personal keys carry the station's signature instead, and
stay valid); a supervisor's approval adds a countersignature. Exports write those exact bytes; stored bytes are never
rewritten (later signatures are added as new revisions). Every print is counted, and
copies after the first carry a "COPY n" mark added at print time only. The count belongs
to the interview: its first print, of whichever revision, is the one original on paper.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import canonical_json, sha256_hex, utc_now
from screening_app.domain.errors import NotFound, PermissionDenied
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.services.authz import require_role
from screening_app.services.interviews import InterviewService
from screening_app.services.keys import KeyService
from screening_app.services.settings import SettingsService
from screening_app.store.connection import write_transaction
from screening_app.store.documents import DocumentRepository, StoredDocument
from screening_app.store.durable import write_atomically
from screening_app.store.interviews import InterviewRepository
from screening_app.store.station import Station
from screening_app.store.users import UserNames

# The form's first signature: the interviewer's since personal keys (older forms name
# this field "StationSignature"; nothing looks a signature up by its field name).
INTERVIEWER_SIGNATURE_FIELD = "InterviewerSignature"
COUNTERSIGNATURE_FIELD = "SupervisorCountersignature"
RECORD_ATTACHMENT = "record.json"
PRINTED_EVENT = "document.printed"


def _page_size_of(pdf: bytes) -> str:
    """A4 or Letter, from the first page's width (the stored form's own, whatever the
    station's setting is now)."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    first = PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Kids"][0].get_object()
    width = float(first["/MediaBox"][2])
    return "Letter" if abs(width - 612) < 2 else "A4"


def record_json(record) -> bytes:
    """The sealed record as embedded in its signed form: what verify compares."""
    return canonical_json({**record.sealed_content(),
                           "record_sha256": record.record_sha256}).encode("utf-8")


@dataclass(frozen=True)
class PrintableForm:
    """One stored form in a batch-printing list (no choice: the list is for printing)."""

    interview_id: str
    document_id: str
    kind: str
    subject_isn: str
    subject_name: str
    compound: str | None
    interviewer: str
    finalised_at: str


class DocumentService:
    def __init__(self, station: Station, interviews: InterviewService,
                 settings: SettingsService, keys: KeyService):
        self._station = station
        self._db = station.db
        self._interviews = interviews
        self._repo = InterviewRepository(station.db, station.review, station.drafts)
        self._documents = DocumentRepository(station.db, station.review)
        self._settings = settings
        self._keys = keys

    def countersign(self, actor: Actor, interview_id: str) -> StoredDocument:
        """The supervisor's signature added to the stored form as an incremental update,
        stored as the next revision; the interviewer's (or, on an older form, the
        station's) signature stays valid."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("countersign forms"))
        from screening_app.records.layout import countersignature_box
        from screening_app.records.signing import sign_pdf

        document = self.latest(actor, interview_id)
        identity = self._keys.personal_identity(actor)
        signed_at = utc_now()
        # The name as it reads now (an admin may have set it since this session began).
        approver = UserNames(self._db).label(actor.user_id) or actor.label
        content = sign_pdf(
            document.content, identity, field_name=COUNTERSIGNATURE_FIELD,
            box=countersignature_box(_page_size_of(document.content)),
            visible_lines=[f"Approved by {approver}",
                           f"{signed_at[:16].replace('T', ' ')} UTC"],
            reason="Approved on review", location=self._station.camp,
            info={"/ScreeningReview": f"approved by {actor.name} at {signed_at}"},
        )
        new = StoredDocument(str(uuid.uuid4()), document.interview_id, document.kind,
                             document.revision + 1, content, sha256_hex(content), signed_at)
        with write_transaction(self._db):
            self._documents.insert(new, created_by=actor.user_id, previous_id=document.id)
            self._station.events.append(
                "document.countersigned",
                {"document_id": new.id, "previous_id": document.id, "revision": new.revision,
                 "sha256": new.sha256},
                actor_id=actor.user_id, interview_id=new.interview_id)
        return new

    def latest(self, actor: Actor, interview_id: str) -> StoredDocument:
        """The newest revision of the interview's form, opened."""
        interview = self._interviews.load(actor, interview_id)  # checks who may open it
        document = self._documents.latest(interview.id)
        if document is None:
            raise NotFound((_("Interview {id} has no stored form.")
                            if interview.record.is_final else
                            _("Interview {id} has no stored form (it is still a draft)."))
                           .format(id=interview_id))
        return _opened(document)

    def printable(self, actor: Actor, *, compound: str | None = None, day: str | None = None,
                  kind: str | None = None) -> list[PrintableForm]:
        """The newest stored form of each finalised interview, for batch printing: all of
        the station's for supervisors and admins, an interviewer's own otherwise. ``day`` is
        a date (YYYY-MM-DD) of finalisation in UTC; ``compound`` as in the roster."""
        rows = self._documents.printable(
            interviewer_id=actor.user_id if actor.role == Role.INTERVIEWER else None,
            compound=compound, day=day, kind=kind)
        if actor.role == Role.INTERVIEWER:
            # An interviewer prints the forms stored in this session (the original, and a
            # copy if the printer jams); the forms of earlier sessions are sealed to the
            # review key, and further copies are a supervisor's to print.
            rows = [row for row in rows
                    if self._documents.content(row.document_id) is not None]
        return [PrintableForm(row.interview_id, row.document_id, row.kind, row.subject_isn,
                              " / ".join(n for n in (row.name_native, row.name_latin) if n),
                              row.compound, row.interviewer, row.finalised_at)
                for row in rows]

    def document(self, actor: Actor, document_id: str) -> StoredDocument:
        document = self._documents.get(document_id)
        if document is None:
            raise NotFound(_("There is no stored document {id}.").format(id=document_id))
        self._interviews.load(actor, document.interview_id)  # checks who may see it
        return _opened(document)

    def find_interview_id(self, actor: Actor, prefix: str) -> str:
        """A full interview id from the first characters printed in lists."""
        ids = self._repo.ids_starting_with(prefix.strip())
        if not ids:
            raise NotFound(_("There is no interview {id!r} at this station.").format(id=prefix))
        if len(ids) > 1:
            raise NotFound(_("{id!r} matches more than one interview; give more of the"
                             " id.").format(id=prefix))
        return ids[0]

    def export(self, actor: Actor, interview_id: str, path: Path) -> StoredDocument:
        """Write the stored bytes exactly; the export is an event. Only a supervisor or an
        admin takes a form out of the encrypted database, and only on purpose."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("export a stored form to a"
                                                                   " file"))
        document = self.latest(actor, interview_id)
        path = Path(path)
        # Whole or not at all: a full stick must not keep half a form under its name.
        write_atomically(path, document.content)
        with write_transaction(self._db):
            self._station.events.append(
                "document.exported",
                {"document_id": document.id, "file": path.name, "sha256": document.sha256},
                actor_id=actor.user_id, interview_id=document.interview_id,
            )
        return document

    def record_print(self, actor: Actor, document: StoredDocument) -> int:
        """Count a print of the document and return its copy number.

        Prints are counted per interview, not per revision: the first print of an
        interview's form, whichever revision it is, is the original (1), and every later
        print of any revision is a copy (2, 3...), so the countersigned revision never
        starts a second "original" on paper."""
        if actor.role not in (Role.INTERVIEWER, Role.SUPERVISOR, Role.ADMIN):
            raise PermissionDenied(_("{name} may not print forms.").format(name=actor.name))
        with write_transaction(self._db):
            copy = self.times_printed(document.interview_id) + 1
            self._station.events.append(
                PRINTED_EVENT,
                {"document_id": document.id, "revision": document.revision, "copy": copy},
                actor_id=actor.user_id, interview_id=document.interview_id,
            )
        return copy

    def times_printed(self, interview_id: str) -> int:
        """How many times the interview's form was printed, in all its revisions."""
        return self.times_printed_each([interview_id])[interview_id]

    def times_printed_each(self, interview_ids: Sequence[str]) -> dict[str, int]:
        return self._station.events.count_per_interview(PRINTED_EVENT, interview_ids)


def _opened(document: StoredDocument) -> StoredDocument:
    """``document`` if this session could open it; else one sentence saying who can."""
    if document.content is None:
        raise PermissionDenied(
            _("The form of interview {id} is sealed to the review key: only the session that"
              " stored it could open it, and a supervisor or an admin prints, exports or"
              " verifies it now.").format(id=document.interview_id[:8]))
    return document
