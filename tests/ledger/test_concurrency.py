"""Credit decisions under real parallel PostgreSQL connections: company_lock serializes them."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from saleor_netterms.companies.selectors import available_credit
from saleor_netterms.companies.services import company_lock
from saleor_netterms.ledger.models import Posting, PostingKind
from saleor_netterms.ledger.selectors import hold_balance, holds_open
from saleor_netterms.ledger.services import hold_place, hold_release
from tests.fixtures_credit import postgres_only

from .helpers import usd

THREADS = 50


def _checkout(company_id: int, hold_ref: str, barrier: threading.Barrier) -> bool:
    """What the checkout does: lock, re-check available credit, place the hold, commit."""
    amount = usd("1000.00")
    try:
        barrier.wait(timeout=30)
        with transaction.atomic():
            company = company_lock(company_id=company_id)
            if available_credit(company=company, currency="USD") >= amount:
                hold_place(company=company, money=amount, hold_ref=hold_ref, idempotency_key=hold_ref)
                return True
            return False
    finally:
        connection.close()


def _race(company_id: int, round_no: int) -> list[bool]:
    barrier = threading.Barrier(THREADS)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(_checkout, company_id, f"round{round_no}-txn{i}", barrier) for i in range(THREADS)]
        return [future.result() for future in futures]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_checkouts_of_a_tenth_of_the_limit_place_exactly_ten_holds(company_factory):
    # given a 10,000.00 USD limit
    company = company_factory(limit=usd("10000.00"))

    for round_no in (1, 2):
        # when 50 buyers check out 1,000.00 each at the same moment
        results = _race(company.pk, round_no)

        # then exactly ten got credit
        assert results.count(True) == 10
        assert hold_balance(company=company, currency="USD") == usd("10000.00")
        assert available_credit(company=company, currency="USD") == usd("0.00")
        assert Posting.objects.filter(company=company, kind=PostingKind.HOLD,
                                      hold_ref__startswith=f"round{round_no}-").count() == 10

        # and releasing them frees the limit for the next round
        for ref, money in holds_open(company=company, currency="USD").items():
            hold_release(company=company, money=money, hold_ref=ref, idempotency_key=f"release-{ref}")
        assert available_credit(company=company, currency="USD") == usd("10000.00")

    assert Posting.objects.filter(company=company).count() == 40
