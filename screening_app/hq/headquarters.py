"""Headquarters' folder, keys and operators.

``hq init`` makes three keys: an age X25519 identity (stations encrypt their bundles to it),
an RSA signing key with a certificate from the organisation's CA (CN "Headquarters"), which
signs the bundles going down to stations and the merged lists, and the key of headquarters'
timestamp authority with a certificate for timestamping only (hq/timestamps.py; a
headquarters made before it gets one with ``hq timestamps init``). All are kept sealed under
the HQ passphrase (argon2id key slots, as at a station), so nothing in the folder decrypts
or signs without it. ``headquarters-public.json`` is what a station needs to trust and
encrypt to headquarters: the age recipient, the certificate chain and the TLS certificate
``hq serve`` presents (with its SHA-256 fingerprint; stations pin it), signed by the HQ key.
The signature covers every field but itself, so a station refuses a file whose fingerprint
was changed.
"""

import base64
import json
from collections.abc import Sequence
from pathlib import Path

import pyrage
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from screening_app.domain.canonical import canonical_json, utc_now
from screening_app.domain.errors import AuthenticationFailed, UserError
from screening_app.hq import databases, tls
from screening_app.hq.databases import open_hq_store
from screening_app.hq.sealing import (
    HeadquartersLocked,
    LockedSealer,
    RecordSealer,
    new_data_key,
    unwrap_data_key,
    wrap_data_key,
)
from screening_app.hq.store import SqlHqStore
from screening_app.hq.store_rows import IdentityRow
from screening_app.hq.timestamps import (
    TimestampAuthority,
    TimestampIdentity,
    TimestampUnavailable,
    new_timestamp_identity,
)
from screening_app.pki import certificates, sealed
from screening_app.records.signing import SigningIdentity
from screening_app.services.accounts import check_new_password, check_user_name
from screening_app.services.ca import open_ca
from screening_app.services.keys import ORGANISATION, load_sealed_private_key
from screening_app.store.durable import write_atomically
from screening_app.sync import bundle

PUBLIC_FILE = "headquarters-public.json"
PUBLIC_FORMAT = 2  # 1: before the TLS certificate; stations read both
MIN_PASSPHRASE_LENGTH = 12
SENDER = "headquarters"  # the sender and recipient name headquarters has in bundles
_AGE_CONTEXT = b"screening-app:headquarters:age-identity"
_SIGNING_CONTEXT = b"screening-app:headquarters:signing-key"
_TIMESTAMP_CONTEXT = b"screening-app:headquarters:timestamp-key"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)

_operator_hasher = PasswordHasher()  # argon2id, the library's recommended parameters


