"""Checking the signatures of a stored PDF against the organisation's trust roots, offline.

Each signature must be intact (the signed bytes still hash to what was signed), verify with
its certificate's key, chain to one of the given roots, and be followed by nothing but what a
signature may allow after it: a later signature, and only if that later signature is itself
followed by nothing at all. The answer is a verdict with one sentence naming the first
problem, never an exception, whatever the bytes.

A form headquarters took in also carries, after its signatures, validation data (the
certificates and the revocation list in force) and document timestamps from headquarters'
timestamp authority (PAdES B-LT and B-LTA). A trustworthy timestamp proves that everything
before it existed at its time, so each signature is judged at the time the earliest such
timestamp proves, not today: a certificate that expired, or was revoked, after that time
does not undo the signature. The last timestamp is judged today; each earlier one at the
time of the timestamp after it, which is how a chain of re-stamps keeps a form verifiable
after the timestamp authority's own certificate expires. Nothing is fetched: the
revocation lists used are those embedded in the file and those the caller gives, each
checked against the roots first.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import crl as asn1_crl
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
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import ModificationInfo
from pyhanko_certvalidator import ValidationContext

from screening_app.domain.canonical import utc_minute
from screening_app.domain.messages import gettext as _
from screening_app.records.pdf_logging import quiet_pyhanko_logs
from screening_app.records.pdf_revisions import describe_changes, document_info, embedded_files
from screening_app.records.revocation_lists import Revocation, RevocationLists

# How far into a file its "%PDF-" header may be (readers accept a little junk before it).
HEADER_SEARCH_BYTES = 1024
# An earlier signature may be followed by a later signature and form filling, nothing more.
ALLOWED_AFTER_EARLIER_SIGNATURE = ModificationLevel.FORM_FILLING
# The last signature, and each timestamp, only by validation data and further timestamps.
ALLOWED_AFTER_LAST_SIGNATURE = ModificationLevel.LTA_UPDATES


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
    # The time a trustworthy timestamp proves the signature existed, and whose timestamp;
    # None when no timestamp covers it (it is then judged at today's date).
    proven_at: str | None = None
    proven_by: str | None = None
    # What happened to the signer's certificate since (expired, revoked), in one sentence,
    # when the signature stands all the same.
    since: str | None = None


@dataclass(frozen=True)
class TimestampCheck:
    field_name: str
    authority: str  # the timestamp authority certificate's common name
    at: str | None  # the time it proves, ISO 8601
    trusted: bool  # intact, and its authority's certificate chained to a root when it counted
    problem: str | None


@dataclass(frozen=True)
class PdfVerification:
    valid: bool  # every signature intact and trusted, and the last covers the whole file
    reason: str | None  # one sentence naming the first problem
    signatures: tuple[SignatureCheck, ...]
    # Embedded files and document information of the last signed revision (of the file as
    # it is when it has no signature).
    attachments: dict[str, bytes] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    timestamps: tuple[TimestampCheck, ...] = ()


class _TrustRoots:
    """The roots a signer's certificate must chain to, as pyHanko wants them."""

    def __init__(self, certificates: Sequence[x509.Certificate]):
        self.crypto = list(certificates)
        self.certificates = [asn1_x509.Certificate.load(
            cert.public_bytes(serialization.Encoding.DER)) for cert in certificates]
        self.names = [_crypto_common_name(cert) for cert in certificates]

    def context(self, moment: datetime, evidence: "_Evidence") -> ValidationContext:
        # Never fetch: no CRL, OCSP or issuer downloads; missing revocation data is not fatal.
        # Revocation lists issued after ``moment`` count too: one that says a certificate was
        # revoked after the moment says it was good then.
        return ValidationContext(trust_roots=self.certificates, allow_fetching=False,
                                 revocation_mode="soft-fail", moment=moment,
                                 crls=evidence.crls, other_certs=evidence.certificates,
                                 retroactive_revinfo=True)

    def described(self) -> str:
        if not self.names:
            return _("any trusted root, as none was given")
        if len(self.names) == 1:
            return _("the trusted root {name!r}").format(name=self.names[0])
        return _("any of the trusted roots {names}").format(
            names=", ".join(repr(name) for name in self.names))


