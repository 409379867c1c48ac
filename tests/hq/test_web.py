"""The HTTP service: stations push real bundles and get their down bundle back; refusals
are one sentence with the right status; the operators' page is behind a password and
escapes everything it shows. One test runs the real server and pushes over real HTTP."""

import os
import re
import socket
import time

import httpx
import pytest
from starlette.testclient import TestClient

from screening_app.domain.errors import UserError
from screening_app.hq import conflicts
from screening_app.hq.intake import ChainBroken, RecordDiffers, RevokedStation, UnknownStation
from screening_app.hq.registry import revoke_station
from screening_app.hq.web import INCOMING, create_app, status_for
from screening_app.protocol import default_protocol
from screening_app.records.verifying import verify_pdf
from screening_app.sync import bundle as bundles
from screening_app.sync.bundle import BundleError
from screening_app.sync.push_client import push_bundle
from tests.conftest import PASSWORD
from tests.hq.conftest import OPERATOR, export
from tests.hq.test_conflicts import Held

BUNDLES = "/api/v1/bundles"


def choice_label(choice: str) -> str:
    protocol = default_protocol()
    return protocol.option_label(protocol.choice.question, choice, "en")


def sign_in(client, name: str = OPERATOR, password: str = PASSWORD):
    """Sign in through the form, as a browser does; the client keeps the session cookie."""
    form = client.get("/sign-in")
    token = re.search(r'name=form_token value="([^"]+)"', form.text)[1]
    return client.post("/sign-in", data={"form_token": token, "name": name,
                                         "password": password}, follow_redirects=False)


@pytest.fixture
def client(hq):
    with TestClient(create_app(hq, max_bundle_bytes=64 << 20)) as test_client:
        yield test_client


def post_bundle(client, path, name: str | None = None):
    headers = {"Content-Type": "application/octet-stream"}
    if name is not None:
        headers["X-Bundle-File-Name"] = name
    with path.open("rb") as body:
        return client.post(BUNDLES, content=body, headers=headers)


# -- bundles ----------------------------------------------------------------------------------
def test_a_pushed_bundle_is_ingested_and_answered_with_the_down_bundle(client, hq, linked,
                                                                      tmp_path):
    path = export(linked, tmp_path / "out")
    response = post_bundle(client, path)
    assert response.status_code == 200, response.text
    bundle_id = bundles.read_header(path).header.bundle_id
    assert response.headers["X-Bundle-Id"] == bundle_id
    assert hq.store.bundle(bundle_id).via == "http"
    assert len(hq.store.query("SELECT id FROM interviews")) == 4
    name = response.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert name.startswith("headquarters-to-TEST-01") and name.endswith(".scb")
    # The station accepts the answer: headquarters now acknowledges what it holds.
    reply = tmp_path / name
    reply.write_bytes(response.content)
    applied = linked.services.sync.apply(linked.supervisor, reply)
    assert applied.acknowledged["interviews"] == 4 and applied.not_matching == []
    # Nothing of the upload is left lying in the HQ folder once answered.
    assert list((hq.folder / INCOMING).iterdir()) == []


def test_the_same_bundle_again_is_answered_and_changes_nothing(client, hq, linked, tmp_path):
    path = export(linked, tmp_path / "out")
    assert post_bundle(client, path).status_code == 200
    again = post_bundle(client, path)
    assert again.status_code == 200
    assert len(hq.store.query("SELECT bundle_id FROM bundles")) == 1


def test_a_damaged_bundle_is_a_400_with_one_sentence_counted_as_junk(client, hq, linked,
                                                                     tmp_path):
    """Anyone can send a damaged bundle: it is counted against its sender's address
    (tests/hq/test_junk_posts.py), not written down as an incident of the station."""
    path = export(linked, tmp_path / "out")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    response = post_bundle(client, path, name="../../hq.sqlite3.scb")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "altered" in error and "\n" not in error
    assert error.startswith("http-upload-")  # not a path the sender chose
    response = post_bundle(client, path, name=path.name)
    assert response.json()["error"].startswith(f"{path.name} was altered")
    assert hq.store.incidents() == []
    (junk,) = hq.store.junk_posts()
    assert (junk.client_address, junk.refusals) == ("testclient", 2)
    assert junk.last_reason == response.json()["error"]
    assert hq.store.query("SELECT count(*) FROM interviews")[0][0] == 0


def test_an_unknown_or_revoked_station_is_a_403(client, hq, hq_folder, records_station,
                                                tmp_path):
    from tests.hq.conftest import register, trust

    trust(records_station, hq_folder)
    path = export(records_station, tmp_path / "out")
    response = post_bundle(client, path)
    assert response.status_code == 403
    assert "not a registered station" in response.json()["error"]
    register(hq, records_station)
    revoke_station(hq, "TEST-01", "The laptop was stolen.")
    response = post_bundle(client, path)
    assert response.status_code == 403 and "revoked" in response.json()["error"]


def test_uploads_a_killed_server_left_behind_are_swept_when_the_next_one_starts(hq):
    incoming = hq.folder / INCOMING
    old, fresh = incoming / "http-old", incoming / "http-fresh"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "upload.scb").write_bytes(b"half a bundle")
    day_ago = time.time() - 2 * 86_400
    os.utime(old, (day_ago, day_ago))
    create_app(hq)
    assert not old.exists()
    assert fresh.exists()  # possibly another server's upload in progress


