"""The collections beat job: every hour, each installation's run (a company is acted on once a
day — the send window and the per-day keys make the other runs of the day no-ops)."""
from __future__ import annotations

from celery import shared_task

from saleor_netterms.installations.models import Installation, InstallationStatus

from .services import collections_run


@shared_task
def collections_run_task() -> dict[str, int]:
    totals: dict[str, int] = {}
    for installation in Installation.objects.filter(status=InstallationStatus.ACTIVE):
        report = collections_run(installation=installation)
        for action, count in report.by_action().items():
            totals[action] = totals.get(action, 0) + count
    return totals
