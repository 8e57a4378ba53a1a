"""Disputes reach the ERP as events of the disputed invoice (webhooks/dispute.*.v1): opened, then
resolved with the credit note's number or rejected; each once, valid against its schema."""
import pytest

from saleor_netterms.collections.services import dispute_open, dispute_resolve
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.integration_events.services import event_envelope, event_validate
from saleor_netterms.invoicing.models import Invoice

from .conftest import invoice_make, usd


def events(type_):
    found = list(IntegrationEvent.objects.filter(type=type_).order_by("id"))
    assert [event_validate(event_envelope(e)) for e in found] == [[] for _ in found]
    return found


@pytest.mark.django_db
def test_a_dispute_opened_and_partly_credited_publishes_two_events_of_the_invoice(acme):
    # given
    invoice = invoice_make(acme, amount="500.00", issue_date="2026-01-05")

    # when
    dispute = dispute_open(company=acme, receivable=invoice.receivable, reason_code="DAMAGED",
                           opened_by="buyer:ap@acme.example", amount=usd("120.00"), note="Two crates broken")
    dispute_resolve(dispute=dispute, resolution="partial", actor="staff@merchant.example", note="One crate",
                    credit_amount=usd("60.00"))
    dispute_resolve(dispute=dispute, resolution="partial", actor="staff@merchant.example", note="again",
                    credit_amount=usd("60.00"))  # resolving twice changes nothing

    # then
    (opened,) = events("dispute.opened")
    (resolved,) = events("dispute.resolved")
    note = Invoice.objects.get(kind="credit_note")
    ref = {"id": acme.pk, "legalName": "Acme Industrial Supply", "erpCustomerNumber": acme.erp_customer_number}
    base = {"id": dispute.pk, "invoiceNumber": invoice.number, "receivableReference": invoice.receivable.reference,
            "linePosition": None, "amount": {"amount": "120.00", "currency": "USD"}, "reasonCode": "DAMAGED",
            "note": "Two crates broken", "openedBy": "buyer:ap@acme.example"}
    assert (opened.subject_type, opened.subject_id, resolved.subject_id) == ("invoice", invoice.number, invoice.number)
    assert opened.data == {"company": ref, "dispute": {**base, "status": "open"}}
    assert resolved.data == {"company": ref, "dispute": {
        **base, "status": "partial", "resolution": "partial", "creditedAmount": {"amount": "60.00", "currency": "USD"},
        "creditNoteNumber": note.number, "resolvedBy": "staff@merchant.example",
        "resolvedAt": resolved.data["dispute"]["resolvedAt"], "resolutionNote": "One crate"}}
    assert resolved.data["dispute"]["resolvedAt"].endswith("Z")


@pytest.mark.django_db
def test_a_rejected_dispute_names_no_credit_note(acme):
    # given
    invoice = invoice_make(acme, amount="500.00", issue_date="2026-01-05")
    dispute = dispute_open(company=acme, receivable=invoice.receivable, reason_code="PRICING",
                           opened_by="staff@merchant.example")

    # when
    dispute_resolve(dispute=dispute, resolution="reject", actor="staff@merchant.example", note="Price as agreed")

    # then
    (resolved,) = events("dispute.resolved")
    assert (resolved.data["dispute"]["status"], resolved.data["dispute"]["creditNoteNumber"],
            resolved.data["dispute"]["creditedAmount"], resolved.data["dispute"]["amount"]) == (
        "rejected", None, {"amount": "0.00", "currency": "USD"}, {"amount": "500.00", "currency": "USD"})
