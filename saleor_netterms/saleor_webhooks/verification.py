"""Trust checks for an inbound Saleor webhook, in order (FACTS.md §2.2 "How to verify", app-sdk
saleor-webhook-validator; recipient check as saleor/apps with-recipient-verification):

1. `Saleor-Api-Url`, `Saleor-Event`, `Saleor-Signature` present        → 400 MISSING_HEADER
2. `Saleor-Event` == the route's event in lower case (§2.1)            → 400 EVENT_MISMATCH
3. `Saleor-Api-Url` is an active installation                          → 401 UNKNOWN_SALEOR /
                                                                         403 INSTALLATION_REMOVED
4. detached RS256 JWS (`b64: false`, RFC 7797) over the RAW body against the cached JWKS; on an
   unknown kid or a failed check the JWKS is refetched ONCE, and saved if it verifies; at most one
   refetch per installation per SALEOR_JWKS_REFETCH_COOLDOWN_S (a cached miss: 401, no I/O)
                                                                       → 401 INVALID_SIGNATURE
5. body parses as a JSON object, floats as Decimal (§11), bounded (core.inbound.json_read)
                                                                       → 400 MALFORMED_PAYLOAD /
                                                                         400 INVALID_TEXT
6. `payload.recipient.id` == the installation's app id                 → 403 WRONG_RECIPIENT
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Mapping

import jwt
from django.conf import settings
from django.utils import timezone
from jwt import api_jws

from saleor_netterms.core.inbound import InvalidText, json_read
from saleor_netterms.core.inbound import MalformedPayload as JsonRefused
from saleor_netterms.installations.models import Installation
from saleor_netterms.installations.selectors import installation_get_active
from saleor_netterms.installations.services import installation_jwks_refetch, installation_jwks_update
from saleor_netterms.saleor_api.jwks import jwks_public_key

from .errors import EventMismatch, InvalidSignature, MalformedPayload, MissingHeader, WrongRecipient
from .registry import WebhookDefinition

logger = logging.getLogger(__name__)

REQUIRED_HEADERS = ("Saleor-Api-Url", "Saleor-Event", "Saleor-Signature")


@dataclass(frozen=True)
class VerifiedWebhook:
    installation: Installation
    payload: dict


def signature_verify(*, raw_body: bytes, signature: str, jwks: dict) -> None:
    """Verify Saleor's detached JWS over the exact body bytes. Raises InvalidSignature."""
    try:
        header = jwt.get_unverified_header(signature)
    except jwt.PyJWTError as exc:
        raise InvalidSignature(f"signature header unreadable: {type(exc).__name__}") from exc
    if header.get("alg") != "RS256":
        raise InvalidSignature(f"signature alg {header.get('alg')!r} is not RS256")
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise InvalidSignature("signature is not a detached JWS")
    key = jwks_public_key(jwks, header.get("kid"))
    if key is None:
        raise InvalidSignature(f"no key {header.get('kid')!r} in the JWKS")
    try:
        api_jws.decode_complete(signature, key=key, algorithms=["RS256"], detached_payload=raw_body)
    except jwt.PyJWTError as exc:
        raise InvalidSignature(f"signature does not verify: {type(exc).__name__}") from exc


def _jwks_is_stale(installation: Installation) -> bool:
    fetched = installation.jwks_fetched_at
    return fetched is None or timezone.now() - fetched > timedelta(seconds=settings.SALEOR_JWKS_TTL)


def installation_signature_verify(*, installation: Installation, raw_body: bytes,
                                  signature: str) -> None:
    """Verify against the cached JWKS; on failure refetch once (at most once per installation per
    SALEOR_JWKS_REFETCH_COOLDOWN_S: inside the cooldown a miss is a 401 without any I/O) and save
    the JWKS if it verifies."""
    refetched = False
    if _jwks_is_stale(installation):  # settings.SALEOR_JWKS_TTL: refresh before trusting it
        fresh = installation_jwks_refetch(installation=installation)
        if fresh is not None:
            installation_jwks_update(installation=installation, jwks=fresh)
            refetched = True
        else:
            logger.warning("stale JWKS kept: no refetch", extra={"installation_id": installation.pk})
    try:
        signature_verify(raw_body=raw_body, signature=signature, jwks=installation.jwks)
        return
    except InvalidSignature as first:
        if refetched:
            raise
        fresh = installation_jwks_refetch(installation=installation)
        if fresh is None:
            raise InvalidSignature(f"{first.log_message}; no JWKS refetch (cooldown, or Saleor did not answer)") \
                from first
    signature_verify(raw_body=raw_body, signature=signature, jwks=fresh)
    installation_jwks_update(installation=installation, jwks=fresh)
    logger.info("jwks rotated", extra={"installation_id": installation.pk})


def webhook_verify(*, definition: WebhookDefinition, headers: Mapping[str, str],
                   raw_body: bytes, installation: Installation | None = None) -> VerifiedWebhook:
    """`installation`: the one the delivery was recorded with (looked up by the same header)."""
    missing = [name for name in REQUIRED_HEADERS if not (headers.get(name) or "").strip()]
    if missing:
        raise MissingHeader(f"missing header(s): {', '.join(missing)}",
                            merchant_message=f"Missing header(s): {', '.join(missing)}.")
    event = headers["Saleor-Event"].strip()
    if event != definition.saleor_event_header:
        raise EventMismatch(f"Saleor-Event {event[:64]!r} on the {definition.event} route")
    installation = installation_get_active(saleor_api_url=headers["Saleor-Api-Url"].strip(), found=installation)
    installation_signature_verify(installation=installation, raw_body=raw_body,
                                  signature=headers["Saleor-Signature"].strip())
    try:
        payload = json_read(raw_body)
    except (JsonRefused, InvalidText) as exc:
        raise MalformedPayload(exc.log_message, code=exc.code) from exc
    if not isinstance(payload, dict):
        raise MalformedPayload("body is not a JSON object")
    recipient = payload.get("recipient")
    recipient_id = recipient.get("id") if isinstance(recipient, dict) else None
    if recipient_id != installation.app_id:
        raise WrongRecipient(f"recipient {recipient_id!r} is not app {installation.app_id!r}")
    return VerifiedWebhook(installation=installation, payload=payload)
