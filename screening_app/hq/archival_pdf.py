"""The archival copy of a signed form: PAdES B-LT, then B-LTA, added with pyHanko.

Two incremental updates after the bytes a station sent, which stay a prefix of the copy
(so every signature in them stays valid): the validation data of every signature (its
certificate chain up to the root and the CRL in force, in the document security store,
with a VRI entry per signature: PAdES B-LT), and a document timestamp from headquarters'
authority over all of it (B-LTA). The authority's own validation data (its certificate
chain and the same CRL) goes into the store in the timestamp's update, before the token is
made, so the last timestamp covers every byte of the file: nothing can be appended
unnoticed. Re-stamping does the same again on an archival copy: fresh validation data for
every signature and every earlier timestamp, then a new timestamp over everything, so each
timestamp vouches for the ones before it after their certificates have expired.

Validation is offline and against the organisation's root alone: nothing is fetched.
"""

from collections.abc import Sequence
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.sign.validation.dss import collect_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from screening_app.domain.errors import UserError
from screening_app.records.pdf_logging import quiet_pyhanko_logs

DIGEST = "sha256"
TIMESTAMP_FIELD_PREFIX = "HeadquartersTimestamp"


class ArchivalStampRefused(UserError):
    """The form cannot be stamped: it is not a PDF pyHanko reads, or a signature in it does
    not chain to the root."""


def validation_context(root: x509.Certificate, crl_der: bytes | None,
                       other_certificates: Sequence[x509.Certificate] = ()
                       ) -> ValidationContext:
    """Offline validation against ``root``, with the CRL in force when there is one."""
    return ValidationContext(
        trust_roots=[_asn1(root)], other_certs=[_asn1(c) for c in other_certificates],
        crls=[asn1_crl.CertificateList.load(crl_der)] if crl_der else [],
        allow_fetching=False)


# The timestamp's validation data before the token, so that the token covers it too (pyHanko
# then writes no VRI entry for the timestamp: PAdES does not require one).
_TIMESTAMP_DSS = TimestampDSSContentSettings(update_before_ts=True, include_vri=False)


def stamp_archival(pdf: bytes, timestamper: TimeStamper, context: ValidationContext) -> bytes:
    """``pdf`` (a signed form, or an archival copy to stamp again) with the validation data
    of its signatures and timestamps (B-LT) and a new document timestamp over all of it
    (B-LTA)."""
    with quiet_pyhanko_logs():  # a refusal says what went wrong in one sentence
        with_validation_data, timestamps = _with_validation_data(pdf, context)
        return _timestamped(with_validation_data, timestamper, context,
                            f"{TIMESTAMP_FIELD_PREFIX}{timestamps + 1}")


def _with_validation_data(pdf: bytes, context: ValidationContext) -> tuple[bytes, int]:
    """The PDF with the validation data of its signatures and document timestamps, and how
    many timestamps it holds (read once here: pyHanko reads every signature's contents for
    each list it gives)."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
        timestamps = sum(1 for s in embedded if s.sig_object_type == "/DocTimeStamp")
        if len(embedded) == timestamps:
            raise ArchivalStampRefused("The form carries no signature to keep verifiable.")
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        for signature in embedded:
            paths = _run(collect_validation_info(signature, context))
            DocumentSecurityStore.supply_dss_in_writer(
                writer, signature.pkcs7_content.hex().encode("ascii"), paths=paths,
                validation_context=context)
        output = BytesIO()
        writer.write(output)
    except (PathBuildingError, PathValidationError) as problem:
        raise ArchivalStampRefused(f"A signature of the form does not chain to the"
                                   f" organisation's root ({problem}).") from None
    except (PdfError, ValueError) as problem:
        raise ArchivalStampRefused(f"The form is not a PDF headquarters can stamp"
                                   f" ({problem}).") from None
    return output.getvalue(), timestamps


def _timestamped(pdf: bytes, timestamper: TimeStamper, context: ValidationContext,
                 field_name: str) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        output = signers.PdfTimeStamper(timestamper, field_name=field_name).timestamp_pdf(
            writer, DIGEST, validation_context=context, dss_settings=_TIMESTAMP_DSS)
    except (PdfError, SigningError, ValueError, PathBuildingError,
            PathValidationError) as problem:
        raise ArchivalStampRefused(f"The form cannot be timestamped ({problem}).") from None
    return output.getvalue()


def _run(coroutine):
    import asyncio

    return asyncio.run(coroutine)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
