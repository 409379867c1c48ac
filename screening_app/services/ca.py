"""The organisation's certificate authority, kept in a folder at headquarters.

`ca init` makes the root key (encrypted with a passphrase, never in clear on disk) and
its self-signed certificate; `ca issue-station` turns a station's certificate signing
request into the certificate file the station installs (its certificate followed by the
root). A demo station runs a small local CA of its own, whose documents say DEMO.
"""

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.pki import certificates

CA_CERT_FILE = "ca-cert.pem"
CA_KEY_FILE = "ca-key.pem"


@dataclass(frozen=True)
class CertificateAuthority:
    folder: Path
    key: object
    certificate: x509.Certificate

    def issue(self, csr_pem: bytes, source: str, valid_for=None) -> bytes:
        """The certificate (valid for its subject's lifetime, pki/certificates.py, or
        ``valid_for``) followed by the root, as one PEM file."""
        csr = certificates.load_csr(csr_pem, source)
        issued = certificates.issue_certificate(self.key, self.certificate, csr, valid_for)
        return certificates.chain_pem([issued, self.certificate])


def init_ca(folder: Path, name: str, organisation: str, passphrase: str) -> x509.Certificate:
    folder = Path(folder)
    if (folder / CA_KEY_FILE).exists():
        raise UserError(_("{folder} already holds a CA key; one folder holds one CA.").format(
            folder=folder))
    if len(passphrase) < 12:
        raise UserError(_("The CA passphrase must have at least 12 characters."))
    key, certificate = certificates.create_root_ca(name, organisation)
    folder.mkdir(parents=True, exist_ok=True)
    key_path = folder / CA_KEY_FILE
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))))
    key_path.chmod(0o600)
    (folder / CA_CERT_FILE).write_bytes(certificates.to_pem(certificate))
    return certificate


def open_ca(folder: Path, passphrase: str) -> CertificateAuthority:
    folder = Path(folder)
    try:
        key_pem = (folder / CA_KEY_FILE).read_bytes()
        cert_pem = (folder / CA_CERT_FILE).read_bytes()
    except FileNotFoundError as missing:
        raise UserError(_("{folder} holds no CA ({file} is missing); make one with"
                          " 'screening-app ca init'.").format(
                              folder=folder, file=Path(missing.filename).name)) from None
    try:
        key = serialization.load_pem_private_key(key_pem, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise UserError(_("Wrong passphrase for the CA key in {folder}.").format(
            folder=folder)) from None
    certificate = certificates.load_certificates(cert_pem, str(folder / CA_CERT_FILE))[0]
    if not certificates.same_public_key(certificate, key):
        raise UserError(_("{folder}: the CA key and certificate do not belong together.").format(
            folder=folder))
    return CertificateAuthority(folder, key, certificate)
