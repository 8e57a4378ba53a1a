"""The one writer of receivables: what a company owes for an order, when it is due, its status.

Nothing else creates or changes a Receivable (tests/receivables/test_services.py reads the
source to keep it so). Callers run these inside their own transaction, holding the company lock.

- `receivable_book` creates it. Its due date comes from the terms engine (terms.engine): Net N
  from `terms_days` (a capture), or the due date the invoice's payment terms gave
  (`due_date`, computed by terms.engine.schedule_compute for the invoice snapshot).
- `receivable_due_set` moves the due date to the invoice's, when an invoice is issued for a
  receivable booked at capture (the invoice's terms are the truth for dunning).
- `receivable_status_refresh` derives the status from the ledger: open while something is still
  owed; credited when credit notes/write-offs took everything off it; otherwise paid. The same
  rule recomputes every status in `manage.py ledger_verify` (receivables.verification).
- `receivable_saleor_pending_set` keeps the pspReference pending in Saleor for the unpaid part.
- `receivables_order_bind` copies the Saleor order's id and number onto a transaction's receivables.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from saleor_netterms.core.money import Money
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.terms.engine import NetDays, due_date_resolve

from .models import Receivable, ReceivableStatus


class ReceivableTermsMissing(ValueError):
    """A receivable needs either its terms in days or the due date of its invoice's terms."""


def receivable_due_date(*, issue_date: dt.date, terms_days: int) -> dt.date:
    """Net `terms_days` from the issue date, by the terms engine."""
    return due_date_resolve(NetDays(days=terms_days), issue_date=issue_date, fulfilment_date=None)


def receivable_book(*, installation, company, reference: str, capture_key: str, money: Money,
                    issue_date: dt.date, transaction=None, terms_days: int | None = None,
                    due_date: dt.date | None = None, order_id: str = "", order_number: str = "",
                    saleor_pending_psp: str = "") -> Receivable:
    """Create the receivable (its ledger posting is the caller's: receivable_from_hold).

    Exactly one of `terms_days` (Net N, computed here by the terms engine) and `due_date` (the
    invoice's, computed by the terms engine from its payment terms) is given."""
    if (terms_days is None) == (due_date is None):
        raise ReceivableTermsMissing("give terms_days or due_date, not both or neither")
    if due_date is None:
        due_date = receivable_due_date(issue_date=issue_date, terms_days=terms_days)
    else:
        terms_days = (due_date - issue_date).days
    return Receivable.objects.create(
        installation=installation, company=company, transaction=transaction, reference=reference,
        capture_key=capture_key, currency=money.currency, amount=money.amount, issue_date=issue_date,
        due_date=due_date, terms_days=terms_days, order_id=order_id, order_number=order_number,
        saleor_pending_psp=saleor_pending_psp)


def receivable_due_set(*, receivable: Receivable, due_date: dt.date) -> Receivable:
    """Move the due date (and the terms in days from the issue date) to `due_date`."""
    if receivable.due_date == due_date:
        return receivable
    receivable.due_date = due_date
    receivable.terms_days = (due_date - receivable.issue_date).days
    receivable.save(update_fields=["due_date", "terms_days", "updated_at"])
    return receivable


def receivable_status_expected(*, open_amount: Money, creditable: Money) -> str:
    """The status the ledger says: open while owed, credited when nothing is left to credit
    (credit notes, write-offs), paid otherwise."""
    if open_amount.is_positive():
        return ReceivableStatus.OPEN
    if not creditable.is_positive():
        return ReceivableStatus.CREDITED
    return ReceivableStatus.PAID


def receivable_status_refresh(*, receivable: Receivable) -> str:
    """Set the status from the ledger (see receivable_status_expected); returns it.

    The row is compared in the database, not on the instance: a caller may hold a copy another step
    has changed since (a payment reversed through another instance reopened it), and a copy that
    still says "paid" must not keep the row "open" when the ledger says paid again."""
    company, currency, ref = receivable.company, receivable.currency, receivable.receivable_ref
    status = receivable_status_expected(
        open_amount=ledger_selectors.receivable_balance(company=company, currency=currency, receivable_ref=ref),
        creditable=ledger_selectors.receivable_creditable(company=company, currency=currency, receivable_ref=ref))
    now = timezone.now()
    if Receivable.objects.filter(pk=receivable.pk).exclude(status=status).update(status=status, updated_at=now):
        receivable.updated_at = now
    receivable.status = status
    return status


def receivable_saleor_pending_set(*, receivable: Receivable, pending_psp: str,
                                  psp_sequence: int | None = None) -> Receivable:
    """The pspReference of the CHARGE_REQUEST pending in Saleor for the unpaid part ("" for
    none), and the count of follow-up references used so far."""
    receivable.saleor_pending_psp = pending_psp
    fields = ["saleor_pending_psp", "updated_at"]
    if psp_sequence is not None:
        receivable.saleor_psp_sequence = psp_sequence
        fields.append("saleor_psp_sequence")
    receivable.save(update_fields=fields)
    return receivable


def receivables_order_bind(*, transaction, order_id: str, order_number: str) -> int:
    """Copy the Saleor order onto the transaction's receivables; returns how many changed."""
    return (Receivable.objects.filter(transaction=transaction)
            .exclude(order_id=order_id, order_number=order_number)
            .update(order_id=order_id, order_number=order_number, updated_at=timezone.now()))
