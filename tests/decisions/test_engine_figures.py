"""available_credit, utilisation_after, the score, and validation of snapshots and policies."""
import ast
from decimal import Decimal
from pathlib import Path

import pytest

from saleor_netterms.decisions import engine
from saleor_netterms.decisions.engine import (
    CreditPolicy,
    CreditSnapshot,
    available_credit,
    decide,
    score,
    utilisation_after,
)
from saleor_netterms.decisions.errors import InvalidCreditSnapshot, InvalidPolicy

from .builders import snapshot

D = Decimal


@pytest.mark.parametrize(
    ("overrides", "available"),
    [
        ({}, D("8000.00")),
        ({"exposure": D("10000.00")}, D("0.00")),
        ({"exposure": D("12000.00")}, D("0.00")),
        ({"limit": None}, None),
    ],
    ids=["headroom", "exactly-used", "over-used-floors-at-zero", "no-limit"],
)
def test_available_credit(overrides, available):
    # when
    result = available_credit(snapshot(**overrides))

    # then
    assert result == available
    if available is not None:
        assert str(result) == str(available)


@pytest.mark.parametrize(
    ("overrides", "utilisation"),
    [
        ({}, D("30")),
        ({"exposure": D("9500.00"), "order_amount": D("1000.00")}, D("105")),
        ({"limit": D("3000.00"), "exposure": D("0.00")}, D("33.33333333333333333333333333")),
        ({"limit": D("0.00")}, None),
        ({"limit": None}, None),
    ],
    ids=["thirty-percent", "over-the-limit", "unrounded", "zero-limit", "no-limit"],
)
def test_utilisation_after(overrides, utilisation):
    # when
    result = utilisation_after(snapshot(**overrides))

    # then
    assert result == utilisation


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, 895),
        (
            {
                "limit": None, "late_invoice_share": None, "avg_days_beyond_terms": None,
                "account_age_days": None,
            },
            375,
        ),
        (
            {
                "exposure": D("4000.00"), "max_days_past_due": 10, "overdue_amount": D("1000.00"),
                "late_invoice_share": D("0.25"), "avg_days_beyond_terms": D("3.3"),
                "account_age_days": 100,
            },
            614,
        ),
        (
            {
                "limit": D("0.00"), "max_days_past_due": 60, "overdue_amount": D("0.01"),
                "late_invoice_share": D("1"), "avg_days_beyond_terms": D("30"),
                "account_age_days": 0,
            },
            0,
        ),
        (
            {"exposure": D("0.00"), "order_amount": D("0.01"), "avg_days_beyond_terms": D("-4")},
            1000,
        ),
    ],
    ids=["established", "unknown-everything", "worked-example", "worst", "best"],
)
def test_score_worked_examples(overrides, expected):
    # given
    credit = snapshot(**overrides)

    # when
    result = score(credit)

    # then
    assert result == expected
    assert decide(credit).score == expected


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "usd"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"order_amount": D("0.00")}, "order_amount"),
        ({"order_amount": 10.5}, "order_amount"),
        ({"order_amount": D("NaN")}, "order_amount"),
        ({"company_status": "Active"}, "company_status"),
        ({"limit": D("-1.00")}, "limit"),
        ({"exposure": D("-0.01")}, "exposure"),
        ({"channel_allowed": 1}, "channel_allowed"),
        ({"max_days_past_due": True}, "max_days_past_due"),
        ({"max_days_past_due": -1}, "max_days_past_due"),
        ({"late_invoice_share": D("1.01")}, "late_invoice_share"),
        ({"account_age_days": -1}, "account_age_days"),
        ({"member_role": "owner"}, "member_role"),
        ({"member_spending_limit": D("-5")}, "member_spending_limit"),
    ],
    ids=lambda value: str(value) if isinstance(value, str) else None,
)
def test_snapshot_refuses_data_the_engine_cannot_decide_on(overrides, field):
    # when
    with pytest.raises(InvalidCreditSnapshot) as caught:
        snapshot(**overrides)

    # then
    assert caught.value.code == "INVALID_CREDIT_SNAPSHOT"
    assert caught.value.field == field
    assert caught.value.http_status == 500


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " "}, "The credit policy field 'name' must be a non-empty text."),
        (
            {"tolerance_over_limit_pct": D("-1")},
            "The credit policy field 'tolerance_over_limit_pct' must be at least 0.",
        ),
        (
            {"utilisation_warning_pct": D("101")},
            "The credit policy field 'utilisation_warning_pct' must be at most 100.",
        ),
        (
            {"tolerance_over_limit_pct": 5},
            "The credit policy field 'tolerance_over_limit_pct' must be a Decimal, not int.",
        ),
        (
            {"auto_hold_days_overdue": 7, "review_days_overdue": 14},
            "The credit policy field 'review_days_overdue' must not exceed auto_hold_days_overdue.",
        ),
        (
            {"review_order_over_median_multiple": D("0.5")},
            "The credit policy field 'review_order_over_median_multiple' must be at least 1.",
        ),
        (
            {"review_late_share_above": D("1.5")},
            "The credit policy field 'review_late_share_above' must be at most 1.",
        ),
        (
            {"min_account_age_days": -1},
            "The credit policy field 'min_account_age_days' must be at least 0.",
        ),
        (
            {"review_first_order": "yes"},
            "The credit policy field 'review_first_order' must be true or false.",
        ),
    ],
    ids=[
        "blank-name", "negative-tolerance", "warning-over-100", "int-not-decimal",
        "review-after-auto-hold", "multiple-below-one", "share-above-one", "negative-age",
        "non-bool",
    ],
)
def test_policy_refuses_nonsense(kwargs, message):
    # when
    with pytest.raises(InvalidPolicy) as caught:
        CreditPolicy(**kwargs)

    # then
    assert caught.value.code == "INVALID_POLICY"
    assert caught.value.http_status == 400
    assert caught.value.merchant_message == message


PURE_MODULES = ["engine.py", "tiers.py", "simulation.py", "errors.py", "texts.py"]
ALLOWED_IMPORTS = {
    "__future__", "collections", "collections.abc", "dataclasses", "decimal", "enum", "re",
    "types", "typing",
    # relative: the engine's own package and core.money / core.errors (no Django, no I/O)
    "engine", "errors", "core.money", "core.errors",
    # the reasons' sentences: the one formatting module (babel and python-stdnum, no Django)
    "texts", "core.formatting",
}


@pytest.mark.parametrize("module", PURE_MODULES)
def test_decision_modules_import_nothing_but_pure_code(module):
    # given
    source = (Path(engine.__file__).parent / module).read_text()

    # when
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")

    # then
    assert imported <= ALLOWED_IMPORTS, imported - ALLOWED_IMPORTS
