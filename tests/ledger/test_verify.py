"""ledger_verify recomputes every figure the ledger keeps; the maintained balances it checks are
the ones the credit decision reads; the company lock is taken once."""
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import services as ledger
from saleor_netterms.ledger import verification
from saleor_netterms.ledger.models import Account, ReceivableBalance
from saleor_netterms.ledger.selectors import (account_balances, account_balances_recomputed, receivable_balance,
                                              receivables_open, receivables_open_amounts)
from saleor_netterms.ledger.verification import Mismatch, ledger_verify

from .helpers import usd

_keys = itertools.count()

OPERATIONS = ["hold", "release", "capture", "book", "payment", "credit_note", "fee", "write_off",
              "adjust_receivable", "adjust_credit", "apply_credit", "refund"]
step = st.tuples(
    st.sampled_from(OPERATIONS),
    st.integers(min_value=1, max_value=300_000),  # cents
    st.integers(min_value=0, max_value=3),  # which reference
    st.sampled_from(["USD", "EUR"]),
    st.integers(min_value=0, max_value=1),  # which company
    st.booleans(),  # under company_lock (trusted) or not
)


def _apply(company, op: str, money: Money, ref: int) -> None:
    key, hold_ref, receivable_ref = f"k-{next(_keys)}", f"h{ref}", f"r{ref}"
    if op == "hold":
        ledger.hold_place(company=company, money=money, hold_ref=hold_ref, idempotency_key=key)
    elif op == "release":
        ledger.hold_release(company=company, money=money, hold_ref=hold_ref, idempotency_key=key)
    elif op == "capture":
        ledger.receivable_from_hold(company=company, money=money, hold_ref=hold_ref,
                                    receivable_ref=receivable_ref, idempotency_key=key)
    elif op == "book":
        ledger.receivable_book(company=company, money=money, receivable_ref=receivable_ref, idempotency_key=key)
    elif op == "payment":
        half = Money.of(money.amount / 2, money.currency)
        ledger.payment_apply(company=company, money=money, payment_ref=f"p{key}", idempotency_key=key,
                             allocations=[(receivable_ref, half), (f"r{(ref + 1) % 4}", half)])
    elif op == "credit_note":
        ledger.credit_note_post(company=company, money=money, receivable_ref=receivable_ref, idempotency_key=key)
    elif op == "fee":
        ledger.fee_post(company=company, money=money, receivable_ref=receivable_ref, idempotency_key=key)
    elif op == "write_off":
        ledger.write_off_post(company=company, money=money, receivable_ref=receivable_ref, idempotency_key=key)
    elif op == "adjust_receivable":
        ledger.adjustment_post(company=company, money=money, target="receivable",
                               direction="increase" if ref % 2 else "decrease",
                               receivable_ref=receivable_ref, idempotency_key=key)
    elif op == "adjust_credit":
        ledger.adjustment_post(company=company, money=money, target="credit_balance",
                               direction="increase" if ref % 2 else "decrease", idempotency_key=key)
    elif op == "apply_credit":
        ledger.credit_balance_apply(company=company, money=money, receivable_ref=receivable_ref,
                                    idempotency_key=key)
    else:
        ledger.credit_balance_refund(company=company, money=money, payment_ref=f"out-{key}", idempotency_key=key)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=30))
def test_maintained_balances_equal_the_recomputed_ones_after_any_sequence(company_factory, steps):
    with transaction.atomic():
        # given two companies of one installation
        first = company_factory()
        second = company_factory(installation=first.installation)
        companies = [first, second]

        # when any sequence of every kind of posting runs, in and out of company_lock; refusals
        # (overdrawn holds, receivables, credit balances) are part of the sequence
        refused = 0
        for op, cents, ref, currency, which, locked in steps:
            money = Money.of(Decimal(cents) / 100, currency)
            try:
                with transaction.atomic():
                    company = company_lock(company_id=companies[which].pk) if locked else companies[which]
                    _apply(company, op, money, ref)
            except NetTermsError:
                refused += 1

        # then every maintained balance equals the one summed from the entries, and ledger_verify
        # finds nothing
        for company in companies:
            for currency in ("USD", "EUR"):
                assert account_balances(company=company, currency=currency) == account_balances_recomputed(
                    company=company, currency=currency)
        assert ledger_verify(installation_id=first.installation_id) == []
        assert refused <= len(steps)
        transaction.set_rollback(True)


