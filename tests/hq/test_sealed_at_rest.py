"""What headquarters holds of people is sealed at rest: a copy of the HQ folder, or every
table of its PostgreSQL database read through psql, shows no name, ISN or choice; a
headquarters made before sealing is sealed the first time it is opened with its passphrase;
without the passphrase nothing sealed opens."""

import json
import re

import pytest

from screening_app.hq.headquarters import Headquarters, HeadquartersLocked
from screening_app.hq.intake import ingest
from screening_app.hq.merged_lists import build
from screening_app.hq.store import SqliteHqStore
from screening_app.sync.bundle import BundleError
from tests.hq.conftest import HQ_PASSPHRASE, export, sqlite_only
from tests.hq.test_conflicts import Held

CHOICES = ("enlist", "repatriate")


def secrets_held(hq) -> set[str]:
    """Every name and ISN headquarters holds, and the choices: what a thief looks for."""
    found = set(CHOICES)
    for person in hq.store.roster_people():
        found |= {value for value in (person.isn, person.name_native, person.name_latin)
                  if value}
    for held in hq.store.final_interviews():
        found |= {value for value in (held.subject_isn, held.name_native, held.name_latin,
                                      held.interviewer_name) if value}
    return found


def with_a_conflict(hq) -> None:
    """A second station's record of NK-100001 with the other choice: a conflict, sealed."""
    held = Held(hq.store)
    held.station("PUSAN-1")
    held.interview("PUSAN-1", "repatriate", 20, isn="NK-100001")
    held.detect("NK-100001")


# A sealed text value is "sealed1:" and base64, in which any four letters ("ivan") turn up
# by chance in a few megabytes: the sealed values are taken out before looking for names.
_SEALED_TEXT = re.compile(rb"sealed1:[A-Za-z0-9+/]+=*")


def found_in(secrets: set[str], stored: bytes) -> list[str]:
    """The secrets that can be read in ``stored`` outside its sealed values."""
    readable = _SEALED_TEXT.sub(b"", stored)
    return [secret for secret in sorted(secrets) if secret.encode("utf-8") in readable]


def readable_bytes(hq, hq_folder, hq_database, postgres) -> bytes:
    """What someone holding a copy of the folder (and, on PostgreSQL, read access to every
    table) can read, as it is: the SQLite file with its WAL, or psql's output."""
    on_disk = b"".join(path.read_bytes() for path in sorted(hq_folder.rglob("*"))
                       if path.is_file())
    if hq_database is None:
        return on_disk
    tables = postgres.psql(hq_database, "SELECT tablename FROM pg_tables"
                                        " WHERE schemaname = 'public'").split()
    dumped = "".join(postgres.psql(hq_database, f"SELECT * FROM {table}") for table in tables)
    return on_disk + dumped.encode("utf-8")


@pytest.fixture
def postgres_if_used(request, hq_database):
    return request.getfixturevalue("postgres") if hq_database else None


def test_a_stolen_headquarters_shows_no_name_isn_or_choice(hq, hq_folder, hq_database, linked,
                                                           tmp_path, postgres_if_used):
    ingest(hq, export(linked, tmp_path / "out"))
    with_a_conflict(hq)
    secrets = secrets_held(hq)
    assert {"NK-100001", "Kim Min-jun", "김민준"} <= secrets and any(
        "\uac00" <= ch <= "\ud7a3" for value in secrets for ch in value)  # Hangul among them
    stolen = readable_bytes(hq, hq_folder, hq_database, postgres_if_used)
    assert b"TEST-01" in stolen  # the copy is readable: station ids are not secret
    assert found_in(secrets, stolen) == []
    # ...while headquarters itself, with its passphrase, reads everything as it came.
    assert build(hq.store).counts()
    assert [c.isn for c in hq.store.conflicts()] == ["NK-100001"]


def test_without_the_passphrase_nothing_sealed_opens(hq, hq_folder, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "out"))
    garbage = tmp_path / "garbage.scb"
    garbage.write_bytes(b"not a bundle")
    with pytest.raises(BundleError):
        ingest(hq, garbage)
    locked = Headquarters.open_locked(hq_folder)
    try:
        assert [s.station_id for s in locked.store.stations()] == ["TEST-01"]  # plain
        for read in (lambda: list(locked.store.final_interviews()),
                     lambda: list(locked.store.roster_people()), locked.store.incidents):
            with pytest.raises(HeadquartersLocked, match="open it with its passphrase"):
                read()
    finally:
        locked.close()


