"""The one place where a station database is opened.

Every connection the program makes goes through ``open_database`` so that the
durability settings below (and, later, encryption at rest) apply everywhere.
A connection belongs to the thread that opened it.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

DATABASE_FILENAME = "station.sqlite3"
BUSY_TIMEOUT_MS = 10_000
# 64 MB of page cache: a 200,000-person roster and its indexes fit, so imports and
# searches do not re-read pages from disk.
CACHE_SIZE_KIB = 65_536


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) the SQLite file at ``path`` with the station's settings.

    - WAL: readers never block the writer, and a crash leaves the last committed state.
    - synchronous=FULL: in WAL mode NORMAL may lose the last committed transactions on
      power loss; a finalised choice must survive a power cut, so every commit syncs.
    - foreign_keys=ON: SQLite leaves them off by default.
    - busy_timeout: the GUI and a CLI command may touch the same station at once.
    """
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
    # No sqlite-utils plugins: the station's connection is the program's own.
    return Database(conn, execute_plugins=False)


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
