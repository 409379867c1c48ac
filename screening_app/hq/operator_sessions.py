"""Operators' sign-in: sessions, form tokens, throttling and the bound on password checks.

- A signed-in operator holds a random session token in an HttpOnly, SameSite=Strict
  cookie; the sessions live in headquarters' store (only the token's hash), so every
  process of ``hq serve --workers N`` knows them, and each expires after a while unused
  and after a working day in any case.
- Every form that changes something carries the session's own form token (CSRF): the
  cookie alone, which a browser attaches by itself, is never enough. The sign-in form,
  made before there is a session, carries a token equal to a cookie of its own.
- Wrong passwords are throttled per account and per client address: a few are free, then
  each costs a doubling wait (refused with 429 and Retry-After, without checking the
  password), and repeated failures are written down as an incident. The failures are
  counted in the store, so several server processes count them together.
- A password check is an argon2id hash of 64 MiB: forty at once took 2.3 GB and seconds
  per page. Only ``MAX_CHECKS_AT_ONCE`` run together; a few more may wait their turn, the
  rest are refused at once (429) instead of queueing without end. Under ``hq serve
  --workers N`` the bound holds for the server, not each process: the parent makes a
  semaphore the workers it forks share (``share_checks_between_processes``).
"""

import asyncio
import hashlib
import hmac
import logging
import math
import multiprocessing
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from screening_app.store.connection import StorageFailure

log = logging.getLogger("screening_app.hq.operator_sessions")

SESSION_COOKIE = "hq_session"
SIGN_IN_COOKIE = "hq_sign_in"  # the sign-in form's own token (before there is a session)
IDLE_SECONDS = 30 * 60
LONGEST_SESSION_SECONDS = 12 * 3600
# A page only reads; marking the session seen is a write, made at most this often, so that
# pages do not queue behind a long intake for SQLite's write lock on every request.
SEEN_EVERY_SECONDS = 60

FREE_FAILURES = 5  # wrong passwords before each further attempt costs a wait
LONGEST_WAIT_SECONDS = 15 * 60
FAILURES_FORGOTTEN_AFTER_SECONDS = 60 * 60  # a quiet hour and the count starts again
INCIDENT_EVERY = 10  # an incident at the 10th, 20th... failure of an account or an address

# Repeated failed sign-ins are incidents of the kind "sign_in" whose reason starts with
# this; before HQ migration 0009 they were of the kind "refused", told apart by it alone.
SIGN_IN_INCIDENT = "Repeated failed sign-ins: "
SIGN_IN_KIND = "sign_in"

MAX_CHECKS_AT_ONCE = 2
MAX_WAITING_CHECKS = 6


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    """Compared in constant time; an empty token never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


# -- sessions -------------------------------------------------------------------------------
@dataclass
class Session:
    operator: str
    form_token: str  # every form of this session carries it
    started: float
    last_seen: float
    token_sha256: str  # how the store knows it (the token itself is only in the cookie)
    notice: tuple[str, str] | None = None  # (kind, sentence) shown once on the next page


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionTable:
    """Sessions kept in headquarters' store. Each method takes the store of the calling
    thread (a connection stays on the thread that opened it); times are wall-clock seconds,
    the same in every process."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self._clock = clock

    def open(self, store, operator: str) -> tuple[str, Session]:
        now = self._clock()
        token, form_token = new_token(), new_token()
        with store.transaction():
            store.end_operator_sessions_before(now - IDLE_SECONDS,
                                               now - LONGEST_SESSION_SECONDS)
            store.insert_operator_session(token_digest(token), operator, form_token, now)
        return token, Session(operator, form_token, now, now, token_digest(token))

    def find(self, store, token: str | None) -> Session | None:
        """The live session of this token (its idle time starts again), or None."""
        if not token:
            return None
        digest = token_digest(token)
        row = store.operator_session(digest)
        if row is None:
            return None
        now = self._clock()
        if now - row.last_seen_at > IDLE_SECONDS or now - row.started_at > LONGEST_SESSION_SECONDS:
            with store.transaction():
                store.end_operator_session(digest)
            return None
        seen = row.last_seen_at
        if now - seen >= SEEN_EVERY_SECONDS:
            try:
                with store.transaction():
                    store.touch_operator_session(digest, now)
                seen = now
            except StorageFailure:  # the database is busy: marked seen on a later page
                log.info("a session was not marked seen: the database is busy")
        return Session(row.operator, row.form_token, row.started_at, seen, digest, row.notice)

    def close(self, store, token: str | None) -> None:
        if token:
            with store.transaction():
                store.end_operator_session(token_digest(token))

    def keep_notice(self, store, session: Session) -> None:
        """Keep ``session.notice`` for the next page (None: it was shown)."""
        with store.transaction():
            store.set_operator_session_notice(session.token_sha256, session.notice)


