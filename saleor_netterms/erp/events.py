"""invoice.issued for an invoice the ERP issued (ERP as invoicing master), published in the
transaction that records it — the same event type and version as the app's own invoices, with
`issuedBy: "erp"` so that the ERP that pushed it can skip it (nothing echoes back). The ERP
sends no lines or tax breakdown, so those are empty; the document is the ERP's PDF."""
from __future__ import annotations

from django.utils import timezone

from saleor_netterms.companies.events import company_ref
from saleor_netterms.core.money import quantize
from saleor_netterms.integration_events.services import event_publish
from saleor_netterms.invoicing.config import seller_facts
from saleor_netterms.invoicing.events import party_view

from .documents import DEFAULT_TTL, erp_invoice_document_url
from .models import ErpInvoice


def _buyer(company) -> dict:
    return {"name": company.legal_name, "taxId": company.tax_id, "taxIdScheme": "", "registrationId": "",
            "email": company.billing_contact_email, "phone": company.billing_contact_phone,
            "contactName": company.billing_contact_name, "erpCustomerNumber": company.erp_customer_number,
            "peppolId": "", "address": {"street": "", "street2": "", "city": "", "postalCode": "", "countryArea": "",
                                        "country": company.tax_id_country or ""}}


def erp_invoice_issued_publish(invoice: ErpInvoice, *, order_number: str, po_number: str) -> None:
    def q(value):
        return quantize(value, invoice.currency)

    company = invoice.company
    document = {
        "number": invoice.number, "kind": "invoice", "issueDate": invoice.issue_date, "dueDate": invoice.due_date,
        "currency": invoice.currency,
        "totals": {"net": q(invoice.total_net), "tax": q(invoice.total_tax), "gross": q(invoice.total_gross),
                   "prepaid": q(0), "amountDue": q(invoice.total_gross)},
        "lines": [], "taxBreakdown": [], "termsLabel": "",
        "schedule": [{"dueDate": invoice.due_date, "amount": q(invoice.total_gross), "label": "Payment in full"}],
        "discount": None, "paymentReference": "", "poNumber": po_number,
        "order": {"id": invoice.saleor_order_id, "number": order_number}, "creditedInvoiceNumber": "", "note": "",
        "seller": party_view(seller_facts(installation=invoice.installation).party), "buyer": _buyer(company),
    }
    event_publish(installation=invoice.installation, type="invoice.issued", subject_type="invoice",
                  subject_id=invoice.number, dedupe_key=f"invoice.issued:erp:{invoice.pk}",
                  data={"invoice": document, "company": company_ref(company), "issuedBy": "erp",
                        "documents": {"pdf": erp_invoice_document_url(invoice),
                                      "expiresAt": timezone.now() + DEFAULT_TTL}})