class Headquarters:
    """An open headquarters: its store and, unless opened locked, its keys."""

    def __init__(self, folder: Path, store: SqlHqStore, *, name: str, age_recipient: str,
                 certificate: x509.Certificate, chain: tuple[x509.Certificate, ...],
                 age_identity: pyrage.x25519.Identity | None = None,
                 signing_key=None, timestamp_authority: TimestampAuthority | None = None):
        self.folder = folder
        self.store = store
        self.name = name
        self.age_recipient = age_recipient
        self.certificate = certificate
        self.chain = chain
        self._age_identity = age_identity
        self._signing_key = signing_key
        self._timestamp_authority = timestamp_authority

    @property
    def root(self) -> x509.Certificate:
        return self.chain[-1]

    @property
    def locked(self) -> bool:
        return self._age_identity is None

    @property
    def age_identity(self) -> pyrage.x25519.Identity:
        if self._age_identity is None:
            raise HeadquartersLocked("Headquarters is open without its passphrase; its keys"
                                     " are locked.")
        return self._age_identity

    @property
    def signing_identity(self) -> SigningIdentity:
        if self._signing_key is None:
            raise HeadquartersLocked("Headquarters is open without its passphrase; its keys"
                                     " are locked.")
        return SigningIdentity(key=self._signing_key, certificate=self.certificate,
                               chain=self.chain)

    @property
    def timestamp_authority(self) -> TimestampAuthority:
        """The timestamp authority in use (the newest); its key unsealed."""
        if self._age_identity is None:
            raise HeadquartersLocked("Headquarters is open without its passphrase; its keys"
                                     " are locked.")
        if self._timestamp_authority is None:
            raise TimestampUnavailable(f"Headquarters in {self.folder} has no timestamp"
                                       " authority yet; make one with 'screening-app hq"
                                       " timestamps init --ca CADIR'.")
        return self._timestamp_authority

    @classmethod
    def open(cls, folder: Path | str, passphrase: str) -> "Headquarters":
        """Open the store and unseal both keys; a wrong passphrase is one clear sentence."""
        hq = cls.open_locked(folder)
        try:
            row = hq.store.identity()
            try:
                age_secret = sealed.unwrap_with_password(row.sealed_age_identity, passphrase,
                                                         _AGE_CONTEXT)
                key_der = sealed.unwrap_with_password(row.signing_key_slot, passphrase,
                                                      _SIGNING_CONTEXT)
            except AuthenticationFailed:
                raise AuthenticationFailed(f"Wrong passphrase for headquarters in {folder}."
                                           ) from None
            hq._age_identity = bundle.load_age_identity(age_secret.decode("ascii"))
            hq._signing_key = load_sealed_private_key(key_der)
            hq._timestamp_authority = _unsealed_timestamp_authority(hq.store, passphrase)
            hq.store.sealer = _records_sealer(hq.store, row, passphrase)
        except BaseException:
            hq.close()
            raise
        return hq

    @classmethod
    def open_locked(cls, folder: Path | str) -> "Headquarters":
        """Only the store and the public parts: for views that need no key."""
        folder = Path(folder)
        store = open_hq_store(folder)
        row = store.identity()
        if row is None:
            store.close()
            raise UserError(f"The database of headquarters in {folder} holds no headquarters"
                            " identity; it was not made by 'screening-app hq init'.")
        certificate = certificates.load_certificates(row.certificate_pem.encode(),
                                                     "headquarters certificate")[0]
        chain = tuple(certificates.load_certificates(row.chain_pem.encode(),
                                                     "headquarters chain"))
        return cls(folder, store, name=row.name, age_recipient=row.age_recipient,
                   certificate=certificate, chain=chain)

    def with_new_connection(self) -> "Headquarters":
        """The same headquarters (keys included) on a connection of its own, for another
        thread: a SQLite connection belongs to the thread that opened it (on PostgreSQL, one
        from the pool this headquarters' store keeps). Close it there."""
        return self._on(self.store.for_another_thread())

    def reopened(self) -> "Headquarters":
        """The same headquarters (keys included) on a store opened anew, for a process
        forked from this one (hq/workers.py): a connection, or a pool of them, is never
        shared across processes, and this store may be closed already. Close it there."""
        return self._on(open_hq_store(self.folder))

    def _on(self, store: SqlHqStore) -> "Headquarters":
        store.sealer = self.store.sealer
        return Headquarters(self.folder, store, name=self.name,
                            age_recipient=self.age_recipient, certificate=self.certificate,
                            chain=self.chain, age_identity=self._age_identity,
                            signing_key=self._signing_key,
                            timestamp_authority=self._timestamp_authority)

    def close(self) -> None:
        self._age_identity = None
        self._signing_key = None
        self._timestamp_authority = None
        self.store.sealer = LockedSealer()
        self.store.close()


def _unsealed_timestamp_authority(store: SqlHqStore, passphrase: str
                                  ) -> TimestampAuthority | None:
    """The newest timestamp authority with its key, or None for a headquarters without one."""
    rows = store.timestamp_authorities()
    if not rows:
        return None
    newest = rows[0]
    key_der = sealed.unwrap_with_password(newest.key_slot, passphrase, _TIMESTAMP_CONTEXT)
    certificate = certificates.load_certificates(newest.certificate_pem.encode(),
                                                 "timestamp authority certificate")[0]
    chain = tuple(certificates.load_certificates(newest.chain_pem.encode(),
                                                 "timestamp authority chain"))
    return TimestampAuthority(TimestampIdentity(load_sealed_private_key(key_der), certificate,
                                                chain))


