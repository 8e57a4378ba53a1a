"""Fixtures of the approval workflow tests.

The credit policy is the bare limit check (built-in tier policies off, no version saved) so that
what sends an order to review is explicit in each test: a member's spending limit
(OVER_SPENDING_LIMIT), and ``review_first_order`` where a test saves a policy asking for it. Time is moved through the services' ``now=``."""
from __future__ import annotations

import datetime as dt

import pytest

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import approval_route_create
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.engine import CreditPolicy
from saleor_netterms.decisions.services import policy_save
from saleor_netterms.installations.models import Installation
from saleor_netterms.workflows.checkout import checkout_authorize

BUYER_ID = "VXNlcjo2"
CREDIT_MANAGER = "cm@merchant.example"
FINANCE = "finance@merchant.example"
SALES = "sales@merchant.example"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture(autouse=True)
def _approvals_settings(settings):
    settings.OUTBOX_DELIVERERS = {
        **settings.OUTBOX_DELIVERERS,
        "email.approval_link": "saleor_netterms.outbox.email.email_deliver",
        "email.approval_outcome": "saleor_netterms.outbox.email.email_deliver",
    }
    settings.ROOT_URLCONF = "tests.approvals.urls"
    settings.APP_PUBLIC_URL = "https://netterms.example.com"


@pytest.fixture
def policy(db, settings):
    """``policy(CreditPolicy(...))`` saves the policy the companies' (standard) tier decides with,
    as a merchant does in the Dashboard (decisions.services.policy_save, all channels), in every
    installation of the test. Until then the built-in tier policies are off, so checkout decides
    with the plain limit check."""
    settings.CREDIT_TIER_POLICIES_BUILTIN = False

    def use(value: CreditPolicy) -> CreditPolicy:
        for installation in Installation.objects.all():
            policy_save(installation=installation, tier="standard", channel_slug="", policy=value,
                        actor="credit@merchant.example", reason="approvals test")
        return value
    return use


@pytest.fixture
def acme(credit_installation, company_factory, member_factory, policy):
    """Acme Industrial Supply: 100,000.00 USD limit; its buyer's orders above 500.00 need approval."""
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=usd("100000"), billing_contact_email="ap@acme.example")
    member_factory(company=company, value=BUYER_ID, spending_limit=usd("500"))
    return company


def authorize(installation, *, tx: str, amount: str, user_id: str = BUYER_ID) -> NetTermsTransaction:
    checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id=tx, money=usd(amount), buyer=Buyer(user_id=user_id), channel_slug="default-channel"))
    return NetTermsTransaction.objects.get(installation=installation, saleor_transaction_id=tx)


def request_for(tx: NetTermsTransaction, kind: str = "credit_review") -> ApprovalRequest:
    return ApprovalRequest.objects.get(transaction=tx, kind=kind)


def staff_step(name: str, *emails: str, mode: str = "any", permission: str = "", hours: int | None = None,
               on_deadline: str = "escalate") -> dict:
    return {"name": name, "mode": mode, "approver_emails": list(emails), "required_permission": permission,
            "deadline_hours": hours, "on_deadline": on_deadline}


@pytest.fixture
def standard_routes(credit_installation):
    """First order of a company → sales; up to 10,000 → credit manager; above → credit manager, then finance."""
    first = approval_route_create(installation=credit_installation, actor="admin@merchant.example",
                                  name="First orders", priority=10, reason_codes=["FIRST_ORDER"],
                                  steps=[staff_step("Sales", SALES)])
    small = approval_route_create(installation=credit_installation, actor="admin@merchant.example",
                                  name="Up to 10,000", priority=20, currency="USD", max_amount=usd("10000").amount,
                                  steps=[staff_step("Credit manager", CREDIT_MANAGER)])
    large = approval_route_create(installation=credit_installation, actor="admin@merchant.example",
                                  name="Above 10,000", priority=30, currency="USD", min_amount=usd("10000").amount,
                                  steps=[staff_step("Credit manager", CREDIT_MANAGER), staff_step("Finance", FINANCE)])
    return first, small, large
