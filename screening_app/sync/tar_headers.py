"""The tar headers of a bundle, checked before ``tarfile`` reads them.

``tarfile`` trusts what a header says: it reads a PAX extended header whole into memory
(300 MB of one made headquarters hold 1 GB), follows a chain of them by recursion, and
fills the holes of a sparse member (GNU sparse, or PAX sparse 0.x/1.0) with zeros, so a
25 KB bundle can stand for gigabytes. A bundle comes from a writer we know
(``BundleWriter``: regular files, a PAX header only for a name that needs one), so
anything else is refused here, one 512-byte header at a time, before its content is read.
"""

import io
import re
import tarfile
from typing import IO

from screening_app.domain.messages import gettext as _

BLOCK = tarfile.BLOCKSIZE
MAX_PAX_HEADER_BYTES = 16 << 10  # a long or non-ASCII name takes far less
_REGULAR = (tarfile.REGTYPE, tarfile.AREGTYPE)
_PAX_RECORD = re.compile(rb"(\d+) ")
_PIECE = 1 << 16


class TarHeaderRefused(ValueError):
    """A header no bundle writer makes; one sentence why (the reader of bundles makes it a
    BundleError)."""


class CheckedTarStream(io.RawIOBase):
    """Reads a tar stream through, refusing (TarHeaderRefused) a header no bundle writer makes
    before a byte of what it announces is handed on or read into memory."""

    def __init__(self, source: IO[bytes], bundle_name: str, max_member_bytes: int):
        self._source = source
        self._name = bundle_name
        self._max_member_bytes = max_member_bytes
        self._data_left = 0  # bytes of member data (padded to blocks) before the next header
        self._size_from_pax: int | None = None  # a PAX ``size`` replaces the header's
        self._after_pax = False
        self._ended = False  # after the end-of-archive block only padding follows
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._pending:
            self._pending = memoryview(self._next_piece(len(buffer)))
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _next_piece(self, wanted: int) -> bytes:
        if self._ended:
            return self._source.read(min(wanted, _PIECE))
        if self._data_left:
            piece = self._source.read(min(wanted, self._data_left, _PIECE))
            self._data_left -= len(piece)
            return piece
        block = _read_exactly(self._source, BLOCK)
        if len(block) < BLOCK:
            return block  # cut short: tarfile says so
        return block + self._check_header(block)

    def _check_header(self, block: bytes) -> bytes:
        """Check one header; returns the PAX records that follow a PAX header (read here,
        bounded, to check them too)."""
        try:
            info = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
        except tarfile.EOFHeaderError:
            if self._after_pax:
                raise self._damaged() from None
            self._ended = True
            return b""
        except tarfile.HeaderError:
            raise self._damaged() from None
        if info.type == tarfile.XHDTYPE and not self._after_pax:
            return self._read_pax_records(info.name, info.size)
        if info.type not in _REGULAR:
            raise self._forged(info.name)  # sparse, a link, a folder, a global header...
        size = info.size if self._size_from_pax is None else self._size_from_pax
        self._check_size(info.name, size)
        self._size_from_pax, self._after_pax = None, False
        self._data_left = _padded(size)
        return b""

    def _read_pax_records(self, name: str, size: int) -> bytes:
        if size > MAX_PAX_HEADER_BYTES:
            raise self._too_big(name, size)
        content = _read_exactly(self._source, _padded(size))
        records = _pax_records(content[:size])
        if records is None:
            raise self._damaged()
        if any(key.startswith(b"GNU.sparse") for key in records):
            member = records.get(b"GNU.sparse.name") or records.get(b"path") or name.encode()
            raise self._forged(member.decode("utf-8", "replace"))
        if b"size" in records:
            try:
                self._size_from_pax = int(records[b"size"])
            except ValueError:
                raise self._damaged() from None
        self._after_pax = True
        return content

    def _check_size(self, member: str, size: int) -> None:
        if size < 0 or size > self._max_member_bytes:
            raise self._too_big(member, size)

    def _too_big(self, member: str, size: int) -> TarHeaderRefused:
        return TarHeaderRefused(_("{bundle}: member {member!r} is {size} bytes, more than any"
                                  " record or form can be.").format(
                                      bundle=self._name, member=member, size=size))

    def _forged(self, member: str) -> TarHeaderRefused:
        return TarHeaderRefused(_("{bundle} is forged: it holds a member {member!r} that no"
                                  " screening-app writes.").format(bundle=self._name,
                                                                   member=member))

    def _damaged(self) -> TarHeaderRefused:
        return TarHeaderRefused(_("{name} is damaged: its contents are not a valid"
                             " archive.").format(name=self._name))


def _padded(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


def _read_exactly(source: IO[bytes], size: int) -> bytes:
    parts, left = [], size
    while left:
        part = source.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _pax_records(content: bytes) -> dict[bytes, bytes] | None:
    """``length key=value\\n`` records; None when they do not parse."""
    records: dict[bytes, bytes] = {}
    position = 0
    while position < len(content):
        if content[position] == 0:  # padding after the last record
            break
        match = _PAX_RECORD.match(content, position)
        if not match:
            return None
        length = int(match.group(1))
        record = content[match.end():position + length]
        if length <= len(match.group(0)) or not record.endswith(b"\n") or b"=" not in record:
            return None
        key, _equals, value = record[:-1].partition(b"=")
        records[key] = value
        position += length
    return records
