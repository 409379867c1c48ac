"""Forty wrong sign-ins at once against the real server (uvicorn on 127.0.0.1), with the
real argon2id cost (64 MiB a check): only a couple of checks run together, so memory stays
near what two checks take, and the attempts beyond the free ones are refused with 429 and
a Retry-After without being checked."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from argon2 import PasswordHasher

from screening_app.hq import headquarters as hq_module
from screening_app.hq import operators_page
from screening_app.hq.operator_sessions import (
    FREE_FAILURES,
    MAX_CHECKS_AT_ONCE,
    MAX_WAITING_CHECKS,
)
from tests.conftest import PASSWORD
from tests.hq.conftest import OPERATOR

ATTEMPTS = 40
ARGON2_MIB = 64


CLEAR_REFS = Path("/proc/self/clear_refs")  # Linux: writing 5 starts VmHWM again from now


def _peak_memory_mib() -> float:
    if not CLEAR_REFS.exists():
        return 0.0  # elsewhere only the number of checks at once is measured
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024


def _forget_peak_memory() -> None:
    if CLEAR_REFS.exists():
        CLEAR_REFS.write_text("5")


def test_forty_wrong_sign_ins_at_once_are_bounded(served, monkeypatch):
    # Unknown names are hashed with the module's hasher: give it the real cost again.
    monkeypatch.setattr(hq_module, "_operator_hasher", PasswordHasher())
    checks = []
    real_verify = operators_page.verify_operator

    def counted(store, name, password):
        checks.append(name)
        return real_verify(store, name, password)

    monkeypatch.setattr(operators_page, "verify_operator", counted)
    with httpx.Client(base_url=served.url) as browser:
        form = browser.get("/sign-in")
        token = re.search(r'name=form_token value="([^"]+)"', form.text)[1]
        cookies = dict(browser.cookies)
    start = threading.Barrier(ATTEMPTS)

    def attempt(n: int) -> httpx.Response:
        with httpx.Client(base_url=served.url, cookies=cookies, timeout=120) as client:
            start.wait(timeout=60)
            return client.post("/sign-in", data={"form_token": token, "name": f"guess{n}",
                                                 "password": "wrong password"})

    _forget_peak_memory()
    before = _peak_memory_mib()
    with ThreadPoolExecutor(ATTEMPTS) as pool:
        responses = list(pool.map(attempt, range(ATTEMPTS)))
    grown = _peak_memory_mib() - before

    statuses = [r.status_code for r in responses]
    assert set(statuses) == {401, 429}
    refused = [r for r in responses if r.status_code == 429]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)
    gate = served.app.state.operators.checks
    assert gate.most_running <= MAX_CHECKS_AT_ONCE
    assert len(checks) <= MAX_CHECKS_AT_ONCE + MAX_WAITING_CHECKS
    assert statuses.count(401) == len(checks) and len(checks) >= FREE_FAILURES
    # Forty checks at once would take 40 x 64 MiB; a couple at a time stay far below.
    assert grown < (MAX_CHECKS_AT_ONCE + 2) * ARGON2_MIB, f"memory grew by {grown:.0f} MiB"
    # Later attempts, even with the right password, wait their turn.
    with httpx.Client(base_url=served.url, cookies=cookies) as client:
        later = client.post("/sign-in", data={"form_token": token, "name": OPERATOR,
                                              "password": PASSWORD})
    assert later.status_code == 429 and int(later.headers["Retry-After"]) >= 1
    assert len(checks) <= MAX_CHECKS_AT_ONCE + MAX_WAITING_CHECKS  # refused unchecked
