"""Checking who wrote the station's history: each event's signature, and the station's
checkpoints of its chain head.

The hash chain (store/chain.py) proves the history unbroken, but anyone who can open the
database could rewrite an event and recompute every hash after it. Two things stop that:

- every event is signed by the account whose session wrote it (Ed25519, a key only that
  account's password opens), so a rewritten event of another account no longer verifies,
  and an event written in someone else's name shows who really wrote it;
- the station's own key, which only supervisors' and admins' sessions hold, signs
  checkpoints of the chain head (themselves events, so one cannot be removed quietly): a
  history rewritten before a checkpoint no longer matches it.

Events from before signatures existed are unsigned; after the first signed event only
sign-in attempts (written while no one is signed in) may be.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlite_utils import Database

from screening_app.domain.messages import gettext as _
from screening_app.domain.messages import ngettext

CHECKPOINT = "chain.checkpoint"
EVENT_KEY_REGISTERED = "keys.event_key_registered"
# Written with no one signed in (a locked station, a refused or throttled sign-in), or by
# the recovery with headquarters' key before the recovered account has signed in.
UNSIGNED_KINDS = frozenset({"auth.signed_in", "auth.refused", "auth.throttled",
                            "account.recovered"})
# Written by one session about another account: an admin registering a new account's key;
# sign-in attempts. (Interview events of a paper interview entered for another interviewer
# are the other case, told by the interview.)
ON_BEHALF_KINDS = frozenset({EVENT_KEY_REGISTERED, *UNSIGNED_KINDS})
# A paper interview entered for another interviewer: its answers, signatures, finalisation
# and form are in that interviewer's name, written by whoever entered it.
ENTERED_FOR_ANOTHER_PREFIXES = ("interview.", "document.")
_BATCH = 5_000


def checkpoint_message(station_id: str, seq: int, head_hash: str) -> bytes:
    """What the station's key signs: this station's history up to ``seq`` ends in
    ``head_hash``."""
    return f"screening-app:checkpoint:{station_id}:{seq}:{head_hash}".encode()


@dataclass(frozen=True)
class SignedHistoryReport:
    signed: int
    checkpoints: int
    problems: tuple[str, ...]


def verify_signed_history(db: Database, station_id: str,
                          station_key_verifier: Callable[[bytes, bytes], bool] | None,
                          ) -> SignedHistoryReport:
    """Every event's signature and every checkpoint, in order; the problems found (the
    first few of each kind, in plain sentences). ``station_key_verifier(message,
    signature)`` checks a checkpoint; None when the station has no certificate yet."""
    stored_keys = {public: user for public, user in db.execute(
        "SELECT public_key, user_id FROM account_event_keys")}
    # The keys the history so far vouches for (see _KeyRegistrations): a key stored for an
    # account without a registration, or registered by someone who may not, signs nothing.
    registrations = _KeyRegistrations(stored_keys)
    transcribed_for_others = {row[0] for row in db.execute(
        "SELECT id FROM interviews WHERE transcribed = 1")}
    problems: list[str] = []
    signed = checkpoints = 0
    seen_signed = False
    bad_signatures, first_bad = 0, (0, "")
    hash_at: dict[int, str] = {}
    cursor = db.execute("SELECT seq, kind, actor_id, interview_id, payload, hash, signed_by,"
                        " signature FROM events ORDER BY seq")
    while rows := cursor.fetchmany(_BATCH):
        for seq, kind, actor, interview, payload, digest, signed_by, signature in rows:
            hash_at[seq] = digest
            if kind == CHECKPOINT:
                # Checked whatever its own signature says: its content is the station's.
                checkpoints += 1
                problem = _checkpoint_problem(station_id, seq, json.loads(payload), hash_at,
                                              station_key_verifier)
                if problem:
                    _note(problems, problem)
            if signature is None:
                if kind in _REGISTRY_KINDS:
                    registrations.record(seq, kind, json.loads(payload), None)
                if seen_signed and kind not in UNSIGNED_KINDS:
                    _note(problems, _("Event {seq} ({kind}) is not signed, though every event"
                                      " after the first signed one must be: it was added or"
                                      " rewritten outside the program.").format(
                        seq=seq, kind=kind))
                continue
            seen_signed = True
            signed += 1
            if kind in _REGISTRY_KINDS:
                problem = registrations.record(seq, kind, json.loads(payload), signed_by)
                if problem:
                    _note(problems, problem)
            if not _signature_holds(registrations.vouched, signed_by, digest, signature):
                if _signature_holds(stored_keys, signed_by, digest, signature):
                    _note(problems, _("Event {seq} ({kind}) is signed with an event key that"
                                      " no registration in the history vouches for: the key"
                                      " was added outside the program.").format(
                        seq=seq, kind=kind))
                    continue
                bad_signatures += 1
                if bad_signatures == 1:
                    first_bad = (seq, kind)
                continue
            entered_for_another = (interview in transcribed_for_others
                                   and kind.startswith(ENTERED_FOR_ANOTHER_PREFIXES))
            if (actor is not None and actor != signed_by and kind not in ON_BEHALF_KINDS
                    and not entered_for_another):
                _note(problems, _("Event {seq} ({kind}) is in the name of another account"
                                  " than the one that signed it: it was rewritten by another"
                                  " account.").format(seq=seq, kind=kind))
    if bad_signatures:
        # A rewritten event changes the hash of every event after it, and so their
        # signatures: the first one says where, the count how far.
        more = bad_signatures - 1
        first_seq, first_kind = first_bad
        if more:
            sentence = ngettext(
                "Event {seq} ({kind}) does not carry a valid signature of the account it names"
                " as its writer: it was rewritten (and {more} event after it no longer matches"
                " its signature).",
                "Event {seq} ({kind}) does not carry a valid signature of the account it names"
                " as its writer: it was rewritten (and {more} events after it no longer match"
                " their signatures).", more)
        else:
            sentence = _("Event {seq} ({kind}) does not carry a valid signature of the account"
                         " it names as its writer: it was rewritten.")
        problems.insert(0, sentence.format(seq=first_seq, kind=first_kind, more=more))
    return SignedHistoryReport(signed, checkpoints, tuple(problems))


ACCOUNT_CREATED = "account.created"
ACCOUNT_RECOVERED = "account.recovered"
_REGISTRY_KINDS = frozenset({EVENT_KEY_REGISTERED, ACCOUNT_CREATED, ACCOUNT_RECOVERED})
_ADMIN = "admin"


class _KeyRegistrations:
    """Which event keys the history vouches for, as it goes. An account's key counts from
    the event that registers it, and only if that event was signed by an admin's session
    (adding the account, resetting or enabling it), or by the account itself when it has
    no key yet (its first sign-in with this version) or has just been recovered with
    headquarters' key. An insider who writes a slot and a key for another account, and
    signs events in its name, is found here. Admins are the accounts the history records
    as created admins by an admin (the station's first account created itself)."""

    def __init__(self, stored: dict[str, str]):
        self._stored = stored
        self.vouched: dict[str, str] = {}
        self._admins: set[str] = set()
        self._created_any = False
        self._recovered: set[str] = set()

    def record(self, seq: int, kind: str, payload: dict, signed_by: str | None) -> str | None:
        user = str(payload.get("user_id", ""))
        if kind == ACCOUNT_CREATED:
            first, self._created_any = not self._created_any, True
            if payload.get("role") == _ADMIN and (first or signed_by in self._admins
                                                  or signed_by is None):
                # (Unsigned: from before events were signed, when nothing else could be.)
                self._admins.add(user)
            return None
        if kind == ACCOUNT_RECOVERED:
            self._recovered.add(user)
            return None
        public = str(payload.get("public_key", ""))
        if self._stored.get(public) != user:
            return _("Event {seq} registers an event key that is not stored for that"
                     " account: it was changed outside the program.").format(seq=seq)
        has_key = user in self.vouched.values()
        if signed_by == user and (not has_key or user in self._recovered):
            self._recovered.discard(user)
        elif signed_by != user and signed_by in self._admins:
            pass
        elif signed_by == user:
            return _("Event {seq} registers a new event key for an account, signed by that"
                     " key itself though the account already had one: a key slot was written"
                     " outside the program.").format(seq=seq)
        else:
            return _("Event {seq} registers a new event key for an account, signed by an"
                     " account that is not an admin: a key slot was written outside the"
                     " program.").format(seq=seq)
        self.vouched[public] = user
        return None


def _signature_holds(keys: dict[str, str], signed_by: str, digest: str,
                     signature: str) -> bool:
    for public, user in keys.items():
        if user != signed_by:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
                bytes.fromhex(signature), bytes.fromhex(digest))
            return True
        except (InvalidSignature, ValueError):
            continue
    return False


