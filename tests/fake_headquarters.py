"""A minimal headquarters made from the test CA, for station-side sync tests: it reads
what a station sends and answers with bundles signed by a certificate of that CA. (The
real one is screening_app/hq, tested in tests/hq.) The ``headquarters`` fixture in
tests/conftest.py makes one."""

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from screening_app.domain.canonical import canonical_json
from screening_app.pki import certificates
from screening_app.sync import bundle as bundles
from screening_app.sync.members import record_digest, record_id

PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


@dataclass
class FakeHeadquarters:
    """Just enough of headquarters to read what a station sends and answer it."""

    public_file: Path
    age_secret: str
    key: object
    chain: list

    def read(self, path: Path) -> dict[str, list]:
        sealed = bundles.read_header(path)
        found: dict[str, list] = {}
        for member in bundles.open_members(sealed, bundles.load_age_identity(self.age_secret)):
            if member.name.endswith(".jsonl"):
                found.setdefault(member.kind, []).extend(member.records())
            elif member.name.endswith(".json"):
                found[member.name] = json.loads(member.read())
            else:
                found.setdefault("files", []).append((member.name, member.read()))
        return found

    def answer(self, folder: Path, station_id: str, station_recipient: str, *,
               acks: list[dict], events: tuple[int, str], outbox_through: int = 0,
               roster: list[dict] = (), revocations: dict | None = None,
               protocols: list[dict] = (), key=None, chain=None) -> Path:
        def produce(writer):
            writer.add_json("manifest.json", {
                "station_id": station_id, "outbox_through": outbox_through,
                "created_at": "2026-11-27T10:00:00.000Z",
                "events": {"seq": events[0], "hash": events[1]}})
            writer.add_records("acks", acks)
            writer.add_records("roster", roster)
            writer.add_records("protocols", protocols)
            if revocations:
                writer.add_json("revocations.json", revocations)
        path, _, _ = bundles.write_bundle(
            folder, kind=bundles.DOWN, sender="headquarters", recipient=station_id,
            age_recipient=station_recipient, signer_key=key or self.key,
            signer_chain=chain or self.chain, produce=produce)
        return path


def acks_for(found: dict[str, list]) -> list[dict]:
    return [{"kind": kind, "id": record_id(kind, row), "digest": record_digest(kind, row)}
            for kind in ("users", "protocols", "subjects", "interviews", "reviews", "documents")
            for row in found.get(kind, [])]


def make_fake_headquarters(tmp_path, test_keys) -> FakeHeadquarters:
    ca_key, ca_certificate = test_keys["ca"]
    key = certificates.new_private_key()
    csr = certificates.create_csr(key, "Headquarters", "Test Org")
    issued = certificates.issue_certificate(ca_key, ca_certificate, csr)
    secret, recipient = bundles.new_age_identity()
    fields = {"format": 1, "name": "Test HQ", "age_recipient": recipient,
              "certificates": certificates.chain_pem([issued, ca_certificate]).decode()}
    signature = key.sign(canonical_json(fields).encode(), PSS, hashes.SHA256())
    path = tmp_path / "headquarters-public.json"
    path.write_text(json.dumps({**fields, "signature": base64.b64encode(signature).decode()}))
    return FakeHeadquarters(path, secret, key, [issued, ca_certificate])


def station_recipient(services) -> str:
    return services.station.db.execute("SELECT age_recipient FROM sync_station_key"
                                       ).fetchone()[0]
