"""Thin Celery entrypoints (safe to run twice)."""
from celery import shared_task

from .events import receivables_overdue_publish


@shared_task(name="saleor_netterms.receivables.tasks.receivables_overdue_task", ignore_result=True)
def receivables_overdue_task() -> int:
    return receivables_overdue_publish()
