"""The tar inside a bundle is checked header by header before tarfile reads it: sparse
members (GNU and PAX), extended headers larger than a writer makes and members too big are
refused in one sentence before their content is read or memory grows. Before this, a
25 KB tar of three GNU sparse members took headquarters to 1.4 GB, and one 300 MB PAX
header to 1 GB."""

import io
import tarfile
import tracemalloc

import pytest

from screening_app.sync import bundle as bundles
from screening_app.sync.bundle import MAX_MEMBER_BYTES, BundleError, read_members

NAME = "crafted.scb"
MIB = 1 << 20


class EndlessSource(io.RawIOBase):
    """``head`` and then zeros without end, made as they are read (never held): counts
    what the reader took, to show a refusal came before the content."""

    def __init__(self, head: bytes):
        self._head = head
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = len(buffer)
        start = self.taken
        head_part = self._head[start:start + size]
        buffer[:len(head_part)] = head_part
        buffer[len(head_part):size] = bytes(size - len(head_part))
        self.taken += size
        return size


def header(name: str, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.type, info.mode = size, kind, 0o600
    return info.tobuf(tarfile.USTAR_FORMAT)


def gnu_sparse_header(name: str, real_size: int) -> bytes:
    """An old-GNU sparse header ('S'): one byte of data standing for ``real_size`` bytes,
    the rest holes. Python writes no such header, so it is made here byte by byte."""
    block = bytearray(header(name, 512))
    block[156:157] = tarfile.GNUTYPE_SPARSE
    block[257:265] = tarfile.GNU_MAGIC
    block[386:398] = b"%011o\0" % (real_size - 1)  # one sparse chunk: its offset...
    block[398:410] = b"%011o\0" % 1  # ...and length
    block[483:495] = b"%011o\0" % real_size  # the size the holes make it
    block[148:156] = b"        "
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def refusal_of(stream, *, peak_below: int = 8 * MIB) -> str:
    """The sentence reading ``stream`` is refused with; memory stays under ``peak_below``."""
    tracemalloc.start()
    try:
        with pytest.raises(BundleError) as refused:
            for member in read_members(stream, NAME):
                member.read()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < peak_below, f"reading the crafted tar took {peak} bytes"
    sentence = str(refused.value)
    assert sentence.startswith(NAME) and sentence.endswith(".") and "\n" not in sentence
    return sentence


def test_gnu_sparse_members_are_refused_before_their_holes_are_filled():
    member = gnu_sparse_header("files/a.pdf", 256 * MIB) + b"x" + bytes(511)
    crafted = io.BytesIO(member * 3 + bytes(1024))
    assert len(crafted.getvalue()) == 4096  # three members "of 256 MiB" each
    assert "holds a member 'files/a.pdf' that no screening-app writes" in refusal_of(
        io.BufferedReader(crafted))


def test_pax_sparse_members_are_refused():
    crafted = io.BytesIO()
    with tarfile.open(fileobj=crafted, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("files/a.pdf")
        info.size = 1
        info.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0",
                            "GNU.sparse.name": "files/a.pdf",
                            "GNU.sparse.realsize": str(256 * MIB)}
        tar.addfile(info, io.BytesIO(b"x"))
    crafted.seek(0)
    assert "is forged: it holds a member 'files/a.pdf' that no" in refusal_of(crafted)


def test_an_extended_header_larger_than_a_writer_makes_is_refused_unread():
    source = EndlessSource(header("././@PaxHeader", 300 * MIB, tarfile.XHDTYPE))
    sentence = refusal_of(io.BufferedReader(source, 1 << 16), peak_below=2 * MIB)
    assert f"member '././@PaxHeader' is {300 * MIB} bytes, more than any record" in sentence
    assert source.taken <= 1 << 16  # the header block's read, not its 300 MB


def test_a_chain_of_extended_headers_is_refused():
    pax = tarfile.TarInfo("x")
    pax.pax_headers = {"comment": "a"}
    block = pax.tobuf(tarfile.PAX_FORMAT)[:-512]  # the extended header without its member
    crafted = io.BytesIO(block * 2000 + header("a.jsonl", 0) + bytes(1024))
    assert "that no screening-app writes" in refusal_of(crafted)


@pytest.mark.parametrize("pax_size", [False, True])
def test_a_member_larger_than_any_form_is_refused_before_it_is_read(pax_size):
    too_big = MAX_MEMBER_BYTES + 1
    if pax_size:  # the size an extended header gives overrides the header's own
        pax = tarfile.TarInfo("files/a.pdf")
        pax.size = 1
        pax.pax_headers = {"size": str(too_big)}
        head = pax.tobuf(tarfile.PAX_FORMAT)
    else:
        head = header("files/a.pdf", too_big)
    source = EndlessSource(head)
    sentence = refusal_of(io.BufferedReader(source, 1 << 16), peak_below=2 * MIB)
    assert f"member 'files/a.pdf' is {too_big} bytes, more than any record" in sentence
    assert source.taken <= 1 << 16


def test_what_a_bundle_writer_makes_reads_as_before():
    """Regular members, and the extended header a name outside ASCII needs."""
    crafted = io.BytesIO()
    with tarfile.open(fileobj=crafted, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        writer = bundles.BundleWriter(tar)
        writer.add_json("manifest.json", {"station_id": "TEST-01"})
        writer.add_bytes("files/명단.pdf", b"%PDF" + bytes(5000))
        writer.add_records("interviews", ({"n": n} for n in range(3)))
    crafted.seek(0)
    read = [(member.name, len(member.read())) for member in read_members(crafted, NAME)]
    assert read == [("manifest.json", 24), ("files/명단.pdf", 5004),
                    ("interviews/000001.jsonl", 24)]
