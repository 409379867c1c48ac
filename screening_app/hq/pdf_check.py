"""A fast check of every signature in a stored PDF, for intake.

Headquarters receives thousands of signed forms per bundle; pyHanko's full validation
(records/verifying.verify_pdf) parses the whole document and takes over 10 ms a form, more
than the rest of intake together. What intake must know is narrower: every signature in the
file is intact and made by a certificate of our CA, the first by the sending station, and
the last one covers every byte of the file. That needs no PDF parser: a PAdES signature is a
CMS SignedData in the ``/Contents`` hex string of a signature dictionary, over the bytes its
``/ByteRange`` names, which are the whole file up to that signature except the hex string
itself. So this module finds each ``/ByteRange``, checks that the gap it leaves is exactly a
hex string, and checks the CMS with asn1crypto and cryptography.

Streams in these files (page contents, the embedded record) are compressed, so text a person
typed never appears raw; a ``/ByteRange`` that does not describe a valid signature makes the
file fail, never pass. What this check does not do, and verify_pdf does: analyse what an
incremental update after an earlier signature changed (here a later trusted signature,
a supervisor's countersignature, must cover everything instead).
"""

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# pyHanko adds CMS attribute names to asn1crypto's tables when imported; asn1crypto builds
# its name lookup once, the first time a name is used (just below), so pyHanko's must be in
# the tables by then, or pyHanko cannot sign afterwards in this process.
import pyhanko.sign.general  # noqa: F401  (imported for its registrations, first)
from asn1crypto import algos, cms, parser
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from screening_app.domain.errors import UserError
from screening_app.pki import certificates

HEADER_SEARCH_BYTES = 1024
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_HEX = re.compile(rb"<[0-9A-Fa-f\s]*>")
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
_DIGESTS = {algos.DigestAlgorithmId(name).contents: name for name in _HASHES}
_MECHANISMS = {algos.SignedDigestAlgorithmId(name).contents: mechanism
               for name, mechanism in (("rsassa_pkcs1v15", "rsassa_pkcs1v15"),
                                       ("sha256_rsa", "rsassa_pkcs1v15"),
                                       ("sha384_rsa", "rsassa_pkcs1v15"),
                                       ("sha512_rsa", "rsassa_pkcs1v15"),
                                       ("rsassa_pss", "rsassa_pss"),
                                       ("sha256_ecdsa", "ecdsa"), ("sha384_ecdsa", "ecdsa"),
                                       ("sha512_ecdsa", "ecdsa"))}
_SIGNED_DATA = cms.ContentType("signed_data").contents
_DATA = cms.ContentType("data").contents
_MESSAGE_DIGEST = cms.CMSAttributeType("message_digest").contents
_CONTENT_TYPE = cms.CMSAttributeType("content_type").contents
_OBJECT_IDENTIFIER, _SEQUENCE, _SET = 6, 16, 17  # universal tags

ExpectedSigners = Callable[[Sequence[x509.Certificate]], str | None]


class _Refused(Exception):
    """One sentence saying why the PDF fails (internal: check_pdf returns the sentence)."""


@dataclass(frozen=True)
class _Signature:
    start_gap: int  # where the /Contents hex string starts
    end_gap: int  # just after it
    end: int  # the end of the signed bytes


@dataclass(frozen=True)
class CheckedPdf:
    problem: str | None  # what check_pdf says
    sha256: str  # of the whole file, as hex


def check_pdf(pdf: bytes, root: x509.Certificate,
              expected_signers: ExpectedSigners | None = None) -> str | None:
    """None when every signature is intact, made by a certificate ``root`` issued, and the
    last covers the whole file (and ``expected_signers``, given the signers' certificates
    in signing order, returns None); otherwise one sentence naming the first problem."""
    return check_and_hash_pdf(pdf, root, expected_signers).problem


