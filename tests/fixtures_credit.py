"""Credit fixtures and factories: an installation of our own, companies with limits, members,
and helpers to assert that nothing was written on an unhappy path.

Factories accept any installation (e.g. the richer ``installation`` fixture of
tests/fixtures_saleor.py); without one they use ``credit_installation``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import pytest
from django.db import connection

from saleor_netterms.core.money import Money
from saleor_netterms.companies.services import company_create, credit_limit_set, member_add
from saleor_netterms.installations.models import Installation
from saleor_netterms.ledger.models import Account, Entry, Posting

_SEQ = itertools.count(1)


def postgres_only(fn):
    """Mark a test as needing PostgreSQL (triggers, real row locks); skipped elsewhere."""
    fn = pytest.mark.postgres(fn)
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: constraint triggers and SELECT FOR UPDATE are not available on "
               f"{connection.vendor}",
    )(fn)


def installation_make(*, saleor_api_url: str | None = None, app_id: str = "QXBwOjE="):
    """Create and return a saved Installation (a unique API URL unless one is given)."""
    installation = Installation(
        saleor_api_url=saleor_api_url or f"https://shop{next(_SEQ)}.example.com/graphql/",
        app_id=app_id,
    )
    installation.set_token("x")
    installation.save()
    return installation


@pytest.fixture
def credit_installation(db):
    return installation_make(saleor_api_url="https://shop.example.com/graphql/")


def invoice_create_answer(variables: dict) -> dict:
    """Saleor's answer to InvoiceCreate: the invoice attached to the order, echoing number and URL."""
    return {"data": {"invoiceCreate": {"invoice": {
        "id": f"SW52b2ljZTo{variables['orderId']}", "number": variables["number"], "url": variables["url"],
        "status": "SUCCESS"}, "errors": []}}}


@pytest.fixture
def credit_saleor(credit_installation, fake_saleor_factory):
    """The credit installation's Saleor, as the double (its token "x", its JWKS for Dashboard tokens):
    for tests whose work reaches Saleor after commit (an issued invoice is attached to its order)."""
    saleor = fake_saleor_factory(api_url=credit_installation.saleor_api_url, app_id=credit_installation.app_id,
                                 app_token="x")
    saleor.answer("InvoiceCreate", invoice_create_answer)
    return saleor


@dataclass(frozen=True)
class LedgerCounts:
    postings: int
    entries: int
    accounts: int


def ledger_counts() -> LedgerCounts:
    """Row counts of the ledger tables (assert them unchanged after a refusal)."""
    return LedgerCounts(Posting.objects.count(), Entry.objects.count(), Account.objects.count())


@pytest.fixture
def company_factory(credit_installation) -> Callable:
    """``company_factory(installation=None, limit=Money.of("10000", "USD"), **company_fields)``.

    ``limit=None`` creates no credit limit. Goes through ``company_create``/``credit_limit_set``.
    """
    def make(*, installation=None, limit: Money | None = Money.of("10000", "USD"), **fields):
        fields.setdefault("legal_name", f"Acme Supplies {next(_SEQ)} Ltd")
        company = company_create(installation=installation or credit_installation, **fields)
        if limit is not None:
            credit_limit_set(company=company, amount=limit)
        return company

    return make


@pytest.fixture
def company(company_factory):
    """An active company with a 10,000.00 USD limit."""
    return company_factory()


@pytest.fixture
def member_factory(company_factory) -> Callable:
    """``member_factory(company=None, kind="saleor_user_id", value=None, **member_fields)``."""
    def make(*, company=None, kind: str = "saleor_user_id", value: str | None = None, **fields):
        if value is None:
            value = {
                "email": f"buyer{next(_SEQ)}@acme.example",
                "email_domain": f"acme{next(_SEQ)}.example",
            }.get(kind, f"VXNlcjo{next(_SEQ)}")
        return member_add(company=company or company_factory(), kind=kind, value=value, **fields)

    return make
