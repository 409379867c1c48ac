"""The station's settings as stored (services/settings.py says what each means)."""

from sqlite_utils import Database


class SettingsRepository:
    def __init__(self, db: Database):
        self._db = db

    def value(self, key: str) -> str | None:
        """The stored value, or None where the setting keeps its default."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str, at: str, by: str) -> None:
        self._db.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            [key, value, at, by])
