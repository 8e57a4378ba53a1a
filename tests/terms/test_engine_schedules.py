"""Schedules: amounts split to the currency's precision, labels, pending fulfilment, discounts."""

from datetime import date
from decimal import Decimal

import pytest

from saleor_netterms.core.money import InvalidMoney, Money
from saleor_netterms.terms.engine import (
    DayOfMonth,
    Deposit,
    DiscountRule,
    DueOnFulfilment,
    DueOnReceipt,
    EarlyPaymentDiscount,
    EndOfMonth,
    EndOfMonthOnDay,
    FixedDate,
    Instalment,
    Instalments,
    NetDays,
    PaymentTerms,
    schedule_compute,
    terms_label,
)
from saleor_netterms.terms.errors import InvalidTerms


def _instalments(*shares_and_rules):
    return PaymentTerms(
        plan=Instalments(tuple(Instalment(Decimal(s), r) for s, r in shares_and_rules))
    )


THIRDS = (("33.333333", NetDays(30)), ("33.333333", NetDays(60)), ("33.333334", NetDays(90)))


@pytest.mark.parametrize(
    ("terms", "total", "expected_amounts"),
    [
        (_instalments(*THIRDS), ("100.00", "USD"), ["33.33", "33.33", "33.34"]),
        (
            _instalments(("50", NetDays(30)), ("50", NetDays(60))),
            ("100.01", "USD"),
            ["50.01", "50.00"],  # a tie: the earlier part takes the unit
        ),
        (_instalments(*THIRDS), ("10000", "JPY"), ["3333", "3333", "3334"]),
        (_instalments(("30", NetDays(30)), ("70", NetDays(60))), ("999", "JPY"), ["300", "699"]),  # 299.7 / 699.3
        (_instalments(*THIRDS), ("10.000", "BHD"), ["3.333", "3.333", "3.334"]),
        (
            _instalments(("30", NetDays(30)), ("70", NetDays(60))),
            ("1.001", "BHD"),
            ["0.300", "0.701"],
        ),
        (
            PaymentTerms(plan=Deposit(Decimal("25"), NetDays(30))),
            ("99.99", "USD"),
            ["25.00", "74.99"],  # 24.9975 / 74.9925
        ),
        (PaymentTerms(plan=NetDays(30)), ("1234.56", "EUR"), ["1234.56"]),
        (_instalments(("30", NetDays(30)), ("70", NetDays(60))), ("0.00", "USD"), ["0.00", "0.00"]),
    ],
)
def test_schedule_parts_sum_exactly_to_the_total(terms, total, expected_amounts):
    # given
    amount, currency = total

    # when
    schedule = schedule_compute(
        terms=terms, total=Money.of(amount, currency), issue_date=date(2024, 1, 15)
    )

    # then
    assert [p.amount for p in schedule.parts] == [
        Money(Decimal(a), currency) for a in expected_amounts
    ]
    assert sum((p.amount.amount for p in schedule.parts), Decimal(0)) == Decimal(amount)


def test_instalment_schedule_dates_labels_and_final_due_date():
    # given 30 % at 30 days, 70 % at 60 days, issued at a leap-year month end
    terms = _instalments(("30", NetDays(30)), ("70", NetDays(60)))

    # when
    schedule = schedule_compute(
        terms=terms, total=Money.of("1000.00", "USD"), issue_date=date(2024, 1, 31)
    )

    # then
    assert [(p.due_date, p.amount, p.label, p.percent) for p in schedule.parts] == [
        (date(2024, 3, 1), Money.of("300.00", "USD"), "Instalment 1 of 2 (30%)", Decimal("30")),
        (date(2024, 3, 31), Money.of("700.00", "USD"), "Instalment 2 of 2 (70%)", Decimal("70")),
    ]
    assert schedule.final_due_date == date(2024, 3, 31)
    assert schedule.label == "30% at 30 days, 70% at 60 days"
    assert schedule.discount is None
    assert schedule.pending == ()
    assert schedule.is_pending is False


