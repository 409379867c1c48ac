"""Checking the signatures of a stored PDF against the organisation's trust roots, offline.

Each signature must be intact (the signed bytes still hash to what was signed), verify with
its certificate's key, chain to one of the given roots, and be followed by nothing but what a
signature may allow after it: a later signature, and only if that later signature is itself
followed by nothing at all. The answer is a verdict with one sentence naming the first
problem, never an exception, whatever the bytes.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

from screening_app.domain.messages import gettext as _
from screening_app.records.pdf_logging import quiet_pyhanko_logs
from screening_app.records.pdf_revisions import describe_changes, document_info, embedded_files

# How far into a file its "%PDF-" header may be (readers accept a little junk before it).
HEADER_SEARCH_BYTES = 1024
# An earlier signature may be followed by a later signature and form filling, nothing more.
ALLOWED_AFTER_EARLIER_SIGNATURE = ModificationLevel.FORM_FILLING


@dataclass(frozen=True)
class SignatureCheck:
    field_name: str
    signer: str  # the certificate subject's common name
    signed_at: str | None  # claimed signing time, ISO 8601
    intact: bool  # the signed bytes hash matches and the signature verifies with the key
    trusted: bool  # the certificate chains to one of the trust roots
    covers_whole_document: bool  # nothing was added after it that is not allowed
    problem: str | None  # one sentence, or None
    # Whose it is (the subject names a station, or a person and their station); None when
    # the signature could not be read.
    signer_certificate: x509.Certificate | None = None


@dataclass(frozen=True)
class PdfVerification:
    valid: bool  # every signature intact and trusted, and the last covers the whole file
    reason: str | None  # one sentence naming the first problem
    signatures: tuple[SignatureCheck, ...]
    # Embedded files and document information of the last signed revision (of the file as
    # it is when it has no signature).
    attachments: dict[str, bytes] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)


class _TrustRoots:
    """The roots a signer's certificate must chain to, as pyHanko wants them."""

    def __init__(self, certificates: Sequence[x509.Certificate]):
        self.certificates = [asn1_x509.Certificate.load(
            cert.public_bytes(serialization.Encoding.DER)) for cert in certificates]
        self.names = [_crypto_common_name(cert) for cert in certificates]

    def context(self) -> ValidationContext:
        # Never fetch: no CRL, OCSP or issuer downloads; missing revocation data is not fatal.
        return ValidationContext(trust_roots=self.certificates, allow_fetching=False,
                                 revocation_mode="soft-fail")

    def described(self) -> str:
        if not self.names:
            return _("any trusted root, as none was given")
        if len(self.names) == 1:
            return _("the trusted root {name!r}").format(name=self.names[0])
        return _("any of the trusted roots {names}").format(
            names=", ".join(repr(name) for name in self.names))


def verify_pdf(pdf: bytes, trust_roots: Sequence[x509.Certificate]) -> PdfVerification:
    roots = _TrustRoots(trust_roots)  # outside the net below: a wrong root is a caller's bug
    if not pdf:
        return _failed(_("The file is empty, not a PDF."))
    if b"%PDF-" not in pdf[:HEADER_SEARCH_BYTES]:
        return _failed(_("This is not a PDF file."))
    try:
        with quiet_pyhanko_logs():
            return _verify(pdf, roots)
    except Exception as error:  # noqa: BLE001 -- a damaged file can fail anywhere in a parser
        return _failed(_("The PDF cannot be checked: it is damaged or malformed ({error}).")
                       .format(error=_describe(error)))


def _failed(reason: str) -> PdfVerification:
    return PdfVerification(valid=False, reason=reason, signatures=())


def _describe(error: Exception) -> str:
    message = " ".join(str(error).split()) or type(error).__name__
    return message[:200].rstrip(".")


def _verify(pdf: bytes, roots: _TrustRoots) -> PdfVerification:
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
    except Exception as error:  # noqa: BLE001 -- any parse failure means the same to a user
        return _failed(_("This is not a readable PDF file ({error}).").format(
            error=_describe(error)))
    if reader.encrypted:
        return _failed(_("The PDF is encrypted, so its signatures cannot be checked."))
    signatures = list(reader.embedded_regular_signatures)
    if not signatures:
        return PdfVerification(False, _("The PDF has no signature."), (),
                               embedded_files(reader), document_info(reader))
    last = len(signatures) - 1
    checks = tuple(_check(reader, signature, roots, is_last=index == last)
                   for index, signature in enumerate(signatures))
    signed = reader.get_historical_resolver(signatures[-1].signed_revision)
    reason = _first_problem(checks)
    return PdfVerification(valid=reason is None, reason=reason, signatures=checks,
                           attachments=embedded_files(signed), info=document_info(signed))


