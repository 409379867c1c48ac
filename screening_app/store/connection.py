"""The one place where a station database is opened.

Every connection the program makes goes through ``open_database`` so that the
durability settings and the encryption at rest below apply everywhere. A connection
belongs to the thread that opened it.

A station database is encrypted with SQLCipher under a random 256-bit key (see
store/keyfile.py for how accounts unlock it); without the key the file, its WAL and its
journal are noise. Headquarters' own store is opened without a key.

A full disk, a folder that cannot be written to or a disk (or stick) that fails with an
input/output error is not a bug: ``storage_failure`` turns the errors they cause (SQLite's
and the operating system's) into one sentence naming the folder, and every way in
(opening, write transactions, the CLI's last line of defence) goes through it.
"""

import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlcipher3 import dbapi2 as sqlcipher

from screening_app.domain.canonical import local_minute
from screening_app.domain.errors import UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _

if TYPE_CHECKING:  # imported by open_database: the sign-in window shows without it
    from sqlite_utils import Database

DATABASE_FILENAME = "station.sqlite3"
BUSY_TIMEOUT_MS = 10_000
# 64 MB of page cache: a 200,000-person roster and its indexes fit, so imports and
# searches do not re-read pages from disk.
CACHE_SIZE_KIB = 65_536
KEY_BYTES = 32
# Errors of either driver, for code that must tell a database failure from a bug.
DATABASE_ERRORS = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
INTEGRITY_ERRORS = (sqlite3.IntegrityError, sqlcipher.IntegrityError)


class WrongDatabaseKey(UserError):
    pass


# -- a full disk, a read-only folder, a failing disk ----------------------------------------
class StorageFailure(UserError):
    """A write failed because of where it goes, not what it holds: nothing was saved."""

    def __init__(self, message: str, folder: Path | None):
        super().__init__(message)
        self.folder = folder


class DiskFull(StorageFailure):
    pass


class FolderNotWritable(StorageFailure):
    pass


class DiskFailed(StorageFailure):
    """The disk or stick answered a write (or an open for writing) with an input/output
    error: failing hardware, a stick pulled out, a network share gone."""


class StationBusy(StorageFailure):
    """Another program held the station's write lock for longer than the busy timeout."""


# SQLite's primary result codes (the low byte of an extended code), and the messages its
# drivers give for them where an exception carries no code.
_SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 5, 8, 10, 13, 14
_SQLITE_MESSAGES = {
    "database is locked": _SQLITE_BUSY,
    "attempt to write a readonly database": _SQLITE_READONLY,
    "disk i/o error": _SQLITE_IOERR,
    "database or disk is full": _SQLITE_FULL,
    "unable to open database file": _SQLITE_CANTOPEN,
}
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_NOT_WRITABLE_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
# SQLite says only "disk I/O error" or "unable to open" when it cannot grow its shared
# memory file or create its journal; with less free space than this the disk is the cause.
_LOW_SPACE_BYTES = 1024 * 1024


def storage_failure(error: BaseException, folder: Path | str | None = None
                    ) -> StorageFailure | None:
    """The user's sentence for ``error`` when a full disk, a folder that cannot be written
    to or a failing disk caused it, else None (a bug or a damaged file, to be reported as
    such). ``folder`` is where the failed write was going when the error does not name a
    file itself."""
    if isinstance(error, StorageFailure):
        return error
    if isinstance(error, OSError):
        if error.filename:
            folder = Path(os.fsdecode(error.filename)).parent
        if error.errno in _FULL_ERRNOS:
            return _disk_full(folder)
        if error.errno == errno.EROFS:
            return _not_writable(folder, "read-only")
        if error.errno == errno.EIO:
            return _disk_failed(folder)
        why = _why_not_writable(folder) if folder is not None else None
        if error.errno in _NOT_WRITABLE_ERRNOS and why:
            # A file that could not be read is reported elsewhere: only a folder that
            # refuses writes is this kind of failure.
            return _not_writable(folder, why)
        return None
    if not isinstance(error, DATABASE_ERRORS):
        return None
    code = _sqlite_code(error)
    if code == _SQLITE_BUSY:
        return StationBusy(
            _("The station is busy with other work (another program, such as a long import,"
              " held it for more than {seconds:g} s): nothing was saved; try again when that"
              " work has finished.").format(seconds=BUSY_TIMEOUT_MS / 1000), _shown(folder))
    if code == _SQLITE_FULL:
        return _disk_full(folder)
    if code == _SQLITE_READONLY:
        if folder is None:
            return _not_writable(folder, "read-only")
        why = _why_not_writable(folder) or _why_database_not_writable(folder)
        # SQLite opens a file read-only when opening it for writing failed for any reason:
        # in a writable folder, with a writable file, that reason was the disk.
        return _not_writable(folder, why) if why else _disk_failed(folder)
    if code in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        if folder is None:
            return _disk_failed(folder) if code == _SQLITE_IOERR else None
        why = _why_not_writable(folder)
        if why:
            return _not_writable(folder, why)
        if _free_bytes(folder) < _LOW_SPACE_BYTES or _at_file_size_limit(folder):
            return _disk_full(folder)
        # "Unable to open" in a folder that is not there is another kind of failure; in
        # one that is, writable and with room, the disk failed to open the file.
        if code == _SQLITE_IOERR or os.path.isdir(folder):
            return _disk_failed(folder)
    return None


