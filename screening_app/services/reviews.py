"""Supervisor review: every finalised interview is received, then approved, sent back
(with a reason the interviewer sees, leading to a new linked interview) or rejected (with
a reason). Decisions are new records and events; the interview itself never changes.

Automatic flags (domain/review_flags.py) point the supervisor at what looks wrong, each
with the figures behind it. Approving a flagged record is a decision that needs a written
note (why it is approved despite its flags): the note is the review's ``reason`` (see
store/reviews.py), shown in the history and carried to headquarters with the review.
"""

import json
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace

import screening_app
from screening_app.domain.accounts import Actor, Role, account_label
from screening_app.domain.canonical import canonical_json, local_minute, utc_now
from screening_app.domain.errors import NotFound, UserError
from screening_app.domain.interview import InterviewRecord, InterviewStatus
from screening_app.domain.messages import N_, message_language
from screening_app.domain.messages import gettext as _
from screening_app.domain.review_flags import (
    FlagSettings,
    ReviewFlag,
    journal_steps,
    record_flags,
    step_durations,
)
from screening_app.protocol import Protocol
from screening_app.protocol.vocabulary import (
    INTERPRETER_NAME,
    NAMED_PERSON_ROLES,
    question_with_role,
    role_question_reader,
    role_reader,
)
from screening_app.services.authz import require_role
from screening_app.services.kept_choices import ChoiceReader, KeptChoices
from screening_app.services.known_people import as_known
from screening_app.services.protocol_labels import ProtocolLabels
from screening_app.services.protocols import StationProtocols
from screening_app.services.review_pages import HeldPages, QueuePages, SqlPages
from screening_app.store.connection import write_transaction
from screening_app.store.interviews import InterviewRepository
from screening_app.store.known_people import KnownPeopleRepository
from screening_app.store.review_cache import ReviewCacheRepository
from screening_app.store.reviews import (
    QUEUE_ORDERS,
    QueueFilter,
    QueueOrder,
    QueueRow,
    ReviewQueueQueries,
    ReviewRepository,
    ReviewRow,
)
from screening_app.store.settings import SettingsRepository
from screening_app.store.station import Station
from screening_app.store.users import UserNames

RECEIVED = "received"
DECISIONS = ("approved", "sent_back", "rejected")
# What people read for each review state (the states are the app's, not the protocol's).
STATE_LABELS = {RECEIVED: "Received", "approved": "Approved", "sent_back": "Sent back",
                "rejected": "Rejected"}


class NoteRequired(UserError):
    """Approving a flagged record without a note saying why it is approved despite them."""

    def __init__(self, message: str, flags: list[ReviewFlag]):
        super().__init__(message)
        self.flags = flags


# "Interview ... was already approved": the states as that sentence names them.
ALREADY_DECIDED = {"approved": N_("approved"), "sent_back": N_("sent back"),
                   "rejected": N_("rejected")}


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state.replace("_", " ").capitalize())


def _already(state: str) -> str:
    if state in ALREADY_DECIDED:
        return _(ALREADY_DECIDED[state])
    return state_label(state).lower()


@dataclass(slots=True)
class ReviewItem:
    """One line of the review queue. ``interviewer`` is the login name (what filters
    take); ``interviewer_label`` and ``outcome_label`` are what people read. ``reason`` is
    the latest decision's reason, or its approval note. Not frozen: a frozen dataclass
    sets each field through object.__setattr__, which doubles the time to build a queue
    of 20,000 rows; nothing changes an item once made."""

    interview_id: str
    subject_isn: str
    subject_name: str
    compound: str | None
    interviewer: str
    finalised_at: str
    outcome: str
    choice: str | None
    state: str
    reason: str | None
    interviewer_label: str = ""
    outcome_label: str = ""
    name_latin: str | None = None
    comment: str | None = None
    reviewer: str | None = None  # the label of who decided
    reviewed_at: str | None = None
    finalised_local: str = ""  # "YYYY-MM-DD HH:MM" at the station (its time zone)
    reviewed_local: str = ""  # the same for the latest decision, when there is one

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def person(self) -> str:
        """The person as a sentence names them: "Kim Min-jun (NK-100001)"."""
        return f"{self.name_latin or self.subject_name} ({self.subject_isn})"

    @property
    def decidable(self) -> bool:
        """Only a received interview can be decided; a decision is final."""
        return self.state == RECEIVED


