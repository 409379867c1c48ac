"""How much headquarters' HTTP intake takes on at once, and for how long it waits.

Measured before these limits: three clients that sent 1 GB each and stalled held 2.9 GB of
disk indefinitely, and 1,100 connections that never finished their headers stayed open.
Every limit here is a keyword of ``make_server``/``serve`` (through ``UploadLimits``); the
defaults suit a headquarters that tens of camps push to over slow links.
"""

import threading
from dataclasses import dataclass

MAX_BUNDLE_BYTES = 2 << 30  # 2 GiB: far more than a camp's forms; more means a mistake
MAX_RECEIVING_BYTES = 4 << 30  # every upload in progress together: two of the largest
BODY_STALL_SECONDS = 60.0  # a camp's satellite link may pause, but not for a minute
MIN_BODY_BYTES_PER_SECOND = 1024  # on average over each such stretch: GPRS does 5 times it
HEADERS_SECONDS = 10.0  # request headers are a few hundred bytes: any link sends them sooner
MAX_CONNECTIONS = 256  # beyond this a new connection is closed at once (file descriptors)
LIMIT_CONCURRENCY = 128  # beyond this uvicorn answers requests 503 (tasks and threads)
RETRY_AFTER_SECONDS = 300


@dataclass(frozen=True)
class UploadLimits:
    max_bundle_bytes: int = MAX_BUNDLE_BYTES
    max_receiving_bytes: int = MAX_RECEIVING_BYTES
    body_stall_seconds: float = BODY_STALL_SECONDS
    min_body_bytes_per_second: int = MIN_BODY_BYTES_PER_SECOND
    headers_seconds: float = HEADERS_SECONDS
    max_connections: int = MAX_CONNECTIONS
    limit_concurrency: int = LIMIT_CONCURRENCY


class ReceivingBudget:
    """The bytes all uploads in progress may hold on disk together. Each upload takes its
    bytes as they come and gives them back when its folder is removed. Taken on the event
    loop, given back on worker threads."""

    def __init__(self, limit: int):
        self.limit = limit
        self._held = 0
        self._lock = threading.Lock()

    @property
    def held(self) -> int:
        with self._lock:
            return self._held

    @property
    def free(self) -> int:
        with self._lock:
            return self.limit - self._held

    def reservation(self) -> "Reservation":
        return Reservation(self)

    def _take(self, size: int) -> bool:
        with self._lock:
            if self._held + size > self.limit:
                return False
            self._held += size
            return True

    def _give_back(self, size: int) -> None:
        with self._lock:
            self._held -= size


class Reservation:
    """One upload's share of the budget."""

    def __init__(self, budget: ReceivingBudget):
        self.budget = budget
        self.size = 0

    def grow_to(self, size: int) -> bool:
        """Hold ``size`` bytes in all; False (holding what it held) when over the budget."""
        if size <= self.size:
            return True
        if not self.budget._take(size - self.size):
            return False
        self.size = size
        return True

    def release(self) -> None:
        """Give everything back; a second call gives nothing."""
        size, self.size = self.size, 0
        if size:
            self.budget._give_back(size)
