"""The names people read for accounts: display names (full name and rank) beside login
names. Records and the event chain keep login names; these are for what is shown."""

from sqlite_utils import Database

from screening_app.domain.accounts import account_label

DISPLAY_NAME_MAX = 80


class UserNames:
    def __init__(self, db: Database):
        self._db = db

    def display_name(self, user_id: str) -> str | None:
        row = self._db.execute("SELECT display_name FROM users WHERE id = ?",
                               [user_id]).fetchone()
        return row[0] if row else None

    def label(self, user_id: str) -> str | None:
        """The account's display name, else its login name; None for an unknown id."""
        row = self._db.execute("SELECT name, display_name FROM users WHERE id = ?",
                               [user_id]).fetchone()
        return account_label(row[0], row[1]) if row else None

    def labels(self) -> dict[str, str]:
        """Every account's label by id. Two accounts that would read the same ("Lt. Kim"
        twice) are told apart by their login names."""
        rows = self._db.execute("SELECT id, name, display_name FROM users").fetchall()
        plain = {user_id: account_label(name, display) for user_id, name, display in rows}
        seen: dict[str, int] = {}
        for label in plain.values():
            key = label.casefold()
            seen[key] = seen.get(key, 0) + 1
        return {user_id: (f"{account_label(name, display)} ({name})"
                          if display and seen[plain[user_id].casefold()] > 1
                          else plain[user_id])
                for user_id, name, display in rows}

    def labels_by_login(self) -> dict[str, str]:
        """The same labels by login name (what filters and the flags' records carry)."""
        names = dict(self._db.execute("SELECT id, name FROM users").fetchall())
        return {names[user_id]: label for user_id, label in self.labels().items()}

    def set_display_name(self, user_id: str, display_name: str | None) -> None:
        self._db.execute("UPDATE users SET display_name = ? WHERE id = ?",
                         [display_name, user_id])
