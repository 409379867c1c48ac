"""Injected I/O errors at full length: every call each operation makes on the site's
folders (each write, fsync, rename and open for writing), failed once with EIO and once
with ENOSPC, each run on a fresh copy of the site and checked as
tests/faults/syscall_faults.py says (one sentence and exit 2, or a whole result; nothing
half-written; the station opens, checks and verifies; the same command then succeeds).

    python benches/bench_io_errors.py                        # everything (hours)
    python benches/bench_io_errors.py --operation backup     # one operation (repeatable)
    python benches/bench_io_errors.py --write-stride 10      # every 10th write, all the rest
    python benches/bench_io_errors.py --errors EIO           # one error

Prints, per operation, the calls it makes on the site by kind, the failures tried, and
each kind of problem found (exits that were not one sentence, records lost, stations left
unopenable...), then every problem found. Exits 1 on any problem, or when strace cannot
run here.
"""

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faults.kill_workload import use_fast_test_settings  # noqa: E402
from tests.faults.syscall_faults import (  # noqa: E402
    ERRNOS,
    KINDS,
    OPERATIONS,
    PROBLEM_KINDS,
    count_calls,
    prepare_fault_site,
    try_failures,
    why_no_strace,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operation", action="append", choices=sorted(OPERATIONS),
                        help="only this operation (repeatable; default: all)")
    parser.add_argument("--errors", nargs="+", choices=ERRNOS, default=list(ERRNOS))
    parser.add_argument("--write-stride", type=int, default=1, metavar="K",
                        help="fail only every Kth write (and the last), every other call")
    parser.add_argument("--jobs", type=int, default=2,
                        help="children run at a time (default 2: the test machines' cores)")
    parser.add_argument("--keep", action="store_true", help="keep the site folder")
    args = parser.parse_args(argv)
    why_not = why_no_strace()
    if why_not is not None:
        print(f"No system call can be made to fail here: {why_not}")
        return 1

    use_fast_test_settings()  # as the test suite (and the children) do
    from screening_app.pki import certificates

    root = Path(tempfile.mkdtemp(prefix="screening-bench-io-errors-"))
    started = time.monotonic()
    ca = certificates.create_root_ca("I/O Error Bench Root CA", "I/O Error Bench")
    key = certificates.new_private_key()
    certificates.new_private_key = lambda: key  # one station key, as the tests' is
    site = prepare_fault_site(root / "base", {"ca": ca, "station": key})
    print(f"site ready in {time.monotonic() - started:.1f} s: {site.root}", flush=True)

    totals: Counter[str] = Counter()
    left_out = 0
    found: list[str] = []
    for name in args.operation or OPERATIONS:
        operation = OPERATIONS[name]
        calls = count_calls(operation, site, root)
        shared = [call for call in calls if not call.alone]
        writes = [call for call in calls if call.kind == "write" and call.alone]
        kept = set(writes[::args.write_stride] + writes[-1:])
        chosen = [call for call in calls if call.alone and (call.kind != "write"
                                                            or call in kept)]
        by_kind = Counter(call.kind for call in calls)
        tried = Counter(call.kind for call in chosen)
        print(f"\n{name}: {len(calls)} calls on the site ("
              + ", ".join(f"{by_kind[kind]} {kind}" for kind in KINDS)
              + f"); trying {len(chosen)} of them ("
              + ", ".join(f"{tried[kind]} {kind}" for kind in KINDS)
              + f") with {' and '.join(args.errors)}; {len(shared)} left out, made by two"
              " threads at once (strace cannot fail one alone)", flush=True)
        counts: Counter[str] = Counter()
        started = time.monotonic()
        pairs = [(call, error) for call in chosen for error in args.errors]
        for trial in try_failures(operation, site, pairs, root, jobs=args.jobs):
            call, error = trial.call, trial.error
            counts["tried"] += 1
            counts[f"exit {trial.outcome.code}"] += 1
            if trial.missed:
                counts["missed"] += 1
                found.append(f"missed: {name}: {error} at {call} failed"
                             f" {trial.outcome.injected} instead")
            for kind in trial.kinds:
                counts[kind] += 1
            if trial.found:
                found.append(trial.describe())
                print(f"  PROBLEM {trial.describe()}", flush=True)
        totals.update(counts)
        left_out += len(shared)
        print(f"  {counts['tried']} failures tried in {time.monotonic() - started:.0f} s:"
              f" {counts['exit 2']} ended with exit 2, {counts['exit 0']} with exit 0"
              " (the call did not matter), "
              + ", ".join(f"{counts[kind]} {kind}" for kind in PROBLEM_KINDS)
              + f", {counts['missed']} missed", flush=True)

    print(f"\nIn all: {totals['tried']} injected failures tried; {totals['exit 2']} exit 2,"
          f" {totals['exit 0']} exit 0; {totals['missed']} missed (the call aimed at did"
          f" not fail); {left_out} calls left out (made by two threads at once).")
    for kind, meaning in PROBLEM_KINDS.items():
        print(f"  {totals[kind]} {meaning}")
    for problem in found:
        print(f"  {problem}")
    if args.keep:
        print(f"site kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
