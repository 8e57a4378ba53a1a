"""The accountant's exports: the journal of ledger postings for a period (mapped to the merchant's
chart of accounts, every posting balanced) and the AR open items."""
import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.workflows.checkout import transaction_capture
from saleor_netterms.companies.models import Company
from saleor_netterms.erp.accounting import account_mapping_set, ar_open_items_csv, journal_csv
from saleor_netterms.erp.errors import ErpError
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable
from tests.invoicing.conftest import acme, held_order, usd  # noqa: F401 - fixtures

TODAY = timezone.localdate


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def booked(acme, held_order):
    """Acme (C-1000): an order of 180.00 captured and invoiced, 100.00 paid; a second order held."""
    Company.objects.filter(pk=acme.pk).update(erp_customer_number="C-1000")
    acme.refresh_from_db()
    tx = held_order(company=acme, amount="180.00")
    transaction_capture(installation=tx.installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd("180.00"), request_key="c1"))
    payment_record(company=acme, money=usd("100.00"), received_on=TODAY(), reference="BANK-1")
    held_order(company=acme, amount="50.00")
    return acme


@pytest.mark.django_db
def test_the_journal_lists_every_leg_mapped_balanced_and_without_holds(booked, credit_installation):
    # given
    account_mapping_set(installation=credit_installation, actor="accountant@shop.example",
                        mapping={"receivable": "10000-{customer}", "sales": "8400", "cash": "1200",
                                 "credit_balance": "70000-{customer}"})
    invoice = Invoice.objects.get()

    # when
    journal = rows(journal_csv(installation=credit_installation, since=TODAY(), until=TODAY()))

    # then
    pay = f"pay:{booked.payments.get().pk}"
    assert [(r["posting_kind"], r["account"], r["debit"], r["credit"], r["document"]) for r in journal] == [
        ("receivable", "10000-C-1000", "180.00", "", invoice.number),
        ("receivable", "8400", "", "180.00", invoice.number),
        ("payment", "1200", "100.00", "", pay),
        ("payment", "10000-C-1000", "", "100.00", invoice.number),
    ]
    by_posting = defaultdict(lambda: Decimal(0))
    for r in journal:
        by_posting[r["posting_id"]] += Decimal(r["debit"] or 0) - Decimal(r["credit"] or 0)
    assert set(by_posting.values()) == {Decimal(0)}
    assert {r["account_kind"] for r in journal} <= {"receivable", "sales", "cash", "credit_balance"}
    assert {r["customer_number"] for r in journal} == {"C-1000"}
    assert AuditEntry.objects.filter(action="accounting.mapping_set", actor="accountant@shop.example").count() == 1


@pytest.mark.django_db
def test_a_period_without_postings_is_only_the_header(booked, credit_installation):
    # when
    text = journal_csv(installation=credit_installation, since=TODAY() - dt.timedelta(days=40),
                       until=TODAY() - dt.timedelta(days=10))

    # then
    assert text.splitlines() == ["posting_id,date,posting_kind,document,customer_number,customer,account,"
                                 "account_kind,debit,credit,currency,memo"]


@pytest.mark.django_db
@pytest.mark.parametrize("since,until,code", [(10, 0, "PERIOD_INVALID"), (0, 401, "PERIOD_TOO_LONG")])
def test_a_bad_period_is_refused(credit_installation, since, until, code):
    # when
    with pytest.raises(ErpError) as exc:
        journal_csv(installation=credit_installation, since=TODAY() + dt.timedelta(days=since),
                    until=TODAY() + dt.timedelta(days=until))

    # then
    assert exc.value.code == code


@pytest.mark.django_db
def test_an_unknown_or_memorandum_account_kind_cannot_be_mapped(credit_installation):
    # when
    with pytest.raises(ErpError) as exc:
        account_mapping_set(installation=credit_installation, actor="a", mapping={"holds": "9000", "sales": "8400"})

    # then
    assert exc.value.code == "ACCOUNT_KIND_UNKNOWN"
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_the_open_items_export_lists_what_is_still_owed(booked, credit_installation):
    # given
    receivable = Receivable.objects.get()
    invoice = Invoice.objects.get()
    as_of = receivable.due_date + dt.timedelta(days=5)

    # when
    items = rows(ar_open_items_csv(installation=credit_installation, as_of=as_of))

    # then
    assert items == [{"customer_number": "C-1000", "customer": "Acme Industrial Supply", "document": invoice.number,
                      "reference": receivable.reference, "issue_date": receivable.issue_date.isoformat(),
                      "due_date": receivable.due_date.isoformat(), "days_overdue": "5", "currency": "USD",
                      "amount": "180.00", "open": "80.00"}]
