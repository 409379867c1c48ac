"""The merged lists on the operators' page are made once and kept (hq/kept_lists.py): a
second download is served from the kept copy; a new intake, a decision on the page and a
publication each make them again; while they are being made the page answers at once and
says so; a failed build says why; the kept copy names no one in clear."""

import re
import threading

import pytest
from starlette.testclient import TestClient

from screening_app.domain.errors import UserError
from screening_app.hq import flags as pattern_flags
from screening_app.hq import merged_lists
from screening_app.hq.down import publish_roster
from screening_app.hq.kept_lists import KEPT_FOLDER, LOCK_FILE, KeptLists
from screening_app.hq.web import create_app
from screening_app.protocol.examples import complete_answers
from screening_app.records.verifying import verify_pdf
from tests.conftest import write_csv
from tests.hq.conftest import export
from tests.hq.test_conflicts import Held
from tests.hq.test_sealed_at_rest import found_in, secrets_held
from tests.hq.test_web import post_bundle, sign_in

WAIT = 60  # seconds: long enough for any build here, short enough to fail a stuck test
PDF = merged_lists.PDF_FILE


class CountedSigning:
    """``merged_lists.signed_pdf``, counted; it waits at its start while ``release`` is
    clear (a build then stays under way until the test lets it go on)."""

    def __init__(self, real):
        self.real = real
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, hq, lists):
        self.calls += 1
        self.started.set()
        assert self.release.wait(WAIT)
        return self.real(hq, lists)


@pytest.fixture
def signing(monkeypatch):
    counted = CountedSigning(merged_lists.signed_pdf)
    monkeypatch.setattr(merged_lists, "signed_pdf", counted)
    return counted


@pytest.fixture
def app(hq):
    return create_app(hq, max_bundle_bytes=64 << 20)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        sign_in(test_client)
        yield test_client


def download(client, app, name: str = PDF):
    """The file, once made: when it is not current, the first answer is the page saying it
    is being prepared, and the file comes once the build has ended."""
    response = client.get(f"/lists/{name}")
    if response.status_code == 202:
        assert app.state.kept_lists.wait(WAIT)
        response = client.get(f"/lists/{name}")
    assert response.status_code == 200, response.text
    return response


def csv_lines(client, app, slug: str) -> list[str]:
    return download(client, app, f"{slug}.csv").content.decode("utf-8-sig").splitlines()


def test_the_lists_are_made_once_and_served_again_while_current(client, app, hq, linked,
                                                               tmp_path, signing):
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    assert "No signed PDF has been made yet" in client.get("/").text
    first = client.get(f"/lists/{PDF}")
    assert first.status_code == 202 and "is being prepared" in first.text
    assert '<meta http-equiv="refresh"' in first.text
    assert app.state.kept_lists.wait(WAIT)
    pdf = client.get(f"/lists/{PDF}")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert verify_pdf(pdf.content, [hq.root]).valid
    assert client.get(f"/lists/{PDF}").content == pdf.content
    assert any("NK-100001,김민준,Kim Min-jun" in line for line in csv_lines(client, app,
                                                                          "removed"))
    assert signing.calls == 1  # every download after the first from the kept copy
    assert re.search(r"The signed PDF was made \d{4}-\d\d-\d\d \d\d:\d\d and is current",
                     client.get("/").text)


def test_a_new_intake_a_decision_and_a_publication_each_make_the_lists_again(
        client, app, hq, linked, tmp_path, signing):
    assert post_bundle(client, export(linked, tmp_path / "one")).status_code == 200
    download(client, app)
    assert signing.calls == 1

    # A new intake: CN-700002's record, waiting for review at the station.
    linked.services.transcription.record(linked.interviewer, "CN-700002",
                                         {"answers": complete_answers("enlist")}, "paper")
    assert post_bundle(client, export(linked, tmp_path / "two")).status_code == 200
    assert "records have changed since" in client.get("/").text
    assert any(line.startswith("CN-700002,") for line in csv_lines(client, app, "pending"))
    download(client, app)
    assert signing.calls == 2

    # A conflict, then the operator's decision on the page.
    held = Held(hq.store)
    held.station("PUSAN-1")
    kept_id = held.interview("PUSAN-1", "repatriate", 20, isn="NK-100001")
    held.detect("NK-100001")
    assert any(line.startswith("NK-100001,") for line in csv_lines(client, app, "conflicts"))
    assert signing.calls == 3
    page = client.get("/").text
    (conflict_id,) = re.findall(r'action="/conflicts/(\d+)/resolve"', page)
    token = re.search(r'name=form_token value="([^"]+)"', page)[1]
    client.post(f"/conflicts/{conflict_id}/resolve",
                data={"form_token": token, "keep": kept_id, "reason": "The paper form."})
    assert not any(line.startswith("NK-100001,")
                   for line in csv_lines(client, app, "conflicts"))
    assert signing.calls == 4

    # A roster published from headquarters names someone no station has met.
    publish_roster(hq, write_csv(tmp_path / "roster.csv", [
        {"isn": "CN-800001", "name_native": "李明", "name_latin": "Li Ming"}]), None)
    assert any(line.startswith("CN-800001,李明,Li Ming")
               for line in csv_lines(client, app, "unscreened"))
    download(client, app)
    assert signing.calls == 5


