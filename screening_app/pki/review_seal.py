"""Sealing what a person chose to those who review it.

An interviewer's session must write a choice it can then no longer read, as ODK's
encrypted forms do: whoever holds one interviewer's password and a copy of the data folder
must not read the choices recorded at the station, their own included. So the station has a
review key pair (X25519). Every session knows the public half; the private half is sealed
under the station's KEK, which only supervisors, admins and headquarters' recovery slot
open.

A session seals with a key of its own: at its first seal it makes an ephemeral key pair,
agrees a secret with the review key (X25519, then HKDF-SHA256) and seals every value of the
session under that secret with AES-256-GCM. The ephemeral public half travels in each
sealed value, so a reviewer makes one key agreement per session sealed, not per value (a
queue of 20,000 records opens in milliseconds). The session keeps what it sealed, so it can
show its own interview until it closes; then the ephemeral private half is gone, and with
it any way for that session to read back what it wrote.

What it seals is padded first (pki/padding.py), so that a sealed value's length does not
say which choice it holds: those values start "RS2"; "RS1" ones, sealed before, open as
they are.
"""

import os

from cryptography.exceptions import InvalidTag

from screening_app.pki.padding import pad, unpad

MAGIC = b"RS2"
_UNPADDED_MAGIC = b"RS1"
_PUBLIC_BYTES = 32
_NONCE_BYTES = 12
_MAGIC_END = len(MAGIC)
_PUBLIC_END = _MAGIC_END + _PUBLIC_BYTES
_HEADER = _PUBLIC_END + _NONCE_BYTES
_INFO = b"screening-app review seal v1"


def is_sealed(value) -> bool:
    return (isinstance(value, bytes | bytearray | memoryview)
            and bytes(value[:3]) in (MAGIC, _UNPADDED_MAGIC))


def new_review_key() -> tuple[bytes, bytes]:
    """(private, public), each 32 raw bytes."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    return _raw_private(private), _raw_public(private.public_key())


def public_of(private_raw: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return _raw_public(X25519PrivateKey.from_private_bytes(private_raw).public_key())


class ReviewSeal:
    """One session's view of the review key: it seals once the public half is known, and
    opens only what this session sealed, or anything once the private half is unlocked."""

    def __init__(self) -> None:
        self._public: bytes | None = None
        self._private = None  # X25519PrivateKey, for a reviewing session
        self._ephemeral: tuple[bytes, bytes] | None = None  # (public, AES key) of this session
        self._agreed: dict[bytes, object] = {}  # ephemeral public -> AESGCM, when reviewing
        self._sealed_here: dict[bytes, bytes] = {}  # what this session sealed, by value

    # -- what the session knows ---------------------------------------------------------
    def know(self, public_raw: bytes | None) -> None:
        if public_raw != self._public:
            self._ephemeral = None
        self._public = public_raw

    def unlock(self, private_raw: bytes) -> None:
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        self._private = X25519PrivateKey.from_private_bytes(private_raw)
        self.know(public_of(private_raw))

    def lock(self) -> None:
        """At sign-out (or when another person signs in): nothing sealed before opens."""
        self._private = None
        self._ephemeral = None
        self._agreed.clear()
        self._sealed_here.clear()

    def adopt(self, other: "ReviewSeal") -> None:
        """Share another connection's session (a pool thread working for the same person)."""
        self._public, self._private = other._public, other._private
        self._ephemeral, self._agreed = other._ephemeral, other._agreed
        self._sealed_here = other._sealed_here

    @property
    def can_seal(self) -> bool:
        return self._public is not None

    @property
    def can_open_all(self) -> bool:
        return self._private is not None

    # -- sealing and opening ----------------------------------------------------------------
    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """MAGIC + this session's ephemeral public key + nonce + AES-GCM ciphertext of the
        padded value; ``context`` (where the value belongs) is bound as associated data, so
        a sealed value moved to another record does not open."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if self._public is None:
            raise RuntimeError("the review key is not known to this session")
        if self._ephemeral is None:
            self._ephemeral = _session_key(self._public)
        ephemeral_public, key = self._ephemeral
        nonce = os.urandom(_NONCE_BYTES)
        sealed = MAGIC + ephemeral_public + nonce + AESGCM(key).encrypt(nonce, pad(plaintext),
                                                                           context)
        self._sealed_here[sealed] = plaintext
        return sealed

    def open(self, sealed, context: bytes) -> bytes | None:
        """The plaintext, or None when this session cannot read it (not sealed here and no
        private half) or the value was changed or moved."""
        # Called once per record when a queue of 20,000 opens: no imports in here (under
        # PySide each import statement goes through its import hook).
        sealed = bytes(sealed)
        mine = self._sealed_here.get(sealed)
        if mine is not None:
            return mine
        magic = sealed[:_MAGIC_END]
        if self._private is None or magic not in (MAGIC, _UNPADDED_MAGIC) \
                or len(sealed) < _HEADER:
            return None
        ephemeral_public = sealed[_MAGIC_END:_PUBLIC_END]
        # One cipher per sealing session, made once.
        cipher = self._agreed.get(ephemeral_public) or self._agree(ephemeral_public)
        try:
            opened = cipher.decrypt(sealed[_PUBLIC_END:_HEADER], sealed[_HEADER:], context)
        except (InvalidTag, ValueError):
            return None
        return unpad(opened) if magic == MAGIC else opened

    def _agree(self, ephemeral_public: bytes):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        cipher = self._agreed[ephemeral_public] = AESGCM(_agreed_key(
            self._private, ephemeral_public, _raw_public(self._private.public_key())))
        return cipher


def _session_key(review_public: bytes) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )

    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(review_public))
    ephemeral_public = _raw_public(ephemeral.public_key())
    return ephemeral_public, _derive(shared, ephemeral_public, review_public)


def _agreed_key(private, ephemeral_public: bytes, review_public: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    return _derive(shared, ephemeral_public, review_public)


def _derive(shared: bytes, ephemeral_public: bytes, review_public: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + review_public,
                info=_INFO).derive(shared)


def _raw_private(private) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())


def _raw_public(public) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
