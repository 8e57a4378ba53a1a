"""Outbound URL checks for ERP webhook endpoints, like Saleor checks the URLs it calls.

In production (ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS false, its default unless DEBUG) an endpoint must
be https and every address its host resolves to must be public: loopback, private (RFC 1918,
fc00::/7), link-local, shared (100.64/10), multicast, reserved and unspecified addresses are
refused.
The check runs when the endpoint is saved and again before every delivery (the name may be
re-pointed later: DNS rebinding)."""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from .errors import WebhookUrlRefused


def _addresses(host: str) -> list[ipaddress._BaseAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUrlRefused(f"cannot resolve {host!r}: {exc}",
                                merchant_message=f"The host {host} does not resolve.") from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _public(address) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved)


def webhook_url_check(url: str, *, resolve: bool = True) -> str:
    """The URL, normalised; WebhookUrlRefused when it may not be called."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise WebhookUrlRefused(f"not an http(s) URL: {url!r}",
                                merchant_message="The webhook URL must start with https://.")
    if parts.username or parts.password:
        raise WebhookUrlRefused("credentials in the URL", merchant_message=(
            "Do not put credentials in the webhook URL; the signature authenticates the app."))
    if settings.ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return url
    if parts.scheme != "https":
        raise WebhookUrlRefused(f"plain http in production: {url!r}",
                                merchant_message="The webhook URL must use https in production.")
    if resolve:
        refused = [str(a) for a in _addresses(parts.hostname) if not _public(a)]
        if refused:
            raise WebhookUrlRefused(f"{parts.hostname} resolves to non-public {refused}", merchant_message=(
                f"The host {parts.hostname} resolves to a private or loopback address ({', '.join(refused)}); "
                "set ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow it."))
    return url
