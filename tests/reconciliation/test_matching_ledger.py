"""Bank lines matched to open invoices, each case with its exact ledger effect (issue 11).

Invoices are issued through the real path (hold → invoice → receivable); statements are camt.053
files built like a bank builds them, imported through `statement_import`."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import Posting
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.payments.models import Payment, PaymentAllocation
from saleor_netterms.receivables.models import ReceivableStatus
from saleor_netterms.reconciliation.models import IncomingPayment, IncomingStatus, MatchOrigin
from saleor_netterms.reconciliation.services import (IntakeItem, incoming_confirm, incoming_unmatch, payment_intake,
                                                     payment_intake_many, reconcile_run, statement_import,
                                                     tolerance_set)

from .camt_files import Ntry, Tx, camt
from .conftest import MERCHANT_IBAN, PAYER_IBAN, TODAY, merchant_balances, open_amount, posting_legs, rf, usd


def bank_file(*entries: Ntry, statement_id: str = "STMT-1", opening: str = "0.00", day: str | None = None) -> bytes:
    return camt(iban=MERCHANT_IBAN, entries=list(entries), statement_id=statement_id, opening=opening,
                day=day or TODAY().isoformat())


def credit(amount: str, *, ref: str, scor: str = "", text: str = "", e2e: str = "", payer: str = "Acme Industrial Supply",
           iban: str = PAYER_IBAN, day: str | None = None) -> Ntry:
    return Ntry(amount=amount, ref=ref, booked=day or TODAY().isoformat(),
                txs=[Tx(end_to_end=e2e, debtor=payer, debtor_iban=iban, ustrd=[text] if text else [], scor=scor)])


def charge_reports() -> list[tuple[str, str]]:
    return [(m.payload["type"], m.payload["amount"]) for m in
            OutboxMessage.objects.filter(kind="saleor.transaction_event_report").order_by("id")
            if m.payload["type"] in ("CHARGE_SUCCESS", "CHARGE_REQUEST", "CHARGE_BACK")]


@pytest.mark.django_db
def test_rf_reference_pays_the_invoice_through_the_payments_service_and_tells_saleor(acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "100.00")

    # when
    result = statement_import(installation=acme.installation, content=bank_file(
        credit("100.00", ref="BANKREF-1", scor=rf(invoice))), filename="day.xml", uploaded_by="staff:ada")

    # then
    incoming = IncomingPayment.objects.get()
    assert (incoming.status, incoming.rule, incoming.origin) == (IncomingStatus.MATCHED, "rf_reference", MatchOrigin.AUTO)
    assert incoming.explanation == (f"RF reference {rf(invoice)} names invoice {invoice.number}: "
                                    f"100.00 USD to {invoice.number}.")
    payment = Payment.objects.get()
    assert (payment.source, payment.amount, payment.unallocated_amount) == ("bank", Decimal("100.0000"), Decimal("0"))
    assert [(a.receivable_id, a.amount) for a in payment.allocations.all()] == [(invoice.receivable_id,
                                                                                Decimal("100.0000"))]
    assert open_amount(invoice) == usd("0.00")
    invoice.receivable.refresh_from_db()
    assert invoice.receivable.status == ReceivableStatus.PAID
    assert posting_legs(Posting.objects.get(kind="payment")) == [
        ("cash", "debit", Decimal("100.0000"), ""),
        ("receivable", "credit", Decimal("100.0000"), invoice.receivable.receivable_ref)]
    assert charge_reports() == [("CHARGE_SUCCESS", "100.00")]
    assert result.counts == {"matched": 1, "suggested": 0, "unmatched": 0, "duplicate": 0}
    assert AuditEntry.objects.filter(action="reconciliation.matched", object_id=str(incoming.pk)).count() == 1


@pytest.mark.django_db
def test_one_transfer_paying_three_invoices_is_one_payment_with_three_allocations(acme, bank_account, invoice_for):
    # given
    first, second, third = (invoice_for(acme, a) for a in ("100.00", "250.00", "49.50"))

    # when: the payer lists the invoice numbers, written their own way
    text = f"Rechnung {first.number.lower()}, {second.number.replace('-', ' ')} und {third.number.replace('-', '')}"
    statement_import(installation=acme.installation, content=bank_file(credit("399.50", ref="B-2", text=text)),
                     filename="d.xml", uploaded_by="staff:ada")

    # then
    incoming = IncomingPayment.objects.get()
    assert (incoming.status, incoming.rule) == (IncomingStatus.MATCHED, "document_number")
    payment = Payment.objects.get()
    assert sorted((a.receivable_id, a.amount) for a in payment.allocations.all()) == sorted([
        (first.receivable_id, Decimal("100.0000")), (second.receivable_id, Decimal("250.0000")),
        (third.receivable_id, Decimal("49.5000"))])
    assert posting_legs(Posting.objects.get(kind="payment")) == sorted([
        ("cash", "debit", Decimal("399.5000"), ""),
        ("receivable", "credit", Decimal("100.0000"), first.receivable.receivable_ref),
        ("receivable", "credit", Decimal("250.0000"), second.receivable.receivable_ref),
        ("receivable", "credit", Decimal("49.5000"), third.receivable.receivable_ref)])
    assert [open_amount(i) for i in (first, second, third)] == [usd("0")] * 3


@pytest.mark.django_db
def test_partial_payment_allocates_only_what_was_paid(acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "500.00")

    # when
    statement_import(installation=acme.installation, content=bank_file(credit("200.00", ref="B-3", scor=rf(invoice))),
                     filename="d.xml", uploaded_by="staff:ada")

    # then
    assert open_amount(invoice) == usd("300.00")
    assert PaymentAllocation.objects.get().amount == Decimal("200.0000")
    invoice.receivable.refresh_from_db()
    assert invoice.receivable.status == ReceivableStatus.OPEN
    assert charge_reports() == [("CHARGE_SUCCESS", "200.00"), ("CHARGE_REQUEST", "300.00")]
    assert ledger_selectors.credit_balance(company=acme, currency="USD") == usd("0")


@pytest.mark.django_db
def test_overpayment_goes_to_the_credit_balance(acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "100.00")

    # when
    statement_import(installation=acme.installation, content=bank_file(credit("130.00", ref="B-4", scor=rf(invoice))),
                     filename="d.xml", uploaded_by="staff:ada")

    # then
    payment = Payment.objects.get()
    assert payment.unallocated_amount == Decimal("30.0000")
    assert posting_legs(Posting.objects.get(kind="payment")) == [
        ("cash", "debit", Decimal("130.0000"), ""),
        ("credit_balance", "credit", Decimal("30.0000"), ""),
        ("receivable", "credit", Decimal("100.0000"), invoice.receivable.receivable_ref)]
    assert ledger_selectors.credit_balance(company=acme, currency="USD") == usd("30.00")
    assert open_amount(invoice) == usd("0")


@pytest.mark.django_db
def test_short_payment_within_tolerance_closes_the_invoice_with_a_write_off_to_its_own_account(
        acme, bank_account, invoice_for):
    # given: up to 5.00 and 1 % of what is open
    tolerance_set(installation=acme.installation, currency="USD", absolute=Decimal("5.00"), percent=Decimal("1"),
                  actor="staff:ada")
    invoice = invoice_for(acme, "1000.00")

    # when: the payer's bank kept 3.50
    statement_import(installation=acme.installation, content=bank_file(credit("996.50", ref="B-5", scor=rf(invoice))),
                     filename="d.xml", uploaded_by="staff:ada")

    # then
    assert open_amount(invoice) == usd("0")
    difference = Posting.objects.get(kind="payment_difference")
    assert posting_legs(difference) == [
        ("payment_differences", "debit", Decimal("3.5000"), ""),
        ("receivable", "credit", Decimal("3.5000"), invoice.receivable.receivable_ref)]
    balances = merchant_balances(acme.installation)
    assert (balances["cash"], balances["payment_differences"], balances["sales"]) == (
        Decimal("996.5000"), Decimal("3.5000"), Decimal("-1000.0000"))
    allocation = PaymentAllocation.objects.get()
    assert (allocation.amount, allocation.settlement_kind, allocation.settlement_amount) == (
        Decimal("996.5000"), "tolerance", Decimal("3.5000"))
    assert charge_reports() == [("CHARGE_SUCCESS", "996.50")]


@pytest.mark.django_db
def test_short_payment_beyond_tolerance_stays_a_partial_payment(acme, bank_account, invoice_for):
    # given: 1 % of 1000.00 is 10.00, but the absolute limit is 5.00
    tolerance_set(installation=acme.installation, currency="USD", absolute=Decimal("5.00"), percent=Decimal("1"),
                  actor="staff:ada")
    invoice = invoice_for(acme, "1000.00")

    # when
    statement_import(installation=acme.installation, content=bank_file(credit("994.00", ref="B-6", scor=rf(invoice))),
                     filename="d.xml", uploaded_by="staff:ada")

    # then
    assert open_amount(invoice) == usd("6.00")
    assert not Posting.objects.filter(kind="payment_difference").exists()


@pytest.mark.django_db
def test_discounted_amount_before_the_deadline_closes_the_invoice_with_the_discount(acme, bank_account, invoice_for):
    # given: 2/10 net 30 on 500.00 → 490.00 until the tenth day
    invoice = invoice_for(acme, "500.00", discount=True)
    assert invoice.snapshot["discount"]["amount"] == "10.00"

    # when
    statement_import(installation=acme.installation, content=bank_file(credit("490.00", ref="B-7", scor=rf(invoice))),
                     filename="d.xml", uploaded_by="staff:ada")

    # then
    assert open_amount(invoice) == usd("0")
    assert posting_legs(Posting.objects.get(kind="discount")) == [
        ("discounts_granted", "debit", Decimal("10.0000"), ""),
        ("receivable", "credit", Decimal("10.0000"), invoice.receivable.receivable_ref)]
    assert IncomingPayment.objects.get().explanation.endswith(f"490.00 USD to {invoice.number} (+10.00 USD discount).")


@pytest.mark.django_db
def test_discounted_amount_after_the_deadline_is_a_short_payment(acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "500.00", discount=True)
    late = (TODAY() + dt.timedelta(days=11)).isoformat()

    # when
    statement_import(installation=acme.installation, content=bank_file(
        credit("490.00", ref="B-8", scor=rf(invoice), day=late), day=late), filename="d.xml", uploaded_by="staff:ada")

    # then
    assert open_amount(invoice) == usd("10.00")
    assert not Posting.objects.filter(kind="discount").exists()
    assert PaymentAllocation.objects.get().settlement_kind == ""


@pytest.mark.django_db
def test_a_returned_transfer_undoes_its_payment_through_the_ledger(acme, bank_account, invoice_for):
    # given: paid by a transfer …
    invoice = invoice_for(acme, "100.00")
    statement_import(installation=acme.installation, content=bank_file(
        credit("100.00", ref="B-9", scor=rf(invoice), e2e="E2E-4711")), filename="d1.xml", uploaded_by="staff:ada")
    assert open_amount(invoice) == usd("0")

    # when: … that the payer's bank returns the next day (same end-to-end id)
    returned = Ntry(amount="100.00", credit=False, ref="B-10", code=("PMNT", "RCDT", "RRTN"),
                    booked=(TODAY() + dt.timedelta(days=1)).isoformat(),
                    txs=[Tx(end_to_end="E2E-4711", debtor="Acme Industrial Supply", debtor_iban=PAYER_IBAN)])
    statement_import(installation=acme.installation, content=bank_file(
        returned, statement_id="STMT-2", opening="100.00", day=(TODAY() + dt.timedelta(days=1)).isoformat()),
        filename="d2.xml", uploaded_by="staff:ada")

    # then
    assert open_amount(invoice) == usd("100.00")
    reversal = Posting.objects.get(kind="reversal")
    assert posting_legs(reversal) == [("cash", "credit", Decimal("100.0000"), ""),
                                      ("receivable", "debit", Decimal("100.0000"), invoice.receivable.receivable_ref)]
    assert IncomingPayment.objects.get().status == IncomingStatus.REVERSED
    payment = Payment.objects.get()
    assert payment.reversed_at is not None
    invoice.receivable.refresh_from_db()
    assert invoice.receivable.status == ReceivableStatus.OPEN
    assert charge_reports() == [("CHARGE_SUCCESS", "100.00"), ("CHARGE_BACK", "100.00"), ("CHARGE_REQUEST", "100.00")]
    assert merchant_balances(acme.installation).get("cash") is None


@pytest.mark.django_db
def test_unmatch_reverses_the_payment_and_auto_matching_leaves_the_line_alone(acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "100.00")
    statement_import(installation=acme.installation, content=bank_file(credit("100.00", ref="B-11", scor=rf(invoice))),
                     filename="d.xml", uploaded_by="staff:ada")
    incoming = IncomingPayment.objects.get()

    # when
    incoming_unmatch(installation=acme.installation, incoming_id=incoming.pk, reason="Wrong customer",
                     actor="staff:ada")
    reconcile_run(installation=acme.installation)

    # then
    incoming.refresh_from_db()
    assert (incoming.status, incoming.origin, incoming.payment_id) == (IncomingStatus.UNMATCHED, MatchOrigin.MANUAL,
                                                                        None)
    assert open_amount(invoice) == usd("100.00")
    assert Posting.objects.filter(kind="payment").count() == 1
    assert posting_legs(Posting.objects.get(kind="reversal")) == [
        ("cash", "credit", Decimal("100.0000"), ""),
        ("receivable", "debit", Decimal("100.0000"), invoice.receivable.receivable_ref)]
    assert AuditEntry.objects.filter(action="reconciliation.unmatched").count() == 1


@pytest.mark.django_db
def test_a_manual_match_survives_auto_matching(acme, bank_account, invoice_for):
    # given: the line names invoice A, a person decided it pays invoice B
    first, second = invoice_for(acme, "100.00"), invoice_for(acme, "100.00")
    payment_intake(installation=acme.installation, source="bank", source_reference="manual-1",
                   money=usd("100.00"), received_on=TODAY(), remittance_text="no reference at all")
    incoming = IncomingPayment.objects.get()
    assert incoming.status == IncomingStatus.UNMATCHED
    incoming_confirm(installation=acme.installation, incoming_id=incoming.pk, actor="staff:ada",
                     allocations=[(second.receivable, usd("100.00"), "")])

    # when
    reconcile_run(installation=acme.installation)

    # then
    incoming.refresh_from_db()
    assert (incoming.status, incoming.origin) == (IncomingStatus.MATCHED, MatchOrigin.MANUAL)
    assert open_amount(first) == usd("100.00")
    assert open_amount(second) == usd("0")
    assert Posting.objects.filter(kind="payment").count() == 1


@pytest.mark.django_db
def test_the_same_payment_from_the_bank_and_the_erp_is_counted_once(acme, bank_account, invoice_for):
    # given: the ERP posts the payment first, with the invoice it paid
    invoice = invoice_for(acme, "100.00")
    erp = payment_intake(installation=acme.installation, source="erp", source_reference="ERP-PAY-1",
                         money=usd("100.00"), received_on=TODAY(), end_to_end_id="E2E-77", company=acme,
                         allocations=[(invoice.receivable, usd("100.00"))], actor="erp:sap")

    # when: the bank statement brings the same transfer
    statement_import(installation=acme.installation, content=bank_file(
        credit("100.00", ref="B-12", e2e="E2E-77", text="no invoice number")), filename="d.xml",
        uploaded_by="staff:ada")

    # then
    bank = IncomingPayment.objects.get(source="bank")
    assert (bank.status, bank.duplicate_of_id) == (IncomingStatus.DUPLICATE, erp.incoming.pk)
    assert Payment.objects.count() == 1
    assert Posting.objects.filter(kind="payment").count() == 1
    assert merchant_balances(acme.installation)["cash"] == Decimal("100.0000")
    assert open_amount(invoice) == usd("0")


@pytest.mark.django_db
def test_the_erp_confirms_a_bank_line_that_arrived_first(acme, bank_account, invoice_for):
    # given: the bank line came in without anything to match
    invoice = invoice_for(acme, "100.00")
    statement_import(installation=acme.installation, content=bank_file(
        credit("100.00", ref="B-13", e2e="E2E-88", payer="ACME IND SUPPLY", iban="GB33BUKB20201555555555")),
        filename="d.xml", uploaded_by="staff:ada")
    bank = IncomingPayment.objects.get()
    assert bank.status == IncomingStatus.SUGGESTED  # the only open invoice of exactly this amount

    # when: the ERP posts it with the invoice
    erp = payment_intake(installation=acme.installation, source="erp", source_reference="ERP-PAY-2",
                         money=usd("100.00"), received_on=TODAY(), end_to_end_id="E2E-88", company=acme,
                         allocations=[(invoice.receivable, usd("100.00"))], actor="erp:sap")

    # then: the bank line is the payment, the ERP record its duplicate
    bank.refresh_from_db()
    assert (bank.status, bank.origin) == (IncomingStatus.MATCHED, MatchOrigin.SOURCE)
    assert (erp.incoming.status, erp.duplicate_of.pk) == (IncomingStatus.DUPLICATE, bank.pk)
    assert Payment.objects.count() == 1
    assert open_amount(invoice) == usd("0")


@pytest.mark.django_db
def test_intake_delivered_twice_has_one_effect(acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "100.00")
    kwargs = dict(installation=acme.installation, source="erp", source_reference="ERP-PAY-3", money=usd("100.00"),
                  received_on=TODAY(), company=acme, allocations=[(invoice.receivable, usd("100.00"))])

    # when
    first = payment_intake(**kwargs)
    again = payment_intake(**kwargs)

    # then
    assert (again.replayed, again.incoming.pk, again.payment.pk) == (True, first.incoming.pk, first.payment.pk)
    assert Payment.objects.count() == 1 and Posting.objects.filter(kind="payment").count() == 1


@pytest.mark.django_db
def test_the_reconcile_run_walks_the_queue_in_batches_and_matches_every_line_once(acme, bank_account, invoice_for):
    # given: a person undid the match of the last line; four lines wait unmatched (taken in without matching)
    invoices = [invoice_for(acme, amount) for amount in ("10.00", "20.00", "30.00", "40.00", "50.00")]
    payment_intake(installation=acme.installation, source="bank", source_reference="batch-4", money=usd("50.00"),
                   received_on=TODAY(), creditor_reference=rf(invoices[4]))
    manual = IncomingPayment.objects.get(source_reference="batch-4")
    incoming_unmatch(installation=acme.installation, incoming_id=manual.pk, reason="Held back", actor="staff:ada")
    payment_intake_many(installation=acme.installation, actor="bank", match=False, items=[
        IntakeItem(source="bank", source_reference=f"batch-{n}", money=usd(str(invoice.total_gross)),
                   received_on=TODAY(), creditor_reference=rf(invoice))
        for n, invoice in enumerate(invoices[:4])])
    assert IncomingPayment.objects.filter(status=IncomingStatus.UNMATCHED).count() == 5

    # when: batches of two (two batches over the four automatic lines; the person's line is not read)
    counts = reconcile_run(installation=acme.installation, batch_size=2)

    # then
    assert counts == {"matched": 4, "suggested": 0, "unmatched": 0}
    assert [open_amount(i) for i in invoices] == [usd("0"), usd("0"), usd("0"), usd("0"), usd("50.00")]
    assert Posting.objects.filter(kind="payment").count() == 5   # four now, one reversed earlier
    manual.refresh_from_db()
    assert (manual.status, manual.origin, manual.payment_id) == (IncomingStatus.UNMATCHED, MatchOrigin.MANUAL, None)


@pytest.mark.django_db
def test_amount_only_suggests_only_invoices_nothing_was_paid_on(acme, bank_account, invoice_for):
    # given: a 300.00 invoice of which 200.00 is paid (100.00 open), and a fresh 100.00 invoice
    part_paid = invoice_for(acme, "300.00")
    statement_import(installation=acme.installation, content=bank_file(
        credit("200.00", ref="B-PART", scor=rf(part_paid))), filename="a.xml", uploaded_by="staff:ada")
    fresh = invoice_for(acme, "100.00")

    # when: an unknown payer's 100.00 and 300.00 without reference arrive in one statement
    statement_import(installation=acme.installation, content=bank_file(
        credit("100.00", ref="B-100", payer="Unknown Trading", iban="FR7630006000011234567890189"),
        credit("300.00", ref="B-300", payer="Unknown Trading", iban="FR7630006000011234567890189"),
        statement_id="STMT-2", opening="200.00"), filename="b.xml", uploaded_by="staff:ada")

    # then: 100.00 is suggested for the fresh invoice only; 300.00 names no invoice (the part-paid
    # one owes 100.00 now, and it is never offered by its open amount either)
    hundred = IncomingPayment.objects.get(bank_line__bank_reference="B-100")
    three_hundred = IncomingPayment.objects.get(bank_line__bank_reference="B-300")
    assert (hundred.status, hundred.rule) == (IncomingStatus.SUGGESTED, "amount_only")
    assert hundred.proposal == [{"receivable_id": fresh.receivable_id, "amount": "100.0000", "settlement": "",
                                 "settlement_amount": "0"}]
    assert (three_hundred.status, three_hundred.rule, three_hundred.proposal) == (IncomingStatus.UNMATCHED, "none", [])
    assert open_amount(part_paid) == usd("100.00") and open_amount(fresh) == usd("100.00")
