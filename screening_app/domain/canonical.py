"""Canonical JSON and hashes: the same content always gives the same bytes and digest,
on every station and at headquarters."""

import functools
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def chain_hash(prev_hash: str, content: dict) -> str:
    """The hash of one event in the station's chain: the previous hash and this event's
    canonical content, so that changing, removing or reordering any event breaks every
    hash after it."""
    return sha256_hex(prev_hash + "\n" + canonical_json(content))


def utc_now() -> str:
    """UTC timestamp with milliseconds, ISO 8601, sortable as text."""
    return format_timestamp(datetime.now(UTC))


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def utc_minute(moment: datetime) -> str:
    """A moment as sentences state it: "2026-12-04 16:32 UTC"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_minute(timestamp: str, zone: str) -> str:
    """A stored UTC timestamp as it reads at the station: "YYYY-MM-DD HH:MM" in ``zone``
    (an IANA name)."""
    return _local_minute(timestamp[:16], zone)


@functools.lru_cache(maxsize=65_536)
def _local_minute(minute: str, zone: str) -> str:
    # Cached by the minute: a queue of 20,000 rows converts each distinct minute once.
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(minute).replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    return moment.strftime("%Y-%m-%d %H:%M")
