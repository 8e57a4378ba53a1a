"""One table-driven case per reason code: outcome, the exact reason codes, the primary's texts."""
from decimal import Decimal

import pytest

from saleor_netterms.decisions.engine import CreditPolicy, CreditSnapshot, Outcome, ReasonCode, decide

from .builders import buyer, merchant, snapshot

D = Decimal
WITHIN = "WITHIN_LIMIT"

# (id, snapshot overrides, policy, outcome, codes, primary merchant message, primary buyer message)
CASES = [
    (
        "COMPANY_ON_HOLD", {"company_status": "on_hold"}, CreditPolicy(), Outcome.DECLINE,
        ["COMPANY_ON_HOLD", WITHIN],
        "The company's credit account is on hold; net-terms orders are declined until the hold "
        "is lifted.",
        "Your company's account is on hold, so we can't accept orders on invoice right now. "
        "Please contact us or choose another payment method.",
    ),
    (
        "DUNNING_HOLD",
        {"account_hold": "decline",
         "account_hold_message": "Your account is on hold: invoice INV-2026-000001 ($1,200.00) is "
                                 "45 days overdue. Please pay it to order on invoice again."},
        CreditPolicy(), Outcome.DECLINE, ["DUNNING_HOLD", WITHIN],
        "Collections put the account on hold for overdue invoices; net-terms orders are declined "
        "until the overdue balance is paid or staff lift the hold.",
        "Your account is on hold: invoice INV-2026-000001 ($1,200.00) is 45 days overdue. "
        "Please pay it to order on invoice again.",
    ),
    (
        "COMPANY_SUSPENDED", {"company_status": "suspended"}, CreditPolicy(), Outcome.DECLINE,
        ["COMPANY_SUSPENDED", WITHIN],
        "The company's credit account is suspended; net-terms orders are declined.",
        "Your company's account is suspended, so we can't accept orders on invoice. "
        "Please contact us or choose another payment method.",
    ),
    (
        "COMPANY_CLOSED", {"company_status": "closed"}, CreditPolicy(), Outcome.DECLINE,
        ["COMPANY_CLOSED", WITHIN],
        "The company's credit account is closed; net-terms orders are declined.",
        "Your company's account is closed for orders on invoice. "
        "Please choose another payment method.",
    ),
    (
        "CHANNEL_NOT_ALLOWED", {"channel_allowed": False}, CreditPolicy(), Outcome.DECLINE,
        ["CHANNEL_NOT_ALLOWED", WITHIN],
        "The company is not allowed to buy on net terms in this channel.",
        "Paying on invoice isn't available for your company in this store. "
        "Please choose another payment method.",
    ),
    (
        "NO_LIMIT_FOR_CURRENCY", {"currency": "EUR", "limit": None}, CreditPolicy(),
        Outcome.DECLINE, ["NO_LIMIT_FOR_CURRENCY"],
        "The company has no credit limit in EUR.",
        "Your company doesn't have a credit line in EUR. "
        "Please choose another payment method or contact us.",
    ),
    (
        "OVER_LIMIT", {"exposure": D("9000.00"), "order_amount": D("1250.00")}, CreditPolicy(),
        Outcome.DECLINE, ["OVER_LIMIT"],
        "Over the credit limit: limit $10,000.00, exposure $9,000.00, "
        "order $1,250.00, shortfall $250.00.",
        "This order exceeds your company's available credit of $1,000.00. "
        "Please reduce the order or choose another payment method.",
    ),
    (
        "OVER_LIMIT_WITHIN_TOLERANCE", {"exposure": D("9000.00"), "order_amount": D("1250.00")},
        CreditPolicy(tolerance_over_limit_pct=D(5)), Outcome.REVIEW,
        ["OVER_LIMIT_WITHIN_TOLERANCE"],
        "Over the credit limit within the 5% tolerance: limit $10,000.00, "
        "exposure $9,000.00, order $1,250.00, shortfall $250.00.",
        "Your order is slightly above your company's available credit of $1,000.00, "
        "so our team will review it shortly.",
    ),
    (
        "OVERDUE_AUTO_HOLD", {"max_days_past_due": 31, "overdue_amount": D("500.00")},
        CreditPolicy(auto_hold_days_overdue=30, review_days_overdue=7), Outcome.DECLINE,
        ["OVERDUE_AUTO_HOLD", WITHIN],
        "Invoices overdue beyond the auto-hold threshold of 30 days: overdue $500.00, "
        "oldest invoice 31 days past due. The account should be put on hold.",
        "Your company has invoices that are well past due, so we can't accept new orders on "
        "invoice. Please settle the open invoices or contact us.",
    ),
    (
        "OVERDUE_INVOICES", {"max_days_past_due": 8, "overdue_amount": D("500.00")},
        CreditPolicy(auto_hold_days_overdue=30, review_days_overdue=7), Outcome.REVIEW,
        ["OVERDUE_INVOICES", WITHIN],
        "Invoices overdue beyond the review threshold of 7 days: overdue $500.00, "
        "oldest invoice 8 days past due.",
        "Your company has overdue invoices, so our team will review this order shortly.",
    ),
    (
        "OVER_SPENDING_LIMIT", {"member_spending_limit": D("500.00")}, CreditPolicy(),
        Outcome.REVIEW, ["OVER_SPENDING_LIMIT", WITHIN],
        "Order $1,000.00 exceeds the member's per-order spending limit of $500.00 "
        "(the member is a buyer); it needs an approver of the company.",
        "This order is above your personal spending limit, so it needs an approver of your "
        "company.",
    ),
    (
        "FIRST_ORDER", {"is_first_order": True}, CreditPolicy(review_first_order=True),
        Outcome.REVIEW, ["FIRST_ORDER", WITHIN],
        "This is the company's first net-terms order; the policy reviews first orders.",
        "Thank you for your first order on invoice! Our team will review it shortly.",
    ),
    (
        "UNUSUAL_ORDER_SIZE", {"median_order_amount": D("200.00")},
        CreditPolicy(review_order_over_median_multiple=D(3)), Outcome.REVIEW,
        ["UNUSUAL_ORDER_SIZE", WITHIN],
        "Order $1,000.00 is 5 times the company's median order of $200.00 "
        "(review above 3 times).",
        "This order is larger than your company's usual orders, so our team will review it "
        "shortly.",
    ),
    (
        "LATE_PAYMENT_HISTORY",
        {"late_invoice_share": D("0.35"), "avg_days_beyond_terms": D("12.5")},
        CreditPolicy(review_late_share_above=D("0.30")), Outcome.REVIEW,
        ["LATE_PAYMENT_HISTORY", WITHIN],
        "35% of the company's invoices in the last 12 months were paid late "
        "(review above 30%); on average 12.5 days beyond terms.",
        "Our team will review this order shortly.",
    ),
    (
        "BROKEN_PROMISES", {"promises_broken": 3, "promises_kept": 1}, CreditPolicy(review_broken_promises_above=1),
        Outcome.REVIEW, ["BROKEN_PROMISES", WITHIN],
        "The company broke 3 promises to pay and kept 1: 2 more broken than kept (review above 1).",
        "Our team will review this order shortly.",
    ),
    (
        "NEW_ACCOUNT", {"account_age_days": 10}, CreditPolicy(min_account_age_days=30),
        Outcome.REVIEW, ["NEW_ACCOUNT", WITHIN],
        "The company's account is 10 days old (review below 30 days).",
        "Your company's account is new, so our team will review this order shortly.",
    ),
    (
        "HIGH_UTILISATION", {"exposure": D("8000.00")}, CreditPolicy(), Outcome.APPROVE,
        ["HIGH_UTILISATION", WITHIN],
        "After this order the company uses 90% of its $10,000.00 limit "
        "(warning above 80%).",
        "Your order is within your company's credit line.",
    ),
    (
        "WITHIN_LIMIT", {}, CreditPolicy(), Outcome.APPROVE, [WITHIN],
        "Order $1,000.00 fits the available credit $8,000.00 "
        "(limit $10,000.00, exposure $2,000.00).",
        "Your order is within your company's credit line.",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "policy", "outcome", "codes", "merchant_message", "buyer_message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide_reason_table(overrides, policy, outcome, codes, merchant_message, buyer_message):
    # given
    credit = snapshot(**overrides)

    # when
    decision = decide(credit, policy)

    # then
    assert decision.outcome == outcome
    assert list(decision.codes) == codes
    assert merchant(decision.primary) == merchant_message
    assert buyer(decision.primary) == buyer_message


def test_reason_table_covers_every_reason_code_once():
    # given
    table_ids = [case[0] for case in CASES]

    # then
    assert sorted(table_ids) == sorted(code.value for code in ReasonCode)


def test_reason_effects_match_the_documented_table():
    # given
    effects = {}
    for case_id, overrides, policy, *_ in CASES:
        for reason in decide(snapshot(**overrides), policy).reasons:
            effects[reason.code] = reason.effect

    # then
    assert effects == {
        "COMPANY_ON_HOLD": Outcome.DECLINE,
        "DUNNING_HOLD": Outcome.DECLINE,
        "COMPANY_SUSPENDED": Outcome.DECLINE,
        "COMPANY_CLOSED": Outcome.DECLINE,
        "CHANNEL_NOT_ALLOWED": Outcome.DECLINE,
        "NO_LIMIT_FOR_CURRENCY": Outcome.DECLINE,
        "OVER_LIMIT": Outcome.DECLINE,
        "OVERDUE_AUTO_HOLD": Outcome.DECLINE,
        "OVER_LIMIT_WITHIN_TOLERANCE": Outcome.REVIEW,
        "OVERDUE_INVOICES": Outcome.REVIEW,
        "OVER_SPENDING_LIMIT": Outcome.REVIEW,
        "FIRST_ORDER": Outcome.REVIEW,
        "UNUSUAL_ORDER_SIZE": Outcome.REVIEW,
        "LATE_PAYMENT_HISTORY": Outcome.REVIEW,
        "BROKEN_PROMISES": Outcome.REVIEW,
        "NEW_ACCOUNT": Outcome.REVIEW,
        "HIGH_UTILISATION": Outcome.APPROVE,
        "WITHIN_LIMIT": Outcome.APPROVE,
    }


def test_decide_reports_every_reason_most_severe_first_in_rule_order():
    # given
    credit = snapshot(
        company_status="on_hold",
        channel_allowed=False,
        exposure=D("8000.00"),
        order_amount=D("500.00"),
        overdue_amount=D("1200.00"),
        max_days_past_due=40,
        late_invoice_share=D("0.40"),
        avg_days_beyond_terms=None,
        account_age_days=None,
        is_first_order=True,
        median_order_amount=D("100.00"),
        member_spending_limit=D("100.00"),
    )
    policy = CreditPolicy(
        name="Starter",
        utilisation_warning_pct=D(75),
        auto_hold_days_overdue=15,
        review_days_overdue=0,
        review_first_order=True,
        review_order_over_median_multiple=D(2),
        review_late_share_above=D("0.20"),
        min_account_age_days=90,
    )

    # when
    decision = decide(credit, policy)

    # then
    assert decision.outcome == Outcome.DECLINE
    assert decision.policy_name == "Starter"
    assert list(decision.codes) == [
        "COMPANY_ON_HOLD",
        "CHANNEL_NOT_ALLOWED",
        "OVERDUE_AUTO_HOLD",
        "OVER_SPENDING_LIMIT",
        "FIRST_ORDER",
        "UNUSUAL_ORDER_SIZE",
        "LATE_PAYMENT_HISTORY",
        "NEW_ACCOUNT",
        "HIGH_UTILISATION",
        "WITHIN_LIMIT",
    ]
    assert merchant(decision.reasons[6]) == (
        "40% of the company's invoices in the last 12 months were paid late "
        "(review above 20%)."
    )
    assert merchant(decision.reasons[7]) == (
        "The company's account is of unknown age (review below 90 days)."
    )


def test_decide_over_limit_with_exposure_already_above_limit_shows_zero_available():
    # given
    credit = snapshot(exposure=D("10200.00"), order_amount=D("100.00"))

    # when
    decision = decide(credit)

    # then
    assert list(decision.codes) == ["OVER_LIMIT"]
    assert merchant(decision.primary) == (
        "Over the credit limit: limit $10,000.00, exposure $10,200.00, order $100.00, "
        "shortfall $300.00."
    )
    assert buyer(decision.primary) == (
        "This order exceeds your company's available credit of $0.00. "
        "Please reduce the order or choose another payment method."
    )


def test_decide_formats_amounts_in_the_currencys_minor_unit():
    # given
    credit = snapshot(
        currency="JPY", limit=D("1000000"), exposure=D("990000"), order_amount=D("12500")
    )

    # when
    decision = decide(credit)

    # then
    assert merchant(decision.primary) == (
        "Over the credit limit: limit ¥1,000,000, exposure ¥990,000, order ¥12,500, "
        "shortfall ¥2,500."
    )


def test_overdue_review_at_zero_days_catches_any_overdue_amount():
    # given
    credit = snapshot(overdue_amount=D("0.01"), max_days_past_due=0)

    # when
    decision = decide(credit, CreditPolicy(review_days_overdue=0))

    # then
    assert decision.outcome == Outcome.REVIEW
    assert list(decision.codes) == ["OVERDUE_INVOICES", WITHIN]


@pytest.mark.parametrize(
    ("role", "codes"),
    [
        ("buyer", ["OVER_SPENDING_LIMIT", WITHIN]),
        ("approver", ["OVER_SPENDING_LIMIT", WITHIN]),
        ("admin", [WITHIN]),
    ],
    ids=["buyer", "approver", "admin-exempt"],
)
def test_spending_limit_applies_to_every_role_but_admin(role, codes):
    # given
    credit = snapshot(member_role=role, member_spending_limit=D("500.00"))

    # when
    decision = decide(credit)

    # then
    assert list(decision.codes) == codes


def test_a_dunning_hold_in_review_mode_sends_the_order_to_review_with_the_hold_message():
    # when
    decision = decide(snapshot(account_hold="review", account_hold_message="On hold: INV-1 is overdue."),
                      CreditPolicy())

    # then
    assert decision.outcome == Outcome.REVIEW
    assert list(decision.codes) == ["DUNNING_HOLD", WITHIN]
    assert buyer(decision.primary) == "On hold: INV-1 is overdue."
    assert merchant(decision.primary) == (
        "Collections put the account on hold for overdue invoices; net-terms orders are sent to "
        "credit review until the overdue balance is paid or staff lift the hold.")


@pytest.mark.parametrize(("broken", "kept", "threshold", "reviewed"), [
    (2, 0, 1, True),    # 2 net broken > 1
    (2, 1, 1, False),   # a kept promise offsets one: 1 net, not above 1
    (1, 0, 0, True),    # 0: any net broken promise
    (3, 3, 0, False),   # as many kept as broken
    (5, 0, None, False),  # the rule is off
])
def test_broken_promises_send_orders_to_review_and_kept_ones_offset_them(broken, kept, threshold, reviewed):
    # given
    snapshot = CreditSnapshot(currency="EUR", order_amount=Decimal("100.00"), company_status="active",
                              limit=Decimal("10000.00"), exposure=Decimal("0.00"), promises_broken=broken,
                              promises_kept=kept)

    # when
    decision = decide(snapshot, CreditPolicy(review_broken_promises_above=threshold))

    # then
    codes = [r.code for r in decision.reasons]
    assert (ReasonCode.BROKEN_PROMISES in codes) is reviewed
    assert decision.outcome == ("review" if reviewed else "approve")
    if reviewed:
        reason = next(r for r in decision.reasons if r.code == ReasonCode.BROKEN_PROMISES)
        promises = "1 promise" if broken == 1 else f"{broken} promises"
        assert merchant(reason) == (f"The company broke {promises} to pay and kept {kept}: "
                                    f"{broken - kept} more broken than kept (review above {threshold}).")
        assert buyer(reason) == "Our team will review this order shortly."
