"""The database itself refuses an unbalanced posting, bypassing the ORM (hordak-style)."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from saleor_netterms.ledger.models import Account, Entry, Posting
from saleor_netterms.ledger.errors import LedgerUnbalanced
from saleor_netterms.ledger.services import Leg, hold_place, legs_check_balanced
from tests.fixtures_credit import postgres_only

from .helpers import usd


def _accounts(company, currency="USD"):
    holds = Account.objects.create(installation=company.installation, company=company, currency=currency,
                                   kind="holds")
    control = Account.objects.create(installation=company.installation, company=None, currency=currency,
                                     kind="hold_control")
    return holds, control


def _raw_posting(cursor, company, key: str, currency: str = "USD") -> int:
    cursor.execute(
        "INSERT INTO ledger_posting (installation_id, company_id, kind, currency, amount, idempotency_key,"
        " request_fingerprint, memo, hold_ref, receivable_ref, payment_ref, effective_date, created_at)"
        " VALUES (%s, %s, 'hold', %s, 10, %s, 'x', '', 't', '', '', %s, %s) RETURNING id",
        [company.installation_id, company.pk, currency, key, timezone.now().date(), timezone.now()])
    return cursor.fetchone()[0]


def _raw_entry(cursor, posting_id: int, account: Account, side: str, amount: str, currency: str = "USD") -> None:
    cursor.execute(
        "INSERT INTO ledger_entry (posting_id, account_id, side, amount, currency, hold_ref, receivable_ref)"
        " VALUES (%s, %s, %s, %s, %s, 't', '')",
        [posting_id, account.pk, side, Decimal(amount), currency])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_refuses_an_unbalanced_posting_at_commit(company):
    # given
    holds, control = _accounts(company)

    # when the ORM is bypassed and the legs do not balance
    with pytest.raises(IntegrityError, match="not balanced"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                posting_id = _raw_posting(cursor, company, "raw-1")
                _raw_entry(cursor, posting_id, holds, "debit", "10.00")
                _raw_entry(cursor, posting_id, control, "credit", "9.99")

    # then nothing was committed
    assert Posting.objects.count() == 0
    assert Entry.objects.count() == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_accepts_a_balanced_raw_posting(company):
    # given
    holds, control = _accounts(company)

    # when
    with transaction.atomic():
        with connection.cursor() as cursor:
            posting_id = _raw_posting(cursor, company, "raw-2")
            _raw_entry(cursor, posting_id, holds, "debit", "10.00")
            _raw_entry(cursor, posting_id, control, "credit", "10.00")

    # then
    assert Entry.objects.filter(posting_id=posting_id).count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_refuses_an_entry_in_another_currency_than_its_account(company):
    # given a USD account pair
    holds, control = _accounts(company)

    # when balanced EUR legs are written to the USD accounts
    with pytest.raises(IntegrityError, match="currency"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                posting_id = _raw_posting(cursor, company, "raw-3", currency="EUR")
                _raw_entry(cursor, posting_id, holds, "debit", "10.00", currency="EUR")
                _raw_entry(cursor, posting_id, control, "credit", "10.00", currency="EUR")

    # then
    assert Posting.objects.count() == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_refuses_deleting_one_leg_of_a_committed_posting(company):
    # given a committed hold
    posting = hold_place(company=company, money=usd("10.00"), hold_ref="t", idempotency_key="k")

    # when one leg is deleted behind the ledger's back (refused at once: entries are append-only)
    with pytest.raises(IntegrityError, match="ledger_entry is append-only: DELETE refused"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM ledger_entry WHERE id = %s", [posting.entries.first().pk])

    # then
    assert Entry.objects.filter(posting=posting).count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_refuses_a_non_positive_leg(company):
    # given
    holds, _ = _accounts(company)

    # when / then
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            with connection.cursor() as cursor:
                posting_id = _raw_posting(cursor, company, "raw-4")
                _raw_entry(cursor, posting_id, holds, "debit", "0")


def test_python_refuses_unbalanced_legs_before_writing():
    # when / then
    with pytest.raises(LedgerUnbalanced) as info:
        legs_check_balanced([Leg("holds", "debit", Decimal("10.00")), Leg("hold_control", "credit", Decimal("9.99"))])
    assert info.value.code == "LEDGER_UNBALANCED"
    with pytest.raises(LedgerUnbalanced):
        legs_check_balanced([Leg("holds", "debit", Decimal("0")), Leg("hold_control", "credit", Decimal("0"))])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement, table, op", [
    ("UPDATE ledger_posting SET amount = 1 WHERE id = %s", "ledger_posting", "UPDATE"),
    ("UPDATE ledger_posting SET memo = 'edited' WHERE id = %s", "ledger_posting", "UPDATE"),
    ("DELETE FROM ledger_posting WHERE id = %s", "ledger_posting", "DELETE"),
    ("UPDATE ledger_entry SET amount = amount + 1 WHERE posting_id = %s", "ledger_entry", "UPDATE"),
    ("UPDATE ledger_entry SET hold_ref = 'other' WHERE posting_id = %s", "ledger_entry", "UPDATE"),
    ("DELETE FROM ledger_entry WHERE posting_id = %s", "ledger_entry", "DELETE"),
])
def test_database_refuses_changing_or_deleting_postings_and_entries(company, statement, table, op):
    # given a committed hold
    posting = hold_place(company=company, money=usd("10.00"), hold_ref="t", idempotency_key="k")
    before = list(Entry.objects.filter(posting=posting).order_by("id").values_list(
        "side", "amount", "hold_ref"))

    # when the ORM is bypassed
    with pytest.raises(IntegrityError, match=f"{table} is append-only: {op} refused"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [posting.pk])

    # then the posting and its legs are as they were
    posting.refresh_from_db()
    assert (posting.amount, posting.memo) == (Decimal("10.0000"), "")
    assert list(Entry.objects.filter(posting=posting).order_by("id").values_list(
        "side", "amount", "hold_ref")) == before == [
        ("debit", Decimal("10.0000"), "t"), ("credit", Decimal("10.0000"), "")]