# -- a headquarters made before sealing ---------------------------------------------------
def back_in_clear(store: SqliteHqStore) -> None:
    """Write every sealed value back as a headquarters made before sealing kept it: the
    layout migrations 0001 and 0002 give, with no data key."""
    sealer = store.sealer
    opened = sealer.open_text
    db = store.db
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                          ).fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    for table, key, column in (
            ("operators", "name", "password_hash"), ("incidents", "id", "reason"),
            ("events", "station_id || ' ' || seq", "payload"),
            ("protocols", "sha256", "definition"), ("users", "rowid", "name"),
            ("reviews", "id", "reason"), ("reviews", "id", "comment"),
            ("conflict_resolutions", "id", "note"), ("outbox", "seq", "payload")):
        for row_key, value in db.execute(f"SELECT {key}, {column} FROM {table}").fetchall():
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                       [opened(value, f"{table}.{column}"), row_key])
    for row_id, value in db.execute("SELECT id, content FROM documents").fetchall():
        db.execute("UPDATE documents SET content = ? WHERE id = ?",
                   [sealer.open_bytes(value, "documents.content"), row_id])
    for row_id, value in db.execute("SELECT id, record FROM interviews").fetchall():
        record = json.loads(opened(value, "interviews.record"))
        db.execute("UPDATE interviews SET subject_isn = ?, choice = ?, interviewer_name = ?,"
                   " record = ? WHERE id = ?",
                   [record["subject_isn"], record.get("choice"),
                    record.get("interviewer_name"), opened(value, "interviews.record"),
                    row_id])
    for row_id, value in db.execute("SELECT id, summary FROM conflicts").fetchall():
        summary = json.loads(opened(value, "conflicts.summary"))
        db.execute("UPDATE conflicts SET isn = ?, summary = ? WHERE id = ?",
                   [summary["isn"], json.dumps(summary["records"]), row_id])
    for rowid, value in db.execute("SELECT rowid, sealed FROM subjects").fetchall():
        row = json.loads(opened(value, "subjects.sealed"))
        db.execute("UPDATE subjects SET " + ", ".join(f"{name} = ?" for name in row)
                   + ", sealed = NULL WHERE rowid = ?", [*row.values(), rowid])
    for _, sql in triggers:
        db.execute(sql)
    db.execute("UPDATE hq_identity SET data_key_slot = NULL")
    db.conn.commit()
    db.execute("VACUUM")


def test_a_headquarters_made_before_sealing_is_sealed_when_first_opened(hq, hq_folder, linked,
                                                                        tmp_path):
    sqlite_only(hq)
    ingest(hq, export(linked, tmp_path / "out"))
    with_a_conflict(hq)
    secrets = secrets_held(hq)
    before = (build(hq.store).counts(), hq.store.conflicts(), hq.store.incidents(),
              sorted(hq.store.final_interviews(), key=lambda held: held.id))
    back_in_clear(hq.store)
    hq.close()
    in_clear = (hq_folder / "hq.sqlite3").read_bytes()
    assert all(secret.encode() in in_clear for secret in ("NK-100001", "Kim Min-jun"))

    reopened = Headquarters.open(hq_folder, HQ_PASSPHRASE)
    try:
        store = reopened.store
        assert store.identity().data_key_slot is not None
        assert (build(store).counts(), store.conflicts(), store.incidents(),
                sorted(store.final_interviews(), key=lambda held: held.id)) == before
        on_disk = b"".join(path.read_bytes() for path in hq_folder.iterdir() if path.is_file())
        assert found_in(secrets, on_disk) == []
        with pytest.raises(Exception, match="interview records are immutable"):
            store.query("UPDATE interviews SET outcome = 'not_completed'")
    finally:
        reopened.close()
    again = Headquarters.open(hq_folder, HQ_PASSPHRASE)  # sealed once: opens as it is
    try:
        assert again.store.conflicts() == before[1]
    finally:
        again.close()
