"""Start the kill workload as a child, let it work for a random time, kill it with SIGKILL,
check the site, and start the next child on the same data: the loop behind
tests/faults/test_kill.py and benches/bench_kill.py.

The parent never sleeps: it waits on the child's standard output with select until a
deadline (READY, then the random delay before the kill), reading every line the child
printed, so that it knows what the child had committed when it died.
"""

import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.checks import Expectations, KillChecker
from tests.faults.kill_workload import FAST_ENV
from tests.faults.site import KillSite

REPOSITORY = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 60.0


class ChildFailed(AssertionError):
    """The child stopped on its own, or never became ready: the workload itself failed."""


@dataclass(frozen=True)
class KillResult:
    number: int
    child_seed: int
    delay: float  # seconds between READY and the kill
    last_line: str  # the last whole line the child printed before it died
    last_work: str  # the kind of work it was doing (or had just done)
    problems: list[str]


@dataclass
class KillLoop:
    """Kills children one after the other on one site, checking after each kill."""

    site: KillSite
    seed: int
    max_delay: float
    expected: Expectations = field(default_factory=Expectations)
    kills: int = 0
    # Lines of each kind the children printed (DRAFT, FINAL...): the commits they made.
    reported: Counter = field(default_factory=Counter)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.checker = KillChecker(self.site.data_dir, self.site.hq_dir, self.site.station_id,
                                   self.site.password, self.site.hq_passphrase)

    def take(self, lines: list[str]) -> None:
        """What was committed before the loop (see site.warm_up), to be checked too."""
        for line in lines:
            self.expected.take(line)

    def kill_once(self) -> KillResult:
        self.kills += 1
        child_seed = self.rng.randrange(2**32)
        delay = self.rng.uniform(0, self.max_delay)
        lines = self._run_and_kill(child_seed, delay)
        self.take(lines)
        self.reported.update(line.split(" ", 1)[0] for line in lines
                             if not line.startswith(("READY", "WORK ")))
        work = [line.split()[1] for line in lines if line.startswith("WORK ")]
        return KillResult(self.kills, child_seed, delay, lines[-1] if lines else "",
                          work[-1] if work else "(set-up)", self.checker.check(self.expected))

    def final_check(self) -> list[str]:
        """Everything again, every bundle decrypted anew."""
        return self.checker.check(self.expected, full=True)

    def _run_and_kill(self, child_seed: int, delay: float) -> list[str]:
        log = self.site.root / "child-stderr.log"
        env = {**os.environ, FAST_ENV: "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(REPOSITORY),
                                                           os.environ.get("PYTHONPATH")]))}
        with log.open("wb") as stderr:
            child = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.kill_workload", str(self.site.data_dir),
                 str(self.site.hq_dir), str(child_seed)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=REPOSITORY,
                env=env)
        try:
            child.stdin.write(f"{self.site.password}\n{self.site.hq_passphrase}\n".encode())
            child.stdin.close()
            reader = _LineReader(child.stdout.fileno())
            if not reader.wait_for("READY", time.monotonic() + READY_TIMEOUT_SECONDS):
                raise ChildFailed(f"child {child_seed} never became ready:"
                                  f" {_tail(log)}")
            reader.read_until(time.monotonic() + delay)
            if child.poll() is not None or reader.closed:
                raise ChildFailed(f"child {child_seed} stopped on its own (exit"
                                  f" {child.wait()}) before the kill: {_tail(log)}")
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            reader.read_to_end()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
        return reader.lines


class _LineReader:
    """Whole lines from a pipe, read with select against a deadline; a line the child was
    killed in the middle of writing is not a line."""

    def __init__(self, fd: int):
        self._fd = fd
        self._partial = b""
        self.lines: list[str] = []
        self.closed = False

    def wait_for(self, wanted: str, deadline: float) -> bool:
        while wanted not in self.lines:
            if not self._read_once(deadline):
                return False
        return True

    def read_until(self, deadline: float) -> None:
        while self._read_once(deadline):
            pass

    def read_to_end(self) -> None:
        """After the child is dead: what it wrote is all in the pipe, up to end of file."""
        while not self.closed:
            self._read_once(None)

    def _read_once(self, deadline: float | None) -> bool:
        if self.closed:
            return False
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        if timeout == 0.0:
            return False
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self._fd, 65536)
        if not chunk:
            self.closed = True
            return False
        *whole, self._partial = (self._partial + chunk).split(b"\n")
        self.lines.extend(line.decode("utf-8") for line in whole)
        return True


def _tail(log: Path, lines: int = 25) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no stderr)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty stderr)"
