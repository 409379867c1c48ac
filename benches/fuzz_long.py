"""The longer form of the fuzz tests: every test in tests/fuzz with the "long" Hypothesis
profile (1,200 examples for a test that only parses, fewer for one that signs a PDF per
example), then how many examples ran, per test and in all, and how long it took.

    /tmp/venv/bin/python benches/fuzz_long.py                 # everything (tens of minutes)
    /tmp/venv/bin/python benches/fuzz_long.py -k roster -x    # extra arguments go to pytest

Exits with pytest's status: 0 when no example found a problem. A failing example is printed
by Hypothesis with the decorator that replays it.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# "tests/fuzz/test_fuzz_roster.py::test_damaged_csv_rosters_...:" starts a test's statistics;
# "- 1200 passing, 0 failing, and 79 invalid test cases" counts its examples, one line a phase.
TEST_LINE = re.compile(r"^(tests/\S+::\S+):$")
COUNTS_LINE = re.compile(r"- (\d+) passing, (\d+) failing, and (\d+) invalid test cases")


def main(extra: list[str]) -> int:
    env = {**os.environ, "SCREENING_FUZZ_PROFILE": "long"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "--hypothesis-show-statistics", "tests/fuzz", *extra]
    print("$", " ".join(command), "(SCREENING_FUZZ_PROFILE=long)", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                               errors="replace")
    counts: dict[str, list[int]] = {}
    current = None
    line = ""
    assert process.stdout is not None
    # A character at a time, so that pytest's progress dots show as each test ends.
    while character := process.stdout.read(1):
        print(character, end="", flush=True)
        line += character
        if character != "\n":
            continue
        if match := TEST_LINE.match(line.strip()):
            current = match.group(1)
            counts.setdefault(current, [0, 0, 0])
        elif current and (match := COUNTS_LINE.search(line)):
            for index, value in enumerate(match.groups()):
                counts[current][index] += int(value)
        line = ""
    status = process.wait()
    elapsed = time.perf_counter() - started

    print("\n== fuzz, long profile ==")
    width = max((len(name) for name in counts), default=10)
    for name, (passing, failing, invalid) in counts.items():
        print(f"{name:<{width}}  {passing:>6} passing  {failing:>3} failing  {invalid:>5} invalid")
    passing, failing, invalid = (sum(c[i] for c in counts.values()) for i in range(3))
    print(f"{len(counts)} tests; {passing + failing} examples ran ({passing} passing,"
          f" {failing} failing; {invalid} generated and discarded) in {elapsed:.1f} s"
          f" ({elapsed / 60:.1f} min); pytest exit status {status}.")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
