"""Property: whatever the sequence of checkouts, captures, cancels, payments and refunds, every
posting balances, the trial balance is zero, and available credit = limit − (holds + receivables)
with each figure recomputed independently from our own model of what happened."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer, TransactionActionRequest
from saleor_netterms.checkout.services import transaction_cancel
from saleor_netterms.workflows.checkout import checkout_authorize, transaction_capture, transaction_refund
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import Entry, Posting
from saleor_netterms.ledger.verification import ledger_verify
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable
from tests.fixtures_credit import installation_make

LIMIT = Decimal("1000.00")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400.00"), places=2)
operations = st.lists(st.one_of(
    st.tuples(st.just("authorize"), amounts),
    st.tuples(st.just("capture"), st.integers(0, 5), st.sampled_from(["all", "half"])),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("pay"), amounts),
    st.tuples(st.just("refund"), st.integers(0, 5), amounts),
), min_size=1, max_size=14)


def usd(amount) -> Money:
    return Money.of(amount, "USD")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_random_lifecycles_keep_the_books_balanced(ops, company_factory, member_factory):
    # given
    installation = installation_make()
    company = company_factory(installation=installation, limit=usd(LIMIT))
    member_factory(company=company, value=f"user-{installation.pk}")
    txs: list[str] = []
    holds: dict[str, Decimal] = {}
    receivables: list[dict] = []  # in creation order: {"tx", "open", "creditable"}
    credit_balance = Decimal(0)

    # when
    for n, op in enumerate(ops):
        kind = op[0]
        if kind == "authorize":
            tx = f"tx-{installation.pk}-{n}"
            result = checkout_authorize(installation=installation, request=AuthorizationRequest(
                transaction_id=tx, money=usd(op[1]), buyer=Buyer(user_id=f"user-{installation.pk}"),
                channel_slug="c"))
            exposure = sum(holds.values()) + sum(r["open"] for r in receivables)
            assert (result.outcome == "approved") == (exposure + op[1] <= LIMIT)
            if result.outcome == "approved":
                txs.append(tx)
                holds[tx] = op[1]
        elif kind in ("capture", "cancel", "refund") and txs:
            tx = txs[op[1] % len(txs)]
            if kind == "capture":
                amount = holds[tx] if op[2] == "all" else (holds[tx] / 2).quantize(Decimal("0.01"))
                if amount > 0:
                    result = transaction_capture(installation=installation, request=TransactionActionRequest(
                        transaction_id=tx, money=usd(amount), request_key=f"c{n}"))
                    assert result.succeeded
                    holds[tx] -= amount
                    receivables.append({"tx": tx, "open": amount, "creditable": amount})
            elif kind == "cancel":
                transaction_cancel(installation=installation, request=TransactionActionRequest(
                    transaction_id=tx, money=usd("0.01"), request_key=f"x{n}"))
                holds[tx] = Decimal(0)
            else:
                own = [r for r in receivables if r["tx"] == tx]
                refundable = sum(r["creditable"] for r in own)
                result = transaction_refund(installation=installation, request=TransactionActionRequest(
                    transaction_id=tx, money=usd(op[2]), request_key=f"r{n}"))
                assert result.succeeded == (bool(own) and op[2] <= refundable)
                if result.succeeded:
                    left = op[2]
                    for r in reversed(own):  # newest first; unpaid part first, the rest is credit
                        part = min(left, r["creditable"])
                        to_open = min(r["open"], part)
                        r["open"] -= to_open
                        r["creditable"] -= part
                        credit_balance += part - to_open
                        left -= part
        elif kind == "pay":
            payment_record(company=company, money=usd(op[1]), received_on=dt.date(2026, 12, 1), reference=f"p{n}")
            left = op[1]
            for r in receivables:  # oldest due first (all share one due date: creation order)
                part = min(left, r["open"])
                r["open"] -= part
                left -= part
            credit_balance += left

    # then: every posting balances per currency
    for posting in Posting.objects.filter(company=company):
        legs = Entry.objects.filter(posting=posting)
        debits = sum(e.amount for e in legs if e.side == "debit")
        credits = sum(e.amount for e in legs if e.side == "credit")
        assert debits == credits
    assert ledger_selectors.trial_balance(installation=installation, currency="USD").is_balanced
    # and every figure matches the independent model
    summary = credit_summary(company=company, currency="USD")
    assert summary.holds == usd(sum(holds.values()))
    assert summary.receivables == usd(sum(r["open"] for r in receivables))
    assert summary.credit_balance == usd(credit_balance)
    assert summary.available == usd(LIMIT) - summary.holds - summary.receivables
    # and ledger_verify recomputes every balance, receivable state and payment allocation: no mismatch
    assert ledger_verify(installation_id=installation.pk) == []
    assert [r.status for r in Receivable.objects.filter(company=company).order_by("id")] == [
        "open" if r["open"] > 0 else "credited" if r["creditable"] <= 0 else "paid" for r in receivables]
