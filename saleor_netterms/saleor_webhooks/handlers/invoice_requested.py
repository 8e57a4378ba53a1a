"""INVOICE_REQUESTED (staff pressed "Generate invoice"; the Saleor invoice is PENDING with no
number or URL, FACTS.md §11) → issue the order's invoice or reuse it, and queue `invoiceUpdate`
with its number and document URL (invoicing.services.invoice_request_answer)."""
from saleor_netterms.core.inbound import JsonNode
from saleor_netterms.invoicing.services import invoice_request_answer

from ._payloads import order_snapshot_from


def handle(*, installation, payload: dict, delivery=None) -> dict:
    payload = JsonNode(payload)
    saleor_invoice_id = payload.obj("invoice", required=True).text("id", required=True)
    order = order_snapshot_from(payload.obj("order", required=True))
    return invoice_request_answer(installation=installation, saleor_invoice_id=saleor_invoice_id,
                                  order=order).as_json()