def test_the_page_shows_the_patterns_the_last_build_found_and_reads_no_record_for_them(
        client, app, linked, tmp_path, monkeypatch):
    """Finding the patterns reads every record: the build does it, never the page."""
    searches = []
    find = pattern_flags.pattern_flags
    monkeypatch.setattr(pattern_flags, "pattern_flags",
                        lambda store: searches.append(1) or find(store))
    assert post_bundle(client, export(linked, tmp_path / "one")).status_code == 200
    page = client.get("/").text
    assert "Not looked for yet" in page and "No pattern is flagged" not in page
    assert searches == []
    rows = download(client, app, pattern_flags.CSV_FILE).content.decode("utf-8-sig")
    assert rows.splitlines()[0] == "scope,flag,explanation,interviews,interview_ids"
    assert searches == [1]
    page = client.get("/").text
    assert "on the records as they are now" in page and "No pattern is flagged" in page
    assert 'href="/lists/removed.csv"' in page
    linked.services.transcription.record(linked.interviewer, "CN-700002",
                                         {"answers": complete_answers("enlist")}, "paper")
    assert post_bundle(client, export(linked, tmp_path / "two")).status_code == 200
    assert "records have changed since, so downloading" in client.get("/").text
    assert searches == [1]


def test_while_the_lists_are_made_the_page_answers_at_once(client, app, hq, hq_folder, linked,
                                                          tmp_path, signing):
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    signing.release.clear()
    assert client.get(f"/lists/{PDF}").status_code == 202
    assert signing.started.wait(WAIT)
    try:
        # Asked again mid-build (as an impatient operator does): no second build.
        again = client.get(f"/lists/{PDF}")
        assert again.status_code == 202 and "is being prepared" in again.text
        assert "The lists are being prepared: started at" in client.get("/").text
        # Another worker of the same headquarters finds the build under way, and waits.
        other_worker, built = KeptLists(hq_folder), []
        other_worker.start(built.append)
        assert other_worker.wait(WAIT) and built == []
        # The lists are kept before the PDF is signed: the CSVs are ready already.
        assert client.get("/lists/removed.csv").status_code == 200
    finally:
        signing.release.set()
    assert app.state.kept_lists.wait(WAIT)
    assert client.get(f"/lists/{PDF}").status_code == 200
    assert signing.calls == 1


def test_a_build_a_killed_worker_left_is_not_shown_as_under_way(client, app, hq, hq_folder):
    kept = KeptLists(hq_folder)
    (kept.folder).mkdir()
    (kept.folder / LOCK_FILE).write_text("2026-12-04T21:00:00.000Z")  # nobody holds it
    assert kept.state(hq, "").building_since is None
    assert "being prepared: started at" not in client.get("/").text


def test_a_failed_build_says_why_on_the_page_next_time(client, app, linked, tmp_path,
                                                       monkeypatch):
    def refuse(hq, lists):
        raise UserError("The signing key <b>expired</b>; renew it.")

    monkeypatch.setattr(merged_lists, "signed_pdf", refuse)
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    assert client.get(f"/lists/{PDF}").status_code == 202
    assert app.state.kept_lists.wait(WAIT)
    said = ("The last preparation of the lists failed: The signing key"
            " &lt;b&gt;expired&lt;/b&gt;; renew it.")
    retried = client.get(f"/lists/{PDF}")
    assert retried.status_code == 202 and said in retried.text
    assert app.state.kept_lists.wait(WAIT)
    assert said in client.get("/").text


def test_the_kept_lists_name_no_one_in_clear(client, app, hq, hq_folder, linked, tmp_path,
                                             signing):
    assert post_bundle(client, export(linked, tmp_path / "out")).status_code == 200
    download(client, app)
    kept = b"".join(path.read_bytes() for path in (hq_folder / KEPT_FOLDER).iterdir())
    assert len(kept) > 10_000  # the PDF and the lists are there...
    secrets = secrets_held(hq)
    assert {"NK-100001", "Kim Min-jun", "김민준"} <= secrets
    assert found_in(secrets, kept) == []  # ...sealed
