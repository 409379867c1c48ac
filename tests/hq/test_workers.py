"""`hq serve --workers N` listens on one socket per worker, all on the same port: the kernel
spreads connections over them. With one socket shared by every worker, the first to wake
accepted every connection waiting, and stations pushing at the same moment were taken in by
one process, one after another."""

import socket

import pytest

from screening_app.domain.errors import UserError
from screening_app.hq.workers import listening_sockets

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
