"""Writes of installations: registration (FACTS.md §1.3), removal (uninstall detection, see
saleor_api/client.py), JWKS refresh (§2.2) and token key rotation.

The app token is a secret: it is only ever held in a local variable, stored through
`Installation.set_token` (Fernet-encrypted), and never logged (sensitive_variables keeps it off
Django's error pages)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from saleor_netterms.core.business_time import time_zone_validate
from saleor_netterms.core.crypto import SecretUnreadable, secret_rotate
from saleor_netterms.saleor_api.client import saleor_graphql_post
from saleor_netterms.saleor_api.errors import JwksUnavailable, SaleorApiError
from saleor_netterms.saleor_api.jwks import jwks_fetch

from .errors import InvalidStorefrontOrigin, JwksNotAvailable, MissingAuthToken, MissingSaleorApiUrl, SaleorUrlProhibited, UnknownAppId
from .models import Installation, InstallationStatus
from .selectors import dashboard_frame_origins_forget, storefront_origin_normalize

logger = logging.getLogger(__name__)


def saleor_api_url_is_allowed(saleor_api_url: str) -> bool:
    """Full-match against settings.ALLOWED_SALEOR_API_URLS (regular expressions). An empty list
    allows nothing (production must list its Saleor instances)."""
    return any(re.fullmatch(pattern, saleor_api_url) for pattern in settings.ALLOWED_SALEOR_API_URLS)


@sensitive_variables("auth_token")
def installation_register(*, saleor_api_url: str, auth_token: str, saleor_domain: str = "",
                          schema_version: str = "") -> Installation:
    """Verify a token POST from Saleor and store (or replace) the installation.

    Steps as app-sdk's register handler (FACTS.md §1.3): allowlist → `app { id }` with the token
    → JWKS from `<origin>/.well-known/jwks.json` → store. The POST is unsigned, so the allowlist
    and the round trip are the only proof of origin. Network calls happen before the database
    transaction."""
    if not saleor_api_url:
        raise MissingSaleorApiUrl("register: no Saleor-Api-Url header")
    if not auth_token or not isinstance(auth_token, str):
        raise MissingAuthToken("register: no auth_token in body")
    if not saleor_api_url_is_allowed(saleor_api_url):
        logger.warning("registration refused: Saleor URL not allowed",
                       extra={"saleor_api_url": saleor_api_url})
        raise SaleorUrlProhibited(f"{saleor_api_url!r} matches no ALLOWED_SALEOR_API_URLS pattern")

    try:
        data = saleor_graphql_post(saleor_api_url=saleor_api_url, token=auth_token,
                                   document="queries/app_id")
    except SaleorApiError as exc:
        logger.warning("registration refused: app id not fetched",
                       extra={"saleor_api_url": saleor_api_url, "problem": exc.code})
        raise UnknownAppId(f"app id query failed: {exc.code}") from exc
    app_id = ((data.get("app") or {}).get("id")) if isinstance(data, dict) else None
    if not app_id or not isinstance(app_id, str):
        raise UnknownAppId("Saleor answered no app id")

    try:
        jwks = jwks_fetch(saleor_api_url=saleor_api_url)
    except JwksUnavailable as exc:
        logger.warning("registration refused: JWKS unavailable",
                       extra={"saleor_api_url": saleor_api_url, "problem": exc.log_message})
        raise JwksNotAvailable(exc.log_message) from exc

    now = timezone.now()
    for attempt in (1, 2):  # a concurrent first registration of the same URL: retry as update
        try:
            with transaction.atomic():
                installation = (Installation.objects.select_for_update()
                                .filter(saleor_api_url=saleor_api_url).first())
                created = installation is None
                if created:
                    installation = Installation(saleor_api_url=saleor_api_url)
                installation.saleor_domain = (saleor_domain or "")[:255]
                installation.saleor_schema_version = (schema_version or "")[:32]
                installation.app_id = app_id
                installation.set_token(auth_token)
                installation.jwks = jwks
                installation.jwks_fetched_at = now
                installation.status = InstallationStatus.ACTIVE
                installation.removed_at = None
                installation.removed_reason = ""
                installation.save()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    logger.info("installation registered", extra={
        "saleor_api_url": saleor_api_url, "app_id": app_id, "installation_id": installation.pk,
        "reinstalled": not created})
    dashboard_frame_origins_forget()
    return installation


def installation_mark_removed(*, installation: Installation, reason: str) -> bool:
    """Mark an installation removed (Saleor rejected its token). Returns False if it already was."""
    now = timezone.now()
    updated = (Installation.objects.filter(pk=installation.pk, status=InstallationStatus.ACTIVE)
               .update(status=InstallationStatus.REMOVED, removed_at=now,
                       removed_reason=reason[:255], updated_at=now))
    installation.status = InstallationStatus.REMOVED
    if updated:
        installation.removed_at = now
        installation.removed_reason = reason[:255]
        logger.warning("installation marked removed", extra={
            "installation_id": installation.pk, "saleor_api_url": installation.saleor_api_url,
            "reason": reason[:255]})
        dashboard_frame_origins_forget()
    return bool(updated)


def installation_jwks_refetch(*, installation: Installation) -> dict | None:
    """Fetch the installation's JWKS again — at most once per installation per
    `settings.SALEOR_JWKS_REFETCH_COOLDOWN_S` across every process (a conditional UPDATE claims the
    attempt). None when another attempt is inside the cooldown (a cached miss: no I/O) or Saleor
    did not answer a usable JWKS. The caller saves it (installation_jwks_update) once it verifies:
    a forged signature must never replace good keys. Without the cooldown every bad signature for
    an installed Saleor would make the app fetch that Saleor's JWKS (amplification)."""
    now = timezone.now()
    cooldown = timedelta(seconds=settings.SALEOR_JWKS_REFETCH_COOLDOWN_S)
    claimed = Installation.objects.filter(pk=installation.pk).filter(
        Q(jwks_refetch_attempted_at__isnull=True) | Q(jwks_refetch_attempted_at__lte=now - cooldown)
        | Q(jwks_refetch_attempted_at__gt=now)  # a clock that went backwards never locks it for good
    ).update(jwks_refetch_attempted_at=now)
    if not claimed:
        logger.info("jwks refetch skipped: cooldown", extra={"installation_id": installation.pk})
        return None
    installation.jwks_refetch_attempted_at = now
    try:
        return jwks_fetch(saleor_api_url=installation.saleor_api_url)
    except JwksUnavailable as exc:
        logger.warning("jwks refetch failed", extra={"installation_id": installation.pk,
                                                     "problem": exc.log_message})
        return None


