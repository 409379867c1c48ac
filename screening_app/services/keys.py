"""The station's signing key and certificate, each person's own key, and who can unlock them.

At init the station makes an RSA key and a certificate signing request (CSR) for
headquarters; `station import-cert` installs the certificate headquarters issued. The
private key is stored sealed under the station's key-encryption key (KEK), and the KEK
only wrapped per account under that account's password: signing in unlocks it for the
session, locking or signing out forgets it. The station's key signs what is the
station's: the revised lists and the sync bundles.

Every account may also have a key of its own (`user csr` / `user import-cert`), sealed
under that person's password only: interviewers sign the forms they finalise with it, and
supervisors their countersignatures. Its certificate names the person's role and station
(pki/people.py).
"""

import json
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.pki import certificates, sealed
from screening_app.pki.people import person_names
from screening_app.services.authz import require_role
from screening_app.store.connection import write_transaction
from screening_app.store.keyfile import KeyFile
from screening_app.store.station import Station

SIGNING = "signing"
ORGANISATION = "UNC Screening"


class StationKeyUnavailable(UserError):
    pass


def load_sealed_private_key(der: bytes):
    """A private key that was just unsealed: AES-GCM has already proved these are the bytes
    this program stored, so the RSA consistency check (about a quarter of a second for a
    3072-bit key, at every signature) proves nothing more."""
    return serialization.load_der_private_key(der, password=None,
                                              unsafe_skip_rsa_key_validation=True)


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
        self._kek: bytes | None = None
        # Personal private keys (DER) unlocked in this session, by user id: the signed-in
        # person's (a sign-in forgets any other), and those made in this session.
        self._personal: dict[str, bytes] = {}

    # -- set-up -----------------------------------------------------------------------
    def _context(self, purpose: str) -> bytes:
        return f"screening-app:{self._station.station_id}:{purpose}".encode()

    def create_station_key(self, admin: Actor, password: str) -> None:
        """At init: the KEK, the signing key sealed under it, the CSR, the admin's slot."""
        if self._db.execute("SELECT 1 FROM station_keys WHERE purpose = ?",
                            [SIGNING]).fetchone():
            raise UserError("This station already has a signing key.")
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
            self._db.execute(
                "INSERT INTO station_keys (id, purpose, sealed_private_key, public_key_pem,"
                " csr_pem, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [SIGNING, SIGNING, sealed.seal(kek, private_der, self._context(SIGNING)),
                 public_pem.decode(), certificates.to_pem(csr).decode(), utc_now()],
            )
            self._write_slot(admin.user_id, kek, password)
            self._station.events.append("keys.created", {"purpose": SIGNING},
                                        actor_id=admin.user_id)
        self._kek = kek

    def _write_slot(self, user_id: str, kek: bytes, password: str,
                    stage_database: bool = True) -> None:
        # The same password must open the database too: its wrap is staged beside the
        # account's current one (so a crash before the commit locks no one out) and
        # settled once the change has committed.
        if stage_database:
            self.stage_database_slot(user_id, password)
        slot = sealed.wrap_for_password(kek, password, self._context("kek"))
        self._db.execute(
            "INSERT INTO key_slots (user_id, wrapped_kek, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET wrapped_kek = excluded.wrapped_kek,"
            " created_at = excluded.created_at",
            [user_id, json.dumps(slot), utc_now()],
        )

    def add_slot(self, admin: Actor, user_id: str, password: str, *,
                 stage_database: bool = True) -> None:
        """Give an account its own way to unlock the station key (needs an unlocked admin
        session: the KEK is wrapped, never re-created). ``stage_database=False`` for a new
        account, whose database slot is written only once it has committed."""
        require_role(admin, Role.ADMIN, action="give accounts access to the station key")
        if not self.has_key():
            return
        self._write_slot(user_id, self._require_kek(), password, stage_database)

    # -- slots when passwords change or accounts are disabled --------------------------
    def has_slot(self, user_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM key_slots WHERE user_id = ?",
                                [user_id]).fetchone() is not None

    def rewrap_slot(self, actor: Actor, old_password: str, new_password: str) -> bool:
        """Re-wrap the actor's own KEK slot under a new password; the old password opens
        it, so no admin session is needed. False when the account has no slot."""
        row = self._db.execute("SELECT wrapped_kek FROM key_slots WHERE user_id = ?",
                               [actor.user_id]).fetchone()
        if row is None:
            return False
        kek = sealed.unwrap_with_password(json.loads(row[0]), old_password,
                                          self._context("kek"))
        with write_transaction(self._db):
            self._write_slot(actor.user_id, kek, new_password)
        return True

    def remove_slot(self, admin: Actor, user_id: str) -> bool:
        """Take away an account's way to unlock the station key (a disabled account):
        even its right password then opens nothing. False when it had no slot."""
        require_role(admin, Role.ADMIN, action="take away access to the station key")
        with write_transaction(self._db):
            removed = self._db.execute("DELETE FROM key_slots WHERE user_id = ?",
                                       [user_id]).rowcount
        return bool(removed)

    def has_user_key(self, user_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM user_keys WHERE user_id = ?",
                                [user_id]).fetchone() is not None

    def rewrap_user_key(self, actor: Actor, old_password: str, new_password: str) -> bool:
        """Re-wrap the actor's own personal key under a new password. False when the
        account has none."""
        row = self._db.execute("SELECT wrapped_private_key FROM user_keys WHERE user_id = ?",
                               [actor.user_id]).fetchone()
        if row is None:
            return False
        context = self._user_context(actor.user_id)
        der = sealed.unwrap_with_password(json.loads(row[0]), old_password, context)
        slot = sealed.wrap_for_password(der, new_password, context)
        with write_transaction(self._db):
            self._db.execute("UPDATE user_keys SET wrapped_private_key = ? WHERE user_id = ?",
                             [json.dumps(slot), actor.user_id])
        return True

    def discard_user_key(self, admin: Actor, user_id: str) -> bool:
        """Drop a person's own key when an admin sets their password: it is wrapped under
        the old password, which the admin does not know. Forms already signed keep their
        signatures (the certificate is inside each PDF). False when there was no key."""
        require_role(admin, Role.ADMIN, action="discard a person's own signing key")
        with write_transaction(self._db):
            removed = self._db.execute("DELETE FROM user_keys WHERE user_id = ?",
                                       [user_id]).rowcount
        self._personal.pop(user_id, None)
        return bool(removed)

    # -- sessions ---------------------------------------------------------------------
    def unlock(self, actor: Actor, password: str) -> bool:
        """Unwrap the KEK with the password just verified; False when there is nothing
        to unlock (a station made before keys, or an account without a slot)."""
        self.lock()
        personal = self._db.execute(
            "SELECT wrapped_private_key FROM user_keys WHERE user_id = ?", [actor.user_id]
        ).fetchone()
        if personal is not None:
            self._personal[actor.user_id] = sealed.unwrap_with_password(
                json.loads(personal[0]), password, self._user_context(actor.user_id))
        row = self._db.execute("SELECT wrapped_kek FROM key_slots WHERE user_id = ?",
                               [actor.user_id]).fetchone()
        if row is None:
            return False
        self._kek = sealed.unwrap_with_password(json.loads(row[0]), password,
                                                self._context("kek"))
        return True

    def lock(self) -> None:
        self._kek = None
        self._personal = {}

    # -- a person's own key: forms they finalise, countersignatures they add -------------
    def _user_context(self, user_id: str) -> bytes:
        return f"screening-app:{self._station.station_id}:user:{user_id}".encode()

    def create_user_key(self, actor: Actor, password: str) -> bytes:
        """The signed-in person's own signing key (any role: interviewers sign the forms
        they finalise, supervisors and admins their countersignatures); returns the CSR
        (PEM) to send to headquarters. The key opens only with this person's password.
        Asked again, it returns the same request, unless headquarters revoked the key's
        certificate: then the key is replaced, since the old one may be in other hands."""
        row = self._db.execute("SELECT certificate_pem FROM user_keys WHERE user_id = ?",
                               [actor.user_id]).fetchone()
        if row is not None and not self._installed_certificate_revoked(row[0]):
            return self.user_csr_pem(actor)
        key = certificates.new_private_key()
        common_name, unit = person_names(actor.role.value, actor.name,
                                         self._station.station_id)
        csr = certificates.create_csr(key, common_name, ORGANISATION, unit=unit)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        slot = sealed.wrap_for_password(der, password, self._user_context(actor.user_id))
        with write_transaction(self._db):
            # A replaced key takes its certificate with it: the new one is for the new key.
            self._db.execute(
                "INSERT INTO user_keys (user_id, wrapped_private_key, public_key_pem, csr_pem,"
                " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET"
                " wrapped_private_key = excluded.wrapped_private_key,"
                " public_key_pem = excluded.public_key_pem, csr_pem = excluded.csr_pem,"
                " created_at = excluded.created_at, certificate_pem = NULL, chain_pem = NULL",
                [actor.user_id, json.dumps(slot), public_pem.decode(),
                 certificates.to_pem(csr).decode(), utc_now()])
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
        row = self._db.execute("SELECT csr_pem FROM user_keys WHERE user_id = ?",
                               [actor.user_id]).fetchone()
        if row is None:
            raise StationKeyUnavailable(f"{actor.name} has no personal key yet.")
        return row[0].encode()

    def import_user_certificate(self, actor: Actor, pem: bytes, source: str) -> None:
        row = self._db.execute("SELECT public_key_pem FROM user_keys WHERE user_id = ?",
                               [actor.user_id]).fetchone()
        if row is None:
            raise StationKeyUnavailable(f"{actor.name} has no personal key yet;"
                                        " make one with 'screening-app user csr'.")
        found = certificates.load_certificates(pem, source)
        certificate, chain = found[0], tuple(found[1:])
        ours = serialization.load_pem_public_key(row[0].encode())
        if ours.public_numbers() != certificate.public_key().public_numbers():
            raise UserError(f"{source}: this certificate is for another key, not"
                            f" {actor.name}'s.")
        if not chain:
            raise UserError(f"{source}: put the issuing CA's certificate after the person's"
                            " certificate in the same file.")
        issuer = certificate
        for parent in chain:
            certificates.check_issued_by(issuer, parent)
            issuer = parent
        station = self.station_certificate()
        if station is not None and chain[-1] != station.root:
            # Forms signed with it would verify nowhere: headquarters trusts its own CA only.
            raise UserError(f"{source}: this certificate was issued by"
                            f" {certificates.common_name(chain[-1])!r}, not by headquarters'"
                            f" CA {certificates.common_name(station.root)!r}, which this"
                            " station trusts.")
        with write_transaction(self._db):
            self._db.execute(
                "UPDATE user_keys SET certificate_pem = ?, chain_pem = ? WHERE user_id = ?",
                [certificates.to_pem(certificate).decode(),
                 certificates.chain_pem(chain).decode(), actor.user_id])
            self._station.events.append(
                "keys.user_certificate_installed",
                {"user_id": actor.user_id, "subject": certificate.subject.rfc4514_string()},
                actor_id=actor.user_id)

    def _user_certificate_row(self, user_id: str):
        return self._db.execute(
            "SELECT certificate_pem, chain_pem FROM user_keys WHERE user_id = ?",
            [user_id]).fetchone()

    def personal_problem(self, actor: Actor, doing: str) -> str | None:
        """Why this person cannot sign with their own key now, as one sentence saying what
        to do ("ivan cannot start interviews yet: ..."), or None when they can. ``doing``
        is what they would be signing for."""
        who = actor.name
        row = self._user_certificate_row(actor.user_id)
        if row is None:
            return (f"{who} cannot {doing} yet: {who} has no personal signing key; make one"
                    " with 'screening-app user csr', have headquarters issue its certificate,"
                    " and install it with 'screening-app user import-cert'.")
        if row[0] is None:
            return (f"{who} cannot {doing} yet: {who}'s certificate is not installed; send"
                    " the request from 'screening-app user csr' to headquarters and install"
                    " the certificate they issue with 'screening-app user import-cert'.")
        certificate = certificates.load_certificates(row[0].encode(), "user certificate")[0]
        revoked = self.revocation(certificate)
        if revoked:
            return (f"{who} cannot {doing}: headquarters revoked {who}'s certificate"
                    f" ({revoked}); make a new request with 'screening-app user csr' and"
                    " install the certificate headquarters issues for it.")
        if actor.user_id not in self._personal:
            return f"{who} cannot {doing}: {who}'s key is locked; sign in again."
        return None

    def personal_identity(self, actor: Actor, doing: str = "countersign"):
        """The signed-in person's own signing identity: for the forms an interviewer
        finalises, and for a supervisor's countersignature."""
        from screening_app.records.signing import SigningIdentity

        problem = self.personal_problem(actor, doing)
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

        row = self._db.execute(
            "SELECT reason, revoked_at FROM revoked_certificates WHERE fingerprint_sha256 = ?",
            [certificate.fingerprint(hashes.SHA256()).hex()]).fetchone()
        if row is None:
            return None
        return f"{row[0] or 'no reason given'}, {str(row[1] or '')[:10] or 'date unknown'}"

    def _require_kek(self) -> bytes:
        # The KEK belongs to this process's signed-in session, whoever is acting in it: the
        # Actor objects that reach services come only from a password check.
        if self._kek is None:
            raise StationKeyUnavailable(
                "The station key is locked: sign in again to unlock it.")
        return self._kek

    # -- the key and its certificate -----------------------------------------------------
    def has_key(self) -> bool:
        return self._db.execute("SELECT 1 FROM station_keys WHERE purpose = ?",
                                [SIGNING]).fetchone() is not None

    def csr_pem(self) -> bytes:
        row = self._db.execute("SELECT csr_pem FROM station_keys WHERE purpose = ?",
                               [SIGNING]).fetchone()
        if row is None:
            raise StationKeyUnavailable("This station has no signing key.")
        return row[0].encode()

    def import_certificate(self, actor: Actor, pem: bytes, source: str) -> StationCertificate:
        """Install the certificate headquarters issued for this station's CSR. The file
        holds the station certificate followed by its issuers up to the root."""
        require_role(actor, Role.ADMIN, action="install the station certificate")
        found = certificates.load_certificates(pem, source)
        certificate, chain = found[0], tuple(found[1:])
        public_pem = self._db.execute(
            "SELECT public_key_pem FROM station_keys WHERE purpose = ?", [SIGNING]).fetchone()
        if public_pem is None:
            raise StationKeyUnavailable("This station has no signing key.")
        ours = serialization.load_pem_public_key(public_pem[0].encode())
        theirs = certificate.public_key()
        if ours.public_numbers() != theirs.public_numbers():
            raise UserError(f"{source}: this certificate is for another key, not this"
                            " station's (was it issued for this station's CSR?).")
        if not chain:
            raise UserError(f"{source}: put the issuing CA's certificate after the station's"
                            " certificate in the same file.")
        issuer = certificate
        for parent in chain:
            certificates.check_issued_by(issuer, parent)
            issuer = parent
        certificates.check_issued_by(chain[-1], chain[-1])  # the root signs itself
        with write_transaction(self._db):
            self._db.execute(
                "UPDATE station_keys SET certificate_pem = ?, chain_pem = ?,"
                " certificate_installed_at = ? WHERE purpose = ?",
                [certificates.to_pem(certificate).decode(),
                 certificates.chain_pem(chain).decode(), utc_now(), SIGNING],
            )
            self._station.events.append(
                "keys.certificate_installed",
                {"subject": certificate.subject.rfc4514_string(),
                 "issuer": certificate.issuer.rfc4514_string(),
                 "serial": format(certificate.serial_number, "x"),
                 "root": certificates.common_name(chain[-1])},
                actor_id=actor.user_id,
            )
        self._publish_trust_root(chain[-1])
        return StationCertificate(certificate, chain)

    def station_certificate(self) -> StationCertificate | None:
        row = self._db.execute(
            "SELECT certificate_pem, chain_pem FROM station_keys WHERE purpose = ?",
            [SIGNING]).fetchone()
        if row is None or row[0] is None:
            return None
        return StationCertificate(
            certificates.load_certificates(row[0].encode(), "station certificate")[0],
            tuple(certificates.load_certificates(row[1].encode(), "station chain")))

    def readiness(self) -> str | None:
        """Why this station cannot sign (lists, bundles) now, or None when it can."""
        problem = self.certificate_problem()
        if problem:
            return problem
        if self._kek is None:
            return "The station key is locked: sign in again to unlock it."
        return None

    def certificate_problem(self) -> str | None:
        """Why this station has no usable certificate (none yet, or revoked), or None. A
        station without one starts no interview, whoever would sign its form."""
        if not self.has_key():
            return ("This station has no signing key (it was made by an older version);"
                    " ask an admin to create one.")
        if self.station_certificate() is None:
            return ("This station has no certificate yet: send its request"
                    " ('screening-app station csr') to headquarters and install what they"
                    " issue with 'screening-app station import-cert'.")
        revoked = self.revocation(self.station_certificate().certificate)
        if revoked:
            return (f"Headquarters revoked this station's certificate ({revoked}): it starts"
                    " no interview and signs nothing more until headquarters issues a new one.")
        return None

    def signing_identity(self, actor: Actor):
        from screening_app.records.signing import SigningIdentity

        installed = self.station_certificate()
        if installed is None:
            raise StationKeyUnavailable(
                "This station has no certificate yet: send station-csr.pem to headquarters"
                " and install what they issue with 'screening-app station import-cert'.")
        revoked = self.revocation(installed.certificate)
        if revoked:
            raise StationKeyUnavailable(f"Headquarters revoked this station's certificate"
                                        f" ({revoked}): it signs nothing more.")
        kek = self._require_kek()
        row = self._db.execute("SELECT sealed_private_key FROM station_keys WHERE purpose = ?",
                               [SIGNING]).fetchone()
        key = load_sealed_private_key(sealed.unseal(kek, row[0], self._context(SIGNING)))
        return SigningIdentity(key=key, certificate=installed.certificate,
                               chain=installed.chain)

    # -- the database key's slots (store/keyfile.py) ------------------------------------------
    def _keyfile(self) -> KeyFile | None:
        """None for a plain database (a station not yet encrypted, or a test's)."""
        if self._station.key is None:
            return None
        return KeyFile.load(self._station.data_dir)

    def _user_name(self, user_id: str) -> str:
        row = self._db.execute("SELECT name FROM users WHERE id = ?", [user_id]).fetchone()
        if row is None:
            raise UserError(f"There is no account {user_id}.")
        return row[0]

    def stage_database_slot(self, user_id: str, password: str) -> None:
        keyfile = self._keyfile()
        if keyfile is not None:
            keyfile.stage_slot(self._user_name(user_id), password, self._station.key)
            keyfile.save()

    def settle_database_slot(self, user_id: str, password: str) -> None:
        """After a password change commits (or at a sign-in the database confirmed): the
        account's only wrap is the one under this password, so an old password opens
        nothing any more."""
        keyfile = self._keyfile()
        name = self._user_name(user_id)
        if keyfile is not None and keyfile.entries(name) != 1:
            keyfile.set_slot(name, password, self._station.key)
            keyfile.save()

    def drop_database_slot(self, user_id: str) -> None:
        """A disabled account's password no longer opens the database."""
        keyfile = self._keyfile()
        if keyfile is not None:
            name, password_hash = self._db.execute(
                "SELECT name, password_hash FROM users WHERE id = ?", [user_id]).fetchone()
            keyfile.disable_slot(name, password_hash)
            keyfile.save()

    def write_recovery_slot(self, age_recipient: str) -> None:
        """Headquarters can open this station (and its signing key) if every password is
        lost: both keys wrapped to its public key."""
        keyfile = self._keyfile()
        if keyfile is not None:
            keyfile.set_recovery(age_recipient, self._station.key, self._kek)
            keyfile.save()

    def _publish_trust_root(self, root: x509.Certificate) -> None:
        keyfile = self._keyfile()
        if keyfile is not None:
            keyfile.public["trust_root_pem"] = certificates.to_pem(root).decode()
            keyfile.save()

    def adopt_session(self, other: "KeyService") -> None:
        """Share another connection's unlocked session (a pool thread working for the
        signed-in person)."""
        self._kek = other._kek
        self._personal = dict(other._personal)

    # -- other station secrets, sealed under the KEK ---------------------------------------
    def seal_secret(self, purpose: str, secret: bytes) -> bytes:
        """Seal a station secret (the sync key, for one) so that only a signed-in session
        opens it; ``purpose`` binds it to its place."""
        return sealed.seal(self._require_kek(), secret, self._context(purpose))

    def unseal_secret(self, purpose: str, sealed_secret: bytes) -> bytes:
        return sealed.unseal(self._require_kek(), sealed_secret, self._context(purpose))
