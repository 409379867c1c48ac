"""Registering stations by certificate, revoking them, listing them."""

import pytest
from cryptography.hazmat.primitives import hashes

from screening_app.domain.errors import NotFound, UserError
from screening_app.hq.registry import list_stations, register_station, revoke_station
from screening_app.pki import certificates
from tests.hq.conftest import register


def issue(test_keys, common_name: str, unit: str | None = "Koje-do", key=None) -> bytes:
    ca_key, ca_certificate = test_keys["ca"]
    csr = certificates.create_csr(key or test_keys["station"], common_name, "UNC Screening",
                                  unit=unit)
    issued = certificates.issue_certificate(ca_key, ca_certificate, csr)
    return certificates.chain_pem([issued, ca_certificate])


def test_a_station_is_registered_from_its_certificate(hq, station):
    entry = register(hq, station)
    assert (entry.station_id, entry.camp, entry.revoked) == ("TEST-01", "Koje-do", False)
    installed = station.services.keys.station_certificate().certificate
    assert entry.fingerprint_sha256 == installed.fingerprint(hashes.SHA256()).hex()
    assert [s.station_id for s in list_stations(hq)] == ["TEST-01"]
    assert (entry.interviews, entry.events_seq, entry.last_bundle_at) == (0, 0, None)


def test_registering_the_same_certificate_again_changes_nothing(hq, station):
    first = register(hq, station)
    again = register(hq, station)
    assert again == first
    assert len(list_stations(hq)) == 1


def test_another_certificate_for_a_registered_station_id_is_refused(hq, station, hq_key,
                                                                  test_keys):
    register(hq, station)
    other = issue(test_keys, "Station TEST-01", key=hq_key)  # same name, another key
    with pytest.raises(UserError, match="already registered with another certificate"):
        register_station(hq, other, "other.pem")


def test_a_certificate_from_another_ca_is_refused(hq):
    key, root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    csr = certificates.create_csr(key, "Station FAKE-01", "Elsewhere", unit="Nowhere")
    forged = certificates.issue_certificate(key, root, csr)
    with pytest.raises(UserError, match="was issued by"):
        register_station(hq, certificates.to_pem(forged), "fake.pem")
    assert list_stations(hq) == []


@pytest.mark.parametrize("common_name, unit, message", [
    ("Supervisor sup", "Station TEST-01", "is not a station certificate"),
    ("Station bad id!", "Koje-do", "is not a station certificate"),
    ("Station TEST-09", None, "names no camp"),
])
def test_a_certificate_that_is_not_a_stations_is_refused(hq, test_keys, common_name, unit,
                                                          message):
    with pytest.raises(UserError, match=message):
        register_station(hq, issue(test_keys, common_name, unit), "cert.pem")
    assert list_stations(hq) == []


def test_not_a_certificate_is_one_sentence(hq):
    with pytest.raises(UserError, match="cert.pem: not a certificate"):
        register_station(hq, b"hello", "cert.pem")


def test_revoking_a_station_is_recorded_once_with_its_reason(hq, station):
    register(hq, station)
    entry = revoke_station(hq, "TEST-01", "laptop stolen")
    assert entry.revoked and entry.revoke_reason == "laptop stolen"
    assert list_stations(hq)[0].revoked
    with pytest.raises(UserError, match="already revoked on .* \\(laptop stolen\\)"):
        revoke_station(hq, "TEST-01", "again")
    with pytest.raises(UserError, match="Say why"):
        revoke_station(hq, "TEST-01", " ")


def test_revoking_an_unknown_station_names_it(hq):
    with pytest.raises(NotFound, match="no registered station 'NOPE'"):
        revoke_station(hq, "NOPE", "whatever")
