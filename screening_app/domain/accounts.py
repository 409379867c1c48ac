"""Roles and the signed-in person acting on the station."""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    INTERVIEWER = "interviewer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


def account_label(name: str, display_name: str | None) -> str:
    """What people read for an account: its display name (full name and rank, "Capt. R.
    Hughes"), or its login name when it has none."""
    return display_name or name


@dataclass(frozen=True)
class Actor:
    """Who is doing something: every service call that touches station data takes one.

    ``name`` is the login name (what records and the event chain carry); ``label`` is
    what a person reads on forms, flags and lists."""

    user_id: str
    name: str
    role: Role
    display_name: str | None = None

    @property
    def label(self) -> str:
        return account_label(self.name, self.display_name)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
