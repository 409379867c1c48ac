"""The bundle: one file that carries records between a station and headquarters.

A stolen stick must reveal nothing and a forged or altered bundle must be refused, so a
bundle is a tar stream encrypted with age (pyrage) to its recipient, followed by a small
header signed with the sender's certificate key:

    MAGIC | age ciphertext | header (canonical JSON) | header length (8 bytes) | END_MAGIC

The header names the sender and recipient, carries the sender's certificate chain and the
SHA-256 of the ciphertext, and is signed (RSA-PSS). Putting it after the ciphertext lets
the writer stream once; the reader checks header, signature and ciphertext digest before it
decrypts anything. Inside, the tar holds JSON Lines members in parts of at most
``RECORDS_PER_PART`` records and one member per PDF, so neither side ever holds a whole
bundle in memory, and nothing is written in clear to disk on the way.
"""

import base64
import contextlib
import hashlib
import io
import json
import os
import struct
import tarfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyrage
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from screening_app.domain.canonical import canonical_json, utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.pki import certificates
from screening_app.store.durable import fsync_folder, make_folders
from screening_app.sync.tar_headers import CheckedTarStream, TarHeaderRefused

try:
    import fcntl
except ImportError:  # Windows: pipes keep their default size
    fcntl = None

MAGIC = b"SCREENING-APP BUNDLE 1\n"
END_MAGIC = b"\nSCB-END"
FORMAT = 1
SUFFIX = ".scb"
UP = "station-to-headquarters"
DOWN = "headquarters-to-station"
RECORDS_PER_PART = 1000
MAX_HEADER_BYTES = 1 << 20
MAX_MEMBER_BYTES = 256 << 20  # a PDF or a part of JSON Lines; more means a forged bundle
_CHUNK = 1 << 16


class BundleError(UserError):
    """The bundle is unreadable, forged, altered or not meant for us; one sentence why."""


@dataclass(frozen=True)
class BundleHeader:
    fields: dict[str, Any]  # everything signed, the signature excepted
    signature: bytes

    @property
    def bundle_id(self) -> str:
        return self.fields["bundle_id"]

    @property
    def kind(self) -> str:
        return self.fields["kind"]

    @property
    def sender(self) -> str:
        return self.fields["sender"]

    @property
    def recipient(self) -> str:
        return self.fields["recipient"]

    @property
    def created_at(self) -> str:
        return self.fields["created_at"]

    def certificate_chain(self, source: str) -> list[x509.Certificate]:
        return certificates.load_certificates(self.fields["certificates"].encode(), source)

    @property
    def extra(self) -> dict[str, Any]:
        return self.fields.get("extra", {})


# -- writing -------------------------------------------------------------------------------
class BundleWriter:
    """What the producer callback of :func:`write_bundle` adds members through."""

    def __init__(self, tar: tarfile.TarFile):
        self._tar = tar
        self.counts: dict[str, int] = {}

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(data))

    def add_json(self, name: str, value: Any) -> None:
        self.add_bytes(name, canonical_json(value).encode("utf-8"))

    def add_records(self, kind: str, records: Iterable[dict]) -> int:
        """``kind/000001.jsonl``, ``kind/000002.jsonl``...: bounded parts, so memory stays
        bounded whatever the number of records."""
        part: list[str] = []
        parts = count = 0
        for record in records:
            part.append(canonical_json(record))
            count += 1
            if len(part) == RECORDS_PER_PART:
                parts += 1
                self.add_bytes(f"{kind}/{parts:06d}.jsonl", "\n".join(part).encode() + b"\n")
                part = []
        if part:
            parts += 1
            self.add_bytes(f"{kind}/{parts:06d}.jsonl", "\n".join(part).encode() + b"\n")
        self.counts[kind] = self.counts.get(kind, 0) + count
        return count


class _DigestingWriter(io.RawIOBase):
    """Writes through to a file while hashing and counting what passes."""

    def __init__(self, target: IO[bytes]):
        self._target = target
        self.digest = hashlib.sha256()
        self.length = 0
        # pyrage reports a failed write as its own EncryptError; the disk's own error (a
        # full disk, a read-only stick) is what the user must be told.
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        try:
            self._target.write(data)
        except OSError as error:
            self.error = error
            raise
        self.digest.update(data)
        self.length += len(data)
        return len(data)


