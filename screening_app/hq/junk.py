"""Junk uploads: counted per client address, never one incident each.

An upload refused before any station's signature vouched for it (not a bundle, damaged,
forged, too big, stalled) could come from anyone, as often as they like: 1,003 junk POSTs
in ten seconds once made 1,003 incidents and buried the refusals that matter (a fork, a
revoked station, a record that differs) below the operators' page's latest 50. So such a
refusal only adds one to its address's row (``junk_posts``: first and last time, how many,
the last reason); incidents stay for bundles a station signed.

The HTTP layer refuses most junk before intake, on the event loop, where a database write
per refusal would let a flood fill the worker threads. ``JunkTally`` keeps those counts in
memory and writes them in batches, one batch at a time, on a worker thread.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from screening_app.domain.canonical import utc_now
from screening_app.hq.store_interface import HqStore

MAX_PENDING_ADDRESSES = 10_000  # beyond this (a flood from very many addresses) they share
MANY_ADDRESSES = "(many addresses)"  # one row, so memory stays bounded
log = logging.getLogger("screening_app.hq.junk")


@dataclass
class PendingJunk:
    refusals: int
    first_at: str
    last_at: str
    last_reason: str


def count_junk(store: HqStore, client_address: str, reason: str) -> int:
    """Count one junk upload now; returns the address's total."""
    now = utc_now()
    with store.transaction():
        return store.add_junk_posts(client_address, 1, first_at=now, last_at=now,
                                    last_reason=reason)


def write_pending(store: HqStore, pending: dict[str, PendingJunk]) -> None:
    with store.transaction():
        for address, junk in pending.items():
            store.add_junk_posts(address, junk.refusals, first_at=junk.first_at,
                                 last_at=junk.last_at, last_reason=junk.last_reason)


class JunkTally:
    """Junk refusals of the HTTP layer waiting to be written. ``add`` is called on the
    event loop; ``write`` (a batch, on a worker thread) by one task at a time."""

    def __init__(self, write: Callable[[dict[str, PendingJunk]], None]):
        self._write = write
        self._pending: dict[str, PendingJunk] = {}
        self._writer: asyncio.Task | None = None

    def add(self, client_address: str, reason: str) -> None:
        now = utc_now()
        if client_address not in self._pending and len(self._pending) >= MAX_PENDING_ADDRESSES:
            client_address = MANY_ADDRESSES
        junk = self._pending.get(client_address)
        if junk is None:
            self._pending[client_address] = PendingJunk(1, now, now, reason)
        else:
            junk.refusals, junk.last_at, junk.last_reason = junk.refusals + 1, now, reason
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_all())

    async def written(self) -> None:
        """Wait until what was added so far is written (or failed to be)."""
        while self._writer is not None and not self._writer.done():
            await self._writer

    async def _write_all(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            try:
                await run_in_threadpool(self._write, batch)
            except Exception:  # noqa: BLE001 -- counts are for operators; a refusal stands
                log.exception("could not write the count of %d junk uploads",
                              sum(junk.refusals for junk in batch.values()))
                return
