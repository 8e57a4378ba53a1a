"""Statutory interest (per annum, accrued daily, act/365 or act/360) and the fixed recovery
compensation of directive 2011/7/EU: worked examples and properties."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_netterms.core.money import InvalidMoney, Money
from saleor_netterms.terms.engine import (
    InterestRule,
    LateFeeRule,
    interest_compute,
    interest_from_dict,
    interest_label,
    interest_on_balances,
    interest_to_dict,
    late_fee_from_dict,
    late_fee_to_dict,
    recovery_compensation_due,
)
from saleor_netterms.terms.errors import InvalidTerms

EUR = "EUR"


def eur(amount: str) -> Money:
    return Money(Decimal(amount), EUR)


def test_twelve_percent_act365_on_a_million_over_a_year_is_exactly_120000():
    # given: the example, which a per-day percentage with 6 decimals cannot express
    rule = InterestRule(annual_percent=Decimal("12"), day_count="act/365")

    # when: due 2025-01-01, a full (non-leap) year later
    owed = interest_compute(rule=rule, principal=eur("1000000.00"), due_date=date(2025, 1, 1),
                            as_of=date(2026, 1, 1), already_charged=eur("0.00"))

    # then
    assert owed == eur("120000.00")


def test_act360_charges_365_over_360_of_the_rate():
    rule = InterestRule(annual_percent=Decimal("12"), day_count="act/360")

    owed = interest_compute(rule=rule, principal=eur("1000000.00"), due_date=date(2025, 1, 1),
                            as_of=date(2026, 1, 1), already_charged=eur("0.00"))

    assert owed == eur("121666.67")  # 1,000,000 x 0.12 x 365/360


def test_directive_rate_base_plus_nine_points_for_thirty_days():
    # given: ECB base 3.15 % + 9 points (2011/7/EU art. 2(6)), 10,000.00 EUR 30 days late
    rule = InterestRule(annual_percent=Decimal("12.15"), day_count="act/365",
                        recovery_compensation=eur("40.00"))

    owed = interest_compute(rule=rule, principal=eur("10000.00"), due_date=date(2026, 3, 1),
                            as_of=date(2026, 3, 31), already_charged=eur("0.00"))

    assert owed == eur("99.86")  # 10,000 x 12.15 % x 30/365 = 99.863…
    assert interest_label(rule) == "12.15% p.a. (act/365) + 40.00 EUR recovery compensation per invoice"


def test_nothing_on_the_due_date_one_day_after_it():
    rule = InterestRule(annual_percent=Decimal("36.5"))
    due = date(2026, 5, 10)

    assert interest_compute(rule=rule, principal=eur("1000.00"), due_date=due, as_of=due,
                            already_charged=eur("0.00")) == eur("0.00")
    assert interest_compute(rule=rule, principal=eur("1000.00"), due_date=due,
                            as_of=due + timedelta(days=1), already_charged=eur("0.00")) == eur("1.00")


def test_grace_delays_the_start_then_every_day_since_the_due_date_counts():
    rule = InterestRule(annual_percent=Decimal("36.5"), grace_days=5)
    due = date(2026, 5, 10)

    on_grace_end = interest_compute(rule=rule, principal=eur("1000.00"), due_date=due,
                                    as_of=due + timedelta(days=5), already_charged=eur("0.00"))
    after = interest_compute(rule=rule, principal=eur("1000.00"), due_date=due,
                             as_of=due + timedelta(days=6), already_charged=eur("0.00"))

    assert on_grace_end == eur("0.00")
    assert after == eur("6.00")


def test_interest_follows_the_balance_after_a_partial_payment():
    # given: 2,000.00 overdue from 2026-01-31, 1,000.00 paid on 2026-02-10 (counts from that day)
    rule = InterestRule(annual_percent=Decimal("36.5"))

    owed = interest_on_balances(rule=rule, due_date=date(2026, 1, 31), as_of=date(2026, 2, 20),
                                balances=[(date(2026, 1, 31), eur("2000.00")),
                                          (date(2026, 2, 10), eur("1000.00"))])

    # then: 9 days (Feb 1-9) on 2,000 at 0.1 %/day + 11 days (Feb 10-20) on 1,000
    assert owed == eur("29.00")


def test_already_charged_is_deducted_never_below_zero():
    rule = InterestRule(annual_percent=Decimal("36.5"))
    due = date(2026, 1, 1)

    assert interest_compute(rule=rule, principal=eur("1000.00"), due_date=due, as_of=date(2026, 1, 11),
                            already_charged=eur("4.00")) == eur("6.00")
    assert interest_compute(rule=rule, principal=eur("1000.00"), due_date=due, as_of=date(2026, 1, 11),
                            already_charged=eur("50.00")) == eur("0.00")


def test_recovery_compensation_is_once_per_invoice_in_its_currency_after_grace():
    rule = InterestRule(annual_percent=Decimal("12"), grace_days=3, recovery_compensation=eur("40.00"))
    due = date(2026, 1, 1)

    assert recovery_compensation_due(rule=rule, principal=eur("100.00"), due_date=due,
                                     as_of=date(2026, 1, 4), already_charged=False) is None
    assert recovery_compensation_due(rule=rule, principal=eur("100.00"), due_date=due,
                                     as_of=date(2026, 1, 5), already_charged=False) == eur("40.00")
    assert recovery_compensation_due(rule=rule, principal=eur("100.00"), due_date=due,
                                     as_of=date(2026, 1, 5), already_charged=True) is None
    assert recovery_compensation_due(rule=rule, principal=Money(Decimal("100.00"), "USD"), due_date=due,
                                     as_of=date(2026, 1, 5), already_charged=False) is None
    assert recovery_compensation_due(rule=InterestRule(annual_percent=Decimal("12")), principal=eur("100.00"),
                                     due_date=due, as_of=date(2026, 2, 1), already_charged=False) is None


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"annual_percent": Decimal("0")}, "INVALID_PERCENT"),
    ({"annual_percent": Decimal("100.5")}, "INVALID_PERCENT"),
    ({"annual_percent": Decimal("12"), "day_count": "30/360"}, "INVALID_DAY_COUNT"),
    ({"annual_percent": Decimal("12"), "grace_days": -1}, "NEGATIVE_DAYS"),
    ({"annual_percent": Decimal("12"), "recovery_compensation": eur("-40.00")}, "INVALID_AMOUNT"),
    ({"annual_percent": 12.0}, "WRONG_TYPE"),
])
def test_invalid_rules_are_refused_with_a_reason(kwargs, reason):
    with pytest.raises(InvalidTerms) as caught:
        InterestRule(**kwargs)
    assert caught.value.reason == reason


def test_unsorted_balances_are_refused():
    rule = InterestRule(annual_percent=Decimal("12"))
    with pytest.raises(InvalidMoney):
        interest_on_balances(rule=rule, due_date=date(2026, 1, 1), as_of=date(2026, 2, 1),
                             balances=[(date(2026, 1, 5), eur("1.00")), (date(2026, 1, 2), eur("1.00"))])


def test_rules_round_trip_through_json():
    rule = InterestRule(annual_percent=Decimal("12.62"), day_count="act/360", grace_days=2,
                        recovery_compensation=eur("40.00"))
    fee = LateFeeRule(period="month", percent=Decimal("1.5"), grace_days=5, cap_percent=Decimal("10"))

    assert interest_to_dict(rule) == {"annual_percent": "12.62", "day_count": "act/360", "grace_days": 2,
                                      "recovery_compensation": {"amount": "40.00", "currency": "EUR"}}
    assert interest_from_dict(interest_to_dict(rule)) == rule
    assert late_fee_from_dict(late_fee_to_dict(fee)) == fee


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=10**12),
    rate_bp=st.integers(min_value=1, max_value=10000),
    days=st.integers(min_value=0, max_value=3000),
    extra=st.integers(min_value=0, max_value=400),
    basis=st.sampled_from(["act/365", "act/360"]),
)
def test_interest_is_exact_and_monotone(cents, rate_bp, days, extra, basis):
    rule = InterestRule(annual_percent=Decimal(rate_bp) / 100, day_count=basis)
    principal = Money(Decimal(cents) / 100, EUR)
    due = date(2020, 1, 1)
    zero = eur("0.00")

    owed = interest_compute(rule=rule, principal=principal, due_date=due, as_of=due + timedelta(days=days),
                            already_charged=zero)
    later = interest_compute(rule=rule, principal=principal, due_date=due,
                             as_of=due + timedelta(days=days + extra), already_charged=zero)

    exact = principal.amount * rule.annual_percent / 100 * days / (365 if basis == "act/365" else 360)
    assert abs(owed.amount - exact) <= Decimal("0.005")
    assert later >= owed
    # charging what is owed leaves nothing to charge on the same day
    assert interest_compute(rule=rule, principal=principal, due_date=due, as_of=due + timedelta(days=days),
                            already_charged=owed) == zero
