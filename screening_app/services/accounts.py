"""Accounts: sign-in, adding users, listing them. Passwords are hashed with argon2id and
never stored or logged in clear."""

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import AuthenticationFailed, UserError
from screening_app.services.authz import require_role
from screening_app.store.connection import write_transaction
from screening_app.store.station import Station

if TYPE_CHECKING:
    from screening_app.services.keys import KeyService

MIN_PASSWORD_LENGTH = 8
USER_NAME_PATTERN = re.compile(r"^[\w.@-]{2,40}$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class UserSummary:
    id: str
    name: str
    role: Role
    created_at: str
    disabled: bool


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if password.strip() != password:
        raise UserError("The password must not start or end with a space.")


def check_user_name(name: str) -> None:
    if not USER_NAME_PATTERN.match(name or ""):
        raise UserError(
            f"User name {name!r} is not valid: use 2 to 40 letters, digits, '.', '_', '@' or '-'."
        )


class AccountService:
    def __init__(self, station: Station, keys: "KeyService | None" = None):
        self._station = station
        self._db = station.db
        self._keys = keys

    def create_first_admin(self, name: str, password: str) -> Actor:
        """Only for a new station: the account that sets everything else up."""
        if self._db.execute("SELECT count(*) FROM users").fetchone()[0]:
            raise UserError("This station already has accounts; sign in as an admin to add one.")
        return self._insert_user(None, name, Role.ADMIN, password)

    def add_user(self, actor: Actor, name: str, role: Role | str, password: str) -> Actor:
        require_role(actor, Role.ADMIN, action="add accounts")
        try:
            role = Role(role)
        except ValueError:
            raise UserError(
                f"Unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}."
            ) from None
        return self._insert_user(actor, name, role, password)

    def _insert_user(self, actor: Actor | None, name: str, role: Role, password: str) -> Actor:
        check_user_name(name)
        check_new_password(password)
        user_id = str(uuid.uuid4())
        with write_transaction(self._db):
            exists = self._db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone()
            if exists:
                raise UserError(f"An account named {name!r} already exists.")
            self._db.execute(
                "INSERT INTO users (id, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                [user_id, name, role.value, _hasher.hash(password), utc_now()],
            )
            self._station.events.append(
                "account.created",
                {"user_id": user_id, "name": name, "role": role.value},
                actor_id=actor.user_id if actor else user_id,
            )
            if actor is not None and self._keys is not None:
                # The new account gets its own slot to unlock the station key.
                self._keys.add_slot(actor, user_id, password)
        return Actor(user_id=user_id, name=name, role=role)

    def authenticate(self, name: str, password: str) -> Actor:
        """Check a name and password; every attempt, good or bad, is an event."""
        row = self._db.execute(
            "SELECT id, name, role, password_hash, disabled_at FROM users WHERE name = ?", [name]
        ).fetchone()
        ok = False
        if row is not None and row[4] is None:
            try:
                ok = _hasher.verify(row[3], password)
            except (VerificationError, InvalidHashError):
                ok = False
        with write_transaction(self._db):
            if ok:
                self._station.events.append("auth.signed_in", {"name": row[1]}, actor_id=row[0])
            else:
                # The attempted name is kept, never the password.
                self._station.events.append(
                    "auth.refused", {"name": name, "known_user": row is not None}
                )
        if not ok:
            if row is not None and row[4] is not None:
                raise AuthenticationFailed(f"The account {name!r} is disabled.")
            raise AuthenticationFailed("Wrong user name or password.")
        if _hasher.check_needs_rehash(row[3]):
            self._rehash(row[0], password)
        return Actor(user_id=row[0], name=row[1], role=Role(row[2]))

    def _rehash(self, user_id: str, password: str) -> None:
        with write_transaction(self._db):
            self._db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(password), user_id]
            )

    def list_users(self, actor: Actor) -> list[UserSummary]:
        require_role(actor, Role.ADMIN, Role.SUPERVISOR, action="list accounts")
        rows = self._db.execute(
            "SELECT id, name, role, created_at, disabled_at FROM users ORDER BY name"
        ).fetchall()
        return [UserSummary(r[0], r[1], Role(r[2]), r[3], r[4] is not None) for r in rows]

    def user_name(self, user_id: str) -> str | None:
        row = self._db.execute("SELECT name FROM users WHERE id = ?", [user_id]).fetchone()
        return row[0] if row else None
