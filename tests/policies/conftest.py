"""Fixtures of the policy tests: a buyer company, checkout through the real service, and
decision records seeded with exact snapshots."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer
from saleor_netterms.workflows.checkout import checkout_authorize
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.engine import CreditSnapshot
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.decisions.snapshots import snapshot_to_dict
from saleor_netterms.decisions.tiers import policy_to_dict
from saleor_netterms.decisions.engine import CreditPolicy

BUYER_USER_ID = "VXNlcjo2"
CHANNEL = "default-channel"


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def buyer(company_factory, member_factory, credit_installation):
    """Acme Industrial Supply: 10,000.00 USD limit, one buyer (no spending limit)."""
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=usd("10000"))
    member_factory(company=company, value=BUYER_USER_ID)
    return company


def authorize(installation, *, tx: str, amount: str, channel: str = CHANNEL,
              user_id: str = BUYER_USER_ID) -> NetTermsTransaction:
    checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id=tx, money=usd(amount), buyer=Buyer(user_id=user_id), channel_slug=channel))
    return NetTermsTransaction.objects.get(installation=installation, saleor_transaction_id=tx)


def snapshot(**fields) -> CreditSnapshot:
    values = dict(currency="USD", order_amount=Decimal("100.00"), company_status="active",
                  limit=Decimal("10000.00"), exposure=Decimal("0.00"), account_age_days=400,
                  late_invoice_share=Decimal("0"), avg_days_beyond_terms=Decimal("0"))
    values.update(fields)
    return CreditSnapshot(**values)


def record_seed(*, installation, company, snap: CreditSnapshot, tier: str = "standard", channel: str = CHANNEL,
                tx: str, days_ago: int = 0, outcome: str = "approve") -> DecisionRecord:
    record = DecisionRecord.objects.create(
        installation=installation, company=company, saleor_transaction_id=tx, channel_slug=channel, tier=tier,
        currency=snap.currency, amount=snap.order_amount, snapshot=snapshot_to_dict(snap),
        policy=policy_to_dict(CreditPolicy()), policy_source="limit_only", outcome=outcome, score=500,
        reasons=["WITHIN_LIMIT"], local_outcome=outcome)
    if days_ago:
        DecisionRecord.objects.filter(pk=record.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago))
    return record