# -- throttling -----------------------------------------------------------------------------
class SignInThrottle:
    """Failures by account name and by client address, kept in headquarters' store (every
    server process counts the same failures). Each method takes the calling thread's store;
    times are wall-clock seconds."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock

    @staticmethod
    def keys(name: str, address: str) -> list[str]:
        return [f"account:{name.strip().casefold()}", f"address:{address}"]

    def wait_seconds(self, store, name: str, address: str) -> int:
        """How long before this attempt may be checked (0: now)."""
        now = self.clock()
        held = store.sign_in_failures(self.keys(name, address))
        longest = max((blocked_until - now for _, last, blocked_until in held.values()
                       if now - last <= FAILURES_FORGOTTEN_AFTER_SECONDS), default=0.0)
        return math.ceil(longest) if longest > 0 else 0

    def failed(self, store, name: str, address: str) -> list[tuple[str, int]]:
        """Count a wrong password; returns the (key, count) pairs that reached an
        incident."""
        now = self.clock()
        reached = []
        keys = self.keys(name, address)
        with store.transaction():
            store.forget_sign_in_failures_before(now - FAILURES_FORGOTTEN_AFTER_SECONDS)
            held = store.sign_in_failures(keys)
            for key in keys:
                count = held.get(key, (0, now, 0.0))[0] + 1
                beyond = count - FREE_FAILURES
                blocked_until = (now + min(2 ** (beyond - 1), LONGEST_WAIT_SECONDS)
                                 if beyond > 0 else 0.0)
                store.put_sign_in_failures(key, count, now, blocked_until)
                if count % INCIDENT_EVERY == 0:
                    reached.append((key, count))
        return reached

    def succeeded(self, store, name: str, address: str) -> None:
        with store.transaction():
            store.forget_sign_in_failures(self.keys(name, address))


# -- the bound on password checks ------------------------------------------------------------
class Busy(Exception):
    """Too many sign-ins are being checked; try again in a moment."""


# Made by the parent of 'hq serve --workers N' before it forks (hq/workers.py); None in a
# server of one process.
_shared_checks = None
# How often a check waiting for another process's turn looks again.
_SHARED_POLL_SECONDS = 0.05


def share_checks_between_processes(at_once: int = MAX_CHECKS_AT_ONCE) -> None:
    """The bound on password checks for every process forked from this one from now on."""
    global _shared_checks
    _shared_checks = multiprocessing.get_context("fork").BoundedSemaphore(at_once)


class CheckGate:
    """At most ``MAX_CHECKS_AT_ONCE`` password checks at once, ``MAX_WAITING_CHECKS`` more
    waiting; the rest are turned away (``Busy``). Used from the event loop only. In a
    worker of several, a check also takes a turn from the processes' shared bound."""

    def __init__(self, at_once: int = MAX_CHECKS_AT_ONCE, waiting: int = MAX_WAITING_CHECKS,
                 shared=None):
        self._slots = asyncio.Semaphore(at_once)
        self._max_waiting = waiting
        self._shared = shared if shared is not None else _shared_checks
        self._waiting = 0
        self.running = 0
        self.most_running = 0  # the highest number of checks ever run together

    async def __aenter__(self) -> "CheckGate":
        if self._slots.locked() and self._waiting >= self._max_waiting:
            raise Busy()
        self._waiting += 1
        try:
            await self._slots.acquire()
            try:
                await self._shared_turn()
            except BaseException:
                self._slots.release()
                raise
        finally:
            self._waiting -= 1
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        return self

    async def _shared_turn(self) -> None:
        # Polled, never waited for on a thread: a sign-in given up (the client went away)
        # while waiting then holds no turn it would never give back.
        while self._shared is not None and not self._shared.acquire(False):
            await asyncio.sleep(_SHARED_POLL_SECONDS)

    async def __aexit__(self, *exc_info) -> None:
        self.running -= 1
        if self._shared is not None:
            self._shared.release()
        self._slots.release()
