"""Sessions, throttling and the bound on password checks, without a server."""

import asyncio

import pytest

from screening_app.hq.operator_sessions import (
    FREE_FAILURES,
    IDLE_SECONDS,
    LONGEST_SESSION_SECONDS,
    LONGEST_WAIT_SECONDS,
    Busy,
    CheckGate,
    SessionTable,
    SignInThrottle,
    same_token,
)
from tests.hq.test_operators_page import FakeClock


def test_sessions_end_when_idle_and_after_a_working_day(empty_store):
    store = empty_store
    clock = FakeClock()
    table = SessionTable(clock)
    token, session = table.open(store, "olivia")
    found = table.find(store, token)
    assert (found.operator, found.form_token) == ("olivia", session.form_token)
    assert table.find(store, "other") is None and table.find(store, None) is None
    clock.now += IDLE_SECONDS - 1
    assert table.find(store, token) is not None  # seen: the idle time starts again
    while clock.now - session.started <= LONGEST_SESSION_SECONDS:
        clock.now += IDLE_SECONDS / 2
        found = table.find(store, token)
    assert found is None and store.query("SELECT count(*) FROM operator_sessions") == [(0,)]
    other, _ = table.open(store, "olivia")
    assert other != token
    table.close(store, other)
    assert table.find(store, other) is None


def test_every_server_process_knows_every_session(empty_store, tmp_path, hq_database):
    """'hq serve --workers N': a session opened by one worker (its own connection) is found,
    with its notice, by another; the store keeps only the token's hash, the notice sealed."""
    from screening_app.hq.databases import create_hq_store

    table = SessionTable()
    token, session = table.open(empty_store, "olivia")
    session.notice = ("ok", "Conflict 1 (ISN NK-100001) is resolved.")
    table.keep_notice(empty_store, session)
    other_worker = create_hq_store(tmp_path, hq_database)
    other_worker.sealer = empty_store.sealer
    try:
        found = SessionTable().find(other_worker, token)
        assert (found.operator, found.notice) == ("olivia", session.notice)
        stored = repr(other_worker.query("SELECT * FROM operator_sessions"))
        assert token not in stored and "NK-100001" not in stored
        SessionTable().close(other_worker, token)
    finally:
        other_worker.close()
    assert table.find(empty_store, token) is None  # signed out everywhere


def test_form_tokens_compare_whole_and_never_empty():
    assert same_token("abc", "abc")
    assert not same_token("abc", "abd") and not same_token("", "") and not same_token(None, "a")


def test_the_wait_doubles_up_to_a_ceiling_and_a_success_clears_it(empty_store):
    store = empty_store
    clock = FakeClock()
    throttle = SignInThrottle(clock)
    for _ in range(FREE_FAILURES):
        throttle.failed(store, "olivia", "10.0.0.1")
        assert throttle.wait_seconds(store, "olivia", "10.0.0.1") == 0
    waits = []
    for _ in range(12):
        throttle.failed(store, "olivia", "10.0.0.1")
        waits.append(throttle.wait_seconds(store, "olivia", "10.0.0.1"))
    assert waits[:4] == [1, 2, 4, 8] and waits[-1] == LONGEST_WAIT_SECONDS
    # The account is blocked from anywhere, and the address for any name.
    assert throttle.wait_seconds(store, "OLIVIA", "10.9.9.9") > 0
    assert throttle.wait_seconds(store, "someone", "10.0.0.1") > 0
    assert throttle.wait_seconds(store, "someone", "10.9.9.9") == 0
    throttle.succeeded(store, "olivia", "10.0.0.1")
    assert throttle.wait_seconds(store, "olivia", "10.0.0.1") == 0


def test_every_server_process_counts_the_same_failures(empty_store, tmp_path, hq_database):
    """Under 'hq serve --workers N' a guesser gets no more attempts than from one process."""
    from screening_app.hq.databases import create_hq_store

    clock = FakeClock()
    other_worker = create_hq_store(tmp_path, hq_database)
    try:
        for n in range(FREE_FAILURES + 1):
            store = empty_store if n % 2 else other_worker  # the attempts land anywhere
            SignInThrottle(clock).failed(store, "olivia", "10.0.0.1")
        assert SignInThrottle(clock).wait_seconds(other_worker, "olivia", "10.0.0.1") == 1
        assert SignInThrottle(clock).wait_seconds(empty_store, "olivia", "10.0.0.1") == 1
    finally:
        other_worker.close()


def test_guessed_names_are_forgotten_after_a_quiet_hour(empty_store):
    clock = FakeClock()
    throttle = SignInThrottle(clock)
    for n in range(40):
        throttle.failed(empty_store, f"guess{n}", f"10.0.0.{n}")
    clock.now += 3601
    throttle.failed(empty_store, "olivia", "10.9.9.9")  # a failure sweeps the quiet ones
    assert empty_store.query("SELECT count(*) FROM sign_in_failures") == [(2,)]


