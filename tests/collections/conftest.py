"""Collections fixtures: a company with invoices issued on chosen dates (the real capture →
invoice path, holds placed directly) and a standard six-level ladder."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.requests import OrderLine, OrderSnapshot
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.collections.services import dunning_policy_save
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.services import invoice_issue_for_order
from saleor_netterms.ledger import services as ledger

_SEQ = itertools.count(1)
USER_ID = "VXNlcjo2"


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def at(day: str, hour: int = 10) -> dt.datetime:
    """A run at `hour` UTC on `day` (YYYY-MM-DD)."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.timezone.utc)


def invoice_make(company, *, amount: str, issue_date: str, lines: tuple | None = None, net: str | None = None):
    """An issued invoice over `amount` USD gross (`net`: its net when the lines are taxed) on
    `issue_date` (Net 30 → due 30 days later)."""
    n = next(_SEQ)
    transaction_id = f"VHJhbnNhY3Rpb25JdGVtOkN{n}"
    tx = NetTermsTransaction.objects.create(
        installation=company.installation, saleor_transaction_id=transaction_id, psp_reference=f"nt-coll{n}",
        company=company, currency="USD", amount=Decimal(amount), status=TransactionStatus.AUTHORIZED,
        decision_outcome="approve", po_number=f"PO-{n}", terms_days=30, channel_slug="default-channel")
    ledger.hold_place(company=company, money=usd(amount), hold_ref=tx.hold_ref, idempotency_key=f"hold:{tx.pk}")
    lines = lines or (OrderLine("Dash Force", "618223581", 1, amount, amount, "0.0"),)
    order_bind(installation=company.installation, order=OrderSnapshot(
        order_id=f"T3JkZXI6Q{n}", number=str(1000 + n), status="UNFULFILLED", currency="USD", total_net=net or amount,
        total_tax=str(Decimal(amount) - Decimal(net or amount)), total_gross=amount, channel_slug="default-channel", user_email="ap@acme.example",
        transaction_ids=(transaction_id,), lines=lines,
        billing_address={"companyName": company.legal_name, "streetAddress1": "1 Main St", "city": "SPRINGFIELD",
                         "postalCode": "12345", "country": "US"}))
    tx.refresh_from_db()
    return invoice_issue_for_order(transaction=tx, issue_date=dt.date.fromisoformat(issue_date))


STANDARD_LEVELS = [
    {"name": "Friendly reminder", "offset_days": -3, "template": "before_due", "attach_statement": False},
    {"name": "Overdue", "offset_days": 1, "template": "overdue"},
    {"name": "Second reminder", "offset_days": 8, "template": "overdue", "charge_interest": True,
     "late_fee": {"period": "once", "amount": {"amount": "15.00", "currency": "USD"}}},
    {"name": "Account hold", "offset_days": 20, "template": "final", "hold_mode": "decline"},
    {"name": "Call", "offset_days": 30, "send_email": False, "task_assignee": "ar@merchant.example",
     "task_title": "Call Accounts Payable"},
    {"name": "Agency", "offset_days": 60, "send_email": False, "agency": True, "erp_event": True},
]


@pytest.fixture
def acme(company_factory, member_factory, credit_installation):
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=usd("100000"), billing_contact_email="ap@acme.example",
                              billing_contact_name="Accounts Payable")
    member_factory(company=company, value=USER_ID)
    return company


@pytest.fixture
def standard_policy(credit_installation):
    return dunning_policy_save(
        installation=credit_installation, name="Standard", levels=STANDARD_LEVELS, actor="staff@merchant.example",
        is_default=True, min_gap_days=3, staff_email="ar@merchant.example",
        interest={"annual_percent": "12", "day_count": "act/365"})