def test_a_fork_or_a_record_that_differs_is_a_409():
    assert status_for(ChainBroken("x", "fork")) == 409 and status_for(RecordDiffers("x")) == 409
    assert status_for(UnknownStation("x")) == 403 and status_for(RevokedStation("x")) == 403
    assert status_for(BundleError("x")) == 400


def test_a_bundle_too_big_is_a_413_before_anything_is_read(hq, linked, tmp_path):
    path = export(linked, tmp_path / "out")
    with TestClient(create_app(hq, max_bundle_bytes=1024)) as small:
        response = post_bundle(small, path)
        assert response.status_code == 413
        assert "larger than headquarters accepts" in response.json()["error"]
        # Without a declared length the stream is counted as it comes.
        chunks = (path.read_bytes()[i:i + 512] for i in range(0, path.stat().st_size, 512))
        response = small.post(BUNDLES, content=chunks)
        assert response.status_code == 413
        assert small.post(BUNDLES, content=b"").status_code == 400
    assert hq.store.query("SELECT count(*) FROM bundles")[0][0] == 0


# -- the operators' page ----------------------------------------------------------------------
def test_health_needs_no_password_but_the_page_does(client):
    assert client.get("/healthz").text == "ok"
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert "WWW-Authenticate" not in response.headers  # no browser password prompt
    assert sign_in(client, OPERATOR, "wrong password").status_code == 401
    assert sign_in(client, "nobody", PASSWORD).status_code == 401
    assert client.get("/lists/repatriate.csv", follow_redirects=False).status_code == 303
    assert sign_in(client).status_code == 303
    page = client.get("/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "script-src" not in page.headers["Content-Security-Policy"]


def test_the_page_shows_stations_incidents_and_conflicts_side_by_side(client, hq, linked,
                                                                      tmp_path):
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    bad = tmp_path / "<b>bad<i>.scb"
    bad.write_bytes(b"not a bundle at all")
    from screening_app.hq.intake import ingest

    with pytest.raises(BundleError):
        ingest(hq, bad)
    held = Held(hq.store)
    held.station("PUSAN-1")
    # Another station took NK-100001's choice as 'repatriate'; TEST-01 has 'enlist'.
    held.interview("PUSAN-1", "repatriate", 20, interviewer="<script>alert(1)</script>")
    held.detect("NK-100001")
    (conflict,) = conflicts.open_conflicts(hq.store)

    sign_in(client)
    page = client.get("/").text
    assert "TEST-01" in page and "Koje-do" in page and "PUSAN-1" in page
    assert f"Conflict {conflict.id} · ISN NK-100001" in page
    # The protocol's labels, never the codes the records store.
    assert (f"<td class=choice>{choice_label('repatriate')}</td>"
            f"<td class=choice>{choice_label('enlist')}</td>") in page
    assert ">repatriate<" not in page and ">enlist<" not in page
    assert "김민준" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "&lt;b&gt;bad&lt;i&gt;.scb" in page and "not a screening-app bundle" in page
    assert 'href="/lists/merged-lists.pdf"' in page


def test_the_merged_lists_download_as_csv_and_as_a_signed_pdf(client, hq, linked, tmp_path):
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    sign_in(client)
    # Not made yet: the page says they are being prepared (tests/hq/test_kept_lists.py).
    assert client.get("/lists/removed.csv").status_code == 202
    assert client.app.state.kept_lists.wait(60)
    response = client.get("/lists/removed.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "isn,name_native,name_latin,compound,detail,stations"
    assert "NK-100001,김민준,Kim Min-jun" in text  # approved 'enlist' at the station
    pdf = client.get("/lists/merged-lists.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert verify_pdf(pdf.content, [hq.root]).valid
    assert client.get("/lists/secrets.csv").status_code == 404
    assert client.get("/lists/..%2Fhq.sqlite3").status_code == 404


# -- the real server -------------------------------------------------------------------------
@pytest.fixture
def live_server(served):
    return served.url


def test_a_station_pushes_over_real_http_and_applies_the_answer(live_server, hq, linked):
    exported, applied = linked.services.sync.push(linked.supervisor, live_server, timeout=60)
    assert hq.store.bundle(exported.bundle_id).via == "http"
    assert applied.acknowledged == {"users": 4, "protocols": 1, "subjects": 5,
                                    "interviews": 4, "reviews": 2, "documents": 5}
    assert httpx.get(f"{live_server}/healthz").text == "ok"
    status = linked.services.sync.status(linked.supervisor)
    assert sum(status.pending.values()) == 0


def test_push_errors_are_one_sentence(live_server, hq, records_station, hq_folder, tmp_path):
    from tests.hq.conftest import trust

    trust(records_station, hq_folder)
    path = export(records_station, tmp_path / "out")  # the station is not registered
    with pytest.raises(UserError) as refused:
        push_bundle(live_server, path, timeout=60)
    assert str(refused.value).startswith("headquarters refused the bundle: ")
    assert "not a registered station" in str(refused.value)
    assert path.name in str(refused.value)  # the file as the station knows it
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    with pytest.raises(UserError, match=f"cannot reach headquarters at http://127.0.0.1:"
                                        f"{closed_port}/api/v1/bundles"):
        push_bundle(f"http://127.0.0.1:{closed_port}", path, timeout=5)
    with pytest.raises(UserError, match="is not an http"):
        push_bundle("ftp://headquarters", path, timeout=5)