def write_bundle(
    folder: Path,
    *,
    kind: str,
    sender: str,
    recipient: str,
    age_recipient: str,
    signer_key: rsa.RSAPrivateKey,
    signer_chain: Sequence[x509.Certificate],
    produce: Callable[[BundleWriter], None],
    extra: dict[str, Any] | None = None,
    file_stem: str | None = None,
    bundle_id: str | None = None,
) -> tuple[Path, BundleHeader, dict[str, int]]:
    """Encrypt what ``produce`` writes to ``age_recipient`` and sign it; the file appears
    whole (written beside its final name, synced, renamed) or not at all."""
    try:
        recipient_key = pyrage.x25519.Recipient.from_str(age_recipient)
    except Exception:  # noqa: BLE001 -- pyrage raises its own kinds for a malformed key
        raise BundleError(_("The encryption key {key}... is not an age public key.").format(
            key=age_recipient[:20])) from None
    folder = make_folders(folder)
    bundle_id = bundle_id or str(uuid.uuid4())
    created_at = utc_now()
    stem = file_stem or f"{sender}-to-{recipient}-{created_at[:19].replace(':', '')}"
    final = folder / f"{stem}-{bundle_id[:8]}{SUFFIX}"
    partial = folder / f".{final.name}.partial"
    _remove_abandoned_partials(folder)
    counts: dict[str, int] = {}
    try:
        with partial.open("wb") as out:
            out.write(MAGIC)
            cipher = _DigestingWriter(out)
            counts = _encrypt_stream(cipher, recipient_key, produce)
            fields = {
                "format": FORMAT, "kind": kind, "bundle_id": bundle_id,
                "created_at": created_at, "sender": sender, "recipient": recipient,
                "certificates": certificates.chain_pem(signer_chain).decode(),
                "ciphertext_sha256": cipher.digest.hexdigest(),
                "ciphertext_length": cipher.length, "counts": counts, "extra": extra or {},
            }
            signature = signer_key.sign(canonical_json(fields).encode(), _PSS, hashes.SHA256())
            header = canonical_json({**fields, "signature": base64.b64encode(signature)
                                     .decode()}).encode()
            out.write(header)
            out.write(struct.pack(">Q", len(header)))
            out.write(END_MAGIC)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
        fsync_folder(folder)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final, BundleHeader(fields, signature), counts


ABANDONED_AFTER_SECONDS = 3600


