"""Roles and the signed-in person acting on the station."""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    INTERVIEWER = "interviewer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    """Who is doing something: every service call that touches station data takes one."""

    user_id: str
    name: str
    role: Role

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
