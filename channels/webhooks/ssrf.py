"""Outbound HTTP to addresses an admin typed: refuse loopback, private, link-local,
multicast and reserved targets (no SSRF into our own network), unless
CHANNELS_WEBHOOK_ALLOW_PRIVATE allows them.

The host is resolved once, every address it resolves to is checked, and the request is
sent to the checked address (with the original Host header and TLS server name), so a
DNS answer that changes between the check and the connection (rebinding) cannot slip
through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

ERROR_SCHEME = _("Only HTTPS addresses are accepted.")
ERROR_HOST = _("The address has no host name.")
ERROR_RESOLVE = _("The host name does not resolve.")
ERROR_PRIVATE = _(
    "The address points to a private, loopback or link-local network (%(ip)s); it is refused."
)
ERROR_CREDENTIALS = _("Addresses with a user name or password are not accepted.")


class UnsafeURL(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    url: str  # with the checked IP in place of the host name
    host_header: str
    server_name: str  # for TLS (SNI and certificate checks)


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, *, resolve: bool = True) -> Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    allowed = {"https", "http"} if settings.CHANNELS_WEBHOOK_ALLOW_HTTP else {"https"}
    if scheme not in allowed:
        raise UnsafeURL(ERROR_SCHEME)
    if parts.username or parts.password:
        raise UnsafeURL(ERROR_CREDENTIALS)
    host = parts.hostname
    if not host:
        raise UnsafeURL(ERROR_HOST)
    port = parts.port or (443 if scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(host)
        addresses = [literal]
    except ValueError:
        if not resolve:
            return Target(url=url, host_header=parts.netloc, server_name=host)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise UnsafeURL(ERROR_RESOLVE) from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeURL(ERROR_RESOLVE)
    if not settings.CHANNELS_WEBHOOK_ALLOW_PRIVATE:
        for ip in addresses:
            if _forbidden(ip):
                raise UnsafeURL(ERROR_PRIVATE % {"ip": ip})
    chosen = addresses[0]
    ip_host = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    netloc = f"{ip_host}:{port}"
    pinned = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(url=pinned, host_header=parts.netloc.rpartition("@")[2], server_name=host)
