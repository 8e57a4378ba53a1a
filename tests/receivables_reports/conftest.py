"""A small hand-checked book (README "Receivables analytics" works through it), as of 2026-06-30.

USD, invoices booked through receivables.services + the ledger, payments through payments.services:

====  =====  ======  ==========  ==========  ==================================================
ref   co.    amount  issued      due         what happens
====  =====  ======  ==========  ==========  ==================================================
A1    Alpha  1000    2026-03-01  2026-03-31  200 paid 2026-04-15 (15 days late) → 800 open
A2    Alpha   500    2026-05-01  2026-05-31  100 disputed from 2026-06-10
A3    Alpha   300    2026-06-15  2026-07-15  open, not due
A4    Alpha   700    2026-04-01  2026-05-01  paid in full 2026-07-05 (after the as-of date)
B1    Beta   2000    2026-04-20  2026-05-20  paid in full 2026-06-19 (30 days late)
B2    Beta   1200    2026-05-10  2026-06-09  open; Beta also paid 250 unallocated on 2026-06-20
E1    Euro    900 €  2026-06-01  2026-07-01  open, not due
E2    Euro    400 €  2026-03-15  2026-04-14  open
====  =====  ======  ==========  ==========  ==================================================
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.collections.services import dispute_open
from saleor_netterms.companies.services import company_update
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import services as ledger
from saleor_netterms.receivables import services as receivables
from saleor_netterms.payments.services import payment_book

from tests.fixtures_credit import installation_make

AS_OF = dt.date(2026, 6, 30)
_SEQ = itertools.count(1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def book(company, *, amount: str, issued: str, due: str, currency: str = "USD", channel: str = "default-channel"):
    """An invoice on net terms booked on its issue date (a receivable and its ledger posting)."""
    n = next(_SEQ)
    tx = NetTermsTransaction.objects.create(
        installation=company.installation, saleor_transaction_id=f"VHJhbnNhY3Rpb246UiR{n}", psp_reference=f"nt-rep{n}",
        company=company, currency=currency, amount=Decimal(amount), status=TransactionStatus.CAPTURED,
        decision_outcome="approve", channel_slug=channel)
    money = Money.of(amount, currency)
    receivable = receivables.receivable_book(
        installation=company.installation, company=company, reference=f"nt-rep{n}", capture_key=f"rep:{n}",
        money=money, issue_date=d(issued), due_date=d(due), transaction=tx)
    ledger.receivable_book(company=company, money=money, receivable_ref=receivable.receivable_ref,
                           idempotency_key=f"rep-book:{n}", effective_date=d(issued))
    return receivable


def pay(company, *, amount: str, on: str, receivable=None, currency: str = "USD"):
    money = Money.of(amount, currency)
    return payment_book(company=company, money=money, received_on=d(on), reference=f"BANK-{next(_SEQ)}",
                          allocations=[(receivable, money)] if receivable is not None else [])


@dataclass
class Book:
    installation: object
    alpha: object
    beta: object
    euro: object
    r: dict


@pytest.fixture
def book_installation(credit_installation):
    """Whose book it is (the browser test uses the Saleor double's installation)."""
    return credit_installation


@pytest.fixture
def hand_book(company_factory, book_installation) -> Book:
    alpha = company_factory(installation=book_installation, legal_name="Alpha Tools", limit=Money.of("10000", "USD"))
    beta = company_factory(installation=book_installation, legal_name="Beta Build", limit=Money.of("5000", "USD"))
    euro = company_factory(installation=book_installation, legal_name="Euro Maschinen", limit=Money.of("8000", "EUR"))
    company_update(company=beta, credit_tier="premium")
    r = {
        "A1": book(alpha, amount="1000", issued="2026-03-01", due="2026-03-31"),
        "A2": book(alpha, amount="500", issued="2026-05-01", due="2026-05-31", channel="wholesale"),
        "A3": book(alpha, amount="300", issued="2026-06-15", due="2026-07-15"),
        "A4": book(alpha, amount="700", issued="2026-04-01", due="2026-05-01"),
        "B1": book(beta, amount="2000", issued="2026-04-20", due="2026-05-20"),
        "B2": book(beta, amount="1200", issued="2026-05-10", due="2026-06-09", channel="wholesale"),
        "E1": book(euro, amount="900", issued="2026-06-01", due="2026-07-01", currency="EUR"),
        "E2": book(euro, amount="400", issued="2026-03-15", due="2026-04-14", currency="EUR"),
    }
    pay(alpha, amount="200", on="2026-04-15", receivable=r["A1"])
    pay(alpha, amount="700", on="2026-07-05", receivable=r["A4"])
    pay(beta, amount="2000", on="2026-06-19", receivable=r["B1"])
    pay(beta, amount="250", on="2026-06-20")
    dispute = dispute_open(company=alpha, receivable=r["A2"], reason_code="DAMAGED", opened_by="ap@alpha.example",
                           amount=Money.of("100", "USD"))
    type(dispute).objects.filter(pk=dispute.pk).update(  # opened on 2026-06-10 (the service stamps now)
        created_at=dt.datetime(2026, 6, 10, 9, tzinfo=dt.timezone.utc))
    for company in (alpha, beta, euro):
        company.refresh_from_db()
    return Book(installation=book_installation, alpha=alpha, beta=beta, euro=euro, r=r)


@pytest.fixture
def other_installation(db):
    """A second Saleor that installed the app: the book of the first is invisible to it."""
    return installation_make(saleor_api_url="https://other-shop.example.com/graphql/")
