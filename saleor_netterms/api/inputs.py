"""Strict parsing of API arguments: ids, currencies, decimal amount strings, pagination.

Amounts arrive as decimal strings (``"1250.00"``), never floats. A string is accepted only when it
is plain decimal notation (optional ``-``, digits, optional fraction; no exponent, no spaces, no
thousands separators, no leading zeros) AND it fits the currency exactly: ``"10.005"`` USD is
refused rather than rounded. Whether a negative or zero amount makes sense is the service's call.
"""
from __future__ import annotations

import re
from decimal import Decimal

from saleor_netterms.core.money import InvalidMoney, Money, currency_validate, quantize

from .errors import ApiInputError

_AMOUNT_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
# Amount columns are NUMERIC(20, 4): at most 16 digits before the point.
MAX_INTEGER_DIGITS = 16
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
    """``Money`` from a decimal string in an already validated currency, or INVALID_AMOUNT."""
    if not isinstance(value, str) or not _AMOUNT_RE.fullmatch(value):
        raise ApiInputError("INVALID_AMOUNT", f"{value!r} is not a decimal amount like \"1250.00\".",
                            field=field)
    amount = Decimal(value)
    if len(value.lstrip("-").split(".")[0]) > MAX_INTEGER_DIGITS:
        raise ApiInputError("INVALID_AMOUNT", f"{value} is too large.", field=field)
    exact = quantize(amount, currency)
    if exact != amount:
        raise ApiInputError("INVALID_AMOUNT",
                            f"{value} has more decimal places than {currency} allows.", field=field)
    return Money(exact, currency)


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
