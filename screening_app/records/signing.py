"""PAdES baseline (B-B) signatures on stored PDFs, added as incremental updates.

The original bytes stay a prefix of the signed file, so an earlier signature (the station's)
stays valid when a later one (a supervisor's countersignature) is added. Files to embed and
document information entries are written in the same update as the signature, so the
signature covers them. Signing is offline: no timestamp server and no revocation fetching.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from types import MappingProxyType
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from screening_app.domain.errors import UserError
from screening_app.records.layout import FieldBox
from screening_app.records.signature_appearance import appearance_style

DIGEST = "sha256"
HEADER_SEARCH_BYTES = 1024  # how far into a file its "%PDF-" header may be
NO_ATTACHMENTS: Mapping[str, bytes] = MappingProxyType({})
NO_INFO: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class SigningIdentity:
    key: PrivateKeyTypes  # an RSA or EC private key
    certificate: x509.Certificate  # the signer's certificate
    chain: tuple[x509.Certificate, ...]  # issuers up to and including the root


def sign_pdf(pdf: bytes, identity: SigningIdentity, *, field_name: str, box: FieldBox,
             visible_lines: Sequence[str], reason: str, location: str,
             attachments: Mapping[str, bytes] = NO_ATTACHMENTS,
             info: Mapping[str, str] = NO_INFO) -> bytes:
    """``pdf`` with a visible PAdES signature by ``identity`` in a new field ``field_name``
    drawn in ``box``, as one incremental update that also embeds ``attachments`` (file
    name -> bytes) and sets ``info`` (document information entries such as
    ``"/ScreeningChainHead"``; a name without the leading slash gets one)."""
    _check_identity(identity)
    if not field_name or "." in field_name:
        raise UserError(f"The signature field name {field_name!r} must be non-empty and have"
                        " no '.' in it.")
    writer = _open_for_update(pdf)
    if field_name in set(_field_names(writer)):
        raise UserError(f"The PDF already has a field named {field_name!r}; sign into a field"
                        " with another name.")
    page_index = _page_index(writer, box)
    _embed_attachments(writer, attachments)
    _update_info(writer, info)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        md_algorithm=DIGEST,
    )
    field_spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=page_index,
        box=(box.x1, box.y1, box.x2, box.y2),
    )
    pdf_signer = signers.PdfSigner(
        metadata, pyhanko_signer(identity),
        stamp_style=appearance_style(visible_lines, box.x2 - box.x1, box.y2 - box.y1),
        new_field_spec=field_spec,
    )
    output = BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=output)
    except (PdfError, SigningError) as error:
        raise UserError(f"The PDF cannot be signed in field {field_name!r} ({error}).") from None
    return output.getvalue()


# -- the identity ---------------------------------------------------------------------------
def _check_identity(identity: SigningIdentity) -> None:
    if not isinstance(identity.key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise UserError(f"The signing key is a {type(identity.key).__name__}; only RSA and"
                        " elliptic-curve keys can sign forms.")
    if _public_der(identity.key.public_key()) != _public_der(identity.certificate.public_key()):
        raise UserError(f"The signing key does not match the certificate of"
                        f" {identity.certificate.subject.rfc4514_string()!r}.")


def _public_der(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def pyhanko_signer(identity: SigningIdentity) -> signers.SimpleSigner:
    """The pyHanko signer for ``identity`` (pyHanko works on asn1crypto objects, so the
    certificates and key are handed over as DER)."""
    key_der = identity.key.private_bytes(serialization.Encoding.DER,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
    chain = [asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
             for cert in identity.chain]
    return _LoadedKeySigner(
        identity.key,
        signing_cert=asn1_x509.Certificate.load(
            identity.certificate.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its key from DER again for every signature, and
    ``cryptography`` re-validates an RSA key when it parses one: 0.17 s for RSA 3072, most of
    the time a signature takes. This signer uses the key object it was given; mechanisms other
    than the two it produces (PKCS #1 v1.5 and ECDSA) still go through SimpleSigner."""

    def __init__(self, key: PrivateKeyTypes, **kwargs: Any):
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)


# -- the document ---------------------------------------------------------------------------
def _open_for_update(pdf: bytes) -> IncrementalPdfFileWriter:
    if not pdf:
        raise UserError("The file to sign is empty, not a PDF.")
    if b"%PDF-" not in pdf[:HEADER_SEARCH_BYTES]:
        raise UserError("The file to sign is not a PDF: it has no '%PDF-' header.")
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        writer.root["/Pages"]["/Count"]  # noqa: B018 -- no page tree, nothing to sign on
    except Exception as error:  # noqa: BLE001 -- a damaged file can fail anywhere in a parser
        raise UserError(f"The file to sign is not a readable PDF ({error}).") from None
    if writer.prev.encrypted:
        raise UserError("The PDF to sign is encrypted; only unencrypted forms can be signed.")
    return writer


