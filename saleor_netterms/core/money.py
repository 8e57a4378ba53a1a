"""Money is a Decimal amount plus an ISO 4217 code, quantized to the currency's precision.

Never a float: Saleor sends amounts as JSON floats (FACTS.md §11), so webhook bodies are parsed
with `json.loads(raw, parse_float=Decimal)` and amounts quantized here at the boundary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies

from .errors import NetTermsError
from .inbound import json_read


class InvalidMoney(NetTermsError):
    code = "INVALID_MONEY"
    http_status = 400
    buyer_message = "The amount or currency is not valid."
    merchant_message = "An amount or currency code could not be read."


class InvalidAmount(InvalidMoney):
    code = "INVALID_AMOUNT"
    buyer_message = "The amount is not valid."
    merchant_message = "An amount could not be read: use a decimal string like \"1250.00\"."


@lru_cache(maxsize=None)
def _known_currencies() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today (CLDR, through babel): no test or
    no-currency codes (XTS, XXX), no precious metals or fund codes, no withdrawn currencies."""
    today = date.today()
    return frozenset(code for territory in get_global("territory_currencies")
                     for code in get_territory_currencies(territory, start_date=today, tender=True))


class InvalidCurrency(InvalidMoney):
    code = "INVALID_CURRENCY"
    buyer_message = "The currency is not valid."
    merchant_message = "Not an ISO 4217 currency code in use (e.g. USD, EUR)."


def currency_validate(currency: str) -> str:
    code = (currency if isinstance(currency, str) else "").strip().upper()
    if len(code) != 3 or code not in _known_currencies():
        raise InvalidCurrency(f"unknown currency code {str(currency)[:16]!r}")
    return code


@lru_cache(maxsize=None)
def currency_exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (JPY 0, USD 2, BHD 3)."""
    if isinstance(amount, (float, bool)):
        raise InvalidAmount("float and boolean amounts are not accepted; use Decimal or a string")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidAmount(f"not an amount: {str(amount)[:40]!r}") from exc
    if not value.is_finite():
        raise InvalidAmount(f"not a finite amount: {amount!r}")
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise InvalidAmount(f"amount too large: {str(amount)[:40]}")
    try:
        return value.quantize(currency_exponent(currency), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise InvalidAmount(f"amount cannot be quantized: {str(amount)[:40]}") from exc


# Amount columns are NUMERIC(20, 4): at most 16 digits before the point.
MAX_INTEGER_DIGITS = 16
_AMOUNT_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def amount_parse(value, currency: str, *, allow_negative: bool = False) -> "Money":
    """THE reader of every amount that comes in (webhooks, API, portal, files): a decimal string in
    plain notation (``"1250.00"``: optional ``-``, digits, optional fraction; no exponent, spaces
    or separators), an ``int``, or a finite ``Decimal`` (a JSON number read with
    ``parse_float=Decimal``) — exactly in the currency's minor unit (``"10.005"`` USD is refused,
    never rounded), at most 16 integer digits, negative only when ``allow_negative``. Raises
    ``InvalidAmount`` (400 INVALID_AMOUNT) for ``1e400``, ``10**30``, ``"abc"``, ``True``, ``[1]``,
    NaN, Infinity, floats; ``InvalidMoney`` for an unknown currency. Zero is a valid amount: the
    caller says what zero means."""
    code = currency_validate(currency)
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise InvalidAmount(f"not an amount: {type(value).__name__}")
    if isinstance(value, str):
        if len(value) > 64 or not _AMOUNT_RE.fullmatch(value):
            raise InvalidAmount(f"not a decimal amount: {value[:40]!r}")
        amount = Decimal(value)
    elif isinstance(value, int):
        if abs(value) >= 10 ** MAX_INTEGER_DIGITS:
            raise InvalidAmount("amount too large")
        amount = Decimal(value)
    else:
        amount = value
    if not amount.is_finite():
        raise InvalidAmount(f"not a finite amount: {amount!r}")
    if amount != 0 and amount.adjusted() >= MAX_INTEGER_DIGITS:
        raise InvalidAmount(f"amount too large: {str(amount)[:40]}")
    if amount < 0 and not allow_negative:
        raise InvalidAmount(f"negative amount: {amount}")
    exact = quantize(amount, code)
    if exact != amount:
        raise InvalidAmount(f"{amount} has more decimal places than {code} allows")
    return Money(exact, code)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: Decimal | str | int, currency: str) -> "Money":
        """Trusted, internal amounts (rounded half-up); input from outside goes through amount_parse."""
        code = currency_validate(currency)
        if isinstance(amount, (bool, float)):
            raise InvalidAmount(f"not an amount: {type(amount).__name__}")
        try:
            value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise InvalidAmount(f"not an amount: {str(amount)[:40]!r}") from exc
        return cls(quantize(value, code), code)

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
    """Parse JSON with every non-integer number as Decimal (never float), bounded and checked
    (core.inbound.json_read: depth, NaN/Infinity, NUL and lone surrogates → MalformedPayload /
    InvalidText)."""
    return json_read(raw)
