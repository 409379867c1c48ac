"""The operators' page through Starlette's test client: sessions and their cookie, form
tokens on every form, throttled sign-in, deciding a conflict and revoking a station from
the page (the same functions the command line calls), labels, local times, intake history,
incidents and the bundled font."""

import re
import time

import pytest
from starlette.testclient import TestClient

from screening_app.hq import conflicts
from screening_app.hq.operator_sessions import (
    FREE_FAILURES,
    INCIDENT_EVERY,
    SESSION_COOKIE,
    SIGN_IN_INCIDENT,
)
from screening_app.hq.operators_page import OperatorDesk
from screening_app.hq.page_font import FONT_URL
from screening_app.hq.web import create_app
from tests.conftest import PASSWORD
from tests.hq.conftest import OPERATOR, export
from tests.hq.test_conflicts import Held
from tests.hq.test_web import choice_label, post_bundle, sign_in


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(hq, clock):
    made = create_app(hq, max_bundle_bytes=64 << 20)
    made.state.operators = desk = OperatorDesk()
    desk.throttle.clock = clock
    return made


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def form_token(page: str) -> str:
    return re.search(r'name=form_token value="([^"]+)"', page)[1]


def a_conflict(hq, isn: str = "NK-100001") -> conflicts.Conflict:
    """TEST-01's record against one PUSAN-1 took with the other choice."""
    held = Held(hq.store)
    held.station("PUSAN-1")
    held.interview("PUSAN-1", "repatriate", 20, isn=isn)
    held.detect(isn)
    (conflict,) = conflicts.open_conflicts(hq.store)
    return conflict


# -- sessions -------------------------------------------------------------------------------
def test_signing_in_opens_a_session_held_in_an_httponly_strict_cookie(client):
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith(f"{SESSION_COOKIE}="))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes and "samesite=strict" in attributes
    assert "path=/" in attributes
    assert not any(a.startswith(("max-age", "expires")) for a in attributes)  # ends with the browser
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 40
    page = client.get("/")
    assert page.status_code == 200 and f"Signed in as <b>{OPERATOR}</b>" in page.text


