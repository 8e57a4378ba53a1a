"""Every domain change an ERP must hear about publishes one versioned event in the same
transaction, and every payload validates against its published schema."""
import datetime as dt

import pytest
from django.utils import timezone

from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.workflows.checkout import order_cancel, transaction_capture
from saleor_netterms.companies.services import company_create, company_status_set, company_update, credit_limit_set
from saleor_netterms.core.money import Money
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.integration_events.services import event_envelope, event_publish, event_validate
from saleor_netterms.invoicing.creditor_reference import creditor_reference_for
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.services import credit_note_issue, invoice_void
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.events import receivables_overdue_publish
from saleor_netterms.receivables.models import Receivable
from tests.invoicing.conftest import acme, held_order, usd  # noqa: F401 - fixtures

TODAY = timezone.localdate


def events(*types):
    qs = IntegrationEvent.objects.order_by("id")
    return [e for e in qs if not types or e.type in types]


def assert_all_valid():
    problems = {e.versioned_type: event_validate(event_envelope(e)) for e in IntegrationEvent.objects.all()}
    assert {k: v for k, v in problems.items() if v} == {}


def capture(tx, amount):
    return transaction_capture(installation=tx.installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd(amount), request_key=f"capture:{tx.pk}"))


@pytest.mark.django_db
def test_a_company_lifecycle_publishes_created_updated_limit_and_status_events(credit_installation):
    # given
    company = company_create(installation=credit_installation, legal_name="Acme Industrial Supply",
                             erp_customer_number="C-1000", billing_contact_email="AP@acme.example")

    # when
    company_update(company=company, legal_name="Acme Industrial Supply Inc.", default_terms_days=45)
    credit_limit_set(company=company, amount=Money.of("10000", "USD"), actor="staff@shop.example", reason="Onboarding")
    credit_limit_set(company=company, amount=Money.of("10000", "USD"), actor="staff@shop.example")  # unchanged
    credit_limit_set(company=company, amount=Money.of("25000", "USD"), actor="erp:nt_ab12", reason="ERP")
    company_status_set(company=company, status="on_hold", reason="Cheque bounced")
    company_status_set(company=company, status="on_hold", reason="Cheque bounced")  # unchanged

    # then
    assert [e.versioned_type for e in events()] == [
        "company.created.v1", "company.updated.v1", "credit_limit.changed.v1", "credit_limit.changed.v1",
        "account.status_changed.v1"]
    created, updated, first_limit, second_limit, status = events()
    ref = {"id": company.pk, "legalName": "Acme Industrial Supply Inc.", "erpCustomerNumber": "C-1000"}
    assert created.data["company"] == {
        "id": company.pk, "legalName": "Acme Industrial Supply", "taxId": "", "taxIdCountry": "",
        "erpCustomerNumber": "C-1000", "billingContact": {"name": "", "email": "ap@acme.example", "phone": ""},
        "status": "active", "statusReason": "", "defaultTermsDays": 30, "poNumberRequired": False,
        "allowedChannels": [], "creditTier": "standard", "creditLimits": []}
    assert (created.subject_type, created.subject_id) == ("company", str(company.pk))
    assert updated.data["changedFields"] == ["defaultTermsDays", "legalName"]
    assert updated.data["company"]["defaultTermsDays"] == 45
    assert first_limit.data == {"company": ref, "currency": "USD", "previousAmount": None, "amount": "10000.00",
                                "actor": "staff@shop.example", "reason": "Onboarding"}
    assert second_limit.data == {"company": ref, "currency": "USD", "previousAmount": "10000.00",
                                 "amount": "25000.00", "actor": "erp:nt_ab12", "reason": "ERP"}
    assert status.data == {"company": ref, "previousStatus": "active", "status": "on_hold",
                           "reason": "Cheque bounced"}
    envelope = event_envelope(status)
    assert envelope["type"] == "account.status_changed.v1"
    assert envelope["id"] == f"evt_{status.event_id.hex}"
    assert envelope["installation"] == {"id": credit_installation.pk,
                                        "saleorApiUrl": "https://shop.example.com/graphql/"}
    assert envelope["subject"] == {"type": "company", "id": str(company.pk)}
    assert envelope["sequence"] == status.pk
    assert_all_valid()