def test_ledger_verify_reports_a_maintained_balance_that_disagrees_with_the_entries(company, capsys):
    # given a hold and a maintained balance changed behind the ledger's back
    ledger.hold_place(company=company, money=usd("120.00"), hold_ref="t1", idempotency_key="k1")
    assert ledger_verify() == []
    account = Account.objects.get(company=company, kind="holds")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET debits = 100 WHERE id = %s", [account.pk])

    # when
    found = ledger_verify(installation_id=company.installation_id)

    # then exactly that account is reported, with both figures
    assert found == [Mismatch(
        "maintained_balances", f"account {account.pk} (holds USD, company {company.pk})",
        "debits 120.0000 credits 0.0000", "debits 100.0000 credits 0.0000")]
    with pytest.raises(CommandError) as info:
        call_command("ledger_verify")
    assert info.value.returncode == 1
    assert str(info.value).startswith("ledger_verify: 1 mismatch(es)")
    assert capsys.readouterr().out.splitlines() == [str(found[0])]


def test_each_receivable_reference_keeps_its_open_amount_as_the_ledger_posts(company):
    # given an invoice booked, partly paid, credited and paid off over another reference too
    ledger.receivable_book(company=company, money=usd("300.00"), receivable_ref="rcv:1", idempotency_key="k1")
    ledger.receivable_book(company=company, money=usd("80.00"), receivable_ref="rcv:2", idempotency_key="k2")
    ledger.payment_apply(company=company, money=usd("150.00"), payment_ref="p1", idempotency_key="k3",
                         allocations=[("rcv:1", usd("100.00")), ("rcv:2", usd("50.00"))])
    ledger.credit_note_post(company=company, money=usd("30.00"), receivable_ref="rcv:1", idempotency_key="k4")

    # then: one maintained row per reference, with the sums of its entries
    rows = {(b.receivable_ref, b.currency, b.company_id): (b.debits, b.credits)
            for b in ReceivableBalance.objects.order_by("receivable_ref")}
    assert rows == {("rcv:1", "USD", company.pk): (Decimal("300.0000"), Decimal("130.0000")),
                    ("rcv:2", "USD", company.pk): (Decimal("80.0000"), Decimal("50.0000"))}
    assert receivables_open(company=company, currency="USD") == {"rcv:1": usd("170.00"), "rcv:2": usd("30.00")}
    assert receivable_balance(company=company, currency="USD", receivable_ref="rcv:1") == usd("170.00")
    assert receivables_open_amounts(installation=company.installation, receivable_refs=["rcv:1", "rcv:2", "rcv:9"]
                                    ) == {"rcv:1": Decimal("170.0000"), "rcv:2": Decimal("30.0000")}
    assert ledger_verify(installation_id=company.installation_id) == []


def test_ledger_verify_reports_a_receivable_balance_changed_or_missing(company):
    # given two references, one row altered behind the ledger's back and the other deleted
    ledger.receivable_book(company=company, money=usd("300.00"), receivable_ref="rcv:1", idempotency_key="k1")
    ledger.receivable_book(company=company, money=usd("80.00"), receivable_ref="rcv:2", idempotency_key="k2")
    account = Account.objects.get(company=company, kind="receivable")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_receivablebalance SET credits = 5 WHERE receivable_ref = 'rcv:1'")
        cursor.execute("DELETE FROM ledger_receivablebalance WHERE receivable_ref = 'rcv:2'")

    # when
    found = [m for m in ledger_verify(installation_id=company.installation_id)]

    # then both are named, with the figures the entries give
    assert found == [
        Mismatch("receivable_balances", f"account {account.pk} receivable 'rcv:1'",
                 "debits 300.0000 credits 0.0000", "debits 300.0000 credits 5.0000"),
        Mismatch("receivable_balances", f"account {account.pk} receivable 'rcv:2'",
                 "debits 80.0000 credits 0.0000", "no maintained row")]


def test_ledger_verify_command_on_sound_books(company, capsys):
    # given
    ledger.hold_place(company=company, money=usd("50.00"), hold_ref="t1", idempotency_key="k1")
    ledger.receivable_from_hold(company=company, money=usd("50.00"), hold_ref="t1", receivable_ref="r1",
                                idempotency_key="k2")

    # when
    call_command("ledger_verify", "--installation", str(company.installation_id))

    # then
    out = capsys.readouterr().out
    assert out.startswith("ledger_verify: 0 mismatches (13 checks: postings_balanced, entry_currencies, "
                          "maintained_balances, receivable_balances, trial_balances, references_not_overdrawn, "
                          "receivable_states, payment_allocations, open_receivables, company_months, "
                          "company_lateness, open_by_date, installation_months)")


