"""Integration events of invoices and credit notes (webhooks/invoice.*.v1, credit_note.issued.v1),
published inside the issuing / voiding transaction. The document links are signed and expire
(DEFAULT_TTL); an ERP that needs them later asks the API for fresh ones."""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from django.utils import timezone

from saleor_netterms.core.money import quantize

from saleor_netterms.companies.events import company_ref
from saleor_netterms.integration_events.services import event_publish

from .documents.links import DEFAULT_TTL, FORMATS, document_url
from .models import Invoice, InvoiceKind


def party_view(party) -> dict:
    """A snapshot Party (invoicing.snapshot) in the events' shape."""
    return _party(asdict(party))


def _party(p: dict) -> dict:
    a = p.get("address") or {}
    return {"name": p.get("name", ""), "taxId": p.get("tax_id", ""), "taxIdScheme": p.get("tax_id_scheme", ""),
            "registrationId": p.get("registration_id", ""), "email": p.get("email", ""),
            "phone": p.get("phone", ""), "contactName": p.get("contact_name", ""),
            "erpCustomerNumber": p.get("erp_customer_number", ""), "peppolId": p.get("peppol_id", ""),
            "address": {"street": a.get("street", ""), "street2": a.get("street2", ""), "city": a.get("city", ""),
                        "postalCode": a.get("postal_code", ""), "countryArea": a.get("country_area", ""),
                        "country": a.get("country", "")}}


def invoice_document_view(invoice: Invoice) -> dict:
    """The frozen snapshot in the events' camelCase shape."""
    s = invoice.snapshot
    discount = s.get("discount")

    def q(value) -> Decimal:
        return quantize(Decimal(str(value)), invoice.currency)

    t = {k: q(v) for k, v in s["totals"].items()}
    return {
        "number": invoice.number, "kind": invoice.kind, "issueDate": s["issue_date"], "dueDate": s.get("due_date"),
        "currency": invoice.currency,
        "totals": {"net": t["net"], "tax": t["tax"], "gross": t["gross"], "prepaid": t["prepaid"],
                   "amountDue": t["amount_due"]},
        "lines": [{"position": l["position"], "description": l["description"], "sku": l["sku"] or "",
                   "quantity": l["quantity"], "unitCode": l["unit_code"], "unitNet": l["unit_net"], "net": q(l["net"]),
                   "taxCategory": l["tax_category"], "taxRate": l["tax_rate"], "tax": q(l["tax"]), "gross": q(l["gross"])}
                  for l in s["lines"]],
        "taxBreakdown": [{"category": b["category"], "rate": b["rate"], "taxable": q(b["taxable"]), "tax": q(b["tax"]),
                          "exemptionReason": b.get("exemption_reason", "")} for b in s["tax_breakdown"]],
        "termsLabel": s.get("terms_label", ""),
        "schedule": [{"dueDate": p.get("due_date"), "amount": q(p["amount"]), "label": p.get("label", "")}
                     for p in s.get("schedule", [])],
        "discount": (None if not discount else
                     {"percent": discount["percent"], "amount": q(discount["amount"]), "deadline": discount["deadline"]}),
        "paymentReference": (s.get("remittance") or {}).get("payment_reference", ""),
        "poNumber": s.get("po_number", ""),
        "order": {"id": s.get("order_id", ""), "number": s.get("order_number", "")},
        "creditedInvoiceNumber": s.get("credited_invoice_number", ""),
        "note": s.get("note", ""),
        "seller": _party(s["seller"]), "buyer": _party(s["buyer"]),
    }


def _documents(invoice: Invoice) -> dict:
    links = {fmt: document_url(invoice, fmt) for fmt in FORMATS}
    return {**links, "expiresAt": timezone.now() + DEFAULT_TTL}


def invoice_issued_publish(invoice: Invoice) -> None:
    """invoice.issued for an invoice, credit_note.issued for a credit note (subject: the credited
    invoice, so one invoice's events stay in order)."""
    if invoice.kind == InvoiceKind.INVOICE:
        event_publish(installation=invoice.installation, type="invoice.issued", subject_type="invoice",
                      subject_id=invoice.number, dedupe_key=f"invoice.issued:{invoice.pk}",
                      data={"invoice": invoice_document_view(invoice), "company": company_ref(invoice.company),
                            "documents": _documents(invoice), "issuedBy": "app"})
        return
    credited = invoice.credited_invoice
    event_publish(installation=invoice.installation, type="credit_note.issued", subject_type="invoice",
                  subject_id=credited.number, dedupe_key=f"credit_note.issued:{invoice.pk}",
                  data={"creditNote": invoice_document_view(invoice), "company": company_ref(invoice.company),
                        "creditedInvoiceNumber": credited.number, "documents": _documents(invoice)})


def invoice_voided_publish(invoice: Invoice, credit_note: Invoice | None) -> None:
    event_publish(installation=invoice.installation, type="invoice.voided", subject_type="invoice",
                  subject_id=invoice.number, dedupe_key=f"invoice.voided:{invoice.pk}",
                  data={"invoice": {"number": invoice.number, "issueDate": invoice.issue_date,
                                    "currency": invoice.currency,
                                    "totalGross": quantize(invoice.total_gross, invoice.currency),
                                    "amountDue": quantize(invoice.amount_due, invoice.currency)},
                        "company": company_ref(invoice.company), "reason": invoice.void_reason,
                        "voidedAt": invoice.voided_at,
                        "creditNote": (None if credit_note is None else
                                       {"number": credit_note.number,
                                        "amount": {"amount": quantize(credit_note.total_gross, credit_note.currency),
                                                   "currency": credit_note.currency}})})
