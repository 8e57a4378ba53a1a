"""The reconciliation API: upload a statement, read the queue with rule and evidence, confirm,
split, assign a company, ignore, bulk confirm, unmatch; the statement with its balances."""
from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from saleor_netterms.ledger.models import Posting
from saleor_netterms.payments.models import Payment
from saleor_netterms.reconciliation.models import IncomingPayment, StatementFile
from saleor_netterms.reconciliation.selectors import company_has_pending_payment
from tests.fixtures_credit import ledger_counts
from tests.reconciliation.camt_files import Ntry, Tx, camt
from tests.reconciliation.conftest import (MERCHANT_IBAN, PAYER_IBAN, TODAY, bank_account, invoice_for,  # noqa: F401
                                           open_amount, rf, usd)
from tests.invoicing.conftest import acme, held_order  # noqa: F401

UPLOAD = """mutation($c: String!, $f: String!, $gap: Boolean) {
  statementUpload(contentBase64: $c, filename: $f, acceptBalanceGap: $gap) {
    replayed linesNew linesKnown matched suggested unmatched duplicates
    file { status format version errorCode errorLocation linesNew }
    errors { code field message } } }"""
QUEUE = """{ reconciliationQueue { id status rule explanation evidence origin amount { amount currency }
  payerName company { legalName } proposal { invoiceNumber amount { amount } settlement openAmount { amount } } }
  reconciliationCounts { unmatched suggested matched ignored duplicate reversed } }"""


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def statement(*entries: Ntry, statement_id: str = "S-1") -> bytes:
    return camt(iban=MERCHANT_IBAN, entries=list(entries), statement_id=statement_id, day=TODAY().isoformat())


def line(amount: str, ref: str, *, scor: str = "", text: str = "", payer: str = "Someone Else Ltd",
         iban: str = "GB33BUKB20201555555555") -> Ntry:
    return Ntry(amount=amount, ref=ref, booked=TODAY().isoformat(),
                txs=[Tx(debtor=payer, debtor_iban=iban, ustrd=[text] if text else [], scor=scor)])


@pytest.mark.django_db
def test_upload_matches_by_rf_and_the_same_upload_again_replays(gql, acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "120.00")
    content = statement(line("120.00", "B-1", scor=rf(invoice)))

    # when
    first = gql(UPLOAD, {"c": b64(content), "f": "day.xml"})["statementUpload"]
    again = gql(UPLOAD, {"c": b64(content), "f": "day.xml"})["statementUpload"]

    # then
    assert first == {"replayed": False, "linesNew": 1, "linesKnown": 0, "matched": 1, "suggested": 0,
                     "unmatched": 0, "duplicates": 0,
                     "file": {"status": "imported", "format": "camt.053", "version": "camt.053.001.02",
                              "errorCode": "", "errorLocation": "", "linesNew": 1}, "errors": []}
    assert (again["replayed"], again["errors"]) == (True, [])
    assert Payment.objects.count() == 1
    assert open_amount(invoice) == usd("0")


@pytest.mark.django_db
def test_a_broken_upload_is_a_coded_error_and_nothing_but_the_file_record_is_written(gql, acme, bank_account):
    # given
    before = ledger_counts()

    # when
    data = gql(UPLOAD, {"c": b64(statement(line("10.00", "B-1"))[:-30]), "f": "cut.xml"})["statementUpload"]
    not_base64 = gql(UPLOAD, {"c": "%%%", "f": "x.xml"})["statementUpload"]

    # then
    assert data["errors"][0]["code"] == "STATEMENT_XML_INVALID"
    assert data["file"]["status"] == "refused"
    assert not_base64["errors"] == [{"code": "INVALID_BASE64", "field": "contentBase64",
                                     "message": "contentBase64 is not base64."}]
    assert StatementFile.objects.count() == 1
    assert IncomingPayment.objects.count() == 0
    assert ledger_counts() == before


