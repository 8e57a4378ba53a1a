"""Unhappy paths: each refusal has its code and writes nothing."""
from decimal import Decimal

import pytest

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money
from saleor_netterms.ledger.services import (
    adjustment_post,
    credit_balance_apply,
    credit_balance_refund,
    credit_note_post,
    hold_place,
    hold_release,
    payment_apply,
    receivable_book,
    receivable_from_hold,
    write_off_post,
)
from tests.fixtures_credit import ledger_counts

from .helpers import usd


def _refused(code: str, call) -> NetTermsError:
    before = ledger_counts()
    with pytest.raises(NetTermsError) as info:
        call()
    assert info.value.code == code
    assert ledger_counts() == before
    return info.value


@pytest.mark.parametrize("money", [usd("0"), usd("-5.00"), Money(Decimal("1.005"), "USD"), "12.00"])
def test_hold_place_refuses_non_positive_or_unquantized_amounts(company, money):
    # when / then
    _refused("INVALID_AMOUNT", lambda: hold_place(company=company, money=money, hold_ref="t",
                                                   idempotency_key="k"))


def test_hold_release_refuses_more_than_held(company):
    # given
    hold_place(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="h1")

    # when / then
    _refused("HOLD_INSUFFICIENT", lambda: hold_release(company=company, money=usd("100.01"),
                                                        hold_ref="txn-1", idempotency_key="h2"))
    _refused("HOLD_INSUFFICIENT", lambda: hold_release(company=company, money=usd("1.00"),
                                                        hold_ref="txn-other", idempotency_key="h3"))


def test_capture_refuses_more_than_held(company):
    # given
    hold_place(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="h1")
    receivable_from_hold(company=company, money=usd("60.00"), hold_ref="txn-1", receivable_ref="inv-1",
                         idempotency_key="c1")

    # when / then
    _refused("HOLD_INSUFFICIENT", lambda: receivable_from_hold(
        company=company, money=usd("40.01"), hold_ref="txn-1", receivable_ref="inv-1", idempotency_key="c2"))


def test_release_in_another_currency_than_the_hold_is_a_currency_mismatch(company):
    # given
    hold_place(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="h1")

    # when / then
    _refused("CURRENCY_MISMATCH", lambda: hold_release(company=company, money=Money.of("10", "EUR"),
                                                        hold_ref="txn-1", idempotency_key="h2"))


def test_payment_refuses_allocation_in_another_currency(company):
    # given
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-1", idempotency_key="r1")

    # when / then
    _refused("CURRENCY_MISMATCH", lambda: payment_apply(
        company=company, money=usd("100.00"), payment_ref="p", allocations=[("inv-1", Money.of("100", "EUR"))],
        idempotency_key="p1"))


def test_payment_refuses_over_allocation_to_a_receivable(company):
    # given
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-1", idempotency_key="r1")

    # when / then: 60 + 50 to one receivable of 100
    _refused("RECEIVABLE_INSUFFICIENT", lambda: payment_apply(
        company=company, money=usd("200.00"), payment_ref="p",
        allocations=[("inv-1", usd("60.00")), ("inv-1", usd("50.00"))], idempotency_key="p1"))
    _refused("RECEIVABLE_INSUFFICIENT", lambda: payment_apply(
        company=company, money=usd("10.00"), payment_ref="p", allocations=[("inv-unknown", usd("10.00"))],
        idempotency_key="p2"))


def test_payment_refuses_allocations_above_the_payment(company):
    # given
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-1", idempotency_key="r1")

    # when / then
    _refused("PAYMENT_OVER_ALLOCATED", lambda: payment_apply(
        company=company, money=usd("50.00"), payment_ref="p", allocations=[("inv-1", usd("50.01"))],
        idempotency_key="p1"))


def test_credit_note_refuses_more_than_invoiced_and_not_yet_credited(company):
    # given an invoice of 100.00, paid in full, credited 70.00
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-1", idempotency_key="r1")
    payment_apply(company=company, money=usd("100.00"), payment_ref="p",
                  allocations=[("inv-1", usd("100.00"))], idempotency_key="p1")
    credit_note_post(company=company, money=usd("70.00"), receivable_ref="inv-1", idempotency_key="n1")

    # when / then
    _refused("CREDIT_NOTE_EXCEEDS_INVOICE", lambda: credit_note_post(
        company=company, money=usd("30.01"), receivable_ref="inv-1", idempotency_key="n2"))
    _refused("CREDIT_NOTE_EXCEEDS_INVOICE", lambda: credit_note_post(
        company=company, money=usd("1.00"), receivable_ref="inv-never", idempotency_key="n3"))


def test_write_off_and_decrease_never_overdraw(company):
    # given
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-1", idempotency_key="r1")

    # when / then
    _refused("RECEIVABLE_INSUFFICIENT", lambda: write_off_post(
        company=company, money=usd("100.01"), receivable_ref="inv-1", idempotency_key="w1"))
    _refused("RECEIVABLE_INSUFFICIENT", lambda: adjustment_post(
        company=company, money=usd("100.01"), target="receivable", direction="decrease",
        receivable_ref="inv-1", idempotency_key="a1"))
    _refused("CREDIT_BALANCE_INSUFFICIENT", lambda: adjustment_post(
        company=company, money=usd("0.01"), target="credit_balance", direction="decrease", idempotency_key="a2"))
    _refused("CREDIT_BALANCE_INSUFFICIENT", lambda: credit_balance_apply(
        company=company, money=usd("0.01"), receivable_ref="inv-1", idempotency_key="a3"))
    _refused("CREDIT_BALANCE_INSUFFICIENT", lambda: credit_balance_refund(
        company=company, money=usd("0.01"), payment_ref="out-1", idempotency_key="a4"))


def test_missing_references_are_refused(company):
    # when / then
    _refused("INVALID_REFERENCE", lambda: hold_place(company=company, money=usd("1.00"), hold_ref="",
                                                      idempotency_key="k"))
    _refused("INVALID_REFERENCE", lambda: hold_place(company=company, money=usd("1.00"), hold_ref="t",
                                                      idempotency_key=" "))
    _refused("INVALID_REFERENCE", lambda: receivable_book(company=company, money=usd("1.00"), receivable_ref="",
                                                           idempotency_key="k"))
    _refused("INVALID_ADJUSTMENT", lambda: adjustment_post(company=company, money=usd("1.00"),
                                                            target="sales", direction="increase",
                                                            idempotency_key="k"))
