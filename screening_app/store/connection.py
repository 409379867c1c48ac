"""The one place where a station database is opened.

Every connection the program makes goes through ``open_database`` so that the
durability settings and the encryption at rest below apply everywhere. A connection
belongs to the thread that opened it.

A station database is encrypted with SQLCipher under a random 256-bit key (see
store/keyfile.py for how accounts unlock it); without the key the file, its WAL and its
journal are noise. Headquarters' own store is opened without a key.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher
from sqlite_utils import Database

from screening_app.domain.errors import UserError

DATABASE_FILENAME = "station.sqlite3"
BUSY_TIMEOUT_MS = 10_000
# 64 MB of page cache: a 200,000-person roster and its indexes fit, so imports and
# searches do not re-read pages from disk.
CACHE_SIZE_KIB = 65_536
KEY_BYTES = 32
# Errors of either driver, for code that must tell a database failure from a bug.
DATABASE_ERRORS = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
INTEGRITY_ERRORS = (sqlite3.IntegrityError, sqlcipher.IntegrityError)


class WrongDatabaseKey(UserError):
    pass


def open_database(path: Path | str, key: bytes | None = None) -> Database:
    """Open (creating if needed) the SQLite file at ``path`` with the station's settings;
    with ``key``, as a SQLCipher database encrypted under that raw key.

    - WAL: readers never block the writer, and a crash leaves the last committed state.
    - synchronous=FULL: in WAL mode NORMAL may lose the last committed transactions on
      power loss; a finalised choice must survive a power cut, so every commit syncs.
    - foreign_keys=ON: SQLite leaves them off by default.
    - busy_timeout: the GUI and a CLI command may touch the same station at once.
    - temp_store=MEMORY: sorts and temporary tables never spill to disk in clear.
    """
    if key is None:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        conn = _open_encrypted(path, key)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
    conn.execute("PRAGMA temp_store=MEMORY")
    # No sqlite-utils plugins: the station's connection is the program's own.
    return Database(conn, execute_plugins=False)


def _open_encrypted(path: Path | str, key: bytes):
    if len(key) != KEY_BYTES:
        raise ValueError("a database key has 32 bytes")
    conn = sqlcipher.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    # A raw key (x'...'): no passphrase derivation here, the key is random already.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        raise WrongDatabaseKey(f"{Path(path).name} does not open with this key: it belongs"
                               " to another station, or it is damaged.") from None
    return conn


def is_plain_sqlite(path: Path | str) -> bool:
    """True for an unencrypted SQLite file (the header SQLCipher replaces with noise)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    Writers that read before they write (the event chain reads its head, an import
    compares with existing rows) must not race another process between the read and
    the write; nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        # The body may have rolled back on purpose (a dry run); then there is nothing to commit.
        if db.conn.in_transaction:
            db.conn.execute("COMMIT")
