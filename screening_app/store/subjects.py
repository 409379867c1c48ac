"""The roster table: lookups, search by normalised keys, and bulk upsert."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from screening_app.domain.search_keys import (
    LATIN_JOIN,
    PREFIX_END,
    is_native_script,
    isn_key,
    latin_keys,
    latin_query_key,
    native_keys,
    native_query_key,
)
from screening_app.domain.subject import ROSTER_FIELDS, Subject

_SUBJECT_COLUMNS = ", ".join(ROSTER_FIELDS)
_SEARCH_INDEXES = {
    "subjects_search_isn": "search_isn",
    "subjects_search_native": "search_native",
    "subjects_search_native_given": "search_native_given",
    "subjects_search_latin": "search_latin",
    "subjects_search_latin_given": "search_latin_given",
}
_KEY_COLUMNS = tuple(_SEARCH_INDEXES.values())
# Dropping and rebuilding the search indexes is faster than updating them row by row
# when an import writes many rows; below this size the indexes are kept.
_REBUILD_INDEXES_FROM = 20_000


@dataclass(frozen=True)
class UpsertCounts:
    added: int
    updated: int
    unchanged: int


def subject_from_row(row: Sequence) -> Subject:
    return Subject(*row[: len(ROSTER_FIELDS)])


class SubjectRepository:
    def __init__(self, db: Database):
        self._db = db

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM subjects").fetchone()[0]

    def get(self, isn: str) -> Subject | None:
        row = self._db.execute(
            f"SELECT {_SUBJECT_COLUMNS} FROM subjects WHERE isn = ?", [isn]
        ).fetchone()
        return subject_from_row(row) if row else None

    def page_after(self, isn: str | None, limit: int) -> list[Subject]:
        """The next ``limit`` people in ISN order after ``isn`` (keyset paging: as fast at
        the end of a 200,000-person roster as at its start)."""
        rows = self._db.execute(
            f"SELECT {_SUBJECT_COLUMNS} FROM subjects WHERE isn > ? ORDER BY isn LIMIT ?",
            [isn or "", limit],
        ).fetchall()
        return [subject_from_row(r) for r in rows]

    def search(self, text: str, limit: int = 50) -> list[Subject]:
        """Exact ISN first, then ISN prefixes, then full names, then given names."""
        text = text.strip()
        if not text or limit <= 0:
            return []
        ranges: list[tuple[str, str, bool]] = []  # (column, key, exact)
        key = isn_key(text)
        if key:
            ranges += [("search_isn", key, True), ("search_isn", key, False)]
        if is_native_script(text):
            key = native_query_key(text)
            ranges += [("search_native", key, False), ("search_native_given", key, False)]
        else:
            key = latin_query_key(text)
            if key:
                ranges += [("search_latin", key, False), ("search_latin_given", key, False)]
        found: dict[str, Subject] = {}
        for column, key, exact in ranges:
            if len(found) >= limit:
                break
            if exact:
                where, params = f"{column} = ?", [key]
            else:
                where, params = f"{column} >= ? AND {column} < ?", [key, key + PREFIX_END]
            rows = self._db.execute(
                f"SELECT {_SUBJECT_COLUMNS} FROM subjects WHERE {where} ORDER BY {column}, isn"
                " LIMIT ?",
                [*params, limit],
            ).fetchall()
            for row in rows:
                found.setdefault(row[0], subject_from_row(row))
        return list(found.values())[:limit]

    def upsert_many(
        self, columns: Sequence[str], rows: Iterable[Sequence], now: str
    ) -> UpsertCounts:
        """Insert new subjects and update existing ones by ISN. Columns absent from
        ``columns`` keep their stored values; no subject is ever deleted. Call inside a
        write transaction: the whole roster lands or none of it does."""
        columns = tuple(columns)
        if columns[0] != "isn":
            raise ValueError("the first roster column must be isn")
        position = {name: i for i, name in enumerate(columns)}
        slots = [position.get(field) for field in ROSTER_FIELDS]
        complete = columns == ROSTER_FIELDS
        existing = self._existing(columns)
        inserts, updates, unchanged = [], [], 0
        for values in rows:
            values = tuple(values)
            isn = values[0]
            stored = existing.get(isn)
            if stored is None:
                full = list(values) if complete else [
                    None if slot is None else values[slot] for slot in slots]
                inserts.append(full + _keys_for(full) + [now, now])
            elif stored[: len(columns)] == values:
                unchanged += 1
            else:
                full = _merge(columns, values, stored[len(columns):])
                updates.append([*values[1:], *_keys_for(full), now, isn])
        if inserts:
            # In key order, new rows append to the table's B-tree instead of splitting
            # pages all over it.
            inserts.sort(key=lambda row: row[0])
            self._insert(inserts)
        if updates:
            assignments = ", ".join(f"{c} = ?" for c in (*columns[1:], *_KEY_COLUMNS))
            self._db.conn.executemany(
                f"UPDATE subjects SET {assignments}, updated_at = ? WHERE isn = ?", updates
            )
        return UpsertCounts(added=len(inserts), updated=len(updates), unchanged=unchanged)

    def _existing(self, columns: tuple[str, ...]) -> dict[str, tuple]:
        """Stored rows keyed by ISN: the file's columns first, then the other roster fields
        (needed to recompute search keys when only some columns change)."""
        if not self._db.execute("SELECT 1 FROM subjects LIMIT 1").fetchone():
            return {}
        others = [f for f in ROSTER_FIELDS if f not in columns]
        cursor = self._db.execute(f"SELECT {', '.join([*columns, *others])} FROM subjects")
        return {row[0]: row for row in cursor}

    def _insert(self, rows: list[list]) -> None:
        rebuild = len(rows) >= _REBUILD_INDEXES_FROM
        if rebuild:
            for index in _SEARCH_INDEXES:
                self._db.execute(f"DROP INDEX IF EXISTS {index}")
        placeholders = ", ".join("?" * (len(ROSTER_FIELDS) + len(_KEY_COLUMNS) + 2))
        self._db.conn.executemany(
            f"INSERT INTO subjects ({_SUBJECT_COLUMNS}, {', '.join(_KEY_COLUMNS)},"
            f" added_at, updated_at) VALUES ({placeholders})",
            rows,
        )
        if rebuild:
            for index, column in _SEARCH_INDEXES.items():
                self._db.execute(f"CREATE INDEX {index} ON subjects({column})")


def _keys_for(full: Sequence) -> list:
    """Search keys for a full row of ROSTER_FIELDS values (isn, name_native, name_latin
    first), in the order of _KEY_COLUMNS. This runs for every row of an import, so the
    common cases are inlined; domain.search_keys holds the rules and the slow paths."""
    isn, native, latin = full[0], full[1], full[2]
    if native and " " not in native:
        native_full, native_given = native, native[1:] or None
    else:
        native_full, native_given = native_keys(native)
    if latin and latin.isascii():
        words = latin.lower().translate(LATIN_JOIN).split()
        latin_full = "".join(words) or None
        latin_given = "".join(words[1:]) or None
    else:
        latin_full, latin_given = latin_keys(latin)
    return [isn_key(isn), native_full, native_given, latin_full, latin_given]


def _merge(columns: tuple[str, ...], values: tuple, others: Sequence) -> list:
    """A full ROSTER_FIELDS row: the file's values, and stored values for the rest."""
    other_names = [f for f in ROSTER_FIELDS if f not in columns]
    by_name = dict(zip(columns, values, strict=True)) | dict(zip(other_names, others, strict=True))
    return [by_name[f] for f in ROSTER_FIELDS]
