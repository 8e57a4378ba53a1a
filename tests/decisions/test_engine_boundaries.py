"""Every threshold at its exact edge and one minor unit beyond it."""
from decimal import Decimal

import pytest

from saleor_netterms.decisions.engine import CreditPolicy, Outcome, decide

from .builders import buyer, merchant, snapshot

D = Decimal
WITHIN = "WITHIN_LIMIT"


def test_order_exactly_equal_to_available_credit_is_approved():
    # given
    credit = snapshot(exposure=D("9000.00"), order_amount=D("1000.00"))

    # when
    decision = decide(credit)

    # then
    assert decision.outcome == Outcome.APPROVE
    assert list(decision.codes) == ["HIGH_UTILISATION", WITHIN]


def test_order_one_cent_over_available_credit_is_declined():
    # given
    credit = snapshot(exposure=D("9000.00"), order_amount=D("1000.01"))

    # when
    decision = decide(credit)

    # then
    assert decision.outcome == Outcome.DECLINE
    assert list(decision.codes) == ["OVER_LIMIT"]
    assert merchant(decision.primary) == (
        "Over the credit limit: limit $10,000.00, exposure $9,000.00, "
        "order $1,000.01, shortfall $0.01."
    )


def test_order_one_cent_over_available_credit_within_tolerance_is_reviewed():
    # given
    credit = snapshot(exposure=D("9000.00"), order_amount=D("1000.01"))

    # when
    decision = decide(credit, CreditPolicy(tolerance_over_limit_pct=D(5)))

    # then
    assert decision.outcome == Outcome.REVIEW
    assert list(decision.codes) == ["OVER_LIMIT_WITHIN_TOLERANCE"]


@pytest.mark.parametrize(
    ("order_amount", "outcome", "codes"),
    [
        (D("1500.00"), Outcome.REVIEW, ["OVER_LIMIT_WITHIN_TOLERANCE"]),
        (D("1500.01"), Outcome.DECLINE, ["OVER_LIMIT"]),
    ],
    ids=["at-tolerance-edge", "one-cent-beyond-tolerance"],
)
def test_tolerance_edge_is_inclusive(order_amount, outcome, codes):
    # given limit 10,000.00 with 5 % tolerance: up to 10,500.00 is reviewed
    credit = snapshot(exposure=D("9000.00"), order_amount=order_amount)

    # when
    decision = decide(credit, CreditPolicy(tolerance_over_limit_pct=D(5)))

    # then
    assert decision.outcome == outcome
    assert list(decision.codes) == codes


def test_one_yen_over_the_limit_is_declined():
    # given
    credit = snapshot(currency="JPY", limit=D("100000"), exposure=D("0"), order_amount=D("100001"))

    # when
    decision = decide(credit)

    # then
    assert list(decision.codes) == ["OVER_LIMIT"]
    assert merchant(decision.primary) == (
        "Over the credit limit: limit ¥100,000, exposure ¥0, order ¥100,001, "
        "shortfall ¥1."
    )


def test_zero_limit_declines_any_order_with_the_whole_order_as_shortfall():
    # given
    credit = snapshot(limit=D("0.00"), exposure=D("0.00"), order_amount=D("0.01"))

    # when
    decision = decide(credit, CreditPolicy(tolerance_over_limit_pct=D(100)))

    # then
    assert list(decision.codes) == ["OVER_LIMIT"]
    assert merchant(decision.primary) == (
        "Over the credit limit: limit $0.00, exposure $0.00, order $0.01, "
        "shortfall $0.01."
    )


@pytest.mark.parametrize(
    ("overrides", "policy", "codes"),
    [
        ({"exposure": D("7000.00")}, CreditPolicy(), [WITHIN]),
        ({"exposure": D("7000.01")}, CreditPolicy(), ["HIGH_UTILISATION", WITHIN]),
        ({"member_spending_limit": D("1000.00")}, CreditPolicy(), [WITHIN]),
        ({"member_spending_limit": D("999.99")}, CreditPolicy(), ["OVER_SPENDING_LIMIT", WITHIN]),
        (
            {"median_order_amount": D("200.00")},
            CreditPolicy(review_order_over_median_multiple=D(5)),
            [WITHIN],
        ),
        (
            {"median_order_amount": D("199.99")},
            CreditPolicy(review_order_over_median_multiple=D(5)),
            ["UNUSUAL_ORDER_SIZE", WITHIN],
        ),
        (
            {"late_invoice_share": D("0.30")},
            CreditPolicy(review_late_share_above=D("0.30")),
            [WITHIN],
        ),
        (
            {"late_invoice_share": D("0.31")},
            CreditPolicy(review_late_share_above=D("0.30")),
            ["LATE_PAYMENT_HISTORY", WITHIN],
        ),
        ({"account_age_days": 30}, CreditPolicy(min_account_age_days=30), [WITHIN]),
        ({"account_age_days": 29}, CreditPolicy(min_account_age_days=30), ["NEW_ACCOUNT", WITHIN]),
        (
            {"max_days_past_due": 7, "overdue_amount": D("10.00")},
            CreditPolicy(review_days_overdue=7, auto_hold_days_overdue=30),
            [WITHIN],
        ),
        (
            {"max_days_past_due": 30, "overdue_amount": D("10.00")},
            CreditPolicy(review_days_overdue=7, auto_hold_days_overdue=30),
            ["OVERDUE_INVOICES", WITHIN],
        ),
        (
            {"max_days_past_due": 31, "overdue_amount": D("10.00")},
            CreditPolicy(review_days_overdue=7, auto_hold_days_overdue=30),
            ["OVERDUE_AUTO_HOLD", WITHIN],
        ),
    ],
    ids=[
        "utilisation-at-warning", "utilisation-above-warning",
        "spending-limit-equal", "spending-limit-one-cent-below",
        "median-multiple-equal", "median-multiple-above",
        "late-share-equal", "late-share-above",
        "account-age-equal", "account-age-one-day-short",
        "overdue-at-review-threshold", "overdue-at-auto-hold-threshold",
        "overdue-beyond-auto-hold",
    ],
)
def test_rule_thresholds_are_strict(overrides, policy, codes):
    # given
    credit = snapshot(**overrides)

    # when
    decision = decide(credit, policy)

    # then
    assert list(decision.codes) == codes
