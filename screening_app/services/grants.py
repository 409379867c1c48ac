"""Roles that cannot be written with SQL.

Anyone who can open the database (every account's password opens its key) could write
``admin`` into their own row of the accounts table. So every account's role is also stated
in a grant signed by an admin with the admin's own key, whose certificate headquarters' CA
issued to an admin of this station: sign-in refuses an account whose role no valid grant
states, and `check` lists them.

A station starts without grants (its first admin is certified after init): until then
roles are taken as the accounts table says. From the first grant on, every account needs
one. An admin with a certificate grants the role of each account they add; at each of
their sign-ins (and when their certificate is installed) they confirm the roles the
station's signed history records for accounts that have no grant yet: the role each
account was created with, in an event signed by an admin's session. Never what the
accounts table says, which anyone with the database key can change; and never over a grant
that no longer holds (rewritten by hand), which stays for an admin to look at.

Disabling, enabling and resetting an account are grants too, signed by the admin who did
it: the newest says whether the account may sign in, so an account disabled by an admin
and enabled again with SQL (with a slot written for it) is refused.
"""

import uuid
from dataclasses import replace

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import AuthenticationFailed, UserError
from screening_app.domain.messages import gettext as _
from screening_app.pki import certificates
from screening_app.pki.people import person_of
from screening_app.services.keys import KeyService, StationKeyUnavailable
from screening_app.store.chain import verify_chain
from screening_app.store.connection import write_transaction
from screening_app.store.grants import ACTIVE, DISABLED, GrantRepository, RoleGrant
from screening_app.store.signed_history import verify_signed_history
from screening_app.store.station import Station

GRANTED = "account.role_granted"
# The role as a person's certificate names it (pki/people.py).
_CERTIFIED_ADMIN = "Admin"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)


class RoleNotConfirmed(AuthenticationFailed):
    """The account's role is not one an admin's signed grant states."""


