"""Snapshot builders and hypothesis strategies for the decision engine's tests."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from saleor_netterms.decisions.engine import CreditPolicy, CreditSnapshot
from saleor_netterms.decisions.texts import reason_text

_BASE: dict = {
    "currency": "USD",
    "order_amount": Decimal("1000.00"),
    "company_status": "active",
    "limit": Decimal("10000.00"),
    "exposure": Decimal("2000.00"),
    "late_invoice_share": Decimal("0"),
    "avg_days_beyond_terms": Decimal("0"),
    "account_age_days": 400,
}


def snapshot(**overrides) -> CreditSnapshot:
    """A healthy, established company: 1,000.00 USD order, 2,000.00 of 10,000.00 used."""
    return CreditSnapshot(**{**_BASE, **overrides})


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """USD amounts between low and high cents, quantized to cents."""
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


shares = st.integers(0, 100).map(lambda p: Decimal(p).scaleb(-2))

_wild_snapshots = st.builds(
    CreditSnapshot,
    currency=st.just("USD"),
    order_amount=cents(1, 5_000_000),
    company_status=st.sampled_from(
        ["active", "active", "active", "on_hold", "suspended", "closed"]
    ),
    limit=optional(cents(0, 10_000_000)),
    exposure=cents(0, 10_000_000),
    channel_allowed=st.booleans(),
    overdue_amount=cents(0, 1_000_000),
    max_days_past_due=st.integers(0, 200),
    avg_days_to_pay=optional(st.integers(0, 120).map(Decimal)),
    avg_days_beyond_terms=optional(st.integers(-100, 600).map(lambda t: Decimal(t).scaleb(-1))),
    late_invoice_share=optional(shares),
    account_age_days=optional(st.integers(0, 2000)),
    is_first_order=st.booleans(),
    median_order_amount=optional(cents(0, 1_000_000)),
    member_role=st.sampled_from(["buyer", "approver", "admin"]),
    member_spending_limit=optional(cents(0, 2_000_000)),
)

# A known, mostly healthy company: scores land mid-range (not clamped at 0), so a broken penalty
# is visible to the monotonicity properties.
_moderate_snapshots = st.builds(
    CreditSnapshot,
    currency=st.just("USD"),
    order_amount=cents(1, 1_000_000),
    company_status=st.just("active"),
    limit=cents(100_000, 10_000_000),
    exposure=cents(0, 5_000_000),
    channel_allowed=st.just(True),
    overdue_amount=cents(0, 500_000),
    max_days_past_due=st.integers(0, 60),
    avg_days_to_pay=optional(st.integers(0, 120).map(Decimal)),
    avg_days_beyond_terms=st.integers(-100, 250).map(lambda t: Decimal(t).scaleb(-1)),
    late_invoice_share=shares,
    account_age_days=st.integers(0, 800),
    is_first_order=st.booleans(),
    median_order_amount=optional(cents(0, 1_000_000)),
    member_role=st.sampled_from(["buyer", "approver", "admin"]),
    member_spending_limit=optional(cents(0, 2_000_000)),
)

snapshots = st.one_of(_wild_snapshots, _moderate_snapshots)

policies = st.builds(
    CreditPolicy,
    name=st.sampled_from(["Starter", "Standard", "Premium", "Custom B2B"]),
    tolerance_over_limit_pct=st.integers(0, 1000).map(lambda t: Decimal(t).scaleb(-1)),
    utilisation_warning_pct=st.integers(0, 100).map(Decimal),
    auto_hold_days_overdue=optional(st.integers(30, 120)),
    review_days_overdue=optional(st.integers(0, 30)),
    review_first_order=st.booleans(),
    review_order_over_median_multiple=optional(
        st.integers(10, 100).map(lambda k: Decimal(k).scaleb(-1))
    ),
    review_late_share_above=optional(shares),
    min_account_age_days=optional(st.integers(0, 365)),
)


def merchant(reason, language: str = "en_US") -> str:
    """The merchant's sentence of an engine reason, as a page in ``language`` shows it."""
    return reason_text(reason, language=language).merchant


def buyer(reason, language: str = "en_US") -> str:
    """The buyer's sentence of an engine reason."""
    return reason_text(reason, language=language).buyer
