"""Role checks. Services call these themselves, so that the GUI, the CLI and any future
front end cannot forget one."""

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import PermissionDenied
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _

# The roles as a refusal names them (translated where used).
ROLE_WORDS = {Role.ADMIN: N_("admin"), Role.SUPERVISOR: N_("supervisor"),
              Role.INTERVIEWER: N_("interviewer")}


def require_role(actor: Actor, *roles: Role, action: str) -> None:
    """Refuse unless ``actor`` holds one of ``roles``. ``action`` is marked N_() where it is
    written and translated here, so the whole refusal is in the message language."""
    if actor.role not in roles:
        allowed = _(" or ").join(role_word(r) for r in roles)
        raise PermissionDenied(
            _("{name} ({role}) may not {action}; this needs the {allowed} role.").format(
                name=actor.name, role=role_word(actor.role), action=_(action), allowed=allowed)
        )


def role_word(role: Role) -> str:
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role.value