@dataclass(frozen=True)
class LastFlags:
    """The flags as last computed, and whether anything they were computed from has
    changed since (the queue shows them at once, saying so, while they are computed
    again)."""

    flags: "ReviewFlags"
    fresh: bool
    computed_local: str  # "YYYY-MM-DD HH:MM" at the station
    changes_since: int  # records finalised or changed, and forms printed, since


def describe_flags(flags: list[ReviewFlag]) -> str:
    """"short interview, transcribed from paper": the flags' titles in a sentence."""
    titles = [f.shown_title for f in flags]
    return ", ".join(t[:1].lower() + t[1:] for t in titles)


class ReviewFlags:
    """Flags for the review queue: per interview, and for the camp as a whole."""

    def __init__(self, per_interview: dict[str, list[ReviewFlag]], camp: list[ReviewFlag],
                 interpreter_of: dict[str, object] | None = None):
        self.per_interview = per_interview
        self.camp = camp
        # Each record's interpreter as the list names them today: the flags open every
        # record anyway, so the queue's interpreter filter takes its values (and, while the
        # flags are kept, its matches) from here rather than opening every record again.
        self.interpreter_of = interpreter_of or {}

    @property
    def interpreters(self) -> list[tuple[str, str]]:
        """The filter's values, as ``filter_values`` gives them."""
        return _choices(self.interpreter_of.values())

    def for_interview(self, interview_id: str) -> list[ReviewFlag]:
        return self.per_interview.get(interview_id, [])

    def as_json(self) -> dict:
        return {"per_interview": {interview_id: [_flag_json(f) for f in found]
                                  for interview_id, found in self.per_interview.items()},
                "camp": [_flag_json(f) for f in self.camp],
                "interpreter_of": self.interpreter_of}

    @classmethod
    def from_json(cls, content: dict) -> "ReviewFlags":
        return cls({interview_id: [_flag_of(f) for f in found]
                    for interview_id, found in content["per_interview"].items()},
                   [_flag_of(f) for f in content["camp"]],
                   dict(content["interpreter_of"]))

    def shown_by_interview(self) -> dict[str, list[ReviewFlag]]:
        """What the queue shows against each interview: its own flags, then each camp-wide
        pattern it is part of (so "Flagged only" lists a pattern's interviews too).
        Approving still answers only for the record's own flags (``for_interview``)."""
        shown = {interview_id: list(found) for interview_id, found in self.per_interview.items()}
        for flag in self.camp:
            for interview_id in flag.interview_ids:
                shown.setdefault(interview_id, []).append(flag)
        return shown


def _flag_json(flag: ReviewFlag) -> dict:
    return {"kind": flag.kind, "interview_id": flag.interview_id,
            "explanation": flag.explanation, "title": flag.title,
            "interview_ids": list(flag.interview_ids)}


def _flag_of(content: dict) -> ReviewFlag:
    return ReviewFlag(content["kind"], content["interview_id"], content["explanation"],
                      content["title"], tuple(content["interview_ids"]))


# The flags as last computed are kept sealed (store/review_cache.py) under this name, with
# what they were computed from; the format changes when what they say or hold changes, so
# that a result an older program kept is not shown.
FLAGS_CACHE = "flags"
# What the last pass found of each record (its person, its prints, the facts the group tests
# read), kept apart so that the next pass opens only the records of people concerned.
RECORDS_CACHE = "flags-records"
# A pass opens the records of this many people concerned one person at a time (a query
# each), or of up to a quarter of the records; beyond, every record at once.
_PEOPLE_OPENED_APART = 50
_FLAGS_CACHE_FORMAT = 3  # 3: the choices are kept beside them (services/kept_choices.py)


