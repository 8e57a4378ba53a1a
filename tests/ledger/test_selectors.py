"""Ledger reads: every figure is one SUM query over entries; the trial balance sums to zero."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from saleor_netterms.ledger.errors import IdempotencyConflict
from saleor_netterms.ledger.models import Posting
from saleor_netterms.ledger.selectors import (
    account_balances,
    credit_balance,
    hold_balance,
    holds_open,
    postings_for_company,
    receivable_balance,
    receivables_open,
    trial_balance,
)
from saleor_netterms.ledger.services import hold_place, payment_apply, receivable_book, receivable_from_hold
from tests.fixtures_credit import postgres_only

from .helpers import usd


@pytest.fixture
def booked(company):
    hold_place(company=company, money=usd("300.00"), hold_ref="txn-1", idempotency_key="k1")
    hold_place(company=company, money=usd("200.00"), hold_ref="txn-2", idempotency_key="k2")
    receivable_from_hold(company=company, money=usd("120.00"), hold_ref="txn-1", receivable_ref="inv-1",
                         idempotency_key="k3")
    receivable_book(company=company, money=usd("80.00"), receivable_ref="inv-2", idempotency_key="k4")
    payment_apply(company=company, money=usd("100.00"), payment_ref="bank-1",
                  allocations=[("inv-2", usd("80.00"))], idempotency_key="k5")
    return company


def test_each_figure_is_one_query(booked, django_assert_num_queries):
    # when / then
    with django_assert_num_queries(1):
        assert hold_balance(company=booked, currency="USD") == usd("380.00")
    with django_assert_num_queries(1):
        assert hold_balance(company=booked, currency="USD", hold_ref="txn-1") == usd("180.00")
    with django_assert_num_queries(1):
        assert receivable_balance(company=booked, currency="USD") == usd("120.00")
    with django_assert_num_queries(1):
        assert credit_balance(company=booked, currency="USD") == usd("20.00")
    with django_assert_num_queries(1):
        assert account_balances(company=booked, currency="USD") == {
            "holds": usd("380.00"), "receivable": usd("120.00"), "credit_balance": usd("20.00")}
    with django_assert_num_queries(1):
        assert holds_open(company=booked, currency="USD") == {"txn-1": usd("180.00"), "txn-2": usd("200.00")}
    with django_assert_num_queries(1):
        assert receivables_open(company=booked, currency="USD") == {"inv-1": usd("120.00")}


def test_trial_balance_sums_to_zero_with_one_row_per_account(booked):
    # when
    tb = trial_balance(installation=booked.installation, currency="USD")

    # then
    assert tb.is_balanced
    assert tb.difference == usd("0.00")
    assert tb.debits == usd("920.00")  # 300 + 200 + 2×120 + 80 + 100
    assert {(row.kind, row.company_id is None): row.balance for row in tb.rows} == {
        ("holds", False): usd("380.00"),
        ("hold_control", True): usd("380.00"),
        ("receivable", False): usd("120.00"),
        ("sales", True): usd("200.00"),
        ("cash", True): usd("100.00"),
        ("credit_balance", False): usd("20.00"),
    }


def test_postings_for_company_in_order(booked, company_factory):
    # given another company's posting
    hold_place(company=company_factory(), money=usd("1.00"), hold_ref="x", idempotency_key="other")

    # when
    postings = list(postings_for_company(company=booked, currency="USD", kinds=["hold", "payment"]))

    # then
    assert [(p.kind, p.idempotency_key) for p in postings] == [("hold", "k1"), ("hold", "k2"), ("payment", "k5")]
    assert [len(p.entries.all()) for p in postings] == [2, 2, 3]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_twice_at_once_posts_once(company_factory):
    # given two companies of one installation and one event key
    acme, globex = company_factory(), company_factory()
    barrier = threading.Barrier(4)

    def deliver(company):
        try:
            barrier.wait(timeout=10)
            try:
                return hold_place(company=company, money=usd("10.00"), hold_ref="t", idempotency_key="evt-1").pk
            except IdempotencyConflict as exc:
                return exc.code
        finally:
            connection.close()

    # when the same key arrives four times in parallel, twice for each company
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(deliver, [acme, acme, globex, globex]))

    # then exactly one posting exists; its company's deliveries return it, the others conflict
    posting = Posting.objects.get()
    assert Posting.objects.count() == 1
    winner = [acme, globex].index(posting.company)
    assert results[2 * winner:2 * winner + 2] == [posting.pk, posting.pk]
    assert results[2 * (1 - winner):2 * (1 - winner) + 2] == ["IDEMPOTENCY_CONFLICT"] * 2
