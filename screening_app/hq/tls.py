"""Headquarters' TLS certificate: the one ``hq serve`` presents and stations pin.

Stations do not trust headquarters' TLS certificate through a certificate authority: they
pin it. Its PEM and SHA-256 fingerprint travel in the signed headquarters-public.json, and
a station pushes only to a server presenting exactly that certificate. So the certificate
may be self-signed (made here) or an operator's own; no system trust store is involved.

The certificate and its sealed key live in one file of the HQ folder (``TLS_FILE``, written
atomically, so a certificate never sits beside another's key). The key is sealed under the
HQ passphrase with argon2id, like headquarters' other keys. Not as a PEM encrypted with the
passphrase: that uses PBKDF2 with 2,048 rounds, which would let anyone holding the folder
test guesses of the HQ passphrase, which also opens the age identity, far faster than the
argon2id slots allow.
"""

import datetime
import ipaddress
import json
import secrets
import socket
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from screening_app.domain.errors import AuthenticationFailed, UserError
from screening_app.pki import certificates, sealed
from screening_app.store.durable import write_atomically

TLS_FILE = "headquarters-tls.json"
CERTIFICATE_YEARS = 5
_KEY_CONTEXT = b"screening-app:headquarters:tls-key"
# A camp laptop's clock may run behind headquarters': a certificate made today is valid
# from yesterday.
_CLOCK_SKEW = datetime.timedelta(days=1)


def default_names() -> list[str]:
    """The names a certificate made without --tls-name carries: this machine's host name,
    and localhost/127.0.0.1 for an operator on the machine itself."""
    names = [socket.gethostname(), "localhost", "127.0.0.1"]
    return list(dict.fromkeys(name for name in names if name))


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        pass
    try:
        return x509.DNSName(name.encode("idna").decode("ascii"))
    except UnicodeError:
        raise UserError(f"{name!r} is neither a host name nor an IP address.") from None


def make_certificate(names: Sequence[str], organisation: str
                     ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed server certificate (ECDSA P-256) naming ``names`` (host names and IP
    addresses): the names serve operators' browsers; stations check the pin, not names."""
    names = [name.strip() for name in names if name.strip()]
    if not names:
        raise UserError("Give at least one host name or IP address for the TLS certificate.")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + datetime.timedelta(days=365 * CERTIFICATE_YEARS))
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def load_own(certificate_pem: bytes, key_pem: bytes, source: str
             ) -> tuple[list[x509.Certificate], object]:
    """An operator's own certificate (leaf first, then any chain) and its unencrypted key,
    checked to belong together and to be valid now."""
    chain = certificates.load_certificates(certificate_pem, source)
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise UserError("The TLS key is encrypted; give it unencrypted: headquarters seals"
                        " it under its own passphrase.") from None
    except ValueError:
        raise UserError("The TLS key is not a PEM private key.") from None
    if not certificates.same_public_key(chain[0], key):
        raise UserError(f"The TLS key does not belong to the certificate in {source}.")
    if chain[0].not_valid_after_utc <= datetime.datetime.now(datetime.UTC):
        raise UserError(f"The TLS certificate in {source} expired on"
                        f" {chain[0].not_valid_after_utc:%Y-%m-%d}.")
    return chain, key


def certificate_for(names: Sequence[str] | None, own: tuple[Path, Path] | None,
                    organisation: str) -> tuple[list[x509.Certificate], object]:
    """The operator's own certificate and key (``own``: their files), or a new certificate
    naming ``names`` (default: ``default_names()``)."""
    if own is None:
        certificate, key = make_certificate(names or default_names(), organisation)
        return [certificate], key
    cert_path, key_path = own
    try:
        cert_pem, key_pem = Path(cert_path).read_bytes(), Path(key_path).read_bytes()
    except OSError as error:
        raise UserError(f"{error.filename}: {error.strerror or error}.") from None
    return load_own(cert_pem, key_pem, str(cert_path))


def host_names(certificate: x509.Certificate) -> list[str]:
    """The host names and IP addresses a certificate names (its subjectAltName)."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [str(name.value) for name in names.value]


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 of the certificate's DER, in hex: what stations pin."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def spaced(fingerprint_hex: str) -> str:
    """A fingerprint as people read it aloud and compare it: AB:CD:..."""
    return ":".join(fingerprint_hex[i:i + 2] for i in range(0, len(fingerprint_hex), 2)).upper()


# -- in the HQ folder ------------------------------------------------------------------------
def write_tls(folder: Path, chain: Sequence[x509.Certificate], key, passphrase: str) -> Path:
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    document = {"certificates": certificates.chain_pem(chain).decode(),
                "sealed_key": sealed.wrap_for_password(key_der, passphrase, _KEY_CONTEXT)}
    return write_atomically(Path(folder) / TLS_FILE,
                            (json.dumps(document, indent=2) + "\n").encode())


def _document(folder: Path) -> dict | None:
    path = Path(folder) / TLS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise UserError(f"{path} cannot be read ({error}); make a new certificate with"
                        " 'screening-app hq tls renew'.") from None


def tls_chain(folder: Path) -> list[x509.Certificate] | None:
    """The certificate headquarters serves (leaf first), or None for a headquarters made
    before it had one."""
    document = _document(folder)
    if document is None:
        return None
    return certificates.load_certificates(document["certificates"].encode(),
                                          str(Path(folder) / TLS_FILE))


def unseal_key(folder: Path, passphrase: str):
    document = _document(folder)
    if document is None:
        raise UserError(no_certificate_sentence(folder))
    try:
        key_der = sealed.unwrap_with_password(document["sealed_key"], passphrase,
                                              _KEY_CONTEXT)
    except AuthenticationFailed:
        raise AuthenticationFailed(f"Wrong passphrase for the TLS key of headquarters in"
                                   f" {folder}.") from None
    return serialization.load_der_private_key(key_der, password=None)


def no_certificate_sentence(folder: Path) -> str:
    return (f"Headquarters in {folder} has no TLS certificate yet (it was made before"
            f" stations pinned one): make one with 'screening-app hq tls init --dir {folder}'"
            " and give stations the new headquarters-public.json.")


@contextmanager
def served_files(folder: Path, passphrase: str) -> Iterator[dict]:
    """uvicorn's ssl_certfile, ssl_keyfile and ssl_keyfile_password for headquarters'
    certificate. The ssl module loads a key only from a file, so the unsealed key is written
    to a temporary file, encrypted under a random one-time password that only this process
    holds: the file is useless to anyone else, and is removed when serving ends."""
    chain = tls_chain(folder)
    if chain is None:
        raise UserError(no_certificate_sentence(folder))
    key = unseal_key(folder, passphrase)
    one_time = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="screening-app-tls-") as scratch:
        certfile = Path(scratch) / "certificate.pem"
        keyfile = Path(scratch) / "key.pem"
        certfile.write_bytes(certificates.chain_pem(chain))
        keyfile.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(one_time.encode())))
        yield {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile),
               "ssl_keyfile_password": one_time}
