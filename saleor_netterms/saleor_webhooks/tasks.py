"""Thin Celery entrypoints (safe to run twice)."""
from celery import shared_task

from .retention import webhook_records_prune


@shared_task(name="saleor_netterms.saleor_webhooks.tasks.webhook_records_prune_task", ignore_result=True)
def webhook_records_prune_task() -> dict:
    return webhook_records_prune()
