"""Counts as people write them: "1 protocol", "3 protocols", "1 roster entry"."""

from collections.abc import Mapping

# What each kind of record a bundle carries is called: one, and many.
RECORD_KINDS = {
    "interviews": ("interview", "interviews"),
    "documents": ("form", "forms"),
    "reviews": ("review", "reviews"),
    "subjects": ("roster entry", "roster entries"),
    "users": ("account", "accounts"),
    "protocols": ("protocol", "protocols"),
    "events": ("history event", "history events"),
}


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """"1 file", "2 files"; ``plural`` for words that do not just take an s."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def count_records(kind: str, count: int) -> str:
    """"1 interview", "3 roster entries": a count of one kind of record."""
    singular, plural = RECORD_KINDS.get(kind, (kind, kind))
    return count_of(count, singular, plural)


def record_counts(counts: Mapping[str, int]) -> str:
    """"2 interviews, 1 protocol": the kinds with any, in the order given; "" for none."""
    return ", ".join(count_records(kind, count) for kind, count in counts.items() if count)
