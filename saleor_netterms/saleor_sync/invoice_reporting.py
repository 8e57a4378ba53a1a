"""Outbox deliverers for Saleor's invoice mutations (settings.OUTBOX_DELIVERERS), FACTS.md §6.2.

- `saleor.invoice_update`: complete the invoice staff requested (number + document URL);
- `saleor.invoice_create`: attach an invoice the app issued itself to its order, and remember
  the Saleor invoice it created (invoicing.services.invoice_saleor_link);
- `saleor.invoice_delete`: remove a pending Saleor invoice that would duplicate the one the order
  already shows (invoicing.services.invoice_request_answer);
- `saleor.invoice_send_notification`: ask Saleor to notify the customer (needs the Saleor invoice
  to exist: an invoiceCreate not yet delivered means retry later).
They run after commit, outside any lock; failures are classified like reporting.py."""
from __future__ import annotations

from saleor_netterms.invoicing.links import invoice_document_url
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.services import invoice_saleor_link
from saleor_netterms.outbox.services import DeliveryRetry

from .reporting import _run


def _saleor_invoice(result: dict) -> dict:
    return result.get("invoice") or {}


def invoice_update_deliver(message) -> dict:
    p = message.payload
    invoice = Invoice.objects.get(pk=p["invoice_id"])
    result = _run(message, "mutations/invoice_update",
                  {"id": p["saleor_invoice_id"], "number": invoice.number, "url": invoice_document_url(invoice)},
                  "invoiceUpdate")
    saleor = _saleor_invoice(result)
    return {"invoice": saleor.get("id"), "status": saleor.get("status")}


def invoice_create_deliver(message) -> dict:
    p = message.payload
    invoice = Invoice.objects.get(pk=p["invoice_id"])
    if invoice.saleor_invoice_id and invoice.saleor_order_id == p["order_id"]:
        # staff's "Generate invoice" came first and its record was completed with this invoice
        return {"invoice": invoice.saleor_invoice_id, "status": "ALREADY_ATTACHED"}
    result = _run(message, "mutations/invoice_create",
                  {"orderId": p["order_id"], "number": invoice.number, "url": invoice_document_url(invoice)},
                  "invoiceCreate")
    saleor = _saleor_invoice(result)
    if saleor.get("id"):
        invoice_saleor_link(invoice_id=invoice.pk, saleor_invoice_id=saleor["id"])
    return {"invoice": saleor.get("id"), "status": saleor.get("status")}


def invoice_delete_deliver(message) -> dict:
    result = _run(message, "mutations/invoice_delete", {"id": message.payload["saleor_invoice_id"]}, "invoiceDelete")
    return {"deleted": _saleor_invoice(result).get("id")}


def invoice_send_notification_deliver(message) -> dict:
    p = message.payload
    saleor_invoice_id = p.get("saleor_invoice_id") or Invoice.objects.get(pk=p["invoice_id"]).saleor_invoice_id
    if not saleor_invoice_id:
        raise DeliveryRetry(f"invoice {p['invoice_id']} is not in Saleor yet (invoiceCreate pending)")
    result = _run(message, "mutations/invoice_send_notification", {"id": saleor_invoice_id},
                  "invoiceSendNotification")
    return {"invoice": _saleor_invoice(result).get("id")}
