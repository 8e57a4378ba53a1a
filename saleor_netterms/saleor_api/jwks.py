"""Saleor's signing keys: `GET <scheme://netloc>/.well-known/jwks.json` (FACTS.md §2.2).

Used by registration (FACTS.md §1.3 step 5), webhook verification (§2.2) and Dashboard token
verification (§8.3). Saleor core serves only its current key, so a rotation replaces the kid at
once; callers refetch once when a signature does not verify."""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from django.conf import settings
from jwt.algorithms import RSAAlgorithm

from .errors import JwksUnavailable
from .http import http_session

logger = logging.getLogger(__name__)


def jwks_url_for(saleor_api_url: str) -> str:
    parts = urlsplit(saleor_api_url)
    return f"{parts.scheme}://{parts.netloc}/.well-known/jwks.json"


def jwks_fetch(*, saleor_api_url: str) -> dict:
    """Fetch and shape-check the JWKS. Raises JwksUnavailable (no retries: callers refetch once)."""
    url = jwks_url_for(saleor_api_url)
    try:
        response = http_session().get(url, timeout=settings.SALEOR_HTTP_TIMEOUT,
                                      allow_redirects=False)
    except requests.RequestException as exc:
        raise JwksUnavailable(f"JWKS fetch failed: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise JwksUnavailable(f"JWKS fetch answered HTTP {response.status_code}")
    try:
        jwks = response.json()
    except ValueError as exc:
        raise JwksUnavailable("JWKS is not JSON") from exc
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys or not all(isinstance(k, dict) for k in keys):
        raise JwksUnavailable("JWKS has no keys")
    logger.info("jwks fetched", extra={"saleor_api_url": saleor_api_url,
                                       "kids": [k.get("kid") for k in keys]})
    return {"keys": keys}


@lru_cache(maxsize=64)
def _rsa_key_from_jwk(jwk_json: str):
    return RSAAlgorithm.from_jwk(jwk_json)


def jwks_public_key(jwks: dict | None, kid: str | None):
    """The RSA public key for `kid`, or None when the JWKS has no such RSA key (parsed keys are
    cached by their JWK text, so each webhook does not re-parse the modulus)."""
    if not kid or not isinstance(jwks, dict):
        return None
    for jwk in jwks.get("keys") or []:
        if isinstance(jwk, dict) and jwk.get("kid") == kid and jwk.get("kty") == "RSA":
            try:
                return _rsa_key_from_jwk(json.dumps(jwk, sort_keys=True))
            except (ValueError, KeyError, TypeError):
                return None
    return None


def jwks_kids(jwks: dict | None) -> list[str]:
    if not isinstance(jwks, dict):
        return []
    return [k.get("kid") for k in jwks.get("keys") or [] if isinstance(k, dict) and k.get("kid")]
