"""Fixtures of the merchant API tests. The schema is executed directly with a Dashboard
principal on the context (the HTTP layer and its authentication are tested elsewhere)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from saleor_netterms.api.schema import schema
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.checkout.requests import (AuthorizationRequest, Buyer, OrderSnapshot,
                                               TransactionActionRequest)
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.workflows.checkout import checkout_authorize, transaction_capture
from saleor_netterms.core.money import Money
from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import outbox_enqueue
from saleor_netterms.receivables.models import Receivable
from tests.fixtures_credit import installation_make

STAFF_EMAIL = "staff@example.com"
BUYER_USER_ID = "VXNlcjo2"


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def principal_context(installation, *, email: str | None = STAFF_EMAIL, headers: dict | None = None):
    return SimpleNamespace(headers=headers or {}, dashboard_principal=SimpleNamespace(
        installation=installation, email=email, user_id="VXNlcjoy", user_permissions=["HANDLE_PAYMENTS"]))


@pytest.fixture
def gql_raw(credit_installation):
    """``gql_raw(document, variables=None, installation=None, headers=None)`` → the ExecutionResult."""
    def run(document: str, variables: dict | None = None, *, installation=None, headers: dict | None = None):
        return schema.execute(document, variables=variables,
                              context_value=principal_context(installation or credit_installation, headers=headers))
    return run


@pytest.fixture
def gql(gql_raw):
    """``gql(document, variables=None, installation=None, headers=None)`` → ``data``, asserting no GraphQL
    errors."""
    def run(document: str, variables: dict | None = None, *, installation=None, headers: dict | None = None) -> dict:
        result = gql_raw(document, variables, installation=installation, headers=headers)
        assert result.errors is None, result.errors
        return result.data
    return run


@pytest.fixture
def other_installation(db):
    """A second Saleor that installed the app: its rows must be invisible to the first."""
    return installation_make(saleor_api_url="https://other-shop.example.com/graphql/")


@pytest.fixture
def buyer(company_factory, member_factory, credit_installation):
    """Acme Industrial Supply: 10,000.00 USD limit, one buyer whose orders above 500.00 USD go
    to credit review (spending limit)."""
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=usd("10000"), erp_customer_number="C-1001")
    member_factory(company=company, value=BUYER_USER_ID, spending_limit=usd("500"))
    return company


def authorize(installation, *, tx: str, amount: str, user_id: str = BUYER_USER_ID) -> NetTermsTransaction:
    checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id=tx, money=usd(amount), buyer=Buyer(user_id=user_id), channel_slug="default-channel"))
    return NetTermsTransaction.objects.get(installation=installation, saleor_transaction_id=tx)


def invoice(installation, *, tx: str, amount: str, order_number: str, days_ago: int = 0) -> Receivable:
    """Authorize, bind to an order and capture ``amount``: one open receivable. ``days_ago`` moves
    its issue and due dates into the past (due = issue + 30 days)."""
    authorize(installation, tx=tx, amount=amount)
    order_bind(installation=installation, order=OrderSnapshot(
        order_id=f"T3JkZXI6{order_number}", number=order_number, status="UNFULFILLED", currency="USD",
        total_net=amount, total_tax="0.00", total_gross=amount, channel_slug="default-channel",
        user_email="buyer@acme.example", transaction_ids=(tx,)))
    result = transaction_capture(installation=installation, request=TransactionActionRequest(
        transaction_id=tx, money=usd(amount), request_key=f"capture:{tx}"))
    assert result.succeeded, result
    receivable = Receivable.objects.get(installation=installation, reference=result.psp_reference)
    if days_ago:
        issue = timezone.localdate() - dt.timedelta(days=days_ago)
        Receivable.objects.filter(pk=receivable.pk).update(issue_date=issue,
                                                           due_date=issue + dt.timedelta(days=30))
        receivable.refresh_from_db()
    return receivable


def dead_report(installation, *, dedupe_key: str,
                error: str = "DeliveryRejected: Saleor said no") -> OutboxMessage:
    """A transaction event report to Saleor that gave up."""
    message = outbox_enqueue(installation=installation, kind="saleor.transaction_event_report", payload={
        "transaction_id": "VHJhbnNhY3Rpb25JdGVtOjk=", "type": "CHARGE_SUCCESS", "psp_reference": "inv-1-p1",
        "amount": "250.00", "currency": "USD", "message": "Payment received.", "available_actions": ["REFUND"],
    }, dedupe_key=dedupe_key, ordering_key="tx:9")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.DEAD, attempts=30, last_error=error)
    message.refresh_from_db()
    return message
