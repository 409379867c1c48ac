"""The station's signing key and certificate, each person's own key, and who can unlock them.

At init the station makes an RSA key and a certificate signing request (CSR) for
headquarters; `station import-cert` installs the certificate headquarters issued. The
private key is stored sealed under the station's key-encryption key (KEK). The station's
key signs what is the station's: the revised lists, the sync bundles and the checkpoints
of its history.

Every account may also have a key of its own (`user csr` / `user import-cert`):
interviewers sign the forms they finalise with it, and supervisors their
countersignatures. Its certificate names the person's role and station (pki/people.py).

Each account has its own random account key, kept only in its slot of the key file
(store/keyfile.py), under its password. Everything that is the account's alone is sealed
under that key in the database: its copy of the KEK, its own signing key, its event key.
Signing in runs one argon2id derivation (the slot), and the rest opens with AES; locking
or signing out forgets it all. Secrets wrapped the older way (each under the password
itself, one derivation each) are re-sealed under the account key at the account's next
sign-in.
"""

import datetime
import json
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.pki import certificates, review_seal, sealed
from screening_app.pki.people import person_names
from screening_app.services.authz import require_role
from screening_app.store.connection import write_transaction
from screening_app.store.key_material import (
    SIGNING,
    AccountEventKeys,
    KeySlots,
    StationKeys,
    UserKeys,
)
from screening_app.store.keyfile import KeyFile, SlotContents
from screening_app.store.review_key import REVIEW, ReviewKeyRepository
from screening_app.store.station import Station
from screening_app.store.sync_records import SyncRecords
from screening_app.store.users import UserRepository

# A certificate ending this soon with no renewal installed is pointed out (renewals are
# issued 60 days ahead: 'hq certificates renew --within-days').
WARN_BEFORE_END_DAYS = 30


def today() -> datetime.datetime:
    """The moment certificates' dates are judged against (tests move it)."""
    return datetime.datetime.now(datetime.UTC)
# Who holds a copy of the station key's KEK: the roles whose work the station signs
# (revised lists, bundles, checkpoints of the history, backups).
KEK_ROLES = (Role.SUPERVISOR, Role.ADMIN)
ORGANISATION = "UNC Screening"


class StationKeyUnavailable(UserError):
    pass


def load_sealed_private_key(der: bytes):
    """A private key that was just unsealed: AES-GCM has already proved these are the bytes
    this program stored, so the RSA consistency check (about a quarter of a second for a
    3072-bit key, at every signature) proves nothing more."""
    return serialization.load_der_private_key(der, password=None,
                                              unsafe_skip_rsa_key_validation=True)


class SessionEventSigner:
    """The event keys this session holds: the signed-in account's, and those of accounts
    an admin's session has just made (it set their passwords). The station's events are
    signed with them (see store/events.py), so another account's events cannot be
    rewritten without showing; locking forgets them all."""

    def __init__(self, user_id: str, private_key: Ed25519PrivateKey):
        self.user_id = user_id
        self._keys = {user_id: private_key}

    def hold(self, user_id: str, private_key: Ed25519PrivateKey) -> None:
        self._keys[user_id] = private_key

    def sign_for(self, actor_id: str | None, digest: str) -> tuple[str, str]:
        signer = actor_id if actor_id in self._keys else self.user_id
        return signer, self._keys[signer].sign(bytes.fromhex(digest)).hex()


def event_public_key_hex(private_key: Ed25519PrivateKey) -> str:
    return private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw).hex()


@dataclass(frozen=True)
class StationCertificate:
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # issuers, ending with the root

    @property
    def root(self) -> x509.Certificate:
        return self.chain[-1] if self.chain else self.certificate


