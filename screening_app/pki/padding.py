"""Sealed values padded to a few sizes, so that how long one is says nothing of what it says.

AES-GCM keeps the length of what it seals: "enlist" and "repatriate" seal to values four
bytes apart, the answers of a person who chose one way hold a few more questions than the
other's, and the form that prints one declaration is 8 KiB longer than the form that
prints the other. Whoever holds a copy of the data folder reads those lengths without any
key. So every value is padded before it is sealed: to a power of two of at least 256
bytes, and above 256 KiB to a multiple of 256 KiB (a form of 70 or 80 KiB takes 128 KiB).
What is left is a value whose size happens to straddle a bucket's edge, which a long
free-text note or a long name moves as much as a choice does (README, "Protecting the
station").
"""

_LENGTH_BYTES = 4
_SMALLEST = 256
_LARGEST_POWER = 256 * 1024


def padded_size(length: int) -> int:
    """The sealed size of ``length`` bytes with their length prefix."""
    framed = length + _LENGTH_BYTES
    if framed > _LARGEST_POWER:
        return -(-framed // _LARGEST_POWER) * _LARGEST_POWER
    size = _SMALLEST
    while size < framed:
        size *= 2
    return size


def pad(plaintext: bytes) -> bytes:
    framed = len(plaintext).to_bytes(_LENGTH_BYTES, "big") + plaintext
    return framed + bytes(padded_size(len(plaintext)) - len(framed))


def unpad(padded: bytes) -> bytes | None:
    """The value ``pad`` was given; None for anything ``pad`` did not make."""
    if len(padded) < _LENGTH_BYTES:
        return None
    length = int.from_bytes(padded[:_LENGTH_BYTES], "big")
    if length > len(padded) - _LENGTH_BYTES:
        return None
    return bytes(padded[_LENGTH_BYTES:_LENGTH_BYTES + length])
