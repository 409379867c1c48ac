"""Answering a bundle refused because headquarters lacks events its station sent before.

Headquarters put back from an older copy of its store refuses each station's next bundle as
a gap: intake takes nothing of it and writes one incident. The answer to that bundle (over
HTTP, and with ``hq ingest --reply-to`` for a bundle brought on removable media) is then a
down bundle asking the station to send again everything after the last of its events held
here (sync/resend.py), provided the station says it applies such requests. The station's
next bundle carries those events and every record headquarters no longer holds, and is
taken in whole. A fork (another event where headquarters holds one) stays a plain refusal.
"""

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from screening_app.domain.errors import UserError
from screening_app.hq.down import build_down_bundle
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.intake_records import EventsMissing
from screening_app.sync import bundle as bundles
from screening_app.sync.resend import applies_resend_requests


@dataclass(frozen=True)
class ResendAnswer:
    station_id: str
    path: Path  # the down bundle asking for everything after event ``after_seq``
    after_seq: int


class GapAnswered(Exception):
    """A bundle refused as a gap, answered with a down bundle that asks for what is
    missing (the HTTP intake sends it with the refusal's 409)."""

    def __init__(self, refusal: EventsMissing, answer: ResendAnswer):
        super().__init__(str(refusal))
        self.refusal = refusal
        self.answer = answer


def answer_gap(hq: Headquarters, bundle_path: Path | str, refusal: Exception,
               folder: Path | str) -> ResendAnswer | None:
    """The down bundle asking the station of a bundle refused as a gap to send everything
    again after the last of its events held here, written into ``folder``. None for any
    other refusal, or a station that does not apply such requests (an older version): its
    refusal stands as it is."""
    if not isinstance(refusal, EventsMissing):
        return None
    try:
        # Read again from its file, so checked again: signed by the station refused.
        sealed = bundles.read_header(Path(bundle_path))
        signer = bundles.verify_sender(sealed, [hq.root])
        recipient = bundles.check_age_recipient(
            str(sealed.header.extra.get("station_age_recipient", "")), sealed.name)
    except UserError:
        return None
    station = hq.store.station(refusal.station_id)
    if (station is None or station.revoked_at
            or signer.fingerprint(hashes.SHA256()).hex() != station.fingerprint_sha256
            or not applies_resend_requests(sealed.header.extra)):
        return None
    path = build_down_bundle(hq, station.station_id, folder, resend=True,
                             age_recipient=recipient)
    return ResendAnswer(station.station_id, path, station.events_seq)
