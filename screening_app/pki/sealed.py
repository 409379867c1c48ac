"""Keeping secrets encrypted at rest.

A station has one random key-encryption key (KEK). Private keys are stored encrypted
under it (AES-256-GCM); the KEK itself is stored only wrapped, once per account, under a
key derived from that account's password with argon2id (like disk-encryption key slots).
Signing in unwraps it; nothing on disk is usable without a password.
"""

import os
import secrets

from screening_app.domain.errors import AuthenticationFailed, UserError

KEK_BYTES = 32
ARGON2 = {"time_cost": 3, "memory_cost": 65_536, "parallelism": 1}


def new_kek() -> bytes:
    return secrets.token_bytes(KEK_BYTES)


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """nonce + AES-GCM ciphertext; ``context`` is bound as associated data, so a sealed
    value cannot be moved to another place and still open."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def _opened(key: bytes, sealed: bytes, context: bytes) -> bytes | None:
    """What ``seal`` sealed, or None with the wrong key or changed bytes."""
    # cryptography and argon2 load when a key is first sealed or opened (at sign-in): the
    # sign-in window, which reads the key file, shows without them.
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], context)
    except (InvalidTag, ValueError):
        return None


def unseal(key: bytes, sealed: bytes, context: bytes) -> bytes:
    opened = _opened(key, sealed, context)
    if opened is None:
        raise UserError("A stored key could not be decrypted: it was changed, or it belongs"
                        " to another station.")
    return opened


def _password_key(password: str, salt: bytes, params: dict) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(password.encode("utf-8"), salt, hash_len=32, type=Type.ID,
                           **params)


# Sealed beside a slot's secret under the same password key: it proves a password right
# without opening anything, so a disabled account's slot keeps it (and drops the secret).
_CHECK = b"screening-app:password-check"


def wrap_for_password(kek: bytes, password: str, context: bytes,
                      params: dict | None = None, *, with_check: bool = False) -> dict:
    params = dict(params or ARGON2)
    salt = secrets.token_bytes(16)
    key = _password_key(password, salt, params)
    slot = {"kdf": "argon2id", **params, "salt": salt.hex(),
            "sealed": seal(key, kek, context).hex()}
    if with_check:
        slot["check"] = seal(key, _CHECK, context + b":check").hex()
    return slot


def _slot_key(slot: dict, password: str) -> bytes:
    params = {k: slot[k] for k in ARGON2}
    return _password_key(password, bytes.fromhex(slot["salt"]), params)


def unwrap_with_password(slot: dict, password: str, context: bytes) -> bytes:
    key = _slot_key(slot, password)
    try:
        opened = _opened(key, bytes.fromhex(slot["sealed"]), context)
    except ValueError:  # not hex
        opened = None
    if opened is None:
        raise AuthenticationFailed("The password does not open this account's key slot.")
    return opened


def password_checks(slot: dict, password: str, context: bytes) -> bool:
    """Whether ``password`` is the one a slot was wrapped under, from its check value
    alone (the slot of a disabled account holds nothing else)."""
    if "check" not in slot:
        return False
    key = _slot_key(slot, password)
    try:
        return _opened(key, bytes.fromhex(slot["check"]), context + b":check") == _CHECK
    except ValueError:  # not hex
        return False


def without_secret(slot: dict) -> dict:
    """What a disabled account's slot keeps: its derivation and check, not its secret."""
    return {key: value for key, value in slot.items() if key != "sealed"}
