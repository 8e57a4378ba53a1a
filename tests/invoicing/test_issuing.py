"""Issuing invoices and credit notes as bookkeeping stories: what is invoiced, what the ledger
says afterwards, and what waits in the outbox for Saleor and the buyer."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.checkout.requests import OrderLine, TransactionActionRequest
from saleor_netterms.workflows.checkout import transaction_capture
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.invoicing.creditor_reference import creditor_reference_for
from saleor_netterms.invoicing.models import Fulfilment, Invoice, InvoiceKind, InvoiceStatus, InvoicingPolicy
from saleor_netterms.invoicing.services import (CreditNoteRefused, ShippedLine, credit_note_issue,
                                                fulfilment_record, invoice_issue_for_order, invoice_void,
                                                invoices_issue_consolidated, invoicing_settings_set)
from saleor_netterms.invoicing.snapshot import snapshot_check, snapshot_from_dict
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.terms.services import payment_terms_create
from saleor_netterms.invoicing.services import OrderNotInvoiceable
from tests.fixtures_credit import ledger_counts

from .conftest import order_snapshot, usd

TODAY = timezone.localdate


def capture(tx, amount, key="event:1"):
    return transaction_capture(installation=tx.installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd(amount), request_key=key))


def kinds():
    return sorted(OutboxMessage.objects.values_list("kind", flat=True))


@pytest.mark.django_db
def test_capture_issues_the_invoice_for_what_it_captured_due_on_the_company_terms(acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")

    # when
    result = capture(tx, "180.00")

    # then
    invoice = Invoice.objects.get()
    receivable = Receivable.objects.get()
    year = TODAY().year
    assert (invoice.number, invoice.sequence, invoice.kind, invoice.status) == (
        f"INV-{year}-000001", 1, "invoice", "issued")
    assert result.psp_reference == receivable.reference
    assert invoice.receivable == receivable
    assert (invoice.total_gross, invoice.amount_due) == (Decimal("180.0000"), Decimal("180.0000"))
    assert invoice.due_date == receivable.due_date == TODAY() + dt.timedelta(days=30)
    snapshot = snapshot_from_dict(invoice.snapshot)
    snapshot_check(snapshot)
    assert [(l.description, l.sku, l.quantity, l.unit_net, l.net, l.tax_rate, l.tax_category, l.gross)
            for l in snapshot.lines] == [
        ("Dash Force", "618223581", Decimal("2"), Decimal("90.00"), Decimal("180.00"), Decimal("0"), "O",
         Decimal("180.00"))]  # no seller VAT registration configured, nothing taxed: not subject to VAT (vat.py)
    assert (snapshot.terms_label, snapshot.po_number, snapshot.order_number) == ("Net 30", "PO-4711", tx.order_number)
    assert [(p.due_date, p.amount) for p in snapshot.schedule] == [(TODAY() + dt.timedelta(days=30), Decimal("180.00"))]
    assert snapshot.remittance.payment_reference == creditor_reference_for(series_id=invoice.series_id, period=str(year), sequence=1)
    assert snapshot.remittance.epc_qr_payload == ""  # USD: no SEPA QR
    assert snapshot.buyer.name == "Acme Industrial Supply"
    assert snapshot.buyer.address.city == "MOUNTAIN VIEW"
    assert kinds() == ["email.invoice", "saleor.invoice_create"]
    assert OutboxMessage.objects.get(kind="saleor.invoice_create").payload == {
        "invoice_id": invoice.pk, "order_id": tx.order_id}
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("0"), usd("180.00"))  # posted once


@pytest.mark.django_db
def test_capture_uses_the_channel_default_terms_template_for_the_due_date(acme, held_order):
    # given
    payment_terms_create(installation=acme.installation, name="2/10 Net 45", code="2-10-net-45",
                         definition={"kind": "net", "days": 45, "discount": {"percent": "2", "days": 10}},
                         channel_slug="default-channel", is_channel_default=True)
    tx = held_order(company=acme, amount="180.00")

    # when
    capture(tx, "180.00")

    # then
    invoice = Invoice.objects.get()
    snapshot = snapshot_from_dict(invoice.snapshot)
    assert invoice.due_date == Receivable.objects.get().due_date == TODAY() + dt.timedelta(days=45)
    assert snapshot.terms_label == "2/10 Net 45"
    assert (snapshot.discount.percent, snapshot.discount.amount, snapshot.discount.deadline) == (
        Decimal("2"), Decimal("3.60"), TODAY() + dt.timedelta(days=10))


@pytest.mark.django_db
def test_partial_capture_is_invoiced_as_one_partial_line_with_its_tax(acme, held_order):
    # given: 2 x 100.00 net at 19 % = 238.00
    order = order_snapshot(order_id="T3JkZXI6OTk=", transaction_id="tx-partial", number="99",
                           lines=(OrderLine("Drill", "D-1", 2, "100.00", "119.00", "0.19"),),
                           total_net="200.00", total_tax="38.00", total_gross="238.00")
    tx = held_order(company=acme, amount="238.00", order=order, transaction_id="tx-partial")

    # when
    capture(tx, "100.00")

    # then
    snapshot = snapshot_from_dict(Invoice.objects.get().snapshot)
    assert [(l.description, l.quantity, l.net, l.tax_rate, l.tax, l.gross) for l in snapshot.lines] == [
        ("Partial invoice for order #99", Decimal("1"), Decimal("84.03"), Decimal("19"), Decimal("15.97"),
         Decimal("100.00"))]
    assert (snapshot.totals.net, snapshot.totals.tax, snapshot.totals.gross) == (
        Decimal("84.03"), Decimal("15.97"), Decimal("100.00"))
    assert credit_summary(company=acme, currency="USD").holds == usd("138.00")


@pytest.mark.django_db
def test_order_shipping_becomes_its_own_line(acme, held_order):
    # given: lines 180.00, shipping 10.00 → Saleor total 190.00
    order = order_snapshot(order_id="T3JkZXI6OTg=", transaction_id="tx-ship", number="98",
                           total_net="190.00", total_gross="190.00")
    tx = held_order(company=acme, amount="190.00", order=order, transaction_id="tx-ship")

    # when
    capture(tx, "190.00")

    # then
    snapshot = snapshot_from_dict(Invoice.objects.get().snapshot)
    assert [(l.position, l.description, l.net) for l in snapshot.lines] == [
        (1, "Dash Force", Decimal("180.00")), (2, "Shipping and other charges", Decimal("10.00"))]


@pytest.mark.django_db
def test_invoice_at_confirmation_converts_the_hold_and_the_later_capture_posts_nothing(acme, held_order):
    # given
    invoicing_settings_set(company=acme, policy=InvoicingPolicy.AT_CONFIRMATION)
    tx = held_order(company=acme, amount="180.00")

    # when
    invoice = invoice_issue_for_order(transaction=tx)
    before = ledger_counts()
    result = capture(tx, "180.00")

    # then
    receivable = Receivable.objects.get()
    assert invoice.receivable == receivable
    assert (receivable.reference, receivable.amount, receivable.saleor_pending_psp) == (
        invoice.number, Decimal("180.0000"), invoice.number)
    assert (result.succeeded, result.pending, result.psp_reference) == (True, True, invoice.number)
    assert ledger_counts() == before
    assert invoice_issue_for_order(transaction=tx) == invoice  # idempotent
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("0"), usd("180.00"))


@pytest.mark.django_db
def test_unconfirmed_order_is_not_invoiced_and_nothing_is_written(acme, held_order):
    # given
    invoicing_settings_set(company=acme, policy=InvoicingPolicy.AT_CONFIRMATION)
    order = order_snapshot(order_id="T3JkZXI6OTc=", transaction_id="tx-unconf", status="UNCONFIRMED")
    tx = held_order(company=acme, amount="180.00", order=order, transaction_id="tx-unconf")
    before = (ledger_counts(), Invoice.objects.count(), OutboxMessage.objects.count())

    # when
    with pytest.raises(OrderNotInvoiceable):
        invoice_issue_for_order(transaction=tx)

    # then
    assert (ledger_counts(), Invoice.objects.count(), OutboxMessage.objects.count()) == before


@pytest.mark.django_db
def test_partial_shipments_are_invoiced_separately_with_only_their_lines(acme, held_order):
    # given: 2 x Dash Force 90.00 + 3 x Widget 20.00 = 240.00
    invoicing_settings_set(company=acme, policy=InvoicingPolicy.PER_FULFILMENT)
    order = order_snapshot(order_id="T3JkZXI6OTY=", transaction_id="tx-ship2", number="96",
                           lines=(OrderLine("Dash Force", "618223581", 2, "90.00", "90.00", "0.0"),
                                  OrderLine("Widget", "W-1", 3, "20.00", "20.00", "0.0")),
                           total_net="240.00", total_gross="240.00")
    tx = held_order(company=acme, amount="240.00", order=order, transaction_id="tx-ship2")

    # when
    first = fulfilment_record(installation=acme.installation, fulfillment_id="F1", order=order,
                              shipped=[ShippedLine("618223581", None, 1), ShippedLine("W-1", None, 3)],
                              fulfilled_on=TODAY())
    second = fulfilment_record(installation=acme.installation, fulfillment_id="F2", order=order,
                               shipped=[ShippedLine("618223581", None, 1)], fulfilled_on=TODAY())
    again = fulfilment_record(installation=acme.installation, fulfillment_id="F2", order=order,
                              shipped=[ShippedLine("618223581", None, 1)], fulfilled_on=TODAY())

    # then
    year = TODAY().year
    assert (first.code, second.code, again.code) == ("ISSUED", "ISSUED", "EXISTING")
    lines = [[(l.description, l.quantity, l.net) for l in snapshot_from_dict(i.snapshot).lines]
             for i in Invoice.objects.order_by("id")]
    assert lines == [[("Dash Force", Decimal("1"), Decimal("90.00")), ("Widget", Decimal("3"), Decimal("60.00"))],
                     [("Dash Force", Decimal("1"), Decimal("90.00"))]]
    assert [i.number for i in Invoice.objects.order_by("id")] == [f"INV-{year}-000001", f"INV-{year}-000002"]
    assert list(Receivable.objects.order_by("id").values_list("amount", flat=True)) == [
        Decimal("150.0000"), Decimal("90.0000")]
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("0"), usd("240.00"))
    # and the capture after both shipments books nothing more
    before = ledger_counts()
    assert capture(tx, "240.00").psp_reference == f"INV-{year}-000002"
    assert ledger_counts() == before


@pytest.mark.django_db
def test_consolidated_monthly_collects_every_uninvoiced_shipment_into_one_invoice(acme, held_order):
    # given
    invoicing_settings_set(company=acme, policy=InvoicingPolicy.CONSOLIDATED_MONTHLY)
    a = order_snapshot(order_id="T3JkZXI6QQ==", transaction_id="tx-a", number="40")
    b = order_snapshot(order_id="T3JkZXI6Qg==", transaction_id="tx-b", number="41", total_net="90.00",
                       total_gross="90.00", lines=(OrderLine("Dash Force", "618223581", 1, "90.00", "90.00", "0.0"),))
    held_order(company=acme, amount="180.00", order=a, transaction_id="tx-a", po_number="PO-A")
    held_order(company=acme, amount="90.00", order=b, transaction_id="tx-b", po_number="PO-B")
    for fid, order, on in (("FA", a, dt.date(2026, 10, 5)), ("FB", b, dt.date(2026, 10, 20)),
                           ("FLATE", b, dt.date(2026, 11, 2))):
        recorded = fulfilment_record(installation=acme.installation, fulfillment_id=fid, order=order,
                                     shipped=[ShippedLine("618223581", None, 1)], fulfilled_on=on)
        assert recorded.code == "RECORDED"
    assert Invoice.objects.count() == 0

    # when
    invoices = invoices_issue_consolidated(company=acme, period_end=dt.date(2026, 10, 31))
    again = invoices_issue_consolidated(company=acme, period_end=dt.date(2026, 10, 31))

    # then
    (invoice,) = invoices
    snapshot = snapshot_from_dict(invoice.snapshot)
    assert again == []
    assert (invoice.number, invoice.issue_date, invoice.total_gross) == (
        "INV-2026-000001", dt.date(2026, 10, 31), Decimal("180.00"))
    assert [(l.description, l.net) for l in snapshot.lines] == [
        ("Order #40: Dash Force", Decimal("90.00")), ("Order #41: Dash Force", Decimal("90.00"))]
    assert snapshot.po_number == "PO-A, PO-B"
    assert sorted(Fulfilment.objects.filter(invoice=invoice).values_list("saleor_fulfillment_id", flat=True)) == [
        "FA", "FB"]
    assert Fulfilment.objects.get(saleor_fulfillment_id="FLATE").invoice is None
    assert sorted(m.payload["order_id"] for m in OutboxMessage.objects.filter(kind="saleor.invoice_create")) == [
        "T3JkZXI6QQ==", "T3JkZXI6Qg=="]
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("90.00"), usd("180.00"))  # order #40's 2nd item still held


@pytest.mark.django_db
def test_credit_notes_have_their_own_series_and_reference_the_invoice(acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")
    capture(tx, "180.00")
    invoice = Invoice.objects.get()
    year = TODAY().year

    # when
    first = credit_note_issue(invoice=invoice, amount=usd("30.00"), reason="Damaged item")
    second = credit_note_issue(invoice=invoice, lines=[(1, Decimal("1"))], reason="Returned one")

    # then
    assert [(c.number, c.kind, c.credited_invoice_id, c.total_gross) for c in (first, second)] == [
        (f"CN-{year}-000001", "credit_note", invoice.pk, Decimal("30.0000")),
        (f"CN-{year}-000002", "credit_note", invoice.pk, Decimal("90.0000"))]
    snapshot = snapshot_from_dict(first.snapshot)
    assert (snapshot.credited_invoice_number, snapshot.lines[0].description) == (
        invoice.number, f"Credit for invoice {invoice.number}: Damaged item")
    assert credit_summary(company=acme, currency="USD").receivables == usd("60.00")
    # more than is left is refused, and writes nothing
    before = (ledger_counts(), Invoice.objects.count())
    with pytest.raises(CreditNoteRefused):
        credit_note_issue(invoice=invoice, amount=usd("60.01"), reason="Too much")
    assert (ledger_counts(), Invoice.objects.count()) == before


@pytest.mark.django_db
def test_voiding_a_posted_invoice_reverses_it_with_a_credit_note_and_keeps_its_number(acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")
    capture(tx, "180.00")
    invoice = Invoice.objects.get()

    # when
    voided, credit_note = invoice_void(invoice=invoice, reason="Wrong address")
    again, same = invoice_void(invoice=invoice, reason="Wrong address")

    # then
    assert (voided.status, voided.number, voided.void_reason) == (InvoiceStatus.VOID, invoice.number, "Wrong address")
    assert (credit_note.kind, credit_note.total_gross, same) == (InvoiceKind.CREDIT_NOTE, Decimal("180.0000"),
                                                                 credit_note)
    assert [l.description for l in snapshot_from_dict(credit_note.snapshot).lines] == ["Dash Force"]
    assert credit_summary(company=acme, currency="USD").receivables == usd("0")
    assert Receivable.objects.get().status == "credited"
