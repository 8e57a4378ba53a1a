"""Strict parsing of API arguments: ids, currencies, decimal amount strings, pagination.

Amounts arrive as decimal strings (``"1250.00"``), never floats. A string is accepted only when it
is plain decimal notation (optional ``-``, digits, optional fraction; no exponent, no spaces, no
thousands separators, no leading zeros) AND it fits the currency exactly: ``"10.005"`` USD is
refused rather than rounded. Whether a negative or zero amount makes sense is the service's call.
"""
from __future__ import annotations

import re

from saleor_netterms.core.money import MAX_INTEGER_DIGITS, InvalidMoney, Money, currency_validate
from saleor_netterms.core.money import amount_parse as core_amount_parse

from .errors import ApiInputError

_AMOUNT_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
MAX_PAGE = 100
_PG_INT_MAX = 2**63 - 1


def pk_parse(value) -> int | None:
    """A database id from an ``ID`` argument, or None (the caller answers NOT_FOUND)."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= _PG_INT_MAX else None


def currency_parse(value, *, field: str = "currency") -> str:
    try:
        return currency_validate(value if isinstance(value, str) else "")
    except InvalidMoney as exc:
        raise ApiInputError("INVALID_CURRENCY", f"{value!r} is not an ISO 4217 currency code.",
                            field=field) from exc


def amount_parse(value, currency: str, *, field: str = "amount") -> Money:
    """``Money`` from a decimal string in an already validated currency, or INVALID_AMOUNT
    (core.money.amount_parse, the one amount reader; negative amounts are the service's call)."""
    if not isinstance(value, str):
        raise ApiInputError("INVALID_AMOUNT", f"{str(value)[:40]!r} is not a decimal amount like \"1250.00\".",
                            field=field)
    try:
        return core_amount_parse(value, currency, allow_negative=True)
    except InvalidMoney as exc:
        raise ApiInputError("INVALID_AMOUNT", _amount_problem(value, currency), field=field) from exc


def _amount_problem(value: str, currency: str) -> str:
    if not _AMOUNT_RE.fullmatch(value):
        return f"{value[:40]!r} is not a decimal amount like \"1250.00\"."
    if len(value.lstrip("-").split(".")[0]) > MAX_INTEGER_DIGITS:
        return f"{value[:40]} is too large."
    return f"{value} has more decimal places than {currency} allows."


def money_parse(amount, currency, *, amount_field: str = "amount",
                currency_field: str = "currency") -> Money:
    code = currency_parse(currency, field=currency_field)
    return amount_parse(amount, code, field=amount_field)


def page_parse(first: int | None, offset: int | None, *, default: int = 50) -> tuple[int, int]:
    """``(first, offset)``; first is 1..100 (default 50), offset ≥ 0."""
    first = default if first is None else first
    offset = 0 if offset is None else offset
    if not 0 < first <= MAX_PAGE or offset < 0:
        raise ApiInputError("INVALID_PAGINATION", f"first must be 1 to {MAX_PAGE} and offset zero or more.",
                            field="offset" if 0 < first <= MAX_PAGE else "first")
    return first, offset
