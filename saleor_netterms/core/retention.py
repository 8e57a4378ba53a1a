"""Deleting old rows in small batches (scheduled retention jobs), so a prune never holds a long
transaction or locks a large table."""
from __future__ import annotations

from django.db import transaction

PRUNE_BATCH_SIZE = 2000


def delete_in_batches(queryset, *, batch_size: int = PRUNE_BATCH_SIZE) -> int:
    """Delete every row of `queryset` (re-evaluated per batch), oldest ids first; return how many."""
    deleted = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += queryset.model.objects.filter(pk__in=ids).delete()[1].get(queryset.model._meta.label, 0)
        if len(ids) < batch_size:
            return deleted
