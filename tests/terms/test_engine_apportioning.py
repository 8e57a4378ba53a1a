"""Largest-remainder apportioning, exact shares, fixed deposits, early-payment discounts on every
plan, and a fixed due date already past (terms.engine)."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from saleor_netterms.core.money import Money
from saleor_netterms.terms.engine import (Deposit, DiscountRule, DueOnFulfilment, EndOfMonth, FixedDate, Instalment,
                                          Instalments, NetDays, PaymentTerms, schedule_compute, terms_from_dict,
                                          terms_to_dict)
from saleor_netterms.terms.errors import InvalidTerms

ISSUE = date(2026, 11, 30)
D = Decimal


def amounts(terms, total, currency="EUR", **kw):
    schedule = schedule_compute(terms=terms, total=Money(D(total), currency), issue_date=ISSUE, **kw)
    return [str(p.amount.amount) for p in schedule.parts]


def equal_parts(count):
    share = Fraction(100, count)
    return PaymentTerms(plan=Instalments(tuple(Instalment(share, NetDays(30 * (i + 1))) for i in range(count))))


def test_120_parts_of_100_jpy_are_never_zero_but_refused():
    # 100 JPY in 120 parts cannot give every part a yen: refused, not 119 × 0 then 100
    with pytest.raises(InvalidTerms) as refused:
        amounts(equal_parts(120), "100", "JPY")
    assert refused.value.reason == "SPLIT_TOO_SMALL"


def test_120_parts_of_1000_jpy_spread_the_remainder_one_yen_each():
    parts = amounts(equal_parts(120), "1000", "JPY")
    assert parts == ["9"] * 40 + ["8"] * 80  # 8.33… each: 40 parts take the 40 yen left over
    assert sum(int(p) for p in parts) == 1000


def test_seven_parts_of_five_cents_are_refused_and_a_deposit_of_one_cent_too():
    with pytest.raises(InvalidTerms) as seven:
        amounts(equal_parts(7), "0.05")
    with pytest.raises(InvalidTerms) as deposit:
        amounts(PaymentTerms(plan=Deposit(D(30), NetDays(30))), "0.01")
    assert (seven.value.reason, deposit.value.reason) == ("SPLIT_TOO_SMALL", "SPLIT_TOO_SMALL")


def test_one_third_is_exact_and_round_trips_as_a_fraction():
    # given one third three times, written as 100/3 percent
    terms = terms_from_dict({"kind": "instalments", "parts": [
        {"percent": "100/3", "due": {"kind": "net", "days": 30}},
        {"percent": "100/3", "due": {"kind": "net", "days": 60}},
        {"percent": "100/3", "due": {"kind": "net", "days": 90}}]})

    # then
    assert amounts(terms, "100.00") == ["33.34", "33.33", "33.33"]
    assert terms_to_dict(terms)["parts"][0]["percent"] == "100/3"
    assert schedule_compute(terms=terms, total=Money(D("100.00"), "EUR"), issue_date=ISSUE).label == (
        "1/3 at 30 days, 1/3 at 60 days, 1/3 at 90 days")


def test_a_fixed_amount_deposit():
    terms = PaymentTerms(plan=Deposit(None, NetDays(30), amount=Money(D("500.00"), "EUR")))
    schedule = schedule_compute(terms=terms, total=Money(D("1234.56"), "EUR"), issue_date=ISSUE)
    assert [(p.label, p.due_date, str(p.amount.amount)) for p in schedule.parts] == [
        ("Deposit (500.00 EUR)", ISSUE, "500.00"), ("Balance", date(2026, 12, 30), "734.56")]
    assert terms_from_dict(terms_to_dict(terms)) == terms


@pytest.mark.parametrize(("deposit", "total", "reason"), [
    (Money(D("500.00"), "USD"), "1000.00", "DEPOSIT_CURRENCY_MISMATCH"),
    (Money(D("500.00"), "EUR"), "500.00", "DEPOSIT_NOT_BELOW_TOTAL"),
])
def test_a_fixed_deposit_in_another_currency_or_not_below_the_total_is_refused(deposit, total, reason):
    with pytest.raises(InvalidTerms) as refused:
        amounts(PaymentTerms(plan=Deposit(None, NetDays(30), amount=deposit)), total)
    assert refused.value.reason == reason


@pytest.mark.parametrize("plan", [
    Instalments((Instalment(D(50), NetDays(30)), Instalment(D(50), NetDays(60)))),
    Deposit(D(30), NetDays(30)),
    EndOfMonth(15),
    FixedDate(date(2027, 1, 31)),
    DueOnFulfilment(30),
])
def test_early_payment_discount_on_every_plan_pays_the_whole_total_less_the_percent(plan):
    # given 2/10 on the plan
    terms = PaymentTerms(plan=plan, discount=DiscountRule(D(2), 10))

    # when
    schedule = schedule_compute(terms=terms, total=Money(D("1000.00"), "EUR"), issue_date=ISSUE)

    # then
    assert (schedule.discount.deadline, schedule.discount.amount, schedule.discount.discounted_total) == (
        date(2026, 12, 10), Money(D("20.00"), "EUR"), Money(D("980.00"), "EUR"))
    assert schedule.label.startswith("2/10 ")
    assert schedule.notes == ()


def test_a_discount_not_before_the_last_due_date_is_not_offered_and_says_why():
    terms = PaymentTerms(plan=FixedDate(date(2026, 12, 5)), discount=DiscountRule(D(2), 10))
    schedule = schedule_compute(terms=terms, total=Money(D("1000.00"), "EUR"), issue_date=ISSUE)
    assert (schedule.discount, schedule.label) == (None, "Due 2026-12-05")
    assert schedule.notes == ("No early-payment discount: its deadline 2026-12-10 is not before the last due date "
                              "2026-12-05.",)


def test_a_fixed_due_date_already_past_is_due_on_receipt_and_the_label_says_so():
    schedule = schedule_compute(terms=PaymentTerms(plan=FixedDate(date(2024, 1, 1))),
                                total=Money(D("100.00"), "EUR"), issue_date=ISSUE)
    assert [p.due_date for p in schedule.parts] == [ISSUE]
    assert schedule.label == "Due on receipt (fixed date 2024-01-01 has passed)"
    assert schedule.notes == ("The fixed due date 2024-01-01 had passed when the invoice was issued on 2026-11-30: "
                              "due on receipt.",)
