"""Sealing a draft to the person who is taking it, and to those who review it.

An open draft holds the answers given so far, the choice once confirmed, and the
signatures drawn: whoever holds another account's password must not read them. Each draft
has a key of its own (AES-256-GCM), made when it starts; its answers and signatures are
sealed under it. That key is stored wrapped twice: under the own key of the account that
started the draft (derived from the account key, which only that account's password
opens), so they can resume it in a later session; and to the review key
(pki/review_seal.py), so a supervisor can. At finalisation the first wrap goes: the
signatures of a finalised record then open for reviewers only, like its answers.

What is sealed is padded first (pki/padding.py): "DS2" values; "DS1" ones, from before,
open as they are.
"""

import json
import os

from screening_app.pki.padding import pad, unpad
from screening_app.pki.review_seal import ReviewSeal

MAGIC = b"DS2"
_UNPADDED_MAGIC = b"DS1"
_NONCE_BYTES = 12
_INFO = b"screening-app draft key v1"


def is_draft_sealed(value) -> bool:
    return (isinstance(value, bytes | bytearray | memoryview)
            and bytes(value[:3]) in (MAGIC, _UNPADDED_MAGIC))


def seal_with(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, pad(plaintext), context)


def open_with(key: bytes, sealed, context: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    sealed = bytes(sealed)
    if not is_draft_sealed(sealed):
        return None
    start = len(MAGIC) + _NONCE_BYTES
    try:
        opened = AESGCM(key).decrypt(sealed[len(MAGIC):start], sealed[start:], context)
    except (InvalidTag, ValueError):
        return None
    return unpad(opened) if sealed[:len(MAGIC)] == MAGIC else opened


def _key_context(interview_id: str) -> bytes:
    return f"interview:{interview_id}:draft-key".encode()


class DraftSeal:
    """One session's way to a draft's key: through its own account's key, or through the
    review key (``review``, the session's ReviewSeal)."""

    def __init__(self, review: ReviewSeal) -> None:
        self._review = review
        self._own: tuple[str, bytes] | None = None  # (user id, own key)

    def own(self, user_id: str, account_key: bytes) -> None:
        """The signed-in account's own key, derived from its account key."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        own_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=_INFO + b":" + user_id.encode()).derive(account_key)
        self._own = (user_id, own_key)

    def forget(self) -> None:
        self._own = None

    def adopt(self, other: "DraftSeal") -> None:
        self._own = other._own

    @property
    def can_seal(self) -> bool:
        return self._review.can_seal

    def new_key(self, interview_id: str, owner_id: str) -> tuple[bytes, str]:
        """A new draft key and how it is stored: wrapped to the review key, and to the
        draft's owner when this session is theirs."""
        key = os.urandom(32)
        return key, self.wrapped(interview_id, key, owner_id=owner_id)

    def wrapped(self, interview_id: str, key: bytes, *, owner_id: str | None) -> str:
        """``key`` wrapped to the review key and to ``owner_id`` (when this session is
        that account's; None once the draft is finalised), as stored in its row (JSON)."""
        context = _key_context(interview_id)
        stored = {"review": self._review.seal(key, context).hex()}
        if owner_id is not None and self._own is not None and self._own[0] == owner_id:
            user_id, own_key = self._own
            stored |= {"owner": user_id, "owner_wrapped": seal_with(own_key, key, context).hex()}
        return json.dumps(stored, sort_keys=True)

    def key_of(self, interview_id: str, stored: str | None) -> bytes | None:
        """The draft's key, or None where this session opens neither wrap."""
        if not stored:
            return None
        try:
            wraps = json.loads(stored)
            context = _key_context(interview_id)
            if self._own is not None and wraps.get("owner") == self._own[0]:
                key = open_with(self._own[1], bytes.fromhex(wraps["owner_wrapped"]), context)
                if key is not None:
                    return key
            return self._review.open(bytes.fromhex(wraps["review"]), context)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # changed by hand: it opens for no one
