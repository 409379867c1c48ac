"""The station's side of the HTTP link: send an up bundle to headquarters and take back the
down bundle it answers with.

The bundle is streamed from its file (never read whole into memory) with its length
declared, so headquarters can refuse a bundle that is too big before it is sent. Over
https it goes only to a server presenting the TLS certificate the station pinned
(sync/pinning.py); plain http only to this computer. Every failure becomes one sentence: a
refusal carries headquarters' own reason; a network failure names the address that could
not be reached; a server with another certificate is named as such.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.sync.pinning import (
    CertificateNotPinned,
    connection_check,
    refused_certificate,
)

BUNDLES_PATH = "/api/v1/bundles"
FILE_NAME_HEADER = "X-Bundle-File-Name"  # so that a refusal names the file the station has
# A 409 that carries a down bundle asking the station to send again everything after the
# event this header names (headquarters was restored from an older copy; sync/resend.py).
# The refusal's sentence then comes in REFUSAL_HEADER, as ASCII.
RESEND_HEADER = "X-Resend-Events-After"
REFUSAL_HEADER = "X-Refusal"
DEFAULT_TIMEOUT = 300.0
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")
_FILE_NAME = re.compile(r'filename="([^"/\\]+)"')


class PushRefused(UserError):
    """Headquarters answered, and refused the bundle."""


class ResendRequested(PushRefused):
    """Headquarters refused the bundle because it lacks events this station sent before,
    and answered with a down bundle (signed, like every answer) asking for them again."""

    def __init__(self, message: str, reply: bytes, file_name: str):
        super().__init__(message)
        self.reply = reply
        self.file_name = file_name


class HeadquartersUnreachable(UserError):
    """No answer from headquarters (address, network, timeout)."""


def bundles_url(url: str) -> str:
    """The bundle endpoint for ``url``, which may be the server's base address
    (``http://hq:8765``) or the endpoint itself."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(_("{url!r} is not an http:// or https:// address of"
                          " headquarters.").format(url=url))
    base = url.strip().rstrip("/")
    return base if base.endswith(BUNDLES_PATH) else base + BUNDLES_PATH


def check_address(url: str, pinned_tls_pem: str | None):
    """Refuse an address a bundle will not be pushed to (before a bundle is written for it);
    returns how the server is verified there."""
    return connection_check(bundles_url(url), pinned_tls_pem)


def push_bundle(url: str, bundle_path: Path, timeout: float = DEFAULT_TIMEOUT, *,
                pinned_tls_pem: str | None = None) -> tuple[bytes, str]:
    """POST the bundle at ``bundle_path``, over https only to a server presenting
    ``pinned_tls_pem``; returns the down bundle's bytes and its file name as headquarters
    named it."""
    endpoint = bundles_url(url)
    verify = check_address(url, pinned_tls_pem)
    bundle_path = Path(bundle_path)
    try:
        handle = bundle_path.open("rb")
    except OSError as error:
        raise UserError(f"{bundle_path}: {error.strerror or error}.") from None
    try:
        with handle:
            response = httpx.post(
                endpoint, content=handle, timeout=timeout, verify=verify,
                headers={"Content-Type": "application/octet-stream",
                         FILE_NAME_HEADER: _ascii_name(bundle_path.name)})
    except httpx.TimeoutException:
        raise HeadquartersUnreachable(
            _("cannot reach headquarters at {address}: no answer within {seconds:g}"
              " seconds.").format(address=endpoint, seconds=timeout)
        ) from None
    except httpx.ConnectError as error:
        if refused_certificate(error):
            raise CertificateNotPinned(
                _("The server at {address} presented a TLS certificate other than the one this"
                  " station pinned for headquarters, so nothing was sent: if headquarters"
                  " changed its certificate, install its new headquarters-public.json with"
                  " 'screening-app sync trust-hq'.").format(address=endpoint)) from None
        raise HeadquartersUnreachable(
            _("cannot reach headquarters at {address}: {error}.").format(
                address=endpoint, error=_describe(error))) from None
    except httpx.HTTPError as error:
        raise HeadquartersUnreachable(
            _("cannot reach headquarters at {address}: {error}.").format(
                address=endpoint, error=_describe(error))) from None
    if response.status_code == 409 and RESEND_HEADER in response.headers:
        raise ResendRequested(
            _("headquarters refused the bundle: {reason}").format(
                reason=response.headers.get(REFUSAL_HEADER, "").strip() or
                f"HTTP {response.status_code} {response.reason_phrase}."),
            response.content, _file_name(response, bundle_path))
    if response.status_code != 200:
        raise PushRefused(_("headquarters refused the bundle: {reason}").format(
            reason=_reason(response)))
    return response.content, _file_name(response, bundle_path)


def _ascii_name(name: str) -> str:
    return "".join(ch if ch.isascii() and ch.isprintable() else "_" for ch in name)


def _describe(error: httpx.HTTPError) -> str:
    text = _ERRNO.sub("", str(error)).strip().rstrip(".")
    return text or type(error).__name__


def _reason(response: httpx.Response) -> str:
    """Headquarters' one sentence from its JSON error body, or the HTTP status."""
    try:
        reason = response.json().get("error")
    except (ValueError, AttributeError):
        reason = None
    if isinstance(reason, str) and reason.strip():
        reason = reason.strip()
        return reason if reason.endswith((".", "!", "?")) else reason + "."
    return f"HTTP {response.status_code} {response.reason_phrase}."


def _file_name(response: httpx.Response, bundle_path: Path) -> str:
    match = _FILE_NAME.search(response.headers.get("Content-Disposition", ""))
    if match and not match.group(1).startswith("."):
        return match.group(1)
    return f"headquarters-reply-to-{bundle_path.stem}.scb"
