"""Role grants as stored (services/grants.py says what they are for): each states an
account's role, signed by the admin who made it."""

import json
from dataclasses import dataclass

from sqlite_utils import Database

from screening_app.domain.canonical import canonical_json

ACCOUNT_CREATED = "account.created"
ACTIVE, DISABLED = "active", "disabled"


@dataclass(frozen=True)
class RoleGrant:
    id: str
    user_id: str
    name: str
    role: str
    granted_by: str
    at: str
    certificate_pem: str
    signature: str
    # Whether the account may sign in: an admin's disabling is a grant too, so that a
    # disabled account enabled again with SQL (and a slot written for it) is refused.
    state: str = ACTIVE
    # What the admin did: "granted" (an account added, or its role confirmed), "disabled",
    # "enabled" or "password_reset".
    act: str = "granted"

    def statement(self, station_id: str) -> bytes:
        """What the admin signs: every field but the certificate and the signature (a
        grant from before states and acts were signed says neither, and is an active
        grant)."""
        fields = {"grant": self.id, "station_id": station_id, "user_id": self.user_id,
                  "name": self.name, "role": self.role, "granted_by": self.granted_by,
                  "at": self.at}
        if (self.state, self.act) != (ACTIVE, "granted"):
            fields |= {"state": self.state, "act": self.act}
        return canonical_json(fields).encode("utf-8")


@dataclass(frozen=True)
class AccountCreation:
    """An ``account.created`` event: who the account is, the role it was given, and which
    account's session wrote it (the event's signer, or its actor for an unsigned event
    from before events were signed)."""
    seq: int
    user_id: str
    name: str
    role: str
    written_by: str | None


@dataclass(frozen=True)
class AccountRow:
    user_id: str
    name: str
    role: str
    disabled: bool = False


class GrantRepository:
    def __init__(self, db: Database):
        self._db = db

    def add(self, grant: RoleGrant) -> None:
        self._db.execute(
            "INSERT INTO role_grants (id, user_id, name, role, granted_by, at,"
            " certificate_pem, signature, state, act) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [grant.id, grant.user_id, grant.name, grant.role, grant.granted_by, grant.at,
             grant.certificate_pem, grant.signature, grant.state, grant.act])

    def latest(self, user_id: str) -> RoleGrant | None:
        row = self._db.execute(
            "SELECT id, user_id, name, role, granted_by, at, certificate_pem, signature,"
            " state, act FROM role_grants WHERE user_id = ? ORDER BY at DESC, rowid DESC LIMIT 1",
            [user_id]).fetchone()
        return RoleGrant(*row) if row else None

    def any_recorded(self, granted_kind: str) -> bool:
        """Whether the station has ever granted a role: a grant row, or the event that
        records one (which stays in the chained history if the rows are deleted)."""
        return self._db.execute("SELECT 1 FROM role_grants LIMIT 1").fetchone() is not None \
            or self._db.execute("SELECT 1 FROM events WHERE kind = ? LIMIT 1",
                                [granted_kind]).fetchone() is not None

    def accounts(self) -> list[AccountRow]:
        """Every account as the accounts table says."""
        return [AccountRow(user_id, name, role, disabled_at is not None)
                for user_id, name, role, disabled_at in self._db.execute(
                    "SELECT id, name, role, disabled_at FROM users ORDER BY name")]

    def account_creations(self) -> list[AccountCreation]:
        """Every ``account.created`` event, oldest first."""
        creations = []
        for seq, payload, actor_id, signed_by in self._db.execute(
                "SELECT seq, payload, actor_id, signed_by FROM events WHERE kind = ?"
                " ORDER BY seq", [ACCOUNT_CREATED]):
            data = json.loads(payload)
            creations.append(AccountCreation(seq, str(data.get("user_id", "")),
                                             str(data.get("name", "")),
                                             str(data.get("role", "")),
                                             signed_by or actor_id))
        return creations
