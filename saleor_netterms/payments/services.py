"""Booking money received.

`payment_book` records a payment once, applies it to receivables (given, or oldest due first)
and puts any remainder on the company's credit balance. It does not tell Saleor: the one way
money comes in is the use case `workflows.payments.payment_record` (staff now; ERP callbacks
and bank files call the same), which books the payment here and then has the checkout report
each allocation on the order's Saleor transaction (checkout.services.transaction_payment_report):

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
from django.utils import timezone

from saleor_netterms.audit.services import audit_record

from saleor_netterms.companies.models import Company
from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger import services as ledger
from saleor_netterms.receivables import services as receivable_services
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

from .events import payment_events_publish
from .models import Payment, PaymentAllocation, PaymentSource, SettlementKind

logger = logging.getLogger(__name__)


class PaymentError(NetTermsError):
    code = "PAYMENT_INVALID"
    http_status = 400
    merchant_message = "The payment could not be recorded."


def _error(code: str, message: str) -> PaymentError:
    return PaymentError(message, code=code, merchant_message=message)


def payment_book(*, company: Company, money: Money, received_on: dt.date, reference: str,
                   allocations: list[tuple[Receivable, Money]] | None = None,
                   settlements: list[tuple[Receivable, Money, str]] | None = None,
                   source: str = PaymentSource.MANUAL, recorded_by: str = "", memo: str = "") -> Payment:
    """Record a payment once. The same (source, reference) again returns the first payment when
    it is the same money, and refuses (DUPLICATE_PAYMENT_REFERENCE) when it differs.

    ``settlements``: ``(receivable, rest, kind)`` closes the rest an allocation left open on that
    receivable as a tolerance write-off (``SettlementKind.TOLERANCE`` → ledger payment_differences)
    or an early-payment discount (``SettlementKind.DISCOUNT`` → discounts_granted), in the same
    transaction and before Saleor is told, so the receivable is reported fully paid."""
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
        closing = _settlement_plan(plan, settlements or [])
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
                             memo=f"Payment {reference} ({source})", effective_date=received_on)
        allocated = sum((m for _, m in plan), Money.zero(money.currency))
        payment.unallocated_amount = (money - allocated).amount
        payment.save(update_fields=["unallocated_amount"])
        applied = []
        for receivable, part in plan:
            settle = closing.get(receivable.pk)
            if settle is not None:
                rest, kind = settle
                post = ledger.discount_post if kind == SettlementKind.DISCOUNT else ledger.payment_difference_post
                post(company=company, money=rest, receivable_ref=receivable.receivable_ref,
                     idempotency_key=f"payment:{payment.pk}:settle:{receivable.pk}",
                     memo=f"{SettlementKind(kind).label}: payment {reference} on {receivable.reference}",
                     effective_date=received_on)
            allocation = PaymentAllocation.objects.create(
                payment=payment, receivable=receivable, amount=part.amount,
                settlement_kind=settle[1] if settle else "", settlement_amount=settle[0].amount if settle else 0)
            receivable_services.receivable_status_refresh(receivable=receivable)
            applied.append((receivable, part, _open_amount(receivable)))
        payment_events_publish(payment, applied=applied)
    logger.info("payment recorded", extra={"payment": payment.pk, "company": company.pk,
                                           "allocations": len(plan)})
    return payment


def _settlement_plan(plan: list[tuple[Receivable, Money]],
                     settlements: list[tuple[Receivable, Money, str]]) -> dict[int, tuple[Money, str]]:
    allocated = {r.pk: m for r, m in plan}
    result: dict[int, tuple[Money, str]] = {}
    for receivable, rest, kind in settlements:
        if kind not in SettlementKind.values:
            raise _error("SETTLEMENT_KIND_INVALID", f"Unknown settlement {kind!r}: tolerance or discount.")
        if receivable.pk not in allocated:
            raise _error("SETTLEMENT_WITHOUT_ALLOCATION",
                         f"{receivable.reference} can only be settled by the payment that pays it.")
        if receivable.pk in result:
            raise _error("DUPLICATE_ALLOCATION", "Each receivable may be settled once per payment.")
        if rest.currency != receivable.currency or not rest.is_positive():
            raise _error("PAYMENT_AMOUNT_INVALID", "A settled rest must be a positive amount in the invoice's currency.")
        if allocated[receivable.pk] + rest != _open_amount(receivable):
            raise _error("SETTLEMENT_MISMATCH",
                         f"{allocated[receivable.pk]} paid + {rest} settled is not the "
                         f"{_open_amount(receivable)} open on {receivable.reference}.")
        result[receivable.pk] = (rest, kind)
    return result


def payment_reverse(*, payment: Payment, reason: str, actor: str) -> Payment:
    """Undo a payment (the bank returned the transfer, a chargeback, or a person unmatched it):
    the ledger postings it made (the payment and any tolerance/discount settlements) are
    reversed and the receivables it paid are open again (telling Saleor — CHARGE_BACK for what was
    reported charged, a CHARGE_REQUEST for what is owed again — is the checkout's:
    workflows.payments.payment_reverse does both). Once only: a reversed payment
    is returned as it is. Refuses (CREDIT_BALANCE_INSUFFICIENT, writing nothing) when the part of
    it that went to the credit balance was spent since."""
    reason = (reason or "").strip()
    if not reason:
        raise _error("REVERSAL_REASON_REQUIRED", "Say why the payment is reversed.")
    with transaction.atomic():
        company = company_lock(company_id=payment.company_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.reversed_at is not None:
            return payment
        postings = ledger_selectors.postings_with_key_prefix(installation=company.installation,
                                                             idempotency_key_prefix=f"payment:{payment.pk}")
        for posting in sorted(postings, key=lambda p: p.pk, reverse=True):
            ledger.posting_reverse(posting=posting, memo=f"Payment {payment.reference} reversed: {reason}"[:500])
        payment.reversed_at = timezone.now()
        payment.reversal_reason = reason[:500]
        payment.save(update_fields=["reversed_at", "reversal_reason"])
        for allocation in payment.allocations.select_related("receivable", "receivable__transaction"):
            receivable_services.receivable_status_refresh(receivable=allocation.receivable)
        audit_record(installation=company.installation, actor=actor, action="payment.reversed",
                     object_type="payment", object_id=payment.pk, company=company,
                     before={"amount": payment.amount, "currency": payment.currency, "reference": payment.reference},
                     after={"reversed": True}, reason=reason)
    logger.info("payment reversed", extra={"payment": payment.pk, "company": company.pk})
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
