"""Reads of installations."""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from django.conf import settings

from .errors import InstallationRemoved, UnknownSaleor
from .models import Installation, InstallationStatus


def installation_get_by_api_url(*, saleor_api_url: str) -> Installation | None:
    return Installation.objects.filter(saleor_api_url=saleor_api_url).first()


def installation_get_active(*, saleor_api_url: str, found: Installation | None = None) -> Installation:
    """The active installation for a Saleor API URL; UnknownSaleor / InstallationRemoved else.
    `found`: the installation the caller already looked up for that URL (no second query)."""
    installation = found if found is not None else installation_get_by_api_url(saleor_api_url=saleor_api_url)
    if installation is None:
        raise UnknownSaleor(f"no installation for {saleor_api_url!r}")
    if installation.status != InstallationStatus.ACTIVE:
        raise InstallationRemoved(f"installation {installation.pk} is {installation.status}")
    return installation


def installation_list_active() -> list[Installation]:
    return list(Installation.objects.filter(status=InstallationStatus.ACTIVE))


# A CSP source expression we emit: scheme://host[:port|:*] and nothing that could end the directive.
_CSP_SOURCE = re.compile(r"https?://[A-Za-z0-9.-]+(:([0-9]{1,5}|\*))?")
_FRAME_ORIGINS_CACHE: dict[str, tuple[float, frozenset[str]]] = {}
FRAME_ORIGINS_CACHE_SECONDS = 60.0


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        origin = f"{parts.scheme}://{parts.netloc}"
        return origin if _CSP_SOURCE.fullmatch(origin) else None
    return None


def _active_origins() -> frozenset[str]:
    """Origins of the active installations' Saleors, cached in-process for a minute."""
    now = time.monotonic()
    cached = _FRAME_ORIGINS_CACHE.get("origins")
    if cached and now - cached[0] < FRAME_ORIGINS_CACHE_SECONDS:
        return cached[1]
    origins = frozenset(filter(None, (_origin_of(url) for url in Installation.objects.filter(
        status=InstallationStatus.ACTIVE).values_list("saleor_api_url", flat=True))))
    _FRAME_ORIGINS_CACHE["origins"] = (now, origins)
    return origins


def dashboard_frame_origins(*, saleor_api_url: str | None = None) -> tuple[str, ...]:
    """Origins allowed to frame this response: the Dashboard of the installation the page was
    opened for (the Dashboard puts `saleorApiUrl` in the iframe's query; Saleor Cloud and most
    self-hosted setups serve the Dashboard on the API's origin) when it is an active installation,
    settings.DASHBOARD_ORIGINS, and any localhost port in development. Only the requesting
    installation is named: the header never lists the app's other customers."""
    origins = []
    requested = _origin_of(saleor_api_url or "")
    if requested:
        try:
            active = _active_origins()
        except Exception:  # noqa: BLE001 - fail closed: unreadable installations frame nothing
            active = frozenset()
        if requested in active:
            origins.append(requested)
    origins.extend(o for o in settings.DASHBOARD_ORIGINS if _CSP_SOURCE.fullmatch(o))
    if settings.DEBUG:
        origins.extend(["http://localhost:*", "http://127.0.0.1:*"])
    return tuple(dict.fromkeys(origins))


def dashboard_frame_origins_forget() -> None:
    """After an installation is registered or removed (and in tests)."""
    _FRAME_ORIGINS_CACHE.clear()
