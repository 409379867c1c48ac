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

A connection belongs to one thread at a time, as with SQLite. A server answers every request
on a connection of its own (``for_another_thread``): on PostgreSQL it is borrowed from a pool
the server's store keeps (psycopg_pool), so a request costs no new connection, no
authentication and no check of the migrations; the borrower's ``close`` gives it back.
The pool is made on the first request, once: requests arriving together at a new server
each made one, and all but the last were left open until the garbage collector found them.
A closed store lends nothing (``StoreClosed``): a pool it made then would be one nobody
closes. A process forked from a server opens a store of its own (hq/workers.py).
"""

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from screening_app.domain.errors import UserError
from screening_app.hq import pg_migrations
from screening_app.hq.store import BATCH_ROWS, SqlHqStore

# Advisory lock numbers (the first argument of the two-key form names what is locked).
_STATION_LOCKS = 7_240_002
_CONFLICTS_LOCK = 7_240_003
_OUTBOX_LOCK = 7_240_004
_cursor_names = itertools.count(1)
_CONNECTION_SETTINGS = {"autocommit": True, "connect_timeout": 10,
                        "application_name": "screening-app headquarters"}
# Connections a server process keeps for its requests: enough for the intakes and pages
# answered at once (Starlette's threads wait for one beyond that, up to POOL_WAIT_SECONDS).
POOL_MAX_CONNECTIONS = 12
POOL_WAIT_SECONDS = 30.0
# Intake's rows held back to be sent together (``_write``): at most this many, or this many
# bytes of forms, so that a worker's memory stays the same whatever the bundle.
WRITES_AT_ONCE = 500
WRITE_BYTES_AT_ONCE = 4 * 1024 * 1024


@lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class StoreClosed(UserError):
    """Work reached headquarters' store after it was closed (a server stopping)."""


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

    def __init__(self, url: str, borrowed_from: ConnectionPool | None = None):
        self.url = url
        self._writes: tuple[str, list] | None = None  # inside batched: rows not yet sent
        self._write_bytes = 0
        self._pool: ConnectionPool | None = None
        self._lender = borrowed_from
        # Held while the pool is made or the store closed: threads asking at once share
        # one pool, and none is made by a store closing meanwhile.
        self._pool_lock = threading.Lock()
        self._closed = False
        if borrowed_from is not None:
            self.conn = _borrow(borrowed_from, url)
            return
        try:
            self.conn = psycopg.connect(url, **_CONNECTION_SETTINGS)
        except psycopg.Error as error:
            raise UserError(f"Headquarters' database {describe_url(url)} cannot be opened:"
                            f" {_last_line(error)}.") from None
        try:
            self._migrate()
        except BaseException:
            self.conn.close()
            raise

    def for_another_thread(self) -> "PostgresHqStore":
        """A store on a pooled connection, for another thread (migrated already: this store
        checked at its opening). ``close`` gives the connection back. A closed store
        refuses (``StoreClosed``)."""
        with self._pool_lock:
            if self._closed:
                raise _closed(self.url)
            if self._lender is not None:
                pool = self._lender
            else:
                if self._pool is None:
                    self._pool = ConnectionPool(
                        self.url, kwargs=_CONNECTION_SETTINGS, min_size=1,
                        max_size=POOL_MAX_CONNECTIONS, check=ConnectionPool.check_connection,
                        name="headquarters", open=True)
                pool = self._pool
        return PostgresHqStore(self.url, borrowed_from=pool)

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
        """Close the connection (a borrowed one goes back to its pool) and the pool this
        store made; a second call does nothing."""
        with self._pool_lock:
            if self._closed:
                return
            self._closed = True
            lender, pool = self._lender, self._pool
            self._lender = self._pool = None
        if lender is not None:
            # Back to the pool, which rolls back anything a failure left open.
            lender.putconn(self.conn)
            return
        self.conn.close()
        if pool is not None:
            # Connections still lent (a request finishing) are closed as they come back.
            pool.close()

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
        self._send_writes()
        return self.conn.execute(_placeholders(sql), params)

    def _write(self, sql: str, params: list | tuple) -> None:
        if self._writes is None:
            self._execute(sql, params)
            return
        # A value psycopg cannot send fails here, while intake still knows the row's line,
        # not when the rows are sent.
        for value in params:
            if isinstance(value, str) and not value.isascii():
                value.encode("utf-8")
            elif isinstance(value, int) and not -2**63 <= value < 2**63:
                raise OverflowError("an integer larger than PostgreSQL's bigint")
            elif isinstance(value, bytes):
                self._write_bytes += len(value)
        if self._writes[0] != sql:
            self._send_writes()
            self._writes = (sql, [])
        self._writes[1].append(params)
        if len(self._writes[1]) >= WRITES_AT_ONCE or self._write_bytes >= WRITE_BYTES_AT_ONCE:
            self._send_writes()

    def _send_writes(self) -> None:
        """Send the rows ``_write`` holds back, as one statement run for each."""
        if self._writes and self._writes[1]:
            sql, rows = self._writes
            self._writes = (sql, [])
            self._write_bytes = 0
            with self.conn.cursor() as cursor:
                cursor.executemany(_placeholders(sql), rows)

    @contextmanager
    def batched(self) -> Iterator[None]:
        # psycopg's pipeline mode: writes go out without waiting; a read waits for what was
        # sent before it, and an error still ends the transaction. Rows of the same insert
        # in a row go together (executemany): a fifth of the client's work for each.
        with self.conn.pipeline():
            self._writes = ("", [])
            try:
                yield
                self._send_writes()
            finally:
                self._writes, self._write_bytes = None, 0

    def _stream(self, sql: str, params: list | tuple = ()) -> Iterator[tuple]:
        self._send_writes()
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
        self._execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", [_STATION_LOCKS, station_id])

    def lock_conflicts(self) -> None:
        self._execute("SELECT pg_advisory_xact_lock(?)", [_CONFLICTS_LOCK])

    def insert_outbox(self, station_id: str | None, kind: str, payload: dict,
                      created_at: str) -> int:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [_OUTBOX_LOCK])
        return super().insert_outbox(station_id, kind, payload, created_at)


def _closed(url: str) -> StoreClosed:
    return StoreClosed(f"Headquarters' connection to {describe_url(url)} was closed (the"
                       " server is stopping); nothing more is done on it.")


def _borrow(pool: ConnectionPool, url: str) -> psycopg.Connection:
    try:
        return pool.getconn(timeout=POOL_WAIT_SECONDS)
    except PoolClosed:  # closed since it was handed out, or while this request waited
        raise _closed(url) from None
    except PoolTimeout:
        raise UserError(f"Headquarters' database {describe_url(url)} is busy: all"
                        f" {POOL_MAX_CONNECTIONS} connections of this server stayed in use"
                        f" for {POOL_WAIT_SECONDS:g} s; try again.") from None
    except psycopg.Error as error:
        raise UserError(f"Headquarters' database {describe_url(url)} cannot be opened:"
                        f" {_last_line(error)}.") from None


def _last_line(error: psycopg.Error) -> str:
    text = str(error).strip()
    return text.splitlines()[-1] if text else type(error).__name__
