import sqlite3

import pytest

from screening_app.store.connection import empty_the_log, open_database, write_transaction


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


def _decrypted_pages(path, key: bytes) -> bytes:
    """Every page of a SQLCipher 4 file, decrypted with its raw key (AES-256-CBC; each
    page ends with its IV and HMAC; the first begins with the salt), free pages included:
    what an insider with the key reads beyond the live rows."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    raw, page_size, reserve = path.read_bytes(), 4096, 80
    pages = []
    for offset in range(0, len(raw) - page_size + 1, page_size):
        page = raw[offset:offset + page_size]
        start = 16 if offset == 0 else 0
        iv = page[page_size - reserve:page_size - reserve + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        pages.append(decryptor.update(page[start:page_size - reserve]) + decryptor.finalize())
    return b"".join(pages)


def test_a_value_replaced_or_deleted_leaves_nothing_in_the_file(tmp_path):
    """What a write replaces is overwritten, not left in a free page where whoever holds
    the database key (any account's password opens it) would read it: a record's values
    in clear before they were sealed."""
    path, key = tmp_path / "s.sqlite3", bytes(range(32))
    db = open_database(path, key)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT)")
    with write_transaction(db):
        db.conn.executemany("INSERT INTO t (value) VALUES (?)",
                            [(f"clear-choice-{n:04d}-enlist",) for n in range(500)])
    empty_the_log(db)
    assert b"clear-choice-0007-enlist" in _decrypted_pages(path, key)
    with write_transaction(db):
        db.execute("UPDATE t SET value = 'sealed' WHERE id <= 250")
        db.execute("DELETE FROM t WHERE id > 250")
    empty_the_log(db)
    assert b"enlist" not in _decrypted_pages(path, key)
    db.close()