@pytest.mark.django_db
def test_the_queue_shows_rule_and_evidence_and_a_person_confirms_the_suggestion(gql, acme, bank_account, invoice_for):
    # given: an unknown payer, the only open invoice of exactly this amount
    invoice = invoice_for(acme, "75.25")
    gql(UPLOAD, {"c": b64(statement(line("75.25", "B-1", text="thanks"))), "f": "d.xml"})

    # when
    data = gql(QUEUE)
    [item] = data["reconciliationQueue"]

    # then
    assert (item["status"], item["rule"], item["origin"]) == ("SUGGESTED", "amount_only", "auto")
    assert item["explanation"] == (f"Only invoice {invoice.number} is open with exactly this amount: "
                                   f"75.25 USD to {invoice.number}.")
    assert item["proposal"] == [{"invoiceNumber": invoice.number, "amount": {"amount": "75.25"}, "settlement": "",
                                 "openAmount": {"amount": "75.25"}}]
    assert item["company"] == {"legalName": "Acme Industrial Supply"}
    assert data["reconciliationCounts"]["suggested"] == 1
    assert company_has_pending_payment(acme) is True

    # when: confirmed
    confirmed = gql("""mutation($id: ID!) { incomingPaymentConfirm(id: $id) {
        incomingPayment { status origin } errors { code } } }""", {"id": item["id"]})["incomingPaymentConfirm"]

    # then
    assert confirmed == {"incomingPayment": {"status": "MATCHED", "origin": "manual"}, "errors": []}
    assert open_amount(invoice) == usd("0")
    assert company_has_pending_payment(acme) is False


@pytest.mark.django_db
def test_split_across_invoices_with_a_discount_and_the_rest_to_credit(gql, acme, bank_account, invoice_for):
    # given
    first, second = invoice_for(acme, "100.00"), invoice_for(acme, "50.00")
    gql(UPLOAD, {"c": b64(statement(line("160.00", "B-1"))), "f": "d.xml"})
    incoming = IncomingPayment.objects.get()

    # when: 100.00 to the first, 48.00 to the second (closing 2.00 by tolerance), 12.00 credit
    data = gql("""mutation($id: ID!, $a: [AllocationSplitInput!]) { incomingPaymentConfirm(id: $id, allocations: $a) {
        incomingPayment { status proposal { invoiceNumber amount { amount } settlement settlementAmount { amount } } }
        errors { code field message } } }""", {"id": str(incoming.pk), "a": [
        {"receivableId": str(first.receivable_id), "amount": "100.00"},
        {"receivableId": str(second.receivable_id), "amount": "48.00", "settlement": "tolerance"}]})
    data = data["incomingPaymentConfirm"]

    # then
    assert data["errors"] == []
    assert [p["settlement"] for p in data["incomingPayment"]["proposal"]] == ["", "tolerance"]
    assert [open_amount(i) for i in (first, second)] == [usd("0"), usd("0")]
    payment = Payment.objects.get()
    assert payment.unallocated_amount == Decimal("12.0000")
    assert Posting.objects.filter(kind="payment_difference").get().amount == Decimal("2.0000")


