"""Which database a headquarters folder uses: ``hq.sqlite3`` in the folder (one laptop), or
a PostgreSQL database named in the folder's ``hq-database.json`` (``hq init --database
postgresql://…``). The folder holds the public file either way, and the setting holds no
password: PostgreSQL takes it from ``~/.pgpass`` or ``PGPASSFILE``, as its own tools do.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

from screening_app.domain.errors import UserError
from screening_app.hq.store import NoHeadquarters, SqlHqStore, SqliteHqStore, database_path
from screening_app.store.durable import write_atomically

DATABASE_SETTING = "hq-database.json"
_SCHEMES = ("postgresql", "postgres")


def database_url(folder: Path | str) -> str | None:
    """The PostgreSQL address this folder's headquarters keeps its records at, if any."""
    setting = Path(folder) / DATABASE_SETTING
    if not setting.is_file():
        return None
    try:
        url = json.loads(setting.read_text(encoding="utf-8"))["url"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(f"{setting} is damaged: it should hold the address of headquarters'"
                        " PostgreSQL database as {\"url\": \"postgresql://…\"}.") from None
    return check_database_url(url)


def check_database_url(url: str) -> str:
    parts = urlsplit(str(url))
    if parts.scheme not in _SCHEMES or not parts.path.strip("/"):
        raise UserError(f"{url!r} is not the address of a PostgreSQL database; write it as"
                        " postgresql://user@host:port/database.")
    if parts.password:
        raise UserError("Keep the database password out of the address (it would be stored"
                        " in the headquarters folder); put it in ~/.pgpass instead.")
    return str(url)


def holds_headquarters(folder: Path | str) -> bool:
    folder = Path(folder)
    return database_path(folder).is_file() or (folder / DATABASE_SETTING).is_file()


def open_hq_store(folder: Path | str) -> SqlHqStore:
    """The store of an existing headquarters folder (``hq init`` makes one)."""
    url = database_url(folder)
    if url is not None:
        from screening_app.hq.store_postgres import PostgresHqStore  # psycopg: only here

        return PostgresHqStore(url)
    path = database_path(folder)
    if not path.is_file():
        raise NoHeadquarters(f"There is no headquarters in {folder}; create one with"
                             " 'screening-app hq init'.")
    return SqliteHqStore(path)


def create_hq_store(folder: Path, url: str | None) -> SqlHqStore:
    """A new, empty store for ``hq init``: SQLite in the folder, or the PostgreSQL database
    at ``url`` (which must not hold a headquarters already), remembered in the folder."""
    if url is None:
        return SqliteHqStore(database_path(folder))
    from screening_app.hq.store_postgres import PostgresHqStore, describe_url

    store = PostgresHqStore(check_database_url(url))
    if store.identity() is not None:
        store.close()
        raise UserError(f"The database {describe_url(url)} already holds a headquarters; one"
                        " database holds one.")
    return store


def remember_database(folder: Path, url: str) -> Path:
    path = write_atomically(folder / DATABASE_SETTING,
                            (json.dumps({"url": url}, indent=2) + "\n").encode("utf-8"))
    path.chmod(0o600)
    return path


def forget_new_store(folder: Path, url: str | None) -> None:
    """Undo a failed ``hq init``'s files (a PostgreSQL database keeps its empty schema, and a
    new attempt may use it)."""
    if url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database_path(folder)}{suffix}").unlink(missing_ok=True)
    else:
        (folder / DATABASE_SETTING).unlink(missing_ok=True)
