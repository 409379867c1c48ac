"""The station's records as an up bundle carries them (see sync/bundle.py for the file,
sync/members.py for the members, and the design notes in README.md, "Sync to
headquarters"). Rows are yielded lazily, so a bundle of thousands of records is never held
in memory at once."""

from collections.abc import Iterator

from sqlite_utils import Database

from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.pki.review_seal import ReviewSeal
from screening_app.store.documents import DocumentRepository
from screening_app.store.interviews import InterviewRepository
from screening_app.store.sync_records import SyncRecords
from screening_app.sync.members import MEMBERS_BY_KIND, UP_MEMBERS, UpMember


class OutgoingRecords:
    """What the station holds of each bundle member. Plain-table members are read from
    their declaration; a member marked ``special`` has its own ``_rows_<kind>`` here."""

    def __init__(self, db: Database, review: ReviewSeal | None = None):
        self._db = db
        self._records = SyncRecords(db)
        self._review = review

    def rows(self, member: UpMember, *, events_after: int = 0,
             interview_ids: list[str] | None = None) -> Iterator[dict]:
        if not member.special:
            return self._records.rows(member)
        if member.kind == "events":
            return self._records.events_after(events_after)
        return self._rows_interviews(interview_ids if interview_ids is not None else
                                     [i for i, _ in self._records.final_interviews()])

    def unacknowledged(self, member: UpMember, acknowledged: dict[str, dict[str, str]], *,
                       events_after: int = 0) -> Iterator[dict]:
        """The rows headquarters does not hold as they are now (all events after the
        acknowledged head)."""
        if not member.acknowledged:
            return self.rows(member, events_after=events_after)
        known = acknowledged.get(member.kind, {})
        if member.kind == "interviews":  # by the hash each row names, before opening any
            return self._rows_interviews([
                interview_id for interview_id, digest in self._records.final_interviews()
                if known.get(interview_id) != digest])
        return (row for row in self.rows(member)
                if known.get(member.record_id(row)) != member.digest(row))

    def pending(self, acknowledged: dict[str, dict[str, str]]) -> dict[str, int]:
        """How many records of each acknowledged member headquarters lacks, without opening
        a sealed record."""
        counts = {}
        for member in UP_MEMBERS:
            if not member.acknowledged:
                continue
            known = acknowledged.get(member.kind, {})
            if member.kind == "interviews":
                counts[member.kind] = sum(1 for identifier, digest in
                                          self._records.final_interviews()
                                          if known.get(identifier) != digest)
            else:
                counts[member.kind] = sum(1 for row in self.rows(member)
                                          if known.get(member.record_id(row)) != member.digest(row))
        return counts

    def current_digest(self, kind: str, record_id: str) -> str | None:
        """This station's digest of one record now, for checking an acknowledgement; None
        for a record it does not hold (or a kind no acknowledgement names)."""
        member = MEMBERS_BY_KIND.get(kind)
        if member is None or not member.acknowledged:
            return None
        if member.kind == "interviews":
            return self._records.final_interview_hash(record_id)
        row = self._records.row(member, record_id)
        return member.digest(row) if row is not None else None

    def document_content(self, document_id: str) -> bytes:
        """A stored form's PDF, opened with the exporting session's review key."""
        content = DocumentRepository(self._db, self._review).content(document_id)
        if content is None:
            raise UserError(_("The form {id} is sealed to the review key, which this session"
                              " does not hold: a supervisor or an admin exports.").format(
                                  id=document_id))
        return content

    def _rows_interviews(self, ids: list[str]) -> Iterator[dict]:
        """Each finalised record whole, as headquarters keeps it: opened with the exporting
        session's review key (the bundle itself is encrypted to headquarters)."""
        repository = InterviewRepository(self._db, self._review)
        for interview_id in ids:
            record = repository.get(interview_id)
            if record.unreadable:
                raise UserError(_("Interview {id} is sealed to the review key, which this"
                                  " session does not hold: a supervisor or an admin"
                                  " exports.").format(id=interview_id))
            yield {"record": record.sealed_content(), "record_sha256": record.record_sha256}
