"""Periodic issuing (Celery beat; schedule entries are listed in the invoicing report):
`invoices_issue_pending_task` hourly, `invoices_issue_consolidated_task` daily."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import CompanyInvoicingSettings, InvoicingPolicy
from .services import consolidation_period_end, invoices_issue_consolidated, invoices_issue_pending


@shared_task
def invoices_issue_pending_task() -> int:
    return invoices_issue_pending()


@shared_task
def invoices_issue_consolidated_task() -> int:
    today = timezone.localdate()
    count = 0
    for settings in CompanyInvoicingSettings.objects.filter(policy__in=[
            InvoicingPolicy.CONSOLIDATED_WEEKLY, InvoicingPolicy.CONSOLIDATED_MONTHLY]).select_related("company"):
        period_end = consolidation_period_end(policy=settings.policy, today=today)
        count += len(invoices_issue_consolidated(company=settings.company, period_end=period_end))
    return count
