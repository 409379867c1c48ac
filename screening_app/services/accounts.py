"""Accounts: sign-in, adding users, listing them, disabling and enabling them, and
passwords. A password is checked by opening the account's slot in the key file (one
argon2id derivation, store/keyfile.py): the database keeps no password hash to take away
and crack. Only a plain station from before encryption at rest checks an argon2id hash in
its database (until its first sign-in encrypts it). Passwords are never stored or logged.

A station's laptop may be lost or taken: repeated wrong passwords for one name make that
name wait (store/sign_in_throttle.py), a disabled account loses its slot for the station
key so that even its right password unlocks nothing, and passwords have a floor."""

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from screening_app.domain.accounts import Actor, Role, account_label
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import AuthenticationFailed, NotFound, UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.services.authz import require_role
from screening_app.store.connection import StorageFailure, write_transaction
from screening_app.store.keyfile import DisabledAccount as SlotDisabled
from screening_app.store.keyfile import KeyFile, KeyFileError, SlotContents
from screening_app.store.sign_in_throttle import (
    SIGN_IN_ATTEMPTS_FILE,
    SignInThrottle,
    describe_wait,
)
from screening_app.store.station import Station
from screening_app.store.users import DISPLAY_NAME_MAX, UserNames, UserRepository, UserRow

if TYPE_CHECKING:
    from screening_app.services.grants import GrantService
    from screening_app.services.keys import KeyService

MIN_PASSWORD_LENGTH = 10
USER_NAME_PATTERN = re.compile(r"^[\w.@-]{2,40}$")
# Long enough to pass the length rule, and among the first tried by anyone guessing.
COMMON_PASSWORDS = frozenset({
    "1234567890", "0123456789", "0987654321", "1111111111", "1q2w3e4r5t", "1qaz2wsx3edc",
    "abc1234567", "abcd123456", "abcdefghij", "admin12345", "admin123456", "administrator",
    "baseball123", "changeme123", "football123", "iloveyou12", "iloveyou123", "letmein123",
    "passw0rd123", "password01", "password12", "password123", "password1234", "password!!",
    "princess123", "qwerty1234", "qwerty12345", "qwertyuiop", "qwertyuiop123", "sunshine123",
    "superman123", "trustno1trustno1", "welcome123", "welcome1234", "zaq12wsxcde",
    "correct horse battery staple", "correcthorsebatterystaple",
})

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_unknown_name_hash: tuple[PasswordHasher, str] | None = None


@dataclass(frozen=True)
class UserSummary:
    id: str
    name: str
    role: Role
    created_at: str
    disabled: bool
    display_name: str | None = None

    @property
    def label(self) -> str:
        return account_label(self.name, self.display_name)


@dataclass(frozen=True)
class PasswordChange:
    """What a password change, reset or re-enabling did to the account's keys."""

    name: str
    personal_key_discarded: bool = False

    @property
    def warning(self) -> str | None:
        if not self.personal_key_discarded:
            return None
        return _("{name}'s personal signing key was discarded, because only the old password"
                 " opened it: {name} must make a new one with 'screening-app user csr' and"
                 " install the certificate headquarters issues for it.").format(name=self.name)


class AccountDisabled(SlotDisabled):
    """The account exists but an admin has disabled it."""


class SignInThrottled(AuthenticationFailed):
    """Too many wrong passwords in a row for one name: it must wait."""

    def __init__(self, name: str, wait_seconds: int):
        super().__init__(_("Too many failed sign-ins for {name!r}: try again in"
                           " {wait}.").format(name=name, wait=describe_wait(wait_seconds)))
        self.name = name
        self.wait_seconds = wait_seconds


