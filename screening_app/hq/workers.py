"""Several server processes on one port, for headquarters on PostgreSQL.

The parent opens headquarters with its passphrase once, makes one listening socket per
worker, all on the same port (SO_REUSEPORT), and forks the workers: each inherits the
unsealed keys and its own socket, opens headquarters' store anew (a connection, or a pool of
them, is never shared across processes; the parent's is closed before the fork), serves with
uvicorn, and closes its store, pool included, when it stops. The kernel spreads new
connections over the sockets. One socket shared by every worker would not: the first worker to wake accepts
every connection waiting, so stations pushing at the same moment were all taken in by one
process, one after another, while the others stood idle. The parent keeps the sockets, so
connections wait in a socket's queue until its worker accepts them, and a worker that dies
is replaced on the same socket without losing them; Ctrl+C or SIGTERM stops them all. SQLite lets one writer in at a time, so a headquarters on SQLite
serves from one process (``hq serve`` says so when asked for more).

Forking needs a POSIX system; headquarters runs on Linux.
"""

import logging
import os
import signal
import socket
from collections.abc import Callable

from screening_app.domain.errors import UserError
from screening_app.hq.headquarters import Headquarters

log = logging.getLogger("screening_app.hq.workers")


def check_workers(hq: Headquarters, workers: int) -> None:
    if workers < 1:
        raise UserError("Give at least one worker.")
    if workers > 1 and hq.store.serialises_writers:
        raise UserError("Several workers need headquarters on PostgreSQL (hq init --database);"
                        " on SQLite one process takes in one bundle at a time.")
    if workers > 1 and not hasattr(os, "fork"):
        raise UserError("Several workers need a POSIX system (Linux); serve with one here.")


def listening_sockets(host: str, port: int, workers: int = 1) -> list[socket.socket]:
    """One listening socket for each worker, all on ``port`` (with port 0, the one the
    first is given): connections wait in their queues until a worker accepts them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        if workers > 1:
            # Sockets on a port in use are refused unless every one of them allows sharing
            # it: first claim the port alone, so that a server already on it (a second
            # headquarters started by mistake) is a refusal here, not a share of its
            # connections. (Another process of this same account could still join.)
            with socket.create_server((host, port), family=family) as alone:
                port = alone.getsockname()[1]
        for _ in range(workers):
            sock = socket.create_server((host, port), family=family, backlog=2048,
                                        reuse_port=workers > 1)
            sockets.append(sock)
            port = sock.getsockname()[1]
    except OSError as error:
        for sock in sockets:
            sock.close()
        raise UserError(f"Headquarters cannot listen on {host}:{port}:"
                        f" {error.strerror or error}.") from None
    for sock in sockets:
        sock.set_inheritable(True)
    return sockets


def _work(hq: Headquarters, sock: socket.socket,
          run_worker: Callable[[Headquarters, socket.socket], None]) -> None:
    """A forked worker: serve on a store of its own, closed when serving ends. uvicorn stops
    on SIGINT or SIGTERM and then raises the signal again: here that ends the worker through
    SystemExit, after its store is closed (the parent's handler, inherited, must not run)."""
    def stop(signum, frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    own = hq.reopened()
    try:
        run_worker(own, sock)
    finally:
        # A second signal must not cut the closing short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        own.close()


def serve_with_workers(hq: Headquarters, sockets: list[socket.socket],
                       run_worker: Callable[[Headquarters, socket.socket], None]) -> None:
    """Fork a process for each socket (``listening_sockets``), which calls
    ``run_worker(its_hq, sock)`` until stopped, ``its_hq`` being ``hq`` on a store of the
    worker's own; replace any that dies, on its socket; stop them all on SIGINT or SIGTERM.
    Returns when all ended."""
    workers = len(sockets)
    check_workers(hq, workers)
    # The parent's own connection must not be used by the children: close it before forking.
    hq.store.close()
    children: dict[int, socket.socket] = {}  # each worker's process id: its socket
    stopping = False

    def start_one(sock: socket.socket) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                _work(hq, sock, run_worker)
            except SystemExit:
                pass  # stopped by SIGINT or SIGTERM
            except BaseException:  # noqa: BLE001 -- logged; the parent starts another
                log.exception("a headquarters worker failed")
                code = 1
            finally:
                os._exit(code)
        children[pid] = sock

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                children.pop(pid, None)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT,
                                                                     signal.SIGTERM)}
    try:
        for sock in sockets:
            start_one(sock)
        log.info("headquarters serves with %d workers", workers)
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            sock = children.pop(pid, None)
            if not stopping and sock is not None:
                log.warning("worker %d ended (status %d); starting another", pid, status)
                start_one(sock)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for sock in sockets:
            sock.close()
