"""The kill test at full length: a few hundred SIGKILLs of a child doing real work (roster
imports, drafts, finalisation, countersigned approvals, export and headquarters intake) on
one station and one headquarters, each kill followed by the full check of
tests/faults/checks.py, each next child working on what the last one left.

    python benches/bench_kill.py                  # 300 kills
    python benches/bench_kill.py 50 --seed 7      # fewer kills, another seed
    python benches/bench_kill.py --keep           # leave the site folder for inspection

Prints how many kills there were, at which kind of work each landed (the last WORK line
the child printed) and on which line (its last line's first word), what the children
committed in all, and whether every check passed. Exits 1 on the first failure, naming the
seed, the kill and the child's seed to reproduce it (a kill's timing cannot be replayed
exactly, but the same seed gives the same children and the same delays).
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
from tests.faults.runner import ChildFailed, KillLoop  # noqa: E402
from tests.faults.site import prepare_site, warm_up  # noqa: E402

DEFAULT_KILLS = 300
DEFAULT_SEED = 1952
DEFAULT_MAX_DELAY = 1.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kills", nargs="?", type=int, default=DEFAULT_KILLS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--max-delay", type=float, default=DEFAULT_MAX_DELAY,
                        help="longest time between READY and the kill, in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the site folder")
    args = parser.parse_args(argv)

    # The same cheap argon2 the test suite uses; the child sets it too (SCREENING_TEST_FAST).
    use_fast_test_settings()
    from screening_app.pki import certificates

    root = Path(tempfile.mkdtemp(prefix="screening-bench-kill-"))
    started = time.monotonic()
    ca = certificates.create_root_ca("Kill Bench Root CA", "Kill Bench")
    site = prepare_site(root / "site", {"ca": ca, "station": certificates.new_private_key()})
    loop = KillLoop(site, args.seed, args.max_delay)
    loop.take(warm_up(site))
    print(f"site ready in {time.monotonic() - started:.1f} s: {site.root}", flush=True)
    by_work: Counter[str] = Counter()
    by_line: Counter[str] = Counter()
    failure = None
    started = time.monotonic()
    try:
        for _ in range(args.kills):
            result = loop.kill_once()
            by_work[result.last_work] += 1
            by_line[result.last_line.split(" ", 1)[0] or "(nothing)"] += 1
            if result.problems:
                failure = (f"kill {result.number} (child seed {result.child_seed}, after"
                           f" {result.delay:.3f} s, last line {result.last_line[:120]!r}):\n  "
                           + "\n  ".join(result.problems))
                break
            if result.number % 25 == 0:
                print(f"  {result.number} kills, {time.monotonic() - started:.0f} s,"
                      " every check passed", flush=True)
        if failure is None:
            problems = loop.final_check()
            if problems:
                failure = "the final full check:\n  " + "\n  ".join(problems)
    except ChildFailed as error:
        failure = f"kill {loop.kills}: {error}"
    elapsed = time.monotonic() - started

    expected = loop.expected
    print(f"\n{loop.kills} kills in {elapsed:.0f} s (seed {args.seed}, delays up to"
          f" {args.max_delay} s after READY)")
    print("the kill landed during:  " + ", ".join(f"{kind} {count}" for kind, count
                                                  in by_work.most_common()))
    print("last line before it:    " + ", ".join(f"{word} {count}" for word, count
                                                 in by_line.most_common()))
    print(f"committed and reported: {len(expected.finals)} finalised, {len(expected.approved)}"
          f" approved, {len(expected.drafts)} drafts, {len(expected.exported)} bundles"
          f" exported, {len(expected.ingested)} ingested, {len(expected.applied)} answers"
          f" applied, roster {expected.roster_people} people")
    if failure:
        print(f"\nFAILED at {failure}\nreproduce with: python benches/bench_kill.py"
              f" {args.kills} --seed {args.seed} --max-delay {args.max_delay}"
              f"\nsite kept in {site.root}")
        return 1
    print("every check passed after every kill, and the final full check passed")
    if args.keep:
        print(f"site kept in {site.root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
