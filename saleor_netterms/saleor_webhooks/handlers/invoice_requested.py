"""INVOICE_REQUESTED (staff pressed "Generate invoice"; the Saleor invoice is PENDING with no
number or URL, FACTS.md §11) → issue the order's invoice or reuse it, and queue `invoiceUpdate`
with its number and document URL (invoicing.services.invoice_request_answer)."""
from saleor_netterms.invoicing.services import invoice_request_answer

from ._payloads import order_snapshot_from, require


def handle(*, installation, payload: dict, delivery=None) -> dict:
    saleor_invoice_id = require(payload, "invoice", "id")
    order = order_snapshot_from(require(payload, "order"))
    return invoice_request_answer(installation=installation, saleor_invoice_id=saleor_invoice_id,
                                  order=order).as_json()
