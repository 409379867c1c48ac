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


def roster_csv(folder: Path, count: int = ROSTER_SIZE, seed: int = 1952) -> Path:
    return write_roster_csv(folder / f"roster-{count}.csv", count, seed=seed)


def new_station(folder: Path) -> tuple[StationServices, object]:
    services = init_station(folder / "station", "BENCH-01", "Koje-do", ADMIN, PASSWORD)
    return services, services.accounts.authenticate(ADMIN, PASSWORD)


def station_with_roster(folder: Path, count: int = ROSTER_SIZE) -> tuple[StationServices, object]:
    """A new station in ``folder`` holding a generated roster of ``count`` people."""
    services, admin = new_station(folder)
    services.roster.import_file(admin, roster_csv(folder, count))
    return services, admin


def install_own_certificate(services: StationServices, actor, authority) -> None:
    """The person's own signing key, and the certificate the bench CA issues for it: an
    interviewer signs the forms they finalise with it (``authority`` from services.ca)."""
    services.sign_in(actor.name, PASSWORD)  # the key is sealed under the person's own keys
    csr = services.keys.create_user_key(actor)
    services.install_user_certificate(actor, authority.issue(csr, f"{actor.name}'s csr"),
                                      f"{actor.name}'s certificate")


CA_PASSPHRASE = "benchmark ca passphrase"


def certified_station(folder: Path, roster_size: int) -> tuple[StationServices, object]:
    """A station whose certificate a bench CA (in ``folder / "ca"``) issued, holding a
    generated roster, with an interviewer "ivan" who has a certificate of their own (they
    sign the forms they finalise). The admin is signed in again at the end (an interviewer
    holds no station key) and returned for what a bench does in their name."""
    from screening_app.services.ca import init_ca, open_ca

    init_ca(folder / "ca", "Bench Root CA", "Bench", CA_PASSPHRASE)
    authority = open_ca(folder / "ca", CA_PASSPHRASE)
    services = init_station(folder / "station", "BENCH-01", "Koje-do", ADMIN, PASSWORD)
    admin = services.sign_in(ADMIN, PASSWORD)
    services.keys.import_certificate(admin, authority.issue(services.keys.csr_pem(), "csr"),
                                     "certificate")
    services.roster.import_file(admin, roster_csv(folder, roster_size))
    install_own_certificate(services, services.accounts.add_user(
        admin, "ivan", "interviewer", PASSWORD), authority)
    return services, services.sign_in(ADMIN, PASSWORD)


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


def sample_record(drawn_person_signature: bool = False):
    """A sealed Korean choice-form record, the same in every benchmark that renders one."""
    from dataclasses import replace

    from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
    from screening_app.protocol import complete_answers, default_protocol

    protocol = default_protocol()
    answers = complete_answers("enlist")
    if drawn_person_signature:
        answers["person_signature"] = {"mode": "signature", "signature_id": "bench"}
    answers["interpreter_signature"] = {"mode": "thumbprint"}
    record = InterviewRecord(
        id="6c1d9a52-0f3e-4b7a-8d21-5e9f3a7b0c44", station_id="BENCH-01", subject_isn="NK-100001",
        subject_snapshot={"isn": "NK-100001", "name_native": "김민준", "name_latin": "Kim Min-jun",
                          "nationality": "Korean", "rank": "Private", "unit": "KPA 4th Division",
                          "camp": "Koje-do", "compound": "Compound 62", "birth_year": 1928},
        protocol_sha256=protocol.sha256, protocol_id=protocol.id,
        protocol_version=protocol.version, option_order={"choice": ["repatriate", "enlist"]},
        interviewer_id="u-1", interviewer_name="Lt. J. Smith", language="ko",
        status=InterviewStatus.FINAL, answers=answers, current_step="signatures",
        started_at="1952-04-10T09:15:30.000Z", ended_at="1952-04-10T09:52:02.000Z",
        finalised_at="1952-04-10T09:52:03.000Z", outcome=OutcomeStatus.COMPLETED,
        choice="enlist", firmness_mismatch=False,
    )
    return replace(record, record_sha256=record.computed_hash())
