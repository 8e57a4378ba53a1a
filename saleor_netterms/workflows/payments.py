"""Money received (or returned): book it (payments), then tell Saleor (checkout's transaction reports).

`payment_record` is the one way money comes in — staff in the Dashboard/API now, ERP callbacks
and bank files later. One transaction: payments.services.payment_book records the payment once
(same source and reference again → the first payment, nothing new), applies it to receivables
and the ledger under the company lock; checkout.services.transaction_payment_report queues one
Saleor report per new allocation to a net-terms order (sent after commit through the outbox).
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from saleor_netterms.checkout.services import transaction_payment_report, transaction_payment_reversal_report
from saleor_netterms.core.money import Money
from saleor_netterms.payments.models import Payment, PaymentSource
from saleor_netterms.payments import services as payments
from saleor_netterms.receivables.models import Receivable


def payment_record(*, company, money: Money, received_on: dt.date, reference: str,
                   allocations: list[tuple[Receivable, Money]] | None = None,
                   settlements: list[tuple[Receivable, Money, str]] | None = None,
                   source: str = PaymentSource.MANUAL, recorded_by: str = "", memo: str = "") -> Payment:
    """Record a payment once and tell Saleor (arguments and refusals: payment_book)."""
    with transaction.atomic():
        payment = payments.payment_book(company=company, money=money, received_on=received_on, reference=reference,
                                        allocations=allocations, settlements=settlements, source=source,
                                        recorded_by=recorded_by, memo=memo)
        transaction_payment_report(payment=payment)
    return payment


def payment_reverse(*, payment: Payment, reason: str, actor: str) -> Payment:
    """Undo a payment once (payments.services.payment_reverse) and tell Saleor: CHARGE_BACK and
    a new CHARGE_REQUEST per reported allocation, in the same transaction."""
    with transaction.atomic():
        payment = payments.payment_reverse(payment=payment, reason=reason, actor=actor)
        transaction_payment_reversal_report(payment=payment)
    return payment
