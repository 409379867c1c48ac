"""The station's append-only, hash-chained event log.

Each event's hash covers its canonical content and the previous event's hash (see
``domain.canonical.chain_hash``). Appending reads the chain head and writes the new
event in the same write transaction, so two writers can never fork the chain.
"""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from screening_app.domain.canonical import GENESIS_HASH, canonical_json, chain_hash, utc_now

if TYPE_CHECKING:  # the sign-in window imports this module before any database is open
    from sqlite_utils import Database

# Well under SQLite's limit on the number of parameters in one statement.
_IDS_PER_QUERY = 500


class EventSigner(Protocol):
    """The signed-in session's event keys (services/keys.py makes one)."""

    def sign_for(self, actor_id: str | None, digest: str) -> tuple[str, str]:
        """(the account that signs, the signature in hex) over an event's chain hash: the
        actor's own key when the session holds it, else the session account's."""
        ...


@dataclass(frozen=True)
class Event:
    seq: int
    id: str
    at: str
    station_id: str
    actor_id: str | None
    kind: str
    interview_id: str | None
    payload: dict
    prev_hash: str
    hash: str
    signed_by: str | None = None
    signature: str | None = None

    def hashed_content(self) -> dict:
        return event_content(
            self.seq, self.id, self.at, self.station_id, self.actor_id,
            self.kind, self.interview_id, self.payload,
        )


def event_content(
    seq: int,
    event_id: str,
    at: str,
    station_id: str,
    actor_id: str | None,
    kind: str,
    interview_id: str | None,
    payload: dict,
) -> dict:
    return {
        "seq": seq,
        "id": event_id,
        "at": at,
        "station_id": station_id,
        "actor_id": actor_id,
        "kind": kind,
        "interview_id": interview_id,
        "payload": payload,
    }


class EventLog:
    def __init__(self, db: "Database", station_id: str, signer: EventSigner | None = None):
        self._db = db
        self._station_id = station_id
        self._signer = signer

    def head(self) -> tuple[int, str]:
        """(sequence number, hash) of the newest event; (0, genesis) for an empty log."""
        row = self._db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)

    def hash_at(self, seq: int) -> str | None:
        """The hash of the event numbered ``seq``, or None when there is none."""
        row = self._db.execute("SELECT hash FROM events WHERE seq = ?", [seq]).fetchone()
        return row[0] if row else None

    def kind_at(self, seq: int) -> str | None:
        """The kind of the event numbered ``seq``, or None when there is none."""
        row = self._db.execute("SELECT kind FROM events WHERE seq = ?", [seq]).fetchone()
        return row[0] if row else None

    def last_at(self, kind: str) -> str | None:
        """When the newest event of ``kind`` happened, or None."""
        return self._db.execute("SELECT max(at) FROM events WHERE kind = ?",
                                [kind]).fetchone()[0]

    def append(
        self,
        kind: str,
        payload: dict[str, Any] | None = None,
        *,
        actor_id: str | None = None,
        interview_id: str | None = None,
        at: str | None = None,
    ) -> Event:
        """Append one event. Call inside a write transaction (store.connection.write_transaction)."""
        if not self._db.conn.in_transaction:
            raise RuntimeError("events must be appended inside a write transaction")
        payload = payload or {}
        last_seq, prev_hash = self.head()
        event = Event(
            seq=last_seq + 1,
            id=str(uuid.uuid4()),
            at=at or utc_now(),
            station_id=self._station_id,
            actor_id=actor_id,
            kind=kind,
            interview_id=interview_id,
            payload=payload,
            prev_hash=prev_hash,
            hash="",
        )
        digest = chain_hash(prev_hash, event.hashed_content())
        # Signed by the session that writes it; with no one signed in (a refused sign-in
        # at a locked station) it stays unsigned, which only such events may be.
        signed_by, signature = (self._signer.sign_for(actor_id, digest)
                                if self._signer is not None else (None, None))
        self._db.execute(
            "INSERT INTO events (seq, id, at, station_id, actor_id, kind, interview_id,"
            " payload, prev_hash, hash, signed_by, signature)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.seq, event.id, event.at, event.station_id, actor_id, kind,
                interview_id, canonical_json(payload), prev_hash, digest, signed_by,
                signature,
            ],
        )
        return Event(**{**event.__dict__, "hash": digest, "signed_by": signed_by,
                        "signature": signature})

    def for_interview(self, interview_id: str) -> list[Event]:
        rows = self._db.execute(
            "SELECT seq, id, at, station_id, actor_id, kind, interview_id, payload, prev_hash,"
            " hash, signed_by, signature FROM events WHERE interview_id = ? ORDER BY seq",
            [interview_id],
        ).fetchall()
        return [event_from_row(row) for row in rows]

    def count_per_interview(self, kind: str, interview_ids: Sequence[str]) -> dict[str, int]:
        """How many events of ``kind`` each of ``interview_ids`` has (0 for none)."""
        counts = dict.fromkeys(interview_ids, 0)
        ids = list(counts)
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start:start + _IDS_PER_QUERY]
            counts.update(self._db.execute(
                "SELECT interview_id, count(*) FROM events WHERE kind = ? AND interview_id IN"
                f" ({', '.join('?' * len(chunk))}) GROUP BY interview_id", [kind, *chunk]
            ).fetchall())
        return counts

    def since(self, after_seq: int = 0, kinds: tuple[str, ...] | None = None) -> list[Event]:
        sql = (
            "SELECT seq, id, at, station_id, actor_id, kind, interview_id, payload, prev_hash,"
            " hash, signed_by, signature FROM events WHERE seq > ?"
        )
        params: list = [after_seq]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        rows = self._db.execute(sql + " ORDER BY seq", params).fetchall()
        return [event_from_row(row) for row in rows]


def event_from_row(row) -> Event:
    return Event(
        seq=row[0], id=row[1], at=row[2], station_id=row[3], actor_id=row[4], kind=row[5],
        interview_id=row[6], payload=json.loads(row[7]), prev_hash=row[8], hash=row[9],
        signed_by=row[10] if len(row) > 10 else None,
        signature=row[11] if len(row) > 11 else None,
    )
