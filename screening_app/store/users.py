"""The names people read for accounts: display names (full name and rank) beside login
names. Records and the event chain keep login names; these are for what is shown."""

from typing import NamedTuple

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


class UserRow(NamedTuple):
    id: str
    name: str
    role: str
    password_hash: str
    disabled_at: str | None
    created_at: str
    display_name: str | None


_USER_COLUMNS = ("SELECT id, name, role, password_hash, disabled_at, created_at, display_name"
                 " FROM users")


class UserRepository:
    """The station's accounts as services/accounts.py keeps them."""

    def __init__(self, db: Database):
        self._db = db

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM users").fetchone()[0]

    def enabled_admins(self) -> int:
        return self._db.execute("SELECT count(*) FROM users WHERE role = 'admin'"
                                " AND disabled_at IS NULL").fetchone()[0]

    def named(self, name: str) -> UserRow | None:
        row = self._db.execute(f"{_USER_COLUMNS} WHERE name = ?", [name]).fetchone()
        return UserRow(*row) if row else None

    def with_id(self, user_id: str) -> UserRow | None:
        row = self._db.execute(f"{_USER_COLUMNS} WHERE id = ?", [user_id]).fetchone()
        return UserRow(*row) if row else None

    def everyone(self) -> list[UserRow]:
        """Every account, by login name."""
        return [UserRow(*row) for row in self._db.execute(f"{_USER_COLUMNS} ORDER BY name")]

    def insert(self, user_id: str, name: str, role: str, password_hash: str, created_at: str,
               display_name: str | None) -> None:
        self._db.execute(
            "INSERT INTO users (id, name, role, password_hash, created_at, display_name)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [user_id, name, role, password_hash, created_at, display_name])

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """'' when the account's key slot checks its password and no hash is kept."""
        self._db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                         [password_hash, user_id])

    def disable(self, user_id: str, at: str) -> None:
        self._db.execute("UPDATE users SET disabled_at = ? WHERE id = ?", [at, user_id])

    def enable(self, user_id: str, password_hash: str) -> None:
        self._db.execute("UPDATE users SET disabled_at = NULL, password_hash = ? WHERE id = ?",
                         [password_hash, user_id])
