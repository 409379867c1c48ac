"""The form of a just-finalised interview: whether it could be signed (asked before an
interview starts and again before it is sealed), and the form rendered, signed by the
person who finalised it and stored, inside the finalisation's transaction, so that a record
never lands without its form. InterviewService takes it at construction (its
``FormKeeper``); the stored forms' later life (countersignatures, prints, exports) is
services/documents.py's.
"""

import uuid

from screening_app.domain.accounts import Actor
from screening_app.domain.canonical import sha256_hex, utc_now
from screening_app.domain.messages import gettext as _
from screening_app.services.documents import (
    INTERVIEWER_SIGNATURE_FIELD,
    RECORD_ATTACHMENT,
    record_json,
)
from screening_app.services.interviews import Interview
from screening_app.services.keys import KeyService, StationKeyUnavailable
from screening_app.services.settings import SettingsService
from screening_app.store.connection import write_transaction
from screening_app.store.documents import DocumentRepository, StoredDocument
from screening_app.store.interviews import InterviewRepository
from screening_app.store.station import Station
from screening_app.store.users import UserNames


class FormSigning:
    def __init__(self, station: Station, settings: SettingsService, keys: KeyService):
        self._station = station
        self._db = station.db
        self._repo = InterviewRepository(station.db, station.review, station.drafts)
        self._documents = DocumentRepository(station.db, station.review)
        self._settings = settings
        self._keys = keys

    def check_can_start(self, actor: Actor) -> None:
        """Refuse to start an interview whose form could not be signed at the end: the
        station has no usable certificate, or the person has no usable key of their own."""
        reason = (self._keys.certificate_problem()
                  or self._keys.personal_problem(actor, _("start interviews")))
        if reason:
            raise StationKeyUnavailable(reason)

    def check_can_finalise(self, signer: Actor) -> None:
        """Refuse to seal a draft whose form ``signer`` could not sign, before anything is
        written: a certificate headquarters revoked while the draft was open finalises
        nothing more."""
        reason = (self._keys.certificate_problem()
                  or self._keys.personal_problem(signer, _("finalise this interview")))
        if reason:
            raise StationKeyUnavailable(reason)

    def store_for(self, actor: Actor, interview: Interview, note: str | None = None,
                  signer: Actor | None = None) -> StoredDocument:
        """Render and store the document of a just-finalised interview (inside the
        finalisation's transaction, so the record and its form land together), signed by
        ``signer``'s own key: the signed-in person who finalised it, who is the interviewer
        except for a paper interview someone else entered (see services/transcription.py)."""
        from screening_app.records.choice_form import (
            FormContext,
            SignatureImage,
            render_document,
        )

        record = interview.record
        signatures = []
        for value in record.answers.values():
            if isinstance(value, dict) and value.get("signature_id"):
                stored = self._repo.signature(value["signature_id"])
                if stored:
                    signatures.append(SignatureImage(stored["signer"], stored["mode"],
                                                     stored["signer_name"], stored["image"]))
        from screening_app.records.layout import signature_box
        from screening_app.records.signing import sign_pdf

        signer = signer or actor
        identity = self._keys.personal_identity(signer, _("finalise this interview"))
        head_seq, head_hash = self._station.events.head()
        page_size = self._settings.get("page_size")
        # People read the interviewer's display name; the sealed record keeps the login
        # name (it is part of the record's hash).
        interviewer = (UserNames(self._db).label(record.interviewer_id)
                       or record.interviewer_name)
        context = FormContext(self._station.station_id, self._station.camp, self._station.demo,
                              page_size, chain_head=f"{head_seq}:{head_hash[:16]}",
                              interviewer_label=interviewer)
        unsigned = render_document(record, interview.protocol, signatures, context, note=note)
        signed_at = utc_now()
        lines = [("DEMO · " if self._station.demo else "")
                 + f"Station {self._station.station_id}",
                 f"Interviewer: {interviewer}"]
        if signer.user_id != record.interviewer_id:
            entered_by = UserNames(self._db).label(signer.user_id) or signer.label
            lines.append(f"Entered and signed by {entered_by}")
        lines.append(f"{signed_at[:16].replace('T', ' ')} UTC")
        content = sign_pdf(
            unsigned, identity, field_name=INTERVIEWER_SIGNATURE_FIELD,
            box=signature_box(page_size), visible_lines=lines,
            reason="Choice form finalised" if str(record.outcome) == "completed"
            else "Non-completion record finalised",
            location=self._station.camp,
            attachments={RECORD_ATTACHMENT: record_json(record)},
            info={"/ScreeningRecordId": record.id,
                  "/ScreeningRecordSHA256": record.record_sha256 or "",
                  "/ScreeningStation": self._station.station_id,
                  "/ScreeningChainHead": f"{head_seq}:{head_hash}"},
        )
        kind = "choice_form" if str(record.outcome) == "completed" else "non_completion"
        document = StoredDocument(str(uuid.uuid4()), record.id, kind, 1, content,
                                  sha256_hex(content), utc_now())
        with write_transaction(self._db):
            self._documents.insert(document, created_by=actor.user_id)
            self._station.events.append(
                "document.created",
                {"document_id": document.id, "kind": kind, "revision": 1,
                 "sha256": document.sha256},
                actor_id=actor.user_id, interview_id=record.id,
            )
        return document