def check_new_password(password: str, user_name: str | None = None) -> None:
    """The floor every new password must clear; one sentence for the first rule broken."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(_("The password must have at least {count} characters.").format(
            count=MIN_PASSWORD_LENGTH))
    if password.strip() != password:
        raise UserError(_("The password must not start or end with a space."))
    if len(set(password)) == 1:
        raise UserError(_("The password must not be one character repeated."))
    if password.isdigit():
        raise UserError(_("The password must not be digits only; add letters or words."))
    if user_name and user_name.strip().casefold() in password.casefold():
        raise UserError(_("The password must not contain the user name."))
    if password.casefold() in COMMON_PASSWORDS:
        raise UserError(_("This password is one of the most common ones; choose another."))


def check_user_name(name: str) -> None:
    if not USER_NAME_PATTERN.match(name or ""):
        raise UserError(
            _("User name {name!r} is not valid: use 2 to 40 letters, digits, '.', '_', '@' or"
              " '-'.").format(name=name)
        )


def check_display_name(display_name: str | None) -> str | None:
    """A display name as stored: spaces tidied, None when empty (the login name is shown)."""
    tidy = " ".join((display_name or "").split())
    if not tidy:
        return None
    if len(tidy) > DISPLAY_NAME_MAX:
        raise UserError(_("The display name has {count} characters; keep it to {limit} (full"
                          " name and rank, such as 'Capt. R. Hughes').").format(
                              count=len(tidy), limit=DISPLAY_NAME_MAX))
    if not tidy.isprintable():
        raise UserError(_("The display name must not contain control characters."))
    return tidy


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _spend_a_verification(password: str) -> None:
    """Check the password against a throwaway hash, so that an unknown name takes as
    long to refuse as a known one and timing does not tell which names exist."""
    global _unknown_name_hash
    if _unknown_name_hash is None or _unknown_name_hash[0] is not _hasher:
        _unknown_name_hash = (_hasher, _hasher.hash(uuid.uuid4().hex))
    _verify(_unknown_name_hash[1], password)


class AccountService:
    def __init__(self, station: Station, keys: "KeyService | None" = None,
                 throttle: SignInThrottle | None = None,
                 grants: "GrantService | None" = None):
        from screening_app.services.keys import KeyService

        self._station = station
        self._db = station.db
        self._users = UserRepository(station.db)
        # Slots for the station key come and go with accounts and passwords.
        self._keys = keys if keys is not None else KeyService(station)
        self.throttle = throttle or SignInThrottle(station.data_dir / SIGN_IN_ATTEMPTS_FILE)
        # Roles stated in admins' signed grants (services/grants.py).
        self._grants = grants

    # -- accounts -------------------------------------------------------------------
    def create_first_admin(self, name: str, password: str) -> Actor:
        """Only for a new station: the account that sets everything else up."""
        if self._users.count():
            raise UserError(
                _("This station already has accounts; sign in as an admin to add one."))
        return self._insert_user(None, name, Role.ADMIN, password)

    def add_user(self, actor: Actor, name: str, role: Role | str, password: str,
                 display_name: str | None = None) -> Actor:
        """``display_name`` is what people read on forms and lists (full name and rank);
        without one they read the login name."""
        require_role(actor, Role.ADMIN, action=N_("add accounts"))
        try:
            role = Role(role)
        except ValueError:
            raise UserError(
                _("Unknown role {role!r}; choose one of {roles}.").format(
                    role=role, roles=", ".join(r.value for r in Role))
            ) from None
        return self._insert_user(actor, name, role, password, display_name)

    def _insert_user(self, actor: Actor | None, name: str, role: Role, password: str,
                     display_name: str | None = None) -> Actor:
        check_user_name(name)
        check_new_password(password, name)
        display_name = check_display_name(display_name)
        user_id = str(uuid.uuid4())
        contents = self._keys.new_account_contents()
        self._write_new_user(actor, user_id, name, role, password, display_name, contents)
        if actor is not None:
            # Only an account that exists gets a way into the database: its slot is written
            # once the account has committed.
            try:
                self._keys.settle_database_slot(user_id, password, contents, force=True)
            except StorageFailure as failure:
                raise StorageFailure(
                    _("The account {name!r} was added but its key could not be written:"
                      " {failure} Then reset its password to give it one.").format(
                          name=name, failure=failure),
                    failure.folder) from None
        return Actor(user_id=user_id, name=name, role=role, display_name=display_name)

    def _write_new_user(self, actor: Actor | None, user_id: str, name: str, role: Role,
                        password: str, display_name: str | None,
                        contents: SlotContents) -> None:
        with write_transaction(self._db):
            if self._users.named(name) is not None:
                raise UserError(_("An account named {name!r} already exists.").format(name=name))
            self._users.insert(user_id, name, role.value, self._stored_hash(password),
                               utc_now(), display_name)
            self._station.events.append(
                "account.created",
                {"user_id": user_id, "name": name, "role": role.value,
                 "display_name": display_name},
                actor_id=actor.user_id if actor else user_id,
            )
            if actor is not None:
                # The new account gets its own copy of the station key's KEK, and its own
                # event key, registered by the admin's session.
                self._keys.add_slot(actor, user_id, contents.account_key, role)
                self._keys.register_event_key(user_id, contents.account_key)
                if self._grants is not None:
                    self._grants.grant(actor, user_id, name, role.value)

    def _stored_hash(self, password: str) -> str:
        """An encrypted station keeps no password hash (the account's slot checks the
        password); a plain one, from before encryption at rest, still needs one."""
        return "" if self._station.key is not None else _hasher.hash(password)

    def _keyfile(self) -> KeyFile | None:
        if self._station.key is None:
            return None
        try:
            return KeyFile.load(self._station.data_dir)
        except KeyFileError:
            return None

    def list_users(self, actor: Actor) -> list[UserSummary]:
        require_role(actor, Role.ADMIN, Role.SUPERVISOR, action=N_("list accounts"))
        return [UserSummary(user.id, user.name, Role(user.role), user.created_at,
                            user.disabled_at is not None, user.display_name)
                for user in self._users.everyone()]

    def user_name(self, user_id: str) -> str | None:
        user = self._users.with_id(user_id)
        return user.name if user else None

    def set_display_name(self, actor: Actor, name: str,
                         display_name: str | None) -> UserSummary:
        """Give an account the name people read (full name and rank), or clear it (the
        login name is shown again). Records keep the login name; the change is an event."""
        require_role(actor, Role.ADMIN, action=N_("change display names"))
        user = self._find(name)
        display_name = check_display_name(display_name)
        if display_name == user.display_name:
            raise UserError(_("The account {name!r} already reads {label!r}; nothing was"
                              " changed.").format(name=user.name,
                                                  label=account_label(user.name, display_name)))
        with write_transaction(self._db):
            UserNames(self._db).set_display_name(user.id, display_name)
            self._station.events.append(
                "account.display_name_changed",
                {"user_id": user.id, "name": user.name, "display_name": display_name,
                 "previous": user.display_name},
                actor_id=actor.user_id)
        return UserSummary(user.id, user.name, Role(user.role), user.created_at,
                           user.disabled_at is not None, display_name)

    def disable(self, actor: Actor, name: str) -> UserSummary:
        """The account can no longer sign in, and its slot for the station key is gone.
        Accounts are never deleted: records name the people who made them."""
        require_role(actor, Role.ADMIN, action=N_("disable accounts"))
        user = self._find(name)
        if user.id == actor.user_id:
            raise UserError(_("You cannot disable your own account; another admin can."))
        if user.disabled_at is not None:
            raise UserError(_("The account {name!r} is already disabled.").format(name=user.name))
        now = utc_now()
        with write_transaction(self._db):
            if user.role == Role.ADMIN and self._enabled_admins() <= 1:
                raise UserError(_("{name!r} is the last enabled admin; the station needs one to"
                                  " manage accounts.").format(name=user.name))
            self._users.disable(user.id, now)
            self._record_act(actor, user, "disabled")
            slot_removed = self._keys.remove_slot(actor, user.id)
            self._station.events.append(
                "account.disabled",
                {"user_id": user.id, "name": user.name, "key_slot_removed": slot_removed},
                actor_id=actor.user_id)
        # Its password no longer opens the database either.
        self._keys.drop_database_slot(user.id)
        return UserSummary(user.id, user.name, Role(user.role), user.created_at, True,
                           user.display_name)

    def enable(self, actor: Actor, name: str, new_password: str) -> PasswordChange:
        """A disabled account comes back with a new password the admin sets (its old
        slot for the station key is gone, so a new one is made from the admin's)."""
        require_role(actor, Role.ADMIN, action=N_("enable accounts"))
        user = self._find(name)
        if user.disabled_at is None:
            raise UserError(_("The account {name!r} is not disabled.").format(name=user.name))
        check_new_password(new_password, user.name)
        contents = self._keys.new_account_contents()
        with write_transaction(self._db):
            self._users.enable(user.id, self._stored_hash(new_password))
            discarded = self._set_password_keys(actor, user, contents)
            self._record_act(actor, user, "enabled")
            self._station.events.append(
                "account.enabled",
                {"user_id": user.id, "name": user.name, "personal_key_discarded": discarded},
                actor_id=actor.user_id)
        self._keys.settle_database_slot(user.id, new_password, contents, force=True)
        self.throttle.record_success(user.name)
        return PasswordChange(user.name, discarded)

    # -- passwords ------------------------------------------------------------------
    def change_password(self, actor: Actor, current_password: str,
                        new_password: str) -> PasswordChange:
        """Anyone changes their own password with the current one: the hash, the slot
        for the station key and any countersigning key move to the new one together."""
        user = self._find_id(actor.user_id)
        self._refuse_if_throttled(user.name)
        if user.disabled_at is not None:
            raise AccountDisabled(_("The account {name!r} is disabled; ask an admin.").format(
                name=user.name))
        if not self._password_opens(user, current_password):
            self.throttle.record_failure(user.name)
            with write_transaction(self._db):
                self._station.events.append(
                    "auth.refused",
                    {"name": user.name, "known_user": True, "during": "password change"},
                    actor_id=user.id)
            raise AuthenticationFailed(_("The current password is wrong; nothing was changed."))
        check_new_password(new_password, user.name)
        if new_password == current_password:
            raise UserError(_("The new password is the same as the current one."))
        # The account's secrets stay sealed under its account key: only its slot is
        # wrapped anew, under the new password (staged, then settled once committed).
        contents = self._keys.session_contents(actor) if self._station.key else None
        if contents is not None:
            self._keys.stage_database_slot(user.id, new_password, contents)
        try:
            with write_transaction(self._db):
                self._users.set_password_hash(user.id, self._stored_hash(new_password))
                self._station.events.append(
                    "account.password_changed",
                    {"user_id": user.id, "name": user.name, "key_slot_rewrapped": True,
                     "personal_key_rewrapped": self._keys.has_user_key(user.id)},
                    actor_id=actor.user_id)
        except BaseException:
            if contents is not None:
                self._keys.unstage_database_slot(user.id)
            raise
        if contents is not None:
            self._keys.settle_database_slot(user.id, new_password, contents, force=True)
        self.throttle.record_success(user.name)
        return PasswordChange(user.name)

    def reset_password(self, actor: Actor, name: str, new_password: str) -> PasswordChange:
        """An admin sets another account's password (it was forgotten). The person's
        countersigning key opens only with the old password, so it is discarded."""
        require_role(actor, Role.ADMIN, action=N_("reset other accounts' passwords"))
        user = self._find(name)
        if user.id == actor.user_id:
            raise UserError(_("Your own password is changed with your current password, not"
                              " reset (a reset would discard your countersigning key)."))
        if user.disabled_at is not None:
            raise UserError(_("The account {name!r} is disabled; enabling it sets a new"
                              " password.").format(name=user.name))
        check_new_password(new_password, user.name)
        contents = self._keys.new_account_contents()
        # The new slot is staged first: until the change commits, the old password opens
        # the old account key and the new one the new (a crash locks no one out).
        self._keys.stage_database_slot(user.id, new_password, contents)
        try:
            with write_transaction(self._db):
                self._users.set_password_hash(user.id, self._stored_hash(new_password))
                discarded = self._set_password_keys(actor, user, contents)
                self._record_act(actor, user, "password_reset")
                self._station.events.append(
                    "account.password_reset",
                    {"user_id": user.id, "name": user.name,
                     "personal_key_discarded": discarded},
                    actor_id=actor.user_id)
        except BaseException:
            self._keys.unstage_database_slot(user.id)
            raise
        self._keys.settle_database_slot(user.id, new_password, contents, force=True)
        self.throttle.record_success(user.name)
        return PasswordChange(user.name, discarded)

    def _record_act(self, admin: Actor, user: UserRow, act: str) -> None:
        """The admin's act, signed as a grant (services/grants.py)."""
        if self._grants is not None:
            self._grants.record_act(admin, user.id, user.name, user.role, act)

    def _set_password_keys(self, admin: Actor, user: UserRow, contents: SlotContents) -> bool:
        """A new account key: the KEK copied under it from the admin's unlocked session;
        the old personal key, sealed under the old account key, is dropped."""
        self._keys.add_slot(admin, user.id, contents.account_key, Role(user.role))
        self._keys.register_event_key(user.id, contents.account_key)
        return self._keys.discard_user_key(admin, user.id)

    # -- signing in -----------------------------------------------------------------
    def authenticate(self, name: str, password: str) -> Actor:
        """Check a name and password (see ``check_sign_in``); the account."""
        return self.check_sign_in(name, password)[0]

    def check_sign_in(self, name: str, password: str, opened: SlotContents | None = None
                      ) -> tuple[Actor, SlotContents | None]:
        """Check a name and password by opening the account's slot (``opened``: already
        opened, at a sign-in that opened the database with it); the actor and what the
        slot holds. Every attempt, good, bad or refused unchecked because the name must
        wait, is an event."""
        self._refuse_if_throttled(name)
        user = self._users.named(name)
        contents, disabled = opened, False
        keyfile = self._keyfile() if opened is None else None
        if opened is not None:
            ok = user is not None
        elif keyfile is not None:
            try:
                contents = keyfile.unlock(name, password)
                ok = user is not None
            except SlotDisabled:
                ok, disabled = user is not None, True
            except AuthenticationFailed:
                ok = False
        elif user is None:
            _spend_a_verification(password)
            ok = False
        else:
            ok = _verify(user.password_hash, password)
        if ok and (disabled or user.disabled_at is not None):
            # Only said to someone who knows the password, so guessing learns nothing.
            with write_transaction(self._db):
                self._station.events.append(
                    "auth.refused", {"name": name, "known_user": True, "disabled": True},
                    actor_id=user.id)
            raise AccountDisabled(_("The account {name!r} is disabled; ask an admin.").format(
                name=user.name))
        if not ok:
            # Counted before the event is written: a busy database must not lose a failure.
            self.throttle.record_failure(name)
            with write_transaction(self._db):
                # The attempted name is kept, never the password.
                self._station.events.append(
                    "auth.refused", {"name": name, "known_user": user is not None})
            raise AuthenticationFailed(_("Wrong user name or password."))
        self.throttle.record_success(name)
        with write_transaction(self._db):
            self._station.events.append("auth.signed_in", {"name": user.name}, actor_id=user.id)
            if contents is not None and user.password_hash:
                # The slot checks this password from now on: a hash left in the database
                # (from before accounts had slots of their own) is only something to crack.
                self._users.set_password_hash(user.id, "")
        if contents is None and _hasher.check_needs_rehash(user.password_hash):
            self._rehash(user.id, password)
        return (Actor(user_id=user.id, name=user.name, role=Role(user.role),
                      display_name=user.display_name), contents)

    def _password_opens(self, user: UserRow, password: str) -> bool:
        keyfile = self._keyfile()
        if keyfile is None:
            return _verify(user.password_hash, password)
        try:
            keyfile.unlock(user.name, password)
        except AuthenticationFailed:
            return False
        return True

    def _refuse_if_throttled(self, name: str) -> None:
        wait = self.throttle.wait_seconds(name)
        if wait:
            with write_transaction(self._db):
                self._station.events.append("auth.throttled",
                                            {"name": name, "wait_seconds": wait})
            raise SignInThrottled(name, wait)

    def _rehash(self, user_id: str, password: str) -> None:
        with write_transaction(self._db):
            self._users.set_password_hash(user_id, _hasher.hash(password))

    # -- lookups --------------------------------------------------------------------
    def _find(self, name: str) -> UserRow:
        user = self._users.named((name or "").strip())
        if user is None:
            raise NotFound(_("There is no account named {name!r}.").format(name=name))
        return user

    def _find_id(self, user_id: str) -> UserRow:
        user = self._users.with_id(user_id)
        if user is None:
            raise NotFound(_("The signed-in account no longer exists at this station."))
        return user

    def _enabled_admins(self) -> int:
        return self._users.enabled_admins()
