"""The two files of enrolment in one exchange: the station's request and headquarters' kit.

`screening-app init --enrol-to FILE` writes the request: the station's certificate signing
request and its first admin's, signed with the station's new key. `screening-app hq enrol`
answers it with the kit: both certificates with their chain, headquarters' public file,
the root, the revocation list, the protocols and roster rows headquarters published, signed
with headquarters' key. `screening-app enrol` installs the kit (services/enrolment.py).

Both are JSON, as headquarters-public.json is: an officer can open them in any editor and
see what they carry, they need no new dependency, and the same canonical JSON the rest of
the program signs gives the bytes a signature covers. The signature covers every field but
itself (RSA-PSS, SHA-256), so a changed byte anywhere in the content is refused.
"""

import base64
import binascii
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from screening_app.domain.canonical import canonical_json
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _

FORMAT = 1
REQUEST_KIND = "screening-app enrolment request"
KIT_KIND = "screening-app enrolment kit"
SIGNATURE = "signature"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def signed_document(fields: dict, key: rsa.RSAPrivateKey) -> bytes:
    """``fields`` with a signature over their canonical JSON, as an indented UTF-8 file."""
    signature = key.sign(canonical_json(fields).encode(), _PSS, hashes.SHA256())
    document = {**fields, SIGNATURE: base64.b64encode(signature).decode("ascii")}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read_document(data: bytes, source: str, kind: str) -> tuple[dict, bytes]:
    """(the fields, the signature) of a request or kit file, or one sentence saying it is
    not one (another kind of file, a newer format, unreadable)."""
    try:
        document = json.loads(data.decode("utf-8"))
        if not isinstance(document, dict):
            raise ValueError("not an object")
        signature = base64.b64decode(str(document[SIGNATURE]), validate=True)
    except (UnicodeDecodeError, ValueError, KeyError, binascii.Error, RecursionError):
        raise UserError(_("{source} is not an enrolment file of screening-app (it is not"
                          " signed JSON).").format(source=source)) from None
    fields = {key: value for key, value in document.items() if key != SIGNATURE}
    if fields.get("kind") != kind:
        raise UserError(_("{source} is not a {kind} (it says {found!r}).").format(
            source=source, kind=kind, found=fields.get("kind")))
    if fields.get("format") != FORMAT:
        raise UserError(_("{source} has format {found!r}; this version reads format"
                          " {format}.").format(source=source, found=fields.get("format"),
                                               format=FORMAT))
    return fields, signature


def check_signature(fields: dict, signature: bytes, public_key, source: str) -> None:
    """Raise one sentence unless ``public_key`` signed exactly these fields."""
    try:
        public_key.verify(signature, canonical_json(fields).encode(), _PSS, hashes.SHA256())
    except (InvalidSignature, TypeError, ValueError, AttributeError):
        raise UserError(_("{source} was altered after it was signed: its signature does not"
                          " match its content.").format(source=source)) from None


def text_field(fields: dict, name: str, source: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value:
        raise UserError(_("{source} lacks its {field!r} field.").format(source=source,
                                                                       field=name))
    return value
