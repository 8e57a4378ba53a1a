"""Fixtures for the app-protocol tests. The protocol (record → verify → dispatch once) is driven
through the REAL handlers: a buyer with a credit account whose checkout, signed like Saleor, is
decided and held in the ledger; its order bound, cancelled and released.

Failures and slowness are injected from outside our code, by PostgreSQL itself: a trigger created
by the test on one of the effect tables (`table_trigger`) raises, or sleeps, on insert."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.ledger.models import Entry, Posting
from saleor_netterms.outbox.models import OutboxMessage
from tests.saleor_double import CUSTOMER_ID

TX = "VHJhbnNhY3Rpb25JdGVtOjE="
ORDER = "T3JkZXI6MQ=="
TIS = "TRANSACTION_INITIALIZE_SESSION"


@pytest.fixture
def buyer(installation, company_factory, member_factory):
    """Acme, a company on the fake Saleor's installation with a 1,000.00 USD limit, whose Saleor
    customer (tests.saleor_double.CUSTOMER_ID) is its member: its checkouts are approved and held."""
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("1000.00", "USD"))
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID)
    return company


@dataclass(frozen=True)
class Effects:
    """Row counts of everything a handler writes (the credit decision and its audit line, the
    transaction, the ledger, the messages to Saleor)."""

    decisions: int
    decision_audit: int
    transactions: int
    postings: int
    entries: int
    outbox: int


def effects() -> Effects:
    return Effects(DecisionRecord.objects.count(), AuditEntry.objects.filter(action="decision.made").count(),
                   NetTermsTransaction.objects.count(), Posting.objects.count(), Entry.objects.count(),
                   OutboxMessage.objects.count())


NOTHING = Effects(0, 0, 0, 0, 0, 0)


def postings() -> list[tuple[str, Decimal, str]]:
    """Every ledger posting as (kind, amount, currency), oldest first."""
    return list(Posting.objects.order_by("id").values_list("kind", "amount", "currency"))


@contextmanager
def table_trigger(table: str, body: str, *, when: str | None = None):
    """A real PostgreSQL BEFORE INSERT trigger on `table` running the PL/pgSQL `body` (e.g.
    "RAISE EXCEPTION 'ledger exploded';" or "PERFORM pg_sleep(0.3); RETURN NEW;"), dropped on exit.
    With the test's own transaction it is rolled back anyway; committed tests need the drop."""
    name = f"test_trigger_{uuid.uuid4().hex[:10]}"
    condition = f"WHEN ({when}) " if when else ""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$")
        cursor.execute(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW {condition}"
                       f"EXECUTE FUNCTION {name}()")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
