"""Invoicing fixtures: a company, a net-terms transaction with its hold (placed directly, so these
tests do not depend on the credit decision) and its bound order."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.requests import OrderLine, OrderSnapshot
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import services as ledger
from saleor_netterms.checkout.services import order_bind

_SEQ = itertools.count(1)
USER_ID = "VXNlcjo2"


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def order_snapshot(*, order_id: str, transaction_id: str, number: str = "36", status: str = "UNFULFILLED",
                   lines: tuple = (), total_net: str = "180.00", total_tax: str = "0.00",
                   total_gross: str = "180.00", currency: str = "USD") -> OrderSnapshot:
    return OrderSnapshot(
        order_id=order_id, number=number, status=status, currency=currency, total_net=total_net,
        total_tax=total_tax, total_gross=total_gross, channel_slug="default-channel",
        user_email="ashley.cook@example.com", transaction_ids=(transaction_id,),
        lines=lines or (OrderLine("Dash Force", "618223581", 2, "90.00", "90.00", "0.0"),),
        billing_address={"companyName": "Acme Industrial Supply", "streetAddress1": "1600 Amphitheatre Pkwy",
                         "city": "MOUNTAIN VIEW", "postalCode": "94043", "country": "US"})


@pytest.fixture
def acme(company_factory, member_factory, credit_installation):
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=usd("100000"), billing_contact_email="ap@acme.example",
                              billing_contact_name="Accounts Payable")
    member_factory(company=company, value=USER_ID)
    return company


@pytest.fixture
def held_order():
    """held_order(company=, amount="180.00", order=OrderSnapshot | None, transaction_id=None, terms_days=30)
    → an AUTHORIZED NetTermsTransaction with `amount` on hold, its order bound."""
    def make(*, company, amount: str = "180.00", order: OrderSnapshot | None = None,
             transaction_id: str | None = None, terms_days: int = 30, po_number: str = "PO-4711"):
        n = next(_SEQ)
        transaction_id = transaction_id or f"VHJhbnNhY3Rpb25JdGVtOn{n}"
        tx = NetTermsTransaction.objects.create(
            installation=company.installation, saleor_transaction_id=transaction_id, psp_reference=f"nt-test{n}",
            company=company, currency="USD", amount=Decimal(amount), status=TransactionStatus.AUTHORIZED,
            decision_outcome="approve", po_number=po_number, terms_days=terms_days, channel_slug="default-channel")
        ledger.hold_place(company=company, money=usd(amount), hold_ref=tx.hold_ref, idempotency_key=f"hold:{tx.pk}")
        order = order or order_snapshot(order_id=f"T3JkZXI6{n}", transaction_id=transaction_id, number=str(35 + n))
        order_bind(installation=company.installation, order=order)
        tx.refresh_from_db()
        return tx

    return make
