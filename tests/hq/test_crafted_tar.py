"""A bundle genuinely signed by a station (a thief with its key, or a bug) whose tar holds
three GNU sparse members of 256 MiB each in 25 KB: headquarters refuses it in one sentence
without filling the holes (it once grew to 1.4 GB), and writes it down as an incident."""

import tracemalloc

import pyrage
import pytest

from screening_app.hq.intake import ingest
from screening_app.sync.bundle import BundleError
from tests.fuzz.headquarters import reseal
from tests.hq.conftest import export
from tests.sync.test_tar_headers import MIB, gnu_sparse_header


def test_a_signed_bundle_of_sparse_members_is_refused_with_memory_bounded(hq, linked,
                                                                          tmp_path):
    crafted_tar = (gnu_sparse_header("files/a.pdf", 256 * MIB) + b"x" + bytes(511)) * 3
    crafted_tar += bytes(1024)
    ciphertext = pyrage.encrypt(crafted_tar,
                                [pyrage.x25519.Recipient.from_str(hq.age_recipient)])
    genuine = export(linked, tmp_path / "out")
    identity = linked.services.keys.signing_identity(linked.supervisor)
    path = tmp_path / "station-TEST-01-crafted.scb"
    path.write_bytes(reseal(genuine.read_bytes(), identity.key, ciphertext=ciphertext))
    assert path.stat().st_size < 25_000
    tracemalloc.start()
    try:
        with pytest.raises(BundleError) as refused:
            ingest(hq, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refused.value) == (f"{path.name} is forged: it holds a member 'files/a.pdf'"
                                  " that no screening-app writes.")
    assert peak < 16 * MIB, f"refusing the bundle took {peak} bytes"
    (incident,) = hq.store.incidents()
    assert (incident.station_id, incident.reason) == ("TEST-01", str(refused.value))
