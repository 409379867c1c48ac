"""Shared set-up for the benchmarks: a generated roster and a station holding it."""

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from screening_app.demo.roster_generator import write_roster_csv
from screening_app.services.app import StationServices, init_station

ADMIN = "admin"
PASSWORD = "benchmark password"
ROSTER_SIZE = 200_000


def workdir(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"screening-bench-{name}-"))


def roster_csv(folder: Path, count: int = ROSTER_SIZE) -> Path:
    return write_roster_csv(folder / f"roster-{count}.csv", count, seed=1952)


def new_station(folder: Path) -> tuple[StationServices, object]:
    services = init_station(folder / "station", "BENCH-01", "Koje-do", ADMIN, PASSWORD)
    return services, services.accounts.authenticate(ADMIN, PASSWORD)


def station_with_roster(folder: Path, count: int = ROSTER_SIZE) -> tuple[StationServices, object]:
    """A new station in ``folder`` holding a generated roster of ``count`` people."""
    services, admin = new_station(folder)
    services.roster.import_file(admin, roster_csv(folder, count))
    return services, admin


def use_offscreen_qt() -> None:
    """GUI benchmarks draw into memory unless told otherwise: no display is needed, and a
    window manager cannot add its own latency to the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of several runs: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(name: str, measured: float, baseline: float, target: float, unit: str = "s") -> bool:
    ratio = measured / baseline
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(f"{name}: {measured:.3f}{unit} vs {baseline:.3f}{unit} -> ratio {ratio:.2f}"
          f" (target <= {target}) {verdict}")
    return ratio <= target