@dataclass(frozen=True)
class _Evidence:
    """What the file and the caller bring to judge certificates by: the trusted revocation
    lists and the certificates of the file's validation data, and today's date."""
    now: datetime
    revocations: RevocationLists
    crls: list
    certificates: list


@dataclass(frozen=True)
class _Proof:
    check: TimestampCheck
    revision: int  # the revision the timestamp signs: everything up to it existed at ``at``
    at: datetime


def verify_pdf(pdf: bytes, trust_roots: Sequence[x509.Certificate], *,
               crls: Sequence[bytes] = (), now: datetime | None = None) -> PdfVerification:
    """The verdict on ``pdf``: ``crls`` are revocation lists the reader brings besides the
    file's own (DER or PEM; those no root signed are ignored); ``now`` is today's date (the
    tests move it)."""
    roots = _TrustRoots(trust_roots)  # outside the net below: a wrong root is a caller's bug
    if not pdf:
        return _failed(_("The file is empty, not a PDF."))
    if b"%PDF-" not in pdf[:HEADER_SEARCH_BYTES]:
        return _failed(_("This is not a PDF file."))
    try:
        with quiet_pyhanko_logs():
            return _verify(pdf, roots, list(crls), now or datetime.now(UTC))
    except Exception as error:  # noqa: BLE001 -- a damaged file can fail anywhere in a parser
        return _failed(_("The PDF cannot be checked: it is damaged or malformed ({error}).")
                       .format(error=_describe(error)))


def _failed(reason: str) -> PdfVerification:
    return PdfVerification(valid=False, reason=reason, signatures=())


def _describe(error: Exception) -> str:
    message = " ".join(str(error).split()) or type(error).__name__
    return message[:200].rstrip(".")


def _verify(pdf: bytes, roots: _TrustRoots, extra_crls: list[bytes],
            now: datetime) -> PdfVerification:
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
    evidence = _evidence(reader, roots, extra_crls, now)
    stamps = [stamp for stamp in reader.embedded_timestamp_signatures
              if stamp.signed_revision > signatures[-1].signed_revision]
    proofs, stamp_checks = _check_timestamps(stamps, roots, evidence)
    last = len(signatures) - 1
    checks = tuple(_check(reader, signature, roots, evidence, is_last=index == last,
                          stamped=bool(stamps),
                          proof=_earliest_proof(proofs, signature.signed_revision))
                   for index, signature in enumerate(signatures))
    signed = reader.get_historical_resolver(signatures[-1].signed_revision)
    reason = _first_problem(checks, stamp_checks)
    return PdfVerification(valid=reason is None, reason=reason, signatures=checks,
                           attachments=embedded_files(signed), info=document_info(signed),
                           timestamps=stamp_checks)


def _evidence(reader: PdfFileReader, roots: _TrustRoots, extra_crls: list[bytes],
              now: datetime) -> _Evidence:
    embedded_crls: list[bytes] = []
    certificates: list = []
    store = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    if store is not None:
        embedded_crls = [reference.get_object().data for reference in store.crls]
        certificates = list(store.load_certs())
    revocations = RevocationLists([*embedded_crls, *extra_crls], roots.crypto)
    crls = [asn1_crl.CertificateList.load(der) for der in revocations.der()]
    return _Evidence(now, revocations, crls, certificates)


def _first_problem(checks: tuple[SignatureCheck, ...],
                   stamps: tuple[TimestampCheck, ...] = ()) -> str | None:
    """A broken or untrusted signature first, in signing order; then a broken timestamp or
    a change after the last one, which is also after every signature; then what was added
    after a signature, latest first, since a change after the last signature is also after
    every earlier one and is best told about the last."""
    for check in checks:
        if check.problem and (not check.intact or not check.trusted):
            return check.problem
    for stamp in reversed(stamps):
        if stamp.problem and stamp.trusted:
            return stamp.problem
    for check in reversed(checks):
        if check.problem:
            return check.problem
    return None