def test_deposit_with_balance_on_fulfilment_is_pending_until_fulfilment():
    # given
    terms = PaymentTerms(plan=Deposit(Decimal("20"), DueOnFulfilment(0)))
    total = Money.of("500.00", "USD")

    # when
    before = schedule_compute(terms=terms, total=total, issue_date=date(2024, 12, 30))
    after = schedule_compute(
        terms=terms, total=total, issue_date=date(2024, 12, 30), fulfilment_date=date(2025, 1, 3)
    )

    # then
    assert [(p.due_date, p.amount, p.label, p.pending) for p in before.parts] == [
        (date(2024, 12, 30), Money.of("100.00", "USD"), "Deposit (20%)", None),
        (None, Money.of("400.00", "USD"), "Balance (80%)", "fulfilment"),
    ]
    assert before.final_due_date is None
    assert before.pending == ("fulfilment",)
    assert before.label == "20% deposit, balance on fulfilment"
    assert [p.due_date for p in after.parts] == [date(2024, 12, 30), date(2025, 1, 3)]
    assert after.final_due_date == date(2025, 1, 3)
    assert after.pending == ()


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (PaymentTerms(plan=NetDays(30)), "Net 30"),
        (PaymentTerms(plan=NetDays(30), discount=DiscountRule(Decimal("2"), 10)), "2/10 Net 30"),
        (
            PaymentTerms(plan=NetDays(45), discount=DiscountRule(Decimal("2.50"), 10)),
            "2.5/10 Net 45",
        ),
        (PaymentTerms(plan=EndOfMonth(0)), "EOM"),
        (PaymentTerms(plan=EndOfMonth(15)), "EOM + 15"),
        (
            PaymentTerms(plan=EndOfMonth(15), discount=DiscountRule(Decimal("1"), 10)),
            "1/10 EOM + 15",
        ),
        (PaymentTerms(plan=EndOfMonthOnDay(30, 10)), "30 days, then the 10th of next month"),
        (PaymentTerms(plan=EndOfMonthOnDay(0, 1)), "1st of next month"),
        (PaymentTerms(plan=DueOnReceipt()), "Due on receipt"),
        (PaymentTerms(plan=DueOnFulfilment(0)), "Due on fulfilment"),
        (PaymentTerms(plan=DueOnFulfilment(7)), "7 days after fulfilment"),
        (PaymentTerms(plan=DayOfMonth(22)), "Due on the 22nd"),
        (PaymentTerms(plan=DayOfMonth(11, 5)), "Due on the 11th, at least 5 days after issue"),
        (PaymentTerms(plan=FixedDate(date(2025, 6, 30))), "Due 2025-06-30"),
        (_instalments(("30", NetDays(30)), ("70", NetDays(60))), "30% at 30 days, 70% at 60 days"),
        (
            _instalments(
                ("10", DueOnReceipt()), ("40", EndOfMonth(30)), ("50", DueOnFulfilment(0))
            ),
            "10% on receipt, 40% at EOM + 30, 50% on fulfilment",
        ),
        (
            _instalments(("50", DayOfMonth(3)), ("50", FixedDate(date(2025, 1, 1)))),
            "50% on the 3rd, 50% on 2025-01-01",
        ),
        (PaymentTerms(plan=Deposit(Decimal("30"), NetDays(30))), "30% deposit, balance Net 30"),
        (
            PaymentTerms(plan=Deposit(Decimal("30"), DayOfMonth(15))),
            "30% deposit, balance on the 15th",
        ),
    ],
)
def test_terms_label(terms, expected):
    # given terms
    # when
    label = terms_label(terms)

    # then
    assert label == expected


@pytest.mark.parametrize(
    ("terms", "total", "issue_date", "expected_discount", "expected_due"),
    [
        (
            PaymentTerms(plan=NetDays(30), discount=DiscountRule(Decimal("2"), 10)),
            Money.of("1234.56", "USD"),
            date(2024, 2, 20),
            EarlyPaymentDiscount(
                Decimal("2"), Money.of("24.69", "USD"), date(2024, 3, 1), Money.of("1209.87", "USD")
            ),
            date(2024, 3, 21),
        ),
        (
            PaymentTerms(plan=NetDays(30), discount=DiscountRule(Decimal("2.5"), 10)),
            Money.of("999.99", "USD"),
            date(2024, 12, 25),
            EarlyPaymentDiscount(
                Decimal("2.5"),
                Money.of("25.00", "USD"),
                date(2025, 1, 4),
                Money.of("974.99", "USD"),
            ),
            date(2025, 1, 24),
        ),
    ],
)
def test_early_payment_discount(terms, total, issue_date, expected_discount, expected_due):
    # given terms with an early-payment discount
    # when
    schedule = schedule_compute(terms=terms, total=total, issue_date=issue_date)

    # then
    assert schedule.discount == expected_discount
    assert schedule.final_due_date == expected_due
    assert schedule.discount.deadline < schedule.final_due_date


def test_early_payment_discount_in_jpy_with_eom():
    # given 1.5 % within 14 days, due 15 days after the end of the month
    terms = PaymentTerms(plan=EndOfMonth(15), discount=DiscountRule(Decimal("1.5"), 14))

    # when issued on the last day of a leap February (the earliest possible due date)
    schedule = schedule_compute(
        terms=terms, total=Money.of("12345", "JPY"), issue_date=date(2024, 2, 29)
    )

    # then 185.175 rounds half-up to 185 yen; the deadline is the day before the due date
    assert schedule.discount == EarlyPaymentDiscount(
        Decimal("1.5"), Money.of("185", "JPY"), date(2024, 3, 14), Money.of("12160", "JPY")
    )
    assert schedule.final_due_date == date(2024, 3, 15)


@pytest.mark.parametrize(
    ("total", "message"),
    [
        (Money(Decimal("-1.00"), "USD"), "total cannot be negative"),
        (Money(Decimal("10.005"), "USD"), "has more decimals than USD allows"),
        (Money(Decimal("10.5"), "JPY"), "has more decimals than JPY allows"),
    ],
)
def test_schedule_compute_refuses_a_negative_or_inexact_total(total, message):
    # given
    terms = PaymentTerms(plan=NetDays(30))

    # when
    with pytest.raises(InvalidMoney) as exc_info:
        schedule_compute(terms=terms, total=total, issue_date=date(2024, 1, 1))

    # then
    assert exc_info.value.code == "INVALID_MONEY"
    assert message in exc_info.value.log_message


def test_schedule_compute_out_of_range_due_date_is_a_coded_error():
    # given
    terms = PaymentTerms(plan=NetDays(3000))

    # when
    with pytest.raises(InvalidTerms) as exc_info:
        schedule_compute(terms=terms, total=Money.of("1.00", "USD"), issue_date=date(9999, 1, 1))

    # then
    assert (exc_info.value.code, exc_info.value.reason) == ("INVALID_TERMS", "DATE_OUT_OF_RANGE")