def _field_names(writer: IncrementalPdfFileWriter) -> Iterator[str]:
    """The fully qualified name of every form field in the document."""
    try:
        top = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return

    def walk(field_refs: generic.ArrayObject, prefix: str) -> Iterator[str]:
        for ref in field_refs:
            field = ref.get_object()
            name = str(field["/T"]) if "/T" in field else ""
            qualified = f"{prefix}.{name}" if prefix and name else prefix or name
            if name:
                yield qualified
            if "/Kids" in field:
                yield from walk(field["/Kids"], qualified)

    yield from walk(top, "")


def _page_index(writer: IncrementalPdfFileWriter, box: FieldBox) -> int:
    """``box.page_index_from_end`` (-1 is the last page) as an index from the start."""
    page_count = int(writer.root["/Pages"]["/Count"])
    index = page_count + box.page_index_from_end if box.page_index_from_end < 0 \
        else box.page_index_from_end
    if not 0 <= index < page_count:
        raise UserError(f"The signature box is on page index {box.page_index_from_end}, but the"
                        f" PDF has {page_count} page(s).")
    return index


def _embed_attachments(writer: IncrementalPdfFileWriter, attachments: Mapping[str, bytes]) -> None:
    if not attachments:
        return
    if any(fields.enumerate_sig_fields(writer, filled_status=True)):
        names = ", ".join(repr(name) for name in sorted(attachments))
        raise UserError(f"Cannot embed {names} in a PDF that is already signed: the earlier"
                        " signature would no longer cover the document.")
    existing = set(_embedded_file_names(writer))
    for name in sorted(attachments):
        if not name:
            raise UserError("An attachment to embed has an empty file name.")
        if name in existing:
            raise UserError(f"The PDF already has an embedded file named {name!r}; embed the"
                            " new one under another name.")
        data = embed.EmbeddedFileObject.from_file_data(
            writer, data=attachments[name], params=embed.EmbeddedFileParams(embed_size=True),
            mime_type=_mime_type(name))
        embed.embed_file(writer, embed.FileSpec(file_spec_string=name, file_name=name,
                                                embedded_data=data))
    _sort_embedded_files(writer)


def _mime_type(name: str) -> str | None:
    return {"json": "application/json", "txt": "text/plain", "png": "image/png",
            "xml": "application/xml"}.get(name.rpartition(".")[2].lower())


def _embedded_files_array(writer: IncrementalPdfFileWriter) -> generic.ArrayObject | None:
    try:
        return writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return None


def _embedded_file_names(writer: IncrementalPdfFileWriter) -> Iterator[str]:
    names = _embedded_files_array(writer)
    if names is not None:
        yield from (str(names[index]) for index in range(0, len(names), 2))


def _sort_embedded_files(writer: IncrementalPdfFileWriter) -> None:
    """A name tree's keys must be in order; pyHanko appends, which is only in order when
    the document had no embedded files before."""
    names = _embedded_files_array(writer)
    if names is None:
        return
    # raw_get keeps the file specifications as references rather than resolving them
    pairs = [(names.raw_get(index), names.raw_get(index + 1))
             for index in range(0, len(names) - 1, 2)]
    ordered = sorted(pairs, key=lambda pair: _name_tree_key(str(pair[0])))
    if ordered != pairs:
        names[:] = [item for pair in ordered for item in pair]
        writer.update_container(names)


def _name_tree_key(name: str) -> bytes:
    """The bytes a name is stored as (ASCII, or UTF-16 with its byte order mark), which is
    what a name tree is ordered by."""
    return name.encode("ascii") if name.isascii() else b"\xfe\xff" + name.encode("utf-16-be")


def _update_info(writer: IncrementalPdfFileWriter, info: Mapping[str, str]) -> None:
    """Set ``info`` in the document information dictionary, keeping its other entries."""
    if not info:
        return
    entries = {}
    for key, value in info.items():
        name = key if key.startswith("/") else f"/{key}"
        if len(name) < 2 or any(c.isspace() or c in "/()<>[]{}%" for c in name[1:]):
            raise UserError(f"The document information key {key!r} is not a valid PDF name.")
        entries[generic.NameObject(name)] = generic.pdf_string(value)
    info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if isinstance(info_ref, generic.IndirectObject):
        info_dict = info_ref.get_object()
        info_dict.update(entries)
        writer.mark_update(info_ref)
    else:
        info_dict = generic.DictionaryObject(dict(info_ref or {}))
        info_dict.update(entries)
        writer.set_info(info_dict)