def check_and_hash_pdf(pdf: bytes, root: x509.Certificate,
                       expected_signers: ExpectedSigners | None = None) -> CheckedPdf:
    """``check_pdf``, and the SHA-256 of the whole file made in the same pass over its
    bytes: the last signature covers all of them but its own hex string."""
    whole: list = []  # the last signature's check puts the whole file's hash here
    try:
        signatures = _signatures(pdf)
        signers = [_check_signature(pdf, signature, root, number,
                                    whole if number == len(signatures) else None)
                   for number, signature in enumerate(signatures, start=1)]
        problem = expected_signers(signers) if expected_signers is not None else None
    except _Refused as refused:
        problem = str(refused)
    digest = whole[0] if whole else hashlib.sha256(pdf)
    return CheckedPdf(problem, digest.hexdigest())


def _signatures(pdf: bytes) -> list[_Signature]:
    if b"%PDF-" not in pdf[:HEADER_SEARCH_BYTES]:
        raise _Refused("The file is not a PDF.")
    found = []
    position = pdf.find(b"/ByteRange")
    while position >= 0:
        match = _BYTE_RANGE.match(pdf, position)
        position = pdf.find(b"/ByteRange", position + 1)
        if match is None:
            raise _Refused(f"Signature {len(found) + 1} of the PDF is damaged: its byte range"
                           " is not readable.")
        first_start, first_length, second_start, second_length = map(int, match.groups())
        gap_start, gap_end = first_start + first_length, second_start
        end = second_start + second_length
        if (first_start != 0 or gap_end <= gap_start or end > len(pdf)
                or not _HEX.fullmatch(pdf, gap_start, gap_end)):
            raise _Refused(f"Signature {len(found) + 1} of the PDF is damaged: its byte range"
                           " does not describe a signed file.")
        found.append(_Signature(gap_start, gap_end, end))
    if not found:
        raise _Refused("The PDF has no signature.")
    found.sort(key=lambda signature: signature.end)
    if found[-1].end != len(pdf):
        raise _Refused(f"The PDF has {len(pdf) - found[-1].end} bytes added after its last"
                       " signature, which no signature covers.")
    return found


def _check_signature(pdf: bytes, signature: _Signature, root: x509.Certificate,
                     number: int, whole: list | None = None) -> x509.Certificate:
    try:
        der = bytes.fromhex(pdf[signature.start_gap + 1:signature.end_gap - 1].decode("ascii"))
        content = cms.ContentInfo.load(der)
        signed_data = content["content"]
        signer_info = signed_data["signer_infos"][0]
        # Object identifiers are compared as their DER contents: turning each into its
        # dotted or named form costs more than the rest of the check.
        digest_name = _DIGESTS.get(signer_info["digest_algorithm"]["algorithm"].contents)
        attributes = _first_values(signer_info["signed_attrs"].contents)
        signer, chain_problem = _signer(_as_set(signed_data["certificates"].dump()),
                                        signer_info["sid"].dump(),
                                        root.public_bytes(Encoding.DER))
        mechanism = signer_info["signature_algorithm"]
        signed_attributes = _as_set(signer_info["signed_attrs"].dump())
        signature_value = signer_info["signature"].contents
        signed_data_type = content["content_type"].contents
    except _Refused:
        raise
    except Exception:  # noqa: BLE001 -- damaged DER can fail anywhere in the parser
        raise _Refused(f"Signature {number} of the PDF is damaged: it is not a readable"
                       " CMS signature.") from None
    name = certificates.common_name(signer)
    if signed_data_type != _SIGNED_DATA or digest_name is None:
        raise _Refused(f"The signature of {name!r} uses a form or a digest that this check"
                       " does not accept.")
    digest = hashlib.new(digest_name)
    digest.update(memoryview(pdf)[:signature.start_gap])
    entire = None
    if whole is not None and signature.end == len(pdf):  # the file's hash, on the way
        entire = digest.copy() if digest_name == "sha256" else hashlib.sha256(
            memoryview(pdf)[:signature.start_gap])
        entire.update(memoryview(pdf)[signature.start_gap:signature.end_gap])
    digest.update(memoryview(pdf)[signature.end_gap:signature.end])
    if entire is not None:
        entire.update(memoryview(pdf)[signature.end_gap:signature.end])
        whole.append(entire)
    if attributes.get(_MESSAGE_DIGEST) != digest.digest():
        raise _Refused(f"The PDF was changed after it was signed: the bytes signed by {name!r}"
                       " no longer match the signature.")
    if attributes.get(_CONTENT_TYPE) != _DATA:
        raise _Refused(f"The signature of {name!r} does not sign PDF content.")
    try:
        _verify(signer, mechanism, _HASHES[digest_name](), signature_value, signed_attributes)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        raise _Refused(f"The signature of {name!r} is damaged: it does not verify with the key"
                       " of its certificate.") from None
    if chain_problem:
        raise _Refused(f"The signature is by {name!r}, whose certificate does not chain to"
                       f" the trusted root {certificates.common_name(root)!r}.")
    return signer


