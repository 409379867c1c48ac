"""How a station knows it talks to headquarters: the TLS certificate it pinned.

Headquarters' signed public file carries the TLS certificate ``hq serve`` presents; the
station keeps it when it trusts the file (``sync trust-hq``) and pushes over https only to
a server presenting it. Plain http is left for this computer alone (a test, or a tunnel
whose far end checks TLS), where nothing crosses a network.

Why a context that trusts only the pinned certificate, and not a look at the certificate
after the handshake: with the context the handshake itself fails, before a byte of the
bundle leaves; a check afterwards would come once the request was already on its way. It
needs no system configuration either: the pinned certificate is the only trust anchor, so
a private CA or a self-signed certificate is as good as any. With the pinned certificate
as the only anchor (a partial chain is allowed), a server passes only by presenting that
certificate, or one signed with its private key, which a pinned server certificate (not a
CA) may not issue: that is exactly the pin.
"""

import ipaddress
import ssl
from urllib.parse import urlsplit

from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _

LOOPBACK_NAMES = ("localhost",)
# OpenSSL's X509_V_FLAG_NO_CHECK_TIME (the ssl module names no constant for it). The pin,
# not the dates, is the trust decision, and camp laptops' clocks drift: a station whose
# clock is off, or a certificate past its date, must not cut a camp off for the days a new
# public file takes to arrive. A new certificate is trusted by trusting a new file.
_NO_CHECK_TIME = 0x200000


class CertificateNotPinned(UserError):
    """The server at an https:// address presented a certificate other than the pinned
    one."""


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is this
    computer."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def connection_check(endpoint: str, pinned_pem: str | None) -> ssl.SSLContext | bool:
    """What httpx verifies the server with (its ``verify``): for https, a context trusting
    only the pinned certificate; for plain http, which reaches only this computer, nothing
    to verify. Refuses an address it cannot reach safely."""
    parts = urlsplit(endpoint)
    if parts.scheme == "http":
        if not is_loopback_host(parts.hostname):
            raise UserError(_("{url} is plain HTTP to another computer: push to headquarters"
                              " over https://, which checks the TLS certificate this station"
                              " pinned.").format(url=endpoint))
        return True
    if not pinned_pem:
        raise UserError(_("This station has no TLS certificate of headquarters to check {url}"
                          " against: install headquarters' current headquarters-public.json"
                          " with 'screening-app sync trust-hq'.").format(url=endpoint))
    return pinned_context(pinned_pem)


def pinned_context(pinned_pem: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # The pin, not a name, says who the server is: stations reach headquarters by whatever
    # address the camp's link gives (an IP, a tunnel), which the certificate need not name.
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | _NO_CHECK_TIME
    context.load_verify_locations(cadata=pinned_pem)
    return context


def refused_certificate(error: BaseException) -> bool:
    """Whether a connection failed because the server's certificate is not the pinned one
    (the ssl error sits somewhere in the chain of causes httpx and httpcore raise)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
