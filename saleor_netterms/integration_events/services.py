"""Publishing integration events.

`event_publish` is called by a domain service inside its own transaction: the event row and one
outbox message per subscribed endpoint commit with the change, or not at all. Delivery starts
after commit (outbox → `saleor_netterms.erp_webhooks.delivery.erp_webhook_deliver`). The same
`dedupe_key` published twice is one event.
Endpoints are managed in `saleor_netterms.erp_webhooks.services`.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets as pysecrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_enqueue

from . import catalogue
from .errors import EventPayloadInvalid
from .models import IntegrationEvent, WebhookEndpoint

logger = logging.getLogger(__name__)

DELIVERY_KIND = "erp.webhook"


def jsonable(value):
    """Decimals as exact strings, dates and times as ISO 8601 (UTC with Z), recursively."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return iso_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def iso_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def event_envelope(event: IntegrationEvent) -> dict:
    """The body every channel (webhook, pull API) carries for one event."""
    return {
        "id": event.public_id,
        "type": event.versioned_type,
        "time": iso_time(event.occurred_at),
        "sequence": event.pk,
        "installation": {"id": event.installation_id, "saleorApiUrl": event.installation.saleor_api_url},
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "data": event.data,
    }


def event_validate(envelope: dict) -> list[str]:
    """Problems of an envelope against its type's schema (empty list: valid)."""
    try:
        validator = catalogue.validator_for(envelope["type"])
    except KeyError:
        return [f"no schema for {envelope.get('type')!r}"]
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(envelope)]


def _subject_key(subject_type: str, subject_id: str) -> str:
    return f"{subject_type}:{subject_id}"


def event_publish(*, installation, type: str, subject_type: str, subject_id, data: dict,
                  dedupe_key: str | None = None, occurred_at: dt.datetime | None = None) -> IntegrationEvent:
    """Record one event in the caller's transaction and queue it to every active endpoint of the
    installation subscribed to `type`. `dedupe_key` (default: a fresh one) makes it idempotent."""
    version = catalogue.EVENT_TYPES.get(type, {}).get("version")
    if version is None:
        raise catalogue.UnknownEventType(type)
    subject_id = str(subject_id)
    dedupe_key = dedupe_key or f"{type}:{subject_id}:{pysecrets.token_hex(8)}"
    existing = IntegrationEvent.objects.filter(installation=installation, dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    event = IntegrationEvent(installation=installation, type=type, version=version,
                             occurred_at=occurred_at or timezone.now(), subject_type=subject_type,
                             subject_id=subject_id, data=jsonable(data), dedupe_key=dedupe_key)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        return IntegrationEvent.objects.get(installation=installation, dedupe_key=dedupe_key)
    problems = event_validate(event_envelope(event))
    if problems:
        if settings.INTEGRATION_EVENTS_VALIDATION == "strict":
            raise EventPayloadInvalid(f"{event.versioned_type} does not match its schema: {problems}")
        logger.error("integration event does not match its schema",
                     extra={"type": event.versioned_type, "problems": problems[:5]})
    for endpoint in WebhookEndpoint.objects.filter(installation=installation, is_active=True):
        if endpoint.subscribes_to(type):
            event_delivery_enqueue(event=event, endpoint=endpoint, trigger="event")
    return event


def event_delivery_enqueue(*, event: IntegrationEvent, endpoint: WebhookEndpoint, trigger: str,
                      batch: str = "") -> OutboxMessage:
    suffix = f":{trigger}:{batch}" if batch else ""
    ordering = f"erp:{endpoint.pk}:{_subject_key(event.subject_type, event.subject_id)}{suffix}"
    return outbox_enqueue(installation=event.installation, kind=DELIVERY_KIND,
                          payload={"event_id": event.pk, "endpoint_id": endpoint.pk, "trigger": trigger},
                          dedupe_key=f"erp-webhook:{event.pk}:{endpoint.pk}{suffix}", ordering_key=ordering)
