"""The sign-in brake: waits after repeated failures, kept in a file across restarts."""

import json
import os

import pytest

from screening_app.store import durable, sign_in_throttle
from screening_app.store.sign_in_throttle import (
    SIGN_IN_ATTEMPTS_FILE,
    SignInThrottle,
    delay_after,
    describe_wait,
)


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def throttle(tmp_path, clock):
    return SignInThrottle(tmp_path / SIGN_IN_ATTEMPTS_FILE, clock=clock)


def fail(throttle, name, times):
    return [throttle.record_failure(name) for _ in range(times)]


def test_five_failures_in_a_row_start_a_thirty_second_wait(throttle, clock):
    assert fail(throttle, "ivan", 4) == [0, 0, 0, 0]
    assert throttle.wait_seconds("ivan") == 0
    assert throttle.record_failure("ivan") == 30
    assert throttle.wait_seconds("ivan") == 30
    clock.advance(29.2)
    assert throttle.wait_seconds("ivan") == 1
    clock.advance(0.8)
    assert throttle.wait_seconds("ivan") == 0


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes(throttle, clock):
    fail(throttle, "ivan", 4)
    waits = []
    for _ in range(8):
        waits.append(throttle.record_failure("ivan"))
        clock.advance(waits[-1])
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]
    assert [delay_after(n) for n in (0, 4, 5, 6, 10, 50)] == [0, 0, 30, 60, 900, 900]


def test_names_are_compared_without_case_and_kept_apart_from_other_names(throttle):
    fail(throttle, "Ivan", 3)
    fail(throttle, "IVAN ", 2)
    assert throttle.wait_seconds("ivan") == 30
    assert throttle.wait_seconds("olga") == 0


def test_a_success_clears_the_name(throttle, clock):
    fail(throttle, "ivan", 5)
    clock.advance(30)
    throttle.record_success("IVAN")
    assert throttle.failures("ivan") == 0
    assert fail(throttle, "ivan", 4) == [0, 0, 0, 0]  # the count starts again


def test_the_wait_survives_a_restart_of_the_program(tmp_path, throttle, clock):
    fail(throttle, "nobody", 6)
    again = SignInThrottle(tmp_path / SIGN_IN_ATTEMPTS_FILE, clock=clock)
    assert again.wait_seconds("nobody") == 60
    assert again.failures("nobody") == 6


def test_the_file_is_small_json_with_names_and_times_only(throttle):
    fail(throttle, "ivan", 2)
    document = json.loads(throttle.path.read_text(encoding="utf-8"))
    assert set(document["names"]) == {"ivan"}
    assert set(document["names"]["ivan"]) == {"failures", "last_failure"}
    # Written through a temporary file in the same folder that is renamed over it.
    assert os.listdir(throttle.path.parent) == [SIGN_IN_ATTEMPTS_FILE]


def test_a_failed_write_keeps_the_previous_state_whole(throttle, monkeypatch):
    fail(throttle, "ivan", 5)
    before = throttle.path.read_bytes()

    def power_cut(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(durable.os, "replace", power_cut)
    with pytest.raises(OSError):
        throttle.record_failure("ivan")
    assert throttle.path.read_bytes() == before
    assert os.listdir(throttle.path.parent) == [SIGN_IN_ATTEMPTS_FILE]


def test_a_damaged_file_counts_as_empty_and_is_rewritten(throttle):
    throttle.path.write_text("{not json", encoding="utf-8")
    assert throttle.wait_seconds("ivan") == 0
    fail(throttle, "ivan", 5)
    assert throttle.wait_seconds("ivan") == 30
    assert json.loads(throttle.path.read_text(encoding="utf-8"))["names"]["ivan"]["failures"] == 5


def test_a_clock_set_back_never_stretches_the_wait(throttle, clock):
    fail(throttle, "ivan", 5)
    clock.advance(-365 * 24 * 3600)
    assert throttle.wait_seconds("ivan") == 30


def test_failures_are_forgotten_a_day_after_the_last_one(throttle, clock):
    fail(throttle, "ivan", 4)
    clock.advance(24 * 3600)
    throttle.record_failure("olga")  # any write prunes old names
    assert throttle.failures("ivan") == 0


def test_invented_names_cannot_grow_the_file_or_push_out_a_waiting_name(throttle, clock,
                                                                         monkeypatch):
    monkeypatch.setattr(sign_in_throttle, "MAX_NAMES", 10)
    fail(throttle, "ivan", 5)
    for n in range(30):
        clock.advance(0.5)
        throttle.record_failure(f"guess{n}")
    document = json.loads(throttle.path.read_text(encoding="utf-8"))
    assert len(document["names"]) == 10
    assert throttle.failures("ivan") == 5 and throttle.wait_seconds("ivan") == 15
    assert "guess29" in document["names"] and "guess0" not in document["names"]


@pytest.mark.parametrize("seconds, text", [(1, "1 second"), (30, "30 seconds"),
                                           (60, "60 seconds"), (61, "2 minutes"),
                                           (240, "4 minutes"), (900, "15 minutes")])
def test_the_wait_is_said_in_words(seconds, text):
    assert describe_wait(seconds) == text
