"""Role checks. Services call these themselves, so that the GUI, the CLI and any future
front end cannot forget one."""

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import PermissionDenied


def require_role(actor: Actor, *roles: Role, action: str) -> None:
    if actor.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not {action}; this needs the {allowed} role."
        )