def test_a_registered_check_runs_after_the_ledgers_own(company, monkeypatch):
    # given a domain above the ledger registering a check of its cached figures
    monkeypatch.setattr(verification, "CHECKS", list(verification.CHECKS))
    seen = []

    def cached_figures(installation_id):
        seen.append(installation_id)
        return [Mismatch("cached_figures", "receivable 7", "open", "paid")]

    verification.check_register("cached_figures", cached_figures)
    verification.check_register("cached_figures", cached_figures)  # once per name

    # when / then
    assert ledger_verify(installation_id=company.installation_id) == [
        Mismatch("cached_figures", "receivable 7", "open", "paid")]
    assert seen == [company.installation_id]


def test_a_posting_under_company_lock_takes_no_second_lock_and_one_statement(company):
    # given the accounts exist (a company's first posting also creates them)
    ledger.hold_place(company=company, money=usd("1.00"), hold_ref="t0", idempotency_key="k0")

    with transaction.atomic():
        locked = company_lock(company_id=company.pk)
        # when
        with CaptureQueriesContext(connection) as queries:
            posting = ledger.hold_place(company=locked, money=usd("10.00"), hold_ref="t1", idempotency_key="k1")
        # then: posting, company accounts + balances, merchant accounts and entries in one
        # statement; no lock, no savepoint
        sql = [q["sql"] for q in queries.captured_queries]
        assert len(sql) == 1, sql
        assert not any("FOR UPDATE" in s or "SAVEPOINT" in s for s in sql)
        assert sql[0].startswith("WITH p AS (INSERT INTO ledger_posting")
    assert posting.entries.count() == 2
    assert account_balances(company=company, currency="USD")["holds"] == usd("11.00")


def test_an_unlocked_company_is_locked_by_the_ledger(company):
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            ledger.hold_place(company=company, money=usd("10.00"), hold_ref="t1", idempotency_key="k1")
            ledger.hold_place(company=company, money=usd("10.00"), hold_ref="t2", idempotency_key="k2")
        locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
        assert len(locks) == 1  # the instance is marked once the ledger locked it


def test_a_lock_taken_in_a_rolled_back_savepoint_is_not_trusted(company):
    with transaction.atomic():
        try:
            with transaction.atomic():
                locked = company_lock(company_id=company.pk)
                raise RuntimeError("roll the savepoint back")
        except RuntimeError:
            pass
        with CaptureQueriesContext(connection) as queries:
            ledger.hold_place(company=locked, money=usd("10.00"), hold_ref="t1", idempotency_key="k1")
        assert sum("FOR UPDATE" in q["sql"] for q in queries.captured_queries) == 1


def test_a_refusal_under_company_lock_leaves_the_callers_transaction_usable(company):
    with transaction.atomic():
        locked = company_lock(company_id=company.pk)
        with pytest.raises(NetTermsError) as info:
            ledger.hold_release(company=locked, money=usd("10.00"), hold_ref="none", idempotency_key="k1")
        assert info.value.code == "HOLD_INSUFFICIENT"
        # then the caller goes on in the same transaction
        posting = ledger.hold_place(company=locked, money=usd("10.00"), hold_ref="t1", idempotency_key="k2")
    assert posting.entries.count() == 2
    assert account_balances(company=company, currency="USD")["holds"] == usd("10.00")


def test_a_refused_replay_answers_as_the_first_call(company):
    # given a release that emptied its hold
    ledger.hold_place(company=company, money=usd("10.00"), hold_ref="t1", idempotency_key="k1")
    first = ledger.hold_release(company=company, money=usd("10.00"), hold_ref="t1", idempotency_key="k2")

    # when the same release is asked again (the hold is empty now)
    again = ledger.hold_release(company=company, money=usd("10.00"), hold_ref="t1", idempotency_key="k2")

    # then it is the first posting, replayed, not HOLD_INSUFFICIENT
    assert (again.pk, again.replayed, first.replayed) == (first.pk, True, False)
    assert account_balances(company=company, currency="USD")["holds"] == usd("0.00")
