"""Late fees: grace, per-period accrual from the due date, caps, what was already charged."""

from datetime import date
from decimal import Decimal

import pytest

from saleor_netterms.core.money import Money
from saleor_netterms.terms.engine import (
    LateFeeRule,
    NetDays,
    PaymentTerms,
    late_fee_cap,
    late_fee_compute,
    late_fee_label,
)
from saleor_netterms.terms.errors import InvalidTerms

USD = "USD"
DUE = date(2024, 1, 31)


def _usd(amount: str) -> Money:
    return Money.of(amount, USD)


MONTHLY_1_5 = LateFeeRule(
    period="month", percent=Decimal("1.5"), grace_days=5, cap_percent=Decimal("10")
)
ONCE_25 = LateFeeRule(period="once", amount=_usd("25.00"))
DAILY_0_1 = LateFeeRule(period="day", percent=Decimal("0.1"), cap_amount=_usd("20.00"))
DAILY_FLAT_5 = LateFeeRule(period="day", amount=_usd("5.00"), grace_days=3)
BOTH_CAPS = LateFeeRule(
    period="month", percent=Decimal("5"), cap_amount=_usd("50.00"), cap_percent=Decimal("2")
)


@pytest.mark.parametrize(
    ("rule", "as_of", "already_charged", "expected"),
    [
        # 1.5 % per started month, 5 days' grace, capped at 10 % of the principal
        (MONTHLY_1_5, date(2024, 1, 31), "0.00", "0.00"),  # on the due date
        (MONTHLY_1_5, date(2024, 2, 5), "0.00", "0.00"),  # last day of grace
        (MONTHLY_1_5, date(2024, 2, 6), "0.00", "15.00"),  # first month, from the due date
        (MONTHLY_1_5, date(2024, 2, 29), "0.00", "15.00"),  # Jan 31 + 1 month = Feb 29 (leap)
        (MONTHLY_1_5, date(2024, 3, 1), "0.00", "30.00"),  # second month started
        (MONTHLY_1_5, date(2024, 3, 1), "15.00", "15.00"),  # first month already charged
        (MONTHLY_1_5, date(2024, 8, 1), "0.00", "100.00"),  # 7 months = 105.00, capped at 100.00
        (MONTHLY_1_5, date(2025, 3, 2), "90.00", "10.00"),
        (MONTHLY_1_5, date(2025, 3, 2), "100.00", "0.00"),
        # flat 25.00 once, no grace
        (ONCE_25, date(2024, 1, 31), "0.00", "0.00"),
        (ONCE_25, date(2024, 2, 1), "0.00", "25.00"),
        (ONCE_25, date(2024, 12, 31), "0.00", "25.00"),
        (ONCE_25, date(2024, 12, 31), "25.00", "0.00"),
        # 0.1 % per day, capped at 20.00
        (DAILY_0_1, date(2024, 2, 10), "0.00", "10.00"),
        (DAILY_0_1, date(2024, 2, 25), "0.00", "20.00"),  # 25.00 capped
        (DAILY_0_1, date(2024, 2, 25), "12.00", "8.00"),
        (DAILY_0_1, date(2024, 2, 25), "30.00", "0.00"),  # never negative
        # 5.00 per day after 3 days' grace, counted from the due date
        (DAILY_FLAT_5, date(2024, 2, 3), "0.00", "0.00"),
        (DAILY_FLAT_5, date(2024, 2, 4), "0.00", "20.00"),
        # both caps: the smaller (2 % of 1000.00 = 20.00) wins over 50.00
        (BOTH_CAPS, date(2024, 2, 1), "0.00", "20.00"),
    ],
)
def test_late_fee_compute(rule, as_of, already_charged, expected):
    # given 1000.00 USD due on 2024-01-31
    terms = PaymentTerms(plan=NetDays(30), late_fee=rule)

    # when
    fee = late_fee_compute(
        terms=terms,
        principal=_usd("1000.00"),
        due_date=DUE,
        as_of=as_of,
        already_charged=_usd(already_charged),
    )

    # then
    assert fee == _usd(expected)


def test_late_fee_in_jpy_is_rounded_to_whole_yen():
    # given 1.5 % per month on 12345 JPY
    terms = PaymentTerms(
        plan=NetDays(30), late_fee=LateFeeRule(period="month", percent=Decimal("1.5"))
    )

    # when one month is late
    fee = late_fee_compute(
        terms=terms,
        principal=Money.of("12345", "JPY"),
        due_date=date(2024, 12, 15),
        as_of=date(2025, 1, 2),
        already_charged=Money.zero("JPY"),
    )

    # then 185.175 → 185
    assert fee == Money.of("185", "JPY")


def test_late_fee_is_zero_without_a_rule_or_without_principal():
    # given
    no_rule = PaymentTerms(plan=NetDays(30))
    with_rule = PaymentTerms(plan=NetDays(30), late_fee=ONCE_25)

    # when
    fees = [
        late_fee_compute(
            terms=no_rule,
            principal=_usd("1000.00"),
            due_date=DUE,
            as_of=date(2025, 1, 1),
            already_charged=_usd("0.00"),
        ),
        late_fee_compute(
            terms=with_rule,
            principal=_usd("0.00"),
            due_date=DUE,
            as_of=date(2025, 1, 1),
            already_charged=_usd("0.00"),
        ),
    ]

    # then
    assert fees == [_usd("0.00"), _usd("0.00")]


def test_flat_late_fee_in_another_currency_is_refused():
    # given a flat USD fee applied to a EUR principal
    terms = PaymentTerms(plan=NetDays(30), late_fee=ONCE_25)

    # when
    with pytest.raises(InvalidTerms) as exc_info:
        late_fee_compute(
            terms=terms,
            principal=Money.of("100.00", "EUR"),
            due_date=DUE,
            as_of=date(2024, 3, 1),
            already_charged=Money.zero("EUR"),
        )

    # then
    assert (exc_info.value.code, exc_info.value.reason) == (
        "INVALID_TERMS",
        "LATE_FEE_CURRENCY_MISMATCH",
    )


def test_late_fee_cap():
    # given / when
    caps = [
        late_fee_cap(rule=BOTH_CAPS, principal=_usd("1000.00")),
        late_fee_cap(rule=BOTH_CAPS, principal=_usd("5000.00")),
        late_fee_cap(
            rule=LateFeeRule(period="day", percent=Decimal("1")), principal=_usd("5000.00")
        ),
    ]

    # then
    assert caps == [_usd("20.00"), _usd("50.00"), None]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (MONTHLY_1_5, "1.5% per month after 5 days' grace, capped at 10% of the amount"),
        (ONCE_25, "25.00 USD once"),
        (BOTH_CAPS, "5% per month, capped at 50.00 USD or 2% of the amount"),
    ],
)
def test_late_fee_label(rule, expected):
    # given a rule
    # when
    label = late_fee_label(rule)

    # then
    assert label == expected
