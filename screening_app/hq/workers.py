"""Several server processes on one port, for headquarters on PostgreSQL.

The parent opens headquarters with its passphrase once, binds the listening socket, and
forks the workers: each inherits the unsealed keys and the socket, opens its own database
connections (a connection is never shared across processes), and serves with uvicorn. The
kernel hands each new connection to one of them. A worker that dies is replaced; Ctrl+C or
SIGTERM stops them all. SQLite lets one writer in at a time, so a headquarters on SQLite
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


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=2048)
    except OSError as error:
        raise UserError(f"Headquarters cannot listen on {host}:{port}:"
                        f" {error.strerror or error}.") from None
    sock.set_inheritable(True)
    return sock


def serve_with_workers(hq: Headquarters, sock: socket.socket, workers: int,
                       run_worker: Callable[[Headquarters, socket.socket], None]) -> None:
    """Fork ``workers`` processes that each call ``run_worker(hq, sock)`` until stopped;
    replace any that dies; stop them all on SIGINT or SIGTERM. Returns when all ended."""
    check_workers(hq, workers)
    # The parent's own connection must not be used by the children: close it before forking.
    hq.store.close()
    children: set[int] = set()
    stopping = False

    def start_one() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                run_worker(hq, sock)
            except BaseException:  # noqa: BLE001 -- logged; the parent starts another
                log.exception("a headquarters worker failed")
                code = 1
            finally:
                os._exit(code)
        children.add(pid)

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                children.discard(pid)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT,
                                                                     signal.SIGTERM)}
    try:
        for _ in range(workers):
            start_one()
        log.info("headquarters serves with %d workers", workers)
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            children.discard(pid)
            if not stopping:
                log.warning("worker %d ended (status %d); starting another", pid, status)
                start_one()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        sock.close()
