"""Recording money received, and telling Saleor.

`payment_record` is the one way money comes in (staff now; ERP callbacks and bank files later
call the same service). It applies the payment to receivables (given, or oldest due first),
puts any remainder on the company's credit balance, and queues one Saleor report per receivable
it touched:

- the receivable has a CHARGE_REQUEST pending in Saleor (it was captured in the Dashboard):
  CHARGE_SUCCESS with that pending pspReference for the amount paid; if part stays open, a new
  CHARGE_REQUEST for the remainder with the next pspReference (`inv-…-2`, `-3`, …), so Saleor
  shows exactly what is paid (charged) and what is invoiced but unpaid (charge pending);
- otherwise: CHARGE_SUCCESS with the allocation's own pspReference.

Saleor groups transaction events by pspReference and keeps one success per reference
(FACTS.md §4.1, §4.3), which is why every partial payment needs a reference of its own. Reports go
through the outbox in order per transaction; `alreadyProcessed` counts as delivered.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from saleor_netterms.checkout.services import transaction_available_actions, transaction_event_report_enqueue
from saleor_netterms.companies.models import Company
from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger import services as ledger
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

from .events import payment_events_publish
from .models import Payment, PaymentAllocation, PaymentSource

logger = logging.getLogger(__name__)


class PaymentError(NetTermsError):
    code = "PAYMENT_INVALID"
    http_status = 400
    merchant_message = "The payment could not be recorded."


def _error(code: str, message: str) -> PaymentError:
    return PaymentError(message, code=code, merchant_message=message)


def payment_record(*, company: Company, money: Money, received_on: dt.date, reference: str,
                   allocations: list[tuple[Receivable, Money]] | None = None,
                   source: str = PaymentSource.MANUAL, recorded_by: str = "", memo: str = "") -> Payment:
    """Record a payment once. The same (source, reference) again returns the first payment when
    it is the same money, and refuses (DUPLICATE_PAYMENT_REFERENCE) when it differs."""
    reference = (reference or "").strip()
    if not reference:
        raise _error("PAYMENT_REFERENCE_REQUIRED", "A payment needs a reference (bank or ERP reference).")
    if len(reference) > Payment._meta.get_field("reference").max_length:
        raise _error("PAYMENT_REFERENCE_TOO_LONG", "The payment reference is longer than 128 characters.")
    if len(memo) > Payment._meta.get_field("memo").max_length:
        raise _error("PAYMENT_MEMO_TOO_LONG", "The memo is longer than 500 characters.")
    if not money.is_positive():
        raise _error("PAYMENT_AMOUNT_INVALID", "A payment amount must be greater than zero.")
    with transaction.atomic():
        company = company_lock(company_id=company.pk)
        existing = Payment.objects.filter(installation=company.installation, source=source,
                                          reference=reference).first()
        if existing is not None:
            if Money.of(existing.amount, existing.currency) == money and existing.company_id == company.pk:
                return existing
            raise _error("DUPLICATE_PAYMENT_REFERENCE",
                         f"Payment reference {reference!r} was already recorded with other details.")
        plan = _allocation_plan(company, money, allocations)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    installation=company.installation, company=company, source=source, reference=reference,
                    currency=money.currency, amount=money.amount, received_on=received_on,
                    recorded_by=recorded_by, memo=memo)
        except IntegrityError as exc:
            raise _error("DUPLICATE_PAYMENT_REFERENCE",
                         f"Payment reference {reference!r} was recorded concurrently.") from exc
        ledger.payment_apply(company=company, money=money, payment_ref=payment.payment_ref,
                             allocations=[(r.receivable_ref, m) for r, m in plan],
                             idempotency_key=f"payment:{payment.pk}",
                             memo=f"Payment {reference} ({source})")
        allocated = sum((m for _, m in plan), Money.zero(money.currency))
        payment.unallocated_amount = (money - allocated).amount
        payment.save(update_fields=["unallocated_amount"])
        applied = []
        for receivable, part in plan:
            allocation = PaymentAllocation.objects.create(payment=payment, receivable=receivable,
                                                          amount=part.amount)
            _receivable_after_payment(receivable, allocation, part)
            applied.append((receivable, part, _open_amount(receivable)))
        payment_events_publish(payment, applied=applied)
    logger.info("payment recorded", extra={"payment": payment.pk, "company": company.pk,
                                           "allocations": len(plan)})
    return payment


def _open_amount(receivable: Receivable) -> Money:
    return ledger_selectors.receivable_balance(company=receivable.company, currency=receivable.currency,
                                               receivable_ref=receivable.receivable_ref)


def _allocation_plan(company: Company, money: Money,
                     allocations: list[tuple[Receivable, Money]] | None) -> list[tuple[Receivable, Money]]:
    if allocations is not None:
        plan = []
        total = Money.zero(money.currency)
        if len({r.pk for r, _ in allocations}) != len(allocations):
            raise _error("DUPLICATE_ALLOCATION", "Each receivable may appear once in a payment's allocations.")
        for receivable, part in allocations:
            if receivable.company_id != company.pk:
                raise _error("UNKNOWN_RECEIVABLE", f"Receivable {receivable.reference} is not this company's.")
            if part.currency != money.currency or receivable.currency != money.currency:
                raise _error("CURRENCY_MISMATCH",
                             f"Receivable {receivable.reference} is in {receivable.currency}, "
                             f"the payment in {money.currency}.")
            if not part.is_positive():
                raise _error("PAYMENT_AMOUNT_INVALID", "Allocated amounts must be greater than zero.")
            if part > _open_amount(receivable):
                raise _error("OVER_ALLOCATION",
                             f"{part} is more than the {_open_amount(receivable)} open on {receivable.reference}.")
            total = total + part
            plan.append((receivable, part))
        if total > money:
            raise _error("OVER_ALLOCATION", f"Allocations total {total}, more than the payment of {money}.")
        return plan
    plan, left = [], money
    for receivable in Receivable.objects.filter(company=company, currency=money.currency,
                                                status=ReceivableStatus.OPEN).order_by("due_date", "id"):
        if not left.is_positive():
            break
        open_amount = _open_amount(receivable)
        if not open_amount.is_positive():
            continue
        part = left if left <= open_amount else open_amount
        plan.append((receivable, part))
        left = left - part
    return plan


def _receivable_after_payment(receivable: Receivable, allocation: PaymentAllocation, paid: Money) -> None:
    remaining = _open_amount(receivable)
    if not remaining.is_positive():
        receivable.status = ReceivableStatus.PAID
    tx = receivable.transaction
    if tx is None:
        receivable.save(update_fields=["status", "updated_at"])
        return
    actions = tuple(sorted(set(transaction_available_actions(tx)) | {"REFUND"}))
    if receivable.saleor_pending_psp:
        psp = receivable.saleor_pending_psp
        transaction_event_report_enqueue(
            tx=tx, event_type="CHARGE_SUCCESS", psp_reference=psp, money=paid,
            message=f"Payment {allocation.payment.reference} received for {receivable.reference}.",
            actions=actions, dedupe_key=f"alloc:{allocation.pk}:success")
        receivable.saleor_pending_psp = ""
        if remaining.is_positive():
            receivable.saleor_psp_sequence += 1
            next_psp = f"{receivable.reference}-{receivable.saleor_psp_sequence + 1}"
            transaction_event_report_enqueue(
                tx=tx, event_type="CHARGE_REQUEST", psp_reference=next_psp, money=remaining,
                message=f"{remaining} of {receivable.reference} still open, due {receivable.due_date}.",
                actions=actions, dedupe_key=f"alloc:{allocation.pk}:request")
            receivable.saleor_pending_psp = next_psp
    else:
        psp = f"{receivable.reference}-p{allocation.pk}"
        transaction_event_report_enqueue(
            tx=tx, event_type="CHARGE_SUCCESS", psp_reference=psp, money=paid,
            message=f"Payment {allocation.payment.reference} received for {receivable.reference}.",
            actions=actions, dedupe_key=f"alloc:{allocation.pk}:success")
    allocation.saleor_psp_reference = psp
    allocation.save(update_fields=["saleor_psp_reference"])
    receivable.save(update_fields=["status", "saleor_pending_psp", "saleor_psp_sequence", "updated_at"])
