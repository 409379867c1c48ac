"""Backups: online, consistent, encrypted; and restoring one.

A backup is a folder holding a copy of the database made with SQLite's backup API (a
consistent snapshot even while interviewers keep working; still encrypted under the
station's key), a copy of the key slots that open it (so the same passwords work), and a
manifest with the station, the time and the head of the event chain. Nothing in it is
readable without a password of the station or headquarters' recovery key.

Restoring checks the backup whole (the key opens it, integrity, event chain) before it
touches the station, and keeps the database it replaces in a folder beside it: nothing
is ever deleted.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import canonical_json, sha256_hex, utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.services.authz import require_role
from screening_app.store.chain import verify_chain
from screening_app.store.connection import (
    DATABASE_ERRORS,
    empty_the_log,
    open_database,
    storage_failure,
    write_transaction,
)
from screening_app.store.durable import fsync_file, fsync_folder, make_folders
from screening_app.store.events import EventLog
from screening_app.store.health import integrity_messages
from screening_app.store.keyfile import KEYFILE_NAME, KeyFile
from screening_app.store.station import Station, database_path

MANIFEST = "backup.json"
DATABASE_COPY = "station.sqlite3"


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    made_at: str
    events: int
    size_bytes: int


@dataclass(frozen=True)
class RestoreResult:
    station_id: str
    made_at: str
    events: int
    replaced_into: Path | None  # where the database it replaced was kept


class BackupService:
    def __init__(self, station: Station, keys=None):
        self._station = station
        self._db = station.db
        self._keys = keys  # to checkpoint the history the backup holds

    def backup(self, actor: Actor, folder: Path) -> BackupResult:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("make a backup"))
        if self._station.key is None:
            raise UserError(_("This station's database is not encrypted yet; sign in once to"
                              " encrypt it before making a backup."))
        if self._keys is not None:
            self._keys.checkpoint(actor)  # the copy carries a history vouched for
        made_at = utc_now()
        stamp = made_at[:19].replace(":", "").replace("-", "")
        target = _free_name(Path(folder) / f"backup-{self._station.station_id}-{stamp}")
        partial = target.with_name(f".{target.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        try:
            make_folders(folder)
            partial.mkdir()
            copy = open_database(partial / DATABASE_COPY, self._station.key)
            try:
                self._db.conn.backup(copy.conn)
                seq, head = EventLog(copy, self._station.station_id).head()
                empty_the_log(copy)
            finally:
                copy.close()
            shutil.copy2(self._station.data_dir / KEYFILE_NAME, partial / KEYFILE_NAME)
            database_bytes = (partial / DATABASE_COPY).read_bytes()
            manifest = {"format": 1, "station_id": self._station.station_id,
                        "camp": self._station.camp, "made_at": made_at,
                        "made_by": actor.name, "events": seq, "head": head,
                        "database_sha256": sha256_hex(database_bytes)}
            (partial / MANIFEST).write_text(canonical_json(manifest), encoding="utf-8")
            for name in (DATABASE_COPY, KEYFILE_NAME, MANIFEST):
                fsync_file(partial / name)
            fsync_folder(partial)  # the names of its files, before it is taken for whole
            os.replace(partial, target)
            fsync_folder(target.parent)
        except BaseException as error:
            shutil.rmtree(partial, ignore_errors=True)
            failure = storage_failure(error, folder) if isinstance(error, Exception) else None
            if failure is not None:  # a full stick or a read-only one: the usual sentence
                raise failure from None
            if isinstance(error, OSError):
                raise UserError(_("The backup could not be written to {folder}: {error}.").format(
                    folder=folder, error=error.strerror or error)) from None
            raise
        try:
            with write_transaction(self._db):
                self._station.events.append(
                    "backup.made", {"folder": str(target), "events": seq, "head": head},
                    actor_id=actor.user_id)
        except BaseException:
            # Not in the history (a failing or full station disk): the copy goes too, so
            # that nothing on the stick contradicts "nothing was saved".
            shutil.rmtree(target, ignore_errors=True)
            fsync_folder(target.parent)
            raise
        return BackupResult(target, made_at, seq, len(database_bytes))

    def last_backup_at(self) -> str | None:
        return self._station.events.last_at("backup.made")

    def needs_reminder(self, actor: Actor, today: str | None = None) -> bool:
        """A supervisor or admin is reminded when no backup was made today (UTC)."""
        if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
            return False
        last = self.last_backup_at()
        return last is None or last[:10] != (today or utc_now()[:10])


def _free_name(target: Path) -> Path:
    """``target``, or with -2, -3... when a backup of the same second is there already (a
    second backup right after the first: the folder's rename must not meet a full one)."""
    chosen, number = target, 1
    while chosen.exists():
        number += 1
        chosen = target.with_name(f"{target.name}-{number}")
    return chosen


def read_backup(folder: Path, name: str, password: str) -> tuple[dict, bytes]:
    """The manifest and the database key of a backup, checked whole: the password opens
    its key slots, the copy matches its digest, passes the integrity check and its event
    chain is unbroken."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        expected = manifest["database_sha256"]
    except FileNotFoundError:
        raise UserError(_("{folder} is not a backup: it has no {file}.").format(
            folder=folder, file=MANIFEST)) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(_("{file} is damaged.").format(file=folder / MANIFEST)) from None
    database = folder / DATABASE_COPY
    if not database.is_file() or sha256_hex(database.read_bytes()) != expected:
        raise UserError(_("{database} is missing or was changed after the backup was"
                          " made.").format(database=database))
    key = KeyFile.load(folder).unlock(name, password).database_key
    try:
        copy = open_database(database, key)
    except DATABASE_ERRORS as error:
        raise UserError(_("{database} cannot be opened ({error}).").format(
            database=database, error=error)) from None
    try:
        if integrity_messages(copy) != ["ok"]:
            raise UserError(_("{database} fails its integrity check.").format(database=database))
        chain = verify_chain(copy)
        if chain.problem:
            raise UserError(f"{database}: {chain.problem}")
    finally:
        copy.close()
    return manifest, key


def restore_backup(folder: Path, data_dir: Path, name: str, password: str, *,
                   replace_station: bool = False) -> RestoreResult:
    """Put a checked backup in place; a station already there is kept, moved aside. A
    backup of another station replaces this one only when ``replace_station`` says so:
    restoring the wrong stick must not silently swap one camp's records for another's."""
    manifest = read_backup(folder, name, password)[0]
    data_dir = Path(data_dir)
    make_folders(data_dir)
    current = database_path(data_dir)
    here = _station_here(data_dir) if current.exists() else None
    if here is not None and here != manifest["station_id"] and not replace_station:
        raise UserError(
            _("{folder} is a backup of station {backup}, but {data_dir} holds station"
              " {here}; restore it with --replace-station to replace {here} with {backup}"
              " (the current station is kept aside).").format(
                  folder=folder, backup=manifest["station_id"], data_dir=data_dir,
                  here=here))
    # In an order a power cut can stop anywhere: the backup's files are staged and
    # synced, the current station is kept aside (linked, its names synced) before any of
    # it goes, and only then do the staged files take their places.
    staged = data_dir / f".{DATABASE_COPY}.restoring"
    staged_keys = data_dir / f".{KEYFILE_NAME}.restoring"
    try:
        shutil.copy2(Path(folder) / DATABASE_COPY, staged)
        fsync_file(staged)
        shutil.copy2(Path(folder) / KEYFILE_NAME, staged_keys)
        fsync_file(staged_keys)
    except BaseException:
        staged.unlink(missing_ok=True)  # nothing of a restore that did not happen
        staged_keys.unlink(missing_ok=True)
        raise
    replaced = None
    if current.exists():
        replaced = make_folders(data_dir / f"replaced-{utc_now()[:19].replace(':', '')}")
        kept = [path for path in (current, Path(f"{current}-wal"), Path(f"{current}-shm"),
                                  data_dir / KEYFILE_NAME) if path.exists()]
        for path in kept:
            _keep_aside(path, replaced)
        fsync_folder(replaced)
        for path in kept:
            if path.name.endswith(("-wal", "-shm")):
                path.unlink()  # the old database's log must not meet the restored database
    os.replace(staged_keys, data_dir / KEYFILE_NAME)
    os.replace(staged, current)
    fsync_folder(data_dir)
    return RestoreResult(manifest["station_id"], manifest["made_at"], manifest["events"],
                         replaced)


def _keep_aside(path: Path, folder: Path) -> None:
    """A second name for ``path`` in ``folder`` (a durable copy where the file system has
    no hard links): the original stays until the restored files take its place."""
    try:
        os.link(path, folder / path.name)
    except OSError:
        shutil.copy2(path, folder / path.name)
        fsync_file(folder / path.name)


def _station_here(data_dir: Path) -> str | None:
    """The id of the station already in ``data_dir``, from its key file (no password)."""
    from screening_app.store.keyfile import KeyFile, KeyFileError

    try:
        return KeyFile.load(data_dir).station_id
    except KeyFileError:
        return None
