"""Definitions to and from JSON-safe dicts; every refusal is INVALID_TERMS with a reason."""

import json
from datetime import date
from decimal import Decimal

import pytest

from saleor_netterms.core.money import Money
from saleor_netterms.terms.engine import (
    DayOfMonth,
    Deposit,
    DiscountRule,
    DueOnFulfilment,
    DueOnReceipt,
    EndOfMonth,
    EndOfMonthOnDay,
    FixedDate,
    Instalment,
    Instalments,
    LateFeeRule,
    NetDays,
    PaymentTerms,
    terms_from_dict,
    terms_to_dict,
)
from saleor_netterms.terms.errors import InvalidTerms

ROUND_TRIP_TERMS = [
    PaymentTerms(plan=NetDays(30)),
    PaymentTerms(plan=NetDays(30), discount=DiscountRule(Decimal("2"), 10)),
    PaymentTerms(plan=EndOfMonth(15), discount=DiscountRule(Decimal("1.25"), 5)),
    PaymentTerms(plan=EndOfMonthOnDay(30, 10)),
    PaymentTerms(plan=DueOnReceipt()),
    PaymentTerms(plan=DueOnFulfilment(7)),
    PaymentTerms(plan=DayOfMonth(31, 10)),
    PaymentTerms(plan=FixedDate(date(2024, 2, 29))),
    PaymentTerms(
        plan=Instalments(
            (Instalment(Decimal("30"), NetDays(30)), Instalment(Decimal("70"), EndOfMonth(60)))
        )
    ),
    PaymentTerms(plan=Deposit(Decimal("20"), DueOnFulfilment(0))),
    PaymentTerms(
        plan=NetDays(30),
        late_fee=LateFeeRule(
            period="month",
            percent=Decimal("1.5"),
            grace_days=5,
            cap_amount=Money.of("100.00", "USD"),
            cap_percent=Decimal("10"),
        ),
    ),
    PaymentTerms(
        plan=NetDays(30), late_fee=LateFeeRule(period="once", amount=Money.of("2500", "JPY"))
    ),
]


@pytest.mark.parametrize("terms", ROUND_TRIP_TERMS, ids=lambda t: type(t.plan).__name__)
def test_terms_round_trip_through_json(terms):
    # given terms
    # when written, sent through JSON text, and read back
    data = json.loads(json.dumps(terms_to_dict(terms)))
    back = terms_from_dict(data)

    # then
    assert back == terms
    assert terms_to_dict(back) == data


def test_terms_to_dict_is_canonical_and_json_safe():
    # given 2/10 net 30 with a late fee
    terms = PaymentTerms(
        plan=NetDays(30),
        discount=DiscountRule(Decimal("2"), 10),
        late_fee=LateFeeRule(
            period="month", percent=Decimal("1.5"), grace_days=5, cap_amount=Money.of("50", "USD")
        ),
    )

    # when
    data = terms_to_dict(terms)

    # then
    assert data == {
        "version": 1,
        "kind": "net",
        "days": 30,
        "discount": {"percent": "2", "days": 10},
        "late_fee": {
            "period": "month",
            "grace_days": 5,
            "percent": "1.5",
            "cap_amount": {"amount": "50.00", "currency": "USD"},
        },
    }


def test_instalments_and_deposit_to_dict():
    # given
    instalments = ROUND_TRIP_TERMS[8]
    deposit = ROUND_TRIP_TERMS[9]

    # when
    data = [terms_to_dict(instalments), terms_to_dict(deposit)]

    # then
    assert data == [
        {
            "version": 1,
            "kind": "instalments",
            "parts": [
                {"percent": "30", "due": {"kind": "net", "days": 30}},
                {"percent": "70", "due": {"kind": "eom", "days": 60}},
            ],
        },
        {
            "version": 1,
            "kind": "deposit",
            "percent": "20",
            "balance": {"kind": "fulfilment", "days": 0},
        },
    ]


def test_terms_from_dict_defaults_optional_fields():
    # given a minimal hand-written definition
    data = {"kind": "day_of_month", "day": 15}

    # when
    terms = terms_from_dict(data)

    # then
    assert terms == PaymentTerms(plan=DayOfMonth(15, 0))


def _net30(**extra):
    return {"kind": "net", "days": 30, **extra}


def _split(*parts):
    return {
        "kind": "instalments",
        "parts": [{"percent": p, "due": {"kind": "net", "days": d}} for p, d in parts],
    }


