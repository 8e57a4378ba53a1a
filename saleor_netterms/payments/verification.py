"""ledger_verify's check of payments (registered by PaymentsConfig.ready): what each payment's
ledger posting credited to receivables and to the credit balance equals its allocations and its
unallocated amount, and those add up to the payment."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from saleor_netterms.ledger.models import AccountKind, Entry, PostingKind, Side
from saleor_netterms.ledger.verification import Mismatch, check_register

from .models import Payment, PaymentAllocation


def payment_allocations(installation_id: int | None) -> Iterable[Mismatch]:
    payments = Payment.objects.all()
    entries = Entry.objects.filter(posting__kind=PostingKind.PAYMENT, side=Side.CREDIT,
                                   posting__idempotency_key__regex=r"^payment:[0-9]+$")
    if installation_id is not None:
        payments = payments.filter(installation_id=installation_id)
        entries = entries.filter(posting__installation_id=installation_id)
    posted: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for key, kind, ref, amount in (entries.values("posting__idempotency_key", "account__kind", "receivable_ref")
                                   .annotate(total=Sum("amount")).order_by()
                                   .values_list("posting__idempotency_key", "account__kind", "receivable_ref", "total")):
        target = ref if kind == AccountKind.RECEIVABLE else "credit_balance" if kind == AccountKind.CREDIT_BALANCE else ""
        if target:
            posted[int(key.split(":")[1])][target] += amount
    allocated: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for payment_id, receivable_id, amount in PaymentAllocation.objects.filter(payment__in=payments).values_list(
            "payment_id", "receivable_id", "amount"):
        allocated[payment_id][f"rcv:{receivable_id}"] += amount
    for payment in payments.order_by("id").only("id", "amount", "unallocated_amount", "currency"):
        kept = dict(allocated.get(payment.pk, {}))
        if payment.unallocated_amount:
            kept["credit_balance"] = payment.unallocated_amount
        ledger = {k: v for k, v in posted.get(payment.pk, {}).items() if v}
        subject = f"payment {payment.pk} ({payment.currency})"
        if ledger != kept:
            yield Mismatch("payment_allocations", f"{subject} allocations", _text(ledger), _text(kept))
        if sum(kept.values(), Decimal(0)) != payment.amount:
            yield Mismatch("payment_allocations", f"{subject} amount",
                           f"{sum(kept.values(), Decimal(0)):.4f}", f"{payment.amount:.4f}")


def _text(figures: dict[str, Decimal]) -> str:
    return ", ".join(f"{k} {v:.4f}" for k, v in sorted(figures.items())) or "none"


def verification_register() -> None:
    check_register("payment_allocations", payment_allocations)