# -- headquarters' timestamps ------------------------------------------------------------------
def _check_timestamps(stamps: list[EmbeddedPdfSignature], roots: _TrustRoots,
                      evidence: _Evidence) -> tuple[list[_Proof], tuple[TimestampCheck, ...]]:
    """Judge the chain of document timestamps from the last: the last at today's date, each
    earlier one at the time of the next trustworthy one after it. Returns the trustworthy
    ones (the proofs) and a check of each, in file order."""
    proofs: list[_Proof] = []
    checks: list[TimestampCheck] = []
    moment = evidence.now
    for index in reversed(range(len(stamps))):
        stamp = stamps[index]
        check, at = _check_timestamp(stamp, roots, evidence, moment,
                                     is_last=index == len(stamps) - 1)
        checks.append(check)
        if check.trusted and at is not None:
            proofs.append(_Proof(check, stamp.signed_revision, at))
            moment = at
    return proofs, tuple(reversed(checks))


def _check_timestamp(stamp: EmbeddedPdfSignature, roots: _TrustRoots, evidence: _Evidence,
                     moment: datetime, is_last: bool) -> tuple[TimestampCheck, datetime | None]:
    name = stamp.field_name
    try:
        authority = _asn1_common_name(stamp.signer_cert)
        status = validate_pdf_timestamp(stamp, roots.context(moment, evidence))
    except Exception as error:  # noqa: BLE001 -- one unreadable timestamp must not hide others
        return TimestampCheck(name, "unknown", None, False,
                              _("The timestamp in field {name!r} cannot be checked ({error}).")
                              .format(name=name, error=_describe(error))), None
    at = status.timestamp
    problem = None
    trusted = bool(status.intact and status.valid and status.trusted)
    if not status.intact:
        problem = _("The PDF was changed after headquarters stamped it: the bytes the"
                    " timestamp in field {name!r} covers no longer match it.").format(name=name)
        trusted = True  # a broken seal is the file's problem, whoever made it
    elif not trusted:
        problem = _("The timestamp of {authority!r} proves nothing: its certificate did not"
                    " chain to {roots} at {moment}.").format(
            authority=authority, roots=roots.described(), moment=utc_minute(moment))
    elif is_last and not _nothing_but_validation_data_after(status):
        problem = _("The PDF was changed after headquarters' last timestamp: an update that"
                    " no signature or timestamp covers was added.")
    check = TimestampCheck(name, authority, at.isoformat() if at else None, trusted, problem)
    return check, at if status.intact and trusted and not problem else None


def _nothing_but_validation_data_after(status: ModificationInfo) -> bool:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return (status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and isinstance(status.diff_result, DiffResult)
            and status.modification_level is not None
            and status.modification_level <= ALLOWED_AFTER_LAST_SIGNATURE)


def _earliest_proof(proofs: list[_Proof], revision: int) -> _Proof | None:
    covering = [proof for proof in proofs if proof.revision > revision]
    return min(covering, key=lambda proof: proof.at) if covering else None


