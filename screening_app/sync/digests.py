"""The digest by which a record is acknowledged: both sides compute it the same way, so a
station can tell "headquarters holds exactly this" from "headquarters holds another
version of it"."""

from screening_app.domain.canonical import canonical_json, sha256_hex

KINDS = ("users", "protocols", "subjects", "events", "interviews", "reviews", "documents")
ACKNOWLEDGED_KINDS = ("users", "protocols", "subjects", "interviews", "reviews", "documents")


def record_id(kind: str, row: dict) -> str:
    """The key of a bundle row: an ISN for people, a digest for protocols, an id else."""
    if kind == "subjects":
        return row["isn"]
    if kind == "protocols":
        return row["sha256"]
    if kind == "interviews":
        return row["record"]["id"]
    return row["id"]


def record_digest(kind: str, row: dict) -> str:
    """The digest of a row exactly as a bundle carries it."""
    if kind == "interviews":
        return row["record_sha256"]
    if kind == "documents":
        return row["sha256"]
    return sha256_hex(canonical_json(row))
