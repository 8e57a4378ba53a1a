"""Periodic issuing (Celery beat; schedule entries are listed in the invoicing report):
`invoices_issue_pending_task` hourly, `invoices_issue_consolidated_task` daily."""
from __future__ import annotations

from celery import shared_task
from saleor_netterms.core.business_time import business_today

from .models import CompanyInvoicingSettings, InvoicingPolicy
from .services import consolidation_period_end, invoices_issue_consolidated, invoices_issue_pending


@shared_task
def invoices_issue_pending_task() -> int:
    return invoices_issue_pending()


@shared_task
def invoices_issue_consolidated_task() -> int:
    count = 0
    for settings in CompanyInvoicingSettings.objects.filter(policy__in=[
            InvoicingPolicy.CONSOLIDATED_WEEKLY, InvoicingPolicy.CONSOLIDATED_MONTHLY]).select_related(
                "company__installation"):
        today = business_today(settings.company.installation)  # the merchant's calendar day
        period_end = consolidation_period_end(policy=settings.policy, today=today)
        count += len(invoices_issue_consolidated(company=settings.company, period_end=period_end))
    return count
