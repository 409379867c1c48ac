"""The interpreters and observers a station knows (services/known_people.py)."""

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class KnownPerson:
    id: str
    role: str  # "interpreter" or "observer"
    name: str  # as records and lists write it (romanised)
    name_native: str | None
    languages: tuple[str, ...]
    body: str | None  # the body an observer represents
    retired: bool = False  # no longer offered
    merged_into: str | None = None  # the id of the entry kept, when merged into another

    @property
    def shown(self) -> str:
        """"Kim Li (김리)": the name a record takes, with the native one to pick it by."""
        return f"{self.name} ({self.name_native})" if self.name_native else self.name


_COLUMNS = "id, role, name, name_native, languages, body, retired_at IS NOT NULL, merged_into"


def _person(row) -> KnownPerson:
    id_, role, name, native, languages, body, retired, merged_into = row
    return KnownPerson(id_, role, name, native, tuple(filter(None, languages.split(","))),
                       body, bool(retired), merged_into)


class KnownPeopleRepository:
    def __init__(self, db: Database):
        self._db = db

    def add(self, person: KnownPerson, added_by: str, added_at: str) -> None:
        self._db.execute(
            "INSERT INTO known_people (id, role, name, name_native, languages, body,"
            " added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [person.id, person.role, person.name, person.name_native,
             ",".join(person.languages), person.body, added_by, added_at])

    def with_role(self, role: str) -> list[KnownPerson]:
        """The people of this role the station offers (not retired), by name."""
        return [_person(row) for row in self._db.execute(
            f"SELECT {_COLUMNS} FROM known_people WHERE role = ? AND retired_at IS NULL"
            " ORDER BY name COLLATE NOCASE, id", [role])]

    def ever_known(self, role: str) -> list[KnownPerson]:
        """Every person of this role the station has known, retired ones too (records
        name them), oldest first."""
        return [_person(row) for row in self._db.execute(
            f"SELECT {_COLUMNS} FROM known_people WHERE role = ? ORDER BY added_at, rowid",
            [role])]

    def change(self, person: KnownPerson) -> bool:
        """A correction of an offered person's names, languages or body; False when there
        is no such person still offered."""
        return self._db.execute(
            "UPDATE known_people SET name = ?, name_native = ?, languages = ?, body = ?"
            " WHERE id = ? AND retired_at IS NULL",
            [person.name, person.name_native, ",".join(person.languages), person.body,
             person.id]).rowcount == 1

    def retire(self, person_id: str, retired_by: str, retired_at: str,
               merged_into: str | None = None) -> bool:
        """False when there is no such person still offered."""
        return self._db.execute(
            "UPDATE known_people SET retired_at = ?, retired_by = ?, merged_into = ?"
            " WHERE id = ? AND retired_at IS NULL",
            [retired_at, retired_by, merged_into, person_id]).rowcount == 1
