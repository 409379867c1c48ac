"""The interpreters and observers the station knows.

Typed by hand at each interview, one interpreter became many: "Kim Li", "Kim  Lee",
"kim li." are three people to the review's pattern tests, and a pattern split over
spellings is never seen. So the station keeps a list, which supervisors keep; the
interview offers its names as the interviewer types, and a name it does not know is added
when the interviewer confirms it (each addition an event in the history). Records keep the
name as written, and the person's id in the list with it (InterviewRecord.known_person):
the list makes it the same name every time, and a correction of the list (a name changed,
two entries merged into one) reaches every record that named them.
"""

import uuid
from collections.abc import Callable

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.services.authz import require_role
from screening_app.store.connection import write_transaction
from screening_app.store.known_people import KnownPeopleRepository, KnownPerson
from screening_app.store.station import Station

ROLES = ("interpreter", "observer")
# The roles as a sentence names them (translated where used).
ROLE_WORDS = {"interpreter": N_("interpreter"), "observer": N_("observer")}
ADDED_EVENT = "people.added"
RETIRED_EVENT = "people.retired"
CHANGED_EVENT = "people.changed"
MERGED_EVENT = "people.merged"
_LONGEST_NAME = 80


class KnownPeopleService:
    def __init__(self, station: Station):
        self._station = station
        self._repo = KnownPeopleRepository(station.db)

    def with_role(self, actor: Actor, role: str) -> list[KnownPerson]:
        require_role(actor, *Role, action=N_("see the station's interpreters and observers"))
        return self._repo.with_role(_checked_role(role))

    def find(self, actor: Actor, role: str, name: str) -> KnownPerson | None:
        """The known person a typed name means (either of their names, spacing and case
        aside), or None."""
        return person_named(self.with_role(actor, role), name)

    def add(self, actor: Actor, role: str, name: str, *, name_native: str | None = None,
            languages: tuple[str, ...] = (), body: str | None = None) -> KnownPerson:
        """Interviewers add a name from the interview, when they confirm it; supervisors
        and admins keep the list."""
        require_role(actor, *Role, action=N_("add an interpreter or an observer"))
        person = self._checked(actor, KnownPerson(
            str(uuid.uuid4()), _checked_role(role), name, name_native, languages, body))
        now = utc_now()
        with write_transaction(self._station.db):
            self._repo.add(person, actor.user_id, now)
            self._station.events.append(
                ADDED_EVENT, {"id": person.id, "role": role, "name": person.name,
                              "name_native": person.name_native},
                actor_id=actor.user_id, at=now)
        return person

    def change(self, actor: Actor, person: KnownPerson, *, name: str,
               name_native: str | None = None, languages: tuple[str, ...] = (),
               body: str | None = None) -> KnownPerson:
        """Correct an entry (a misspelt name, a language missing): the records that name
        this person read the corrected name in the review from then on, while each keeps
        the name it was written with."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN,
                     action=N_("change an interpreter or an observer"))
        changed = self._checked(actor, KnownPerson(person.id, person.role, name, name_native,
                                                   languages, body))
        now = utc_now()
        with write_transaction(self._station.db):
            if not self._repo.change(changed):
                raise UserError(_("The station no longer offers {role} {name}.").format(
                    role=_role_word(person.role), name=person.shown))
            self._station.events.append(
                CHANGED_EVENT, {"id": person.id, "role": person.role,
                                "name": changed.name, "name_native": changed.name_native,
                                "was": {"name": person.name,
                                        "name_native": person.name_native}},
                actor_id=actor.user_id, at=now)
        return changed

    def merge(self, actor: Actor, person: KnownPerson, into: KnownPerson) -> None:
        """Two entries that are one person (added twice, under two spellings): ``person``
        is no longer offered, and the review counts every record naming either as
        ``into``."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN,
                     action=N_("merge interpreters or observers"))
        if person.id == into.id or person.role != into.role:
            raise UserError(_("{name} can be merged only into another {role}.").format(
                name=person.shown, role=_role_word(person.role)))
        now = utc_now()
        with write_transaction(self._station.db):
            offered = {known.id for known in self._repo.with_role(person.role)}
            if into.id not in offered:
                raise UserError(_("The station no longer offers {role} {name}.").format(
                    role=_role_word(into.role), name=into.shown))
            if not self._repo.retire(person.id, actor.user_id, now, merged_into=into.id):
                raise UserError(_("The station no longer offers {role} {name}.").format(
                    role=_role_word(person.role), name=person.shown))
            self._station.events.append(
                MERGED_EVENT, {"id": person.id, "role": person.role, "name": person.name,
                               "into": into.id, "into_name": into.name},
                actor_id=actor.user_id, at=now)

    def retire(self, actor: Actor, person: KnownPerson) -> None:
        """No longer offer this person (a misspelling added by mistake, or someone gone);
        records that name them keep the name."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN,
                     action=N_("retire an interpreter or an observer"))
        now = utc_now()
        with write_transaction(self._station.db):
            if not self._repo.retire(person.id, actor.user_id, now):
                raise UserError(_("The station no longer offers {role} {name}.").format(
                    role=_role_word(person.role), name=person.shown))
            self._station.events.append(
                RETIRED_EVENT, {"id": person.id, "role": person.role, "name": person.name},
                actor_id=actor.user_id, at=now)


    def _checked(self, actor: Actor, person: KnownPerson) -> KnownPerson:
        """The entry tidied, refused when one of its names is another offered person's."""
        name = _tidy(person.name, N_("name"))
        name_native = _tidy(person.name_native, N_("native name"), True)
        others = [known for known in self.with_role(actor, person.role) if known.id != person.id]
        for given in (name, name_native):
            known = person_named(others, given) if given else None
            if known is not None:
                raise UserError(_("The station already knows {role} {name}.").format(
                    role=_role_word(person.role), name=known.shown))
        return KnownPerson(person.id, person.role, name, name_native,
                           tuple(language.strip() for language in person.languages
                                 if language.strip()),
                           _tidy(person.body, N_("body"), True))


