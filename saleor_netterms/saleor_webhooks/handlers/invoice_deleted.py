"""INVOICE_DELETED (Saleor's invoiceRequestDelete; invoiceDelete sends nothing, FACTS.md §11) →
void the invoice that Saleor invoice shows; a credit note reverses it when it was posted
(invoicing.services.invoice_delete_answer)."""
from saleor_netterms.core.inbound import JsonNode
from saleor_netterms.invoicing.services import invoice_delete_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    invoice = JsonNode(payload).obj("invoice", required=True)
    return invoice_delete_answer(installation=installation,
                                 saleor_invoice_id=invoice.text("id", required=True)).as_json()