def test_signing_out_ends_the_session_on_the_server(client):
    sign_in(client)
    stolen = client.cookies.get(SESSION_COOKIE)
    page = client.get("/").text
    response = client.post("/sign-out", data={"form_token": form_token(page)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in?signed-out"
    client.cookies.set(SESSION_COOKIE, stolen)  # a copy of the cookie opens nothing now
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_expires_when_left_unused(client, app, hq):
    sign_in(client)
    later = FakeClock()
    later.now = time.time() + 31 * 60
    app.state.operators.sessions._clock = later
    assert client.get("/", follow_redirects=False).headers["Location"] == "/sign-in"
    assert hq.store.query("SELECT count(*) FROM operator_sessions") == [(0,)]


# -- form tokens ------------------------------------------------------------------------------
def test_every_form_needs_its_token(client, hq, linked, tmp_path):
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    conflict = a_conflict(hq)
    # The sign-in form: its token must match its own cookie.
    client.get("/sign-in")
    refused = client.post("/sign-in", data={"form_token": "forged", "name": OPERATOR,
                                            "password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 403 and SESSION_COOKIE not in client.cookies
    sign_in(client)
    page = client.get("/").text
    assert page.count('name=form_token value="') >= 3  # sign out, resolve, revoke
    keep = conflict.records[0].interview_id
    for token in (None, "", "not the token"):
        data = {"keep": keep, "reason": "Checked the paper form."}
        if token is not None:
            data["form_token"] = token
        assert client.post(f"/conflicts/{conflict.id}/resolve", data=data,
                           follow_redirects=False).status_code == 403
        assert client.post("/stations/TEST-01/revoke", follow_redirects=False,
                           data={**data, "confirm": "yes"}).status_code == 403
        assert client.post("/sign-out", data=data, follow_redirects=False).status_code == 403
    assert conflicts.get_conflict(hq.store, conflict.id).is_open
    assert hq.store.station("TEST-01").revoked_at is None
    # A form posted from another site is refused even with the right token.
    response = client.post(f"/conflicts/{conflict.id}/resolve", follow_redirects=False,
                           data={"form_token": form_token(page), "keep": keep, "reason": "x"},
                           headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 403
    assert conflicts.get_conflict(hq.store, conflict.id).is_open


# -- throttling -----------------------------------------------------------------------------
def test_wrong_passwords_cost_a_growing_wait_then_an_incident(client, hq, clock):
    for _ in range(FREE_FAILURES + 1):
        assert sign_in(client, OPERATOR, "wrong password").status_code == 401
    # Now even the right password waits: refused without being checked.
    refused = sign_in(client)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "Too many attempts" in refused.text
    clock.now += 1.5
    assert sign_in(client, OPERATOR, "wrong password").status_code == 401
    assert sign_in(client).headers["Retry-After"] == "2"  # doubled
    for _ in range(INCIDENT_EVERY - FREE_FAILURES - 2):
        clock.now += 3600 - 1  # just inside the hour that keeps the count
        assert sign_in(client, OPERATOR, "wrong password").status_code == 401
    assert {i.kind for i in hq.store.incidents()} == {"sign_in"}
    reasons = sorted(i.reason for i in hq.store.incidents())
    assert reasons == [f"{SIGN_IN_INCIDENT}{INCIDENT_EVERY} for the address testclient.",
                       f"{SIGN_IN_INCIDENT}{INCIDENT_EVERY} for the operator name 'olivia'."]
    clock.now += 16 * 60  # past the longest wait: the right password opens the page
    assert sign_in(client).status_code == 303


def test_failures_from_one_address_throttle_every_name_it_tries(client):
    for n in range(FREE_FAILURES + 1):
        assert sign_in(client, f"guess{n}", "wrong password").status_code == 401
    assert sign_in(client, "another", "wrong password").status_code == 429


# -- deciding on the page ------------------------------------------------------------------------
def test_a_conflict_is_resolved_on_the_page_as_the_command_line_does(client, hq, linked,
                                                                   tmp_path):
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    conflict = a_conflict(hq)
    kept = next(r for r in conflict.records if r.station_id == "TEST-01")
    sign_in(client)
    page = client.get("/").text
    assert f'action="/conflicts/{conflict.id}/resolve"' in page
    assert f'name=keep required value="{kept.interview_id}"' in page
    # No reason: nothing is decided, and the page says why.
    page = client.post(f"/conflicts/{conflict.id}/resolve", data={
        "form_token": form_token(page), "keep": kept.interview_id, "reason": " "}).text
    assert conflicts.get_conflict(hq.store, conflict.id).is_open
    assert "say why this record is kept" in page
    response = client.post(f"/conflicts/{conflict.id}/resolve", follow_redirects=False,
                           data={"form_token": form_token(page), "keep": kept.interview_id,
                                 "reason": "The paper form <b>signed</b> at Koje-do."})
    assert response.status_code == 303
    decided = conflicts.get_conflict(hq.store, conflict.id)
    assert not decided.is_open and decided.kept.interview_id == kept.interview_id
    assert decided.resolution.operator == OPERATOR
    assert decided.resolution.note == "The paper form <b>signed</b> at Koje-do."
    page = client.get(response.headers["Location"]).text
    assert f"Conflict {conflict.id} (ISN NK-100001) is resolved: TEST-01&#x27;s record" in page
    assert choice_label("enlist") in page  # the kept choice, by its label
    assert "The paper form &lt;b&gt;signed&lt;/b&gt; at Koje-do." in page
    assert "No open conflicts." in page
    # Deciding again says it was decided.
    again = client.post(f"/conflicts/{conflict.id}/resolve", data={
        "form_token": form_token(page), "keep": kept.interview_id, "reason": "again"})
    assert "was already resolved" in again.text


def test_a_station_is_revoked_on_the_page_only_with_a_reason_and_a_confirmation(
        client, hq, linked):
    sign_in(client)
    page = client.get("/").text
    assert 'action="/stations/TEST-01/revoke"' in page
    token = form_token(page)
    page = client.post("/stations/TEST-01/revoke", data={"form_token": token,
                                                         "reason": "Stolen."}).text
    assert hq.store.station("TEST-01").revoked_at is None
    assert "tick the confirmation" in page
    client.post("/stations/TEST-01/revoke", data={"form_token": token, "confirm": "yes",
                                                  "reason": ""})
    assert hq.store.station("TEST-01").revoked_at is None
    page = client.post("/stations/TEST-01/revoke", data={
        "form_token": token, "confirm": "yes", "reason": "The laptop was stolen."}).text
    row = hq.store.station("TEST-01")
    assert row.revoked_at and row.revoke_reason == "The laptop was stolen."
    assert "Station TEST-01 is revoked" in page and "The laptop was stolen." in page
    assert 'action="/stations/TEST-01/revoke"' not in page  # nothing left to revoke
    page = client.post("/stations/NOPE-9/revoke", data={"form_token": token, "confirm": "yes",
                                                        "reason": "x"}).text
    assert "There is no registered station" in page


# -- what the page shows ----------------------------------------------------------------------
def test_times_are_local_and_the_zone_is_named(client, hq, linked, tmp_path, monkeypatch):
    from screening_app.hq import page_words

    monkeypatch.setattr(page_words, "time_zone", lambda: "Asia/Seoul")
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    a_conflict(hq)  # PUSAN-1's record was finalised 2026-11-20 10:00 UTC
    sign_in(client)
    page = client.get("/").text
    assert "Times are in Asia/Seoul (this server's time zone)" in page
    assert "2026-11-20 19:00" in page and "2026-11-20 10:00" not in page


def test_intake_history_incidents_grouped_and_junk_by_address(client, hq, linked, tmp_path):
    path = export(linked, tmp_path / "out")
    assert post_bundle(client, path, name=path.name).status_code == 200
    with hq.store.transaction():
        for n in range(3):  # as intake writes a signed bundle it refused
            hq.store.insert_incident(at=f"2026-11-2{n}T08:00:00.000Z", station_id="TEST-01",
                                     bundle_id=None, file_name="<b>broken</b>.scb",
                                     kind="fork", reason="The history forks.")
        hq.store.add_junk_posts("203.0.113.9", 7, first_at="2026-11-20T08:00:00.000Z",
                                last_at="2026-11-21T08:00:00.000Z",
                                last_reason="not a bundle <i>at all</i>")
    sign_in(client)
    page = client.get("/").text
    intake = page.split('id=intake>')[1].split("<h2")[0]
    assert "TEST-01" in intake and "<td>http</td>" in intake and path.name in intake
    incidents = page.split('id=incidents>')[1].split("<h2")[0]
    assert incidents.count("<td>&lt;b&gt;broken&lt;/b&gt;.scb</td>") == 1
    assert "<td>Fork</td><td>TEST-01</td><td>3</td>" in incidents
    assert "<td>2026-11-20 08:00</td><td>2026-11-22 08:00</td>" in incidents  # first, latest
    assert "<td>203.0.113.9</td><td>7</td>" in incidents
    assert "not a bundle &lt;i&gt;at all&lt;/i&gt;" in incidents and "<i>" not in incidents


def test_the_bundled_font_is_served_and_allowed_by_the_policy(client):
    response = client.get(FONT_URL)  # no session needed: the sign-in page uses it too
    assert response.status_code == 200 and response.headers["Content-Type"] == "font/ttf"
    assert response.content[:4] == b"\x00\x01\x00\x00"  # one TrueType face, not a collection
    page = client.get("/sign-in")
    assert "font-src 'self'" in page.headers["Content-Security-Policy"]
    assert f'src: url("{FONT_URL}")' in page.text


def test_what_a_request_names_is_escaped_in_the_sentences_the_page_shows(client):
    sign_in(client)
    token = form_token(client.get("/").text)
    page = client.post("/stations/%3Cscript%3Ex/revoke",
                       data={"form_token": token, "confirm": "yes", "reason": "<i>why</i>"}).text
    assert "There is no registered station" in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    refused = client.post("/sign-in", data={"form_token": "x", "name": '"><b>olivia',
                                            "password": "x"})
    assert 'value="&quot;&gt;&lt;b&gt;olivia"' in refused.text and "<b>olivia" not in refused.text


def test_over_https_the_cookies_are_secure(app):
    with TestClient(app, base_url="https://testserver") as secure:
        form = secure.get("/sign-in")
        assert "secure" in form.headers["set-cookie"].lower()
        response = secure.post("/sign-in", follow_redirects=False, data={
            "form_token": form_token(form.text), "name": OPERATOR, "password": PASSWORD})
        cookie = next(c for c in response.headers.get_list("set-cookie")
                      if c.startswith(f"{SESSION_COOKIE}="))
        assert "secure" in cookie.lower()