class KeyService:
    def __init__(self, station: Station):
        self._station = station
        self._db = station.db
        self._station_keys = StationKeys(station.db)
        self._slots = KeySlots(station.db)
        self._user_keys = UserKeys(station.db)
        self._event_keys = AccountEventKeys(station.db)
        self._kek: bytes | None = None
        # Personal private keys (DER) unlocked in this session, by user id: the signed-in
        # person's (a sign-in forgets any other), and those made in this session.
        self._personal: dict[str, bytes] = {}
        self._account: tuple[str, bytes] | None = None  # (user id, account key)

    # -- set-up -----------------------------------------------------------------------
    def _context(self, purpose: str) -> bytes:
        return f"screening-app:{self._station.station_id}:{purpose}".encode()

    def create_station_key(self, admin: Actor) -> None:
        """At init: the KEK, the signing key sealed under it, the CSR, the admin's copy of
        the KEK (under the admin's account key, unlocked in this session)."""
        if self._station_keys.exists(SIGNING):
            raise UserError(_("This station already has a signing key."))
        kek = sealed.new_kek()
        key = certificates.new_private_key()
        csr = certificates.create_csr(key, f"Station {self._station.station_id}",
                                      ORGANISATION, unit=self._station.camp)
        private_der = key.private_bytes(serialization.Encoding.DER,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        with write_transaction(self._db):
            self._station_keys.insert(SIGNING,
                                      sealed.seal(kek, private_der, self._context(SIGNING)),
                                      public_pem.decode(), certificates.to_pem(csr).decode(),
                                      utc_now())
            self._write_kek(admin.user_id, kek, self._require_account_key(admin))
            self._station.events.append("keys.created", {"purpose": SIGNING},
                                        actor_id=admin.user_id)
        self._kek = kek
        self._open_review_key(admin)

    def _write_kek(self, user_id: str, kek: bytes, account_key: bytes) -> None:
        """The account's copy of the KEK, sealed under its account key."""
        self._slots.put(user_id, self._sealed_for_account(user_id, "kek", account_key, kek),
                        utc_now())

    def restore_kek(self, user_id: str, kek: bytes, account_key: bytes) -> None:
        """Recovery with headquarters' key: the recovered KEK, copied for the account."""
        self._write_kek(user_id, kek, account_key)

    def add_slot(self, admin: Actor, user_id: str, account_key: bytes, role: Role) -> None:
        """Give a supervisor or an admin their copy of the KEK, under their new account key
        (needs an unlocked admin session: the KEK is copied, never re-created). An
        interviewer gets none: they sign with their own key, and the station's key (which
        signs lists, bundles and the history's checkpoints) stays out of their reach."""
        require_role(admin, Role.ADMIN, action=N_("give accounts access to the station key"))
        if not self.has_key():
            return
        if role not in KEK_ROLES:
            self._slots.remove(user_id)
            return
        self._write_kek(user_id, self._require_kek(), account_key)

    def drop_interviewers_kek(self, actor: Actor) -> None:
        """An interviewer's copy of the KEK, made by an older version, goes at their next
        sign-in (and this session forgets it)."""
        if actor.role in KEK_ROLES:
            return
        self._kek = None
        with write_transaction(self._db):
            self._slots.remove(actor.user_id)

    # -- what an account key seals ------------------------------------------------------
    def _account_context(self, user_id: str, purpose: str) -> bytes:
        return f"screening-app:{self._station.station_id}:account:{user_id}:{purpose}".encode()

    def _sealed_for_account(self, user_id: str, purpose: str, account_key: bytes,
                            secret: bytes) -> str:
        return json.dumps({"sealed_under": "account_key", "sealed": sealed.seal(
            account_key, secret, self._account_context(user_id, purpose)).hex()})

    def _open_for_account(self, user_id: str, purpose: str, stored: str,
                          account_key: bytes | None, password: str | None,
                          legacy_context: bytes) -> tuple[bytes, bool]:
        """A secret of the account's, and whether it was wrapped the older way (under the
        password itself, which costs an argon2id derivation: re-seal it then)."""
        wrapped = json.loads(stored)
        if wrapped.get("sealed_under") == "account_key":
            if account_key is None:
                raise StationKeyUnavailable(_("This account's keys are locked: sign in again."))
            return sealed.unseal(account_key, bytes.fromhex(wrapped["sealed"]),
                                 self._account_context(user_id, purpose)), False
        if password is None:
            raise StationKeyUnavailable(_("This account's keys are locked: sign in again."))
        return sealed.unwrap_with_password(wrapped, password, legacy_context), True

    @staticmethod
    def _opens(stored: str, account_key: bytes | None) -> bool:
        """Whether this session can try to open a stored secret: one sealed under an
        account key needs that key (an account whose slot gave none opens nothing)."""
        return account_key is not None or json.loads(stored).get("sealed_under") != "account_key"

    def _require_account_key(self, actor: Actor) -> bytes:
        if self._account is None or self._account[0] != actor.user_id:
            raise StationKeyUnavailable(_("{name}'s keys are locked: sign in again.").format(
                name=actor.name))
        return self._account[1]

    def _hold_account_key(self, actor: Actor, account_key: bytes) -> None:
        """This session holds ``actor``'s account key: what it seals opens (the event key
        that signs its events, the own key that opens its drafts)."""
        self._account = (actor.user_id, account_key)
        self._station.drafts.own(actor.user_id, account_key)
        self._unlock_event_key(actor, account_key)

    def adopt_account_key(self, actor: Actor, account_key: bytes) -> None:
        """This session acts for ``actor``, whose slot just gave ``account_key``."""
        self._hold_account_key(actor, account_key)

    # -- slots when passwords change or accounts are disabled --------------------------
    def has_slot(self, user_id: str) -> bool:
        return self._slots.exists(user_id)


    def remove_slot(self, admin: Actor, user_id: str) -> bool:
        """Take away an account's way to unlock the station key (a disabled account):
        even its right password then opens nothing. False when it had no slot."""
        require_role(admin, Role.ADMIN, action=N_("take away access to the station key"))
        with write_transaction(self._db):
            return self._slots.remove(user_id)

    def has_user_key(self, user_id: str) -> bool:
        return self._user_keys.exists(user_id)


    def discard_user_key(self, admin: Actor, user_id: str) -> bool:
        """Drop a person's own key when an admin sets their password: it is wrapped under
        the old password, which the admin does not know. Forms already signed keep their
        signatures (the certificate is inside each PDF). False when there was no key."""
        require_role(admin, Role.ADMIN, action=N_("discard a person's own signing key"))
        with write_transaction(self._db):
            removed = self._user_keys.remove(user_id)
        self._personal.pop(user_id, None)
        return removed

    # -- sessions ---------------------------------------------------------------------
    def unlock(self, actor: Actor, account_key: bytes | None, password: str) -> bool:
        """Open the account's own secrets for this session: with its account key (from
        its slot, just opened), or, for secrets wrapped the older way, with the password,
        re-sealing them under the account key as it goes. False when there is no KEK to
        unlock (a station made before keys, or an account without a copy)."""
        unlocked = self._unlock(actor, account_key, password)
        self._open_review_key(actor)
        return unlocked

    def _unlock(self, actor: Actor, account_key: bytes | None, password: str) -> bool:
        self._forget_other_secrets()
        if account_key is not None:
            self._hold_account_key(actor, account_key)
        personal = self._user_keys.row(actor.user_id)
        if personal is not None and self._opens(personal.wrapped_private_key, account_key):
            der, older = self._open_for_account(actor.user_id, "personal",
                                                personal.wrapped_private_key,
                                                account_key, password,
                                                self._user_context(actor.user_id))
            self._personal[actor.user_id] = der
            if older and account_key is not None:
                self._seal_personal(actor.user_id, account_key, der)
        wrapped_kek = self._slots.wrapped_kek(actor.user_id)
        if (wrapped_kek is None or not self._opens(wrapped_kek, account_key)
                or actor.role not in KEK_ROLES):
            return False
        self._kek, older = self._open_for_account(actor.user_id, "kek", wrapped_kek,
                                                  account_key,
                                                  password, self._context("kek"))
        if older and account_key is not None:
            with write_transaction(self._db):
                self._write_kek(actor.user_id, self._kek, account_key)
        return True

    # -- the account's event key -----------------------------------------------------------
    def register_event_key(self, user_id: str, account_key: bytes) -> str:
        """A new event key for an account, sealed under its account key; the registration
        is an event, signed by the session that makes it (an admin adding or resetting the
        account, or the account itself at its first sign-in with this version)."""
        private_key = Ed25519PrivateKey.generate()
        public = event_public_key_hex(private_key)
        raw = private_key.private_bytes(serialization.Encoding.Raw,
                                        serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
        signer = self._station.signer
        if isinstance(signer, SessionEventSigner):
            signer.hold(user_id, private_key)
        else:
            # No session signs yet (the account's first sign-in with this version, or a
            # recovery): the new key signs its own registration.
            self._station.signer = SessionEventSigner(user_id, private_key)
        with write_transaction(self._db):
            self._event_keys.insert(
                public, user_id, self._sealed_for_account(user_id, "events", account_key, raw),
                utc_now())
            self._station.events.append("keys.event_key_registered",
                                        {"user_id": user_id, "public_key": public},
                                        actor_id=user_id)
        return public

    def _unlock_event_key(self, actor: Actor, account_key: bytes) -> None:
        """Sign this session's events with the account's newest event key (made now for an
        account that has none yet)."""
        raw = self._newest_event_key(actor.user_id, account_key)
        if raw is None:
            # None yet, or only one sealed under an account key this account no longer
            # has (its password was reset): a new one, registered by this session.
            self.register_event_key(actor.user_id, account_key)
            raw = self._newest_event_key(actor.user_id, account_key)
        key = Ed25519PrivateKey.from_private_bytes(raw)
        signer = self._station.signer
        if isinstance(signer, SessionEventSigner):
            # Another account signing in at this station's open session (a test's, or the
            # lock screen's): its key joins and it signs from now on.
            signer.hold(actor.user_id, key)
            signer.user_id = actor.user_id
        else:
            self._station.signer = SessionEventSigner(actor.user_id, key)

    def _newest_event_key(self, user_id: str, account_key: bytes) -> bytes | None:
        stored = self._event_keys.newest_sealed(user_id)
        if stored is None:
            return None
        try:
            return self._open_for_account(user_id, "events", stored, account_key, None,
                                          b"")[0]
        except UserError:
            return None

    def reseal_for_new_account_key(self, actor: Actor, account_key: bytes) -> None:
        """An account moving to a new account key (at its first sign-in with this
        version): what this session holds is sealed again under the new key."""
        with write_transaction(self._db):
            if self._kek is not None and self.has_slot(actor.user_id):
                self._write_kek(actor.user_id, self._kek, account_key)
            if actor.user_id in self._personal:
                self._seal_personal(actor.user_id, account_key, self._personal[actor.user_id])
        self._hold_account_key(actor, account_key)

    def _seal_personal(self, user_id: str, account_key: bytes, der: bytes) -> None:
        with write_transaction(self._db):
            self._user_keys.reseal(
                user_id, self._sealed_for_account(user_id, "personal", account_key, der))

    def lock(self) -> None:
        self._kek = None
        self._personal = {}
        self._account = None
        self._station.signer = None
        self._station.review.lock()
        self._station.drafts.forget()

    def _forget_other_secrets(self) -> None:
        """At a sign-in: the previous account's KEK, keys and account key go, its event
        key stays with the session's signer (see SessionEventSigner); what it sealed for
        review no longer opens."""
        self._kek = None
        self._personal = {}
        self._account = None
        self._station.review.lock()
        self._station.drafts.forget()

    # -- the review key: what a person chose, sealed to those who review it -----------------
    def _open_review_key(self, actor: Actor) -> None:
        """Every session learns the review key's public half (it seals what it records);
        a session holding the KEK also opens the private half, making the key first on a
        station that has none yet (one made before review keys)."""
        keys = ReviewKeyRepository(self._db)
        if self._kek is not None and keys.public() is None and self.has_key():
            private, public = review_seal.new_review_key()
            with write_transaction(self._db):
                keys.insert(sealed.seal(self._kek, private, self._context(REVIEW)), public)
                self._station.events.append("keys.created", {"purpose": REVIEW},
                                            actor_id=actor.user_id)
        private = self._review_private(keys)
        if private is not None:
            # The private half brings its own public half: a reviewer's session seals to
            # the true key even if the stored public half was replaced (which `check` names).
            self._station.review.unlock(private)
        else:
            self._station.review.know(keys.public())

    def _review_private(self, keys: ReviewKeyRepository) -> bytes | None:
        """The review key's private half, for a session holding the KEK."""
        stored = keys.sealed_private()
        if self._kek is None or stored is None:
            return None
        return sealed.unseal(self._kek, stored, self._context(REVIEW))

    def review_key_problem(self) -> str | None | bool:
        """A public half that is not the private half's: someone put another key in its
        place, so that what sessions sealed since opens for them and not for reviewers.
        Only a session holding the KEK can tell (False when this one cannot)."""
        keys = ReviewKeyRepository(self._db)
        private = self._review_private(keys)
        if private is None:
            return False
        if review_seal.public_of(private) != keys.public():
            return _("The review key's public half was replaced: interviews recorded since"
                     " were sealed to another key, which the station's reviewers do not hold.")
        return None

    # -- a person's own key: forms they finalise, countersignatures they add -------------
    def _user_context(self, user_id: str) -> bytes:
        return f"screening-app:{self._station.station_id}:user:{user_id}".encode()

    def create_user_key(self, actor: Actor) -> bytes:
        """The signed-in person's own signing key (any role: interviewers sign the forms
        they finalise, supervisors and admins their countersignatures); returns the CSR
        (PEM) to send to headquarters. The key is sealed under this person's account key,
        which only their password opens. Asked again, it returns the same request, unless
        headquarters revoked the key's certificate: then the key is replaced, since the old
        one may be in other hands."""
        row = self._user_keys.row(actor.user_id)
        if row is not None and not self._installed_certificate_revoked(row.certificate_pem):
            return self.user_csr_pem(actor)
        key = certificates.new_private_key()
        common_name, unit = person_names(actor.role.value, actor.name,
                                         self._station.station_id)
        csr = certificates.create_csr(key, common_name, ORGANISATION, unit=unit)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        wrapped = self._sealed_for_account(actor.user_id, "personal",
                                           self._require_account_key(actor), der)
        with write_transaction(self._db):
            # A replaced key takes its certificate with it: the new one is for the new key.
            self._user_keys.put_new(actor.user_id, wrapped, public_pem.decode(),
                                    certificates.to_pem(csr).decode(), utc_now())
            self._station.events.append(
                "keys.user_key_created",
                {"user_id": actor.user_id, "replaces_revoked": row is not None},
                actor_id=actor.user_id)
        self._personal[actor.user_id] = der
        return certificates.to_pem(csr)

    def _installed_certificate_revoked(self, certificate_pem: str | None) -> bool:
        if certificate_pem is None:
            return False
        certificate = certificates.load_certificates(certificate_pem.encode(),
                                                     "user certificate")[0]
        return self.revocation(certificate) is not None

    def user_csr_pem(self, actor: Actor) -> bytes:
        row = self._user_keys.row(actor.user_id)
        if row is None:
            raise StationKeyUnavailable(_("{name} has no personal key yet.").format(
                name=actor.name))
        return row.csr_pem.encode()

    def import_user_certificate(self, actor: Actor, pem: bytes, source: str) -> None:
        row = self._user_keys.row(actor.user_id)
        if row is None:
            raise StationKeyUnavailable(_("{name} has no personal key yet; make one with"
                                          " 'screening-app user csr'.").format(name=actor.name))
        found = certificates.load_certificates(pem, source)
        certificate, chain = found[0], tuple(found[1:])
        ours = serialization.load_pem_public_key(row.public_key_pem.encode())
        if ours.public_numbers() != certificate.public_key().public_numbers():
            raise UserError(_("{source}: this certificate is for another key, not"
                              " {name}'s.").format(source=source, name=actor.name))
        if not chain:
            raise UserError(_("{source}: put the issuing CA's certificate after the person's"
                              " certificate in the same file.").format(source=source))
        issuer = certificate
        for parent in chain:
            certificates.check_issued_by(issuer, parent)
            issuer = parent
        station = self.station_certificate()
        if station is not None and chain[-1] != station.root:
            # Forms signed with it would verify nowhere: headquarters trusts its own CA only.
            raise UserError(_("{source}: this certificate was issued by {issuer!r}, not by"
                              " headquarters' CA {root!r}, which this station trusts.").format(
                                  source=source, issuer=certificates.common_name(chain[-1]),
                                  root=certificates.common_name(station.root)))
        with write_transaction(self._db):
            self._user_keys.install_certificate(actor.user_id,
                                                certificates.to_pem(certificate).decode(),
                                                certificates.chain_pem(chain).decode())
            self._station.events.append(
                "keys.user_certificate_installed",
                {"user_id": actor.user_id, "subject": certificate.subject.rfc4514_string()},
                actor_id=actor.user_id)

    def _user_certificate_row(self, user_id: str) -> tuple[str | None, str | None] | None:
        row = self._user_keys.row(user_id)
        return (row.certificate_pem, row.chain_pem) if row is not None else None

    def personal_problem(self, actor: Actor, doing: str) -> str | None:
        """Why this person cannot sign with their own key now, as one sentence saying what
        to do ("ivan cannot start interviews yet: ..."), or None when they can. ``doing``
        is what they would be signing for."""
        who = actor.name
        row = self._user_certificate_row(actor.user_id)
        if row is None:
            return _("{who} cannot {doing} yet: {who} has no personal signing key; make one"
                     " with 'screening-app user csr', have headquarters issue its certificate,"
                     " and install it with 'screening-app user import-cert'.").format(
                         who=who, doing=doing)
        if row[0] is None:
            return _("{who} cannot {doing} yet: {who}'s certificate is not installed; send"
                     " the request from 'screening-app user csr' to headquarters and install"
                     " the certificate they issue with 'screening-app user import-cert'.").format(
                         who=who, doing=doing)
        certificate = certificates.load_certificates(row[0].encode(), "user certificate")[0]
        revoked = self.revocation(certificate)
        if revoked:
            return _("{who} cannot {doing}: headquarters revoked {who}'s certificate"
                     " ({revoked}); make a new request with 'screening-app user csr' and"
                     " install the certificate headquarters issues for it.").format(
                         who=who, doing=doing, revoked=revoked)
        if certificate.not_valid_after_utc <= today():
            # A form signed under a lapsed certificate would never verify: refuse it here.
            return _("{who} cannot {doing}: {who}'s certificate ended on {date}; sync with"
                     " headquarters, which sends its renewal ('hq certificates renew'), or"
                     " install a new one with 'screening-app user import-cert'.").format(
                         who=who, doing=doing,
                         date=f"{certificate.not_valid_after_utc:%Y-%m-%d}")
        if actor.user_id not in self._personal:
            return _("{who} cannot {doing}: {who}'s key is locked; sign in again.").format(
                who=who, doing=doing)
        return None

    def personal_identity(self, actor: Actor, doing: str | None = None):
        """The signed-in person's own signing identity: for the forms an interviewer
        finalises, and for a supervisor's countersignature."""
        from screening_app.records.signing import SigningIdentity

        problem = self.personal_problem(actor, doing or _("countersign"))
        if problem:
            raise StationKeyUnavailable(problem)
        certificate_pem, chain_pem = self._user_certificate_row(actor.user_id)
        return SigningIdentity(
            key=load_sealed_private_key(self._personal[actor.user_id]),
            certificate=certificates.load_certificates(certificate_pem.encode(),
                                                       "user certificate")[0],
            chain=tuple(certificates.load_certificates(chain_pem.encode(), "user chain")))

    def revocation(self, certificate: x509.Certificate) -> str | None:
        """Why and when headquarters revoked this certificate (from a down bundle), or
        None. A revoked certificate signs nothing more at this station."""
        from cryptography.hazmat.primitives import hashes

        found = SyncRecords(self._db).revocation(
            certificate.fingerprint(hashes.SHA256()).hex())
        if found is None:
            return None
        reason, revoked_at = found
        return _("{reason}, {date}").format(reason=reason or _("no reason given"),
                                            date=str(revoked_at or "")[:10] or _("date unknown"))

    def _require_kek(self) -> bytes:
        # The KEK belongs to this process's signed-in session, whoever is acting in it: the
        # Actor objects that reach services come only from a password check.
        if self._kek is None:
            raise StationKeyUnavailable(
                _("The station key is locked: sign in again to unlock it."))
        return self._kek

    # -- the key and its certificate -----------------------------------------------------
    def has_key(self) -> bool:
        return self._station_keys.exists(SIGNING)

    def csr_pem(self) -> bytes:
        csr_pem = self._station_keys.csr_pem(SIGNING)
        if csr_pem is None:
            raise StationKeyUnavailable(_("This station has no signing key."))
        return csr_pem.encode()

    def uncertified_station_key(self):
        """The station's private key before any certificate is installed: it signs the
        enrolment request, proving that the request comes from the key its CSR names
        (services/enrolment.py). Needs a session holding the KEK."""
        stored = self._station_keys.sealed_private_key(SIGNING)
        if stored is None:
            raise StationKeyUnavailable(_("This station has no signing key."))
        return load_sealed_private_key(sealed.unseal(self._require_kek(), stored,
                                                     self._context(SIGNING)))

    def import_certificate(self, actor: Actor, pem: bytes, source: str, *,
                           publish_root: bool = True) -> StationCertificate:
        """Install the certificate headquarters issued for this station's CSR. The file
        holds the station certificate followed by its issuers up to the root. With
        ``publish_root`` False the caller copies the root into the key file itself (with
        publish_trust_root), once its own transaction has committed."""
        require_role(actor, Role.ADMIN, action=N_("install the station certificate"))
        found = certificates.load_certificates(pem, source)
        certificate, chain = found[0], tuple(found[1:])
        public_pem = self._station_keys.public_key_pem(SIGNING)
        if public_pem is None:
            raise StationKeyUnavailable(_("This station has no signing key."))
        ours = serialization.load_pem_public_key(public_pem.encode())
        theirs = certificate.public_key()
        if ours.public_numbers() != theirs.public_numbers():
            raise UserError(_("{source}: this certificate is for another key, not this"
                              " station's (was it issued for this station's CSR?).").format(
                                  source=source))
        if not chain:
            raise UserError(_("{source}: put the issuing CA's certificate after the station's"
                              " certificate in the same file.").format(source=source))
        issuer = certificate
        for parent in chain:
            certificates.check_issued_by(issuer, parent)
            issuer = parent
        certificates.check_issued_by(chain[-1], chain[-1])  # the root signs itself
        with write_transaction(self._db):
            self._station_keys.install_certificate(
                SIGNING, certificates.to_pem(certificate).decode(),
                certificates.chain_pem(chain).decode(), utc_now())
            self._station.events.append(
                "keys.certificate_installed",
                {"subject": certificate.subject.rfc4514_string(),
                 "issuer": certificate.issuer.rfc4514_string(),
                 "serial": format(certificate.serial_number, "x"),
                 "root": certificates.common_name(chain[-1])},
                actor_id=actor.user_id,
            )
        if publish_root:
            self.publish_trust_root(chain[-1])
        return StationCertificate(certificate, chain)

    def station_certificate(self) -> StationCertificate | None:
        installed = self._station_keys.certificate(SIGNING)
        if installed is None:
            return None
        certificate_pem, chain_pem = installed
        return StationCertificate(
            certificates.load_certificates(certificate_pem.encode(), "station certificate")[0],
            tuple(certificates.load_certificates(chain_pem.encode(), "station chain")))

    def readiness(self) -> str | None:
        """Why this station cannot sign (lists, bundles) now, or None when it can."""
        problem = self.certificate_problem()
        if problem:
            return problem
        if self._kek is None:
            return _("The station key is locked: sign in again to unlock it.")
        return None

    def certificate_problem(self) -> str | None:
        """Why this station has no usable certificate (none yet, or revoked), or None. A
        station without one starts no interview, whoever would sign its form."""
        if not self.has_key():
            return _("This station has no signing key (it was made by an older version); ask"
                     " an admin to create one.")
        if self.station_certificate() is None:
            return _("This station has no certificate yet: send its request ('screening-app"
                     " station csr') to headquarters and install what they issue with"
                     " 'screening-app station import-cert'.")
        revoked = self.revocation(self.station_certificate().certificate)
        if revoked:
            return _("Headquarters revoked this station's certificate ({revoked}): it starts"
                     " no interview and signs nothing more until headquarters issues a new"
                     " one.").format(revoked=revoked)
        return None

    def expiry_warnings(self, actor: Actor | None = None,
                        now: datetime.datetime | None = None) -> list[str]:
        """A sentence for the station's certificate, and for ``actor``'s own, when it ends
        within WARN_BEFORE_END_DAYS: a renewal, once applied from a down bundle, ends
        later, so one still ending soon means none has arrived."""
        soon = (now or today()) + datetime.timedelta(days=WARN_BEFORE_END_DAYS)
        warnings = []
        installed = self.station_certificate()
        if installed is not None and installed.certificate.not_valid_after_utc <= soon:
            warnings.append(_("This station's certificate ends on {date} and no renewal has"
                              " arrived: sync with headquarters, which renews it ('hq"
                              " certificates renew').").format(
                date=f"{installed.certificate.not_valid_after_utc:%Y-%m-%d}"))
        row = self._user_certificate_row(actor.user_id) if actor is not None else None
        if row is not None and row[0] is not None:
            own = certificates.load_certificates(row[0].encode(), "user certificate")[0]
            if own.not_valid_after_utc <= soon:
                warnings.append(_("{who}'s certificate ends on {date} and no renewal has"
                                  " arrived: sync with headquarters, which renews it ('hq"
                                  " certificates renew').").format(
                    who=actor.name, date=f"{own.not_valid_after_utc:%Y-%m-%d}"))
        return warnings

    def signing_identity(self, actor: Actor):
        from screening_app.records.signing import SigningIdentity

        installed = self.station_certificate()
        if installed is None:
            raise StationKeyUnavailable(
                _("This station has no certificate yet: send station-csr.pem to headquarters"
                  " and install what they issue with 'screening-app station import-cert'."))
        revoked = self.revocation(installed.certificate)
        if revoked:
            raise StationKeyUnavailable(_("Headquarters revoked this station's certificate"
                                          " ({revoked}): it signs nothing more.").format(
                                              revoked=revoked))
        kek = self._require_kek()
        stored = self._station_keys.sealed_private_key(SIGNING)
        key = load_sealed_private_key(sealed.unseal(kek, stored, self._context(SIGNING)))
        return SigningIdentity(key=key, certificate=installed.certificate,
                               chain=installed.chain)

    # -- the database key's slots (store/keyfile.py) ------------------------------------------
    def _keyfile(self) -> KeyFile | None:
        """None for a plain database (a station not yet encrypted, or a test's)."""
        if self._station.key is None:
            return None
        return KeyFile.load(self._station.data_dir)

    def _user_name(self, user_id: str) -> str:
        user = UserRepository(self._db).with_id(user_id)
        if user is None:
            raise UserError(_("There is no account {id}.").format(id=user_id))
        return user.name

    def new_account_contents(self) -> SlotContents:
        """What a new slot holds: this station's database key and a fresh account key."""
        return SlotContents.new(self._station.key or b"")

    def session_contents(self, actor: Actor) -> SlotContents:
        """What the signed-in account's own slot holds (to wrap it under a new password)."""
        return SlotContents(self._station.key or b"", self._require_account_key(actor))

    def stage_database_slot(self, user_id: str, password: str, contents: SlotContents) -> None:
        """A wrap under a new password beside the account's current one, so that a crash
        before the change commits locks no one out; settled once it has committed."""
        keyfile = self._keyfile()
        if keyfile is not None:
            keyfile.stage_slot(self._user_name(user_id), password, contents)
            keyfile.save(self._station.key)

    def unstage_database_slot(self, user_id: str) -> None:
        """The change a staged wrap was for did not commit: the new password opens nothing."""
        keyfile = self._keyfile()
        if keyfile is not None:
            keyfile.unstage_slot(self._user_name(user_id))
            keyfile.save(self._station.key)

    def settle_database_slot(self, user_id: str, password: str, contents: SlotContents,
                             force: bool = False) -> None:
        """After a password change commits (or at a sign-in the database confirmed): the
        account's only wrap is the one under this password, so an old password opens
        nothing any more."""
        keyfile = self._keyfile()
        name = self._user_name(user_id)
        if keyfile is not None and (force or keyfile.entries(name) != 1):
            keyfile.set_slot(name, password, contents)
            keyfile.save(self._station.key)

    def drop_database_slot(self, user_id: str) -> None:
        """A disabled account's password no longer opens the database."""
        keyfile = self._keyfile()
        if keyfile is not None:
            user = UserRepository(self._db).with_id(user_id)
            keyfile.disable_slot(user.name, user.password_hash or None)
            keyfile.save(self._station.key)

    def write_recovery_slot(self, age_recipient: str) -> None:
        """Headquarters can open this station (and its signing key) if every password is
        lost: both keys wrapped to its public key."""
        keyfile = self._keyfile()
        if keyfile is not None:
            keyfile.set_recovery(age_recipient, self._station.key, self._kek)
            keyfile.save(self._station.key)

    def key_file_problem(self) -> str | None:
        """What is wrong with the key file's public part (see KeyFile.public_problem)."""
        keyfile = self._keyfile()
        return keyfile.public_problem(self._station.key) if keyfile is not None else None

    def authenticate_key_file(self) -> None:
        """Give a key file written before the MAC its MAC (at a sign-in: only someone who
        opened the database can)."""
        keyfile = self._keyfile()
        if keyfile is not None and keyfile.public_mac is None:
            keyfile.save(self._station.key)

    def publish_trust_root(self, root: x509.Certificate) -> None:
        keyfile = self._keyfile()
        if keyfile is not None:
            keyfile.public["trust_root_pem"] = certificates.to_pem(root).decode()
            keyfile.save(self._station.key)

    def adopt_session(self, other: "KeyService") -> None:
        """Share another connection's unlocked session (a pool thread working for the
        signed-in person)."""
        self._kek = other._kek
        self._personal = dict(other._personal)
        self._account = other._account
        self._station.signer = other._station.signer
        self._station.review.adopt(other._station.review)
        self._station.drafts.adopt(other._station.drafts)

    # -- checkpoints of the history, signed by the station's key ---------------------------
    def checkpoint(self, actor: Actor) -> bool:
        """Sign the chain head with the station's key, as an event of its own: a history
        rewritten before it no longer matches. Only a session holding the KEK (supervisors
        and admins) can; False when there is nothing new to sign or no key to sign with."""
        from screening_app.store.signed_history import CHECKPOINT, checkpoint_message

        if self._kek is None or self.station_certificate() is None or not self.has_key():
            return False
        with write_transaction(self._db):
            seq, head = self._station.events.head()
            last_kind = self._station.events.kind_at(seq)
            if last_kind is None or last_kind == CHECKPOINT:
                return False
            identity = self.signing_identity(actor)
            signature = identity.key.sign(
                checkpoint_message(self._station.station_id, seq, head),
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                            salt_length=padding.PSS.MAX_LENGTH), hashes.SHA256())
            self._station.events.append(CHECKPOINT, {
                "seq": seq, "hash": head, "signature": signature.hex(),
                "certificate_sha256": identity.certificate.fingerprint(hashes.SHA256()).hex(),
            }, actor_id=actor.user_id)
        return True

    def checkpoint_verifier(self):
        """How a checkpoint's signature is checked: the station certificate's key."""
        from screening_app.store.signed_history import rsa_pss_verifier

        installed = self.station_certificate()
        return rsa_pss_verifier(installed.certificate.public_key()) if installed else None

    # -- other station secrets, sealed under the KEK ---------------------------------------
    def seal_secret(self, purpose: str, secret: bytes) -> bytes:
        """Seal a station secret (the sync key, for one) so that only a signed-in session
        opens it; ``purpose`` binds it to its place."""
        return sealed.seal(self._require_kek(), secret, self._context(purpose))

    def unseal_secret(self, purpose: str, sealed_secret: bytes) -> bytes:
        return sealed.unseal(self._require_kek(), sealed_secret, self._context(purpose))