# -- one signature --------------------------------------------------------------------------
def _check(reader: PdfFileReader, signature: EmbeddedPdfSignature, roots: _TrustRoots,
           evidence: _Evidence, is_last: bool, stamped: bool,
           proof: _Proof | None) -> SignatureCheck:
    name = signature.field_name
    moment = proof.at if proof else evidence.now
    try:
        signer = _asn1_common_name(signature.signer_cert)
        certificate = x509.load_der_x509_certificate(signature.signer_cert.dump())
        status = validate_pdf_signature(signature, roots.context(moment, evidence))
    except Exception as error:  # noqa: BLE001 -- one unreadable signature must not hide others
        return SignatureCheck(name, "unknown", None, False, False, False,
                              _("The signature in field {name!r} cannot be checked ({error}).")
                              .format(name=name, error=_describe(error)))
    signed_at = status.signer_reported_dt or signature.self_reported_timestamp
    intact = status.intact and status.valid
    trusted = status.validation_path is not None and status.trust_problem_indic is None
    revocation = evidence.revocations.revocation(certificate)
    if trusted and revocation is not None and revocation.revoked_at <= moment:
        trusted = False  # a list the roots signed says so, whatever pyHanko concluded
    covers = _covers_whole_document(status, is_last, stamped)
    problem = None
    if not status.intact:
        problem = _("The PDF was changed after it was signed: the bytes signed by {signer!r}"
                    " in field {name!r} no longer match the signature.").format(
            signer=signer, name=name)
    elif not status.valid:
        problem = _("The signature in field {name!r} is damaged: it does not verify with the"
                    " key of {signer!r}'s certificate.").format(name=name, signer=signer)
    elif not trusted:
        problem = _trust_problem(status, signer, roots, certificate, revocation, proof,
                                 evidence.now, stamped)
    elif not covers:
        problem = _coverage_problem(reader, signature, status, is_last)
    return SignatureCheck(name, signer, signed_at.isoformat() if signed_at else None,
                          intact, trusted, covers, problem, certificate,
                          proven_at=proof.at.isoformat() if proof else None,
                          proven_by=proof.check.authority if proof else None,
                          since=_since(certificate, revocation, proof, evidence.now)
                          if trusted else None)


def _since(certificate: x509.Certificate, revocation: Revocation | None, proof: _Proof | None,
           now: datetime) -> str | None:
    """What befell the certificate after the proven time, when the signature stands."""
    if proof is None:
        return None
    if revocation is not None:
        return _("Its certificate was {revoked}, after headquarters' timestamp proved the"
                 " form existed ({at}): the signature stands.").format(
            revoked=revocation.described(), at=utc_minute(proof.at))
    if certificate.not_valid_after_utc < now:
        return _("Its certificate expired on {date}, after headquarters' timestamp proved"
                 " the form existed ({at}): the signature stands.").format(
            date=utc_minute(certificate.not_valid_after_utc), at=utc_minute(proof.at))
    return None


def _covers_whole_document(status: PdfSignatureStatus, is_last: bool, stamped: bool) -> bool:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    if (is_last and not stamped) or status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return False
    allowed = ALLOWED_AFTER_LAST_SIGNATURE if is_last else ALLOWED_AFTER_EARLIER_SIGNATURE
    level = status.modification_level
    return (isinstance(status.diff_result, DiffResult) and level is not None
            and level <= allowed and status.docmdp_ok is not False)


def _trust_problem(status: PdfSignatureStatus, signer: str, roots: _TrustRoots,
                   certificate: x509.Certificate, revocation: Revocation | None,
                   proof: _Proof | None, now: datetime, stamped: bool) -> str:
    indication = status.trust_problem_indic
    if revocation is not None and (proof is None or revocation.revoked_at <= proof.at):
        if proof is not None:
            return _("The signature is by {signer!r}, whose certificate was {revoked}, before"
                     " headquarters' timestamp proved the form existed ({at}).").format(
                signer=signer, revoked=revocation.described(), at=utc_minute(proof.at))
        return _("The signature is by {signer!r}, whose certificate was {revoked}, and no"
                 " headquarters timestamp proves the form existed before then.").format(
            signer=signer, revoked=revocation.described())
    if status.revoked or indication in (AdESIndeterminate.REVOKED_NO_POE,
                                        AdESIndeterminate.REVOKED_CA_NO_POE):
        sentence = _("The signature is by {signer!r}, whose certificate was revoked.")
    elif indication in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED):
        if proof is None and not stamped and certificate.not_valid_after_utc < now:
            return _("The signature is by {signer!r}, whose certificate expired on {date},"
                     " and no headquarters timestamp proves the form existed before then"
                     " (it was never stamped at headquarters).").format(
                signer=signer, date=utc_minute(certificate.not_valid_after_utc))
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
