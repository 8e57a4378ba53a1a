"""receivables.services: the one writer of receivables — booking with the terms engine's due
date, the status the ledger says, the due date of the invoice, Saleor's pending reference."""
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from saleor_netterms.core.money import Money
from saleor_netterms.ledger import services as ledger
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.receivables.services import (ReceivableTermsMissing, receivable_book, receivable_due_set,
                                                  receivable_saleor_pending_set, receivable_status_refresh)

ROOT = Path(__file__).resolve().parents[2] / "saleor_netterms"
ISSUED = dt.date(2026, 1, 30)
# A write of a receivable: creating one, a queryset update, a save of one, or a field assigned.
WRITES = re.compile(r"Receivable\.objects\.(create|bulk_create|update|get_or_create|update_or_create)\b"
                    r"|Receivable\.objects\.filter\([^)]*\)\.update\("
                    r"|\breceivable[a-z_]*\.(save|delete)\("
                    r"|\breceivable[a-z_]*\.(status|due_date|amount|terms_days|saleor_pending_psp|"
                    r"saleor_psp_sequence|order_id|order_number)\s*=[^=]")


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def company(company_factory, credit_installation):
    return company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                           limit=usd("10000"))


def book(company, *, amount="180.00", **terms) -> Receivable:
    receivable = receivable_book(installation=company.installation, company=company, reference="inv-1",
                                 capture_key="capture:1", money=usd(amount), issue_date=ISSUED, **terms)
    ledger.hold_place(company=company, money=usd(amount), hold_ref="tx:1", idempotency_key="hold:1")
    ledger.receivable_from_hold(company=company, money=usd(amount), hold_ref="tx:1",
                                receivable_ref=receivable.receivable_ref, idempotency_key="capture:1")
    return receivable


def test_no_module_but_receivables_services_writes_a_receivable():
    # given
    sources = [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]

    # when
    writers = sorted({str(p.relative_to(ROOT)) for p in sources if WRITES.search(p.read_text())})

    # then
    assert writers == ["receivables/services.py"]


@pytest.mark.django_db
def test_a_receivable_is_due_net_n_days_by_the_terms_engine(company):
    # when: issued on 30 January on Net 30
    receivable = book(company, terms_days=30)

    # then: 1 March (2026 is no leap year)
    receivable.refresh_from_db()
    assert (receivable.issue_date, receivable.due_date, receivable.terms_days, receivable.amount,
            receivable.currency, receivable.status) == (
        ISSUED, dt.date(2026, 3, 1), 30, Decimal("180.0000"), "USD", "open")


@pytest.mark.django_db
def test_a_receivable_booked_for_an_invoice_takes_the_invoice_due_date(company):
    # when: the invoice's terms (end of month + 30, computed by the terms engine) said 2 March
    receivable = book(company, due_date=dt.date(2026, 3, 2))

    # then
    receivable.refresh_from_db()
    assert (receivable.due_date, receivable.terms_days) == (dt.date(2026, 3, 2), 31)


@pytest.mark.django_db
def test_booking_needs_exactly_one_way_to_the_due_date(company):
    # when / then: nothing is written
    with pytest.raises(ReceivableTermsMissing):
        receivable_book(installation=company.installation, company=company, reference="inv-1",
                        capture_key="capture:1", money=usd("10.00"), issue_date=ISSUED)
    with pytest.raises(ReceivableTermsMissing):
        receivable_book(installation=company.installation, company=company, reference="inv-1",
                        capture_key="capture:1", money=usd("10.00"), issue_date=ISSUED, terms_days=30,
                        due_date=dt.date(2026, 3, 1))
    assert Receivable.objects.count() == 0


@pytest.mark.django_db
def test_the_due_date_moves_to_the_invoice_terms(company):
    # given
    receivable = book(company, terms_days=30)

    # when
    receivable_due_set(receivable=receivable, due_date=dt.date(2026, 3, 31))

    # then
    receivable.refresh_from_db()
    assert (receivable.due_date, receivable.terms_days) == (dt.date(2026, 3, 31), 60)


@pytest.mark.django_db
def test_the_status_is_what_the_ledger_says(company):
    # given
    receivable = book(company, terms_days=30)
    seen = []

    # when: part paid, then the rest, then credited back in full after a return
    ledger.payment_apply(company=company, money=usd("80.00"), payment_ref="pay:1",
                         allocations=[(receivable.receivable_ref, usd("80.00"))], idempotency_key="payment:1")
    seen.append(receivable_status_refresh(receivable=receivable))
    ledger.payment_apply(company=company, money=usd("100.00"), payment_ref="pay:2",
                         allocations=[(receivable.receivable_ref, usd("100.00"))], idempotency_key="payment:2")
    seen.append(receivable_status_refresh(receivable=receivable))
    ledger.credit_note_post(company=company, money=usd("180.00"), receivable_ref=receivable.receivable_ref,
                            idempotency_key="credit:1")
    seen.append(receivable_status_refresh(receivable=receivable))

    # then
    assert seen == ["open", "paid", "credited"]
    receivable.refresh_from_db()
    assert receivable.status == "credited"


@pytest.mark.django_db
def test_an_unpaid_receivable_credited_in_full_is_credited(company):
    # given
    receivable = book(company, terms_days=30)

    # when
    ledger.credit_note_post(company=company, money=usd("180.00"), receivable_ref=receivable.receivable_ref,
                            idempotency_key="credit:1")
    status = receivable_status_refresh(receivable=receivable)

    # then
    assert status == "credited"
    assert Receivable.objects.get(pk=receivable.pk).status == "credited"


@pytest.mark.django_db
def test_saleor_pending_reference_and_sequence(company):
    # given
    receivable = book(company, terms_days=30, saleor_pending_psp="inv-1")

    # when
    receivable_saleor_pending_set(receivable=receivable, pending_psp="inv-1-2", psp_sequence=1)

    # then
    receivable.refresh_from_db()
    assert (receivable.saleor_pending_psp, receivable.saleor_psp_sequence) == ("inv-1-2", 1)
