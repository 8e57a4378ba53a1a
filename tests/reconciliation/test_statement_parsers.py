"""Golden tests of the statement parsers: real statements of ../shared/iso20022/samples (read in
place, skipped with a reason when absent) and files these tests build for each camt version."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from saleor_netterms.reconciliation.statements import StatementError
from saleor_netterms.reconciliation.statements.camt import camt_parse
from saleor_netterms.reconciliation.statements.csv_columns import amount_parse, csv_parse
from saleor_netterms.reconciliation.statements.detect import statement_parse
from saleor_netterms.reconciliation.statements.mt940 import mt940_parse
from tests.conftest import SHARED

from .camt_files import Ntry, Tx, camt, mt940_ing

SAMPLES = SHARED / "iso20022" / "samples"
XSD = SHARED / "iso20022" / "xsd"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"{SAMPLES} absent (../shared not laid out)")
IBAN = "DE89370400440532013000"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def rich_entries() -> list[Ntry]:
    """A batch booking of two transfers (structured and unstructured remittance), a reversal and
    a pending entry."""
    return [
        Ntry(amount="350.00", ref="BATCH-1", txs=[
            Tx(amount="100.00", end_to_end="E2E-1", debtor="Acme GmbH", debtor_iban="DE02120300000000202051",
               scor="RF203Y2026N42", acct_svcr_ref="TX-1"),
            Tx(amount="250.00", end_to_end="E2E-2", debtor="Bolt AG", debtor_iban="CH9300762011623852957",
               ustrd=["Invoice INV-2026-000043", "thanks"], acct_svcr_ref="TX-2")]),
        Ntry(amount="20.00", credit=False, reversal=True, ref="REV-1", code=("PMNT", "RCDT", "RRTN"),
             txs=[Tx(end_to_end="E2E-0", debtor="Acme GmbH", debtor_iban="DE02120300000000202051")]),
        Ntry(amount="999.00", status="PDNG", ref="PEND-1", txs=[Tx(ustrd=["not yet booked"])]),
    ]


@pytest.mark.parametrize("version", [2, 4, 8])
def test_camt053_of_each_version_reads_batches_remittance_reversals_and_skips_pending(version):
    # when
    [statement] = camt_parse(camt(version=version, iban=IBAN, entries=rich_entries(), opening="1000.00"),
                             xsd_dir=str(XSD) if XSD.is_dir() else None)

    # then
    assert (statement.format, statement.version, statement.account_iban, statement.currency) == (
        "camt.053", f"camt.053.001.{version:02}", IBAN, "USD")
    assert (statement.opening.amount, statement.closing.amount) == (Decimal("1000.00"), Decimal("1330.00"))
    assert statement.skipped == 1
    assert statement.warnings == ()  # schema-valid where the XSD is present
    assert [(ln.amount, ln.credit, ln.reversal, ln.bank_reference, ln.detail_index, ln.end_to_end_id,
             ln.counterparty_name, ln.counterparty_iban, ln.remittance_text, ln.creditor_reference,
             ln.bank_transaction_code) for ln in statement.lines] == [
        (Decimal("100.00"), True, False, "TX-1", 1, "E2E-1", "Acme GmbH", "DE02120300000000202051", "",
         "RF203Y2026N42", "PMNT/RCDT/ESCT"),
        (Decimal("250.00"), True, False, "TX-2", 2, "E2E-2", "Bolt AG", "CH9300762011623852957",
         "Invoice INV-2026-000043 thanks", "", "PMNT/RCDT/ESCT"),
        (Decimal("20.00"), False, True, "REV-1", 0, "E2E-0", "Acme GmbH", "DE02120300000000202051", "", "",
         "PMNT/RCDT/RRTN"),
    ]
    assert all(ln.booking_date == dt.date(2026, 11, 30) for ln in statement.lines)


def test_camt054_notification_and_camt052_report():
    # when
    [notification] = camt_parse(camt(message="054", version=8, iban=IBAN, entries=rich_entries()[:1], opening=None))
    [report] = camt_parse(camt(message="052", version=2, iban=IBAN, entries=rich_entries()[:1]))

    # then
    assert (notification.format, notification.opening, len(notification.lines)) == ("camt.054", None, 2)
    assert (report.format, report.version, [ln.amount for ln in report.lines]) == (
        "camt.052", "camt.052.001.02", [Decimal("100.00"), Decimal("250.00")])


@needs_samples
def test_real_camt053_v02_lithuanian_statement():
    [st] = camt_parse(sample("kedder_simple.xml"), xsd_dir=str(XSD))
    assert (st.version, st.account_iban, st.currency, st.opening.amount, st.closing.amount, len(st.lines)) == (
        "camt.053.001.02", "LT000000000000000000", "EUR", Decimal("306.53"), Decimal("125.52"), 4)
    assert st.warnings == ()


@needs_samples
def test_real_camt053_v08_swiss_statement_is_read_although_not_schema_valid():
    [st] = camt_parse(sample("kedder_camt053.xml"), xsd_dir=str(XSD))
    assert (st.version, st.currency, st.opening.amount, st.closing.amount, len(st.lines)) == (
        "camt.053.001.08", "CHF", Decimal("832.01"), Decimal("2116.31"), 1)
    assert st.warnings[0].startswith("not valid against camt.053.001.08.xsd: line 36:")


@needs_samples
def test_real_camt053_v04_structured_creditor_reference_and_multi_statement_v02():
    [v4] = camt_parse(sample("genkgo_camt053.v4.xml"))
    assert v4.version == "camt.053.001.04" and v4.lines[0].creditor_reference
    statements = camt_parse(sample("genkgo_camt053.v2.multi.statement.xml"))
    assert [(s.statement_id[:3], s.opening.amount, s.closing.amount) for s in statements] == [
        ("253", Decimal("18.15"), Decimal("27.00")), ("254", Decimal("27.00"), Decimal("20.00"))]


@needs_samples
def test_real_camt052_german_sparkasse_report():
    [st] = camt_parse(sample("kedder_camt052.xml"))
    assert (st.format, st.currency, len(st.lines)) == ("camt.052", "EUR", 5)
    third = st.lines[2]
    assert (third.amount, third.credit, third.counterparty_name, third.bank_transaction_code) == (
        Decimal("34.52"), False, "Something else", "NTRF+118+9310+997")
    assert third.remittance_text.startswith("Kunde 5555555 Rechnung 12345 vom 2021-01-31")


@needs_samples
def test_real_camt054_batch_notifications():
    [st] = camt_parse(sample("genkgo_camt054.v4.xml"))
    assert st.format == "camt.054" and len(st.lines) >= 1


@needs_samples
def test_mt940_ing_dialect_with_wrapped_statement_lines():
    [st] = mt940_parse(sample("oca_test-ing.940"))
    assert (st.account_iban, st.currency, st.opening.amount, len(st.lines)) == (
        "NL77INGB0574908765", "EUR", Decimal("662.23"), 8)
    first = st.lines[0]
    assert (first.amount, first.credit, first.bank_reference, first.end_to_end_id, first.counterparty_name,
            first.counterparty_iban) == (Decimal("1.56"), True, "00000000001005", "EV12341REP1231456T1234",
                                         "ING BANK NV INZAKE WEB", "NL32INGB0000012345")
    assert st.lines[2].remittance_text == "Factuurnr 123456 Klantnr 00123"


@needs_samples
def test_mt940_german_dialect_with_sepa_subfields():
    [st] = mt940_parse(sample("zilverline_deutsche_bank.txt"))[:1]
    second = st.lines[1]
    assert (st.account_iban, second.amount, second.credit, second.end_to_end_id, second.counterparty_name,
            second.counterparty_iban) == ("40069462", Decimal("0.01"), True, "D979899680037A3DFA78E45315095381",
                                          "PETER TESTER", "DE04400694620000233025")


@needs_samples
@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir() if p.suffix != ".md") if SAMPLES.is_dir()
                         else [])
def test_every_real_sample_parses(name):
    statements = statement_parse(sample(name), xsd_dir=str(XSD))
    assert statements and all(s.account_iban and s.currency for s in statements)
    assert all(ln.amount > 0 for s in statements for ln in s.lines)


def test_generated_mt940_with_rf_reference():
    content = mt940_ing(iban="NL91ABNA0417164300", lines=[
        ("C", "1190,00", "BR-1", "/EREF/E2E-9//CNTP/DE02120300000000202051/BYLADEM1001/Acme GmbH/Berlin/"
                                  "/REMI/STRD/CUR/RF203Y2026N42/")])
    [st] = mt940_parse(content)
    [line] = st.lines
    assert (line.amount, line.end_to_end_id, line.counterparty_name, line.creditor_reference, st.closing.amount) == (
        Decimal("1190.00"), "E2E-9", "Acme GmbH", "RF203Y2026N42", Decimal("1190.00"))


def test_csv_with_decimal_comma_and_thousands_separators():
    # given
    content = ("Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber;IBAN\n"
               "30.11.2026;1.234,56;EUR;RF20 3Y20 26N4 2;Acme GmbH;DE02 1203 0000 0000 2020 51\n"
               "30.11.2026;-12,00;EUR;Kontoführung;;\n").encode("utf-8")
    mapping = {"date": "Buchungstag", "amount": "Betrag", "currency": "Währung", "reference": "Verwendungszweck",
               "payer": "Auftraggeber", "iban": "IBAN", "delimiter": ";", "decimal": ",", "thousands": ".",
               "date_format": "%d.%m.%Y"}

    # when
    [st] = csv_parse(content, mapping=mapping, account_iban=IBAN, currency="EUR")

    # then
    assert [(ln.amount, ln.credit, ln.counterparty_iban, ln.creditor_reference, ln.location) for ln in st.lines] == [
        (Decimal("1234.56"), True, "DE02120300000000202051", "RF203Y2026N42", "line 2"),
        (Decimal("12.00"), False, "", "", "line 3")]


@pytest.mark.parametrize("raw, decimal, thousands, expected", [
    ("1.234.567,89", ",", ".", Decimal("1234567.89")), ("1,234.50", ".", ",", Decimal("1234.50")),
    ("12,00-", ",", "", Decimal("-12.00")), ("1'000.00", ".", "'", Decimal("1000.00")),
])
def test_amount_formats(raw, decimal, thousands, expected):
    assert amount_parse(raw, decimal=decimal, thousands=thousands) == expected


def test_csv_errors_name_the_line_and_column():
    mapping = {"date": "d", "amount": "a", "decimal": ",", "currency_default": "EUR"}
    with pytest.raises(StatementError) as refused:
        csv_parse(b"d,a\n2026-11-30,\"12.5\"\n", mapping={**mapping, "delimiter": ","})
    assert (refused.value.code, refused.value.line, refused.value.element) == ("CSV_AMOUNT_INVALID", 2, "a")


@pytest.mark.parametrize("content, code, line", [
    (b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
     "STATEMENT_XML_INVALID", 2),
    (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Document>&x;</Document>',
     "STATEMENT_DTD_REFUSED", 2),
    (b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>',
     "STATEMENT_NOT_CAMT", 2),
])
def test_broken_or_foreign_xml_is_refused_with_a_code_and_line(content, code, line):
    with pytest.raises(StatementError) as refused:
        camt_parse(content)
    assert (refused.value.code, refused.value.line) == (code, line)


def test_a_bad_amount_names_its_element():
    content = camt(iban=IBAN, entries=[Ntry(amount="12,50", ref="X")], closing="12.50")
    with pytest.raises(StatementError) as refused:
        camt_parse(content)
    assert refused.value.code == "STATEMENT_AMOUNT_INVALID"
    assert refused.value.element == "/Document/BkToCstmrStmt/Stmt/Ntry/Amt"
    assert refused.value.line == 2
