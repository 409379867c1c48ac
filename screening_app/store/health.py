"""What `check` asks of the database itself: SQLite's own integrity check, rows whose
foreign keys point nowhere, and how many rows the main tables hold."""

from sqlite_utils import Database

COUNTED_TABLES = ("subjects", "users", "interviews", "events")


def integrity_messages(db: Database) -> list[str]:
    """["ok"] for a whole database, else SQLite's description of each problem."""
    return [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]


def broken_references(db: Database) -> int:
    """How many rows point to a row that does not exist."""
    return len(db.execute("PRAGMA foreign_key_check").fetchall())


def row_counts(db: Database) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in COUNTED_TABLES}
