"""Reads of webhook deliveries (the app page's status card)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from saleor_netterms.installations.models import Installation

from .models import DeliveryOutcome, WebhookDelivery


@dataclass(frozen=True)
class DeliveryStats:
    total: int
    processed: int
    duplicates: int
    refused: int
    failed: int


def webhook_delivery_stats(*, installation: Installation, since: datetime) -> DeliveryStats:
    row = WebhookDelivery.objects.filter(installation=installation, received_at__gte=since).aggregate(
        total=Count("id"),
        processed=Count("id", filter=Q(outcome=DeliveryOutcome.PROCESSED)),
        duplicates=Count("id", filter=Q(outcome=DeliveryOutcome.DUPLICATE)),
        refused=Count("id", filter=Q(outcome=DeliveryOutcome.REFUSED)),
        failed=Count("id", filter=Q(outcome=DeliveryOutcome.FAILED)),
    )
    return DeliveryStats(**row)
