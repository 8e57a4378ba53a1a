"""Thin Celery entrypoints of the decisions domain (safe to run twice)."""
from celery import shared_task

from .recommendations import limit_recommendations_run


@shared_task(name="saleor_netterms.decisions.tasks.limit_recommendations", ignore_result=True)
def limit_recommendations() -> dict:
    """Daily: propose credit-limit changes from payment history as approval requests."""
    return limit_recommendations_run()
