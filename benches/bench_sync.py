"""Export plus intake of 5,000 interviews with their signed PDFs, against a plain tar of the
same files and rows made and read back in the same run. Target: at most 3x the tar; intake
memory bounded (its peak resident size is printed beside the bundle's size).

Set-up (not timed): a station with a CA-issued certificate, a headquarters that knows it,
20 interviews recorded through the real services (each form rendered and PAdES-signed),
then COUNT interviews made from them for other people of the roster: each a sealed record
with its own id and hash, its finalisation and document events in the chain, and one of
the 20 signed PDFs as its form (signing 5,000 forms would make the set-up take minutes and
does not change what export and intake do per form).

    python benches/bench_sync.py            # 5,000 interviews
    BENCH_SYNC_COUNT=500 python benches/bench_sync.py
"""

import io
import json
import os
import resource
import subprocess
import sys
import tarfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benches.common import ADMIN, CA_PASSPHRASE, PASSWORD, certified_station, workdir  # noqa: E402
from screening_app.domain.canonical import canonical_json, sha256_hex, utc_now  # noqa: E402
from screening_app.pki import certificates  # noqa: E402
from screening_app.protocol.examples import complete_answers  # noqa: E402
from screening_app.services.app import StationServices  # noqa: E402
from screening_app.store.connection import write_transaction  # noqa: E402
from screening_app.store.documents import DocumentRepository, StoredDocument  # noqa: E402
from screening_app.store.interviews import InterviewRepository  # noqa: E402
from screening_app.sync.members import MEMBERS_BY_KIND  # noqa: E402
from screening_app.sync.outgoing import OutgoingRecords  # noqa: E402

COUNT = int(os.environ.get("BENCH_SYNC_COUNT", "5000"))
REAL = 20
HQ_PASSPHRASE = "benchmark hq passphrase"
TARGET_RATIO = 3.0


def prepare(folder: Path) -> tuple[StationServices, object, Path]:
    services, admin = certified_station(folder, COUNT + REAL)
    from screening_app.hq.headquarters import Headquarters, init_headquarters
    from screening_app.hq.registry import register_station

    public = init_headquarters(folder / "hq", ca_folder=folder / "ca",
                               ca_passphrase=CA_PASSPHRASE, passphrase=HQ_PASSPHRASE,
                               operator="operator", operator_password=PASSWORD)
    hq = Headquarters.open(folder / "hq", HQ_PASSPHRASE)
    certificate = services.keys.station_certificate().certificate
    register_station(hq, certificates.to_pem(certificate), "station certificate")
    hq.close()
    services.sync.trust_headquarters(admin, public)

    ivan = services.sign_in("ivan", PASSWORD)  # unlocks the key ivan signs forms with
    isns = [row[0] for row in services.station.db.execute(
        "SELECT isn FROM subjects ORDER BY isn")]
    real = [services.transcription.record(ivan, isn, {"answers": complete_answers(
        "repatriate" if n % 2 else "enlist")}, "paper") for n, isn in enumerate(isns[:REAL])]
    clone(services, real, isns[REAL:REAL + COUNT], ivan)
    return services, services.sign_in(ADMIN, PASSWORD), folder / "hq"  # the admin exports


def clone(services: StationServices, real, isns: list[str], actor) -> None:
    db = services.station.db
    repository = InterviewRepository(db, services.station.review)
    documents = DocumentRepository(db, services.station.review)
    # Read and stored through the repository: forms are sealed to the review key at rest.
    pdfs = [documents.latest(record.id).content for record in real]
    with write_transaction(db):
        for n, isn in enumerate(isns):
            model = repository.get(real[n % len(real)].id)
            snapshot = services.roster.get(actor, isn).as_dict()
            record = replace(model, id=str(uuid.uuid4()), subject_isn=isn,
                             subject_snapshot=snapshot, record_sha256=None)
            record = replace(record, record_sha256=record.computed_hash())
            repository.insert_draft(replace(record, status="draft"))
            repository.finalise(record)
            services.station.events.append(
                "interview.finalised",
                {"outcome": str(record.outcome), "choice": record.choice,
                 "record_sha256": record.record_sha256, "flags": list(record.flags)},
                actor_id=actor.user_id, interview_id=record.id)
            pdf = pdfs[n % len(pdfs)]
            document_id = str(uuid.uuid4())
            documents.insert(StoredDocument(document_id, record.id, "choice_form", 1, pdf,
                                            sha256_hex(pdf), utc_now()), actor.user_id)
            services.station.events.append(
                "document.created", {"document_id": document_id, "kind": "choice_form",
                                     "revision": 1, "sha256": sha256_hex(pdf)},
                actor_id=actor.user_id, interview_id=record.id)


def tar_baseline(services: StationServices, folder: Path) -> float:
    """The same rows and files into a tar on disk, then read back whole."""
    db = services.station.db
    outgoing = OutgoingRecords(db, services.station.review)
    started = time.perf_counter()
    path = folder / "baseline.tar"
    with tarfile.open(path, "w") as tar:
        for kind in ("subjects", "events", "interviews", "documents"):
            rows = outgoing.rows(MEMBERS_BY_KIND[kind])
            data = "\n".join(canonical_json(row) for row in rows).encode()
            info = tarfile.TarInfo(f"{kind}.jsonl")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for (document_id,) in db.execute("SELECT id FROM documents"):
            content = outgoing.document_content(document_id)
            info = tarfile.TarInfo(f"files/{document_id}.pdf")
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    with tarfile.open(path, "r") as tar:
        for member in tar:
            tar.extractfile(member).read()
    return time.perf_counter() - started


INTAKE_CHILD = """
import json, resource, sys, time
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.intake import ingest
hq = Headquarters.open(sys.argv[1], sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
receipt = ingest(hq, sys.argv[3])
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "added": receipt.added,
                  "rss_before_kib": before,
                  "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def main() -> None:
    folder = workdir("sync")
    print(f"Preparing a station with {COUNT} interviews in {folder} ...", flush=True)
    services, admin, hq_folder = prepare(folder)

    baseline = min(tar_baseline(services, folder) for _ in range(2))
    started = time.perf_counter()
    exported = services.sync.export(admin, folder / "stick")
    export_seconds = time.perf_counter() - started
    size_mb = exported.path.stat().st_size / 1e6
    # Intake in a child process, so that its peak memory is its own.
    child = subprocess.run([sys.executable, "-c", INTAKE_CHILD, str(hq_folder), HQ_PASSPHRASE,
                            str(exported.path)], capture_output=True, text=True, check=False,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    if child.returncode:
        sys.exit(f"intake failed: {child.stderr.strip()[-2000:]}")
    intake = json.loads(child.stdout.strip().splitlines()[-1])
    total = export_seconds + intake["seconds"]
    print(f"interviews: {COUNT + REAL}; bundle {size_mb:.0f} MB")
    print(f"tar of the same rows and files, written and read: {baseline:.2f} s")
    print(f"export {export_seconds:.2f} s + intake {intake['seconds']:.2f} s = {total:.2f} s")
    print(f"ratio to the tar: {total / baseline:.2f}x (target at most {TARGET_RATIO:.0f}x)")
    print(f"intake peak resident memory: {intake['rss_peak_kib'] / 1024:.0f} MB"
          f" (at start {intake['rss_before_kib'] / 1024:.0f} MB) for a {size_mb:.0f} MB"
          " bundle")
    print(f"added at headquarters: {intake['added']}")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
          " peak)")
    services.close()


if __name__ == "__main__":
    main()