class GrantService:
    def __init__(self, station: Station, keys: KeyService):
        self._station = station
        self._keys = keys
        self._grants = GrantRepository(station.db)

    # -- granting ------------------------------------------------------------------------
    def grant(self, admin: Actor, user_id: str, name: str, role: str, *,
              state: str = ACTIVE, act: str = "granted") -> bool:
        """Sign a grant of ``role`` to an account, inside the caller's write transaction:
        the account added or its role confirmed ("granted"), or an admin's "disabled",
        "enabled" or "password_reset" (``state`` says whether it may sign in). False, and
        nothing written, when the admin has no certified admin's key: the history keeps
        what the admin did, and a certified admin's sign-in confirms the role."""
        identity = self._admin_identity(admin)
        if identity is None:
            return False
        grant = RoleGrant(str(uuid.uuid4()), user_id, name, str(role), admin.user_id,
                          utc_now(), certificates.chain_pem(
                              (identity.certificate, *identity.chain)).decode(), "",
                          state, act)
        signature = identity.key.sign(grant.statement(self._station.station_id), _PSS,
                                      hashes.SHA256())
        self._grants.add(replace(grant, signature=signature.hex()))
        self._station.events.append(GRANTED, {"user_id": user_id, "name": name,
                                              "role": str(role), "state": state, "act": act},
                                    actor_id=admin.user_id)
        return True

    def record_act(self, admin: Actor, user_id: str, name: str, role: str, act: str) -> bool:
        """An admin's disabling, enabling or password reset of an account, signed as a
        grant (inside the caller's transaction), where the station's grants are enforced
        and the account had one: the newest grant then says whether it may sign in."""
        if not self.enforced() or self._grants.latest(user_id) is None:
            return False
        return self.grant(admin, user_id, name, role,
                          state=DISABLED if act == "disabled" else ACTIVE, act=act)

    def confirm_recorded(self, admin: Actor) -> int:
        """Grant every account that has no grant the role its creation recorded;
        how many were signed. Nothing is signed while the history fails its checks: a
        rewritten history could record anything."""
        if self._admin_identity(admin) is None:
            return 0
        # Only accounts never granted: a grant that no longer holds (rewritten, or a
        # disabling turned into something else) is for an admin to look at, which `check`
        # asks; signing over it would undo what it said.
        waiting = [account for account in self._grants.accounts()
                   if self._grants.latest(account.user_id) is None]
        if not waiting or not self._history_sound():
            return 0
        recorded = self._recorded_roles()
        signed = 0
        with write_transaction(self._station.db):
            for account in waiting:
                if recorded.get(account.user_id) == (account.name, account.role):
                    signed += self.grant(admin, account.user_id, account.name, account.role)
        return signed

    def _admin_identity(self, admin: Actor):
        if admin.role != Role.ADMIN:
            return None
        try:
            identity = self._keys.personal_identity(admin, _("sign role grants"))
        except StationKeyUnavailable:
            return None
        if not self._is_admin_certificate(identity.certificate):
            return None
        return identity

    def _history_sound(self) -> bool:
        db = self._station.db
        return verify_chain(db).ok and not verify_signed_history(
            db, self._station.station_id, self._keys.checkpoint_verifier()).problems

    def _recorded_roles(self) -> dict[str, tuple[str, str]]:
        """Each account's (name, role) as its creation recorded it, for the creations an
        admin's session wrote (the station's first account created itself, as an admin).
        An account created twice keeps its first creation."""
        admins: set[str] = set()
        recorded: dict[str, tuple[str, str]] = {}
        for creation in self._grants.account_creations():
            first = not recorded
            if creation.user_id in recorded:
                continue
            if first and not (creation.written_by == creation.user_id
                              and creation.role == Role.ADMIN):
                return {}
            if not first and creation.written_by not in admins:
                continue
            recorded[creation.user_id] = (creation.name, creation.role)
            if creation.role == Role.ADMIN:
                admins.add(creation.user_id)
        return recorded

    # -- checking ------------------------------------------------------------------------
    def enforced(self) -> bool:
        """From the station's first grant on, every account needs one."""
        return self._grants.any_recorded(GRANTED)

    def problem(self, user_id: str, name: str, role: str,
                disabled: bool = False) -> str | None:
        """Why the account's role is not one a valid grant states, or why it may not sign
        in though the accounts table says it may (``disabled``: as that table says); or
        None."""
        if not self.enforced():
            return None
        grant = self._grants.latest(user_id)
        if grant is None:
            return _("No admin's signed grant states the role of the account {name!r}"
                     " ({role}): an admin with a certificate confirms it at their next sign-in"
                     " if an admin created the account; if not, its role was written outside"
                     " the program.").format(name=name, role=role)
        problem = self._grant_problem(grant)
        if problem:
            return _("The role grant of the account {name!r} {problem}").format(
                name=name, problem=problem)
        if grant.role != str(role):
            return _("The account {name!r} is {role} in the accounts table, but an admin's"
                     " signed grant says {granted}: its role was changed outside the"
                     " program.").format(name=name, role=role, granted=grant.role)
        if grant.state == DISABLED and not disabled:
            return _("The account {name!r} was disabled by an admin's signed grant, but the"
                     " accounts table says it is enabled: it was enabled outside the"
                     " program.").format(name=name)
        return None

    def check_sign_in(self, actor: Actor) -> None:
        """Refuse, and record the refusal, when the account's role is not one a valid
        grant states."""
        problem = self.problem(actor.user_id, actor.name, str(actor.role))
        if problem:
            with write_transaction(self._station.db):
                self._station.events.append("auth.refused", {
                    "name": actor.name, "known_user": True, "role_unconfirmed": True},
                    actor_id=actor.user_id)
            raise RoleNotConfirmed(_("{problem} Sign-in refused; an admin must look at"
                                     " it.").format(problem=problem))

    def problems(self) -> list[str]:
        """Every account whose role no valid grant states (for `check`)."""
        found = []
        for account in self._grants.accounts():
            problem = self.problem(account.user_id, account.name, account.role,
                                   account.disabled)
            if problem:
                found.append(problem)
        return found

    def _is_admin_certificate(self, certificate) -> bool:
        person = person_of(certificate)
        return person is not None and person.role == _CERTIFIED_ADMIN \
            and person.station_id == self._station.station_id

    def _grant_problem(self, grant: RoleGrant) -> str | None:
        """Why a stored grant is not one an admin of this station signed, or None."""
        try:
            chain = certificates.load_certificates(grant.certificate_pem.encode(),
                                                   "role grant")
        except UserError:
            return _("carries an unreadable certificate.")
        installed = self._keys.station_certificate()
        if installed is None:
            return _("cannot be checked: this station has no certificate of its own.")
        certificate = chain[0]
        try:
            for child, issuer in zip(chain, chain[1:], strict=False):
                certificates.check_issued_by(child, issuer)
        except UserError:
            return _("carries a certificate chain that does not hold.")
        if chain[-1] != installed.root:
            return _("is signed with a certificate headquarters' CA did not issue.")
        if not self._is_admin_certificate(certificate):
            return _("is not signed by an admin of this station.")
        try:
            certificate.public_key().verify(bytes.fromhex(grant.signature),
                                            grant.statement(self._station.station_id),
                                            _PSS, hashes.SHA256())
        except (InvalidSignature, ValueError):
            return _("does not match its signature: it was changed.")
        return None