@contextmanager
def storage_errors(folder: Path | str | None | Callable[[], Path | None]) -> Iterator[None]:
    """Raise a full disk or an unwritable folder met inside as its ``StorageFailure``;
    ``folder`` (or a function giving it, asked only on failure) is where writes go."""
    try:
        yield
    except (OSError, *DATABASE_ERRORS) as error:
        failure = storage_failure(error, folder() if callable(folder) else folder)
        if failure is None:
            raise
        raise failure from error


def _disk_full(folder: Path | str | None) -> DiskFull:
    folder = _shown(folder)
    if folder is None:
        sentence = _("A disk this needs is full: nothing was saved; free some space and try"
                     " again.")
    else:
        sentence = _("The disk holding {folder} is full: nothing was saved; free some space and"
                     " try again.").format(folder=folder)
    return DiskFull(sentence, folder)


def _disk_failed(folder: Path | str | None) -> DiskFailed:
    folder = _shown(folder)
    if folder is None:
        sentence = _("A disk this needs failed while writing (an input/output error): nothing"
                     " was saved; check the disk or stick (or use another) and try again.")
    else:
        sentence = _("The disk holding {folder} failed while writing (an input/output"
                     " error): nothing was saved; check the disk or stick (or use another)"
                     " and try again.").format(folder=folder)
    return DiskFailed(sentence, folder)


def _not_writable(folder: Path | str | None, why: str) -> FolderNotWritable:
    folder = _shown(folder)
    why = _(WHY_NOT_WRITABLE[why]) if why in WHY_NOT_WRITABLE else why
    if folder is None:
        sentence = _("A folder this needs cannot be written to ({why}): nothing was saved;"
                     " make it writable and try again.")
    elif (Path(folder) / DATABASE_FILENAME).is_file():
        sentence = _("The station's folder {folder} cannot be written to ({why}): nothing was"
                     " saved; make it writable and try again.")
    else:
        sentence = _("The folder {folder} cannot be written to ({why}): nothing was saved; make"
                     " it writable and try again.")
    return FolderNotWritable(sentence.format(folder=folder, why=why), folder)


# Why a folder refuses writes, as the sentence says it (translated where used).
WHY_NOT_WRITABLE = {"read-only": N_("read-only"), "permission denied": N_("permission denied")}


def _shown(folder: Path | str | None) -> Path | None:
    """The folder the user knows: not a ``.NAME.partial`` one that a whole-or-nothing write
    (a backup, a bundle) was filling and has removed."""
    if folder is None:
        return None
    folder = Path(folder)
    while folder.name.startswith(".") and folder.name.endswith(".partial"):
        folder = folder.parent
    return folder


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    return _SQLITE_MESSAGES.get(str(error).strip().lower())


def _why_not_writable(folder: Path | str) -> str | None:
    """"read-only" or "permission denied" for a folder that refuses writes, else None."""
    if not os.path.isdir(folder):
        return None  # a folder that is not there is another kind of failure
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only"
    except (OSError, AttributeError):  # no statvfs on Windows
        pass
    return None if os.access(folder, os.W_OK) else "permission denied"


def _why_database_not_writable(folder: Path | str) -> str | None:
    """"permission denied" when a station database file in ``folder`` refuses writes."""
    files = Path(folder).glob(f"{DATABASE_FILENAME}*")
    return "permission denied" if any(not os.access(f, os.W_OK) for f in files) else None


def _free_bytes(folder: Path | str) -> int:
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):
        return _LOW_SPACE_BYTES  # unknown: do not call a disk full on a guess
    return stats.f_bavail * stats.f_frsize


