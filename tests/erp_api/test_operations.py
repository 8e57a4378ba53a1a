"""Every ERP write and its effect on the ledger, the audit trail and the events; ERP-master
invoicing and open items end to end with the Saleor double."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.workflows.checkout import transaction_capture
from saleor_netterms.companies.models import Company, CreditLimit
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.erp.models import ErpApiKey, ErpInvoice
from saleor_netterms.erp.services import masters_set
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.integration_events.services import event_envelope, event_validate
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.ledger.models import Posting
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_deliver
from saleor_netterms.payments.models import Payment
from saleor_netterms.receivables.models import Receivable
from tests.fixtures_credit import ledger_counts
from tests.invoicing.conftest import acme, held_order, order_snapshot, usd  # noqa: F401 - fixtures

TODAY = timezone.localdate
ACME = {"legalName": "Acme Industrial Supply", "taxId": "DE136695976", "taxIdCountry": "DE",
        "billingContact": {"name": "Accounts Payable", "email": "AP@acme.example"}, "defaultTermsDays": 45,
        "creditTier": "premium", "allowedChannels": ["b2b"]}


def actor(raw: str) -> str:
    return f"erp:{raw[:12]}"


@pytest.mark.django_db
def test_companies_are_upserted_by_erp_customer_number_and_audited_with_the_erp(erp, erp_key):
    # given
    raw = erp_key()

    # when
    created = erp("PUT", "/companies/C-1000", ACME, key=raw)
    updated = erp("PUT", "/companies/C-1000", {"legalName": "Acme Industrial Supply Inc.", "defaultTermsDays": 60},
                  key=raw)
    fetched = erp("GET", "/companies/C-1000", key=raw)

    # then
    assert created.status_code == 201
    assert created.data == {"id": created.data["id"], "erpCustomerNumber": "C-1000", "legalName": "Acme Industrial Supply",
                            "taxId": "DE136695976", "taxIdCountry": "DE", "status": "active", "defaultTermsDays": 45,
                            "creditTier": "premium", "creditLimits": [], "created": True}
    assert (updated.status_code, updated.data["created"], updated.data["defaultTermsDays"]) == (200, False, 60)
    assert fetched.data == {**updated.data, "created": False}
    company = Company.objects.get()
    assert (company.billing_contact_email, company.allowed_channels, company.credit_tier) == (
        "ap@acme.example", ["b2b"], "premium")
    assert list(AuditEntry.objects.filter(actor=actor(raw)).values_list("action", flat=True)) == [
        "company.create", "company.update"]
    assert [e.type for e in IntegrationEvent.objects.order_by("id")] == [
        "company.created", "company.updated", "company.updated"]


@pytest.mark.django_db
def test_an_invalid_tax_id_is_a_coded_400_and_nothing_is_written(erp):
    # when
    response = erp("PUT", "/companies/C-1000", {**ACME, "taxId": "DE000"})

    # then
    assert (response.status_code, response.data["code"]) == (400, "INVALID_TAX_ID")
    assert Company.objects.count() == 0
    assert IntegrationEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("legal_name", ["Acme\x00GmbH", "Acme \ud9d6 GmbH", "Acme\x1bGmbH"])
def test_nul_control_characters_and_lone_surrogates_are_a_coded_400_and_nothing_is_written(erp, legal_name):
    # when: text PostgreSQL cannot store (NUL) or that no business text holds
    response = erp("PUT", "/companies/C-1000", {**ACME, "legalName": legal_name})
    in_path = erp("PUT", "/companies/C%00-1000", ACME)

    # then
    assert (response.status_code, response.data["code"]) == (400, "INVALID_REQUEST")
    assert (in_path.status_code, in_path.data["code"]) == (400, "INVALID_REQUEST")
    assert Company.objects.count() == 0
    assert IntegrationEvent.objects.count() == 0


@pytest.mark.django_db
def test_limits_are_refused_while_the_app_is_their_master(erp, company_factory, credit_installation):
    # given
    company_factory(erp_customer_number="C-1000", limit=usd("5000"))

    # when
    response = erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "9000.00"})

    # then
    assert (response.status_code, response.data["code"]) == (409, "CREDIT_LIMITS_MASTER_IS_APP")
    assert CreditLimit.objects.get().amount == Decimal("5000.0000")


@pytest.mark.django_db
def test_the_erp_sets_limits_when_it_is_their_master_audited_with_the_erp(erp, erp_key, erp_masters, company_factory):
    # given
    raw = erp_key()
    erp_masters(credit_limits="erp")
    company = company_factory(erp_customer_number="C-1000", limit=usd("5000"))

    # when
    response = erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "9000.00", "reason": "Annual review"},
                   key=raw)

    # then
    assert response.data == {"status": "applied", "limit": {"amount": "9000.00", "currency": "USD"}}
    assert credit_summary(company=company, currency="USD").limit == usd("9000")
    entry = AuditEntry.objects.filter(action="credit_limit.set").last()
    assert (entry.actor, entry.before, entry.after, entry.reason) == (
        actor(raw), {"currency": "USD", "amount": "5000.00"}, {"currency": "USD", "amount": "9000.00"},
        "Annual review")
    event = IntegrationEvent.objects.filter(type="credit_limit.changed").last()
    assert (event.data["actor"], event.data["previousAmount"], event.data["amount"]) == (actor(raw), "5000.00",
                                                                                         "9000.00")


@pytest.mark.django_db
def test_an_erp_raise_goes_through_approval_when_the_merchant_wants_it(erp, erp_masters, company_factory):
    # given
    erp_masters(credit_limits="erp", erp_limits_need_approval=True)
    company_factory(erp_customer_number="C-1000", limit=usd("5000"))

    # when
    raise_ = erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "9000.00"})
    lower = erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "4000.00"})

    # then
    request = ApprovalRequest.objects.get()
    assert raise_.data == {"status": "pending_approval", "approvalRequestId": request.pk}
    assert (request.amount, request.currency) == (Decimal("9000.0000"), "USD")
    assert lower.data["status"] == "applied"  # lowering a limit never waits
    assert CreditLimit.objects.get().amount == Decimal("4000.0000")


@pytest.mark.django_db
def test_hold_and_release_change_the_status_audit_it_and_publish_it(erp, erp_key, company_factory):
    # given
    raw = erp_key()
    company_factory(erp_customer_number="C-1000")

    # when
    held = erp("POST", "/companies/C-1000/hold", {"reason": "Dunning level 3"}, key=raw)
    released = erp("POST", "/companies/C-1000/release", {}, key=raw)

    # then
    assert held.data == {"erpCustomerNumber": "C-1000", "status": "on_hold", "statusReason": "Dunning level 3"}
    assert released.data == {"erpCustomerNumber": "C-1000", "status": "active", "statusReason": ""}
    assert list(AuditEntry.objects.filter(action="company.status_set").values_list("actor", "after")) == [
        (actor(raw), {"status": "on_hold"}), (actor(raw), {"status": "active"})]
    assert [e.data["status"] for e in IntegrationEvent.objects.filter(type="account.status_changed")] == [
        "on_hold", "active"]


@pytest.mark.django_db
def test_a_payment_with_allocations_by_invoice_number_settles_the_invoice_once(erp, acme, held_order):
    # given
    Company.objects.filter(pk=acme.pk).update(erp_customer_number="C-1000")
    tx = held_order(company=acme, amount="180.00")
    transaction_capture(installation=tx.installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd("180.00"), request_key="c1"))
    invoice = Invoice.objects.get()
    body = {"customerNumber": "C-1000", "reference": "ERP-PAY-4711", "amount": "100.00", "currency": "USD",
            "receivedOn": TODAY().isoformat(), "allocations": [{"invoiceNumber": invoice.number, "amount": "100.00"}]}

    # when
    first = erp("POST", "/payments", body, idem="pay-1")
    before = ledger_counts()
    replay = erp("POST", "/payments", body, idem="pay-1")
    again = erp("POST", "/payments", body, idem="pay-2")  # the ERP lost the answer and sends it anew

    # then
    payment = Payment.objects.get()
    assert first.status_code == 201
    assert first.data == {"intakeId": first.data["intakeId"], "status": first.data["status"], "paymentId": payment.pk,
                          "duplicateOf": None,
                          "allocations": [{"invoiceNumber": invoice.number,
                                           "amount": {"amount": "100.00", "currency": "USD"}}]}
    assert (replay.data, replay["Idempotent-Replayed"]) == (first.data, "true")
    assert (again.status_code, again.data["paymentId"]) == (200, payment.pk)
    assert ledger_counts() == before
    assert (payment.source, payment.reference) == ("erp", "ERP-PAY-4711")
    assert credit_summary(company=acme, currency="USD").receivables == usd("80.00")
    assert IntegrationEvent.objects.filter(type="payment.applied").count() == 1


@pytest.mark.django_db
def test_a_payment_for_an_unknown_invoice_is_404_and_books_nothing(erp, company_factory):
    # given
    company_factory(erp_customer_number="C-1000")
    before = ledger_counts()

    # when
    response = erp("POST", "/payments", {"customerNumber": "C-1000", "reference": "P-1", "amount": "10.00",
                                         "currency": "USD", "receivedOn": "2026-12-01",
                                         "allocations": [{"invoiceNumber": "INV-404", "amount": "10.00"}]})

    # then
    assert (response.status_code, response.data["code"]) == (404, "INVOICE_NOT_FOUND")
    assert ledger_counts() == before
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_an_erp_credit_note_against_an_app_invoice_issues_a_numbered_credit_note(erp, acme, held_order):
    # given
    Company.objects.filter(pk=acme.pk).update(erp_customer_number="C-1000")
    tx = held_order(company=acme, amount="180.00")
    transaction_capture(installation=tx.installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd("180.00"), request_key="c1"))
    invoice = Invoice.objects.get()
    body = {"customerNumber": "C-1000", "number": "GS-77", "invoiceNumber": invoice.number, "amount": "30.00",
            "currency": "USD", "reason": "Damaged goods"}

    # when
    first = erp("POST", "/credit-notes", body, idem="cn-1")
    second = erp("POST", "/credit-notes", body, idem="cn-2")  # the same ERP credit note sent anew

    # then
    note = Invoice.objects.get(kind="credit_note")
    assert first.status_code == 201
    assert first.data == {"creditNoteNumber": note.number, "invoiceNumber": invoice.number,
                          "amount": {"amount": "30.00", "currency": "USD"}}
    assert second.data == first.data
    assert note.snapshot["note"] == "Damaged goods (ERP credit note GS-77)"
    assert credit_summary(company=acme, currency="USD").receivables == usd("150.00")


@pytest.fixture
def erp_company(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply", limit=usd("5000"),
                              erp_customer_number="C-1000")
    member_factory(company=company, value="VXNlcjo2")
    return company


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_erp_as_invoicing_master_end_to_end(erp, erp_key, installation, erp_company, held_order, fake_saleor):
    # given: the ERP issues this installation's invoices
    raw = erp_key(installation=installation)
    masters_set(installation=installation, actor="staff@shop.example", invoices="erp")
    order_id = "T3JkZXI6YzhmZDg4MmUtNzhmYS00OTk4LTk3NGYtOGNhMWUyNjA4MjI5"
    tx = held_order(company=erp_company, amount="180.00",
                    order=order_snapshot(order_id=order_id, transaction_id="VHJhbnNhY3Rpb25JdGVtOjE=", number="36"),
                    transaction_id="VHJhbnNhY3Rpb25JdGVtOjE=")
    transaction_capture(installation=installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd("180.00"), request_key="c1"))
    assert Invoice.objects.count() == 0  # the app issued none itself
    fake_saleor.answer("InvoiceCreate", lambda v: {"data": {"invoiceCreate": {
        "invoice": {"id": "SW52b2ljZTo3", "number": v["number"], "url": v["url"], "status": "SUCCESS"},
        "errors": []}}})
    due = TODAY() + dt.timedelta(days=45)
    body = {"number": "RE-2026-0815", "orderId": order_id, "issueDate": TODAY().isoformat(),
            "dueDate": due.isoformat(), "currency": "USD", "totalNet": "180.00", "totalTax": "0.00",
            "totalGross": "180.00", "pdfUrl": "https://erp.example.com/invoices/RE-2026-0815.pdf"}

    # when
    pushed = erp("POST", "/invoices", body, key=raw)
    again = erp("POST", "/invoices", body, key=raw)
    (message,) = OutboxMessage.objects.filter(kind="saleor.erp_invoice_create")
    outbox_deliver(message_id=message.pk)
    paid = erp("POST", "/payments", {"customerNumber": "C-1000", "reference": "ERP-PAY-1", "amount": "180.00",
                                     "currency": "USD", "receivedOn": TODAY().isoformat(),
                                     "allocations": [{"invoiceNumber": "RE-2026-0815", "amount": "180.00"}]}, key=raw)

    # then
    receivable = Receivable.objects.get()
    assert pushed.status_code == 201
    assert pushed.data == {"number": "RE-2026-0815", "orderId": order_id, "receivableReference": receivable.reference,
                           "dueDate": due.isoformat(), "amount": {"amount": "180.00", "currency": "USD"},
                           "created": True, "pdf": {"stored": False, "size": None, "sha256": None}}
    assert (again.status_code, again.data["created"]) == (200, False)
    assert ErpInvoice.objects.count() == 1
    assert receivable.due_date == due  # the ERP's terms are the truth for dunning
    (create,) = fake_saleor.calls_for("InvoiceCreate")  # validated against the pinned schema by the double
    assert create.variables == {"orderId": order_id, "number": "RE-2026-0815",
                                "url": "https://erp.example.com/invoices/RE-2026-0815.pdf"}
    assert ErpInvoice.objects.get().saleor_invoice_id == "SW52b2ljZTo3"
    (issued,) = IntegrationEvent.objects.filter(type="invoice.issued")  # once, though pushed twice
    assert event_validate(event_envelope(issued)) == []
    assert (issued.versioned_type, issued.subject_id, issued.data["issuedBy"]) == (
        "invoice.issued.v2", "RE-2026-0815", "erp")
    assert issued.data["documents"]["pdf"] == "https://erp.example.com/invoices/RE-2026-0815.pdf"
    assert (issued.data["invoice"]["number"], issued.data["invoice"]["dueDate"], issued.data["invoice"]["totals"]) == (
        "RE-2026-0815", due.isoformat(), {"net": "180.00", "tax": "0.00", "gross": "180.00", "prepaid": "0.00",
                                          "amountDue": "180.00"})
    assert paid.status_code == 201
    assert credit_summary(company=erp_company, currency="USD").receivables == usd("0")
    assert Invoice.objects.count() == 0


@pytest.mark.django_db
def test_an_erp_invoice_for_an_order_still_on_hold_converts_the_hold(erp, erp_masters, acme, held_order):
    # given
    erp_masters(invoices="erp")
    tx = held_order(company=acme, amount="180.00")
    body = {"number": "RE-1", "orderId": tx.order_id, "issueDate": "2026-12-01", "dueDate": "2026-12-31",
            "currency": "USD", "totalNet": "180.00", "totalTax": "0.00", "totalGross": "180.00",
            "pdfUrl": "https://erp.example.com/RE-1.pdf"}

    # when
    response = erp("POST", "/invoices", body)

    # then
    assert response.status_code == 201
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("0"), usd("180.00"))
    assert Receivable.objects.get().reference == "RE-1"
    assert Posting.objects.filter(idempotency_key__startswith="erp-invoice:").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("change,code,status", [
    ({"totalGross": "181.00"}, "INVOICE_AMOUNT_INVALID", 400),
    ({"dueDate": "2026-11-01"}, "INVOICE_DATES_INVALID", 400),
    ({"orderId": "T3JkZXI6bm9uZQ=="}, "ORDER_NOT_FOUND", 404),
    ({"totalNet": "200.00", "totalGross": "200.00"}, "NOTHING_TO_INVOICE", 409),
])
def test_a_bad_erp_invoice_is_refused_and_nothing_is_written(erp, erp_masters, acme, held_order, change, code, status):
    # given
    erp_masters(invoices="erp")
    tx = held_order(company=acme, amount="180.00")
    body = {"number": "RE-1", "orderId": tx.order_id, "issueDate": "2026-12-01", "dueDate": "2026-12-31",
            "currency": "USD", "totalNet": "180.00", "totalTax": "0.00", "totalGross": "180.00",
            "pdfUrl": "https://erp.example.com/RE-1.pdf", **change}
    before = ledger_counts()

    # when
    response = erp("POST", "/invoices", body)

    # then
    assert (response.status_code, response.data["code"]) == (status, code)
    assert ledger_counts() == before
    assert ErpInvoice.objects.count() == 0
    assert OutboxMessage.objects.filter(kind="saleor.erp_invoice_create").count() == 0


@pytest.mark.django_db
def test_erp_invoices_are_refused_while_the_app_issues_invoices(erp, acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")

    # when
    response = erp("POST", "/invoices", {"number": "RE-1", "orderId": tx.order_id, "issueDate": "2026-12-01",
                                         "dueDate": "2026-12-31", "currency": "USD", "totalNet": "180.00",
                                         "totalTax": "0.00", "totalGross": "180.00",
                                         "pdfUrl": "https://erp.example.com/RE-1.pdf"})

    # then
    assert (response.status_code, response.data["code"]) == (409, "INVOICES_MASTER_IS_APP")


@pytest.mark.django_db
def test_erp_open_items_are_the_exposure_with_the_apps_holds(erp, erp_masters, acme, held_order):
    # given: the ERP keeps the AR; the app holds 180.00 for an order not yet invoiced
    erp_masters(open_items="erp")
    Company.objects.filter(pk=acme.pk).update(erp_customer_number="C-1000")
    held_order(company=acme, amount="180.00")
    items = {"items": [{"documentNumber": "RE-1", "documentDate": "2026-11-01", "dueDate": "2026-12-01",
                        "amountOpen": "60000.00"},
                       {"documentNumber": "GS-2", "amountOpen": "-1500.50"}]}

    # when
    first = erp("PUT", "/companies/C-1000/open-items/USD", items)
    second = erp("PUT", "/companies/C-1000/open-items/USD", {"items": [{"documentNumber": "RE-1",
                                                                         "amountOpen": "40000.00"}]})

    # then
    assert first.data == {"items": 2, "exposure": {"amount": "58499.50", "currency": "USD"}}
    assert second.data == {"items": 1, "exposure": {"amount": "40000.00", "currency": "USD"}}
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.holds, summary.receivables, summary.exposure, summary.available) == (
        usd("180.00"), usd("40000.00"), usd("40180.00"), usd("59820.00"))
    assert AuditEntry.objects.filter(action="erp_open_items.push").count() == 2


@pytest.mark.django_db
def test_events_are_pulled_since_a_cursor_page_by_page(erp, company_factory):
    # given
    company_factory(erp_customer_number="C-1")
    company_factory(erp_customer_number="C-2")
    sequences = list(IntegrationEvent.objects.order_by("id").values_list("id", flat=True))

    # when
    first = erp("GET", "/events?limit=3")
    rest = erp("GET", f"/events?after={first.data['nextCursor']}&limit=3")
    only_limits = erp("GET", "/events?types=credit_limit.changed")

    # then
    assert [e["sequence"] for e in first.data["events"]] == sequences[:3]
    assert (first.data["hasMore"], first.data["nextCursor"]) == (True, sequences[2])
    assert [e["sequence"] for e in rest.data["events"]] == sequences[3:]
    assert (rest.data["hasMore"], rest.data["nextCursor"]) == (False, sequences[-1])
    assert [e["type"] for e in only_limits.data["events"]] == ["credit_limit.changed.v1"] * 2
    assert first.data["events"][0]["id"].startswith("evt_")


@pytest.mark.django_db
def test_the_masters_are_readable_with_any_key(erp, erp_key, erp_masters):
    # given
    erp_masters(invoices="erp", open_items="erp")

    # when
    response = erp("GET", "/masters", key=erp_key(scopes=["events:read"]))

    # then
    assert response.data == {"creditLimits": "app", "invoices": "erp", "openItems": "erp",
                             "erpLimitsNeedApproval": False}
    assert ErpApiKey.objects.count() == 1
