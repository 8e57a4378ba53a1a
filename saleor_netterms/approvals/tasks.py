"""Thin Celery entrypoints: call the service (safe to run twice)."""
from celery import shared_task

from .services import approvals_sweep


@shared_task(name="saleor_netterms.approvals.tasks.approvals_sweep_task", ignore_result=True)
def approvals_sweep_task() -> dict:
    return approvals_sweep()
