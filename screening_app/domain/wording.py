"""Counts as people write them: "1 protocol", "3 protocols", "1 roster entry"."""


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """"1 file", "2 files"; ``plural`` for words that do not just take an s."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"

