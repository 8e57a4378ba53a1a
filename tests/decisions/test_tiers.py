"""Built-in tiers and the strict policy storage format."""
from decimal import Decimal

import pytest

from saleor_netterms.decisions.engine import CreditPolicy
from saleor_netterms.decisions.errors import InvalidPolicy, UnknownTier
from saleor_netterms.decisions.tiers import (
    PREMIUM,
    STANDARD,
    STARTER,
    TIERS,
    policy_from_dict,
    policy_to_dict,
    tier_get,
)

D = Decimal


def test_built_in_tiers_limits_and_terms():
    # then
    assert [
        (tier.key, tier.name, tier.default_limit, tier.default_terms_days)
        for tier in TIERS.values()
    ] == [
        ("starter", "Starter", D("2500.00"), 15),
        ("standard", "Standard", D("10000.00"), 30),
        ("premium", "Premium", D("50000.00"), 60),
    ]


@pytest.mark.parametrize(
    ("tier", "stored"),
    [
        (
            STARTER,
            {
                "name": "Starter", "tolerance_over_limit_pct": "0",
                "utilisation_warning_pct": "75", "auto_hold_days_overdue": 15,
                "review_days_overdue": 0, "review_first_order": True,
                "review_order_over_median_multiple": "2", "review_late_share_above": "0.20",
                "min_account_age_days": 90, "review_broken_promises_above": 0,
            },
        ),
        (
            STANDARD,
            {
                "name": "Standard", "tolerance_over_limit_pct": "5",
                "utilisation_warning_pct": "80", "auto_hold_days_overdue": 30,
                "review_days_overdue": 7, "review_first_order": False,
                "review_order_over_median_multiple": "3", "review_late_share_above": "0.30",
                "min_account_age_days": 30, "review_broken_promises_above": 1,
            },
        ),
        (
            PREMIUM,
            {
                "name": "Premium", "tolerance_over_limit_pct": "10",
                "utilisation_warning_pct": "90", "auto_hold_days_overdue": 60,
                "review_days_overdue": 15, "review_first_order": False,
                "review_order_over_median_multiple": "5", "review_late_share_above": "0.50",
                "min_account_age_days": None, "review_broken_promises_above": None,
            },
        ),
    ],
    ids=["starter", "standard", "premium"],
)
def test_policy_to_dict_of_built_in_tiers(tier, stored):
    # when
    result = policy_to_dict(tier.policy)

    # then
    assert result == stored
    assert policy_from_dict(stored) == tier.policy


@pytest.mark.parametrize("name", ["premium", "Premium", " PREMIUM "])
def test_tier_get_by_key_or_display_name(name):
    # when
    tier = tier_get(name)

    # then
    assert tier is PREMIUM


def test_tier_get_refuses_an_unknown_tier():
    # when
    with pytest.raises(UnknownTier) as caught:
        tier_get("gold")

    # then
    assert caught.value.code == "UNKNOWN_TIER"
    assert caught.value.merchant_message == (
        "Unknown credit tier 'gold'; use Starter, Standard or Premium."
    )


def test_policy_from_dict_fills_missing_fields_with_defaults():
    # when
    policy = policy_from_dict({"name": "Wholesale", "tolerance_over_limit_pct": "2.5"})

    # then
    assert policy == CreditPolicy(name="Wholesale", tolerance_over_limit_pct=D("2.5"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (["name"], "policy", "The credit policy field 'policy' must be an object."),
        (
            {"name": "X", "tolerance": "5"},
            "tolerance",
            "The credit policy field 'tolerance' is not a credit policy field.",
        ),
        (
            {"tolerance_over_limit_pct": 5},
            "tolerance_over_limit_pct",
            "The credit policy field 'tolerance_over_limit_pct' must be a decimal number "
            'written as a string, e.g. "5.00".',
        ),
        (
            {"tolerance_over_limit_pct": 5.0},
            "tolerance_over_limit_pct",
            "The credit policy field 'tolerance_over_limit_pct' must be a decimal number "
            'written as a string, e.g. "5.00".',
        ),
        (
            {"utilisation_warning_pct": "8e1"},
            "utilisation_warning_pct",
            "The credit policy field 'utilisation_warning_pct' must be a decimal number "
            'written as a string, e.g. "5.00".',
        ),
        (
            {"review_late_share_above": "NaN"},
            "review_late_share_above",
            "The credit policy field 'review_late_share_above' must be a decimal number "
            'written as a string, e.g. "5.00".',
        ),
        (
            {"utilisation_warning_pct": "150"},
            "utilisation_warning_pct",
            "The credit policy field 'utilisation_warning_pct' must be at most 100.",
        ),
        (
            {"utilisation_warning_pct": None},
            "utilisation_warning_pct",
            "The credit policy field 'utilisation_warning_pct' must not be null.",
        ),
        (
            {"auto_hold_days_overdue": "30"},
            "auto_hold_days_overdue",
            "The credit policy field 'auto_hold_days_overdue' must be a whole number.",
        ),
        (
            {"min_account_age_days": True},
            "min_account_age_days",
            "The credit policy field 'min_account_age_days' must be a whole number.",
        ),
        (
            {"review_first_order": 1},
            "review_first_order",
            "The credit policy field 'review_first_order' must be true or false.",
        ),
        ({"name": 7}, "name", "The credit policy field 'name' must be a text."),
        (
            {"auto_hold_days_overdue": 10, "review_days_overdue": 20},
            "review_days_overdue",
            "The credit policy field 'review_days_overdue' must not exceed "
            "auto_hold_days_overdue.",
        ),
    ],
    ids=[
        "not-an-object", "unknown-key", "int-for-decimal", "float-for-decimal",
        "exponent-notation", "nan", "out-of-range", "null-not-nullable", "string-for-int",
        "bool-for-int", "int-for-bool", "int-for-name", "inconsistent-thresholds",
    ],
)
def test_policy_from_dict_is_strict(data, field, message):
    # when
    with pytest.raises(InvalidPolicy) as caught:
        policy_from_dict(data)

    # then
    assert caught.value.code == "INVALID_POLICY"
    assert caught.value.as_dict() == {"code": "INVALID_POLICY", "field": field, "message": message}
