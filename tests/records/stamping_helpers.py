"""What headquarters' archive does to a form, done directly for tests of verification: the
validation data (certificates and revocation lists) as a DSS update, then a document
timestamp, with pyHanko's in-process timestamp authority so a test can fix the time the
timestamp states. Headquarters itself stamps with its own authority (hq/)."""

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from screening_app.records.signing import SigningIdentity


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def stamp(pdf: bytes, root: x509.Certificate, authority: SigningIdentity, *,
          crls: Sequence[bytes] = (), at: datetime | None = None) -> bytes:
    """``pdf`` with the certificates of every signature and timestamp in it, ``crls`` and the
    authority's chain as validation data, then a document timestamp by ``authority`` stating
    ``at`` (default: now)."""
    reader = PdfFileReader(BytesIO(pdf))
    certificates = {_asn1(root).sha256: _asn1(root),
                    _asn1(authority.certificate).sha256: _asn1(authority.certificate)}
    for signature in reader.embedded_signatures:
        certificates[signature.signer_cert.sha256] = signature.signer_cert
    lists = [asn1_crl.CertificateList.load(der) for der in crls]
    output = BytesIO(pdf)
    DocumentSecurityStore.add_dss(output, None, certs=list(certificates.values()), crls=lists,
                                  force_write=True)
    key = asn1_keys.PrivateKeyInfo.load(authority.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    timestamper = DummyTimeStamper(tsa_cert=_asn1(authority.certificate), tsa_key=key,
                                   certs_to_embed=[_asn1(root)], fixed_dt=at)
    context = ValidationContext(trust_roots=[_asn1(root)], crls=lists, allow_fetching=False,
                                revocation_mode="soft-fail",
                                moment=at, retroactive_revinfo=True)
    output.seek(0)
    stamped = signers.PdfTimeStamper(timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(output), "sha256", context)
    return stamped.getvalue()
