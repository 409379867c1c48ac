"""Headquarters on PostgreSQL (psycopg 3), for an operation larger than one laptop: several
server processes take in bundles at once, and the database is backed up and restored with
PostgreSQL's own tools.

The queries are the ones SQLite runs (``SqlHqStore``); this class opens the connection and
says what PostgreSQL says differently. Writers are not serialised by the database as they
are in SQLite, so intake takes advisory locks: one per station (a station's bundles are
applied in order, one at a time, and the same bundle given to two workers is applied once)
and one for conflicts (two stations' intakes never open the same person's conflict twice).
The outbox takes a lock of its own so that its numbers are committed in order: a down bundle
that read entry 5 never later finds a 4 it skipped.

A connection belongs to the thread that opened it, as with SQLite: ``open_hq_store`` again
for another thread.
"""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import psycopg

from screening_app.domain.errors import UserError
from screening_app.hq import pg_migrations
from screening_app.hq.store import BATCH_ROWS, SqlHqStore

# Advisory lock numbers (the first argument of the two-key form names what is locked).
_STATION_LOCKS = 7_240_002
_CONFLICTS_LOCK = 7_240_003
_OUTBOX_LOCK = 7_240_004
_cursor_names = itertools.count(1)


@lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def describe_url(url: str) -> str:
    """The address of a database without its password, for sentences and logs."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"postgresql://{user}{host}{port}{parts.path}"


class PostgresHqStore(SqlHqStore):
    _ARRIVAL_ORDER = "arrival"
    serialises_writers = False

    def __init__(self, url: str):
        self.url = url
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10,
                                        application_name="screening-app headquarters")
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else ""
            raise UserError(f"Headquarters' database {describe_url(url)} cannot be opened:"
                            f" {reason or type(error).__name__}.") from None
        try:
            self._migrate()
        except BaseException:
            self.conn.close()
            raise

    def _migrate(self) -> None:
        # A store is opened for every request a server answers: when nothing is pending
        # (almost always), one query says so, without taking the migrations' lock.
        if self.conn.execute("SELECT to_regclass('hq_migrations')").fetchone()[0] is not None \
                and not self.pending_migrations():
            return
        with self.conn.transaction():
            self.conn.execute(f"SELECT pg_advisory_xact_lock({pg_migrations.MIGRATION_LOCK})")
            self.conn.execute("CREATE TABLE IF NOT EXISTS hq_migrations ("
                              " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        pg_migrations.migrate(
            self.conn.execute,
            lambda: {row[0] for row in self.conn.execute("SELECT name FROM hq_migrations")},
            self.conn.transaction)

    def pending_migrations(self) -> list[str]:
        applied = {row[0] for row in self.conn.execute("SELECT name FROM hq_migrations")}
        return [name for name, _ in pg_migrations.MIGRATIONS if name not in applied]

    # -- general ------------------------------------------------------------------------
    def transaction(self):
        """A write transaction; nested use becomes a savepoint."""
        return self.conn.transaction()

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A read transaction: everything read inside sees one committed state, whatever
        other connections write meanwhile."""
        if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            yield self.conn
            return
        with self.conn.transaction(force_rollback=True):
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield self.conn

    def close(self) -> None:
        self.conn.close()

    def integrity_problems(self) -> list[str]:
        """Stored rows that break the store's own rules. PostgreSQL checks its pages itself
        (and ``pg_amcheck`` checks them from outside); what it cannot know is whether each
        station's chain of events is unbroken, so that is checked here."""
        problems = []
        for station_id, held, highest in self.conn.execute(
                "SELECT station_id, count(*), max(seq) FROM events GROUP BY station_id"):
            if held != highest:
                problems.append(f"station {station_id}: {held} events held but the last is"
                                f" number {highest}")
        return problems

    def _execute(self, sql: str, params: list | tuple = ()) -> Any:
        return self.conn.execute(_placeholders(sql), params)

    def _stream(self, sql: str, params: list | tuple = ()) -> Iterator[tuple]:
        if self.conn.pgconn.pipeline_status:
            # Inside batched() (pipeline mode) there are no server-side cursors: the rows
            # come whole, which the few reads made there can afford.
            yield from self.conn.execute(_placeholders(sql), params).fetchall()
            return
        # A server-side cursor lives in a transaction: the caller's, or one of its own.
        with (self.conn.transaction(),
              self.conn.cursor(name=f"stream_{next(_cursor_names)}") as cursor):
            cursor.execute(_placeholders(sql), params)
            while rows := cursor.fetchmany(BATCH_ROWS):
                yield from rows

    def seal_plain_records(self, sealer, data_key_slot: dict) -> None:
        raise UserError("Headquarters on PostgreSQL has sealed its records since it was made;"
                        " this one holds no data key, so it was not made by 'hq init'.")

    # -- what PostgreSQL needs that SQLite does by itself -----------------------------------
    def lock_station(self, station_id: str) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                          [_STATION_LOCKS, station_id])

    def lock_conflicts(self) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [_CONFLICTS_LOCK])

    def batched(self):
        # psycopg's pipeline mode: writes go out without waiting; a read waits for what was
        # sent before it, and an error still ends the transaction.
        return self.conn.pipeline()

    def insert_outbox(self, station_id: str | None, kind: str, payload: dict,
                      created_at: str) -> int:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [_OUTBOX_LOCK])
        return super().insert_outbox(station_id, kind, payload, created_at)
