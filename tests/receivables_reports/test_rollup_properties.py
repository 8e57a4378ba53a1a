"""Property: any sequence of invoices booked, payments (some before the invoice date, some late),
credit notes, due dates moved and payments reversed leaves the month and lateness rollups (and the
open-receivables rollup, and every receivable's status) equal to a full recomputation (ledger_verify finds no
mismatch), and the
figures read from the rollups equal the same figures summed from the book, as of several dates."""
import datetime as dt
import itertools
from decimal import Decimal

from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
import pytest

from saleor_netterms.core.money import Money
from saleor_netterms.ledger import services as ledger
from saleor_netterms.ledger.selectors import receivable_balance
from saleor_netterms.ledger.verification import ledger_verify
from saleor_netterms.payments.services import payment_book, payment_reverse
from saleor_netterms.receivables.services import receivable_due_set, receivable_status_refresh
from saleor_netterms.receivables_reports import selectors as s

from .conftest import book

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the rollups are kept by PostgreSQL triggers")

START = dt.date(2026, 1, 1)
_keys = itertools.count()

step = st.tuples(
    st.sampled_from(["book", "book", "pay", "pay", "credit_note", "due", "reverse"]),
    st.integers(min_value=1, max_value=300_000),  # cents
    st.integers(min_value=0, max_value=240),  # a day after START
    st.integers(min_value=0, max_value=50),  # picks a receivable, a payment, terms
)
TERMS = (0, 15, 30, 45, 60, 90)


def _usd(cents: int) -> Money:
    return Money.of(Decimal(cents) / 100, "USD")


def _run(company, steps) -> None:
    receivables, payments = [], []
    for op, cents, day, pick in steps:
        on = START + dt.timedelta(days=day)
        if op == "book" or not receivables:
            receivables.append(book(company, amount=str(Decimal(cents) / 100), issued=on.isoformat(),
                                    due=(on + dt.timedelta(days=TERMS[pick % len(TERMS)])).isoformat()))
            continue
        receivable = receivables[pick % len(receivables)]
        open_amount = receivable_balance(company=company, currency="USD", receivable_ref=receivable.receivable_ref)
        if op == "pay":
            amount = min(_usd(cents), open_amount) if open_amount.is_positive() else _usd(cents)
            allocations = [(receivable, amount)] if open_amount.is_positive() else []
            payments.append(payment_book(company=company, money=amount, received_on=on,
                                         reference=f"PROP-{next(_keys)}", allocations=allocations))
        elif op == "credit_note" and open_amount.is_positive():
            ledger.credit_note_post(company=company, money=min(_usd(cents), open_amount),
                                    receivable_ref=receivable.receivable_ref, idempotency_key=f"prop-cn:{next(_keys)}",
                                    effective_date=on)
            receivable_status_refresh(receivable=receivable)
        elif op == "due":
            receivable.refresh_from_db()
            receivable_due_set(receivable=receivable, due_date=receivable.issue_date + dt.timedelta(days=pick))
        elif op == "reverse" and payments:
            payment_reverse(payment=payments[pick % len(payments)], reason="returned", actor="prop")


# no shrinking: each example is a few hundred statements, shrinking one takes many minutes
@settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_random_books_keep_the_rollups_equal_to_a_recomputation(company_factory, credit_installation, steps):
    with transaction.atomic():
        # given a fresh company (rolled back after each example)
        company = company_factory(installation=credit_installation, limit=Money.of("100000", "USD"))

        # when
        _run(company, steps)

        # then: ledger_verify recomputes every rollup and every other kept figure and finds nothing
        assert ledger_verify(installation_id=credit_installation.pk) == [], steps
        # and every figure read from the rollups is the one summed from the book
        for as_of in (dt.date(2026, 4, 15), dt.date(2026, 8, 31), dt.date.today()):
            scope = s.Scope(installation_id=credit_installation.pk, as_of=as_of)
            rollup, summed = s.monthly(scope, months=12), s._monthly(scope, months=12, from_rollup=False)
            assert rollup.keys() == summed.keys(), (steps, as_of)
            for currency in rollup:
                for mine, theirs in zip(rollup[currency], summed[currency]):
                    assert mine == theirs, (steps, as_of, mine, theirs)
            for months, before in ((12, 0), (3, 0), (3, 3)):
                assert (s.days_late(scope, months=months, before=before)
                        == s._days_late(scope, months=months, before=before, from_rollup=False))
            assert s.cash_forecast(scope) == s._cash_forecast_book(scope, weeks=12)
        # and the ageing in total / per currency from the rollup by invoice and due date (today) is the per-receivable one
        today = s.Scope(installation_id=credit_installation.pk, as_of=dt.date.today())
        for group_by in ("total", "currency"):
            for basis in s.BASES:
                by_date = s._ageing(today, group_by=group_by, basis=basis, bounds=(0, 30, 60, 90), by_date=True)
                per_item = s._ageing(today, group_by=group_by, basis=basis, bounds=(0, 30, 60, 90), by_date=False)
                assert by_date == per_item, (steps, group_by, basis)
        transaction.set_rollback(True)