def _fee(**fields):
    return _net30(late_fee=fields)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "NOT_AN_OBJECT"),
        ({"kind": "net_terms", "days": 30}, "UNKNOWN_KIND"),
        ({"days": 30}, "UNKNOWN_KIND"),
        ({"kind": "net"}, "MISSING_FIELD"),
        (_net30(foo=1), "UNKNOWN_FIELD"),
        (_net30(version=2), "UNSUPPORTED_VERSION"),
        (_net30(version="1"), "UNSUPPORTED_VERSION"),
        ({"kind": "net", "days": -1}, "NEGATIVE_DAYS"),
        ({"kind": "eom", "days": -15}, "NEGATIVE_DAYS"),
        ({"kind": "net", "days": 3661}, "TOO_MANY_DAYS"),
        ({"kind": "net", "days": "30"}, "WRONG_TYPE"),
        ({"kind": "net", "days": True}, "WRONG_TYPE"),
        ({"kind": "net", "days": 30.0}, "WRONG_TYPE"),
        ({"kind": "day_of_month", "day": 32}, "INVALID_DAY_OF_MONTH"),
        ({"kind": "day_of_month", "day": 0}, "INVALID_DAY_OF_MONTH"),
        ({"kind": "eom_day", "days": 30, "day": 40}, "INVALID_DAY_OF_MONTH"),
        ({"kind": "fixed_date", "date": "2023-02-29"}, "INVALID_DATE"),
        ({"kind": "fixed_date", "date": "20240101"}, "INVALID_DATE"),
        (_split(("30", 30), ("60", 60)), "SHARES_NOT_100"),
        (_split(("30", 30), ("70.01", 60)), "SHARES_NOT_100"),
        (_split(("100", 30)), "TOO_FEW_INSTALMENTS"),
        (_split(*[("1", d) for d in range(100)] + [("0", 1)]), "INVALID_PERCENT"),
        (_split(("0", 30), ("100", 60)), "INVALID_PERCENT"),
        (_split(("-10", 30), ("110", 60)), "INVALID_PERCENT"),
        (_split(("NaN", 30), ("70", 60)), "INVALID_PERCENT"),
        (_split(("abc", 30), ("70", 60)), "WRONG_TYPE"),
        (_split((30.0, 30), (70.0, 60)), "WRONG_TYPE"),
        (_split(("33.3333333", 30), ("66.6666667", 60)), "PERCENT_TOO_PRECISE"),
        ({"kind": "instalments", "parts": {"percent": "100"}}, "WRONG_TYPE"),
        (
            {
                "kind": "instalments",
                "parts": [
                    {"percent": "50", "due": _split(("50", 1), ("50", 2))},
                    {"percent": "50", "due": {"kind": "receipt"}},
                ],
            },
            "UNKNOWN_KIND",
        ),
        (
            {"kind": "deposit", "percent": "100", "balance": {"kind": "net", "days": 30}},
            "INVALID_PERCENT",
        ),
        ({"kind": "deposit", "percent": "30"}, "MISSING_FIELD"),
        (_net30(discount={"percent": "2", "days": 30}), "DISCOUNT_DEADLINE_NOT_BEFORE_DUE"),
        (_net30(discount={"percent": "2", "days": 31}), "DISCOUNT_DEADLINE_NOT_BEFORE_DUE"),
        (
            {"kind": "receipt", "discount": {"percent": "2", "days": 0}},
            "DISCOUNT_DEADLINE_NOT_BEFORE_DUE",
        ),
        (_net30(discount={"percent": "100", "days": 10}), "INVALID_PERCENT"),
        (_net30(discount={"percent": "2", "days": -1}), "NEGATIVE_DAYS"),
        (_fee(period="week", percent="1"), "INVALID_PERIOD"),
        (
            _fee(period="month", percent="1", amount={"amount": "5", "currency": "USD"}),
            "LATE_FEE_AMBIGUOUS",
        ),
        (_fee(period="month"), "LATE_FEE_AMBIGUOUS"),
        (_fee(period="once", amount={"amount": "25.001", "currency": "USD"}), "AMOUNT_TOO_PRECISE"),
        (_fee(period="once", amount={"amount": "25", "currency": "XYZ"}), "INVALID_CURRENCY"),
        (_fee(period="once", amount={"amount": "-5", "currency": "USD"}), "INVALID_AMOUNT"),
        (
            _fee(
                period="once",
                amount={"amount": "5", "currency": "USD"},
                cap_amount={"amount": "50", "currency": "EUR"},
            ),
            "LATE_FEE_CURRENCY_MISMATCH",
        ),
        (_fee(period="day", percent="1", grace_days=-3), "NEGATIVE_DAYS"),
        (_fee(period="day", percent="1", cap_percent="0"), "INVALID_PERCENT"),
    ],
)
def test_terms_from_dict_refuses_invalid_definitions(data, reason):
    # given an invalid definition
    # when
    with pytest.raises(InvalidTerms) as exc_info:
        terms_from_dict(data)

    # then
    error = exc_info.value
    assert (error.code, error.reason, error.http_status) == ("INVALID_TERMS", reason, 400)
    assert error.as_dict() == {
        "code": "INVALID_TERMS",
        "reason": reason,
        "message": error.merchant_message,
    }


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda: NetDays(-1), "NEGATIVE_DAYS"),
        (
            lambda: Instalments(
                (Instalment(Decimal("30"), NetDays(30)), Instalment(Decimal("60"), NetDays(60)))
            ),
            "SHARES_NOT_100",
        ),
        (
            lambda: PaymentTerms(plan=NetDays(10), discount=DiscountRule(Decimal("2"), 10)),
            "DISCOUNT_DEADLINE_NOT_BEFORE_DUE",
        ),
        (lambda: Instalment(30, NetDays(30)), "WRONG_TYPE"),  # an int, not a Decimal
        (lambda: DiscountRule(Decimal("2.0"), 10.0), "WRONG_TYPE"),
    ],
)
def test_terms_are_validated_when_built_in_code(build, reason):
    # given a constructor call with a bad value
    # when
    with pytest.raises(InvalidTerms) as exc_info:
        build()

    # then
    assert exc_info.value.reason == reason


def test_shares_error_message_names_the_sum():
    # given
    data = _split(("30", 30), ("60", 60))

    # when
    with pytest.raises(InvalidTerms) as exc_info:
        terms_from_dict(data)

    # then
    assert (
        exc_info.value.merchant_message
        == "Instalment shares must add up to 100% (they add up to 90%)."
    )
