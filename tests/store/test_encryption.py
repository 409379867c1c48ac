"""Encryption at rest: the station database opens only with its key, the key only with an
account's password (or headquarters' recovery key), and an old plain station is
encrypted in place without losing a row or a password."""

import sqlite3

import pytest

from screening_app.domain.errors import AuthenticationFailed
from screening_app.services.accounts import AccountService
from screening_app.store.connection import WrongDatabaseKey, is_plain_sqlite, open_database
from screening_app.store.keyfile import KeyFile, KeyFileError
from screening_app.store.station import Station, database_key
from screening_app.sync.bundle import load_age_identity, new_age_identity
from tests.conftest import PASSWORD


def plain_station(data_dir):
    """A station as the version before encryption at rest made it."""
    station = Station.create(data_dir, "OLD-02", "Koje-do")
    accounts = AccountService(station)
    admin = accounts.create_first_admin("admin", PASSWORD)
    accounts.add_user(admin, "ivan", "interviewer", "another fine password")
    from screening_app.store.connection import write_transaction
    with write_transaction(station.db):
        station.db.execute(
            "INSERT INTO subjects (isn, name_native, name_latin, search_isn, added_at,"
            " updated_at) VALUES ('NK-1', '김민준', 'Kim Min-jun', 'nk1', 'x', 'x')")
    station.close()
    return data_dir / "station.sqlite3"


def test_a_plain_station_is_encrypted_in_place_and_keeps_every_password(tmp_path):
    database = plain_station(tmp_path / "s")
    assert is_plain_sqlite(database) and "김민준".encode() in database.read_bytes()

    key = database_key(tmp_path / "s", "ivan", "another fine password")
    assert not is_plain_sqlite(database)
    raw = database.read_bytes()
    assert "김민준".encode() not in raw and b"Kim Min-jun" not in raw
    assert database_key(tmp_path / "s", "ADMIN", PASSWORD) == key  # names ignore case
    station = Station.open(tmp_path / "s", key)
    assert station.db.execute("SELECT name_native FROM subjects").fetchone()[0] == "김민준"
    assert station.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    station.close()
    assert not list(tmp_path.glob("s/.*encrypting*"))


def test_plain_sqlite_sees_nothing_and_a_wrong_key_opens_nothing(tmp_path):
    database = plain_station(tmp_path / "s")
    key = database_key(tmp_path / "s", "admin", PASSWORD)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(database).execute("SELECT * FROM subjects").fetchall()
    with pytest.raises(WrongDatabaseKey):
        open_database(database, bytes(32))
    assert open_database(database, key).execute("SELECT count(*) FROM users").fetchone()[0] == 2


def test_the_key_file_refuses_wrong_passwords_and_unknown_names_alike(tmp_path):
    plain_station(tmp_path / "s")
    database_key(tmp_path / "s", "admin", PASSWORD)
    for name, password in (("admin", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
            database_key(tmp_path / "s", name, password)
    text = (tmp_path / "s" / "station-keys.json").read_text()
    assert "admin" not in text and "ivan" not in text


def test_headquarters_recovers_a_station_whose_passwords_are_lost(tmp_path):
    plain_station(tmp_path / "s")
    key = database_key(tmp_path / "s", "admin", PASSWORD)
    secret, recipient = new_age_identity()
    keys = KeyFile.load(tmp_path / "s")
    keys.set_recovery(recipient, key)
    keys.save()
    assert KeyFile.load(tmp_path / "s").recover(load_age_identity(secret)) == (key, None)
    with pytest.raises(KeyFileError, match="does not open"):
        KeyFile.load(tmp_path / "s").recover(load_age_identity(new_age_identity()[0]))


def test_a_missing_or_damaged_key_file_is_named(tmp_path):
    plain_station(tmp_path / "s")
    database_key(tmp_path / "s", "admin", PASSWORD)
    keyfile = tmp_path / "s" / "station-keys.json"
    keyfile.write_text("{not json")
    with pytest.raises(KeyFileError, match="station-keys.json is damaged"):
        database_key(tmp_path / "s", "admin", PASSWORD)
    keyfile.unlink()
    with pytest.raises(KeyFileError, match="station-keys.json is missing"):
        database_key(tmp_path / "s", "admin", PASSWORD)


def test_two_programs_signing_in_at_once_encrypt_an_old_station_once(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    plain_station(tmp_path / "s")
    with ThreadPoolExecutor(4) as pool:
        keys = list(pool.map(lambda _: database_key(tmp_path / "s", "admin", PASSWORD),
                             range(4)))
    assert len(set(keys)) == 1  # one encryption, one key, every caller got it
    assert open_database(tmp_path / "s" / "station.sqlite3", keys[0]).execute(
        "PRAGMA integrity_check").fetchone()[0] == "ok"