def _remove_abandoned_partials(folder: Path) -> None:
    """A bundle half-written by a process that was killed stays as a hidden partial file
    (encrypted, never taken for a bundle); one untouched for an hour is nobody's."""
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    for leftover in folder.glob(f".*{SUFFIX}.partial"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def _encrypt_stream(cipher: _DigestingWriter, recipient,
                    produce: Callable[[BundleWriter], None]) -> dict[str, int]:
    """The tar is written on this thread (so the producer's SQLite connection stays on
    the thread that made it) into a pipe that age encrypts on another."""
    read_fd, write_fd = _pipe()
    failure: list[BaseException] = []

    def encrypt() -> None:
        try:
            with os.fdopen(read_fd, "rb") as plain:
                pyrage.encrypt_io(plain, cipher, [recipient])
        except BaseException as error:  # noqa: BLE001 -- handed to the writing thread
            failure.append(cipher.error or error)

    worker = threading.Thread(target=encrypt, name="bundle-encrypt", daemon=True)
    worker.start()
    try:
        with os.fdopen(write_fd, "wb", buffering=_PIPE_BYTES) as pipe, tarfile.open(
                fileobj=pipe, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            writer = BundleWriter(tar)
            produce(writer)
    except BrokenPipeError:
        pass  # the encrypting side failed; its error is raised below
    finally:
        worker.join()
    if failure:
        raise failure[0]
    return writer.counts


_PIPE_BYTES = 1 << 20


def _pipe() -> tuple[int, int]:
    """A pipe with a large buffer where the system allows it: the two threads then hand
    over a megabyte at a time instead of 64 KiB."""
    read_fd, write_fd = os.pipe()
    if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        # Unprivileged users may have a smaller limit; the default size still works.
        with contextlib.suppress(OSError):
            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    return read_fd, write_fd


# -- reading -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SealedBundle:
    """A bundle file whose header has been read (not yet trusted)."""

    path: Path
    header: BundleHeader
    ciphertext_offset: int
    ciphertext_length: int

    @property
    def name(self) -> str:
        return self.path.name


def read_header(path: Path) -> SealedBundle:
    """The header, with one clear sentence for anything that is not a whole bundle."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                raise BundleError(_("{name} is not a screening-app bundle.").format(
                    name=path.name))
            trailer_size = 8 + len(END_MAGIC)
            if size < len(MAGIC) + trailer_size:
                raise BundleError(_("{name} is truncated: it ends before its header.").format(
                    name=path.name))
            handle.seek(size - trailer_size)
            (header_length,) = struct.unpack(">Q", handle.read(8))
            if handle.read(len(END_MAGIC)) != END_MAGIC:
                raise BundleError(_("{name} is truncated or damaged: its end marker is"
                                    " missing.").format(name=path.name))
            offset = len(MAGIC)
            ciphertext_length = size - trailer_size - header_length - offset
            if header_length > MAX_HEADER_BYTES or ciphertext_length < 0:
                raise BundleError(_("{name} is damaged: its header length is"
                                    " impossible.").format(name=path.name))
            handle.seek(size - trailer_size - header_length)
            raw = handle.read(header_length)
    except OSError as error:
        raise BundleError(f"{path}: {error.strerror or error}.") from None
    header = _parse_header(raw, path.name)
    if header.fields.get("ciphertext_length") != ciphertext_length:
        raise BundleError(_("{name} is truncated or has bytes added: its length differs from"
                            " what its header says.").format(name=path.name))
    return SealedBundle(path, header, offset, ciphertext_length)


# What every bundle begins with: our magic, then age's version line and the one X25519
# recipient stanza a bundle is encrypted to. A receiver checks these first bytes before it
# stores more of an upload (headquarters refused 1,003 junk POSTs only after storing each).
AGE_OPENING = b"age-encryption.org/v1\n-> X25519 "
OPENING_BYTES = len(MAGIC) + len(AGE_OPENING)


def check_opening(first_bytes: bytes, name: str) -> None:
    """Refuse, in one sentence, what does not begin as a bundle: ``first_bytes`` are the
    first ``OPENING_BYTES`` of the upload, or all of it when it is shorter."""
    if first_bytes[:OPENING_BYTES] != (MAGIC + AGE_OPENING)[:max(len(first_bytes), 1)]:
        raise BundleError(_("{name} is not a screening-app bundle.").format(name=name))
    if len(first_bytes) < OPENING_BYTES:
        raise BundleError(_("{name} is truncated: it ends before its header.").format(
            name=name))


def is_whole_text(value: Any, raw: bytes) -> bool:
    """False when JSON ``raw`` decoded to text holding half a character: a \\ud800 escape
    without its pair, which can be neither hashed nor stored. Only text with an escape is
    checked, so reading plain JSON costs nothing more."""
    if b"\\u" not in raw:
        return True
    try:
        canonical_json(value).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_REQUIRED = {"format": int, "kind": str, "bundle_id": str, "created_at": str, "sender": str,
             "recipient": str, "certificates": str, "ciphertext_sha256": str,
             "ciphertext_length": int, "counts": dict, "extra": dict, "signature": str}


def _parse_header(raw: bytes, name: str) -> BundleHeader:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BundleError(_("{name} is damaged: its header is not readable.").format(
            name=name)) from None
    if not isinstance(value, dict) or not is_whole_text(value, raw):
        raise BundleError(_("{name} is damaged: its header is not readable.").format(name=name))
    for key, kind in _REQUIRED.items():
        if not isinstance(value.get(key), kind):
            raise BundleError(_("{name} is damaged: its header lacks a valid {key!r}.").format(
                name=name, key=key))
    if value["format"] != FORMAT:
        raise BundleError(_("{name} is a bundle of format {format}; this version reads format"
                            " {expected}.").format(name=name, format=value["format"],
                                                   expected=FORMAT))
    try:
        signature = base64.b64decode(value.pop("signature"), validate=True)
    except ValueError:
        raise BundleError(_("{name} is damaged: its signature is not readable.").format(
            name=name)) from None
    return BundleHeader(value, signature)


def verify_sender(bundle: SealedBundle, trusted_roots: Sequence[x509.Certificate]
                  ) -> x509.Certificate:
    """Check that the header is signed by a certificate that chains to one of the roots
    and that the ciphertext is what was signed. Returns the signer's certificate."""
    name = bundle.name
    try:
        chain = bundle.header.certificate_chain(f"{name} (signer)")
        signer = chain[0]
        # A damaged certificate may still parse, and fail only when its key or name is read.
        public_key, signer_name = signer.public_key(), certificates.common_name(signer)
    except (UserError, ValueError, UnsupportedAlgorithm):
        raise BundleError(_("{name} is damaged: the signer's certificate is not"
                            " readable.").format(name=name)) from None
    try:
        public_key.verify(bundle.header.signature, canonical_json(bundle.header.fields).encode(),
                          _PSS, hashes.SHA256())
    except (InvalidSignature, TypeError, ValueError):
        raise BundleError(_("{name} was altered or forged: its signature does not match"
                            " {signer!r}'s key.").format(name=name, signer=signer_name)) from None
    check_chain(chain, trusted_roots, name)
    digest = hashlib.sha256()
    with bundle.path.open("rb") as handle:
        handle.seek(bundle.ciphertext_offset)
        left = bundle.ciphertext_length
        while left:
            block = handle.read(min(_CHUNK * 16, left))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    if digest.hexdigest() != bundle.header.fields["ciphertext_sha256"]:
        raise BundleError(_("{name} was altered after it was signed: its contents do not match"
                            " the signed digest.").format(name=name))
    return signer


def check_chain(chain: Sequence[x509.Certificate], trusted_roots: Sequence[x509.Certificate],
                name: str) -> None:
    """Each certificate issued by the next, the last one of the trusted roots."""
    trusted = {root.fingerprint(hashes.SHA256()) for root in trusted_roots}
    issuer_chain = list(chain)
    try:
        for child, parent in zip(issuer_chain, issuer_chain[1:], strict=False):
            certificates.check_issued_by(child, parent)
    except UserError as problem:
        raise BundleError(f"{name}: {problem}") from None
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise BundleError(_("{name} is damaged: a certificate in its signer's chain is not"
                            " readable.").format(name=name)) from None
    if issuer_chain[-1].fingerprint(hashes.SHA256()) not in trusted:
        raise BundleError(_("{name} is signed by {signer!r}, whose certificate was not issued"
                            " by our certificate authority.").format(
                                name=name, signer=certificates.common_name(chain[0])))


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    stream: IO[bytes]

    def read(self) -> bytes:
        try:
            return self.stream.read()
        except tarfile.TarError:
            raise self._cut_short() from None

    def records(self) -> Iterator[dict]:
        """The JSON objects of a JSON Lines member; a bad line is named."""
        lines = enumerate(self.stream, start=1)
        while True:
            try:
                number, line = next(lines)
            except StopIteration:
                return
            except tarfile.TarError:
                raise self._cut_short() from None
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError):  # RecursionError: nested thousands deep
                raise BundleError(_("{name}, line {number}: not valid JSON.").format(
                    name=self.name, number=number)) from None
            if not isinstance(value, dict):
                raise BundleError(_("{name}, line {number}: expected a JSON object.").format(
                    name=self.name, number=number))
            yield value

    def _cut_short(self) -> BundleError:
        # The decryption stops at the first damaged chunk, so a member it was in the middle
        # of ends early; the reader of the member sees that, not the decryption's error.
        return BundleError(_("{name} is cut short: the bundle was damaged after it was"
                             " written.").format(name=self.name))

    @property
    def kind(self) -> str:
        """``interviews`` for ``interviews/000001.jsonl``; the name itself otherwise."""
        return self.name.split("/", 1)[0]


class _Slice(io.RawIOBase):
    """The ciphertext part of a bundle file, read as a stream."""

    def __init__(self, handle: IO[bytes], offset: int, length: int):
        handle.seek(offset)
        self._handle = handle
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        size = min(len(buffer), self._left)
        data = self._handle.read(size)
        buffer[:len(data)] = data
        self._left -= len(data)
        return len(data)


def open_members(bundle: SealedBundle, identity: pyrage.x25519.Identity) -> Iterator[Member]:
    """Decrypt and walk the members in order, streaming. Call only after
    :func:`verify_sender`. Stop early by closing the generator."""
    read_fd, write_fd = _pipe()
    failure: list[BaseException] = []
    handle = bundle.path.open("rb")

    def decrypt() -> None:
        try:
            with os.fdopen(write_fd, "wb") as plain:
                pyrage.decrypt_io(io.BufferedReader(_Slice(handle, bundle.ciphertext_offset,
                                                           bundle.ciphertext_length), _CHUNK),
                                  plain, [identity])
        except BrokenPipeError:
            pass  # the reader stopped early
        except BaseException as error:  # noqa: BLE001 -- handed to the reading thread
            failure.append(error)

    worker = threading.Thread(target=decrypt, name="bundle-decrypt", daemon=True)
    worker.start()
    plain = os.fdopen(read_fd, "rb")
    try:
        try:
            yield from read_members(plain, bundle.name)
        except BundleError:
            worker.join()
            if failure:  # the archive broke because the decryption did
                raise _decrypt_failure(bundle.name, failure[0]) from None
            raise
    finally:
        plain.close()  # an early stop breaks the pipe, which ends the worker
        worker.join()
        handle.close()
    if failure:
        raise _decrypt_failure(bundle.name, failure[0])


def read_members(plain: IO[bytes], bundle_name: str) -> Iterator[Member]:
    """The members of a decrypted tar stream, in order. Every header is checked before
    tarfile reads it (sync/tar_headers.py): a sparse member, an extended header larger than
    a writer makes or a member too big is refused before its content is read."""
    checked = io.BufferedReader(CheckedTarStream(plain, bundle_name, MAX_MEMBER_BYTES),
                                _CHUNK)
    try:
        with tarfile.open(fileobj=checked, mode="r|") as tar:
            for info in tar:
                _check_member(info, bundle_name)
                stream = tar.extractfile(info)
                yield Member(info.name, info.size, stream)
    except TarHeaderRefused as refusal:
        raise BundleError(str(refusal)) from None
    except tarfile.TarError:
        raise BundleError(_("{name} is damaged: its contents are not a valid"
                            " archive.").format(name=bundle_name)) from None


def _decrypt_failure(name: str, error: BaseException) -> BundleError:
    if isinstance(error, pyrage.DecryptError):
        return BundleError(_("{name} cannot be decrypted with our key: it was encrypted for"
                             " someone else, or damaged.").format(name=name))
    return BundleError(_("{name} cannot be decrypted ({error}).").format(name=name, error=error))


def _check_member(info: tarfile.TarInfo, bundle_name: str) -> None:
    name = info.name
    if (not info.isfile() or name.startswith(("/", "\\")) or ".." in name.split("/")
            or "\\" in name):
        raise BundleError(_("{bundle} is forged: it holds a member {member!r} that no"
                            " screening-app writes.").format(bundle=bundle_name, member=name))
    if info.size > MAX_MEMBER_BYTES:
        raise BundleError(_("{bundle}: member {member!r} is {size} bytes, more than any record"
                            " or form can be.").format(bundle=bundle_name, member=name,
                                                       size=info.size))


def new_age_identity() -> tuple[str, str]:
    """(secret, public recipient) of a new X25519 age key."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def load_age_identity(secret: str) -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.from_str(secret)


def check_age_recipient(text: str, source: str) -> str:
    try:
        pyrage.x25519.Recipient.from_str(text)
    except Exception:  # noqa: BLE001 -- pyrage raises its own kinds for a malformed key
        raise UserError(_("{source}: {key!r} is not an age public key.").format(
            source=source, key=text[:24])) from None
    return text
