"""Thin Celery entrypoints of the use cases that span domains (safe to run twice)."""
from celery import shared_task

from .checkout import holds_expire
from .recommendations import limit_recommendations_run


@shared_task(name="saleor_netterms.workflows.tasks.holds_expire_task", ignore_result=True)
def holds_expire_task() -> int:
    """Hourly: release holds of checkouts that never became an order (and their reviews)."""
    return holds_expire()


@shared_task(name="saleor_netterms.workflows.tasks.limit_recommendations", ignore_result=True)
def limit_recommendations() -> dict:
    """Daily: propose credit-limit changes from payment history as approval requests."""
    return limit_recommendations_run()