def _checkpoint_problem(station_id: str, seq: int, payload: dict, hash_at: dict[int, str],
                        verifier) -> str | None:
    try:
        through, head, signature = int(payload["seq"]), str(payload["hash"]), \
            bytes.fromhex(payload["signature"])
    except (KeyError, TypeError, ValueError):
        return _("Checkpoint {seq} cannot be read: it was altered.").format(seq=seq)
    if hash_at.get(through) != head:
        return _("Checkpoint {seq} says the history up to event {through} ended in another"
                 " event than it does now: the history before it was rewritten.").format(
            seq=seq, through=through)
    if verifier is not None and not verifier(checkpoint_message(station_id, through, head),
                                             signature):
        return _("Checkpoint {seq} is not signed by this station's key: it was forged.").format(
            seq=seq)
    return None


def _note(problems: list[str], problem: str, limit: int = 20) -> None:
    if len(problems) < limit:
        problems.append(problem)


def rsa_pss_verifier(public_key):
    """A checkpoint verifier for the station's RSA public key (RSA-PSS with SHA-256)."""
    def verify(message: bytes, signature: bytes) -> bool:
        try:
            public_key.verify(signature, message,
                              padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                          salt_length=padding.PSS.MAX_LENGTH),
                              hashes.SHA256())
            return True
        except InvalidSignature:
            return False
    return verify


def acknowledged_history_problems(db: Database) -> list[str]:
    """Headquarters acknowledged the history up to an event (sync_state, from its signed
    answer): a history now shorter than that, or different at that event, was restored
    from an older copy or rewritten."""
    state = dict(db.execute("SELECT key, value FROM sync_state WHERE key IN"
                            " ('events_acked_seq', 'events_acked_hash')").fetchall())
    if "events_acked_seq" not in state:
        return []
    seq, acknowledged = int(state["events_acked_seq"]), state.get("events_acked_hash")
    row = db.execute("SELECT hash FROM events WHERE seq = ?", [seq]).fetchone()
    if row is None:
        return [_("Headquarters acknowledged this station's history up to event {seq}, but"
                  " the history here is shorter: it was restored from an older copy or"
                  " cut.").format(seq=seq)]
    if acknowledged and row[0] != acknowledged:
        return [_("Event {seq} is not the one headquarters acknowledged: the history was"
                  " rewritten after it was sent.").format(seq=seq)]
    return []
