"""Bundles made by hand: whatever members a fuzz test likes, inside a bundle genuinely
signed and encrypted, so that damage reaches the code that reads the contents past the
signature checks; and a bundle file taken apart and sealed again after damage."""

import base64
import hashlib
import struct
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from screening_app.domain.canonical import canonical_json
from screening_app.sync import bundle as bundles
from tests.fuzz.damage import materialise, to_json

_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def signed_bundle(headquarters, folder: Path, station_id: str, station_recipient: str,
                  members: list[tuple[str, bytes]], *, kind: str = bundles.DOWN) -> Path:
    """A bundle signed by ``headquarters`` (the fixture of tests/conftest.py) for
    ``station_id``, holding ``members`` exactly as given."""
    def produce(writer: bundles.BundleWriter) -> None:
        for name, data in members:
            writer.add_bytes(name, data)

    path, _, _ = bundles.write_bundle(
        folder, kind=kind, sender="headquarters", recipient=station_id,
        age_recipient=station_recipient, signer_key=headquarters.key,
        signer_chain=headquarters.chain, produce=produce)
    return path


def station_recipient(services) -> str:
    """The age key bundles for this station are encrypted to (made by trust-hq)."""
    return services.station.db.execute("SELECT age_recipient FROM sync_station_key"
                                       ).fetchone()[0]


def manifest(station_id: str, events: tuple[int, str] = (0, "0" * 64),
             outbox_through: int = 0) -> dict:
    return {"station_id": station_id, "outbox_through": outbox_through,
            "created_at": "2026-11-27T10:00:00.000Z",
            "events": {"seq": events[0], "hash": events[1]}}


def jsonl(records: list[Any]) -> bytes:
    return b"".join(canonical_json(record).encode() + b"\n" for record in records)


# -- taking a bundle file apart and sealing it again ---------------------------------------------
_TRAILER = 8 + len(bundles.END_MAGIC)


def _header_start(raw: bytes) -> int:
    return len(raw) - _TRAILER - struct.unpack(">Q", raw[-_TRAILER:-len(bundles.END_MAGIC)])[0]


def ciphertext_of(raw: bytes) -> bytes:
    return raw[len(bundles.MAGIC):_header_start(raw)]


def header_fields(raw: bytes) -> dict:
    return bundles._parse_header(raw[_header_start(raw):-_TRAILER], "seed").fields


def reseal(raw: bytes, key, *, ciphertext: bytes | None = None, fields=None) -> bytes:
    """``raw`` with its ciphertext and/or header fields replaced and signed again with
    ``key``: what a sender with a bug, or a thief holding its key, could make. Damage then
    gets past the signature checks into what reads the header and the contents."""
    ciphertext = ciphertext_of(raw) if ciphertext is None else ciphertext
    signed = fields if fields is not None else {
        **header_fields(raw), "ciphertext_sha256": hashlib.sha256(ciphertext).hexdigest(),
        "ciphertext_length": len(ciphertext)}
    try:  # signed as the reader will check it, when it can be read at all
        signed_text = canonical_json(materialise(signed))
    except (RecursionError, ValueError):
        signed_text = to_json(signed)
    signature = base64.b64encode(key.sign(signed_text.encode("utf-8", "surrogatepass"), _PSS,
                                          hashes.SHA256())).decode()
    encoded = to_json({**signed, "signature": signature} if isinstance(signed, dict)
                      else signed).encode("utf-8", "surrogatepass")
    return (bundles.MAGIC + ciphertext + encoded + struct.pack(">Q", len(encoded))
            + bundles.END_MAGIC)
