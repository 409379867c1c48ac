"""Unexpected failures, written down where a developer can find them and said in one
sentence to the person who met them: the command line and the desktop app alike.

The log records where a failure happened (files, lines, functions, exception types) and
never what it was about: an exception's message can quote a name or an answer, and the
log file outlives the session. A digest of each message lets a developer match two
reports.
"""

import hashlib
import traceback
from pathlib import Path

import platformdirs

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.store.connection import storage_failure


def log_path(data_dir: Path) -> Path:
    folder = data_dir / "logs" if data_dir.is_dir() else Path(platformdirs.user_log_dir(
        "screening-app", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "screening-app.log"


def loggable_traceback(error: BaseException) -> str:
    """The traceback of ``error`` and of what caused it, places only (see the module)."""
    lines = [f"{utc_now()} unexpected failure\n"]
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for exception in reversed(chain):
        # Places only: a source line can hold a value too (a literal, an f-string).
        lines += [f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
                  for frame in traceback.extract_tb(exception.__traceback__)]
        digest = hashlib.sha256(str(exception).encode("utf-8", "replace")).hexdigest()[:12]
        lines.append(f"{type(exception).__module__}.{type(exception).__qualname__}"
                     f" (message withheld, sha256 {digest})\n")
    return "".join(lines)


def log_failure(data_dir: Path, error: BaseException) -> Path | None:
    """Append the failure's traceback to the station's log; the log's path, or None when
    it cannot be written (a full or read-only disk)."""
    try:
        path = log_path(data_dir)
        with path.open("a", encoding="utf-8") as log_file:
            log_file.write(loggable_traceback(error))
        return path
    except OSError:
        return None


def failure_sentence(error: BaseException, data_dir: Path) -> str:
    """What the person is told: a refusal or bad input as it explains itself; anything
    else as an unexpected failure, logged with its traceback, and where the log is."""
    if isinstance(error, UserError):
        return str(error)
    # A full disk or a folder that cannot be written to is the user's to fix, not a bug.
    storage = storage_failure(error, data_dir)
    if storage is not None:
        return str(storage)
    path = log_failure(data_dir, error)
    where = f" Details are in {path}." if path is not None else ""
    return f"Unexpected failure: {error or type(error).__name__}.{where}"
