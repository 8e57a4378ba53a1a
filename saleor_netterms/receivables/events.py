"""receivable.overdue (webhooks/receivable.overdue.v1): once per receivable and due date, when
a receivable is past due with money still open. A daily job calls `receivables_overdue_publish`;
running it twice publishes nothing new."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from saleor_netterms.companies.events import company_ref
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.money import Money
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.integration_events.services import event_publish
from saleor_netterms.ledger import selectors as ledger_selectors

from .models import Receivable, ReceivableStatus


def _dedupe_key(receivable: Receivable) -> str:
    return f"receivable.overdue:{receivable.pk}:{receivable.due_date.isoformat()}"


def receivables_overdue_publish(*, today: dt.date | None = None) -> int:
    """Publish receivable.overdue for every open receivable due before `today` — by default today
    in its installation's time zone — not yet announced for its current due date. Returns how
    many were published."""
    published = 0
    # No time zone is ahead of UTC by more than 14 h: nothing due on or after that date is overdue.
    latest = today or (timezone.now() + dt.timedelta(hours=14)).date()
    candidates = (Receivable.objects.filter(status=ReceivableStatus.OPEN, due_date__lt=latest)
                  .select_related("company", "installation").order_by("id"))
    for receivable in candidates.iterator():
        receivable_today = today or business_today(receivable.installation)
        if not receivable.due_date < receivable_today:
            continue
        key = _dedupe_key(receivable)
        if IntegrationEvent.objects.filter(installation_id=receivable.installation_id, dedupe_key=key).exists():
            continue
        open_amount = ledger_selectors.receivable_balance(company=receivable.company, currency=receivable.currency,
                                                          receivable_ref=receivable.receivable_ref)
        if not open_amount.is_positive():
            continue
        try:
            number = receivable.invoice.number
        except ObjectDoesNotExist:
            number = ""
        amount = Money.of(receivable.amount, receivable.currency)
        with transaction.atomic():
            event_publish(installation=receivable.installation, type="receivable.overdue", subject_type="invoice",
                          subject_id=number or receivable.reference, dedupe_key=key,
                          data={"company": company_ref(receivable.company), "invoiceNumber": number,
                                "receivableReference": receivable.reference, "dueDate": receivable.due_date,
                                "daysOverdue": (receivable_today - receivable.due_date).days,
                                "amount": {"amount": amount.amount, "currency": amount.currency},
                                "open": {"amount": open_amount.amount, "currency": open_amount.currency}})
        published += 1
    return published