def installation_jwks_update(*, installation: Installation, jwks: dict) -> None:
    """Save a JWKS that just verified a signature (FACTS.md §2.2, step 6)."""
    now = timezone.now()
    Installation.objects.filter(pk=installation.pk).update(jwks=jwks, jwks_fetched_at=now,
                                                           updated_at=now)
    installation.jwks = jwks
    installation.jwks_fetched_at = now


@dataclass(frozen=True)
class TokenRotationResult:
    rotated: int
    failed: list[int]


def installation_rotate_tokens() -> TokenRotationResult:
    """Re-encrypt every stored token with the newest APP_ENCRYPTION_KEYS key. Each row is locked
    and rewritten on its own; rows that no configured key decrypts are reported, not changed."""
    rotated, failed = 0, []
    for pk in Installation.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            installation = Installation.objects.select_for_update().get(pk=pk)
            try:
                installation.token_encrypted = secret_rotate(installation.token_encrypted)
            except SecretUnreadable:
                failed.append(pk)
                continue
            installation.save(update_fields=["token_encrypted", "updated_at"])
            rotated += 1
    return TokenRotationResult(rotated=rotated, failed=failed)


def installation_time_zone_set(*, installation: Installation, time_zone: str) -> tuple[str, str]:
    """Set the time zone of the installation's business dates (an IANA name, else
    INVALID_TIME_ZONE). Returns (before, after); the caller audits the change in the same
    transaction. Dates already written (issue and due dates) keep their values."""
    after = time_zone_validate(time_zone)
    with transaction.atomic():
        locked = Installation.objects.select_for_update().get(pk=installation.pk)
        before = locked.time_zone
        if before != after:
            Installation.objects.filter(pk=installation.pk).update(time_zone=after, updated_at=timezone.now())
    installation.time_zone = after
    return before, after


STOREFRONT_ORIGINS_MAX = 20


def installation_storefront_origins_set(*, installation: Installation,
                                        origins: list[str]) -> tuple[list[str], list[str]]:
    """Set the origins whose pages may hand a customer over to the buyer portal (normalized,
    de-duplicated, in the given order; [] allows any origin). One bad origin refuses the whole
    list (INVALID_STOREFRONT_ORIGIN, nothing written). Returns (before, after); the caller audits
    the change in the same transaction."""
    if not isinstance(origins, (list, tuple)) or len(origins) > STOREFRONT_ORIGINS_MAX:
        raise InvalidStorefrontOrigin(f"storefront origins: not a list of at most {STOREFRONT_ORIGINS_MAX}")
    after: list[str] = []
    for value in origins:
        normalized = storefront_origin_normalize(value) if isinstance(value, str) and len(value) <= 300 else None
        if normalized is None:
            raise InvalidStorefrontOrigin(f"not a storefront origin: {str(value)[:100]!r}")
        if normalized not in after:
            after.append(normalized)
    with transaction.atomic():
        locked = Installation.objects.select_for_update().get(pk=installation.pk)
        before = list(locked.storefront_origins or [])
        if before != after:
            Installation.objects.filter(pk=installation.pk).update(storefront_origins=after,
                                                                   updated_at=timezone.now())
    installation.storefront_origins = after
    return before, after
