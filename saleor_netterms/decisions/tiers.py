"""Built-in credit tiers and the policy's storage format. Pure: no database, no Django.

The three built-in tiers
------------------------
A tier is a starting point a merchant assigns to a company; the limit and terms are copied onto
the company's credit account and the policy per channel can then be edited (stored with
`policy_to_dict`, read back with `policy_from_dict`).

================================== ========= ========= =========
setting                            Starter   Standard  Premium
================================== ========= ========= =========
default limit (channel currency)   2,500.00  10,000.00 50,000.00
default terms (net N days)         15        30        60
tolerance over the limit (review)  0 %       5 %       10 %
utilisation warning (after order)  75 %      80 %      90 %
auto-hold: days past due above     15        30        60
review: days past due above        0 (any)   7         15
review first order                 yes       no        no
review order above × median        2         3         5
review late-invoice share above    20 %      30 %      50 %
review accounts younger than       90 days   30 days   —
================================== ========= ========= =========

Default limits are nominal amounts *in the channel's currency* and are sized for currencies
worth roughly a US dollar or a euro (USD, EUR, GBP, CHF, CAD, AUD…); for currencies of very
different unit value (JPY, HUF, KWD…) the merchant sets limits explicitly. Terms are "net N":
the invoice is due N days after it is issued.

Note that `CreditPolicy()` (the engine's default argument) is the bare limit-only policy and is
*not* the Standard tier: callers deciding real orders pass the company's tier policy.

Storage format
--------------
`policy_to_dict` writes every field; Decimals as strings ("5", "0.30"), ints as ints, None as
null. `policy_from_dict` is strict: unknown keys, wrong types, numbers instead of decimal
strings, out-of-range values are refused with `InvalidPolicy` (code INVALID_POLICY, naming the
field); keys that are missing take the field's default, so policies stored before a field was
added still load.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .engine import CreditPolicy
from .errors import InvalidPolicy, UnknownTier

__all__ = [
    "PREMIUM",
    "STANDARD",
    "STARTER",
    "TIERS",
    "CreditTier",
    "policy_from_dict",
    "policy_to_dict",
    "tier_get",
]


@dataclass(frozen=True, slots=True)
class CreditTier:
    """A built-in starting point: the policy plus the limit and terms a new account gets."""

    key: str
    policy: CreditPolicy
    default_limit: Decimal
    default_terms_days: int

    @property
    def name(self) -> str:
        return self.policy.name


STARTER = CreditTier(
    key="starter",
    policy=CreditPolicy(
        name="Starter",
        tolerance_over_limit_pct=Decimal(0),
        utilisation_warning_pct=Decimal(75),
        auto_hold_days_overdue=15,
        review_days_overdue=0,
        review_first_order=True,
        review_order_over_median_multiple=Decimal(2),
        review_late_share_above=Decimal("0.20"),
        min_account_age_days=90,
        review_broken_promises_above=0,
    ),
    default_limit=Decimal("2500.00"),
    default_terms_days=15,
)

STANDARD = CreditTier(
    key="standard",
    policy=CreditPolicy(
        name="Standard",
        tolerance_over_limit_pct=Decimal(5),
        utilisation_warning_pct=Decimal(80),
        auto_hold_days_overdue=30,
        review_days_overdue=7,
        review_first_order=False,
        review_order_over_median_multiple=Decimal(3),
        review_late_share_above=Decimal("0.30"),
        min_account_age_days=30,
        review_broken_promises_above=1,
    ),
    default_limit=Decimal("10000.00"),
    default_terms_days=30,
)

PREMIUM = CreditTier(
    key="premium",
    policy=CreditPolicy(
        name="Premium",
        tolerance_over_limit_pct=Decimal(10),
        utilisation_warning_pct=Decimal(90),
        auto_hold_days_overdue=60,
        review_days_overdue=15,
        review_first_order=False,
        review_order_over_median_multiple=Decimal(5),
        review_late_share_above=Decimal("0.50"),
        min_account_age_days=None,
        review_broken_promises_above=None,
    ),
    default_limit=Decimal("50000.00"),
    default_terms_days=60,
)

TIERS: Mapping[str, CreditTier] = MappingProxyType(
    {tier.key: tier for tier in (STARTER, STANDARD, PREMIUM)}
)


def tier_get(name: str) -> CreditTier:
    """The built-in tier by key or display name, case-insensitive ("standard", "Premium")."""
    tier = TIERS.get(name.strip().lower()) if isinstance(name, str) else None
    if tier is None:
        raise UnknownTier(name)
    return tier


# --- storage format -----------------------------------------------------------------------------

_DECIMAL_FIELDS = frozenset({
    "tolerance_over_limit_pct",
    "utilisation_warning_pct",
    "review_order_over_median_multiple",
    "review_late_share_above",
})
_INT_FIELDS = frozenset({"auto_hold_days_overdue", "review_days_overdue", "min_account_age_days",
                         "review_broken_promises_above"})
_BOOL_FIELDS = frozenset({"review_first_order"})
_TEXT_FIELDS = frozenset({"name"})
_NULLABLE_FIELDS = frozenset({
    "auto_hold_days_overdue",
    "review_days_overdue",
    "review_order_over_median_multiple",
    "review_late_share_above",
    "min_account_age_days",
    "review_broken_promises_above",
})
_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(CreditPolicy))
_DECIMAL_TEXT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,12})?")


def policy_to_dict(policy: CreditPolicy) -> dict[str, Any]:
    """Every field of the policy, JSON-ready: Decimals as exact strings, None as None."""
    out: dict[str, Any] = {}
    for name in _FIELD_NAMES:
        value = getattr(policy, name)
        out[name] = format(value, "f") if isinstance(value, Decimal) else value
    return out


def _field_from(name: str, value: Any) -> Any:
    if value is None:
        if name in _NULLABLE_FIELDS:
            return None
        raise InvalidPolicy(name, "must not be null")
    if name in _DECIMAL_FIELDS:
        if not isinstance(value, str) or not _DECIMAL_TEXT.fullmatch(value):
            raise InvalidPolicy(name, 'must be a decimal number written as a string, e.g. "5.00"')
        return Decimal(value)
    if name in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidPolicy(name, "must be a whole number")
        return value
    if name in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise InvalidPolicy(name, "must be true or false")
        return value
    if not isinstance(value, str):  # _TEXT_FIELDS
        raise InvalidPolicy(name, "must be a text")
    return value


def policy_from_dict(data: Mapping[str, Any]) -> CreditPolicy:
    """Read a stored or submitted policy, strictly (see the module docstring)."""
    if not isinstance(data, Mapping):
        raise InvalidPolicy("policy", "must be an object")
    unknown = sorted(str(key) for key in data if key not in _FIELD_NAMES)
    if unknown:
        raise InvalidPolicy(unknown[0], "is not a credit policy field")
    values = {name: _field_from(name, data[name]) for name in _FIELD_NAMES if name in data}
    return CreditPolicy(**values)  # range and consistency checks: CreditPolicy.__post_init__
