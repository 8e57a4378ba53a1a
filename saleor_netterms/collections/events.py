"""Collections' integration events for ERPs/CRMs (schemas in webhooks/<type>.v1.json), published
in the transaction of the change they announce (integration_events.services.event_publish)."""
from __future__ import annotations

from decimal import Decimal

from saleor_netterms.companies.events import company_ref
from saleor_netterms.core.money import quantize
from saleor_netterms.integration_events.services import event_publish


def money_json(amount: Decimal, currency: str) -> dict:
    return {"amount": format(quantize(amount, currency), "f"), "currency": currency}


def totals_json(totals: dict) -> list[dict]:
    return [money_json(v, k) for k, v in sorted(totals.items())]


def publish(*, company, type: str, data: dict, dedupe_key: str) -> None:
    event_publish(installation=company.installation, type=type, subject_type="company", subject_id=company.pk,
                  data={"company": company_ref(company), **data}, dedupe_key=f"collections:{dedupe_key}")


def dispute_view(dispute, invoice_number: str) -> dict:
    return {"id": dispute.pk, "invoiceNumber": invoice_number, "receivableReference": dispute.receivable.reference,
            "linePosition": dispute.line_position, "amount": money_json(dispute.amount, dispute.currency),
            "reasonCode": dispute.reason_code, "note": dispute.note, "openedBy": dispute.opened_by,
            "status": dispute.status}


def dispute_opened_publish(dispute, *, invoice_number: str) -> None:
    """dispute.opened, subject the disputed invoice (in order with its other events)."""
    event_publish(installation=dispute.company.installation, type="dispute.opened", subject_type="invoice",
                  subject_id=invoice_number, dedupe_key=f"dispute.opened:{dispute.pk}",
                  data={"company": company_ref(dispute.company), "dispute": dispute_view(dispute, invoice_number)})


def dispute_resolved_publish(dispute, *, invoice_number: str, resolution: str, credit_note_number: str | None) -> None:
    """dispute.resolved: credited (fully or partly, with the credit note's number) or rejected."""
    event_publish(installation=dispute.company.installation, type="dispute.resolved", subject_type="invoice",
                  subject_id=invoice_number, dedupe_key=f"dispute.resolved:{dispute.pk}",
                  data={"company": company_ref(dispute.company), "dispute": {
                      **dispute_view(dispute, invoice_number), "resolution": resolution,
                      "creditedAmount": money_json(dispute.credited_amount, dispute.currency),
                      "creditNoteNumber": credit_note_number, "resolvedBy": dispute.resolved_by,
                      "resolvedAt": dispute.resolved_at, "resolutionNote": dispute.resolution_note}})
