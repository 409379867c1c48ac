"""The interpreters and observers the station knows.

Typed by hand at each interview, one interpreter became many: "Kim Li", "Kim  Lee",
"kim li." are three people to the review's pattern tests, and a pattern split over
spellings is never seen. So the station keeps a list, which supervisors keep; the
interview offers its names as the interviewer types, and a name it does not know is added
when the interviewer confirms it (each addition an event in the history). Records keep the
name as written: the list makes it the same name every time.
"""

import uuid
from collections.abc import Callable

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.services.authz import require_role
from screening_app.store.connection import write_transaction
from screening_app.store.known_people import KnownPeopleRepository, KnownPerson
from screening_app.store.station import Station

ROLES = ("interpreter", "observer")
ADDED_EVENT = "people.added"
RETIRED_EVENT = "people.retired"
_LONGEST_NAME = 80


class KnownPeopleService:
    def __init__(self, station: Station):
        self._station = station
        self._repo = KnownPeopleRepository(station.db)

    def with_role(self, actor: Actor, role: str) -> list[KnownPerson]:
        require_role(actor, *Role, action="see the station's interpreters and observers")
        return self._repo.with_role(_checked_role(role))

    def find(self, actor: Actor, role: str, name: str) -> KnownPerson | None:
        """The known person a typed name means (either of their names, spacing and case
        aside), or None."""
        wanted = _key(name)
        return next((person for person in self.with_role(actor, role)
                     if wanted in {_key(person.name), _key(person.name_native or "")}), None)

    def add(self, actor: Actor, role: str, name: str, *, name_native: str | None = None,
            languages: tuple[str, ...] = (), body: str | None = None) -> KnownPerson:
        """Interviewers add a name from the interview, when they confirm it; supervisors
        and admins keep the list."""
        require_role(actor, *Role, action="add an interpreter or an observer")
        role = _checked_role(role)
        name, name_native = _tidy(name, "name"), _tidy(name_native, "native name", True)
        for given in (name, name_native):
            known = self.find(actor, role, given) if given else None
            if known is not None:
                raise UserError(f"The station already knows {role} {known.shown}.")
        person = KnownPerson(str(uuid.uuid4()), role, name, name_native,
                             tuple(language.strip() for language in languages
                                   if language.strip()),
                             _tidy(body, "body", True))
        now = utc_now()
        with write_transaction(self._station.db):
            self._repo.add(person, actor.user_id, now)
            self._station.events.append(
                ADDED_EVENT, {"id": person.id, "role": role, "name": person.name,
                              "name_native": person.name_native},
                actor_id=actor.user_id, at=now)
        return person


    def retire(self, actor: Actor, person: KnownPerson) -> None:
        """No longer offer this person (a misspelling added by mistake, or someone gone);
        records that name them keep the name."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN,
                     action="retire an interpreter or an observer")
        now = utc_now()
        with write_transaction(self._station.db):
            if not self._repo.retire(person.id, actor.user_id, now):
                raise UserError(f"The station no longer offers {person.role} {person.shown}.")
            self._station.events.append(
                RETIRED_EVENT, {"id": person.id, "role": person.role, "name": person.name},
                actor_id=actor.user_id, at=now)


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Known people are interpreters or observers, not {role!r}.")
    return role


def _tidy(value: str | None, what: str, optional: bool = False) -> str | None:
    tidy = " ".join((value or "").split())
    if not tidy:
        if optional:
            return None
        raise UserError(f"A known person needs a {what}.")
    if len(tidy) > _LONGEST_NAME:
        raise UserError(f"The {what} {tidy[:20]!r}… is longer than {_LONGEST_NAME}"
                        " characters.")
    return tidy


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def as_known(people: list[KnownPerson], read_name: Callable[[object], object]
             ) -> Callable[[object], object]:
    """``read_name`` (a record's interpreter, say), with any of a known person's names read
    as the name the station's list gives them: "김리" and "kim li" are both "Kim Li"."""
    canonical = {_key(name): person.name for person in people
                 for name in (person.name, person.name_native) if name}

    def read(record) -> object:
        name = read_name(record)
        return canonical.get(_key(name), name) if isinstance(name, str) else name
    return read
