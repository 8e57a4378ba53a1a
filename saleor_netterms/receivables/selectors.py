"""Reads of receivables: a receivable's open amount (from the one ledger) and its days past due."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.money import Money
from saleor_netterms.installations.models import Installation
from saleor_netterms.ledger import selectors as ledger_selectors

from .models import Receivable


def days_past_due(*, due_date: dt.date, open_amount: Money, today: dt.date) -> int:
    """Days since the due date while something is still open; 0 when paid or not yet due."""
    if not open_amount.is_positive() or due_date >= today:
        return 0
    return (today - due_date).days


@dataclass(frozen=True, slots=True)
class ReceivableRow:
    """A receivable with its open amount (from the ledger) and days past due as of ``today``."""

    receivable: Receivable
    open_amount: Money
    days_past_due: int


def receivable_rows(receivables, *, today: dt.date | None = None) -> list[ReceivableRow]:
    """Open amounts for many receivables: one ledger query per (company, currency). Days past
    due count from ``today``, else from today in each receivable's installation time zone."""
    receivables = list(receivables)
    todays: dict[int, dt.date] = {}
    if today is None:
        installations = Installation.objects.only("time_zone").in_bulk({r.installation_id for r in receivables})
        todays = {pk: business_today(installation) for pk, installation in installations.items()}
    open_by_key: dict[tuple[int, str], dict[str, Money]] = {}
    for receivable in receivables:
        key = (receivable.company_id, receivable.currency)
        if key not in open_by_key:
            open_by_key[key] = ledger_selectors.receivables_open(company=receivable.company,
                                                                 currency=receivable.currency)
    rows = []
    for receivable in receivables:
        open_amount = open_by_key[(receivable.company_id, receivable.currency)].get(
            receivable.receivable_ref, Money.zero(receivable.currency))
        rows.append(ReceivableRow(receivable, open_amount,
                                  days_past_due(due_date=receivable.due_date, open_amount=open_amount,
                                                today=today or todays[receivable.installation_id])))
    return rows


def receivable_document_number(receivable) -> str:
    """What the merchant and the buyer call a receivable: the number of the invoice it was issued
    as (the app's invoice, else the one an ERP pushed), else its own reference (one indexed read)."""
    row = (type(receivable).objects.filter(pk=receivable.pk)
           .values_list("invoice__number", "erp_invoice__number").first())
    return next((number for number in (row or ()) if number), receivable.reference)
