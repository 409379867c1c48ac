"""Slowing down password guessing at a station.

After ``FREE_FAILURES`` failed sign-ins in a row for one account name (known or not,
compared case-insensitively), that name must wait before its next attempt: 30 seconds,
doubling with each further failure up to 15 minutes. A success clears the name.

The state lives in a small JSON file in the station's data directory, not in the
database: the CLI is a new process for every command, and the attempt comes before the
database is unlocked once it is encrypted at rest. The file is replaced atomically (a
temporary file in the same folder, fsync, os.replace), so a power cut leaves the old
state or the new one, never half of either.

The file is a brake on guessing at the keyboard, not a secret: someone who can write the
data directory can reset it, and an unreadable file counts as empty so that a damaged
file never locks everyone out of the station.
"""

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.messages import ngettext
from screening_app.store.durable import write_atomically

SIGN_IN_ATTEMPTS_FILE = "sign-in-attempts.json"
FREE_FAILURES = 5
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
# A name's failures are forgotten a day after its last one, and the file keeps at most
# MAX_NAMES names, so typing many invented names cannot grow it without bound.
FORGET_AFTER_SECONDS = 24 * 60 * 60
MAX_NAMES = 2000
_FORMAT = 1


def delay_after(failures: int) -> int:
    """Seconds a name must wait after this many failures in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)


def describe_wait(seconds: int) -> str:
    """'30 seconds', '1 minute', '4 minutes' (minutes rounded up)."""
    if seconds <= 60:
        return ngettext("{count} second", "{count} seconds", seconds).format(count=seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes)


def throttle_key(name: str) -> str:
    return (name or "").strip().casefold()


@dataclass(frozen=True)
class _Record:
    failures: int
    last_failure: float  # seconds since the epoch, from the throttle's clock


class SignInThrottle:
    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self._clock = clock

    # -- the questions a sign-in asks -------------------------------------------------
    def wait_seconds(self, name: str) -> int:
        """0 when ``name`` may try its password now, else the whole seconds left."""
        record = self._read().get(throttle_key(name))
        return 0 if record is None else self._remaining(record)

    def failures(self, name: str) -> int:
        record = self._read().get(throttle_key(name))
        return 0 if record is None else record.failures

    def record_failure(self, name: str) -> int:
        """Count a wrong password for ``name``; returns the wait it now has (0: none)."""
        records = self._read()
        key = throttle_key(name)
        previous = records.get(key)
        record = _Record((previous.failures if previous else 0) + 1, self._clock())
        records[key] = record
        self._write(records)
        return delay_after(record.failures)

    def record_success(self, name: str) -> None:
        """A right password (or an admin's new one) clears the name's failures."""
        records = self._read()
        if records.pop(throttle_key(name), None) is not None:
            self._write(records)

    # -- internals ---------------------------------------------------------------------
    def _remaining(self, record: _Record) -> int:
        delay = delay_after(record.failures)
        if not delay:
            return 0
        left = record.last_failure + delay - self._clock()
        # A clock set back (a laptop's date corrected) must not stretch the wait: it is
        # never longer than the delay itself.
        return max(0, min(delay, math.ceil(left)))

    def _read(self) -> dict[str, _Record]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, unreadable or not JSON: no failures
            return {}
        names = document.get("names") if isinstance(document, dict) else None
        if not isinstance(names, dict):
            return {}
        records = {}
        for key, value in names.items():
            try:
                failures, last = int(value["failures"]), float(value["last_failure"])
            except (TypeError, KeyError, ValueError):
                continue  # one damaged entry does not lose the others
            if failures > 0:
                records[str(key)] = _Record(failures, last)
        return records

    def _prune(self, records: dict[str, _Record]) -> dict[str, _Record]:
        now = self._clock()
        kept = {k: r for k, r in records.items()
                if now - r.last_failure < FORGET_AFTER_SECONDS or self._remaining(r)}
        if len(kept) > MAX_NAMES:
            # Names already made to wait are the last to go, then the most recent.
            ranked = sorted(kept.items(), key=lambda item: (
                item[1].failures >= FREE_FAILURES, item[1].last_failure), reverse=True)
            kept = dict(ranked[:MAX_NAMES])
        return kept

    def _write(self, records: dict[str, _Record]) -> None:
        document = {"format": _FORMAT, "names": {
            key: {"failures": r.failures, "last_failure": r.last_failure}
            for key, r in sorted(self._prune(records).items())}}
        data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        write_atomically(self.path, data)
