"""The storage format of a `CreditSnapshot` (pure: no database, no Django).

`snapshot_to_dict` writes every field: Decimals as exact strings ("1250.00"), ints as ints, None
as null. `snapshot_from_dict` reads it back exactly (missing keys take the field's default, so
records stored before a field was added still replay); the snapshot validates itself.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from typing import Any

from .engine import CreditSnapshot
from .errors import InvalidCreditSnapshot

__all__ = ["snapshot_from_dict", "snapshot_to_dict"]

_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CreditSnapshot))
_DECIMAL_FIELDS = frozenset({
    "order_amount", "limit", "exposure", "overdue_amount", "avg_days_to_pay", "avg_days_beyond_terms",
    "late_invoice_share", "median_order_amount", "member_spending_limit",
})


def snapshot_to_dict(snapshot: CreditSnapshot) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(snapshot, name)
        out[name] = format(value, "f") if isinstance(value, Decimal) else value
    return out


def snapshot_from_dict(data: Mapping[str, Any]) -> CreditSnapshot:
    if not isinstance(data, Mapping):
        raise InvalidCreditSnapshot("snapshot", "must be an object")
    values: dict[str, Any] = {}
    for name in _FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in _DECIMAL_FIELDS and value is not None:
            if not isinstance(value, str):
                raise InvalidCreditSnapshot(name, "must be a decimal string")
            value = Decimal(value)
        values[name] = value
    return CreditSnapshot(**values)
