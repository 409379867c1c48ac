"""The power-cut tests at full length: every operation of tests/faults/power_cut/operations.py
(finalise, roster import, key change, countersign, export, apply, backup, headquarters
intake) cut before each of its fsyncs and once after it ended, then again before each fsync
with the lost writes torn, and before random writes (torn); and the kill test's workload
cut at many random writes, torn. Each cut on a fresh copy of one prepared site, each
followed by the checks of tests/faults/power_cut/operations.py.

    python benches/bench_power_cut.py                     # everything, ~10 minutes
    python benches/bench_power_cut.py --workload-cuts 20  # fewer workload cuts
    python benches/bench_power_cut.py --only finalise key-change --no-workload

Prints, per operation, its fsyncs and writes in one run, the cuts tried, records lost and
stations left unopenable (the targets are 0), and each failed check; exits 1 on any.
Needs FUSE (/dev/fuse, fusermount3, mfusepy), as the tests do.
"""

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faults.power_cut import operations  # noqa: E402
from tests.faults.power_cut.harness import why_no_fuse  # noqa: E402

DEFAULT_SEED = 1953
DEFAULT_WORKLOAD_CUTS = 100
DEFAULT_WRITE_CUTS = 4  # random writes per operation, torn
MAX_WORKLOAD_WRITES = 3000


class Tally:
    def __init__(self):
        self.cuts: Counter[str] = Counter()
        self.lost: Counter[str] = Counter()
        self.unopenable: Counter[str] = Counter()
        self.failures: list[str] = []

    def take(self, result: operations.CutResult) -> None:
        self.cuts[result.operation] += 1
        if not result.problems:
            return
        if any("does not open" in problem for problem in result.problems):
            self.unopenable[result.operation] += 1
        if any(" lost" in problem or "was lost" in problem or "holds no" in problem
               for problem in result.problems):
            self.lost[result.operation] += 1
        self.failures.append(result.describe())
        print(f"  FAILED: {result.describe()}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--only", nargs="+", choices=sorted(operations.OPERATIONS),
                        help="these operations only")
    parser.add_argument("--workload-cuts", type=int, default=DEFAULT_WORKLOAD_CUTS)
    parser.add_argument("--write-cuts", type=int, default=DEFAULT_WRITE_CUTS,
                        help="random torn write cuts per operation")
    parser.add_argument("--no-workload", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the folders")
    args = parser.parse_args(argv)
    why = why_no_fuse()
    if why:
        print(f"power-cut bench needs FUSE: {why}")
        return 2

    from screening_app.pki import certificates

    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="screening-bench-power-cut-"))
    started = time.monotonic()
    with operations.fast_settings():
        ca = certificates.create_root_ca("Power Cut Bench Root CA", "Power Cut Bench")
        keys = {"ca": ca, "station": certificates.new_private_key()}
    prepared = operations.prepare(root / "prepared", keys)
    print(f"site ready in {time.monotonic() - started:.1f} s: {root}", flush=True)
    tally = Tally()
    shape: dict[str, dict[str, int]] = {}
    number = 0

    def workdir() -> Path:
        nonlocal number
        number += 1
        return root / f"cut-{number}"

    def done(result: operations.CutResult) -> None:
        tally.take(result)
        if not args.keep:
            shutil.rmtree(root / f"cut-{number}", ignore_errors=True)

    for name in args.only or sorted(operations.OPERATIONS):
        operation = operations.OPERATIONS[name]
        began = time.monotonic()
        ended = operations.cut_operation(prepared, operation, workdir(), None)
        done(ended)
        fsyncs, writes = ended.counts.get("fsync", 0), ended.counts.get("write", 0)
        shape[name] = {"fsync": fsyncs, "write": writes, "rename": ended.counts.get("rename", 0)}
        for cut_before in range(1, fsyncs + 1):
            done(operations.cut_operation(prepared, operation, workdir(), ("fsync", cut_before)))
            done(operations.cut_operation(prepared, operation, workdir(), ("fsync", cut_before),
                                          torn_seed=rng.randrange(2**32)))
        for _ in range(args.write_cuts if writes else 0):
            done(operations.cut_operation(prepared, operation, workdir(),
                                          ("write", rng.randint(1, writes)),
                                          torn_seed=rng.randrange(2**32)))
        print(f"{name}: {fsyncs} fsyncs, {writes} writes, {shape[name]['rename']} renames"
              f" in one run; {tally.cuts[name]} cuts in {time.monotonic() - began:.0f} s,"
              f" {len(tally.failures)} failed so far", flush=True)

    landed: Counter[str] = Counter()  # the work each workload cut came in
    committed: Counter[str] = Counter()  # what the workload children had reported done
    if not args.no_workload:
        began = time.monotonic()
        for count in range(1, args.workload_cuts + 1):
            result = operations.cut_workload(prepared, workdir(), rng.randrange(2**32),
                                             rng.randint(1, MAX_WORKLOAD_WRITES),
                                             rng.randrange(2**32))
            done(result)
            work = [line.split()[1] for line in result.run.lines if line.startswith("WORK ")]
            landed[work[-1] if work else "(set-up)"] += 1
            committed.update(line.split(" ", 1)[0] for line in result.run.lines
                             if not line.startswith(("READY", "WORK ")))
            if count % 20 == 0:
                print(f"workload: {count} torn cuts, {time.monotonic() - began:.0f} s",
                      flush=True)

    elapsed = time.monotonic() - started
    print()
    print(f"seed {args.seed}, {sum(tally.cuts.values())} power cuts in {elapsed:.0f} s")
    for name, count in sorted(tally.cuts.items()):
        counts = shape.get(name)
        made = (f"{counts['fsync']} fsyncs, {counts['write']} writes per run; "
                if counts else "")
        print(f"  {name:14} {made}{count} cuts, records lost after {tally.lost[name]},"
              f" unopenable after {tally.unopenable[name]}")
    if landed:
        print(f"  workload cuts came in: {dict(landed.most_common())}; its children had"
              f" reported {dict(committed.most_common())}")
    print(f"records lost: {sum(tally.lost.values())} cuts; stations left unopenable:"
          f" {sum(tally.unopenable.values())}; failed checks: {len(tally.failures)}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
