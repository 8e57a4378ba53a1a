"""Reads for the checkout: the credit snapshot the decision engine judges."""
from __future__ import annotations

import statistics
from decimal import Decimal

from django.utils import timezone

from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies.models import Company, Member
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.engine import CreditSnapshot
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import Posting
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

from .models import NetTermsTransaction, TransactionStatus

APPROVED_STATUSES = (TransactionStatus.AUTHORIZED, TransactionStatus.CAPTURED)


def credit_snapshot(*, company: Company, member: Member | None, money: Money, channel_slug: str) -> CreditSnapshot:
    """Everything the engine needs, read from the ledger and our records (no Saleor call)."""
    currency = money.currency
    summary = company_selectors.credit_summary(company=company, currency=currency)
    limit = company_selectors.company_credit_limit(company=company, currency=currency)
    today = timezone.localdate()
    overdue_amount = Decimal(0)
    max_days_past_due = 0
    for receivable in Receivable.objects.filter(company=company, currency=currency,
                                                status=ReceivableStatus.OPEN, due_date__lt=today):
        open_amount = ledger_selectors.receivable_balance(company=company, currency=currency,
                                                          receivable_ref=receivable.receivable_ref)
        if open_amount.is_positive():
            overdue_amount += open_amount.amount
            max_days_past_due = max(max_days_past_due, (today - receivable.due_date).days)
    previous = list(NetTermsTransaction.objects.filter(company=company, currency=currency,
                                                       status__in=APPROVED_STATUSES)
                    .values_list("amount", flat=True)[:200])
    spending_limit = None
    if member is not None and member.spending_limit_amount is not None \
            and member.spending_limit_currency == currency:
        spending_limit = member.spending_limit_amount
    allowed = company.allowed_channels or []
    return CreditSnapshot(
        currency=currency,
        order_amount=money.amount,
        company_status=company.status,
        limit=limit.amount if limit is not None else None,
        exposure=summary.exposure.amount,
        channel_allowed=not allowed or channel_slug in allowed,
        overdue_amount=overdue_amount,
        max_days_past_due=max_days_past_due,
        account_age_days=(today - timezone.localdate(company.created_at)).days,
        is_first_order=not previous,
        median_order_amount=Decimal(statistics.median(previous)) if previous else None,
        member_role=member.role if member is not None else "buyer",
        member_spending_limit=spending_limit,
    )


def transactions_in_review(*, installation):
    return (NetTermsTransaction.objects.filter(installation=installation, status=TransactionStatus.IN_REVIEW)
            .select_related("company", "member"))


def postings_exist(*, installation, idempotency_key_prefix: str) -> bool:
    """Has a multi-posting operation (e.g. a credit note over several receivables) run already?"""
    return Posting.objects.filter(installation=installation,
                                  idempotency_key__startswith=idempotency_key_prefix).exists()