@pytest.mark.django_db
def test_assign_company_ignore_bulk_confirm_and_unmatch(gql, acme, bank_account, invoice_for, company_factory):
    # given: two lines nobody can place, one that is not a customer payment
    first, second = invoice_for(acme, "30.00"), invoice_for(acme, "45.00")
    gql(UPLOAD, {"c": b64(statement(line("30.00", "B-1"), line("45.00", "B-2"), line("9.99", "B-3"))), "f": "d.xml"})
    by_amount = {format(i.amount, "f"): i for i in IncomingPayment.objects.all()}

    # when
    assigned = gql("""mutation($id: ID!, $c: ID!) { incomingPaymentAssignCompany(id: $id, companyId: $c) {
        incomingPayment { status rule proposal { invoiceNumber } } errors { code } } }""",
                   {"id": str(by_amount["9.9900"].pk), "c": str(acme.pk)})["incomingPaymentAssignCompany"]
    ignored = gql("""mutation($id: ID!) { incomingPaymentIgnore(id: $id, reason: "Bank interest") {
        incomingPayment { status ignoredReason } errors { code } } }""",
                  {"id": str(by_amount["9.9900"].pk)})["incomingPaymentIgnore"]
    bulk = gql("""mutation($ids: [ID!]!) { incomingPaymentsConfirm(ids: $ids) { confirmed refused { id code } } }""",
               {"ids": [str(by_amount["30.0000"].pk), str(by_amount["45.0000"].pk), str(by_amount["9.9900"].pk)]})
    unmatch = gql("""mutation($id: ID!) { incomingPaymentUnmatch(id: $id, reason: "Paid twice by mistake") {
        incomingPayment { status origin } errors { code } } }""", {"id": str(by_amount["45.0000"].pk)})

    # then
    assert assigned["incomingPayment"]["status"] == "SUGGESTED" and assigned["errors"] == []
    assert ignored == {"incomingPayment": {"status": "IGNORED", "ignoredReason": "Bank interest"}, "errors": []}
    assert bulk["incomingPaymentsConfirm"]["confirmed"] == [str(by_amount["30.0000"].pk), str(by_amount["45.0000"].pk)]
    assert bulk["incomingPaymentsConfirm"]["refused"] == [{"id": str(by_amount["9.9900"].pk), "code": "INCOMING_NOT_OPEN"}]
    assert unmatch["incomingPaymentUnmatch"] == {"incomingPayment": {"status": "UNMATCHED", "origin": "manual"},
                                                 "errors": []}
    assert (open_amount(first), open_amount(second)) == (usd("0"), usd("45.00"))


@pytest.mark.django_db
def test_statement_view_shows_balances_and_what_is_left(gql, acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "100.00")
    gql(UPLOAD, {"c": b64(statement(line("100.00", "B-1", scor=rf(invoice)), line("5.00", "B-2"),
                                    Ntry(amount="20.00", credit=False, ref="B-3", booked=TODAY().isoformat()))),
                 "f": "d.xml"})
    [summary] = gql("""query($a: ID!) { bankStatements(bankAccountId: $a) { id balanceCheck } }""",
                    {"a": str(bank_account.pk)})["bankStatements"]

    # when
    data = gql("""query($id: ID!) { bankStatement(id: $id) { statementId balanceCheck
        openingBalance { amount } closingBalance { amount } computedClosingBalance { amount }
        credits { amount } debits { amount } matched { amount } open { amount }
        lines { amount { amount } credit status incomingStatus } } }""", {"id": summary["id"]})["bankStatement"]

    # then
    assert data == {"statementId": "S-1", "balanceCheck": "first", "openingBalance": {"amount": "0.00"},
                    "closingBalance": {"amount": "85.00"}, "computedClosingBalance": {"amount": "85.00"},
                    "credits": {"amount": "105.00"}, "debits": {"amount": "20.00"}, "matched": {"amount": "100.00"},
                    "open": {"amount": "5.00"},
                    "lines": [{"amount": {"amount": "100.00"}, "credit": True, "status": "credit",
                               "incomingStatus": "matched"},
                              {"amount": {"amount": "5.00"}, "credit": True, "status": "credit",
                               "incomingStatus": "unmatched"},
                              {"amount": {"amount": "20.00"}, "credit": False, "status": "outgoing",
                               "incomingStatus": None}]}


@pytest.mark.django_db
def test_another_installation_sees_none_of_it(gql, gql_raw, acme, bank_account, other_installation):
    # given
    gql(UPLOAD, {"c": b64(statement(line("10.00", "B-1"))), "f": "d.xml"})
    incoming = IncomingPayment.objects.get()

    # when
    data = gql("""query($id: ID!) { incomingPayment(id: $id) { id } reconciliationQueue { id } bankAccounts { id } }""",
               {"id": str(incoming.pk)}, installation=other_installation)
    ignore = gql("""mutation($id: ID!) { incomingPaymentIgnore(id: $id, reason: "x") { errors { code field } } }""",
                 {"id": str(incoming.pk)}, installation=other_installation)

    # then
    assert data == {"incomingPayment": None, "reconciliationQueue": [], "bankAccounts": []}
    assert ignore["incomingPaymentIgnore"]["errors"] == [{"code": "NOT_FOUND", "field": "id"}]