def test_only_a_few_checks_run_at_once_and_the_rest_are_turned_away():
    async def scenario():
        gate = CheckGate(at_once=2, waiting=3)
        release = asyncio.Event()
        outcomes = []

        async def attempt():
            try:
                async with gate:
                    await release.wait()
                outcomes.append("checked")
            except Busy:
                outcomes.append("busy")

        tasks = [asyncio.create_task(attempt()) for _ in range(10)]
        for _ in range(100):  # let every task reach the gate (a bounded number of turns)
            if len(outcomes) == 5:  # the five beyond two running and three waiting
                break
            await asyncio.sleep(0)
        assert gate.running == 2
        release.set()
        await asyncio.gather(*tasks)
        return gate, outcomes

    gate, outcomes = asyncio.run(scenario())
    assert outcomes.count("busy") == 5 and outcomes.count("checked") == 5
    assert gate.most_running == 2 and gate.running == 0


@pytest.mark.parametrize("address", ["10.0.0.1", "::1"])
def test_failures_are_forgotten_after_a_quiet_hour(address, empty_store):
    clock = FakeClock()
    throttle = SignInThrottle(clock)
    for _ in range(FREE_FAILURES + 1):
        throttle.failed(empty_store, "olivia", address)
    clock.now += 3601
    assert throttle.wait_seconds(empty_store, "olivia", address) == 0
    throttle.failed(empty_store, "olivia", address)
    assert throttle.wait_seconds(empty_store, "olivia", address) == 0  # from one again


def test_a_page_marks_its_session_seen_once_a_minute_and_not_while_the_database_is_busy(
        empty_store, tmp_path, hq_database):
    """Pages only read: the session is marked seen at most once a minute, and a database
    whose write lock a long intake holds only delays that, never the page."""
    import sqlite3

    from screening_app.hq.operator_sessions import SEEN_EVERY_SECONDS

    store = empty_store
    clock = FakeClock()
    table = SessionTable(clock)
    token, session = table.open(store, "olivia")
    clock.now += SEEN_EVERY_SECONDS - 1
    assert table.find(store, token).last_seen == session.started  # not written
    clock.now += 1
    assert table.find(store, token).last_seen == clock.now  # written
    if hq_database is not None:
        return  # PostgreSQL locks rows, not the database: nothing else to show
    store.query("PRAGMA busy_timeout = 50")
    intake = sqlite3.connect(tmp_path / "hq.sqlite3")
    try:
        intake.execute("BEGIN IMMEDIATE")  # a long intake holds the write lock
        clock.now += SEEN_EVERY_SECONDS
        found = table.find(store, token)
        assert found is not None and found.operator == "olivia"
        assert found.last_seen == clock.now - SEEN_EVERY_SECONDS  # marked later
    finally:
        intake.rollback()
        intake.close()
    assert table.find(store, token).last_seen == clock.now


def _sign_ins_in_a_worker(shared, counts, changed, release, attempts: int) -> None:
    """A worker of 'hq serve --workers N': ``attempts`` sign-ins at once through its own
    gate, each holding its check until ``release`` is set."""
    async def attempt(gate):
        with changed:
            counts["arrived"] += 1
            changed.notify_all()
        async with gate:
            with changed:
                counts["running"] += 1
                counts["most"] = max(counts["most"], counts["running"])
                changed.notify_all()
            while not release.is_set():  # the test's hold on the check, given back below
                await asyncio.sleep(0.01)
            with changed:
                counts["running"] -= 1
                counts["checked"] += 1
                changed.notify_all()

    async def worker():
        gate = CheckGate(shared=shared)
        await asyncio.gather(*(attempt(gate) for _ in range(attempts)))
    asyncio.run(worker())


def test_the_bound_on_checks_holds_across_the_servers_processes():
    """Three forked workers, three sign-ins each: never more than two checks at once in
    the whole server (not two per process), and every sign-in checked in its turn."""
    import multiprocessing

    from screening_app.hq.operator_sessions import MAX_CHECKS_AT_ONCE

    context = multiprocessing.get_context("fork")
    shared = context.BoundedSemaphore(MAX_CHECKS_AT_ONCE)
    manager = context.Manager()
    counts = manager.dict(arrived=0, running=0, most=0, checked=0)
    changed = manager.Condition()
    release = context.Event()
    workers = [context.Process(target=_sign_ins_in_a_worker,
                               args=(shared, counts, changed, release, 3))
               for _ in range(3)]
    for worker in workers:
        worker.start()
    try:
        with changed:  # every sign-in at a gate, and the server's two checks running
            assert changed.wait_for(lambda: counts["arrived"] == 9
                                    and counts["running"] == MAX_CHECKS_AT_ONCE, timeout=60)
        release.set()
        for worker in workers:
            worker.join(timeout=60)
        assert [worker.exitcode for worker in workers] == [0, 0, 0]
        assert counts["checked"] == 9 and counts["most"] == MAX_CHECKS_AT_ONCE
    finally:
        release.set()
        for worker in workers:
            if worker.is_alive():
                worker.kill()
        manager.shutdown()
