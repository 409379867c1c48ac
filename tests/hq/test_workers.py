"""`hq serve --workers N` listens on one socket per worker, all on the same port: the kernel
spreads connections over them. With one socket shared by every worker, the first to wake
accepted every connection waiting, and stations pushing at the same moment were taken in by
one process, one after another. Each worker opens headquarters' store anew, and closes it
(its pool of connections included) when it is stopped."""

import socket
import subprocess
import sys
import time

import httpx
import pytest

from screening_app.domain.errors import UserError
from screening_app.hq.workers import listening_sockets
from tests.hq.conftest import HQ_PASSPHRASE, make_headquarters
from tests.hq.test_concurrent_intake import SERVER

CONNECTIONS = 64


def accepted(sock: socket.socket) -> int:
    """Accept every connection waiting on ``sock``; how many there were."""
    sock.setblocking(False)
    count = 0
    while True:
        try:
            connection, _ = sock.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_connections_wait_and_are_spread_over_every_workers_socket():
    sockets = listening_sockets("127.0.0.1", 0, 4)
    try:
        port = sockets[0].getsockname()[1]
        assert {sock.getsockname()[1] for sock in sockets} == {port}
        # Nobody accepts yet (the workers are not started): the connections wait.
        clients = [socket.create_connection(("127.0.0.1", port), timeout=10)
                   for _ in range(CONNECTIONS)]
        counts = [accepted(sock) for sock in sockets]
        for client in clients:
            client.close()
    finally:
        for sock in sockets:
            sock.close()
    assert sum(counts) == CONNECTIONS
    assert all(counts), counts  # every worker gets some (all on one: about 1 in 10^8)


@pytest.mark.parametrize("workers", [1, 3])
def test_a_port_in_use_by_another_server_is_one_sentence_not_shared(workers):
    sockets = listening_sockets("127.0.0.1", 0, 2)
    try:
        port = sockets[0].getsockname()[1]
        with pytest.raises(UserError, match=f"cannot listen on 127.0.0.1:{port}"):
            listening_sockets("127.0.0.1", port, workers)
    finally:
        for sock in sockets:
            sock.close()


def _database_sessions(url: str) -> tuple[int, int]:
    """Headquarters' connections open on the database now, and the sessions that ended
    because their client vanished without closing them (PostgreSQL 14 and later)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            "        AND application_name = 'screening-app headquarters'),"
            "       (SELECT sessions_abandoned FROM pg_stat_database"
            "        WHERE datname = current_database())").fetchone()


@pytest.mark.slow
def test_workers_stopped_by_sigterm_close_their_connections(
        tmp_path, ca_folder, hq_key, monkeypatch, postgres):
    url = postgres.new_database()
    folder = tmp_path / "hq"
    make_headquarters(folder, ca_folder, hq_key, monkeypatch, url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(folder), str(port), "2"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        server.stdin.write(HQ_PASSPHRASE + "\n")
        server.stdin.flush()
        assert server.stdout.readline().strip() == "listening", server.stderr.read()
        # Junk is counted in the database: each worker that takes some borrows a connection.
        for _ in range(8):
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                assert client.post("/api/v1/bundles", content=b"not a bundle"
                                   ).status_code == 400
        assert _database_sessions(url)[0] > 0
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=60)
    assert "a headquarters worker failed" not in errors
    deadline = time.monotonic() + 30
    while (held := _database_sessions(url))[0] and time.monotonic() < deadline:
        time.sleep(0.1)
    # A worker ended by the signal before closing its pool left its connections for the
    # database to find dropped; closed, they end as sessions do.
    assert held == (0, 0)
