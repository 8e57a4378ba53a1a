"""Money is a Decimal amount plus an ISO 4217 code, quantized to the currency's precision.

Never a float: Saleor sends amounts as JSON floats (FACTS.md §11), so webhook bodies are parsed
with `json.loads(raw, parse_float=Decimal)` and amounts quantized here at the boundary.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import Locale
from babel.numbers import format_currency, get_currency_precision

from .errors import NetTermsError


class InvalidMoney(NetTermsError):
    code = "INVALID_MONEY"
    http_status = 400
    buyer_message = "The amount or currency is not valid."
    merchant_message = "An amount or currency code could not be read."


@lru_cache(maxsize=None)
def _known_currencies() -> frozenset[str]:
    return frozenset(Locale("en").currencies.keys())


def currency_validate(currency: str) -> str:
    code = (currency or "").strip().upper()
    if len(code) != 3 or code not in _known_currencies():
        raise InvalidMoney(f"unknown currency code {currency!r}")
    return code


@lru_cache(maxsize=None)
def currency_exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (JPY 0, USD 2, BHD 3)."""
    if isinstance(amount, float):
        raise InvalidMoney("float amounts are not accepted; use Decimal or a string")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidMoney(f"not an amount: {amount!r}") from exc
    if not value.is_finite():
        raise InvalidMoney(f"not a finite amount: {amount!r}")
    return value.quantize(currency_exponent(currency), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: Decimal | str | int, currency: str) -> "Money":
        code = currency_validate(currency)
        return cls(quantize(Decimal(str(amount)) if not isinstance(amount, Decimal) else amount, code), code)

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls.of(0, currency)

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise InvalidMoney(f"currency mismatch: {self.currency} vs {getattr(other, 'currency', other)}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount >= other.amount

    def is_positive(self) -> bool:
        return self.amount > 0

    def as_string(self) -> str:
        """The exact amount as JSON should carry it ("1250.00")."""
        return format(self.amount, "f")

    def format(self, locale: str = "en_US") -> str:
        return format_currency(self.amount, self.currency, locale=locale)

    def __str__(self) -> str:
        return f"{self.as_string()} {self.currency}"


def json_loads_exact(raw: bytes | str):
    """Parse JSON with every non-integer number as Decimal (never float)."""
    return json.loads(raw, parse_float=Decimal)
