"""Walking the station's event chain to prove it unbroken."""

import json
from dataclasses import dataclass

from sqlite_utils import Database

from screening_app.domain.canonical import GENESIS_HASH, chain_hash
from screening_app.domain.messages import gettext as _
from screening_app.store.events import event_content

_BATCH = 5_000


@dataclass(frozen=True)
class ChainReport:
    events: int
    head_seq: int
    head_hash: str
    problem: str | None  # the first broken link, gap or reordering, in one sentence

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(db: Database) -> ChainReport:
    """Recompute every event's hash in order; name the first event that does not fit."""
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    last_seq = 0
    cursor = db.execute(
        "SELECT seq, id, at, station_id, actor_id, kind, interview_id, payload, prev_hash, hash"
        " FROM events ORDER BY seq"
    )
    while rows := cursor.fetchmany(_BATCH):
        for seq, id_, at, station, actor, kind, interview, payload, prev, digest in rows:
            count += 1
            if seq != expected_seq:
                return ChainReport(count, last_seq, expected_prev,
                                   _("event {missing} is missing (the next one is {seq}).")
                                   .format(missing=expected_seq, seq=seq))
            if prev != expected_prev:
                return ChainReport(count, last_seq, expected_prev,
                                   _("event {seq} ({kind}) does not link to the event before"
                                     " it; events were removed, reordered or replaced.")
                                   .format(seq=seq, kind=kind))
            content = event_content(seq, id_, at, station, actor, kind, interview,
                                    json.loads(payload))
            if chain_hash(prev, content) != digest:
                return ChainReport(count, last_seq, expected_prev,
                                   _("event {seq} ({kind}) was altered after it was written.")
                                   .format(seq=seq, kind=kind))
            expected_prev, expected_seq, last_seq = digest, seq + 1, seq
    return ChainReport(count, last_seq, expected_prev, None)
