"""How long inbound webhook records are kept (settings; README "Security model").

- `WebhookDispatch` (the exactly-once record: a duplicate of a processed body gets the stored
  answer): kept `WEBHOOK_DISPATCH_RETENTION_DAYS` (default 90). Saleor retries an async delivery
  for about five minutes (10 s doubling, 5 retries, FACTS.md §2.3) and never retries a sync one; a
  person may re-send a delivery later (`eventDeliveryRetry`), so the default is generous, and it
  is never less than a day. A body re-sent after its dispatch is gone reaches the handler, whose
  domain checks (one transaction per Saleor transaction, one receivable per capture request, …)
  still give one effect.
- `WebhookDelivery` (one row per HTTP request, for the merchant and for support): kept
  `WEBHOOK_DELIVERY_RETENTION_DAYS` (default 30); refused ones (failed verification — a
  stranger's posts) `WEBHOOK_REFUSED_RETENTION_DAYS` (default 7). A delivery that is still the
  first delivery of a kept dispatch stays until the dispatch goes.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from saleor_netterms.core.retention import delete_in_batches

from .models import DeliveryOutcome, WebhookDelivery, WebhookDispatch

logger = logging.getLogger(__name__)

MIN_DISPATCH_RETENTION_DAYS = 1


def webhook_records_prune(*, now=None) -> dict[str, int]:
    """Delete dispatches and deliveries past their retention. Safe to run twice (idempotent)."""
    now = now or timezone.now()
    dispatch_days = max(MIN_DISPATCH_RETENTION_DAYS, settings.WEBHOOK_DISPATCH_RETENTION_DAYS)
    dispatches = delete_in_batches(
        WebhookDispatch.objects.filter(processed_at__lt=now - timedelta(days=dispatch_days)))
    kept_first = WebhookDispatch.objects.values("first_delivery_id")
    refused = delete_in_batches(
        WebhookDelivery.objects.filter(
            outcome=DeliveryOutcome.REFUSED,
            received_at__lt=now - timedelta(days=settings.WEBHOOK_REFUSED_RETENTION_DAYS))
        .exclude(pk__in=kept_first))
    deliveries = delete_in_batches(
        WebhookDelivery.objects.filter(received_at__lt=now - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS))
        .exclude(pk__in=kept_first))
    result = {"dispatches": dispatches, "deliveries": deliveries + refused}
    logger.info("webhook records pruned", extra=result)
    return result
