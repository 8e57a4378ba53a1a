"""The invoice register (api/registers.py): invoices and credit notes newest first with the open amount
from the rollup, the actions that apply, the selection's totals; sorted, filtered, counted, as CSV."""
import datetime as dt

import pytest
from django.utils import timezone

from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.services import credit_note_issue, invoice_issue_for_order, invoice_void
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.workflows.payments import payment_record
from tests.api.conftest import usd
from tests.invoicing.conftest import acme, held_order, order_snapshot  # noqa: F401 - fixtures

REGISTER = """query R($sort: String, $kind: InvoiceKind, $status: InvoiceStatus, $overdueOnly: Boolean,
    $search: String, $issuedFrom: Date) {
  invoiceRegister(sort: $sort, kind: $kind, status: $status, overdueOnly: $overdueOnly, search: $search,
      issuedFrom: $issuedFrom) {
    totalCount items { number kind status actions openAmount { amount } daysPastDue }
    totals { currency invoiced { amount } credited { amount } open { amount } invoiceCount creditNoteCount } } }"""
CSV = "query C($overdueOnly: Boolean) { invoiceRegisterCsv(overdueOnly: $overdueOnly) }"


def _issue(held_order, acme, *, number: str, amount: str, days_ago: int = 0):
    tx = held_order(company=acme, amount=amount, order=order_snapshot(
        order_id=f"T3JkZXI6{number}", transaction_id=f"tx-{number}", number=number, total_net=amount,
        total_gross=amount, lines=()), transaction_id=f"tx-{number}")
    invoice = invoice_issue_for_order(transaction=tx, issue_date=timezone.localdate() - dt.timedelta(days=days_ago))
    if days_ago:
        Receivable.objects.filter(pk=invoice.receivable_id).update(
            due_date=timezone.localdate() - dt.timedelta(days=days_ago) + dt.timedelta(days=30))
    return invoice


@pytest.fixture
def book(acme, held_order):
    """#101 overdue 15 days (180.00, 30.00 credited); #102 paid; #103 voided; #104 fully credited."""
    overdue = _issue(held_order, acme, number="101", amount="180.00", days_ago=45)
    credit_note_issue(invoice=overdue, reason="Damaged", amount=usd("30.00"))
    paid = _issue(held_order, acme, number="102", amount="50.00", days_ago=2)
    payment_record(company=acme, money=usd("50.00"), received_on=timezone.localdate(), reference="WIRE-1",
                   allocations=[(paid.receivable, usd("50.00"))], recorded_by="staff@example.com")
    voided = _issue(held_order, acme, number="103", amount="20.00", days_ago=1)
    invoice_void(invoice=voided, reason="Duplicate")
    credited = _issue(held_order, acme, number="104", amount="40.00")
    credit_note_issue(invoice=credited, reason="Returned")
    return {"overdue": overdue, "paid": paid, "voided": voided, "credited": credited}


def _numbers(data):
    return [(i["number"], i["kind"]) for i in data["invoiceRegister"]["items"]]


@pytest.mark.django_db
def test_invoices_with_open_amounts_actions_that_apply_and_totals(gql, book):
    # when
    page = gql(REGISTER)["invoiceRegister"]

    # then: newest issued first; only the actions that apply; totals over the selection
    rows = {(i["number"], i["kind"]): i for i in page["items"]}
    numbers = {key: Invoice.objects.get(number=key[0]) for key in rows}
    assert page["totalCount"] == 7
    overdue, paid = book["overdue"].number, book["paid"].number
    assert (rows[(overdue, "INVOICE")]["actions"], rows[(overdue, "INVOICE")]["openAmount"],
            rows[(overdue, "INVOICE")]["daysPastDue"]) == (["CREDIT_NOTE", "VOID"], {"amount": "150.00"}, 15)
    assert rows[(paid, "INVOICE")]["actions"] == ["CREDIT_NOTE", "VOID"]
    assert rows[(paid, "INVOICE")]["openAmount"] == {"amount": "0.00"}
    assert rows[(book["voided"].number, "INVOICE")]["actions"] == []
    assert rows[(book["credited"].number, "INVOICE")]["actions"] == ["VOID"]
    assert all(r["actions"] == [] and r["openAmount"] is None
               for key, r in rows.items() if numbers[key].kind == "credit_note")
    assert page["totals"] == [{"currency": "USD", "invoiced": {"amount": "290.00"}, "credited": {"amount": "90.00"},
                               "open": {"amount": "150.00"}, "invoiceCount": 4, "creditNoteCount": 3}]
    assert [i["number"] for i in page["items"]][-1] == overdue  # issued 45 days ago: last


@pytest.mark.django_db
def test_invoices_sorted_filtered_and_exported(gql, gql_raw, book):
    # when
    by_open = gql(REGISTER, {"sort": "-OPEN", "kind": "INVOICE"})
    overdue = gql(REGISTER, {"overdueOnly": True})
    void = gql(REGISTER, {"status": "VOID"})
    by_order = gql(REGISTER, {"search": "#102"})
    recent = gql(REGISTER, {"issuedFrom": timezone.localdate().isoformat(), "kind": "INVOICE"})
    csv_text = gql(CSV, {"overdueOnly": True})["invoiceRegisterCsv"]
    refused = gql_raw(REGISTER, {"sort": "COLOUR"})

    # then
    assert [i["openAmount"]["amount"] for i in by_open["invoiceRegister"]["items"]] == ["150.00", "0.00", "0.00", "0.00"]
    assert _numbers(overdue) == [(book["overdue"].number, "INVOICE")]
    assert overdue["invoiceRegister"]["totals"][0]["open"] == {"amount": "150.00"}
    assert _numbers(void) == [(book["voided"].number, "INVOICE")]
    assert _numbers(by_order) == [(book["paid"].number, "INVOICE")]
    assert _numbers(recent) == [(book["credited"].number, "INVOICE")]
    issued = (timezone.localdate() - dt.timedelta(days=45)).isoformat()
    due = (timezone.localdate() - dt.timedelta(days=15)).isoformat()
    assert csv_text.splitlines() == [
        "Number,Kind,Status,Company,Issued,Due,Currency,Total,Open,Order,Credits invoice",
        f"{book['overdue'].number},Invoice,Issued,Acme Industrial Supply,{issued},{due},USD,180.00,150.00,101,"]
    assert refused.errors[0].extensions == {"code": "INVALID_SORT", "field": "sort"}


@pytest.mark.django_db
def test_invoice_addresses_in_the_countrys_order_and_the_merchants_language(gql, gql_raw, acme, held_order):
    # given: a US buyer address (Mountain View, CA 94043 — the order's billing address has no state)
    invoice = _issue(held_order, acme, number="201", amount="90.00")
    query = """query($id: ID!, $language: String) { invoice(id: $id) { buyer { address { lines(language: $language) } } } }"""

    # when
    english = gql(query, {"id": str(invoice.pk)})["invoice"]["buyer"]["address"]["lines"]
    german = gql(query, {"id": str(invoice.pk), "language": "de-DE"})["invoice"]["buyer"]["address"]["lines"]
    too_long = gql_raw(query, {"id": str(invoice.pk), "language": "x" * 40})

    # then: city before the postal code as the US writes it; the country named in the merchant's language
    assert english == ["1600 Amphitheatre Pkwy", "MOUNTAIN VIEW, 94043", "United States"]
    assert german[-1] == "Vereinigte Staaten"
    assert too_long.errors[0].extensions == {"code": "TOO_LONG", "field": "language"}
