"""Managing ERP webhook endpoints: create, change, rotate the secret, delete; redeliver one
event, replay a time range. Every change is audited in its own transaction.

Secrets are Standard Webhooks secrets (`whsec_` + base64 of 32 random bytes), shown once when
created or rotated and stored Fernet-encrypted (APP_ENCRYPTION_KEYS). A rotation keeps the older
secrets signing for ERP_WEBHOOK_SECRET_OVERLAP_HOURS, so a receiver can switch without losing a
delivery (the `webhook-signature` header then carries one `v1,…` per secret)."""
from __future__ import annotations

import base64
import datetime as dt
import secrets as pysecrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saleor_netterms.audit.services import audit_record
from saleor_netterms.core.crypto import secret_decrypt, secret_encrypt
from saleor_netterms.integration_events import catalogue
from saleor_netterms.integration_events.errors import WebhookEndpointInvalid
from saleor_netterms.integration_events.models import IntegrationEvent, WebhookEndpoint
from saleor_netterms.integration_events.services import DELIVERY_KIND, event_delivery_enqueue, iso_time
from saleor_netterms.integration_events.urlcheck import webhook_url_check
from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import outbox_restart, outbox_retry


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(pysecrets.token_bytes(32)).decode()


def _event_types_check(event_types) -> list[str]:
    if event_types is None:
        return []
    if not isinstance(event_types, (list, tuple)) or not all(isinstance(t, str) for t in event_types):
        raise WebhookEndpointInvalid(f"event types must be a list of strings: {event_types!r}")
    unknown = sorted(set(event_types) - set(catalogue.EVENT_TYPES))
    if unknown:
        raise WebhookEndpointInvalid(f"unknown event types {unknown}", merchant_message=(
            f"Unknown event types: {', '.join(unknown)}. Known: {', '.join(sorted(catalogue.EVENT_TYPES))}."))
    return sorted(set(event_types))


def _endpoint_view(endpoint: WebhookEndpoint) -> dict:
    return {"url": endpoint.url, "event_types": endpoint.event_types, "is_active": endpoint.is_active,
            "description": endpoint.description, "alert_email": endpoint.alert_email}


def endpoint_create(*, installation, url: str, event_types: list[str] | None = None, description: str = "",
                    alert_email: str = "", actor: str = "system") -> tuple[WebhookEndpoint, str]:
    """Create an active endpoint; returns it and its signing secret (shown this once)."""
    url = webhook_url_check(url)
    if len(url) > 1024:
        raise WebhookEndpointInvalid("url too long", merchant_message="The URL is longer than 1024 characters.")
    secret = _new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            installation=installation, url=url, event_types=_event_types_check(event_types),
            description=(description or "").strip()[:255], alert_email=(alert_email or "").strip(),
            secrets=[{"id": 1, "secret": secret_encrypt(secret), "created_at": iso_time(timezone.now()),
                      "expires_at": None}])
        audit_record(installation=installation, actor=actor, action="webhook_endpoint.create",
                     object_type="webhook_endpoint", object_id=endpoint.pk, after=_endpoint_view(endpoint))
    return endpoint, secret


def endpoint_update(*, endpoint: WebhookEndpoint, url: str = UNSET, event_types: list[str] = UNSET,
                    description: str = UNSET, is_active: bool = UNSET, alert_email: str = UNSET,
                    actor: str = "system") -> WebhookEndpoint:
    before = _endpoint_view(endpoint)
    if url is not UNSET:
        endpoint.url = webhook_url_check(url)
    if event_types is not UNSET:
        endpoint.event_types = _event_types_check(event_types)
    if description is not UNSET:
        endpoint.description = (description or "").strip()[:255]
    if alert_email is not UNSET:
        endpoint.alert_email = (alert_email or "").strip()
    if is_active is not UNSET:
        if is_active and not endpoint.is_active:
            endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, "", None
        endpoint.is_active = bool(is_active)
    with transaction.atomic():
        endpoint.save()
        audit_record(installation=endpoint.installation, actor=actor, action="webhook_endpoint.update",
                     object_type="webhook_endpoint", object_id=endpoint.pk, before=before,
                     after=_endpoint_view(endpoint))
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint, actor: str = "system") -> None:
    with transaction.atomic():
        audit_record(installation=endpoint.installation, actor=actor, action="webhook_endpoint.delete",
                     object_type="webhook_endpoint", object_id=endpoint.pk, before=_endpoint_view(endpoint))
        endpoint.delete()


