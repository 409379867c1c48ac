"""A headquarters server on PostgreSQL answers each request on a connection of its own,
borrowed from a pool its store keeps: many requests open few connections, a request that
failed inside a transaction leaves nothing behind for the next, a server whose
connections are all in use says so in one sentence instead of hanging, and the pool is
made once and closed with headquarters."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from screening_app.domain.errors import UserError
from screening_app.hq import store_postgres
from screening_app.hq.headquarters import Headquarters
from tests.hq.conftest import HQ_PASSPHRASE, make_headquarters


@pytest.fixture
def postgres_hq(tmp_path, ca_folder, hq_key, monkeypatch, postgres):
    url = postgres.new_database()
    folder = tmp_path / "hq"
    make_headquarters(folder, ca_folder, hq_key, monkeypatch, url)
    hq = Headquarters.open(folder, HQ_PASSPHRASE)
    yield hq, url
    hq.close()


def sessions_opened(url: str) -> int:
    """How many connections the database has ever accepted (PostgreSQL 14 and later)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT sessions FROM pg_stat_database"
                            " WHERE datname = current_database()").fetchone()[0]


def test_a_hundred_requests_open_a_few_connections(postgres_hq):
    hq, url = postgres_hq
    before = sessions_opened(url)

    for _request in range(100):
        borrowed = hq.with_new_connection()
        try:
            assert borrowed.store.identity() is not None
        finally:
            borrowed.close()

    # A connection per request would be 100 more sessions; the pool opens one, perhaps two
    # while it grows, plus the count's own.
    assert sessions_opened(url) - before <= 4


def test_a_request_that_failed_in_a_transaction_leaves_nothing_open(postgres_hq):
    hq, _url = postgres_hq
    failing = hq.with_new_connection()
    with pytest.raises(RuntimeError), failing.store.transaction():
        failing.store.query("SELECT 1")
        raise RuntimeError("the request failed half-way")
    failing.close()

    following = hq.with_new_connection()
    try:
        # The same pooled connection, idle again: it reads and writes like a new one.
        assert following.store.conn.info.transaction_status.name == "IDLE"
        assert following.store.identity() is not None
    finally:
        following.close()


def test_every_connection_in_use_is_one_sentence_not_a_hang(postgres_hq, monkeypatch):
    hq, _url = postgres_hq
    monkeypatch.setattr(store_postgres, "POOL_MAX_CONNECTIONS", 2)
    monkeypatch.setattr(store_postgres, "POOL_WAIT_SECONDS", 0.5)
    held = [hq.with_new_connection(), hq.with_new_connection()]
    try:
        with pytest.raises(UserError, match=r"is busy: all 2 connections of this server"
                                            r" stayed in use for 0.5 s; try again\."):
            hq.with_new_connection()
    finally:
        for borrowed in held:
            borrowed.close()
    # Given back, they serve the next request at once.
    borrowed = hq.with_new_connection()
    borrowed.close()


@pytest.fixture
def pools_made(monkeypatch) -> list:
    """Every pool a store makes, each taking a moment to open (as over a network)."""
    made = []

    class SlowToOpen(store_postgres.ConnectionPool):
        def __init__(self, *args, **kwargs):
            made.append(self)
            time.sleep(0.2)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(store_postgres, "ConnectionPool", SlowToOpen)
    return made


def server_connections(url: str, wait_seconds: float = 10.0) -> int:
    """How many connections of headquarters are open on its database, once those it closed
    are gone (a server process ends a moment after its client said goodbye)."""
    import psycopg

    deadline = time.monotonic() + wait_seconds
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            (held,) = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = %s",
                [store_postgres._CONNECTION_SETTINGS["application_name"]]).fetchone()
            if not held or time.monotonic() > deadline:
                return held
            time.sleep(0.05)


def test_requests_arriving_together_share_one_pool_closed_with_headquarters(
        postgres_hq, pools_made):
    hq, url = postgres_hq
    together = threading.Barrier(8)

    def request(_n: int) -> bool:
        together.wait(timeout=30)
        borrowed = hq.with_new_connection()
        try:
            return borrowed.store.identity() is not None
        finally:
            borrowed.close()

    with ThreadPoolExecutor(8) as threads:
        assert all(threads.map(request, range(8)))

    # Each of the first requests made a pool of its own, and only the last one kept was
    # closed with headquarters: the others held their connections until garbage collected.
    assert len(pools_made) == 1
    hq.close()
    assert all(pool.closed for pool in pools_made)
    assert server_connections(url) == 0


def test_a_closed_headquarters_lends_no_connection_and_says_so(postgres_hq, pools_made):
    hq, url = postgres_hq
    borrowed = hq.with_new_connection()
    borrowed.close()
    hq.close()  # the server stopped; a request still in flight asks for a connection

    for closed in (hq, borrowed):
        with pytest.raises(UserError, match=r"^Headquarters' connection to postgresql://\S+"
                                              r" was closed \(the server is stopping\);"
                                              r" nothing more is done on it\.$"):
            closed.with_new_connection()
    assert len(pools_made) == 1 and pools_made[0].closed
    assert server_connections(url) == 0