@pytest.mark.django_db
def test_an_order_on_terms_its_invoice_payment_credit_note_void_and_overdue_publish_events(acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")
    capture(tx, "180.00")
    invoice = Invoice.objects.get()
    receivable = Receivable.objects.get()

    # when
    payment_record(company=acme, money=usd("50.00"), received_on=TODAY(), reference="BANK-1",
                   allocations=[(receivable, usd("50.00"))])
    credit_note = credit_note_issue(invoice=invoice, amount=usd("30.00"), reason="Damaged item")
    Receivable.objects.filter(pk=receivable.pk).update(due_date=TODAY() - dt.timedelta(days=3))
    overdue = receivables_overdue_publish()
    overdue_again = receivables_overdue_publish()
    invoice_void(invoice=invoice, reason="Wrong address")

    # then
    assert [e.versioned_type for e in events()[-8:]] == [
        "order.placed_on_terms.v1", "invoice.issued.v2", "payment.received.v1", "payment.applied.v1",
        "credit_note.issued.v1", "receivable.overdue.v1", "credit_note.issued.v1", "invoice.voided.v1"]
    assert (overdue, overdue_again) == (1, 0)
    ref = {"id": acme.pk, "legalName": "Acme Industrial Supply", "erpCustomerNumber": ""}
    placed = events("order.placed_on_terms")[0]
    assert (placed.subject_type, placed.subject_id) == ("order", tx.order_id)
    assert placed.data == {
        "company": ref, "order": {"id": tx.order_id, "number": tx.order_number, "channel": "default-channel"},
        "transaction": {"saleorTransactionId": tx.saleor_transaction_id, "pspReference": tx.psp_reference,
                        "status": "authorized"},
        "poNumber": "PO-4711", "amount": {"amount": "180.00", "currency": "USD"},
        "totals": {"net": "180.00", "tax": "0.00", "gross": "180.00"},
        "lines": [{"productName": "Dash Force", "sku": "618223581", "quantity": 2, "unitNet": "90.00",
                   "unitGross": "90.00", "taxRate": "0.0"}],
        "terms": {"days": 30, "label": "Net 30"},
        "decision": {"outcome": "approve", "score": None, "reasons": []}}
    issued = events("invoice.issued")[0]
    due = (TODAY() + dt.timedelta(days=30)).isoformat()
    assert (issued.subject_type, issued.subject_id, issued.data["issuedBy"]) == ("invoice", invoice.number, "app")
    doc = issued.data["invoice"]
    assert (doc["number"], doc["issueDate"], doc["dueDate"], doc["currency"], doc["termsLabel"]) == (
        invoice.number, TODAY().isoformat(), due, "USD", "Net 30")
    assert doc["totals"] == {"net": "180.00", "tax": "0.00", "gross": "180.00", "prepaid": "0.00",
                             "amountDue": "180.00"}
    assert doc["schedule"] == [{"dueDate": due, "amount": "180.00", "label": "Payment in full"}]
    assert doc["paymentReference"] == creditor_reference_for(series_id=invoice.series_id, period=invoice.period,
                                                               sequence=invoice.sequence)
    assert (doc["poNumber"], doc["order"]) == ("PO-4711", {"id": tx.order_id, "number": tx.order_number})
    assert sorted(issued.data["documents"]) == ["expiresAt", "facturx", "pdf", "ubl"]
    assert issued.data["documents"]["pdf"].startswith("http://127.0.0.1:8000/documents/")
    received, applied = events("payment.received", "payment.applied")
    assert received.data["payment"]["amount"] == {"amount": "50.00", "currency": "USD"}
    assert (received.data["payment"]["reference"], received.data["payment"]["source"]) == ("BANK-1", "manual")
    assert applied.data["allocations"] == [{"invoiceNumber": invoice.number, "receivableReference": receivable.reference,
                                            "amount": {"amount": "50.00", "currency": "USD"},
                                            "openAfter": {"amount": "130.00", "currency": "USD"}}]
    assert applied.data["toCreditBalance"] == {"amount": "0.00", "currency": "USD"}
    credit = events("credit_note.issued")[0]
    assert (credit.subject_id, credit.data["creditedInvoiceNumber"], credit.data["creditNote"]["number"]) == (
        invoice.number, invoice.number, credit_note.number)
    assert credit.data["creditNote"]["totals"]["gross"] == "30.00"
    late = events("receivable.overdue")[0]
    assert late.data == {"company": ref, "invoiceNumber": invoice.number, "receivableReference": receivable.reference,
                         "dueDate": (TODAY() - dt.timedelta(days=3)).isoformat(), "daysOverdue": 3,
                         "amount": {"amount": "180.00", "currency": "USD"},
                         "open": {"amount": "100.00", "currency": "USD"}}
    voided = events("invoice.voided")[0]
    void_note = Invoice.objects.get(issue_key=f"void:{invoice.pk}")
    assert voided.data["creditNote"] == {"number": void_note.number, "amount": {"amount": "150.00", "currency": "USD"}}
    assert (voided.data["reason"], voided.subject_id) == ("Wrong address", invoice.number)
    assert_all_valid()


@pytest.mark.django_db
def test_a_cancelled_order_publishes_what_was_released(acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")

    # when
    order_cancel(installation=acme.installation, order_id=tx.order_id, transaction_ids=(tx.saleor_transaction_id,))
    order_cancel(installation=acme.installation, order_id=tx.order_id, transaction_ids=(tx.saleor_transaction_id,))

    # then
    cancelled = events("order.cancelled")
    assert len(cancelled) == 1
    assert cancelled[0].data["released"] == {"amount": "180.00", "currency": "USD"}
    assert cancelled[0].data["reason"] == f"Order {tx.order_id} cancelled"
    assert_all_valid()


@pytest.mark.django_db
def test_an_event_that_does_not_match_its_schema_fails_the_change_in_strict_mode(credit_installation, settings):
    # given
    settings.INTEGRATION_EVENTS_VALIDATION = "strict"

    # when
    with pytest.raises(Exception) as exc:
        event_publish(installation=credit_installation, type="credit_limit.changed", subject_type="company",
                      subject_id=1, data={"currency": "usd", "amount": 5})

    # then
    assert getattr(exc.value, "code", None) == "EVENT_PAYLOAD_INVALID"
    assert "data: 'company' is a required property" in str(exc.value)
    assert "data/amount: 5 is not of type 'string'" in str(exc.value)


@pytest.mark.django_db
def test_the_same_fact_published_twice_is_one_event(credit_installation):
    # given
    data = {"company": {"id": 1, "legalName": "A", "erpCustomerNumber": ""}, "previousStatus": "active",
            "status": "on_hold", "reason": "x"}

    # when
    first = event_publish(installation=credit_installation, type="account.status_changed", subject_type="company",
                          subject_id=1, data=data, dedupe_key="k1")
    second = event_publish(installation=credit_installation, type="account.status_changed",
                           subject_type="company", subject_id=1, data=data, dedupe_key="k1")

    # then
    assert first.pk == second.pk
    assert IntegrationEvent.objects.count() == 1
