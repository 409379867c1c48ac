"""Keeping pyHanko's own warnings off the console while a PDF is checked.

pyHanko logs every failed certificate path and every suspicious update as a warning with a
traceback. The program configures no logging handler, so Python would print them to stderr:
exactly the tracebacks a user must never see for a bad file. The verdict already says what
is wrong in one sentence, so these records are dropped while a check runs: pyHanko's
modules log under the two package loggers and inherit their level.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

PYHANKO_LOGGERS = ("pyhanko", "pyhanko_certvalidator")

_lock = threading.Lock()
_active = 0  # checks under way: the loggers are re-enabled when the last one ends
_levels_before: dict[str, int] = {}
# Above CRITICAL: nothing from pyHanko's modules (which inherit the level) gets through.
SILENT = logging.CRITICAL + 1


@contextmanager
def quiet_pyhanko_logs() -> Iterator[None]:
    global _active
    with _lock:
        if _active == 0:
            for name in PYHANKO_LOGGERS:
                logger = logging.getLogger(name)
                _levels_before[name] = logger.level
                logger.setLevel(SILENT)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                for name in PYHANKO_LOGGERS:
                    logging.getLogger(name).setLevel(_levels_before.pop(name))
