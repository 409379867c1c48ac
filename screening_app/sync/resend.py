"""Headquarters' request that a station send again what it lost.

When headquarters is put back from an older copy of its store, it lacks the events (and
records) a station was told it held, and refuses the station's next bundle as a gap. Its
answer to such a bundle is then a down bundle whose manifest asks the station to send
everything again after the last event headquarters still holds:

    "resend": {"after_seq": N, "after_hash": "<hash of the station's event N>"}

N and its hash are the same as the manifest's "events" (what headquarters holds); the hash
lets the station check that headquarters holds its own history. The station, once it has
checked and applied the request, forgets every acknowledgement this bundle does not repeat
and starts its next bundle after event N, so that bundle carries every event and record
headquarters lost. See README.md, "After restoring headquarters from a backup".

Only a station that says it applies such requests gets one: its up bundles' headers carry
``"sync_version": 2`` (an older station's header says nothing, and its bundle is refused as
before). Both sides read the fields through this module.
"""

from collections.abc import Mapping

from screening_app.domain.canonical import GENESIS_HASH

SYNC_VERSION_FIELD = "sync_version"  # in an up bundle's header "extra"
SYNC_VERSION = 2  # 2: the station applies resend requests; no field at all means 1
RESEND_FIELD = "resend"  # in a down bundle's manifest


def applies_resend_requests(header_extra: Mapping) -> bool:
    """Whether the station that wrote an up bundle with this header applies resend
    requests."""
    version = header_extra.get(SYNC_VERSION_FIELD, 1)
    return isinstance(version, int) and not isinstance(version, bool) and (
        version >= SYNC_VERSION)


def resend_request(held_seq: int, held_hash: str) -> dict:
    """The manifest's request to send everything after event ``held_seq`` again."""
    return {"after_seq": held_seq, "after_hash": held_hash}


def read_resend_request(manifest: Mapping, held_seq: int, held_hash: str) -> bool:
    """True when a down bundle's manifest asks for everything after ``held_seq`` again;
    raises ValueError for a request that is not readable or contradicts the manifest (it
    must name the last event headquarters holds, as the manifest's "events" do)."""
    request = manifest.get(RESEND_FIELD)
    if request is None:
        return False
    if not isinstance(request, dict) or request != resend_request(held_seq, held_hash):
        raise ValueError("a resend request that is not the manifest's own")
    if held_seq == 0 and held_hash != GENESIS_HASH:
        raise ValueError("a resend request from the start with the hash of an event")
    return True
