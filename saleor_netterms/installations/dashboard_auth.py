"""Authenticate requests from the app's page in the Dashboard iframe (FACTS.md §8.2, §8.3).

The page receives a short-lived RS256 JWT from the Dashboard (postMessage handshake) and sends it
to us in `authorization-bearer`, with `saleor-api-url` (app-sdk header convention). We check, as
app-sdk's verify-jwt does: the installation is known and active, the signature against its cached
JWKS (refetched once on failure — at most once per installation per cooldown — then saved), `exp`, `type == "thirdparty"`, `app` == the app id
stored at registration, and the required permissions ⊆ `user_permissions`. `aud` is only present
when a manifest declares `audience` (ours does not); when present it must equal
settings.APP_AUDIENCE (unset: refused)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import jwt
from django.conf import settings
from django.http import HttpRequest

from saleor_netterms.saleor_api.jwks import jwks_public_key

from .errors import (DashboardPermissionMissing, DashboardTokenExpired, DashboardTokenInvalid,
                     DashboardTokenMissing, DashboardTokenWrongApp)
from .models import Installation
from .selectors import installation_get_active
from .services import installation_jwks_refetch, installation_jwks_update

logger = logging.getLogger(__name__)

TOKEN_HEADER = "authorization-bearer"
SALEOR_API_URL_HEADER = "saleor-api-url"
THIRDPARTY_TOKEN_TYPE = "thirdparty"
LEEWAY_SECONDS = 10


@dataclass(frozen=True)
class DashboardPrincipal:
    installation: Installation
    user_id: str | None
    email: str | None
    user_permissions: frozenset[str]
    token_claims: dict = field(repr=False)


def _decode(token: str, key, *, audience: str | None) -> dict:
    return jwt.decode(
        token, key=key, algorithms=["RS256"], audience=audience, leeway=LEEWAY_SECONDS,
        options={"require": ["exp"], "verify_aud": audience is not None},
    )


def _verify_signature(token: str, installation: Installation) -> dict:
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise DashboardTokenInvalid(f"token does not parse: {type(exc).__name__}") from exc
    if header.get("alg") != "RS256":
        raise DashboardTokenInvalid(f"token alg {header.get('alg')!r} is not RS256")
    audience = None
    if "aud" in unverified:
        audience = getattr(settings, "APP_AUDIENCE", None)
        if not audience:
            raise DashboardTokenInvalid("token has an aud claim but no APP_AUDIENCE is configured")
    kid = header.get("kid")

    def attempt(jwks: dict) -> dict | None:
        key = jwks_public_key(jwks, kid)
        if key is None:
            return None
        try:
            return _decode(token, key, audience=audience)
        except jwt.InvalidSignatureError:
            return None

    try:
        claims = attempt(installation.jwks)
        if claims is None:  # unknown kid or bad signature: refetch the JWKS once (FACTS.md §2.2),
            # at most once per installation per cooldown (installation_jwks_refetch)
            fresh = installation_jwks_refetch(installation=installation)
            if fresh is None:
                raise DashboardTokenInvalid("signature not verified; no JWKS refetch (cooldown or unavailable)")
            claims = attempt(fresh)
            if claims is None:
                raise DashboardTokenInvalid("signature does not verify against Saleor's JWKS")
            installation_jwks_update(installation=installation, jwks=fresh)
    except jwt.ExpiredSignatureError as exc:
        raise DashboardTokenExpired("token expired") from exc
    except jwt.PyJWTError as exc:
        raise DashboardTokenInvalid(f"token rejected: {type(exc).__name__}") from exc
    return claims


def saleor_token_claims(token: str, installation: Installation) -> dict:
    """The verified claims of any RS256 token Saleor issued (Dashboard or customer tokens)."""
    return _verify_signature(token, installation)


def authenticate_dashboard_request(
        request: HttpRequest, *, required_permissions: tuple[str, ...] = ("HANDLE_PAYMENTS",),
) -> DashboardPrincipal:
    """Return the principal or raise a coded 401/403 NetTermsError."""
    token = request.headers.get(TOKEN_HEADER, "").strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    saleor_api_url = request.headers.get(SALEOR_API_URL_HEADER, "").strip()
    if not token or not saleor_api_url:
        raise DashboardTokenMissing("authorization-bearer or saleor-api-url header missing")
    installation = installation_get_active(saleor_api_url=saleor_api_url)
    claims = _verify_signature(token, installation)
    if claims.get("type") != THIRDPARTY_TOKEN_TYPE:
        raise DashboardTokenInvalid(f"token type {claims.get('type')!r} is not thirdparty")
    if claims.get("app") != installation.app_id:
        raise DashboardTokenWrongApp("token app claim does not match the installation")
    user_permissions = claims.get("user_permissions")
    if not isinstance(user_permissions, list):
        user_permissions = []
    missing = sorted(set(required_permissions) - set(user_permissions))
    if missing:
        raise DashboardPermissionMissing(
            f"staff user lacks {missing}",
            merchant_message=f"Your staff account lacks the permission(s): {', '.join(missing)}.")
    return DashboardPrincipal(
        installation=installation,
        user_id=claims.get("user_id"),
        email=claims.get("email"),
        user_permissions=frozenset(user_permissions),
        token_claims=claims,
    )
