"""The API says what things are in words, so no page shows an internal id: ledger references as
order/invoice/payment names, a receivable's invoice number, company names on the trial balance and
the audit trail (newest first on request), tax ids in their country's written form."""
import datetime as dt

import pytest
from django.utils import timezone

from saleor_netterms.companies.services import credit_limit_set
from saleor_netterms.workflows.payments import payment_record
from tests.api.conftest import authorize, invoice, usd

LEDGER = """query($id: ID!) { company(id: $id) { taxIdDisplay ledger { kind references } receivables { invoiceNumber orderNumber } } }"""
TRIAL = """{ trialBalance(currency: "USD") { rows { kind companyId companyName } } }"""
AUDIT = """query($newest: Boolean) { auditEntries(newestFirst: $newest) { action companyName } }"""


@pytest.mark.django_db
def test_ledger_references_read_as_orders_invoices_and_payments(gql, credit_installation, buyer):
    # given: an order captured (invoice issued at capture), one still on hold, a payment on the invoice
    receivable = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    authorize(credit_installation, tx="tx-2", amount="50.00")
    payment_record(company=buyer, money=usd("100.00"), received_on=timezone.localdate(), reference="WIRE-0042",
                   allocations=[(receivable, usd("100.00"))], recorded_by="staff@example.com")

    # when
    data = gql(LEDGER, {"id": str(buyer.pk)})["company"]

    # then
    assert [(p["kind"], p["references"]) for p in data["ledger"]] == [
        ("HOLD", ["Order #1001"]), ("RECEIVABLE", ["Order #1001"]), ("HOLD", ["Checkout authorization"]),
        ("PAYMENT", ["Payment WIRE-0042"])]
    assert data["receivables"] == [{"invoiceNumber": None, "orderNumber": "1001"}]


@pytest.mark.django_db
def test_trial_balance_rows_carry_the_company_name(gql, credit_installation, buyer):
    # given
    invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")

    # when
    rows = gql(TRIAL)["trialBalance"]["rows"]

    # then: company accounts are named, the installation's own accounts are not
    named = {(r["kind"], r["companyName"]) for r in rows}
    assert ("RECEIVABLE", "Acme Industrial Supply") in named and ("SALES", None) in named
    assert all(r["companyName"] == ("Acme Industrial Supply" if r["companyId"] else None) for r in rows)


@pytest.mark.django_db
def test_audit_trail_newest_first_with_company_names(gql, buyer):
    # given: two limit changes
    credit_limit_set(company=buyer, amount=usd("12000"), actor="cfo@example.com", reason="Raise")
    credit_limit_set(company=buyer, amount=usd("15000"), actor="cfo@example.com", reason="Raise again")

    # when
    oldest = gql(AUDIT, {"newest": False})["auditEntries"]
    newest = gql(AUDIT, {"newest": True})["auditEntries"]

    # then
    assert newest == list(reversed(oldest)) and len(newest) >= 2
    assert {e["companyName"] for e in newest if e["action"] == "credit_limit.set"} == {"Acme Industrial Supply"}


@pytest.mark.django_db
@pytest.mark.parametrize("tax_id, country, shown", [
    ("911144442", "US", "91-1144442"), ("136695976", "DE", "DE136695976"), ("GB980780684", "GB", "GB 980 7806 84"),
    ("", "", "")])
def test_tax_ids_read_as_their_country_writes_them(gql, company_factory, credit_installation, tax_id, country, shown):
    # given
    company = company_factory(installation=credit_installation, legal_name="Acme", tax_id=tax_id,
                              tax_id_country=country)

    # when
    data = gql(LEDGER, {"id": str(company.pk)})["company"]

    # then
    assert data["taxIdDisplay"] == shown


@pytest.mark.django_db
def test_a_receivable_the_erp_invoiced_carries_the_erps_invoice_number(gql, credit_installation, buyer):
    # given: the merchant's ERP issues the invoices; it pushed SAP-9000001 for an order on terms
    from saleor_netterms.erp.services import masters_set
    from tests.portal.test_erp_invoices import erp_invoice_make

    masters_set(installation=credit_installation, actor="staff@example.com", invoices="erp")
    today = timezone.localdate()
    erp_invoice_make(buyer, number="SAP-9000001", gross="595.00", tax="95.00", issue_date=today,
                     due_date=today + dt.timedelta(days=30))

    # when
    data = gql(LEDGER, {"id": str(buyer.pk)})["company"]

    # then
    assert data["receivables"] == [{"invoiceNumber": "SAP-9000001", "orderNumber": "E0001"}]