def _first_values(attributes: bytes) -> dict[bytes, bytes]:
    """The signed attributes (the contents of their SET OF) as {the type's DER contents:
    the first value's DER contents}. Read with asn1crypto's plain parser: having it resolve
    each attribute's type to a class, as indexing does, cost more than the rest of the
    check. A type given twice, which CMS forbids, makes the signature damaged."""
    found: dict[bytes, bytes] = {}
    for attribute in _elements(attributes, _SEQUENCE):
        kind, values = _elements(attribute, None)
        (kind_tag, kind_contents), (values_tag, values_contents) = kind, values
        if kind_tag != _OBJECT_IDENTIFIER or values_tag != _SET or kind_contents in found:
            raise ValueError("not a CMS attribute")
        found[kind_contents] = _elements(values_contents, None)[0][1]
    return found


def _elements(contents: bytes, tag: int | None) -> list:
    """The universal elements DER-encoded one after another in ``contents``: each as its
    contents (with ``tag`` given, which each must have) or (tag, contents)."""
    elements = []
    pointer = 0
    while pointer < len(contents):
        length = parser.peek(contents[pointer:])
        klass, _method, element_tag, _header, element, _trailer = parser.parse(
            contents[pointer:pointer + length], strict=True)
        if klass != 0 or (tag is not None and element_tag != tag):
            raise ValueError("an unexpected element")
        elements.append(element if tag is not None else (element_tag, element))
        pointer += length
    return elements


def _as_set(implicitly_tagged: bytes) -> bytes:
    """A ``[0] IMPLICIT SET OF`` field's encoding as the plain SET OF it stands for (the
    tag byte differs, the length and contents are the same): what signed attributes are
    signed as, and how a set of certificates loads on its own."""
    return b"\x31" + implicitly_tagged[1:]


@functools.lru_cache(maxsize=256)
def _signer(certificates_der: bytes, sid_der: bytes, root_der: bytes
            ) -> tuple[x509.Certificate, str | None]:
    """The signer's certificate among those a signature carries, and the problem with the
    root having issued it (None when it did). Cached: the thousands of forms of a bundle
    are signed by a handful of certificates, and parsing them is most of the work."""
    sid = cms.SignerIdentifier.load(sid_der)
    for choice in cms.CertificateSet.load(certificates_der):
        candidate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            found = (candidate.serial_number == wanted["serial_number"].native
                     and candidate.issuer.dump() == wanted["issuer"].dump())
        else:
            found = candidate.key_identifier == sid.chosen.native
        if found:
            signer = x509.load_der_x509_certificate(candidate.dump())
            try:
                certificates.check_issued_by(signer, x509.load_der_x509_certificate(root_der))
            except UserError as problem:
                return signer, str(problem)
            return signer, None
    raise _Refused("A signature in the PDF does not carry its signer's certificate.")


def _verify(signer: x509.Certificate, mechanism, digest: hashes.HashAlgorithm,
            signature: bytes, data: bytes) -> None:
    key = signer.public_key()
    algorithm = _MECHANISMS.get(mechanism["algorithm"].contents) or mechanism.signature_algo
    if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), digest)
    elif algorithm == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
        params = mechanism["parameters"]
        pss_hash = _HASHES[params["hash_algorithm"]["algorithm"].native]()
        key.verify(signature, data, padding.PSS(padding.MGF1(pss_hash),
                                                params["salt_length"].native), pss_hash)
    elif algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(digest))
    else:
        raise ValueError(f"unsupported signature mechanism {algorithm}")
