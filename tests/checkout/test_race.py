"""Exposure stays exact under concurrency: real parallel connections on PostgreSQL."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer
from saleor_netterms.workflows.checkout import checkout_authorize
from saleor_netterms.companies.selectors import available_credit
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import selectors as ledger_selectors
from tests.fixtures_credit import postgres_only

USER_ID = "VXNlcjo2"


# 100 initializations over 25 parallel connections (PostgreSQL's default max_connections is 100,
# shared with the rest of the machine); all threads start together on an Event.
WORKERS = 25


def _authorize_in_thread(installation, start, index, round_no):
    try:
        start.wait(timeout=30)
        request = AuthorizationRequest(
            transaction_id=f"race-{round_no}-{index}", money=Money.of("100.00", "USD"),
            buyer=Buyer(user_id=USER_ID), channel_slug="default-channel")
        return checkout_authorize(installation=installation, request=request).outcome
    finally:
        connections.close_all()


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_no", [1, 2])
def test_100_parallel_initializations_of_a_tenth_of_the_limit_approve_exactly_10(
        credit_installation, company_factory, member_factory, round_no):
    # given
    assert connection.vendor == "postgresql"
    company = company_factory(installation=credit_installation, limit=Money.of("1000.00", "USD"))
    member_factory(company=company, value=USER_ID)
    start = threading.Event()

    # when
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(_authorize_in_thread, credit_installation, start, i, round_no) for i in range(100)]
        start.set()
        outcomes = [f.result() for f in futures]

    # then
    assert outcomes.count("approved") == 10
    assert outcomes.count("declined") == 90
    assert ledger_selectors.hold_balance(company=company, currency="USD") == Money.of("1000.00", "USD")
    assert available_credit(company=company, currency="USD") == Money.of("0.00", "USD")
