"""Junk uploads are counted per client address (one row with first and last time, how many
and the last reason) instead of one incident each, so the refusals of real stations stay
on the operators' page. Before, 1,003 junk POSTs in 10 s became 1,003 incidents."""

import asyncio
import time

import httpx

from screening_app.hq import junk
from screening_app.hq.junk import MANY_ADDRESSES, JunkTally
from screening_app.hq.registry import revoke_station
from tests.hq.conftest import export, register, trust
from tests.hq.test_web_limits import (
    BUNDLES,
    live_server,
    post_headers,
    read_response,
    wait_until,
)


def test_the_store_adds_junk_up_per_address(hq):
    store = hq.store
    with store.transaction():
        assert store.add_junk_posts("10.0.0.9", 1, first_at="2026-12-04T10:00:00Z",
                                    last_at="2026-12-04T10:00:00Z", last_reason="one") == 1
        assert store.add_junk_posts("10.0.0.9", 5, first_at="2026-12-04T10:00:01Z",
                                    last_at="2026-12-04T10:00:09Z", last_reason="six") == 6
        store.add_junk_posts("10.0.0.7", 2, first_at="2026-12-04T09:00:00Z",
                             last_at="2026-12-04T09:00:00Z", last_reason="other")
    first, second = store.junk_posts()
    assert (first.client_address, first.first_at, first.last_at, first.refusals,
            first.last_reason) == ("10.0.0.9", "2026-12-04T10:00:00Z",
                                   "2026-12-04T10:00:09Z", 6, "six")
    assert (second.client_address, second.refusals) == ("10.0.0.7", 2)
    assert store.junk_posts(limit=1) == [first]


def test_a_flood_of_junk_is_one_row_and_real_refusals_stay_incidents(hq, hq_folder,
                                                                     records_station, tmp_path):
    trust(records_station, hq_folder)
    bundle = export(records_station, tmp_path / "out")
    damaged = bytearray(bundle.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    with live_server(hq) as live, httpx.Client(base_url=live.url, timeout=10) as client:
        # Real refusals: a station not registered, then the same station revoked.
        assert client.post(BUNDLES, content=bundle.read_bytes()).status_code == 403
        register(hq, records_station)
        revoke_station(hq, "TEST-01", "The laptop was stolen.")
        assert client.post(BUNDLES, content=bundle.read_bytes()).status_code == 403
        started = time.monotonic()
        statuses = []
        for number in range(300):  # refused before intake: not a bundle, too big
            if number % 30 == 29:  # announces 3 GiB
                with live.connect() as sock:
                    sock.sendall(post_headers(3 << 30) + b"x")
                    statuses.append(read_response(sock)[0])
            else:
                statuses.append(client.post(BUNDLES, content=b"<junk %d>" % number).status_code)
        for _ in range(10):  # refused by intake: its signature does not match any more
            statuses.append(client.post(BUNDLES, content=bytes(damaged)).status_code)
        assert statuses.count(400) == 300 and statuses.count(413) == 10
        assert time.monotonic() - started < 15
        wait_until(lambda: [j.refusals for j in hq.store.junk_posts()] == [310])
    (junk,) = hq.store.junk_posts()
    assert junk.client_address == "127.0.0.1" and junk.first_at <= junk.last_at
    assert "was altered after it was signed" in junk.last_reason
    kinds = [incident.kind for incident in hq.store.incidents(50)]
    assert kinds == ["revoked_station", "unknown_station"]



def test_the_tally_writes_in_batches_and_holds_a_bounded_number_of_addresses(monkeypatch):
    monkeypatch.setattr(junk, "MAX_PENDING_ADDRESSES", 3)
    batches = []

    async def flood() -> None:
        tally = JunkTally(lambda batch: batches.append(batch))
        for number in range(10):  # all added before the first batch is written
            tally.add(f"10.0.0.{number}", f"junk {number}")
        await tally.written()
        tally.add("10.0.0.1", "again")
        await tally.written()

    asyncio.run(flood())
    first, second = batches
    assert {address: pending.refusals for address, pending in first.items()} == {
        "10.0.0.0": 1, "10.0.0.1": 1, "10.0.0.2": 1, MANY_ADDRESSES: 7}
    assert first[MANY_ADDRESSES].last_reason == "junk 9"
    assert list(second) == ["10.0.0.1"]
