import sqlite3

import pytest

from screening_app.store.connection import open_database, write_transaction


def test_every_connection_is_durable_and_checks_foreign_keys(tmp_path):
    db = open_database(tmp_path / "s.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_write_transaction_rolls_back_everything_on_error(tmp_path):
    db = open_database(tmp_path / "s.sqlite3")
    db.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(ValueError), write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
        with write_transaction(db):
            db.execute("INSERT INTO t VALUES (2)")
        raise ValueError("boom")
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_write_transaction_holds_the_write_lock_from_its_start(tmp_path):
    path = tmp_path / "s.sqlite3"
    db = open_database(path)
    db.execute("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(path, timeout=0)
    with write_transaction(db), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.rollback()
