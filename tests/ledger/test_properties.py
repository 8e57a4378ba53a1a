"""Property: any sequence of holds, releases, captures, payments and credit notes keeps every
posting balanced, the trial balance at zero, and available credit equal to
limit − (receivables + holds) recomputed independently in Python. Refused steps write nothing."""
import itertools
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_netterms.companies.selectors import available_credit, credit_summary
from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money
from saleor_netterms.ledger.models import Entry, Posting
from saleor_netterms.ledger.selectors import (
    account_balances,
    account_balances_recomputed,
    hold_balance,
    receivable_balance,
    trial_balance,
)
from saleor_netterms.ledger.verification import ledger_verify
from saleor_netterms.ledger.services import (
    credit_note_post,
    hold_place,
    hold_release,
    payment_apply,
    receivable_from_hold,
)
from tests.fixtures_credit import ledger_counts

LIMIT_CENTS = 1_000_000  # 10,000.00 USD
_keys = itertools.count()

step = st.tuples(
    st.sampled_from(["hold", "release", "capture", "payment", "credit_note"]),
    st.integers(min_value=1, max_value=400_000),  # cents
    st.integers(min_value=0, max_value=30),  # picks a hold/receivable and a payment variant
)


def _usd(cents: int) -> Money:
    return Money.of(Decimal(cents) / 100, "USD")


class Model:
    """The ledger's expected state, in integer cents, computed without the ledger."""

    def __init__(self) -> None:
        self.holds: dict[str, int] = {}
        self.open: dict[str, int] = {}
        self.creditable: dict[str, int] = {}
        self.credit_balance = 0

    @property
    def available(self) -> int:
        return LIMIT_CENTS - sum(self.holds.values()) - sum(self.open.values())

    def pick(self, refs: dict[str, int], index: int) -> str:
        return sorted(refs)[index % len(refs)] if refs else "nothing"


def _expect_refusal(code: str, call) -> None:
    before = ledger_counts()
    try:
        call()
    except NetTermsError as exc:
        assert exc.code == code, (exc.code, code)
    else:
        raise AssertionError(f"expected {code}")
    assert ledger_counts() == before


def _run(company, steps) -> None:
    model = Model()
    for n, (op, cents, index) in enumerate(steps):
        money, key = _usd(cents), f"key-{next(_keys)}"
        if op == "hold":
            with transaction.atomic():
                locked = company_lock(company_id=company.pk)
                allowed = available_credit(company=locked, currency="USD") >= money
                assert allowed == (model.available >= cents)
                if allowed:
                    hold_place(company=locked, money=money, hold_ref=f"h{n}", idempotency_key=key)
                    model.holds[f"h{n}"] = cents
        elif op in ("release", "capture"):
            ref = model.pick(model.holds, index)
            if cents > model.holds.get(ref, 0):
                _expect_refusal("HOLD_INSUFFICIENT", lambda: hold_release(
                    company=company, money=money, hold_ref=ref, idempotency_key=key) if op == "release"
                    else receivable_from_hold(company=company, money=money, hold_ref=ref,
                                              receivable_ref=f"r{n}", idempotency_key=key))
                continue
            if op == "release":
                hold_release(company=company, money=money, hold_ref=ref, idempotency_key=key)
            else:
                receivable_from_hold(company=company, money=money, hold_ref=ref, receivable_ref=f"r{n}",
                                     idempotency_key=key)
                model.open[f"r{n}"] = cents
                model.creditable[f"r{n}"] = cents
            model.holds[ref] -= cents
        elif op == "payment":
            ref = model.pick(model.open, index)
            open_cents = model.open.get(ref, 0)
            allocated = cents if index % 3 == 0 else min(cents, open_cents)
            allocations = [(ref, _usd(allocated))] if allocated else []
            if allocated > open_cents:
                _expect_refusal("RECEIVABLE_INSUFFICIENT", lambda: payment_apply(
                    company=company, money=money, payment_ref=f"p{n}", allocations=allocations,
                    idempotency_key=key))
                continue
            payment_apply(company=company, money=money, payment_ref=f"p{n}", allocations=allocations,
                          idempotency_key=key)
            if allocated:
                model.open[ref] -= allocated
            model.credit_balance += cents - allocated
        else:  # credit_note (the refund of an invoiced amount)
            ref = model.pick(model.creditable, index)
            if cents > model.creditable.get(ref, 0):
                _expect_refusal("CREDIT_NOTE_EXCEEDS_INVOICE", lambda: credit_note_post(
                    company=company, money=money, receivable_ref=ref, idempotency_key=key))
                continue
            credit_note_post(company=company, money=money, receivable_ref=ref, idempotency_key=key)
            to_open = min(cents, model.open[ref])
            model.open[ref] -= to_open
            model.credit_balance += cents - to_open
            model.creditable[ref] -= cents

    # every posting balanced, leg by leg, recomputed in Python
    per_posting: dict[int, Decimal] = defaultdict(Decimal)
    for posting_id, side, amount in Entry.objects.filter(posting__company=company).values_list(
            "posting_id", "side", "amount"):
        assert amount > 0
        per_posting[posting_id] += amount if side == "debit" else -amount
    assert set(per_posting) == set(Posting.objects.filter(company=company).values_list("id", flat=True))
    assert all(diff == 0 for diff in per_posting.values())
    # the trial balance is zero
    assert trial_balance(installation=company.installation, currency="USD").is_balanced
    # balances and available credit match the independent model
    summary = credit_summary(company=company, currency="USD")
    assert summary.holds == _usd(sum(model.holds.values()))
    assert summary.receivables == _usd(sum(model.open.values()))
    assert summary.credit_balance == _usd(model.credit_balance)
    assert summary.available == _usd(model.available)
    assert available_credit(company=company, currency="USD") == _usd(
        LIMIT_CENTS - sum(model.holds.values()) - sum(model.open.values()))
    for ref, cents in model.holds.items():
        assert hold_balance(company=company, currency="USD", hold_ref=ref) == _usd(cents)
    for ref, cents in model.open.items():
        assert receivable_balance(company=company, currency="USD", receivable_ref=ref) == _usd(cents)
    # the maintained balances equal the ones summed from the entries, and ledger_verify agrees
    assert account_balances(company=company, currency="USD") == account_balances_recomputed(
        company=company, currency="USD") == {
        "holds": _usd(sum(model.holds.values())), "receivable": _usd(sum(model.open.values())),
        "credit_balance": _usd(model.credit_balance)}
    assert ledger_verify(installation_id=company.installation_id) == []
    assert model.available <= LIMIT_CENTS
    assert sum(model.holds.values()) + sum(model.open.values()) <= LIMIT_CENTS  # only holds add exposure
    if connection.vendor == "postgresql":  # let the deferred trigger judge this example too
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_random_operation_sequences_keep_the_books_balanced(company_factory, steps):
    # given a fresh company with a 10,000.00 USD limit (rolled back after each example)
    with transaction.atomic():
        company = company_factory(limit=_usd(LIMIT_CENTS))
        # when / then
        _run(company, steps)
        transaction.set_rollback(True)
