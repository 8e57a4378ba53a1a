"""Integration events of orders on terms (webhooks/order.placed_on_terms.v1, order.cancelled.v1)."""
from __future__ import annotations

from saleor_netterms.companies.events import company_ref
from saleor_netterms.core.money import Money
from saleor_netterms.integration_events.services import event_publish

from .models import NetTermsTransaction, TransactionStatus

PLACED_STATUSES = (TransactionStatus.AUTHORIZED, TransactionStatus.IN_REVIEW)


def _terms_label(days: int | None) -> str:
    if days is None:
        return ""
    return "Due on receipt" if days == 0 else f"Net {days}"


def order_placed_publish(tx: NetTermsTransaction) -> None:
    """Once per transaction, when its order is first bound (ORDER_CREATED / ORDER_CONFIRMED)."""
    if tx.status not in PLACED_STATUSES or tx.company_id is None or not tx.order_id:
        return
    order = tx.order_snapshot or {}
    money = Money.of(tx.amount, tx.currency)
    event_publish(
        installation=tx.installation, type="order.placed_on_terms", subject_type="order", subject_id=tx.order_id,
        dedupe_key=f"order.placed_on_terms:{tx.pk}",
        data={"company": company_ref(tx.company),
              "order": {"id": tx.order_id, "number": tx.order_number, "channel": tx.channel_slug},
              "transaction": {"saleorTransactionId": tx.saleor_transaction_id, "pspReference": tx.psp_reference,
                              "status": tx.status},
              "poNumber": tx.po_number, "amount": {"amount": money.amount, "currency": money.currency},
              "totals": {"net": order.get("totalNet"), "tax": order.get("totalTax"), "gross": order.get("totalGross")},
              "lines": [{"productName": l.get("productName") or "", "sku": l.get("sku"),
                         "quantity": int(l.get("quantity") or 0), "unitNet": l.get("unitNet"),
                         "unitGross": l.get("unitGross"), "taxRate": l.get("taxRate")}
                        for l in order.get("lines", [])],
              "terms": {"days": tx.terms_days, "label": _terms_label(tx.terms_days)},
              "decision": {"outcome": "review" if tx.decision_outcome == "review" else "approve",
                           "score": tx.decision_score,
                           "reasons": [r["code"] for r in tx.decision_reasons if isinstance(r, dict)]}})


def order_cancelled_publish(tx: NetTermsTransaction, *, released: Money, reason: str) -> None:
    event_publish(
        installation=tx.installation, type="order.cancelled", subject_type="order",
        subject_id=tx.order_id or tx.psp_reference, dedupe_key=f"order.cancelled:{tx.pk}",
        data={"company": company_ref(tx.company), "order": {"id": tx.order_id, "number": tx.order_number},
              "transaction": {"saleorTransactionId": tx.saleor_transaction_id, "pspReference": tx.psp_reference},
              "released": {"amount": released.amount, "currency": released.currency}, "reason": reason})
