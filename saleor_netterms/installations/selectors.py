"""Reads of installations."""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL

from .errors import InstallationRemoved, StorefrontOriginForbidden, UnknownSaleor
from .models import Installation, InstallationStatus


def installation_get_by_api_url(*, saleor_api_url: str) -> Installation | None:
    return Installation.objects.filter(saleor_api_url=saleor_api_url).first()


# --- the per-process installation cache (webhooks) ----------------------------------------------
#
# Every webhook needs its installation (JWKS, app id, status, time zone, newest policy version)
# before anything else. The row is cached per process by Saleor API URL together with its
# `revision` (migration installations 0005: a value from a sequence, set by a row trigger on every
# INSERT and UPDATE, so it changes whenever anything in the row does, whoever writes it). A cached
# row is never trusted for long: the webhook pipeline reads the current revision in the same
# statement as its dispatch claim (INSTALLATION_REVISION_SQL) and starts over with a fresh read
# when it differs, so an uninstall, a JWKS rotation or a policy save in another process is seen by
# the next delivery that would act on it; a refusal is always given on a fresh read. PostgreSQL only
# (elsewhere there is no revision and every call reads the row).

INSTALLATION_REVISION_SQL = "(SELECT revision FROM installations_installation WHERE id = %s)"
_INSTALLATION_CACHE: dict[str, tuple[int, dict]] = {}
_INSTALLATION_CACHE_MAX = 1024
_INSTALLATION_CACHE_LOCK = threading.Lock()
_INSTALLATION_FIELDS = tuple(f.attname for f in Installation._meta.concrete_fields)


@dataclass(frozen=True, slots=True)
class InstallationRead:
    """An installation as read for a webhook: the row (None: no installation has that URL), its
    revision (None off PostgreSQL or when there is no row) and whether it came from the cache."""

    installation: Installation | None
    revision: int | None
    cached: bool


def _instance(values: dict) -> Installation:
    """A fresh instance per request (callers may set attributes on it; the cache keeps values)."""
    installation = Installation(**values)
    installation._state.adding = False
    installation._state.db = "default"
    return installation


def installation_read(*, saleor_api_url: str, cached: bool = True) -> InstallationRead:
    """The installation of ``saleor_api_url`` (any status), from the per-process cache when
    ``cached`` and it holds the URL; else one query, whose result is cached."""
    if connection.vendor != "postgresql":
        return InstallationRead(installation_get_by_api_url(saleor_api_url=saleor_api_url), None, False)
    if cached:
        hit = _INSTALLATION_CACHE.get(saleor_api_url)
        if hit is not None:
            return InstallationRead(_instance(hit[1]), hit[0], True)
    row = (Installation.objects.filter(saleor_api_url=saleor_api_url)
           .annotate(row_revision=RawSQL('"installations_installation"."revision"', ())).first())
    if row is None:
        installation_cache_forget(saleor_api_url=saleor_api_url)
        return InstallationRead(None, None, False)
    values = {name: getattr(row, name) for name in _INSTALLATION_FIELDS}
    with _INSTALLATION_CACHE_LOCK:
        if len(_INSTALLATION_CACHE) >= _INSTALLATION_CACHE_MAX:
            _INSTALLATION_CACHE.clear()
        _INSTALLATION_CACHE[saleor_api_url] = (row.row_revision, values)
    return InstallationRead(_instance(values), row.row_revision, False)


def installation_cache_forget(*, saleor_api_url: str | None = None) -> None:
    """Drop one URL (or every URL) from this process's installation cache."""
    with _INSTALLATION_CACHE_LOCK:
        if saleor_api_url is None:
            _INSTALLATION_CACHE.clear()
        else:
            _INSTALLATION_CACHE.pop(saleor_api_url, None)


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


# --- storefront origins (the buyer portal's hand-over) --------------------------------------------

_ORIGIN = re.compile(r"(https?)://([a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*)"
                     r"(:([0-9]{1,5}))?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_LOCAL_HOSTS = ("localhost", "127.0.0.1")


def storefront_origin_normalize(value: str) -> str | None:
    """``scheme://host[:port]`` lower-cased, without the scheme's default port; None when it is
    not such an origin (a path, query, user info, wildcard, IPv6, a non-http scheme), or when it
    is plain http anywhere but localhost."""
    match = _ORIGIN.fullmatch((value or "").strip().lower())
    if match is None:
        return None
    scheme, host, port = match.group(1), match.group(2), match.group(7)
    if scheme == "http" and host not in _LOCAL_HOSTS:
        return None
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    elif port is not None and not 0 < int(port) < 65536:
        return None
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def storefront_origin_check(*, installation: Installation, origin: str | None) -> None:
    """May a page of ``origin`` (the request's Origin header, else the origin of its Referer; None
    when it sent neither) hand a customer over to the portal? Any origin while the installation
    lists none; else only a listed one — a missing, "null" or unlisted origin is
    StorefrontOriginForbidden (403)."""
    allowed = installation.storefront_origins or []
    if not allowed:
        return
    normalized = storefront_origin_normalize(origin or "")
    if normalized is None or normalized not in allowed:
        raise StorefrontOriginForbidden(f"hand-over from origin {(origin or '')[:100]!r} is not in the "
                                        f"storefront origins of installation {installation.pk}")
