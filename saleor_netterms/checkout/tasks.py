"""Thin Celery entrypoints of the checkout (safe to run twice)."""
from celery import shared_task

from .services import holds_expire


@shared_task(name="saleor_netterms.checkout.tasks.holds_expire_task", ignore_result=True)
def holds_expire_task() -> int:
    return holds_expire()