def _store_timestamp_identity(store: SqlHqStore, identity: TimestampIdentity,
                              passphrase: str) -> None:
    key_der = identity.key.private_bytes(serialization.Encoding.DER,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
    store.insert_timestamp_authority(
        certificates.to_pem(identity.certificate).decode(),
        certificates.chain_pem(identity.chain).decode(),
        sealed.wrap_for_password(key_der, passphrase, _TIMESTAMP_CONTEXT), utc_now(),
        identity.certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"))


def add_timestamp_authority(hq: Headquarters, passphrase: str, *, ca_folder: Path | str,
                            ca_passphrase: str, renew: bool = False,
                            days: int = certificates.TIMESTAMPING_DAYS) -> x509.Certificate:
    """Give headquarters (open with ``passphrase``) a timestamp authority with a certificate
    from the CA in ``ca_folder``, or with ``renew`` a new one in place of the one it has
    (which is kept: its certificate validates the timestamps it made). Returns the new
    certificate."""
    try:  # the key is sealed under this passphrase: it must be headquarters' own
        sealed.unwrap_with_password(hq.store.identity().signing_key_slot, passphrase,
                                    _SIGNING_CONTEXT)
    except AuthenticationFailed:
        raise AuthenticationFailed(f"Wrong passphrase for headquarters in {hq.folder}."
                                   ) from None
    has_one = bool(hq.store.timestamp_authorities())
    if has_one and not renew:
        raise UserError(f"Headquarters in {hq.folder} has a timestamp authority already;"
                        " replace it with 'screening-app hq timestamps renew'.")
    if renew and not has_one:
        raise UserError(f"Headquarters in {hq.folder} has no timestamp authority to renew;"
                        " make one with 'screening-app hq timestamps init'.")
    authority = open_ca(Path(ca_folder), ca_passphrase)
    if authority.certificate != hq.root:
        raise UserError(f"The CA in {ca_folder} is not the one that issued headquarters'"
                        " certificate; use the organisation's CA.")
    identity = new_timestamp_identity(authority.key, authority.certificate, hq.name,
                                      ORGANISATION, days=days)
    with hq.store.transaction():
        _store_timestamp_identity(hq.store, identity, passphrase)
    hq._timestamp_authority = TimestampAuthority(identity)
    return identity.certificate


def _records_sealer(store: SqlHqStore, row: IdentityRow, passphrase: str) -> RecordSealer:
    """The data key's sealer; a headquarters made before sealing is sealed now, once."""
    if row.data_key_slot is not None:
        return RecordSealer(unwrap_data_key(row.data_key_slot, passphrase))
    data_key = new_data_key()
    sealer = RecordSealer(data_key)
    store.seal_plain_records(sealer, wrap_data_key(data_key, passphrase))
    return sealer


# -- making a headquarters ------------------------------------------------------------------
def init_headquarters(folder: Path | str, *, ca_folder: Path | str, ca_passphrase: str,
                      passphrase: str, operator: str, operator_password: str,
                      name: str = "Headquarters", database: str | None = None,
                      tls_names: Sequence[str] | None = None,
                      tls_own: tuple[Path, Path] | None = None) -> Path:
    """Make the HQ folder: database, sealed keys, the TLS certificate (a new one naming
    ``tls_names``, or the operator's own certificate and key files ``tls_own``), the first
    operator and the public file (whose path is returned). Everything is checked before
    anything is written. The records go to ``hq.sqlite3`` in the folder, or to the (empty)
    PostgreSQL database at ``database``."""
    folder = Path(folder)
    if databases.holds_headquarters(folder):
        raise UserError(f"{folder} already holds a headquarters; one folder holds one.")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise UserError(f"The headquarters passphrase must have at least"
                        f" {MIN_PASSPHRASE_LENGTH} characters.")
    if not name or not name.strip():
        raise UserError("The headquarters name must not be empty.")
    check_user_name(operator)
    check_new_password(operator_password)
    if database is not None:
        database = databases.check_database_url(database)
    authority = open_ca(Path(ca_folder), ca_passphrase)
    tls_chain, tls_key = tls.certificate_for(tls_names, tls_own, ORGANISATION)

    age_secret, age_recipient = bundle.new_age_identity()
    key = certificates.new_private_key()
    csr = certificates.create_csr(key, name.strip(), ORGANISATION)
    issued = certificates.load_certificates(
        authority.issue(certificates.to_pem(csr), "headquarters certificate request",
                        valid_for=certificates.HEADQUARTERS_LIFETIME),
        "headquarters certificate")
    certificate, chain = issued[0], tuple(issued[1:])
    timestamp_identity = new_timestamp_identity(authority.key, authority.certificate,
                                                name.strip(), ORGANISATION)
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    now = utc_now()
    data_key = new_data_key()
    public = _public_document(name.strip(), age_recipient, certificate, chain, key,
                              tls_chain[0])

    folder.mkdir(parents=True, exist_ok=True)
    store = databases.create_hq_store(folder, database)
    store.sealer = RecordSealer(data_key)
    try:
        with store.transaction():
            store.insert_identity(IdentityRow(
                name=name.strip(), age_recipient=age_recipient,
                sealed_age_identity=sealed.wrap_for_password(age_secret.encode("ascii"),
                                                             passphrase, _AGE_CONTEXT),
                signing_key_slot=sealed.wrap_for_password(key_der, passphrase,
                                                          _SIGNING_CONTEXT),
                certificate_pem=certificates.to_pem(certificate).decode(),
                chain_pem=certificates.chain_pem(chain).decode(),
                root_pem=certificates.to_pem(chain[-1]).decode(), created_at=now,
                data_key_slot=wrap_data_key(data_key, passphrase)))
            _store_timestamp_identity(store, timestamp_identity, passphrase)
            store.insert_operator(operator, _operator_hasher.hash(operator_password), now)
            if database is not None:
                databases.remember_database(folder, database)
            tls.write_tls(folder, tls_chain, tls_key, passphrase)
            path = write_atomically(folder / PUBLIC_FILE, public)
    except BaseException:
        store.close()
        databases.forget_new_store(folder, database)
        (folder / tls.TLS_FILE).unlink(missing_ok=True)
        raise
    store.close()
    return path


def renew_tls(hq: Headquarters, passphrase: str, *, names: Sequence[str] | None = None,
              own: tuple[Path, Path] | None = None) -> tuple[x509.Certificate, Path]:
    """Give headquarters a new TLS certificate (made, or the operator's own) and rewrite the
    public file with it; stations pin the new one when they trust the new file. Returns the
    certificate and the public file's path. ``hq`` is open with ``passphrase``."""
    chain, key = tls.certificate_for(names, own, ORGANISATION)
    public = _public_document(hq.name, hq.age_recipient, hq.certificate, hq.chain,
                              hq.signing_identity.key, chain[0])
    tls.write_tls(hq.folder, chain, key, passphrase)
    return chain[0], write_atomically(hq.folder / PUBLIC_FILE, public)


def _public_document(name: str, age_recipient: str, certificate: x509.Certificate,
                     chain: tuple[x509.Certificate, ...], key,
                     tls_certificate: x509.Certificate) -> bytes:
    fields = {"format": PUBLIC_FORMAT, "name": name, "age_recipient": age_recipient,
              "certificates": certificates.chain_pem([certificate, *chain]).decode(),
              "tls_certificate": certificates.to_pem(tls_certificate).decode(),
              "tls_sha256": tls.fingerprint(tls_certificate)}
    signature = key.sign(canonical_json(fields).encode(), _PSS, hashes.SHA256())
    document = {**fields, "signature": base64.b64encode(signature).decode()}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- operators ------------------------------------------------------------------------------
def add_operator(hq: Headquarters, name: str, password: str) -> None:
    check_user_name(name)
    check_new_password(password)
    if hq.store.operator_password_hash(name) is not None:
        raise UserError(f"There is already an operator named {name!r}.")
    with hq.store.transaction():
        hq.store.insert_operator(name, _operator_hasher.hash(password), utc_now())


def verify_operator(store, name: str, password: str) -> bool:
    """True when ``password`` is the operator's (argon2id); False for anyone else."""
    stored = store.operator_password_hash(name)
    if stored is None:
        # Hash anyway, so that an unknown name takes as long as a wrong password.
        _operator_hasher.hash(password)
        return False
    try:
        return _operator_hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
