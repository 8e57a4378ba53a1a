"""Reads for the checkout: the credit snapshot the decision engine judges."""
from __future__ import annotations

import statistics
from decimal import Decimal

from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies.models import AccountHold, Company, Member
from saleor_netterms.core.business_time import business_date, business_today
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.engine import CreditSnapshot
from saleor_netterms.decisions.selectors import payment_history
from saleor_netterms.ledger import selectors as ledger_selectors

from .models import NetTermsTransaction, TransactionStatus

APPROVED_STATUSES = (TransactionStatus.AUTHORIZED, TransactionStatus.CAPTURED)


def credit_history(*, company: Company, currency: str, installation=None):
    """The company's overdue figures and 12-month payment history in ``currency``
    (``decisions.selectors.payment_history``, three queries) as of the installation's business
    date. Slow-moving: the checkout reads it before the company lock; a payment recorded
    meanwhile only lowers what is overdue."""
    return payment_history(company=company, currency=currency,
                           today=business_today(installation or company.installation))


def credit_snapshot(*, company: Company, member: Member | None, money: Money, channel_slug: str,
                    position: tuple | None = None, history=None, installation=None) -> CreditSnapshot:
    """Everything the engine needs, read from the ledger and our records (no Saleor call).

    Overdue figures and payment history (avg_days_to_pay, avg_days_beyond_terms,
    late_invoice_share over 12 months) come from ``decisions.selectors.payment_history`` (its
    docstring defines each); is_first_order and the median are over this company's approved or
    captured transactions in the currency (the latest 200). ``position``: the
    ``companies.selectors.credit_position`` the caller already read in this transaction;
    ``history``: the ``credit_history`` it read before."""
    currency = money.currency
    limit, balances = position or company_selectors.credit_position(company=company, currency=currency)
    installation = installation or company.installation  # pass the caller's: no extra query
    today = business_today(installation)
    if history is None:
        history = payment_history(company=company, currency=currency, today=today)
    previous = list(NetTermsTransaction.objects.filter(company=company, currency=currency,
                                                       status__in=APPROVED_STATUSES)
                    .values_list("amount", flat=True)[:200])
    spending_limit = None
    if member is not None and member.spending_limit_amount is not None \
            and member.spending_limit_currency == currency:
        spending_limit = member.spending_limit_amount
    allowed = company.allowed_channels or []
    hold = account_hold_in_force(company=company)
    return CreditSnapshot(
        currency=currency,
        order_amount=money.amount,
        company_status=company.status,
        limit=limit.amount if limit is not None else None,
        exposure=(balances["holds"] + balances["receivable"]).amount,
        channel_allowed=not allowed or channel_slug in allowed,
        overdue_amount=history.overdue_amount,
        max_days_past_due=history.max_days_past_due,
        avg_days_to_pay=history.avg_days_to_pay,
        avg_days_beyond_terms=history.avg_days_beyond_terms,
        late_invoice_share=history.late_invoice_share,
        account_age_days=(today - business_date(installation, company.created_at)).days,
        is_first_order=not previous,
        median_order_amount=Decimal(statistics.median(previous)) if previous else None,
        member_role=member.role if member is not None else "buyer",
        member_spending_limit=spending_limit,
        account_hold=hold.mode if hold is not None else None,
        account_hold_message=hold.buyer_message if hold is not None else "",
        promises_kept=company.promises_kept,
        promises_broken=company.promises_broken,
    )


def account_hold_in_force(*, company: Company) -> AccountHold | None:
    """The account hold that applies to new checkouts now, if any: not lifted, and — for a hold
    with a cause — while at least one receivable that caused it still has an open balance. So a
    payment that clears the cause releases the account for the very next checkout, before the
    collections run records the lift (one query without holds, one more per hold with a cause)."""
    for hold in AccountHold.objects.filter(company=company, lifted_at__isnull=True).order_by("placed_at", "id"):
        if not hold.cause_refs:
            return hold
        still_open = ledger_selectors.receivables_open_amounts(
            installation=company.installation, receivable_refs=[ref for _, ref in hold.cause_refs])
        if any(amount > 0 for amount in still_open.values()):
            return hold
    return None


def transactions_in_review(*, installation):
    return (NetTermsTransaction.objects.filter(installation=installation, status=TransactionStatus.IN_REVIEW)
            .select_related("company", "member"))
