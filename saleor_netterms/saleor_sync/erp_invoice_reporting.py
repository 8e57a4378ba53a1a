"""Outbox deliverer `saleor.erp_invoice_create`: attach an invoice the ERP issued (ERP as
invoicing master) to its Saleor order with invoiceCreate — the ERP's number and the PDF's URL (the
ERP's own, or the signed link to the copy the app keeps when the ERP sent the file), the same
pinned document (graphql/mutations/invoice_create.graphql) the app uses for its own invoices."""
from __future__ import annotations

from saleor_netterms.erp.documents import erp_invoice_document_url
from saleor_netterms.erp.models import ErpInvoice

from .reporting import _run


def erp_invoice_create_deliver(message) -> dict:
    invoice = ErpInvoice.objects.get(pk=message.payload["erp_invoice_id"])
    result = _run(message, "mutations/invoice_create",
                  {"orderId": invoice.saleor_order_id, "number": invoice.number, "url": erp_invoice_document_url(invoice)},
                  "invoiceCreate")
    saleor = result.get("invoice") or {}
    if saleor.get("id"):
        ErpInvoice.objects.filter(pk=invoice.pk).update(saleor_invoice_id=saleor["id"])
    return {"invoice": saleor.get("id"), "status": saleor.get("status")}
