"""Importing statement files: recorded first, each bank entry once, balances continuous, and bad or
foreign files refused with a code, nothing written but the file's own record."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from saleor_netterms.ledger.models import Posting
from saleor_netterms.payments.models import Payment
from saleor_netterms.reconciliation.models import (BalanceCheck, BankLine, FileStatus, IncomingPayment, Statement,
                                                   StatementFile)
from saleor_netterms.reconciliation.services import StatementImportError, bank_account_create, statement_import
from tests.fixtures_credit import ledger_counts

from .camt_files import Ntry, Tx, camt
from .conftest import MERCHANT_IBAN, PAYER_IBAN, TODAY, open_amount, rf, usd


def day(offset: int = 0) -> str:
    return (TODAY() + dt.timedelta(days=offset)).isoformat()


def entry(amount: str, ref: str, *, scor: str = "", booked: str | None = None) -> Ntry:
    return Ntry(amount=amount, ref=ref, booked=booked or day(),
                txs=[Tx(end_to_end=f"E2E-{ref}", debtor="Acme Industrial Supply", debtor_iban=PAYER_IBAN,
                        scor=scor)])


def nothing_written_but_the_file(before) -> None:
    assert Statement.objects.count() == 0
    assert BankLine.objects.count() == 0
    assert IncomingPayment.objects.count() == 0
    assert Payment.objects.count() == 0
    assert ledger_counts() == before


@pytest.mark.django_db
def test_the_same_file_twice_imports_once(acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "100.00")
    content = camt(iban=MERCHANT_IBAN, entries=[entry("100.00", "B-1", scor=rf(invoice))], day=day())

    # when
    first = statement_import(installation=acme.installation, content=content, filename="a.xml", uploaded_by="staff:ada")
    again = statement_import(installation=acme.installation, content=content, filename="a-copy.xml",
                             uploaded_by="staff:bob")

    # then
    assert (first.replayed, again.replayed, again.file.pk) == (False, True, first.file.pk)
    file = StatementFile.objects.get()
    assert (file.status, file.uploaded_by, file.filename, file.size, file.lines_new) == (
        FileStatus.IMPORTED, "staff:ada", "a.xml", len(content), 1)
    assert (BankLine.objects.count(), IncomingPayment.objects.count(), Payment.objects.count()) == (1, 1, 1)
    assert Posting.objects.filter(kind="payment").count() == 1
    assert open_amount(invoice) == usd("0")


@pytest.mark.django_db
def test_an_intraday_camt052_then_the_camt053_of_the_same_day_import_each_entry_once(acme, bank_account, invoice_for):
    # given: the morning report has one transfer, the evening statement that one and another
    first, second = invoice_for(acme, "100.00"), invoice_for(acme, "40.00")
    morning = camt(message="052", version=2, iban=MERCHANT_IBAN, entries=[entry("100.00", "B-1", scor=rf(first))],
                   statement_id="RPT-1", day=day())
    evening = camt(message="053", version=8, iban=MERCHANT_IBAN, statement_id="STMT-1", day=day(),
                   entries=[entry("100.00", "B-1", scor=rf(first)), entry("40.00", "B-2", scor=rf(second))])

    # when
    report = statement_import(installation=acme.installation, content=morning, filename="052.xml",
                              uploaded_by="staff:ada")
    statement = statement_import(installation=acme.installation, content=evening, filename="053.xml",
                                 uploaded_by="staff:ada")

    # then
    assert (report.lines_new, report.lines_known) == (1, 0)
    assert (statement.lines_new, statement.lines_known) == (1, 1)
    assert BankLine.objects.count() == 2
    assert Payment.objects.count() == 2
    assert [open_amount(i) for i in (first, second)] == [usd("0"), usd("0")]


@pytest.mark.django_db
def test_the_opening_balance_continues_the_previous_closing_balance(acme, bank_account):
    # given
    statement_import(installation=acme.installation, content=camt(
        iban=MERCHANT_IBAN, entries=[entry("100.00", "B-1")], opening="500.00", statement_id="S-1", day=day(-1)),
        filename="1.xml", uploaded_by="staff:ada")

    # when
    statement_import(installation=acme.installation, content=camt(
        iban=MERCHANT_IBAN, entries=[entry("25.00", "B-2", booked=day())], opening="600.00", statement_id="S-2",
        day=day()), filename="2.xml", uploaded_by="staff:ada")

    # then
    assert [(s.statement_id, s.balance_check, s.opening_balance, s.closing_balance) for s in
            Statement.objects.order_by("id")] == [
        ("S-1", BalanceCheck.FIRST, Decimal("500.0000"), Decimal("600.0000")),
        ("S-2", BalanceCheck.CONTINUOUS, Decimal("600.0000"), Decimal("625.0000"))]


@pytest.mark.django_db
def test_a_balance_gap_is_refused_and_nothing_is_written(acme, bank_account):
    # given
    statement_import(installation=acme.installation, content=camt(
        iban=MERCHANT_IBAN, entries=[entry("100.00", "B-1")], opening="500.00", statement_id="S-1", day=day(-2)),
        filename="1.xml", uploaded_by="staff:ada")
    lines, incoming, before = BankLine.objects.count(), IncomingPayment.objects.count(), ledger_counts()

    # when: S-2 is missing, S-3 opens at 700.00
    with pytest.raises(StatementImportError) as refused:
        statement_import(installation=acme.installation, content=camt(
            iban=MERCHANT_IBAN, entries=[entry("10.00", "B-3", booked=day())], opening="700.00",
            statement_id="S-3", day=day()), filename="3.xml", uploaded_by="staff:ada")

    # then
    assert refused.value.code == "STATEMENT_BALANCE_GAP"
    assert refused.value.merchant_message == (
        "opening balance 700.00 USD of statement S-3 differs from the closing balance 600.0000 of statement S-1 "
        f"({day(-2)}): a statement is missing (Bal OPBD)")
    assert (Statement.objects.count(), BankLine.objects.count(), IncomingPayment.objects.count()) == (1, lines, incoming)
    assert ledger_counts() == before
    refused_file = StatementFile.objects.get(filename="3.xml")
    assert (refused_file.status, refused_file.error_code) == (FileStatus.REFUSED, "STATEMENT_BALANCE_GAP")


@pytest.mark.django_db
@pytest.mark.parametrize("content, code, location", [
    (camt(iban=MERCHANT_IBAN, entries=[entry("100.00", "B-1")])[:-40], "STATEMENT_XML_INVALID", "line 2"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
     b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&xxe;</Document>',
     "STATEMENT_DTD_REFUSED", "line 2"),
    (camt(iban=MERCHANT_IBAN, ccy="EUR", entries=[entry("100.00", "B-1")]), "STATEMENT_CURRENCY_MISMATCH",
     "Stmt/Acct/Ccy"),
    (camt(iban="GB33BUKB20201555555555", entries=[entry("100.00", "B-1")]), "STATEMENT_ACCOUNT_UNKNOWN",
     "Stmt/Acct/Id"),
    (b"Date,Amount\n2026-11-30,100.00\n", "STATEMENT_FORMAT_UNKNOWN", "line 1"),
])
def test_bad_or_foreign_files_are_refused_with_a_code_and_nothing_is_written(acme, bank_account, content, code,
                                                                              location):
    # given
    before = ledger_counts()

    # when
    with pytest.raises(StatementImportError) as refused:
        statement_import(installation=acme.installation, content=content, filename="bad.xml", uploaded_by="staff:ada")

    # then
    assert refused.value.code == code
    assert refused.value.http_status == 400
    nothing_written_but_the_file(before)
    file = StatementFile.objects.get()
    assert (file.status, file.error_code, file.error_location) == (FileStatus.REFUSED, code, location)
    assert bytes(file.content) == content  # recorded before it was read


@pytest.mark.django_db
def test_a_refused_file_can_be_imported_once_its_account_exists(acme):
    # given
    content = camt(iban=MERCHANT_IBAN, entries=[entry("100.00", "B-1")])
    with pytest.raises(StatementImportError):
        statement_import(installation=acme.installation, content=content, filename="a.xml", uploaded_by="staff:ada")

    # when
    bank_account_create(installation=acme.installation, name="Main", iban=MERCHANT_IBAN, currency="USD",
                        actor="staff:ada")
    result = statement_import(installation=acme.installation, content=content, filename="a.xml",
                              uploaded_by="staff:ada")

    # then
    assert (result.replayed, result.file.status, result.lines_new) == (False, FileStatus.IMPORTED, 1)
    assert StatementFile.objects.count() == 1
