"""Reads of webhook deliveries (the app page's status card)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from saleor_netterms.installations.models import Installation

from .models import DeliveryOutcome, WebhookDelivery, WebhookIntakeFailure


@dataclass(frozen=True)
class DeliveryStats:
    total: int
    processed: int
    duplicates: int
    refused: int
    failed: int
    not_recorded: int  # failed before their delivery row existed (also in total and failed)


def webhook_delivery_stats(*, installation: Installation, since: datetime) -> DeliveryStats:
    row = WebhookDelivery.objects.filter(installation=installation, received_at__gte=since).aggregate(
        total=Count("id"),
        processed=Count("id", filter=Q(outcome=DeliveryOutcome.PROCESSED)),
        duplicates=Count("id", filter=Q(outcome=DeliveryOutcome.DUPLICATE)),
        refused=Count("id", filter=Q(outcome=DeliveryOutcome.REFUSED)),
        failed=Count("id", filter=Q(outcome=DeliveryOutcome.FAILED)),
    )
    not_recorded = WebhookIntakeFailure.objects.filter(installation=installation,
                                                       occurred_at__gte=since).count()
    return DeliveryStats(total=row["total"] + not_recorded, processed=row["processed"],
                         duplicates=row["duplicates"], refused=row["refused"],
                         failed=row["failed"] + not_recorded, not_recorded=not_recorded)
