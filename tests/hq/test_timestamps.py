"""Headquarters' timestamp authority (hq/timestamps.py): its certificate, its replies made by
OpenSSL, and ``POST /timestamp`` on the real server, checked with OpenSSL's own client."""

import shutil
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from screening_app.domain.errors import UserError
from screening_app.hq.headquarters import Headquarters, add_timestamp_authority
from screening_app.hq.timestamps import POLICY_OID, BadTimestampRequest
from screening_app.pki import certificates
from tests.hq.conftest import CA_PASSPHRASE, HQ_PASSPHRASE

QUERY = {"Content-Type": "application/timestamp-query"}
pytestmark = pytest.mark.skipif(shutil.which("openssl") is None,
                                reason="OpenSSL's command line is not installed")


def openssl(*argv, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *map(str, argv)], capture_output=True, text=True,
                          timeout=60, check=check)


def query_for(path, folder):
    """An RFC 3161 request for the SHA-256 of ``path``, as OpenSSL's client makes it."""
    request = folder / "request.tsq"
    openssl("ts", "-query", "-data", path, "-sha256", "-cert", "-out", request)
    return request.read_bytes()


def test_the_timestamp_certificate_is_for_timestamping_only_and_issued_by_the_root(hq):
    certificate = hq.timestamp_authority.certificate
    certificates.check_issued_by(certificate, hq.root)
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert key_usage.digital_signature and key_usage.content_commitment
    assert not key_usage.key_cert_sign
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert 3649 <= lifetime.days <= 3651


def test_a_request_over_http_is_answered_with_a_token_openssl_verifies(served, hq, tmp_path):
    data = tmp_path / "form.pdf"
    data.write_bytes(b"%PDF-1.7 a form headquarters vouches for")
    root = tmp_path / "root.pem"
    root.write_bytes(certificates.to_pem(hq.root))
    response = httpx.post(f"{served.url}/timestamp", content=query_for(data, tmp_path),
                          headers=QUERY, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/timestamp-reply"
    reply = tmp_path / "reply.tsr"
    reply.write_bytes(response.content)
    verified = openssl("ts", "-verify", "-data", data, "-in", reply, "-CAfile", root,
                       check=False)
    assert verified.returncode == 0 and "Verification: OK" in verified.stdout
    text = openssl("ts", "-reply", "-in", reply, "-text").stdout
    assert "Status: Granted." in text and f"Policy OID: {POLICY_OID}" in text

    # The same token says nothing for other bytes.
    data.write_bytes(b"%PDF-1.7 a form somebody changed afterwards")
    refused = openssl("ts", "-verify", "-data", data, "-in", reply, "-CAfile", root,
                      check=False)
    assert refused.returncode != 0 and "Verification: OK" not in refused.stdout


def test_what_is_not_a_timestamp_request_is_refused_with_a_sentence(served, tmp_path):
    url = f"{served.url}/timestamp"
    wrong_type = httpx.post(url, content=b"x", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    garbage = httpx.post(url, content=b"\x30\x03\x02\x01\x07", headers=QUERY)
    assert garbage.status_code == 400
    assert garbage.text == "The body is not an RFC 3161 timestamp request (DER)."
    too_big = httpx.post(url, content=b"\x30" * 10_000, headers=QUERY)
    assert too_big.status_code == 413 and "larger than headquarters accepts" in too_big.text
    assert httpx.get(url).status_code == 405


def test_concurrent_replies_never_share_a_serial_number(hq, tmp_path):
    data = tmp_path / "data"
    data.write_bytes(b"one form")
    request = query_for(data, tmp_path)
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: hq.timestamp_authority.reply(request), range(12)))
    serials = {tsp.TimeStampResp.load(reply)["time_stamp_token"]["content"][
        "encap_content_info"]["content"].parsed["serial_number"].native for reply in replies}
    assert len(serials) == 12


def test_the_key_openssl_reads_is_encrypted_in_a_private_folder(hq, tmp_path):
    data = tmp_path / "data"
    data.write_bytes(b"one form")
    authority = hq.timestamp_authority
    authority.reply(query_for(data, tmp_path))
    folder = authority._folder  # noqa: SLF001 -- looking at what is on disk
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    key = (folder / "key.pem").read_bytes()
    assert key.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert authority._password not in (folder / "openssl.cnf").read_bytes()  # noqa: SLF001


def test_a_damaged_request_never_reaches_openssl(hq):
    with pytest.raises(BadTimestampRequest):
        hq.timestamp_authority.reply(b"\x30\x80garbage")


def test_an_older_headquarters_gets_an_authority_and_a_renewed_one_keeps_the_old(
        hq_folder, ca_folder):
    hq = Headquarters.open(hq_folder, HQ_PASSPHRASE)
    try:
        first = hq.timestamp_authority.certificate
        with pytest.raises(UserError, match="Wrong passphrase for headquarters"):
            add_timestamp_authority(hq, "not the passphrase", ca_folder=ca_folder,
                                    ca_passphrase=CA_PASSPHRASE, renew=True)
        with pytest.raises(UserError, match="has a timestamp authority already"):
            add_timestamp_authority(hq, HQ_PASSPHRASE, ca_folder=ca_folder,
                                    ca_passphrase=CA_PASSPHRASE)
        renewed = add_timestamp_authority(hq, HQ_PASSPHRASE, ca_folder=ca_folder,
                                          ca_passphrase=CA_PASSPHRASE, renew=True)
    finally:
        hq.close()
    hq = Headquarters.open(hq_folder, HQ_PASSPHRASE)
    try:
        assert hq.timestamp_authority.certificate == renewed != first
        assert [row.certificate_pem for row in hq.store.timestamp_authorities()] == [
            certificates.to_pem(c).decode() for c in (renewed, first)]
    finally:
        hq.close()


def test_a_headquarters_without_an_authority_answers_503_with_the_command_to_run(hq):
    from starlette.testclient import TestClient

    from screening_app.hq.web import create_app

    hq._timestamp_authority = None  # noqa: SLF001 -- as a headquarters made before timestamps
    with TestClient(create_app(hq)) as client:
        response = client.post("/timestamp", content=b"\x30\x00", headers=QUERY)
    assert response.status_code == 503
    assert "has no timestamp authority yet; make one with 'screening-app hq timestamps init"\
        in response.text