def person_named(people: list[KnownPerson], name: str) -> KnownPerson | None:
    """The person a typed name means (either of their names, spacing and case aside)."""
    wanted = _key(name)
    return next((person for person in people
                 if wanted in {_key(person.name), _key(person.name_native or "")}), None)


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(_("Known people are interpreters or observers, not {role!r}.").format(
            role=role))
    return role


def _tidy(value: str | None, what: str, optional: bool = False) -> str | None:
    tidy = " ".join((value or "").split())
    if not tidy:
        if optional:
            return None
        raise UserError(_("A known person needs a {what}.").format(what=_(what)))
    if len(tidy) > _LONGEST_NAME:
        raise UserError(_("The {what} {start!r}… is longer than {limit} characters.").format(
            what=_(what), start=tidy[:20], limit=_LONGEST_NAME))
    return tidy


def _role_word(role: str) -> str:
    """"interpreter" or "observer" in the message language."""
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def as_known(people: list[KnownPerson], read_name: Callable[[object], object],
             read_id: Callable[[object], str | None] = lambda record: None
             ) -> Callable[[object], object]:
    """``read_name`` (a record's interpreter, say) as the name the station's list gives the
    person today: by the id the record keeps (``read_id``) when it has one, else by any of
    a known person's names ("김리" and "kim li" are both "Kim Li"). ``people`` is every
    person the station has known (KnownPeopleRepository.ever_known): an entry merged into
    another reads as the one kept."""
    by_id = {person.id: person for person in people}

    def kept(person: KnownPerson) -> KnownPerson:
        seen = {person.id}
        while person.merged_into in by_id and person.merged_into not in seen:
            person = by_id[person.merged_into]
            seen.add(person.id)
        return person

    canonical = {}
    # Offered people last: a name retired and added again means the new entry.
    for person in sorted(people, key=lambda known: not known.retired):
        for name in (person.name, person.name_native):
            if name:
                canonical[_key(name)] = kept(person).name

    def read(record) -> object:
        person = by_id.get(read_id(record))
        if person is not None:
            return kept(person).name
        name = read_name(record)
        return canonical.get(_key(name), name) if isinstance(name, str) else name
    return read
