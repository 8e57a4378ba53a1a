"""Delivering integration events to ERP endpoints: Standard Webhooks over HTTPS.

The outbox calls `erp_webhook_deliver(message)` after commit, one message per (event, endpoint),
in order per subject (the outbox's ordering key). Each attempt:

- builds the body from the stored event (byte-identical on every attempt and redelivery) and
  signs it with the `standardwebhooks` package: `webhook-id` = the event id (an ERP that
  deduplicates on it sees one event however often it is delivered), `webhook-timestamp`, and
  `webhook-signature` with one `v1,<base64 HMAC-SHA256 of id.timestamp.body>` per current secret
  (several during a rotation);
- re-checks the URL (no private or loopback targets in production, also after DNS changes);
- POSTs with ERP_WEBHOOK_TIMEOUT_S, no redirects, and logs the attempt (WebhookAttempt: status,
  time, duration, a bit of the answer or the error).

A 2xx is delivered. Anything else (or a timeout) is retried: ERP_WEBHOOK_RETRY_BASE_S doubling,
capped at ERP_WEBHOOK_RETRY_MAX_DELAY_S, until the next try would fall outside
ERP_WEBHOOK_RETRY_WINDOW_HOURS (3 days) — then the message is dead (shown in the delivery log,
redeliverable). An endpoint that has failed without a single success for
ERP_WEBHOOK_DISABLE_AFTER_HOURS is disabled, audited, and its alert address gets an e-mail."""
from __future__ import annotations

import json
import logging
import time
from datetime import UTC, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from saleor_netterms.audit.services import audit_record
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.integration_events.models import IntegrationEvent, WebhookAttempt, WebhookEndpoint
from saleor_netterms.integration_events.services import event_envelope
from saleor_netterms.integration_events.urlcheck import webhook_url_check
from saleor_netterms.outbox.services import DeliveryRejected, DeliveryRetry, outbox_enqueue

from .services import endpoint_signing_secrets

logger = logging.getLogger(__name__)

USER_AGENT = "saleor-netterms-webhooks/1"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    seconds = settings.ERP_WEBHOOK_RETRY_BASE_S * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.ERP_WEBHOOK_RETRY_MAX_DELAY_S))


def retry_schedule() -> list[timedelta]:
    """Every wait, in order, that fits into the retry window (the documented schedule)."""
    window = timedelta(hours=settings.ERP_WEBHOOK_RETRY_WINDOW_HOURS)
    waits, total, n = [], timedelta(0), 1
    while total + retry_delay(n) <= window:
        total += retry_delay(n)
        waits.append(retry_delay(n))
        n += 1
    return waits


def webhook_body(event: IntegrationEvent) -> str:
    return json.dumps(event_envelope(event), separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def webhook_headers(*, event: IntegrationEvent, body: str, secrets: list[str], now=None) -> dict[str, str]:
    now = (now or timezone.now()).astimezone(UTC)
    msg_id = event.public_id
    signatures = " ".join(Webhook(secret).sign(msg_id=msg_id, timestamp=now, data=body) for secret in secrets)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signatures, "content-type": "application/json", "user-agent": USER_AGENT}


def erp_webhook_deliver(message) -> dict:
    payload = message.payload
    event = IntegrationEvent.objects.select_related("installation").filter(pk=payload["event_id"]).first()
    endpoint = WebhookEndpoint.objects.filter(pk=payload["endpoint_id"]).first()
    if event is None or endpoint is None:
        raise DeliveryRejected("the event or the endpoint no longer exists")
    if not endpoint.is_active:
        raise DeliveryRejected(f"endpoint {endpoint.pk} is disabled: {endpoint.disabled_reason or 'by staff'}")
    body = webhook_body(event)
    started = timezone.now()
    status, answer, error = None, "", ""
    clock = time.monotonic()
    try:
        webhook_url_check(endpoint.url)
        headers = webhook_headers(event=event, body=body, secrets=endpoint_signing_secrets(endpoint), now=started)
        timeout = settings.ERP_WEBHOOK_TIMEOUT_S
        response = requests.post(endpoint.url, data=body.encode(), headers=headers,
                                 timeout=(min(5.0, timeout), timeout), allow_redirects=False)
        status, answer = response.status_code, response.text[:1000]
    except NetTermsError as exc:
        error = f"{exc.code}: {exc.log_message}"
    except requests.Timeout:
        error = f"timeout after {settings.ERP_WEBHOOK_TIMEOUT_S:g} s"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
    succeeded = status is not None and 200 <= status < 300
    WebhookAttempt.objects.create(
        endpoint=endpoint, event=event, outbox_message_id=message.pk, attempted_at=started,
        duration_ms=int((time.monotonic() - clock) * 1000), response_status=status, response_body=answer,
        error=error[:1000], succeeded=succeeded, trigger=payload.get("trigger", "event"))
    if succeeded:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None, last_success_at=started)
        return {"status": status, "attempt": message.attempts}
    _failure(endpoint=endpoint, message=message, now=started, what=error or f"HTTP {status}")
    raise AssertionError("unreachable")  # pragma: no cover


def _failure(*, endpoint: WebhookEndpoint, message, now, what: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
    endpoint.refresh_from_db(fields=["failing_since", "is_active"])
    if endpoint.failing_since and now - endpoint.failing_since >= timedelta(
            hours=settings.ERP_WEBHOOK_DISABLE_AFTER_HOURS):
        endpoint_disable_for_failing(endpoint=endpoint, now=now, last_error=what)
        raise DeliveryRejected(f"{what}; endpoint disabled after failing since {endpoint.failing_since:%Y-%m-%d %H:%M}")
    delay = retry_delay(message.attempts)
    if sum(retry_delay(n).total_seconds() for n in range(1, message.attempts + 1)) > \
            settings.ERP_WEBHOOK_RETRY_WINDOW_HOURS * 3600:
        raise DeliveryRejected(f"{what}; gave up after {message.attempts} attempts "
                               f"({settings.ERP_WEBHOOK_RETRY_WINDOW_HOURS:g} h)")
    logger.warning("erp webhook failed, will retry", extra={"endpoint": endpoint.pk, "message_id": message.pk,
                                                           "attempts": message.attempts, "error": what})
    raise DeliveryRetry(what, retry_in=delay)


def endpoint_disable_for_failing(*, endpoint: WebhookEndpoint, now, last_error: str) -> None:
    """Disable an endpoint that keeps failing, audit it and alert the merchant (e-mail, once)."""
    reason = f"Failing since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC; last error: {last_error}"[:255]
    with transaction.atomic():
        changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=now, disabled_reason=reason)
        if not changed:
            return
        audit_record(installation=endpoint.installation, actor="system", action="webhook_endpoint.disabled",
                     object_type="webhook_endpoint", object_id=endpoint.pk,
                     before={"is_active": True}, after={"is_active": False}, reason=reason)
        if endpoint.alert_email:
            outbox_enqueue(installation=endpoint.installation, kind="email.erp_webhook_disabled",
                           payload={"endpoint_id": endpoint.pk, "reason": reason},
                           dedupe_key=f"erp-webhook-disabled:{endpoint.pk}:{now.isoformat()}")
    logger.error("erp webhook endpoint disabled", extra={"endpoint": endpoint.pk, "reason": reason})