def _first_problem(checks: tuple[SignatureCheck, ...]) -> str | None:
    """A broken or untrusted signature first, in signing order; then what was added after a
    signature, latest first, since a change after the last signature is also after every
    earlier one and is best told about the last."""
    for check in checks:
        if check.problem and (not check.intact or not check.trusted):
            return check.problem
    for check in reversed(checks):
        if check.problem:
            return check.problem
    return None


# -- one signature --------------------------------------------------------------------------
def _check(reader: PdfFileReader, signature: EmbeddedPdfSignature, roots: _TrustRoots,
           is_last: bool) -> SignatureCheck:
    name = signature.field_name
    try:
        signer = _asn1_common_name(signature.signer_cert)
        certificate = x509.load_der_x509_certificate(signature.signer_cert.dump())
        status = validate_pdf_signature(signature, roots.context())
    except Exception as error:  # noqa: BLE001 -- one unreadable signature must not hide others
        return SignatureCheck(name, "unknown", None, False, False, False,
                              _("The signature in field {name!r} cannot be checked ({error}).")
                              .format(name=name, error=_describe(error)))
    signed_at = status.signer_reported_dt or signature.self_reported_timestamp
    intact = status.intact and status.valid
    trusted = status.validation_path is not None and status.trust_problem_indic is None
    covers = _covers_whole_document(status, is_last)
    problem = None
    if not status.intact:
        problem = _("The PDF was changed after it was signed: the bytes signed by {signer!r}"
                    " in field {name!r} no longer match the signature.").format(
            signer=signer, name=name)
    elif not status.valid:
        problem = _("The signature in field {name!r} is damaged: it does not verify with the"
                    " key of {signer!r}'s certificate.").format(name=name, signer=signer)
    elif not trusted:
        problem = _trust_problem(status, signer, roots)
    elif not covers:
        problem = _coverage_problem(reader, signature, status, is_last)
    return SignatureCheck(name, signer, signed_at.isoformat() if signed_at else None,
                          intact, trusted, covers, problem, certificate)


def _covers_whole_document(status: PdfSignatureStatus, is_last: bool) -> bool:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    if is_last or status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return False
    level = status.modification_level
    return (isinstance(status.diff_result, DiffResult) and level is not None
            and level <= ALLOWED_AFTER_EARLIER_SIGNATURE and status.docmdp_ok is not False)


def _trust_problem(status: PdfSignatureStatus, signer: str, roots: _TrustRoots) -> str:
    indication = status.trust_problem_indic
    if status.revoked or indication in (AdESIndeterminate.REVOKED_NO_POE,
                                        AdESIndeterminate.REVOKED_CA_NO_POE):
        sentence = _("The signature is by {signer!r}, whose certificate was revoked.")
    elif indication in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED):
        sentence = _("The signature is by {signer!r}, whose certificate (or an issuer's"
                     " certificate) has expired, and nothing in the PDF proves it was signed"
                     " before then.")
    elif indication == AdESIndeterminate.NOT_YET_VALID:
        sentence = _("The signature is by {signer!r}, whose certificate (or an issuer's"
                     " certificate) is not valid yet.")
    elif indication == AdESIndeterminate.SIG_CONSTRAINTS_FAILURE:
        sentence = _("The signature is by {signer!r}, whose certificate is not allowed to sign"
                     " documents (its key usage lacks non-repudiation).")
    elif status.validation_path is None or indication in (
            AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
            AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE):
        sentence = _("The signature is by {signer!r}, whose certificate does not chain to"
                     " {roots}.")
    else:
        sentence = _("The signature is by {signer!r}, whose certificate cannot be trusted"
                     " ({reason}).")
    # pyHanko's indication name stays as it is: a technical term, for whoever looks it up.
    reason = indication.name.lower().replace("_", " ") if indication else _("unknown problem")
    return sentence.format(signer=signer, roots=roots.described(), reason=reason)


def _coverage_problem(reader: PdfFileReader, signature: EmbeddedPdfSignature,
                      status: PdfSignatureStatus, is_last: bool) -> str:
    name = signature.field_name
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return _("The signature in field {name!r} does not cover its whole revision of the"
                 " PDF, so the file may have been altered around it.").format(name=name)
    change = describe_changes(reader, signature.signed_revision)
    if change and is_last:
        return _("{change} after the last signature.").format(change=change)
    if change:
        return _("{change} after the signature in field {name!r}.").format(change=change,
                                                                           name=name)
    if is_last:
        return _("The PDF was changed after the last signature: an update that no signature"
                 " covers was added.")
    if isinstance(status.diff_result, Exception):
        return _("The PDF was changed after the signature in field {name!r} in a way a"
                 " signature does not allow ({error}).").format(
            name=name, error=_describe(status.diff_result))
    return _("The PDF was changed after the signature in field {name!r} in a way a signature"
             " does not allow.").format(name=name)


def _asn1_common_name(certificate: asn1_x509.Certificate) -> str:
    common = certificate.subject.native.get("common_name")
    if isinstance(common, list):
        common = common[0] if common else None
    return common or certificate.subject.human_friendly


def _crypto_common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()
