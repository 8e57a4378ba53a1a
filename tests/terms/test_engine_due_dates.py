"""Due dates per term kind, with concrete dates: leap years, month ends, Dec → Jan rollover."""

import ast
from datetime import date
from pathlib import Path

import pytest

from saleor_netterms.terms.engine import (
    DayOfMonth,
    DueOnFulfilment,
    DueOnReceipt,
    EndOfMonth,
    EndOfMonthOnDay,
    FixedDate,
    NetDays,
    due_date_resolve,
)


@pytest.mark.parametrize(
    ("rule", "issue_date", "fulfilment_date", "expected"),
    [
        # Net N
        (NetDays(30), date(2024, 1, 31), None, date(2024, 3, 1)),  # leap February
        (NetDays(30), date(2023, 1, 31), None, date(2023, 3, 2)),
        (NetDays(15), date(2024, 12, 20), None, date(2025, 1, 4)),  # Dec → Jan
        (NetDays(60), date(2024, 12, 31), None, date(2025, 3, 1)),
        (NetDays(0), date(2024, 5, 5), None, date(2024, 5, 5)),
        # end of month + N
        (EndOfMonth(0), date(2024, 2, 10), None, date(2024, 2, 29)),
        (EndOfMonth(0), date(2100, 2, 1), None, date(2100, 2, 28)),  # 2100 is not a leap year
        (EndOfMonth(15), date(2024, 1, 15), None, date(2024, 2, 15)),
        (EndOfMonth(15), date(2024, 12, 1), None, date(2025, 1, 15)),
        (EndOfMonth(30), date(2023, 1, 31), None, date(2023, 3, 2)),
        # Odoo "N days, end of month, on the X"
        (EndOfMonthOnDay(30, 10), date(2024, 1, 15), None, date(2024, 3, 10)),
        (EndOfMonthOnDay(0, 31), date(2024, 1, 20), None, date(2024, 2, 29)),
        (EndOfMonthOnDay(0, 10), date(2024, 12, 5), None, date(2025, 1, 10)),
        (EndOfMonthOnDay(45, 15), date(2024, 11, 20), None, date(2025, 2, 15)),
        # due on receipt
        (DueOnReceipt(), date(2024, 2, 29), None, date(2024, 2, 29)),
        # due on fulfilment
        (DueOnFulfilment(0), date(2024, 3, 1), date(2024, 3, 5), date(2024, 3, 5)),
        (DueOnFulfilment(14), date(2024, 12, 20), date(2024, 12, 25), date(2025, 1, 8)),
        (
            DueOnFulfilment(3),
            date(2024, 3, 10),
            date(2024, 3, 1),
            date(2024, 3, 10),
        ),  # never before issue
        # fixed day of month (clamped to month length)
        (DayOfMonth(15), date(2024, 1, 10), None, date(2024, 1, 15)),
        (DayOfMonth(15), date(2024, 1, 15), None, date(2024, 1, 15)),  # on or after
        (DayOfMonth(15), date(2024, 1, 16), None, date(2024, 2, 15)),
        (DayOfMonth(31), date(2024, 2, 10), None, date(2024, 2, 29)),
        (DayOfMonth(31), date(2023, 2, 10), None, date(2023, 2, 28)),
        (DayOfMonth(31), date(2024, 4, 30), None, date(2024, 4, 30)),
        (DayOfMonth(30), date(2024, 12, 31), None, date(2025, 1, 30)),
        (DayOfMonth(5, min_days=10), date(2024, 12, 28), None, date(2025, 2, 5)),
        (DayOfMonth(31, min_days=5), date(2024, 4, 20), None, date(2024, 4, 30)),
        # fixed date (the issue date if already past)
        (FixedDate(date(2024, 12, 31)), date(2024, 6, 1), None, date(2024, 12, 31)),
        (FixedDate(date(2024, 12, 31)), date(2025, 1, 5), None, date(2025, 1, 5)),
    ],
)
def test_due_date_resolve(rule, issue_date, fulfilment_date, expected):
    # given a rule, an issue date and maybe a fulfilment date
    # when
    due = due_date_resolve(rule, issue_date=issue_date, fulfilment_date=fulfilment_date)

    # then
    assert due == expected


def test_due_on_fulfilment_is_unknown_before_fulfilment():
    # given
    rule = DueOnFulfilment(7)

    # when
    due = due_date_resolve(rule, issue_date=date(2024, 3, 1), fulfilment_date=None)

    # then
    assert due is None


def test_engine_imports_no_django_and_does_no_io():
    # given the engine's and its errors' source
    terms_dir = Path(__file__).resolve().parents[2] / "saleor_netterms" / "terms"
    allowed = {
        "__future__",
        "calendar",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "fractions",
        "typing",
        "saleor_netterms.core.money",
        "saleor_netterms.core.errors",
        "errors",
    }

    # when
    imported = set()
    for name in ("engine.py", "errors.py"):
        tree = ast.parse((terms_dir / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")

    # then
    assert imported <= allowed, imported - allowed
