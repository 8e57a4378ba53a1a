"""Scheduled: the weekly receivables summary (digest.py), hourly; it sends on Monday mornings."""
from __future__ import annotations

from celery import shared_task

from saleor_netterms.installations.models import Installation, InstallationStatus

from .digest import digests_send_due


@shared_task(name="saleor_netterms.receivables_reports.tasks.receivables_digest_task", ignore_result=True)
def receivables_digest_task() -> int:
    return digests_send_due(installations=Installation.objects.filter(status=InstallationStatus.ACTIVE))
