"""The operators' page in a real headless Chromium against the real server: sign in, see
the conflicts with both records side by side, resolve one with a reason, download a CSV
list and the signed PDF, sign out. Screenshots at 1280x720 go to $HQ_PAGE_SCREENSHOTS (or
the test's temporary folder), to be looked at: the names in Hangul and Hanzi must be
glyphs, drawn with the font the page serves (this machine may have no CJK font)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.hq import conflicts, merged_lists
from screening_app.hq.page_font import FONT_FAMILY
from screening_app.records.verifying import verify_pdf
from tests.conftest import PASSWORD
from tests.hq.conftest import OPERATOR
from tests.hq.test_web import choice_label

CHROMIUM = Path("/usr/bin/chromium")
# No network here: without the background-networking switches Chromium stalls on start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REASON = "The paper form signed at Koje-do matches; PUSAN-1 recorded a transfer by mistake."


def _other_station_record(hq, isn: str, choice: str, names: tuple[str, str]) -> str:
    """A final record of PUSAN-1 for ``isn`` with the other choice, as intake stores one."""
    with hq.store.transaction():
        if hq.store.station("PUSAN-1") is None:
            hq.store.insert_station("PUSAN-1", "Pusan", "(certificate)", sha256_hex("PUSAN-1"),
                                    "2026-11-01T00:00:00.000Z")
        record = {"id": f"pusan-1-{isn.lower()}", "station_id": "PUSAN-1", "subject_isn": isn,
                  "outcome": "completed", "choice": choice,
                  "finalised_at": "2026-11-20T10:00:00.000Z", "supersedes_id": None,
                  "interviewer_name": "paek", "non_completion_reason": None,
                  "subject_snapshot": {"isn": isn, "name_native": names[0],
                                       "name_latin": names[1]}}
        hq.store.insert_interview("PUSAN-1", record, sha256_hex(canonical_json(record)))
    return record["id"]


@pytest.fixture
def screenshots(request, tmp_path) -> Path:
    """A folder per run of the test (it runs on each database)."""
    run = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    folder = Path(os.environ.get("HQ_PAGE_SCREENSHOTS") or tmp_path / "screenshots") / run
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_operator_signs_in_resolves_a_conflict_downloads_the_lists_and_signs_out(
        served, hq, linked, screenshots, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    linked.services.sync.push(linked.supervisor, served.url, timeout=60)
    # Two people whose records disagree: one Korean name, one Chinese.
    _other_station_record(hq, "NK-100001", "repatriate", ("김민준", "Kim Min-jun"))
    _other_station_record(hq, "CN-700001", "enlist", ("王伟", "Wang Wei"))
    conflicts.detect(hq.store, ["NK-100001", "CN-700001"])
    korean = next(c for c in conflicts.open_conflicts(hq.store) if c.isn == "NK-100001")
    kept = next(r for r in korean.records if r.station_id == "TEST-01")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720},
                                          accept_downloads=True)
            page = context.new_page()

            def shot(name: str, **options) -> None:
                # Text waits for the served font (font-display: block): wait for it too.
                page.evaluate("document.fonts.ready.then(() => true)")
                page.screenshot(path=str(screenshots / f"{name}.png"), **options)

            page.goto(f"{served.url}/")
            expect(page).to_have_url(f"{served.url}/sign-in")
            page.get_by_label("Operator name").fill(OPERATOR)
            page.get_by_label("Password").fill("not the password")
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator("#notice")).to_have_text("Wrong operator name or password.")
            expect(page.get_by_label("Operator name")).to_have_value(OPERATOR)  # kept
            shot("01-sign-in-wrong-password")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Conflicts waiting for a decision (2)")
                   ).to_be_visible()
            fonts = page.evaluate("document.fonts.ready.then(() => [...document.fonts]"
                                  ".map(f => [f.family.replaceAll('\"', ''), f.status]))")
            assert fonts == [[FONT_FAMILY, "loaded"]]
            assert page.evaluate(f"document.fonts.check('16px \"{FONT_FAMILY}\"', '김민준王伟')")

            card = page.locator(f"#conflict-{korean.id}")
            for text in ("김민준", "TEST-01", "PUSAN-1", choice_label("enlist"),
                         choice_label("repatriate"), "Approved", "Received"):
                expect(card).to_contain_text(text)
            expect(page.locator("section.conflict").nth(0)).to_contain_text("王伟")
            shot("02-conflicts")
            shot("02-page-whole", full_page=True)

            card.locator(f'input[name=keep][value="{kept.interview_id}"]').check()
            card.get_by_label(re.compile("Why this record is kept")).fill(REASON)
            card.get_by_role("button", name=f"Resolve conflict {korean.id}").click()
            expect(page.locator(".notice.ok")).to_contain_text(
                f"Conflict {korean.id} (ISN NK-100001) is resolved: TEST-01's record")
            expect(page.get_by_role("heading", name="Conflicts waiting for a decision (1)")
                   ).to_be_visible()
            expect(page.locator("#notice")).to_be_in_viewport()  # seen without scrolling
            shot("03-resolved")
            decided_table = page.locator("#decided + table")
            expect(decided_table).to_contain_text(REASON)
            expect(decided_table).to_contain_text(OPERATOR)
            decided_table.scroll_into_view_if_needed()
            shot("03-decided")
            decided = conflicts.get_conflict(hq.store, korean.id)
            assert decided.resolution.operator == OPERATOR
            assert decided.resolution.note == REASON
            assert decided.kept.interview_id == kept.interview_id

            # The kept record now puts the person on their outcome's list.
            section = merged_lists.build(hq.store).where("NK-100001")
            # The lists are made in the background: a page says so and asks again until
            # the download comes.
            with page.expect_download(timeout=60_000) as csv_download:
                page.get_by_role("link", name=re.compile(rf"\({section}\.csv\)")).click()
                expect(page.get_by_role("heading", name=re.compile("is being prepared"))
                       ).to_be_visible()
                shot("04-lists-being-prepared")
            text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
            assert "NK-100001,김민준,Kim Min-jun" in text
            page.get_by_role("link", name="Back to the page").click()
            with page.expect_download(timeout=60_000) as pdf_download:  # it may be signing
                page.get_by_role("link", name=re.compile(merged_lists.PDF_FILE)).click()
            pdf = Path(pdf_download.value.path()).read_bytes()
            page.goto(f"{served.url}/")

            page.get_by_text("Revoke station PUSAN-1").click()
            expect(page.get_by_role("button", name="Revoke PUSAN-1")).to_be_visible()
            page.get_by_role("button", name="Revoke PUSAN-1").scroll_into_view_if_needed()
            shot("04-revoke-form")

            page.get_by_role("button", name="Sign out").click()
            expect(page.locator("#notice")).to_have_text("You are signed out.")
            shot("05-signed-out")
            page.goto(f"{served.url}/")
            expect(page).to_have_url(f"{served.url}/sign-in")  # the session is gone
        finally:
            browser.close()
    assert hq.store.station("PUSAN-1").revoked_at is None  # only looked at, not revoked
    # Checked outside Playwright, whose event loop runs on this thread meanwhile.
    assert verify_pdf(pdf, [hq.root]).valid
