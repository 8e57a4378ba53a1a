"""Integration events of payments (webhooks/payment.received.v1, payment.applied.v1)."""
from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from saleor_netterms.companies.events import company_ref
from saleor_netterms.core.money import Money
from saleor_netterms.integration_events.services import event_publish

from .models import Payment


def _money(amount, currency: str) -> dict:
    m = Money.of(amount, currency)
    return {"amount": m.amount, "currency": m.currency}


def _invoice_number(receivable) -> str:
    try:
        return receivable.invoice.number
    except ObjectDoesNotExist:
        return ""


def payment_events_publish(payment: Payment, *, applied: list[tuple[object, Money, Money]]) -> None:
    """payment.received then payment.applied; `applied` is [(receivable, amount, open after)]."""
    company, currency = payment.company, payment.currency
    event_publish(installation=payment.installation, type="payment.received", subject_type="payment",
                  subject_id=payment.pk, dedupe_key=f"payment.received:{payment.pk}",
                  data={"company": company_ref(company),
                        "payment": {"id": payment.pk, "reference": payment.reference, "source": payment.source,
                                    "amount": _money(payment.amount, currency),
                                    "receivedOn": payment.received_on, "memo": payment.memo}})
    event_publish(installation=payment.installation, type="payment.applied", subject_type="payment",
                  subject_id=payment.pk, dedupe_key=f"payment.applied:{payment.pk}",
                  data={"company": company_ref(company),
                        "payment": {"id": payment.pk, "reference": payment.reference, "source": payment.source,
                                    "amount": _money(payment.amount, currency)},
                        "allocations": [{"invoiceNumber": _invoice_number(r), "receivableReference": r.reference,
                                         "amount": _money(part.amount, currency),
                                         "openAfter": _money(after.amount, currency)}
                                        for r, part, after in applied],
                        "toCreditBalance": _money(payment.unallocated_amount, currency)})
