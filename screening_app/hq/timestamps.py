"""Headquarters' timestamp authority (RFC 3161), made of OpenSSL's ``openssl ts -reply``.

Stations sign offline, so the proof of when a form existed comes later, from headquarters:
a timestamp token, signed by a key whose certificate the organisation's CA issued for
timestamping only (pki/certificates.issue_timestamping_certificate). The token itself is
built by OpenSSL, a well-kept implementation, never by ASN.1 written here.

Each process writes, once, into a private temporary folder (mode 0700): OpenSSL's
configuration, the certificates, and the key encrypted under a random password this process
alone holds in memory; the password reaches OpenSSL on its standard input, never in argv
nor on disk. Each reply gets a fresh random serial number, written in a folder of its own,
so concurrent threads and server processes never repeat one.

``HeadquartersTimeStamper`` gives pyHanko the same authority in process: archival stamping
(hq/archive.py) and ``POST /timestamp`` (hq/web.py) share one implementation.
"""

import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.api import TimeStamper

from screening_app.domain.errors import UserError
from screening_app.pki import certificates

# The policy headquarters' tokens name: an OID under 2.25 (a UUID as one integer, RFC 4122
# and ITU-T X.667), so no registration is needed and no one else's policy is named.
POLICY_OID = "2.25.263441879553391306305346066212312467316"
DIGESTS = ("sha256", "sha384", "sha512")
OPENSSL = "openssl"
REPLY_SECONDS = 30  # an OpenSSL that has not answered by then is not going to
MAX_REQUEST_BYTES = 4096  # a request is a digest and a few small fields
# OpenSSL processes signing at once in one server process: a flood of requests waits here
# rather than starting a process each.
_SIGNING_AT_ONCE = threading.BoundedSemaphore(4)


class TimestampUnavailable(UserError):
    """Headquarters cannot make a timestamp now (no authority, OpenSSL missing or failing)."""


class BadTimestampRequest(UserError):
    """What was sent is not an RFC 3161 request headquarters answers (HTTP 400)."""


@dataclass(frozen=True)
class TimestampIdentity:
    key: object  # the RSA private key
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # issuers up to and including the root


class TimestampAuthority:
    """Turns RFC 3161 requests (DER) into replies (DER), with OpenSSL. Safe to share
    between threads; a forked process writes its own folder on its first reply."""

    def __init__(self, identity: TimestampIdentity):
        self.identity = identity
        self._lock = threading.Lock()
        self._folder: Path | None = None
        self._owner_pid: int | None = None
        self._password = b""

    @property
    def certificate(self) -> x509.Certificate:
        return self.identity.certificate

    def reply(self, request_der: bytes) -> bytes:
        """The DER of the reply OpenSSL makes to ``request_der``: a granted token, or a
        rejection for a request OpenSSL refuses (an unknown digest, an unknown policy)."""
        check_request(request_der)
        folder = self._process_folder()
        call = Path(tempfile.mkdtemp(prefix="reply-", dir=folder))
        try:
            (call / "request.tsq").write_bytes(request_der)
            # OpenSSL reads the serial from this file: 128 random bits, fresh for each reply.
            (call / "serial").write_text(f"{secrets.randbits(127) | 1 << 126:X}\n")
            command = [OPENSSL, "ts", "-reply", "-config", str(folder / "openssl.cnf"),
                       "-section", "tsa_config", "-queryfile", str(call / "request.tsq"),
                       "-passin", "stdin", "-out", str(call / "reply.tsr")]
            try:
                with _SIGNING_AT_ONCE:
                    result = subprocess.run(
                        command, input=self._password + b"\n", capture_output=True,
                        timeout=REPLY_SECONDS, check=False,
                        env={**os.environ, "SCREENING_TSA_SERIAL": str(call / "serial")})
            except FileNotFoundError:
                raise TimestampUnavailable(
                    "OpenSSL's 'openssl' command is not on this machine's PATH; headquarters'"
                    " timestamp authority needs it.") from None
            except subprocess.TimeoutExpired:
                raise TimestampUnavailable(f"OpenSSL did not make a timestamp within"
                                           f" {REPLY_SECONDS} seconds.") from None
            reply = call / "reply.tsr"
            if result.returncode != 0 or not reply.exists():
                detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
                raise TimestampUnavailable("OpenSSL could not make a timestamp: "
                                           + (detail[0] if detail else "no reason given") + ".")
            return reply.read_bytes()
        finally:
            shutil.rmtree(call, ignore_errors=True)

    def _process_folder(self) -> Path:
        with self._lock:
            if self._folder is None or self._owner_pid != os.getpid():
                self._password = secrets.token_urlsafe(32).encode("ascii")
                self._folder = _write_process_folder(self.identity, self._password)
                self._owner_pid = os.getpid()
                weakref.finalize(self, _remove_if_owner, self._folder, self._owner_pid)
            return self._folder


def check_request(request_der: bytes) -> tsp.TimeStampReq:
    """The request parsed, or a BadTimestampRequest saying why it is not one."""
    if len(request_der) > MAX_REQUEST_BYTES:
        raise BadTimestampRequest(f"The timestamp request is larger than {MAX_REQUEST_BYTES}"
                                  " bytes; a request holds only a digest.")
    try:
        request = tsp.TimeStampReq.load(request_der, strict=True)
        request.native  # noqa: B018 -- parses every field, so damage shows here
    except (ValueError, TypeError, KeyError):
        raise BadTimestampRequest("The body is not an RFC 3161 timestamp request (DER)."
                                  ) from None
    return request


def _write_process_folder(identity: TimestampIdentity, password: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="screening-tsa-"))  # mode 0700
    (folder / "signer.pem").write_bytes(certificates.to_pem(identity.certificate))
    (folder / "chain.pem").write_bytes(certificates.chain_pem(identity.chain))
    key = folder / "key.pem"
    key.touch(mode=0o600)
    key.write_bytes(identity.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password)))
    (folder / "openssl.cnf").write_text(f"""\
[ tsa_config ]
serial = $ENV::SCREENING_TSA_SERIAL
crypto_device = builtin
signer_cert = {folder / "signer.pem"}
certs = {folder / "chain.pem"}
signer_key = {key}
signer_digest = sha256
default_policy = {POLICY_OID}
digests = {", ".join(DIGESTS)}
accuracy = secs:1
clock_precision_digits = 0
ordering = no
tsa_name = yes
ess_cert_id_chain = yes
ess_cert_id_alg = sha256
""")
    return folder


def _remove_if_owner(folder: Path, pid: int) -> None:
    # A forked worker inherits this finaliser; only the process that wrote the folder
    # removes it.
    if os.getpid() == pid:
        shutil.rmtree(folder, ignore_errors=True)


class HeadquartersTimeStamper(TimeStamper):
    """pyHanko's timestamp client, answered in process by headquarters' authority."""

    def __init__(self, authority: TimestampAuthority):
        super().__init__(include_nonce=True)
        self._authority = authority

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return tsp.TimeStampResp.load(self._authority.reply(req.dump()))


def new_timestamp_identity(ca_key, ca_certificate: x509.Certificate, name: str,
                           organisation: str, *,
                           days: int = certificates.TIMESTAMPING_DAYS) -> TimestampIdentity:
    """A new key and its timestamping certificate from the organisation's CA."""
    key = certificates.new_private_key()
    certificate = certificates.issue_timestamping_certificate(
        ca_key, ca_certificate, key.public_key(), f"{name} timestamp authority", organisation,
        days=days)
    return TimestampIdentity(key, certificate, (ca_certificate,))