def _at_file_size_limit(folder: Path | str) -> bool:
    """A file in ``folder`` stopped at the process's file size limit (``ulimit -f``), where
    SQLite fails with EFBIG as it would with ENOSPC, but says only "disk I/O error"."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if limit == resource.RLIM_INFINITY:
        return False
    try:
        return any(path.is_file() and path.stat().st_size >= limit
                   for path in Path(folder).iterdir())
    except OSError:
        return False


def database_folder(db: "Database") -> Path | None:
    """The folder holding ``db``'s main file (None for an in-memory database)."""
    try:
        row = db.conn.execute("PRAGMA database_list").fetchone()
    except DATABASE_ERRORS:
        return None
    return Path(row[2]).parent if row and row[2] else None


def local_date(timestamp: str | None, zone: str) -> str | None:
    """The date at ``zone`` (an IANA name) of a stored UTC timestamp; in SQL as
    ``local_date(column, ?)``, so that days are grouped and filtered as the station's
    local days."""
    return local_minute(timestamp, zone)[:10] if timestamp else None


def empty_the_log(db: "Database") -> None:
    """Copy the write-ahead log into the database and truncate it: the page versions it
    holds from before the last writes are gone from the disk's live files."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def open_database(path: Path | str, key: bytes | None = None) -> "Database":
    """Open (creating if needed) the SQLite file at ``path`` with the station's settings;
    with ``key``, as a SQLCipher database encrypted under that raw key.

    - WAL: readers never block the writer, and a crash leaves the last committed state.
    - synchronous=FULL: in WAL mode NORMAL may lose the last committed transactions on
      power loss; a finalised choice must survive a power cut, so every commit syncs.
    - foreign_keys=ON: SQLite leaves them off by default.
    - busy_timeout: the GUI and a CLI command may touch the same station at once.
    - temp_store=MEMORY: sorts and temporary tables never spill to disk in clear.
    - secure_delete: what a write replaces or deletes is overwritten with zeros, not left
      in a free page, where anyone holding the database key (every account's password
      opens it) would read a value since sealed (records sealed at an upgrade, a draft's
      step before it was sealed). SQLCipher turns it on for a keyed database already;
      stated here so that no one turns it off for speed.

    A full disk or a read-only folder raises ``StorageFailure`` (opening a WAL database
    creates its shared-memory file beside it).
    """
    folder = Path(path).parent
    with storage_errors(folder):
        if key is None:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        else:
            conn = _open_encrypted(path, key)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("PRAGMA secure_delete=ON")
            conn.create_function("local_date", 2, local_date, deterministic=True)
        except BaseException:
            conn.close()
            raise
    # sqlite-utils (with click, dateutil and pluggy, ~50 ms) is loaded with the first
    # database opened: the sign-in window shows without it.
    from sqlite_utils import Database

    # No sqlite-utils plugins: the station's connection is the program's own.
    return Database(conn, execute_plugins=False)


def _open_encrypted(path: Path | str, key: bytes):
    if len(key) != KEY_BYTES:
        raise ValueError("a database key has 32 bytes")
    conn = sqlcipher.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    # A raw key (x'...'): no passphrase derivation here, the key is random already.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as error:
        conn.close()
        # The first read is also the first time SQLite touches the folder (its WAL and
        # shared-memory files): a full disk must not be taken for another station's file.
        failure = storage_failure(error, Path(path).parent)
        if failure is not None:
            raise failure from error
        raise WrongDatabaseKey(_("{file} does not open with this key: it belongs to another"
                                 " station, or it is damaged.").format(
                                     file=Path(path).name)) from None
    return conn


def is_plain_sqlite(path: Path | str) -> bool:
    """True for an unencrypted SQLite file (the header SQLCipher replaces with noise)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


@contextmanager
def write_transaction(db: "Database") -> Iterator["Database"]:
    """A transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    Writers that read before they write (the event chain reads its head, an import
    compares with existing rows) must not race another process between the read and
    the write; nested use becomes a savepoint.

    A full disk or a read-only folder raises ``StorageFailure`` with nothing written; a
    COMMIT that fails (where a full disk usually shows) rolls back too, so the connection
    is never left inside a transaction that later writes would silently join.
    """
    with storage_errors(lambda: database_folder(db)):
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
            # The body may have rolled back on purpose (a dry run): nothing to commit then.
            if db.conn.in_transaction:
                db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise


def abandon_transaction(db: "Database") -> None:
    """Roll back the open transaction on purpose (a dry run that did the real work to count
    it); the enclosing write_transaction then has nothing to commit."""
    db.conn.execute("ROLLBACK")


@contextmanager
def read_snapshot(db: "Database") -> Iterator["Database"]:
    """A read transaction: everything read inside sees one consistent state of the
    database, however other connections write meanwhile (WAL keeps the snapshot). Nothing
    is written; it always ends in a rollback."""
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