def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor: str = "system",
                           overlap: dt.timedelta | None = None) -> str:
    """A new signing secret (returned, shown once). Unexpired older secrets keep signing until
    now + overlap (ERP_WEBHOOK_SECRET_OVERLAP_HOURS), then only the new one signs."""
    overlap = overlap if overlap is not None else dt.timedelta(hours=settings.ERP_WEBHOOK_SECRET_OVERLAP_HOURS)
    now = timezone.now()
    secret = _new_secret()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        kept, until = [], now + overlap
        for entry in locked.secrets:
            expires = _expiry(entry)
            if expires is not None and expires <= now:
                continue
            kept.append({**entry, "expires_at": iso_time(until if expires is None else min(expires, until))})
        next_id = max((e["id"] for e in locked.secrets), default=0) + 1
        locked.secrets = [{"id": next_id, "secret": secret_encrypt(secret), "created_at": iso_time(now),
                           "expires_at": None}, *kept]
        locked.save(update_fields=["secrets", "updated_at"])
        audit_record(installation=locked.installation, actor=actor, action="webhook_endpoint.secret_rotate",
                     object_type="webhook_endpoint", object_id=locked.pk,
                     after={"secret_id": next_id, "previous_valid_until": iso_time(now + overlap)})
    endpoint.secrets = locked.secrets
    return secret


def _expiry(entry: dict) -> dt.datetime | None:
    expires = entry.get("expires_at")
    return None if expires is None else dt.datetime.fromisoformat(expires.replace("Z", "+00:00"))


def endpoint_signing_secrets(endpoint: WebhookEndpoint, *, now: dt.datetime | None = None) -> list[str]:
    """The plaintext secrets that sign right now, newest first."""
    now = now or timezone.now()
    out = []
    for entry in endpoint.secrets:
        expires = _expiry(entry)
        if expires is not None and expires <= now:
            continue
        out.append(secret_decrypt(entry["secret"]))
    return out


# --- redelivery and replay -------------------------------------------------------------------

def event_redeliver(*, event: IntegrationEvent, endpoint: WebhookEndpoint, actor: str = "system") -> OutboxMessage:
    """Send one event to one endpoint again, with the same webhook-id. A delivery that is still
    pending or gave up is restarted (its retry schedule begins again, and the later events of the
    same subject that wait behind it follow); a delivered one is sent once more."""
    if event.installation_id != endpoint.installation_id:
        raise WebhookEndpointInvalid("event and endpoint belong to different installations")
    with transaction.atomic():
        original = OutboxMessage.objects.filter(installation_id=event.installation_id, kind=DELIVERY_KIND,
                                                dedupe_key=f"erp-webhook:{event.pk}:{endpoint.pk}").first()
        if original is not None and original.status != OutboxStatus.DELIVERED:
            message = (outbox_retry(message=original) if original.status == OutboxStatus.DEAD
                       else outbox_restart(message=original))
        else:
            batch = pysecrets.token_hex(6)
            message = event_delivery_enqueue(event=event, endpoint=endpoint, trigger="redeliver", batch=batch)
        audit_record(installation=event.installation, actor=actor, action="webhook_event.redeliver",
                     object_type="webhook_endpoint", object_id=endpoint.pk,
                     after={"event": event.public_id, "type": event.versioned_type})
    return message


def events_replay(*, endpoint: WebhookEndpoint, since: dt.datetime, until: dt.datetime,
                  actor: str = "system") -> int:
    """Queue every event of the installation in [since, until) the endpoint subscribes to, in
    sequence order (same ids as before: a receiver that deduplicates by webhook-id sees each
    once). Returns how many were queued."""
    if until <= since:
        raise WebhookEndpointInvalid("until must be after since",
                                     merchant_message="The end of the range must be after its start.")
    if not endpoint.is_active:
        raise WebhookEndpointInvalid("endpoint inactive",
                                     merchant_message="Activate the endpoint before replaying events to it.")
    batch = pysecrets.token_hex(6)
    count = 0
    with transaction.atomic():
        events = (IntegrationEvent.objects.filter(installation_id=endpoint.installation_id,
                                                  occurred_at__gte=since, occurred_at__lt=until)
                  .select_related("installation").order_by("id"))
        for event in events.iterator():
            if endpoint.subscribes_to(event.type):
                event_delivery_enqueue(event=event, endpoint=endpoint, trigger="replay", batch=batch)
                count += 1
        audit_record(installation=endpoint.installation, actor=actor, action="webhook_event.replay",
                     object_type="webhook_endpoint", object_id=endpoint.pk,
                     after={"since": iso_time(since), "until": iso_time(until), "events": count})
    return count
