"""A station: one data directory holding one encrypted SQLite database, the key slots that
open it (store/keyfile.py) and the station's logs."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.pki.draft_seal import DraftSeal
from screening_app.pki.review_seal import ReviewSeal
from screening_app.store.connection import DATABASE_FILENAME, is_plain_sqlite, open_database
from screening_app.store.events import EventLog, EventSigner
from screening_app.store.keyfile import KeyFile, SlotContents

try:
    import fcntl
except ImportError:  # Windows: one program at a time encrypts an old station
    fcntl = None

if TYPE_CHECKING:  # sqlite-utils loads with the first database opened (after sign-in)
    from sqlite_utils import Database

DATA_DIR_ENV = "SCREENING_APP_DATA_DIR"
STATION_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class NoStation(UserError):
    pass


def default_data_dir() -> Path:
    """--data-dir wins over the environment, which wins over the platform default."""
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir("screening-app", appauthor=False))


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_FILENAME


def station_exists(data_dir: Path) -> bool:
    return database_path(data_dir).is_file()


@dataclass
class Station:
    data_dir: Path
    db: "Database"
    station_id: str
    camp: str
    demo: bool
    key: bytes | None = None  # the database key; None only for a plain (old or test) file
    # The signed-in session's event key (services/keys.py): every event it writes is signed.
    signer: "EventSigner | None" = None
    # The session's view of the review key: what it may seal, and read (pki/review_seal.py).
    review: ReviewSeal = field(default_factory=ReviewSeal)
    # ... and its way to the keys of open drafts (pki/draft_seal.py).
    drafts: DraftSeal = field(init=False)

    def __post_init__(self) -> None:
        self.drafts = DraftSeal(self.review)

    def connect(self) -> "Database":
        """Another connection to this station's database, for another thread."""
        return open_database(database_path(self.data_dir), self.key)

    @property
    def events(self) -> EventLog:
        return EventLog(self.db, self.station_id, self.signer)

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def close(self) -> None:
        self.db.close()

    @classmethod
    def open(cls, data_dir: Path | str, key: bytes | None = None) -> "Station":
        data_dir = Path(data_dir)
        if not station_exists(data_dir):
            raise NoStation(
                f"There is no station in {data_dir}; create one with 'screening-app init' "
                "or try 'screening-app demo'."
            )
        keep_private(data_dir)
        db = open_database(database_path(data_dir), key)
        _migrate(db)
        row = db.execute("SELECT station_id, camp, demo FROM station WHERE id = 1").fetchone()
        if row is None:
            db.close()
            raise NoStation(f"The database in {data_dir} holds no station record.")
        return cls(data_dir, db, station_id=row[0], camp=row[1], demo=bool(row[2]), key=key)

    @classmethod
    def create(cls, data_dir: Path | str, station_id: str, camp: str,
               demo: bool = False, key: bytes | None = None) -> "Station":
        data_dir = Path(data_dir)
        if not STATION_ID_PATTERN.match(station_id or ""):
            raise UserError(
                f"Station id {station_id!r} is not valid: use 1 to 40 letters, digits, '.', '_'"
                " or '-', starting with a letter or digit."
            )
        if not camp or not camp.strip():
            raise UserError("The camp name must not be empty.")
        if station_exists(data_dir):
            raise UserError(f"{data_dir} already holds a station; one data directory holds one station.")
        data_dir.mkdir(parents=True, exist_ok=True)
        keep_private(data_dir)
        db = open_database(database_path(data_dir), key)
        _migrate(db)
        with db.atomic():
            db.execute(
                "INSERT INTO station (id, station_id, camp, demo, created_at) VALUES (1, ?, ?, ?, ?)",
                [station_id, camp.strip(), int(demo), utc_now()],
            )
        return cls(data_dir, db, station_id=station_id, camp=camp.strip(), demo=demo, key=key)


# Files that hold names or choices are the owner's alone: the station's folder and what the
# program writes into it (the database, its WAL, the key file, logs, backups, exports).
PRIVATE_FOLDER_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o077


def keep_private(data_dir: Path) -> None:
    """Make the station's folder and the files in it readable by their owner only (a
    station made by an older version, or copied, may be open to every local account)."""
    if os.name != "posix":
        return  # Windows: the user's profile folder already belongs to the user
    try:
        if data_dir.stat().st_uid != os.getuid():
            return  # not ours to change (a shared, read-only copy being checked)
        data_dir.chmod(PRIVATE_FOLDER_MODE)
        for path in data_dir.iterdir():
            if path.is_file() and path.stat().st_mode & 0o077:
                path.chmod(PRIVATE_FILE_MODE)
    except OSError:
        pass  # a read-only folder: reading it changes nothing


def _migrate(db: "Database") -> None:
    # The migrations import sqlite-utils: loaded when a database is opened, not before the
    # sign-in window shows.
    from screening_app.store.migrations import migrate

    migrate(db)


def database_key(data_dir: Path | str, name: str, password: str) -> bytes:
    """The key that opens this station's database, from an account's name and password."""
    return open_slot(data_dir, name, password).database_key


def open_slot(data_dir: Path | str, name: str, password: str) -> SlotContents:
    """What the account's slot holds (the database key, the account key), from its name and
    password. A station made before encryption at rest is encrypted first (copy, verify,
    swap)."""
    from screening_app.store.encrypt_in_place import encrypt_station_in_place

    data_dir = Path(data_dir)
    path = database_path(data_dir)
    if not path.is_file():
        raise NoStation(f"There is no station in {data_dir}; create one with 'screening-app"
                        " init' or try 'screening-app demo'.")
    if is_plain_sqlite(path):
        # Two programs signing in at once (the app and a command) must not both encrypt.
        with _exclusive(data_dir / ".station.lock"):
            if is_plain_sqlite(path):
                encrypt_station_in_place(data_dir, path)
    return KeyFile.load(data_dir).unlock(name, password)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """An advisory lock the system releases when the process ends, even by SIGKILL."""
    with open(lock_path, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