class ReviewService:
    def __init__(self, station: Station, settings=None, *,
                 countersign: Callable[[Actor, str], object]):
        self._station = station
        self._db = station.db
        self._settings = settings
        self._reviews = ReviewRepository(station.db)
        self._queries = ReviewQueueQueries(station.db)
        self._interviews = InterviewRepository(station.db, station.review)
        self._labels = ProtocolLabels(self._interviews)
        self._cache = ReviewCacheRepository(station.db, station.review)
        self._kept_choices = KeptChoices(self._cache, self._interviews)
        self._protocols = StationProtocols(self._interviews, SettingsRepository(station.db))
        # Countersigns the stored form on approval (DocumentService.countersign).
        self._countersign = countersign

    # -- the queue ----------------------------------------------------------------------
    def queue(self, actor: Actor, *, state: str | None = None, interviewer: str | None = None,
              compound: str | None = None, day: str | None = None,
              outcome: str | None = None, interpreter: str | None = None) -> list[ReviewItem]:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        rows = self._queries.queue(time_zone=self._time_zone(), state=state,
                                   interviewer=interviewer, compound=compound, day=day,
                                   outcome=outcome)
        if interpreter:
            # The interpreter is an answer, sealed with the others: compared once opened.
            interpreters = self._interpreters_by_interview()
            rows = [row for row in rows if interpreters.get(row.interview_id) == interpreter]
        return self._items(rows, show_choice=True)

    def queue_pages(self, actor: Actor, *, state: str | None = None,
                    interviewer: str | None = None, compound: str | None = None,
                    day: str | None = None, outcome: str | None = None,
                    interpreter: str | None = None, only: Collection[str] | None = None,
                    order: str = "finalised_at", descending: bool = False,
                    state_order: Sequence[str] = (),
                    flag_counts: Mapping[str, int] | None = None,
                    choice_shown: Callable[[str], str] | None = None,
                    interpreters: Mapping[str, object] | None = None) -> QueuePages:
        """The queue as ``queue`` lists it, a page at a time (services/review_pages.py),
        sorted by ``order``: a column of the queue (store/reviews.py's QUEUE_ORDERS, the
        state in ``state_order``), "flags" by ``flag_counts`` or "choice" by the outcome's
        label as ``choice_shown`` shows it. ``only`` keeps these interviews alone (those
        flagged); ``interpreters`` names each record's interpreter as the kept flags do
        (else they are read as ``queue`` reads them)."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        if order not in QUEUE_ORDERS and order not in ("flags", "choice"):
            raise ValueError(f"the review queue has no column {order!r} to sort by")
        zone = self._time_zone()
        filters = QueueFilter(state, interviewer, compound, day, outcome)

        def make_items(rows):
            # A page's few hundred choices opened one by one: quicker than opening the
            # kept ones of the whole camp (services/kept_choices.py) for each page.
            return self._items(rows, show_choice=True, choice_of=self._interviews.choice_of)

        if order in QUEUE_ORDERS and only is None and not interpreter:
            return SqlPages(self._queries, zone, filters,
                            QueueOrder(order, descending, tuple(state_order)), make_items)
        in_order = QueueOrder(order, descending, tuple(state_order)) if order in QUEUE_ORDERS \
            else QueueOrder()
        ids = self._queries.ids(time_zone=zone, filters=filters, order=in_order)
        if only is not None:
            only = set(only)
            ids = [i for i in ids if i in only]
        if interpreter:
            named = interpreters if interpreters is not None \
                else self._interpreters_by_interview()
            ids = [i for i in ids if named.get(i) == interpreter]
        if order == "flags":
            counts = flag_counts or {}
            ids.sort(key=lambda i: counts.get(i, 0), reverse=descending)
        elif order == "choice":
            shown = self._outcome_labels(ids, zone)
            as_shown = choice_shown or (lambda label: label)
            ids.sort(key=lambda i: as_shown(shown[i]).casefold(), reverse=descending)
        return HeldPages(ids, self._queries, make_items)

    def _outcome_labels(self, ids: Sequence[str], zone: str) -> dict[str, str]:
        """Each of these interviews' outcome as the queue labels it: every choice opened
        (as kept by the flags' pass), which sorting by it cannot avoid."""
        choice_of = self._kept_choices.reader()
        wanted = set(ids)
        return {interview_id: self._labels.outcome(
                    protocol_sha, outcome, choice_of(interview_id, choice, sealed),
                    stop_reason)
                for interview_id, protocol_sha, outcome, choice, stop_reason, sealed
                in self._queries.outcomes() if interview_id in wanted}

    def item(self, actor: Actor, interview_id: str) -> ReviewItem:
        """One interview as the queue shows it now (after a decision, say)."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        row = self._queries.one(interview_id)
        if row is None:
            raise NotFound(_("There is no finalised interview {id!r} at this station.").format(
                id=interview_id))
        return self._items([row], show_choice=True)[0]

    def _items(self, rows: list[QueueRow], *, show_choice: bool,
               choice_of: ChoiceReader | None = None) -> list[ReviewItem]:
        reviewers = UserNames(self._db).labels() if any(r.reviewer_id for r in rows) else {}
        zone = self._time_zone()
        if choice_of is None:
            choice_of = (self._kept_choices.reader() if len(rows) > 1
                         else self._interviews.choice_of)
        items = []
        for r in rows:
            (interview_id, isn, native, latin, compound, login, finalised_at, outcome, choice,
             state, reason, _interviewer_id, display_name, protocol_sha, stop_reason, comment,
             reviewer_id, reviewed_at, sealed_choice) = r
            choice = choice_of(interview_id, choice, sealed_choice)
            if show_choice:
                outcome_label = self._labels.outcome(protocol_sha, outcome, choice, stop_reason)
            else:  # status only: an interviewer never sees a person's choice
                outcome_label = ("Completed" if outcome == "completed" else
                                 self._labels.outcome(protocol_sha, outcome, None, stop_reason))
            items.append(ReviewItem(
                interview_id, isn, " / ".join(n for n in (native, latin) if n), compound,
                login, finalised_at, outcome, choice if show_choice else None, state, reason,
                interviewer_label=account_label(login, display_name),
                outcome_label=outcome_label, name_latin=latin, comment=comment,
                reviewer=reviewers.get(reviewer_id) if reviewer_id else None,
                reviewed_at=reviewed_at, finalised_local=local_minute(finalised_at, zone),
                reviewed_local=local_minute(reviewed_at, zone) if reviewed_at else ""))
        return items

    def filter_values(self, actor: Actor, *, interpreters: bool = True
                      ) -> dict[str, list[tuple[str, str]]]:
        """The interviewers, interpreters, compounds and days that occur among finalised
        interviews, for the queue's filters: (value the filter takes, what people read).
        The interpreters are answers, sealed with the others: listing them opens every
        record, so the queue leaves them out here (``interpreters``) and takes them from
        the flags, which its background task computes (``ReviewFlags.interpreters``)."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        logins, compounds, days = self._queries.filter_values(self._time_zone())
        found: dict[str, set] = {"interviewer": logins, "interpreter": set(),
                                 "compound": compounds, "day": days}
        if interpreters:
            found["interpreter"] = set(self._interpreters_by_interview().values())
        interviewers = UserNames(self._db).labels_by_login()
        values = {key: _choices(values) for key, values in found.items()}
        values["interviewer"] = sorted(
            ((login, interviewers.get(login, login)) for login in found["interviewer"]),
            key=lambda pair: pair[1].casefold())
        return values

    def state(self, interview_id: str) -> str:
        latest = self._reviews.latest(interview_id)
        return latest.state if latest else RECEIVED

    # -- decisions ------------------------------------------------------------------------
    def decide(self, actor: Actor, interview_id: str, decision: str, *,
               reason: str | None = None, comment: str | None = None) -> str:
        """Record a decision. ``reason`` is why (sending back, rejecting) or, approving,
        the supervisor's note, which a flagged record must have."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        if decision not in DECISIONS:
            raise UserError(_("Unknown decision {decision!r}; use {known}.").format(
                decision=decision, known=", ".join(DECISIONS)))
        reason = (reason or "").strip() or None
        comment = (comment or "").strip() or None
        if decision in ("sent_back", "rejected") and not reason:
            raise UserError(
                _("Sending back or rejecting needs a reason the interviewer will see."))
        status = self._queries.interview_status(interview_id)
        if status is None:
            raise NotFound(_("There is no interview {id!r} at this station.").format(
                id=interview_id))
        if status != "final":
            raise UserError(_("Only finalised interviews are reviewed; this one is a draft."))
        current = self.state(interview_id)
        if current != RECEIVED:
            raise UserError(_("Interview {id} was already {state}; a decision is final (a new"
                              " linked interview starts over).").format(
                                  id=interview_id, state=_already(current)))
        if decision == "approved" and not reason:
            record = self._interviews.get(interview_id)
            flags = self._record_flags(record)
            if flags:
                raise NoteRequired(
                    _("The interview of {isn} is flagged ({flags}): approving it needs a written"
                      " note saying why it is approved despite them.").format(
                          isn=record.subject_isn, flags=describe_flags(flags)), flags)
        with write_transaction(self._db):
            if decision == "approved":
                # In the same transaction: an approval always carries its countersignature.
                self._countersign(actor, interview_id)
            self._reviews.insert(ReviewRow(str(uuid.uuid4()), interview_id, decision, reason,
                                           comment, actor.user_id, utc_now()))
            self._station.events.append(
                f"review.{decision}", {"reason": reason, "comment": comment},
                actor_id=actor.user_id, interview_id=interview_id)
        return decision

    # -- flags ------------------------------------------------------------------------------
    def flags(self, actor: Actor, settings: FlagSettings | None = None) -> ReviewFlags:
        """Every finalised interview's flags, and the camp-wide ones (outcome skew by
        interviewer or interpreter, compounds answering as one): as kept when nothing they
        are computed from has changed since, else computed again (and kept)."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        if settings is not None:  # what-if settings: computed, never kept
            return self._computed_flags(settings)[0]
        settings = self._flag_settings()
        # Taken before the records are read: a record that lands meanwhile makes what is
        # kept stale, never wrong.
        inputs = self._flags_inputs(settings)
        content = self._kept_content()
        kept = self._kept_from(content, inputs, fresh_only=True)
        if kept is not None:
            return kept[0]
        flags, known = self._computed_flags(settings, self._known_records(content, inputs))
        now = utc_now()
        with write_transaction(self._db):
            self._cache.save(FLAGS_CACHE, canonical_json(
                {"inputs": inputs, "flags": flags.as_json()}).encode(), now)
            # Apart from the flags, which the queue opens with: this only the next pass reads.
            self._cache.save(RECORDS_CACHE, canonical_json(
                {"inputs": inputs, "records": known}).encode(), now)
            # The pass that opens every record keeps their choices for the queue too.
            self._kept_choices.keep(
                (row.interview_id, row.choice, row.sealed_choice)
                for row in self._queries.queue(time_zone=self._time_zone()))
        return flags

    def kept_flags(self, actor: Actor) -> ReviewFlags | None:
        """The flags as kept, when nothing they were computed from has changed since; None
        when they must be computed again (``flags``). Quick: the queue opens with them."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        return self._kept_flags(self._flags_inputs(self._flag_settings()))

    def last_flags(self, actor: Actor) -> LastFlags | None:
        """The flags as last computed, fresh or not; None when none are kept (or were kept
        by another version of the program). What they say of a record is never what an
        approval answers to: that is computed afresh (``flags_for``)."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        inputs = self._flags_inputs(self._flag_settings())
        kept = self._kept(inputs, fresh_only=False)
        if kept is None:
            return None
        flags, kept_inputs = kept
        computed_at = self._cache.saved_at(FLAGS_CACHE)
        return LastFlags(
            flags, fresh=canonical_json(kept_inputs) == canonical_json(inputs),
            computed_local=local_minute(computed_at, self._time_zone()) if computed_at else "",
            changes_since=max(0, inputs["records"] - int(kept_inputs["records"])))

    def _kept_flags(self, inputs: dict) -> ReviewFlags | None:
        kept = self._kept(inputs, fresh_only=True)
        return kept[0] if kept is not None else None

    def _kept(self, inputs: dict, *, fresh_only: bool) -> tuple[ReviewFlags, dict] | None:
        return self._kept_from(self._kept_content(), inputs, fresh_only=fresh_only)

    def _kept_content(self, name: str = FLAGS_CACHE) -> dict | None:
        content = self._cache.load(name)
        try:
            return None if content is None else json.loads(content)
        except ValueError:
            return None  # kept in a shape this program does not read: computed again

    def _kept_from(self, kept: dict | None, inputs: dict, *, fresh_only: bool
                   ) -> tuple[ReviewFlags, dict] | None:
        """The kept flags and what they were computed from; with ``fresh_only``, only when
        that is what they would be computed from now."""
        if kept is None:
            return None
        try:
            kept_inputs = kept["inputs"]
            # Compared as JSON: what was kept went through it (a tuple came back a list).
            if fresh_only and canonical_json(kept_inputs) != canonical_json(inputs):
                return None
            if (kept_inputs["format"], kept_inputs["program"]) != (inputs["format"],
                                                                   inputs["program"]):
                return None  # kept in a shape this program may not read
            return ReviewFlags.from_json(kept["flags"]), kept_inputs
        except (ValueError, KeyError, TypeError, IndexError):
            return None  # kept in a shape this program does not read: computed again

    def _known_records(self, kept: dict | None, inputs: dict
                       ) -> tuple[ReviewFlags, dict] | None:
        """What the last pass found of each record, when it may be used again: computed
        from the same settings, language, names and list of interpreters (only records
        and prints came since). None: every record is opened again."""
        found = self._kept_from(kept, inputs, fresh_only=False)
        records = self._kept_content(RECORDS_CACHE)
        if found is None or records is None or not isinstance(records.get("records"), dict):
            return None
        if canonical_json(records.get("inputs")) != canonical_json(found[1]):
            return None  # not kept by the same pass as the flags
        unchanged = {name: value for name, value in inputs.items() if name != "records"}
        if canonical_json({name: value for name, value in found[1].items()
                           if name != "records"}) != canonical_json(unchanged):
            return None
        return found[0], records["records"]

    def _flags_inputs(self, settings: FlagSettings) -> dict:
        """What the flags are computed from, short of the records themselves (counted by
        the database's generation of them): a change to any of these computes them again."""
        return {"format": _FLAGS_CACHE_FORMAT, "program": screening_app.__version__,
                # The sentences are kept as written, in the language of the session that
                # computed them: another language computes them again.
                "language": message_language(),
                "records": self._cache.generation(),
                "settings": {f.name: (dict(value) if isinstance(value, Mapping) else value)
                             for f in fields(settings)
                             for value in (getattr(settings, f.name),)},
                "interviewers": UserNames(self._db).labels(),
                "interpreters": [asdict(person) for person in KnownPeopleRepository(
                    self._db).ever_known(NAMED_PERSON_ROLES[INTERPRETER_NAME])]}

    def _computed_flags(self, settings: FlagSettings, known: tuple[ReviewFlags, dict] | None
                        = None) -> tuple[ReviewFlags, dict]:
        """The flags, and what was found of each record (kept with them for the next pass).
        With ``known`` (the last pass's flags and records, ``_known_records``), only the
        records of people who have a new record or a new print since are opened: a
        person's records are compared with each other, and the group tests read every
        record's kept facts."""
        subjects = self._interviews.final_subjects()
        prints = self._queries.print_counts()
        records_known = known[1] if known is not None else {}
        if set(records_known) - set(subjects):
            records_known = {}  # a record went (a restore): nothing kept is certain
        # A person is concerned by a new record, a print, or a record changed since.
        concerned = {isn for interview_id, (isn, changed) in subjects.items()
                     if records_known.get(interview_id, [None, None])[1:3]
                     != [prints.get(interview_id, 0), changed]}
        if known is None or not records_known or len(concerned) > max(
                _PEOPLE_OPENED_APART, len(subjects) // 4):
            # Opening them one person at a time would cost more than opening them all.
            records = self._interviews.find(status=InterviewStatus.FINAL)
            steps = self._queries.step_events()
            per_interview, interpreters, records_known = {}, {}, {}
        else:
            records = [record for isn in sorted(concerned) for record in
                       self._interviews.find(subject_isn=isn, status=InterviewStatus.FINAL)]
            steps = {record.id: self._queries.step_events(record.id).get(record.id, [])
                     for record in records}
            per_interview = dict(known[0].per_interview)
            interpreters = dict(known[0].interpreter_of)
            records_known = dict(records_known)
        by_subject: dict[str, list] = {}
        for record in records:
            by_subject.setdefault(record.subject_isn, []).append(record)
        labels = UserNames(self._db).labels()
        timed_on_paper = self._queries.paper_gave_times(
            [record.id for record in records if record.transcribed])
        # Loaded here: statsmodels takes a second or more to import, and only this pass
        # (a background task in the GUI) needs it.
        from screening_app.analysis.group_flags import GroupFacts, group_flags

        question_of = role_question_reader(self._labels.protocol, INTERPRETER_NAME)
        read_interpreter = self._as_known_interpreter(
            role_reader(self._labels.protocol, INTERPRETER_NAME),
            lambda record: record.known_person(question_of(record) or ""))
        for record in records:
            durations = step_durations(
                steps.get(record.id, []) + journal_steps(record.journal), record.ended_at)
            found = record_flags(record, durations, prints.get(record.id, 0),
                                 by_subject[record.subject_isn], settings, labels,
                                 paper_gave_times=record.id in timed_on_paper)
            per_interview.pop(record.id, None)
            if found:
                per_interview[record.id] = self._titled(record, found)
            interpreters[record.id] = read_interpreter(record)  # once each
            records_known[record.id] = [
                record.subject_isn, prints.get(record.id, 0), subjects.get(record.id, ("", 0))[1],
                GroupFacts.of(record, interpreters[record.id]).as_json()]
        facts = [GroupFacts.from_json(kept[3]) for kept in records_known.values()]
        camp = group_flags(facts, settings, labels)
        return ReviewFlags(per_interview, camp, interpreters), records_known

    def flags_for(self, actor: Actor, interview_id: str) -> list[ReviewFlag]:
        """One interview's flags (what approving it must answer with a note)."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("review interviews"))
        record = self._interviews.get(interview_id)
        if record is None or not record.is_final:
            raise NotFound(_("There is no finalised interview {id!r} at this station.").format(
                id=interview_id))
        return self._record_flags(record)

    def _record_flags(self, record: InterviewRecord) -> list[ReviewFlag]:
        """The same flags ``flags`` finds for this record, reading only what it needs."""
        steps = self._queries.step_events(record.id).get(record.id, [])
        prints = self._queries.print_counts(record.id).get(record.id, 0)
        earlier = self._interviews.find(subject_isn=record.subject_isn,
                                        status=InterviewStatus.FINAL)
        durations = step_durations(steps + journal_steps(record.journal), record.ended_at)
        found = record_flags(record, durations, prints, earlier,
                             self._flag_settings(), UserNames(self._db).labels(),
                             paper_gave_times=bool(record.transcribed
                                                   and self._queries.paper_gave_times([record.id])))
        return self._titled(record, found)

    def _titled(self, record: InterviewRecord, flags: list[ReviewFlag]) -> list[ReviewFlag]:
        """A flag the protocol raised is titled with the protocol's own label."""
        return [replace(flag, title=self._labels.flag(record.protocol_sha256, flag.kind)
                        or flag.shown_title) for flag in flags]

    def _as_known_interpreter(self, read_name, read_id):
        """A reader of the interpreter a record names, as the station's list names them
        today: one person under any of their names, or by the id the record keeps (so a
        name corrected in the list, or two entries merged, reach every record)."""
        return as_known(
            KnownPeopleRepository(self._db).ever_known(NAMED_PERSON_ROLES[INTERPRETER_NAME]),
            read_name, read_id)

    def _interpreters_by_interview(self) -> dict[str, object]:
        """Each finalised record's interpreter as the flags and the filter name them: as
        the kept flags hold them, else read from every record (its answers and journal)."""
        kept = self._kept_flags(self._flags_inputs(self._flag_settings()))
        if kept is not None:
            return kept.interpreter_of
        question = question_with_role(self._protocols.current(), INTERPRETER_NAME)
        if question is None:
            return {}
        read = self._as_known_interpreter(lambda named: named[0], lambda named: named[1])
        return {interview_id: read(named) for interview_id, named
                in self._interviews.final_named_people(question.id).items()}

    def _time_zone(self) -> str:
        return self._settings.time_zone() if self._settings is not None else "UTC"

    def _flag_settings(self) -> FlagSettings:
        station = self._settings
        return protocol_flag_settings(
            self._protocols.current(),
            **({} if station is None else {
                "max_prints": int(station.get("flag_max_prints")),
                "skew_min_interviews": int(station.get("flag_skew_min_interviews")),
                "group_q": float(station.get("flag_group_q")),
                "group_min_shift": float(station.get("flag_group_min_shift")),
                "uniform_min_interviews": int(station.get("flag_uniform_min_interviews")),
                "time_zone": station.time_zone(),
            }))

    # -- for interviewers ---------------------------------------------------------------------
    def sent_back_to(self, actor: Actor) -> list[ReviewItem]:
        """An interviewer's own interviews sent back and not yet taken again (no newer
        interview supersedes them), with the supervisor's reason."""
        require_role(actor, *Role, action=N_("see sent-back interviews"))
        rows = self._queries.sent_back_to(actor.user_id)
        # Status only: the interviewer sees why, never the person's choice.
        return self._items(rows, show_choice=False)


def protocol_flag_settings(protocol: Protocol, **station) -> FlagSettings:
    """The flags' settings: the protocol's minimums and labels (in the language sentences
    are written in), and the station's (or headquarters') thresholds and time zone."""
    language = message_language()
    return FlagSettings(
        minimum_duration_seconds=protocol.minimum_duration_seconds,
        minimum_explanation_seconds=protocol.minimum_explanation_seconds,
        explanation_step=protocol.explanation_step,
        skew_choice=protocol.skew_option,
        # Sentences name a choice and a flag by the protocol's labels, never by id.
        choice_labels={option.id: option.label.get(language) for option in
                       protocol.question(protocol.choice.question).options},
        flag_labels={flag.id: flag.label.get(language) for flag in protocol.flag_kinds},
        flag_explanations={flag.id: flag.explanation.get(language)
                           for flag in protocol.flag_kinds if flag.explanation is not None},
        **station)


def _choices(values) -> list[tuple[str, str]]:
    """A filter's values, sorted, each as (value the filter takes, what people read)."""
    return [(value, value) for value in sorted({v for v in values if v is not None})]
