"""TLS that stations pin: headquarters serves its own certificate, the station pushes only
to a server presenting the one in headquarters' signed public file, and plain HTTP reaches
only this computer. Real servers on 127.0.0.1, in a thread, as in test_web.py."""

import base64
import datetime
import json
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from screening_app.domain.canonical import canonical_json
from screening_app.domain.errors import UserError
from screening_app.hq import tls
from screening_app.hq.headquarters import _PSS, PUBLIC_FILE
from screening_app.hq.web import make_server
from screening_app.pki import certificates
from screening_app.sync.pinning import CertificateNotPinned, is_loopback_host
from screening_app.sync.push_client import push_bundle
from tests.hq.conftest import HQ_PASSPHRASE, export, register, trust

ACKNOWLEDGED = {"users": 4, "protocols": 1, "subjects": 5, "interviews": 4, "reviews": 2,
                "documents": 5}


@contextmanager
def running(hq, **options):
    """uvicorn on a free port of 127.0.0.1 with ``options`` (the TLS files), in a thread.
    The socket listens before the server starts, so a request made at once waits in the
    backlog: no polling, no sleep."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    listening.listen(16)
    port = listening.getsockname()[1]
    server = make_server(hq, "127.0.0.1", port, **options)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]},
                              daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{port}" if options else f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listening.close()
        assert not thread.is_alive()


def write_own(folder: Path, certificate: x509.Certificate, key) -> dict:
    """A certificate and its unencrypted key as files, as uvicorn takes them."""
    folder.mkdir(exist_ok=True)
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(certificates.to_pem(certificate))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)}


def test_a_push_over_tls_to_the_pinned_certificate_succeeds(hq, hq_folder, linked):
    with tls.served_files(hq_folder, HQ_PASSPHRASE) as files, running(hq, **files) as url:
        # The key on disk while serving is sealed under a password only this process has.
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(Path(files["ssl_keyfile"]).read_bytes(), None)
        exported, applied = linked.services.sync.push(linked.supervisor, url, timeout=60)
    assert not Path(files["ssl_keyfile"]).exists()  # gone once serving ends
    assert hq.store.bundle(exported.bundle_id).via == "http"
    assert applied.acknowledged == ACKNOWLEDGED


def test_a_server_with_another_certificate_is_refused_before_anything_is_sent(
        hq, hq_folder, linked, tmp_path):
    impostor, key = tls.make_certificate(["127.0.0.1", "localhost"], "Impostor")
    with running(hq, **write_own(tmp_path / "impostor", impostor, key)) as url, \
            pytest.raises(CertificateNotPinned) as refused:
        linked.services.sync.push(linked.supervisor, url, timeout=60)
    assert str(refused.value) == (
        f"The server at {url}/api/v1/bundles presented a TLS certificate other than the one"
        " this station pinned for headquarters, so nothing was sent: if headquarters changed"
        " its certificate, install its new headquarters-public.json with 'screening-app sync"
        " trust-hq'.")
    assert hq.store.incidents(10) == [] and hq.store.query(
        "SELECT count(*) FROM bundles")[0][0] == 0


def test_the_pin_not_the_dates_decides(hq, hq_folder, linked, tmp_path, monkeypatch):
    """A camp laptop's clock may be far off, and a new certificate takes days to reach a
    camp: a pinned certificate past its date still serves; only another one is refused."""
    key = tls.make_certificate(["x"], "x")[1]
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "127.0.0.1")])
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    expired = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
               .public_key(key.public_key()).serial_number(7)
               .not_valid_before(long_ago).not_valid_after(long_ago + datetime.timedelta(1))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
               .sign(key, hashes.SHA256()))
    path = export(linked, tmp_path / "out")
    with running(hq, **write_own(tmp_path / "expired", expired, key)) as url:
        reply, _ = push_bundle(url, path, timeout=60,
                               pinned_tls_pem=certificates.to_pem(expired).decode())
    assert reply  # headquarters answered with the down bundle


@pytest.mark.parametrize("address", ["http://192.0.2.7:8765", "http://hq.example.org",
                                     "http://[2001:db8::1]:8765"])
def test_plain_http_reaches_only_this_computer(address, hq_folder, linked, tmp_path):
    path = export(linked, tmp_path / "out")
    pin = certificates.to_pem(tls.tls_chain(hq_folder)[0]).decode()
    with pytest.raises(UserError) as refused:
        push_bundle(address, path, timeout=5, pinned_tls_pem=pin)
    assert str(refused.value) == (
        f"{address}/api/v1/bundles is plain HTTP to another computer: push to headquarters"
        " over https://, which checks the TLS certificate this station pinned.")
    # Through the station's push, it is refused before a bundle is written for it.
    exports = len(list((linked.data_dir / "outbox").glob("*.scb")))
    with pytest.raises(UserError, match="is plain HTTP to another computer"):
        linked.services.sync.push(linked.supervisor, address, timeout=5)
    assert len(list((linked.data_dir / "outbox").glob("*.scb"))) == exports


def test_loopback_addresses():
    assert all(map(is_loopback_host, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "LOCALHOST"]))
    assert not any(map(is_loopback_host, ["0.0.0.0", "192.0.2.7", "hq", "", None, "::"]))


def old_public_file(hq, hq_folder: Path, hq_key) -> Path:
    """headquarters-public.json as a headquarters made before TLS wrote it (format 1, no
    TLS certificate), and no TLS file in its folder."""
    fields = {"format": 1, "name": hq.name, "age_recipient": hq.age_recipient,
              "certificates": certificates.chain_pem([hq.certificate, *hq.chain]).decode()}
    signature = hq_key.sign(canonical_json(fields).encode(), _PSS, hashes.SHA256())
    path = hq_folder / PUBLIC_FILE
    path.write_text(json.dumps({**fields, "signature": base64.b64encode(signature).decode()}))
    (hq_folder / tls.TLS_FILE).unlink()
    return path


def test_a_station_that_trusted_an_old_public_file_pushes_https_only_once_it_has_a_pin(
        hq, hq_folder, hq_key, records_station, tmp_path):
    register(hq, records_station)
    old_public_file(hq, hq_folder, hq_key)
    trusted = records_station.services.sync.trust_headquarters(records_station.admin,
                                                                hq_folder / PUBLIC_FILE)
    assert trusted.tls_certificate is None
    path = export(records_station, tmp_path / "out")
    with pytest.raises(UserError, match="This station has no TLS certificate of headquarters"
                                        " to check https://hq.example.org/api/v1/bundles"
                                        " against: install"):
        push_bundle("https://hq.example.org", path, timeout=5, pinned_tls_pem=None)
    # Over plain HTTP to this computer it still works, as before.
    with running(hq) as url:
        _, applied = records_station.services.sync.push(records_station.supervisor, url,
                                                        timeout=60)
    assert applied.acknowledged["interviews"] == 4


def test_the_station_keeps_the_pin_of_the_file_it_trusts_last(hq, hq_folder, linked):
    from screening_app.hq.headquarters import renew_tls

    first = linked.services.sync.headquarters().tls_certificate
    renewed, _ = renew_tls(hq, HQ_PASSPHRASE, names=["hq.example.org"])
    assert renewed != first
    trust(linked, hq_folder)
    assert linked.services.sync.headquarters().tls_certificate == renewed
