"""Connections to headquarters' HTTP intake, each held only as long as it is worth it.

uvicorn (0.55, h11) starts no timer when a connection opens: one that sends half its
request headers, or one byte of them every few seconds, is held for ever (1,100 such stayed
open in a test), and nothing bounds how many are open at once. ``guarded_protocol`` makes
the h11 protocol close a connection whose request headers are not whole within a deadline
(counted from the connection's start, or from the end of its previous response, so
trickling bytes does not extend it), and close at once a connection beyond a maximum.
uvicorn's own ``limit_concurrency`` (set by ``make_server``) then answers requests beyond
its bound with 503, and ``timeout_keep_alive`` closes idle connections between requests.
"""

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("screening_app.hq.connections")


class _GuardedH11Protocol(H11Protocol):
    headers_seconds: float
    max_connections: int

    _headers_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            log.warning("closed a connection from %s: %d connections are open already",
                        self.client, self.max_connections)
            transport.abort()
            return
        self._arm_headers_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the request's headers are whole
            self._disarm_headers_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Pipelined bytes may already hold the next request; else the next one starts now.
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_headers_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_headers_deadline()
        super().connection_lost(exc)

    def _arm_headers_deadline(self) -> None:
        self._disarm_headers_deadline()
        self._headers_deadline = self.loop.call_later(self.headers_seconds,
                                                      self._headers_too_late)

    def _disarm_headers_deadline(self) -> None:
        if self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None

    def _headers_too_late(self) -> None:
        self._headers_deadline = None
        if not self.transport.is_closing():
            log.info("closed a connection from %s: no whole request headers within %g"
                     " seconds", self.client, self.headers_seconds)
            self.transport.abort()


def guarded_protocol(*, headers_seconds: float, max_connections: int) -> type[H11Protocol]:
    """The h11 protocol class with these bounds, for ``uvicorn.Config(http=...)``."""
    return type("GuardedH11Protocol", (_GuardedH11Protocol,),
                {"headers_seconds": headers_seconds, "max_connections": max_connections})
