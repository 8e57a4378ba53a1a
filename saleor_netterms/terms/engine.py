"""The payment terms engine: pure term arithmetic (STYLE.md §6).

No Django, no I/O, no database. Everything here is a frozen dataclass or a function of its
arguments, so it can be tested (and property-tested) without a database.

Vocabulary
----------
* A **due rule** turns an issue date (and, for some rules, a fulfilment date) into one due date:
  `NetDays`, `EndOfMonth`, `EndOfMonthOnDay`, `DueOnReceipt`, `DueOnFulfilment`, `DayOfMonth`,
  `FixedDate`.
* A **plan** says how the total is split: one due rule (the whole total), `Instalments` (shares
  in percent, each with its own due rule) or `Deposit` (a percentage due on receipt, the balance
  per a due rule).
* `PaymentTerms` = a plan + an optional early-payment `DiscountRule` ("2/10") + an optional
  `LateFeeRule`.
* `schedule_compute()` applies terms to a total and an issue date and returns a `Schedule`.

Decisions (documented here because they are business rules, not accidents)
------------------------------------------------------------------------------
* Percentages are Decimal percent (`Decimal("30")` is 30 %), or an exact `Fraction` of percent
  for shares a decimal cannot write (`Fraction(100, 3)` is one third; stored as "100/3"), never
  float.
* Amounts are apportioned by largest remainder (Hamilton): each part's exact share in minor
  units is rounded down, and the units left over go one each to the parts with the largest
  remainders (earlier parts first on a tie). Parts sum exactly to the total and each is within
  one minor unit of its exact share (100.00 USD in thirds → 33.34 / 33.33 / 33.33). A split
  that would give a part of zero (7 parts of 0.05 EUR, a 30 % deposit of 0.01) is refused
  (`SPLIT_TOO_SMALL`): an invoice never asks for a payment of nothing.
* A deposit is a percentage or a fixed amount (in the invoice's currency, below the total).
* No due date is ever before the issue date: a fulfilment before the invoice was issued makes
  the part due on the issue date; a fixed date already past makes it due on receipt, and the
  label says so ("Due on receipt (fixed date 2024-01-01 has passed)", also in `notes`).
* Due on fulfilment: before fulfilment the due date is unknown; the part carries
  `due_date=None, pending="fulfilment"` and the schedule's `final_due_date` is None.
* An early-payment discount is `percent` off the whole total when the whole total is paid by the
  deadline (issue date + `days`). On a single due rule that is a fixed offset from issue, the
  deadline must be STRICTLY before the due date for every possible issue date (checked when the
  terms are built). On instalments, deposits, and rules that are not an offset (end of month,
  fixed date, on fulfilment) it is checked when the schedule is computed: a deadline not before
  the last known due date offers no discount, and `Schedule.notes` says why.
* Late fees run from the due date; grace days only delay when they start (on the first day after
  the grace period the fee for all days since the due date is owed). A monthly fee is charged per
  started month. The cap is the smaller of the absolute cap and the percent-of-principal cap.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from typing import Any, ClassVar, Literal, TypeAlias

from saleor_netterms.core.money import (
    InvalidMoney,
    Money,
    currency_exponent,
    currency_validate,
    quantize,
)

from .errors import InvalidTerms

DEFINITION_VERSION = 1
MAX_DAYS = 3660  # ten years: anything longer is a typo, and keeps date arithmetic in range
MAX_INSTALMENTS = 120
MAX_PERCENT_PLACES = 6
HUNDRED = Decimal(100)

PENDING_FULFILMENT: Literal["fulfilment"] = "fulfilment"


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _fail(reason: str, message: str) -> InvalidTerms:
    return InvalidTerms(f"{reason}: {message}", reason=reason, merchant_message=message)


def _check_int(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("WRONG_TYPE", f"{name} must be a whole number, got {value!r}.")


def _check_days(value: Any, name: str) -> None:
    _check_int(value, name)
    if value < 0:
        raise _fail("NEGATIVE_DAYS", f"{name} cannot be negative (got {value}).")
    if value > MAX_DAYS:
        raise _fail("TOO_MANY_DAYS", f"{name} cannot exceed {MAX_DAYS} days (got {value}).")


def _check_day_of_month(value: Any, name: str) -> None:
    _check_int(value, name)
    if not 1 <= value <= 31:
        raise _fail("INVALID_DAY_OF_MONTH", f"{name} must be between 1 and 31 (got {value}).")


def _check_percent(value: Any, name: str, *, allow_hundred: bool, allow_fraction: bool = False) -> None:
    if allow_fraction and isinstance(value, Fraction):
        upper_ok = value <= 100 if allow_hundred else value < 100
        if value <= 0 or not upper_ok:
            bound = "at most 100" if allow_hundred else "below 100"
            raise _fail("INVALID_PERCENT", f"{name} must be above 0 and {bound} (got {value}).")
        return
    if not isinstance(value, Decimal):
        raise _fail("WRONG_TYPE", f"{name} must be a Decimal percentage, got {value!r}.")
    if not value.is_finite():
        raise _fail("INVALID_PERCENT", f"{name} must be a finite number (got {value}).")
    upper_ok = value <= HUNDRED if allow_hundred else value < HUNDRED
    if value <= 0 or not upper_ok:
        bound = "at most 100" if allow_hundred else "below 100"
        raise _fail("INVALID_PERCENT", f"{name} must be above 0 and {bound} (got {_pct(value)}).")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PERCENT_PLACES:
        raise _fail(
            "PERCENT_TOO_PRECISE",
            f"{name} may have at most {MAX_PERCENT_PLACES} decimal places (got {value}).",
        )


def _check_money(value: Any, name: str) -> None:
    if not isinstance(value, Money):
        raise _fail("WRONG_TYPE", f"{name} must be Money, got {value!r}.")
    try:
        code = currency_validate(value.currency)
    except InvalidMoney as exc:
        raise _fail(
            "INVALID_CURRENCY", f"{name} has an unknown currency {value.currency!r}."
        ) from exc
    if code != value.currency:
        raise _fail("INVALID_CURRENCY", f"{name} currency must be an upper-case ISO 4217 code.")
    if not isinstance(value.amount, Decimal) or not value.amount.is_finite():
        raise _fail("INVALID_AMOUNT", f"{name} must be a finite Decimal amount.")
    if value.amount <= 0:
        raise _fail("INVALID_AMOUNT", f"{name} must be positive (got {value}).")
    if quantize(value.amount, value.currency) != value.amount:
        raise _fail(
            "AMOUNT_TOO_PRECISE",
            f"{name} has more decimals than {value.currency} allows (got {value.amount}).",
        )


# --------------------------------------------------------------------------------------------
# date helpers
# --------------------------------------------------------------------------------------------


def _last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _end_of_month(day: date) -> date:
    return day.replace(day=_last_day_of_month(day.year, day.month))


def _shift_months(day: date, months: int, day_of_month: int) -> date:
    """The date `months` months after `day`'s month, on `day_of_month` clamped to month length."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day_of_month, _last_day_of_month(year, month)))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _pct(value) -> str:
    """A percentage for labels: 30 → "30", 2.50 → "2.5" (never scientific notation); an exact
    Fraction that is no decimal → its value to two places ("33.33")."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        value = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _share(percent) -> str:
    """An instalment's share for labels: "30%", or "1/3" for an exact fraction of percent."""
    if isinstance(percent, Fraction) and percent.denominator != 1:
        share = percent / 100
        return f"{share.numerator}/{share.denominator}"
    return f"{_pct(percent)}%"


# --------------------------------------------------------------------------------------------
# due rules: one due date from an issue date (and maybe a fulfilment date)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NetDays:
    """Due `days` days after the issue date ("Net 30")."""

    days: int
    kind: ClassVar[str] = "net"

    def __post_init__(self) -> None:
        _check_days(self.days, "Net days")


@dataclass(frozen=True, slots=True)
class EndOfMonth:
    """Due `days` days after the last day of the issue month ("EOM + 15"; "EOM" when 0)."""

    days: int = 0
    kind: ClassVar[str] = "eom"

    def __post_init__(self) -> None:
        _check_days(self.days, "Days after end of month")


@dataclass(frozen=True, slots=True)
class EndOfMonthOnDay:
    """Odoo's "days end of month on the": add `days` to the issue date, then due on `day` of the
    FOLLOWING month (clamped to its length). 30 days then the 10th: issued Jan 15 → Feb 14 →
    due Mar 10."""

    days: int
    day: int
    kind: ClassVar[str] = "eom_day"

    def __post_init__(self) -> None:
        _check_days(self.days, "Days before end of month")
        _check_day_of_month(self.day, "Day of next month")


@dataclass(frozen=True, slots=True)
class DueOnReceipt:
    """Due on the issue date."""

    kind: ClassVar[str] = "receipt"


@dataclass(frozen=True, slots=True)
class DueOnFulfilment:
    """Due `days` days after fulfilment (Shopify's "due on fulfillment" when 0). Unknown (pending)
    until the order is fulfilled; never before the issue date."""

    days: int = 0
    kind: ClassVar[str] = "fulfilment"

    def __post_init__(self) -> None:
        _check_days(self.days, "Days after fulfilment")


@dataclass(frozen=True, slots=True)
class DayOfMonth:
    """Due on the next `day` of a month on or after issue date + `min_days`; a day the month does
    not have is clamped to the month's last day (31 → Feb 28/29, Apr 30)."""

    day: int
    min_days: int = 0
    kind: ClassVar[str] = "day_of_month"

    def __post_init__(self) -> None:
        _check_day_of_month(self.day, "Day of month")
        _check_days(self.min_days, "Minimum days")


@dataclass(frozen=True, slots=True)
class FixedDate:
    """Due on a calendar date (or on the issue date if that is already past)."""

    due: date
    kind: ClassVar[str] = "fixed_date"

    def __post_init__(self) -> None:
        if not isinstance(self.due, date):
            raise _fail("WRONG_TYPE", f"Fixed due date must be a date, got {self.due!r}.")


DueRule: TypeAlias = (
    NetDays | EndOfMonth | EndOfMonthOnDay | DueOnReceipt | DueOnFulfilment | DayOfMonth | FixedDate
)
DUE_RULE_TYPES: tuple[type, ...] = (
    NetDays,
    EndOfMonth,
    EndOfMonthOnDay,
    DueOnReceipt,
    DueOnFulfilment,
    DayOfMonth,
    FixedDate,
)


def due_date_resolve(
    rule: DueRule, *, issue_date: date, fulfilment_date: date | None
) -> date | None:
    """The due date `rule` gives for this issue date; None only for an unfulfilled
    `DueOnFulfilment`. Never earlier than `issue_date`."""
    match rule:
        case NetDays(days=days):
            return issue_date + timedelta(days=days)
        case EndOfMonth(days=days):
            return _end_of_month(issue_date) + timedelta(days=days)
        case EndOfMonthOnDay(days=days, day=day):
            return _shift_months(issue_date + timedelta(days=days), 1, day)
        case DueOnReceipt():
            return issue_date
        case DueOnFulfilment(days=days):
            if fulfilment_date is None:
                return None
            return max(fulfilment_date + timedelta(days=days), issue_date)
        case DayOfMonth(day=day, min_days=min_days):
            start = issue_date + timedelta(days=min_days)
            this_month = _shift_months(start, 0, day)
            return this_month if this_month >= start else _shift_months(start, 1, day)
        case FixedDate(due=due):
            return max(due, issue_date)
    raise _fail("UNKNOWN_KIND", f"Unknown due rule {rule!r}.")


def _earliest_due_offset(rule: DueRule) -> int | None:
    """The fewest days after issue this rule can ever fall due; None when the due date is not an
    offset from the issue date at all (fulfilment, fixed date)."""
    match rule:
        case NetDays(days=days) | EndOfMonth(days=days):
            return days  # EOM: issued on the last day of the month
        case EndOfMonthOnDay(days=days):
            return days + 1  # the due date is always in a later month than issue + days
        case DueOnReceipt():
            return 0
        case DayOfMonth(min_days=min_days):
            return min_days
    return None


def _rule_label(rule: DueRule) -> str:
    """The rule on its own: "Net 30", "EOM + 15", "Due on fulfilment"…"""
    match rule:
        case NetDays(days=days):
            return f"Net {days}"
        case EndOfMonth(days=0):
            return "EOM"
        case EndOfMonth(days=days):
            return f"EOM + {days}"
        case EndOfMonthOnDay(days=0, day=day):
            return f"{_ordinal(day)} of next month"
        case EndOfMonthOnDay(days=days, day=day):
            return f"{days} days, then the {_ordinal(day)} of next month"
        case DueOnReceipt():
            return "Due on receipt"
        case DueOnFulfilment(days=0):
            return "Due on fulfilment"
        case DueOnFulfilment(days=days):
            return f"{days} days after fulfilment"
        case DayOfMonth(day=day, min_days=0):
            return f"Due on the {_ordinal(day)}"
        case DayOfMonth(day=day, min_days=min_days):
            return f"Due on the {_ordinal(day)}, at least {min_days} days after issue"
        case FixedDate(due=due):
            return f"Due {due.isoformat()}"
    raise _fail("UNKNOWN_KIND", f"Unknown due rule {rule!r}.")


def _rule_phrase(rule: DueRule) -> str:
    """The rule inside a longer label: "at 30 days", "on receipt", "at EOM + 15"…"""
    match rule:
        case NetDays(days=days):
            return f"at {days} days"
        case EndOfMonth():
            return f"at {_rule_label(rule)}"
        case EndOfMonthOnDay(days=0, day=day):
            return f"on the {_ordinal(day)} of next month"
        case EndOfMonthOnDay(days=days, day=day):
            return f"at {days} days, then the {_ordinal(day)} of next month"
        case DueOnReceipt():
            return "on receipt"
        case DueOnFulfilment(days=0):
            return "on fulfilment"
        case DueOnFulfilment():
            return _rule_label(rule)
        case DayOfMonth() | FixedDate():
            return "on" + _rule_label(rule).removeprefix("Due on").removeprefix("Due")
    raise _fail("UNKNOWN_KIND", f"Unknown due rule {rule!r}.")


# --------------------------------------------------------------------------------------------
# plans
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Instalment:
    """One share of an instalment plan: `percent` of the total (Decimal, or an exact Fraction
    such as Fraction(100, 3) for one third), due per `due`."""

    percent: Decimal | Fraction
    due: DueRule

    def __post_init__(self) -> None:
        _check_percent(self.percent, "Instalment share", allow_hundred=True, allow_fraction=True)
        if not isinstance(self.due, DUE_RULE_TYPES):
            raise _fail(
                "WRONG_TYPE",
                f"An instalment's due rule must be a single due rule, got {self.due!r}.",
            )


@dataclass(frozen=True, slots=True)
class Instalments:
    """Several parts ("30% at 30 days, 70% at 60 days"); shares must add up to exactly 100 %."""

    parts: tuple[Instalment, ...]
    kind: ClassVar[str] = "instalments"

    def __post_init__(self) -> None:
        if not isinstance(self.parts, tuple) or not all(
            isinstance(p, Instalment) for p in self.parts
        ):
            raise _fail("WRONG_TYPE", "Instalments must be a tuple of Instalment.")
        if len(self.parts) < 2:
            raise _fail("TOO_FEW_INSTALMENTS", "An instalment plan needs at least two instalments.")
        if len(self.parts) > MAX_INSTALMENTS:
            raise _fail(
                "TOO_MANY_INSTALMENTS",
                f"An instalment plan has at most {MAX_INSTALMENTS} instalments.",
            )
        total = sum((Fraction(p.percent) for p in self.parts), Fraction(0))
        if total != 100:
            raise _fail(
                "SHARES_NOT_100",
                f"Instalment shares must add up to 100% (they add up to {_pct(total)}%).",
            )


@dataclass(frozen=True, slots=True)
class Deposit:
    """`percent` of the total (or a fixed `amount`) due on receipt; the balance per `balance`."""

    percent: Decimal | Fraction | None
    balance: DueRule
    amount: Money | None = None
    kind: ClassVar[str] = "deposit"

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            raise _fail("DEPOSIT_AMBIGUOUS",
                        "A deposit is either a percentage or a fixed amount, exactly one of them.")
        if self.percent is not None:
            _check_percent(self.percent, "Deposit", allow_hundred=False, allow_fraction=True)
        else:
            _check_money(self.amount, "Deposit amount")
        if not isinstance(self.balance, DUE_RULE_TYPES):
            raise _fail(
                "WRONG_TYPE",
                f"A deposit's balance rule must be a single due rule, got {self.balance!r}.",
            )


Plan: TypeAlias = DueRule | Instalments | Deposit


# --------------------------------------------------------------------------------------------
# discount and late fee rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiscountRule:
    """Early-payment (cash) discount: `percent` off the total if paid within `days` of issue
    ("2/10" = 2 % within 10 days)."""

    percent: Decimal
    days: int

    def __post_init__(self) -> None:
        _check_percent(self.percent, "Discount", allow_hundred=False)
        _check_days(self.days, "Discount days")


LateFeePeriod: TypeAlias = Literal["once", "day", "month"]
LATE_FEE_PERIODS: tuple[str, ...] = ("once", "day", "month")


@dataclass(frozen=True, slots=True)
class LateFeeRule:
    """A late fee: either `percent` of the principal or a flat `amount`, charged `period`
    ("once", per "day" or per started "month" since the due date) once `grace_days` have passed;
    never more than `cap_amount` nor `cap_percent` of the principal (either, both or none)."""

    period: LateFeePeriod
    percent: Decimal | None = None
    amount: Money | None = None
    grace_days: int = 0
    cap_amount: Money | None = None
    cap_percent: Decimal | None = None

    def __post_init__(self) -> None:
        if self.period not in LATE_FEE_PERIODS:
            raise _fail(
                "INVALID_PERIOD",
                f"Late fee period must be one of {', '.join(LATE_FEE_PERIODS)} "
                f"(got {self.period!r}).",
            )
        if (self.percent is None) == (self.amount is None):
            raise _fail(
                "LATE_FEE_AMBIGUOUS",
                "A late fee is either a percentage or a flat amount, exactly one of them.",
            )
        if self.percent is not None:
            _check_percent(self.percent, "Late fee", allow_hundred=True)
        if self.amount is not None:
            _check_money(self.amount, "Late fee amount")
        _check_days(self.grace_days, "Grace days")
        if self.cap_amount is not None:
            _check_money(self.cap_amount, "Late fee cap")
            if self.amount is not None and self.amount.currency != self.cap_amount.currency:
                raise _fail(
                    "LATE_FEE_CURRENCY_MISMATCH",
                    "The late fee and its cap must be in the same currency.",
                )
        if self.cap_percent is not None:
            _check_percent(self.cap_percent, "Late fee cap", allow_hundred=True)

    @property
    def currency(self) -> str | None:
        """The currency this rule is bound to (flat amount or absolute cap), if any."""
        money = self.amount or self.cap_amount
        return money.currency if money is not None else None


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """A complete payment terms definition: plan + optional discount + optional late fee."""

    plan: Plan
    discount: DiscountRule | None = None
    late_fee: LateFeeRule | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.plan, (*DUE_RULE_TYPES, Instalments, Deposit)):
            raise _fail("WRONG_TYPE", f"Unknown payment plan {self.plan!r}.")
        if self.discount is not None and not isinstance(self.discount, DiscountRule):
            raise _fail("WRONG_TYPE", f"Discount must be a DiscountRule, got {self.discount!r}.")
        if self.late_fee is not None and not isinstance(self.late_fee, LateFeeRule):
            raise _fail("WRONG_TYPE", f"Late fee must be a LateFeeRule, got {self.late_fee!r}.")
        if self.discount is not None:
            self._discount_validate(self.discount)

    def _discount_validate(self, discount: DiscountRule) -> None:
        """A single rule that is a fixed offset from issue: the deadline must come first for
        every issue date. Other plans are checked per schedule (schedule_compute)."""
        if isinstance(self.plan, (Instalments, Deposit)) or isinstance(self.plan, EndOfMonth):
            return
        earliest = _earliest_due_offset(self.plan)
        if earliest is None:
            return
        if discount.days >= earliest:
            raise _fail(
                "DISCOUNT_DEADLINE_NOT_BEFORE_DUE",
                f"The discount deadline ({discount.days} days) must fall before the due date, "
                f"which can be as early as {earliest} days after issue.",
            )


# --------------------------------------------------------------------------------------------
# schedules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchedulePart:
    """One amount and when it is due. `due_date` is None (and `pending` says why) while the due
    date is not known yet."""

    due_date: date | None
    amount: Money
    label: str
    percent: Decimal
    pending: Literal["fulfilment"] | None = None


@dataclass(frozen=True, slots=True)
class EarlyPaymentDiscount:
    """The discount offered on one schedule: pay `total - amount` by `deadline` (inclusive)."""

    percent: Decimal
    amount: Money
    deadline: date
    discounted_total: Money


@dataclass(frozen=True, slots=True)
class Schedule:
    """Terms applied to a total and an issue date."""

    terms: PaymentTerms
    total: Money
    issue_date: date
    parts: tuple[SchedulePart, ...]
    discount: EarlyPaymentDiscount | None
    final_due_date: date | None  # None while any part is pending
    label: str
    pending: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # what the terms could not do as written, and why

    @property
    def is_pending(self) -> bool:
        return bool(self.pending)


def _split(total: Money, shares: Sequence[Fraction]) -> list[Money]:
    """Apportion `total` by `shares` (exact fractions of the total, summing to 1) by largest
    remainder: floors of the exact minor-unit shares, then one unit each to the largest
    remainders (earlier first on a tie). Every part is within one minor unit of its share; a
    part of zero out of a positive total is refused (SPLIT_TOO_SMALL)."""
    exponent = currency_exponent(total.currency)
    units = int(total.amount / exponent)
    exact = [Fraction(units) * share for share in shares]
    floors = [int(e) for e in exact]  # shares are positive: int() is the floor
    left = units - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    if units > 0 and min(floors) == 0:
        raise _fail(
            "SPLIT_TOO_SMALL",
            f"{total} cannot be split into {len(shares)} parts of at least one "
            f"{format(exponent, 'f')} {total.currency} each.",
        )
    return [Money(Decimal(n) * exponent, total.currency) for n in floors]


def _amount_check(money: Money, name: str, *, allow_negative: bool = False) -> None:
    """Refuse a non-Money, an unknown currency, a non-finite or over-precise amount (and a
    negative one unless allowed): amounts entering the engine must already be exact."""
    if not isinstance(money, Money):
        raise InvalidMoney(f"{name} must be Money, got {money!r}")
    if currency_validate(money.currency) != money.currency:
        raise InvalidMoney(
            f"{name} currency must be an upper-case ISO 4217 code, got {money.currency!r}"
        )
    if not isinstance(money.amount, Decimal) or not money.amount.is_finite():
        raise InvalidMoney(f"{name} must be a finite Decimal, got {money.amount!r}")
    if money.amount < 0 and not allow_negative:
        raise InvalidMoney(f"{name} cannot be negative, got {money}")
    if quantize(money.amount, money.currency) != money.amount:
        raise InvalidMoney(f"{name} {money} has more decimals than {money.currency} allows")


def terms_label(terms: PaymentTerms) -> str:
    """A short human label: "Net 30", "2/10 Net 30", "EOM + 15",
    "30% at 30 days, 70% at 60 days", "30% deposit, balance Net 30"."""
    plan = terms.plan
    if isinstance(plan, Instalments):
        label = ", ".join(f"{_share(p.percent)} {_rule_phrase(p.due)}" for p in plan.parts)
    elif isinstance(plan, Deposit):
        if isinstance(plan.balance, (NetDays, EndOfMonth)):
            balance = _rule_label(plan.balance)  # "balance Net 30", "balance EOM + 15"
        else:
            balance = _rule_phrase(plan.balance)  # "balance on fulfilment", "balance on the 15th"
        what = f"{_share(plan.percent)}" if plan.percent is not None else f"{plan.amount}"
        label = f"{what} deposit, balance {balance}"
    else:
        label = _rule_label(plan)
    if terms.discount is not None:
        label = f"{_pct(terms.discount.percent)}/{terms.discount.days} {label}"
    return label


def late_fee_label(rule: LateFeeRule) -> str:
    """E.g. "1.5% per month after 5 days' grace, capped at 10% of the amount"."""
    what = f"{_pct(rule.percent)}%" if rule.percent is not None else str(rule.amount)
    per = {"once": "once", "day": "per day", "month": "per month"}[rule.period]
    label = f"{what} {per}"
    if rule.grace_days:
        label += f" after {rule.grace_days} days' grace"
    caps = []
    if rule.cap_amount is not None:
        caps.append(str(rule.cap_amount))
    if rule.cap_percent is not None:
        caps.append(f"{_pct(rule.cap_percent)}% of the amount")
    if caps:
        label += ", capped at " + " or ".join(caps)
    return label


def schedule_compute(
    *,
    terms: PaymentTerms,
    total: Money,
    issue_date: date,
    fulfilment_date: date | None = None,
) -> Schedule:
    """Apply `terms` to `total` issued on `issue_date`.

    Parts sum exactly to `total`; no due date precedes `issue_date`; a fulfilment-based part has
    `due_date=None, pending="fulfilment"` until `fulfilment_date` is given. Raises InvalidMoney
    for a negative or over-precise total.
    """
    _amount_check(total, "total")
    plan = terms.plan
    notes: list[str] = []
    if isinstance(plan, Instalments):
        count = len(plan.parts)
        shares = [
            (Fraction(p.percent) / 100, p.percent, p.due,
             f"Instalment {i} of {count} ({_share(p.percent)})")
            for i, p in enumerate(plan.parts, start=1)
        ]
    elif isinstance(plan, Deposit):
        if plan.amount is not None:
            if plan.amount.currency != total.currency:
                raise _fail("DEPOSIT_CURRENCY_MISMATCH",
                            f"The deposit is in {plan.amount.currency}, the invoice in {total.currency}.")
            if plan.amount.amount >= total.amount:
                raise _fail("DEPOSIT_NOT_BELOW_TOTAL",
                            f"The deposit {plan.amount} must be less than the total {total}.")
            share = Fraction(plan.amount.amount) / Fraction(total.amount)
            shares = [(share, share * 100, DueOnReceipt(), f"Deposit ({plan.amount})"),
                      (1 - share, (1 - share) * 100, plan.balance, "Balance")]
        else:
            percent = Fraction(plan.percent)
            rest = 100 - percent
            rest_label = HUNDRED - plan.percent if isinstance(plan.percent, Decimal) else rest
            shares = [
                (percent / 100, plan.percent, DueOnReceipt(), f"Deposit ({_share(plan.percent)})"),
                (rest / 100, rest_label, plan.balance, f"Balance ({_share(rest_label)})"),
            ]
    else:
        shares = [(Fraction(1), HUNDRED, plan, "Payment in full")]

    amounts = _split(total, [share for share, _, _, _ in shares])
    parts: list[SchedulePart] = []
    try:
        for (_, percent, rule, label), amount in zip(shares, amounts, strict=True):
            due = due_date_resolve(rule, issue_date=issue_date, fulfilment_date=fulfilment_date)
            if isinstance(rule, FixedDate) and rule.due < issue_date:
                notes.append(f"The fixed due date {rule.due.isoformat()} had passed when the invoice "
                             f"was issued on {issue_date.isoformat()}: due on receipt.")
            parts.append(
                SchedulePart(
                    due_date=due,
                    amount=amount,
                    label=label,
                    percent=percent if isinstance(percent, Decimal) else Decimal(percent.numerator)
                    / Decimal(percent.denominator),
                    pending=PENDING_FULFILMENT if due is None else None,
                )
            )
        discount = None
        if terms.discount is not None:
            deadline = issue_date + timedelta(days=terms.discount.days)
            known = [p.due_date for p in parts if p.due_date is not None]
            all_known = len(known) == len(parts)
            if all_known and deadline >= max(known):
                notes.append(f"No early-payment discount: its deadline {deadline.isoformat()} is not "
                             f"before the last due date {max(known).isoformat()}.")
            else:
                discount_amount = Money(
                    quantize(total.amount * terms.discount.percent / HUNDRED, total.currency),
                    total.currency,
                )
                discount = EarlyPaymentDiscount(
                    percent=terms.discount.percent,
                    amount=discount_amount,
                    deadline=deadline,
                    discounted_total=total - discount_amount,
                )
    except (OverflowError, ValueError) as exc:  # past year 9999
        raise _fail(
            "DATE_OUT_OF_RANGE", f"A due date for an invoice issued {issue_date} is out of range."
        ) from exc

    pending = tuple(sorted({p.pending for p in parts if p.pending is not None}))
    final_due = None if pending else max(p.due_date for p in parts if p.due_date is not None)
    offered = terms if discount is not None or terms.discount is None else PaymentTerms(
        plan=plan, late_fee=terms.late_fee)
    label = terms_label(offered)
    for rule in _rules_of(plan):
        if isinstance(rule, FixedDate) and rule.due < issue_date:
            label = label.replace(_rule_label(rule), f"Due on receipt (fixed date {rule.due.isoformat()} has passed)")
            label = label.replace(_rule_phrase(rule), f"on receipt (fixed date {rule.due.isoformat()} has passed)")
    return Schedule(
        terms=terms,
        total=total,
        issue_date=issue_date,
        parts=tuple(parts),
        discount=discount,
        final_due_date=final_due,
        label=label,
        pending=pending,
        notes=tuple(notes),
    )


def _rules_of(plan: Plan) -> tuple[DueRule, ...]:
    if isinstance(plan, Instalments):
        return tuple(p.due for p in plan.parts)
    if isinstance(plan, Deposit):
        return (plan.balance,)
    return (plan,)


# --------------------------------------------------------------------------------------------
# late fees
# --------------------------------------------------------------------------------------------


def _months_started(due_date: date, as_of: date) -> int:
    """How many monthly periods since `due_date` have started by `as_of` (as_of > due_date)."""
    months = (as_of.year - due_date.year) * 12 + as_of.month - due_date.month
    return months if _shift_months(due_date, months, due_date.day) >= as_of else months + 1


def late_fee_cap(*, rule: LateFeeRule, principal: Money) -> Money | None:
    """The most that may ever be charged on `principal` under `rule`; None when uncapped."""
    caps: list[Decimal] = []
    if rule.cap_amount is not None:
        if rule.cap_amount.currency != principal.currency:
            raise _fail(
                "LATE_FEE_CURRENCY_MISMATCH",
                f"The late fee cap is in {rule.cap_amount.currency}, "
                f"the amount in {principal.currency}.",
            )
        caps.append(rule.cap_amount.amount)
    if rule.cap_percent is not None:
        caps.append(quantize(principal.amount * rule.cap_percent / HUNDRED, principal.currency))
    return Money(min(caps), principal.currency) if caps else None


def late_fee_compute(
    *,
    terms: PaymentTerms,
    principal: Money,
    due_date: date,
    as_of: date,
    already_charged: Money,
) -> Money:
    """The late fee to charge now on an overdue `principal`: the total fee owed by `as_of`
    (capped) minus `already_charged`, never below zero.

    Zero without a late-fee rule, for a non-positive principal, and on or before
    `due_date + grace_days`. Monotone (non-decreasing) in `as_of`; `already_charged` plus the
    result never exceeds the cap.
    """
    _amount_check(principal, "principal", allow_negative=True)
    _amount_check(already_charged, "already_charged")
    if already_charged.currency != principal.currency:
        raise InvalidMoney(
            f"already_charged is in {already_charged.currency}, "
            f"the principal in {principal.currency}"
        )
    zero = Money(quantize(Decimal(0), principal.currency), principal.currency)
    rule = terms.late_fee
    if rule is None or principal.amount <= 0:
        return zero
    days_late = (as_of - due_date).days
    if days_late <= rule.grace_days:
        return zero

    if rule.period == "once":
        periods = 1
    elif rule.period == "day":
        periods = days_late
    else:
        periods = _months_started(due_date, as_of)

    with localcontext() as ctx:
        ctx.prec = 60
        if rule.amount is not None:
            if rule.amount.currency != principal.currency:
                raise _fail(
                    "LATE_FEE_CURRENCY_MISMATCH",
                    f"The late fee is in {rule.amount.currency}, "
                    f"the amount in {principal.currency}.",
                )
            per_period = rule.amount.amount
        else:
            assert rule.percent is not None
            per_period = principal.amount * rule.percent / HUNDRED
        fee = quantize(per_period * periods, principal.currency)
    cap = late_fee_cap(rule=rule, principal=principal)
    if cap is not None:
        fee = min(fee, cap.amount)
    return Money(max(fee - already_charged.amount, zero.amount), principal.currency)


# --------------------------------------------------------------------------------------------
# serialization (JSON-safe: Decimals and dates as strings)
# --------------------------------------------------------------------------------------------


def _rule_to_dict(rule: DueRule) -> dict[str, Any]:
    match rule:
        case NetDays(days=days) | EndOfMonth(days=days) | DueOnFulfilment(days=days):
            return {"kind": rule.kind, "days": days}
        case EndOfMonthOnDay(days=days, day=day):
            return {"kind": rule.kind, "days": days, "day": day}
        case DueOnReceipt():
            return {"kind": rule.kind}
        case DayOfMonth(day=day, min_days=min_days):
            return {"kind": rule.kind, "day": day, "min_days": min_days}
        case FixedDate(due=due):
            return {"kind": rule.kind, "date": due.isoformat()}
    raise _fail("UNKNOWN_KIND", f"Unknown due rule {rule!r}.")


def _money_to_dict(money: Money) -> dict[str, str]:
    return {"amount": money.as_string(), "currency": money.currency}


def _percent_to_text(percent) -> str:
    """"30", "2.5"; an exact fraction as "100/3"."""
    if isinstance(percent, Fraction):
        return f"{percent.numerator}/{percent.denominator}" if percent.denominator != 1 else str(percent.numerator)
    return format(percent, "f")


def terms_to_dict(terms: PaymentTerms) -> dict[str, Any]:
    """The JSON-safe, canonical definition of `terms` (`terms_from_dict` reads it back)."""
    plan = terms.plan
    if isinstance(plan, Instalments):
        body: dict[str, Any] = {
            "kind": plan.kind,
            "parts": [
                {"percent": _percent_to_text(p.percent), "due": _rule_to_dict(p.due)} for p in plan.parts
            ],
        }
    elif isinstance(plan, Deposit):
        body = {"kind": plan.kind, "balance": _rule_to_dict(plan.balance)}
        if plan.amount is not None:
            body["amount"] = _money_to_dict(plan.amount)
        else:
            body["percent"] = _percent_to_text(plan.percent)
    else:
        body = _rule_to_dict(plan)
    result: dict[str, Any] = {"version": DEFINITION_VERSION, **body}
    if terms.discount is not None:
        result["discount"] = {
            "percent": format(terms.discount.percent, "f"),
            "days": terms.discount.days,
        }
    if terms.late_fee is not None:
        fee = terms.late_fee
        data: dict[str, Any] = {"period": fee.period, "grace_days": fee.grace_days}
        if fee.percent is not None:
            data["percent"] = format(fee.percent, "f")
        if fee.amount is not None:
            data["amount"] = _money_to_dict(fee.amount)
        if fee.cap_amount is not None:
            data["cap_amount"] = _money_to_dict(fee.cap_amount)
        if fee.cap_percent is not None:
            data["cap_percent"] = format(fee.cap_percent, "f")
        result["late_fee"] = data
    return result


class _Reader:
    """Strict readers for a definition dict; every refusal names the path that failed."""

    @staticmethod
    def obj(
        value: Any,
        path: str,
        *,
        required: AbstractSet[str],
        optional: AbstractSet[str] = frozenset(),
    ) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise _fail("NOT_AN_OBJECT", f"{path} must be an object.")
        unknown = sorted(set(value) - required - optional)
        if unknown:
            raise _fail(
                "UNKNOWN_FIELD", f"{path} has unknown field(s): {', '.join(map(str, unknown))}."
            )
        missing = sorted(required - set(value))
        if missing:
            raise _fail("MISSING_FIELD", f"{path} is missing field(s): {', '.join(missing)}.")
        return value

    @staticmethod
    def integer(value: Any, path: str) -> int:
        _check_int(value, path)
        return value

    @staticmethod
    def decimal(value: Any, path: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise _fail("WRONG_TYPE", f"{path} must be a decimal string, got {value!r}.")
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation as exc:
            raise _fail("WRONG_TYPE", f"{path} is not a number: {value!r}.") from exc
        if not number.is_finite():
            raise _fail("INVALID_PERCENT", f"{path} must be a finite number, got {value!r}.")
        return number

    @classmethod
    def percent(cls, value: Any, path: str) -> Decimal | Fraction:
        """A decimal string, or an exact fraction "100/3" (one third)."""
        if isinstance(value, str) and "/" in value:
            numerator, _, denominator = value.strip().partition("/")
            if not (numerator.isdigit() and denominator.isdigit()) or int(denominator) == 0:
                raise _fail("WRONG_TYPE", f"{path} is not a fraction like 100/3: {value!r}.")
            share = Fraction(int(numerator), int(denominator))
            return share if share.denominator != 1 else Decimal(share.numerator)
        return cls.decimal(value, path)

    @staticmethod
    def iso_date(value: Any, path: str) -> date:
        if not isinstance(value, str) or len(value) != 10:
            raise _fail("INVALID_DATE", f"{path} must be a date as YYYY-MM-DD, got {value!r}.")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise _fail("INVALID_DATE", f"{path} is not a valid date: {value!r}.") from exc

    @classmethod
    def money(cls, value: Any, path: str) -> Money:
        data = cls.obj(value, path, required={"amount", "currency"})
        amount = cls.decimal(data["amount"], f"{path}.amount")
        currency = data["currency"]
        if not isinstance(currency, str):
            raise _fail("INVALID_CURRENCY", f"{path}.currency must be an ISO 4217 code.")
        try:
            code = currency_validate(currency)
        except InvalidMoney as exc:
            raise _fail(
                "INVALID_CURRENCY", f"{path}.currency {currency!r} is not an ISO 4217 code."
            ) from exc
        money = Money(amount, code)
        _check_money(money, path)
        return Money(quantize(amount, code), code)


_RULE_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "net": ({"days"}, set()),
    "eom": (set(), {"days"}),
    "eom_day": ({"days", "day"}, set()),
    "receipt": (set(), set()),
    "fulfilment": (set(), {"days"}),
    "day_of_month": ({"day"}, {"min_days"}),
    "fixed_date": ({"date"}, set()),
}
_TERMS_EXTRA = {"version", "discount", "late_fee"}


def _kind(data: Any, path: str, allowed: Sequence[str]) -> str:
    if not isinstance(data, Mapping):
        raise _fail("NOT_AN_OBJECT", f"{path} must be an object.")
    kind = data.get("kind")
    if kind not in allowed:
        raise _fail(
            "UNKNOWN_KIND", f"{path}.kind must be one of {', '.join(allowed)}, got {kind!r}."
        )
    return kind


def _rule_from_dict(data: Any, path: str, *, extra: AbstractSet[str] = frozenset()) -> DueRule:
    kind = _kind(data, path, list(_RULE_FIELDS))
    required, optional = _RULE_FIELDS[kind]
    d = _Reader.obj(data, path, required=required | {"kind"}, optional=optional | extra)
    days = _Reader.integer(d.get("days", 0), f"{path}.days")
    if kind == "net":
        return NetDays(days)
    if kind == "eom":
        return EndOfMonth(days)
    if kind == "eom_day":
        return EndOfMonthOnDay(days, _Reader.integer(d["day"], f"{path}.day"))
    if kind == "receipt":
        return DueOnReceipt()
    if kind == "fulfilment":
        return DueOnFulfilment(days)
    if kind == "day_of_month":
        return DayOfMonth(
            _Reader.integer(d["day"], f"{path}.day"),
            _Reader.integer(d.get("min_days", 0), f"{path}.min_days"),
        )
    return FixedDate(_Reader.iso_date(d["date"], f"{path}.date"))


def _plan_from_dict(data: Mapping[str, Any]) -> Plan:
    kind = _kind(data, "terms", [*_RULE_FIELDS, "instalments", "deposit"])
    if kind == "instalments":
        d = _Reader.obj(data, "terms", required={"kind", "parts"}, optional=_TERMS_EXTRA)
        raw_parts = d["parts"]
        if not isinstance(raw_parts, list):
            raise _fail("WRONG_TYPE", "terms.parts must be a list.")
        parts = []
        for i, raw in enumerate(raw_parts):
            path = f"terms.parts[{i}]"
            p = _Reader.obj(raw, path, required={"percent", "due"})
            parts.append(
                Instalment(
                    _Reader.percent(p["percent"], f"{path}.percent"),
                    _rule_from_dict(p["due"], f"{path}.due"),
                )
            )
        return Instalments(tuple(parts))
    if kind == "deposit":
        d = _Reader.obj(
            data, "terms", required={"kind", "balance"}, optional=_TERMS_EXTRA | {"percent", "amount"}
        )
        return Deposit(
            _Reader.percent(d["percent"], "terms.percent") if "percent" in d else None,
            _rule_from_dict(d["balance"], "terms.balance"),
            amount=_Reader.money(d["amount"], "terms.amount") if "amount" in d else None,
        )
    return _rule_from_dict(data, "terms", extra=_TERMS_EXTRA)


def _late_fee_from_dict(data: Any) -> LateFeeRule:
    path = "terms.late_fee"
    d = _Reader.obj(
        data,
        path,
        required={"period"},
        optional={"percent", "amount", "grace_days", "cap_amount", "cap_percent"},
    )
    period = d["period"]
    if period not in LATE_FEE_PERIODS:
        raise _fail(
            "INVALID_PERIOD",
            f"{path}.period must be one of {', '.join(LATE_FEE_PERIODS)}, got {period!r}.",
        )
    return LateFeeRule(
        period=period,
        percent=_Reader.decimal(d["percent"], f"{path}.percent") if "percent" in d else None,
        amount=_Reader.money(d["amount"], f"{path}.amount") if "amount" in d else None,
        grace_days=_Reader.integer(d.get("grace_days", 0), f"{path}.grace_days"),
        cap_amount=_Reader.money(d["cap_amount"], f"{path}.cap_amount")
        if "cap_amount" in d
        else None,
        cap_percent=_Reader.decimal(d["cap_percent"], f"{path}.cap_percent")
        if "cap_percent" in d
        else None,
    )


def terms_from_dict(data: Any) -> PaymentTerms:
    """Read a definition written by `terms_to_dict` (or by a merchant), strictly: unknown or
    missing fields, wrong types, floats, bad values all raise InvalidTerms with a `reason`."""
    if not isinstance(data, Mapping):
        raise _fail("NOT_AN_OBJECT", "terms must be an object.")
    version = data.get("version", DEFINITION_VERSION)
    if type(version) is not int or version != DEFINITION_VERSION:
        raise _fail(
            "UNSUPPORTED_VERSION", f"terms.version must be {DEFINITION_VERSION}, got {version!r}."
        )
    plan = _plan_from_dict(data)
    discount = None
    if "discount" in data:
        d = _Reader.obj(data["discount"], "terms.discount", required={"percent", "days"})
        discount = DiscountRule(
            _Reader.decimal(d["percent"], "terms.discount.percent"),
            _Reader.integer(d["days"], "terms.discount.days"),
        )
    late_fee = _late_fee_from_dict(data["late_fee"]) if "late_fee" in data else None
    return PaymentTerms(plan=plan, discount=discount, late_fee=late_fee)


# --------------------------------------------------------------------------------------------
# statutory interest and recovery compensation (collections)
# --------------------------------------------------------------------------------------------
#
# Late-payment interest as the law writes it (EU directive 2011/7/EU art. 3-4, §288 BGB, UK Late
# Payment of Commercial Debts Act): a rate PER ANNUM, accrued daily on the amount outstanding,
# with a day-count convention fixing the year's length:
#
# * ``act/365`` — actual days / 365 (UK statutory interest, the directive's usual reading);
# * ``act/360`` — actual days / 360 (money-market convention, used in some contracts).
#
# Interest runs from the day AFTER the due date (the directive: "from the day following the date
# or the end of the period for payment"), so on the due date itself nothing is owed; grace days
# only delay the first day interest is charged, like late fees. The amount is computed exactly
# (no per-day rounding): sum(balance x days) x rate / 100 / basis, rounded half-up ONCE to the
# currency's minor unit, so 12 % act/365 on 1,000,000.00 over 365 days is 120,000.00 exactly.
# The fixed recovery compensation (art. 6: EUR 40 per invoice, once) is a separate amount the
# merchant enables; it is owed as soon as interest is (after grace), once per invoice.

DayCount: TypeAlias = Literal["act/365", "act/360"]
DAY_COUNTS: dict[str, int] = {"act/365": 365, "act/360": 360}
MAX_INTEREST_PERCENT = Decimal(100)


@dataclass(frozen=True, slots=True)
class InterestRule:
    """Statutory (or contractual) late-payment interest: `annual_percent` per annum (e.g. base
    rate 3.62 + 9 points = 12.62), accrued daily under `day_count`, from the day after the due
    date once `grace_days` have passed; plus an optional fixed `recovery_compensation` per
    invoice (EUR 40 under 2011/7/EU)."""

    annual_percent: Decimal
    day_count: DayCount = "act/365"
    grace_days: int = 0
    recovery_compensation: Money | None = None

    def __post_init__(self) -> None:
        _check_percent(self.annual_percent, "Interest rate", allow_hundred=True)
        if self.day_count not in DAY_COUNTS:
            raise _fail(
                "INVALID_DAY_COUNT",
                f"Day count must be one of {', '.join(DAY_COUNTS)} (got {self.day_count!r}).",
            )
        _check_days(self.grace_days, "Grace days")
        if self.recovery_compensation is not None:
            _check_money(self.recovery_compensation, "Recovery compensation")


def interest_label(rule: InterestRule) -> str:
    """E.g. "12.62% p.a. (act/365) + 40.00 EUR recovery compensation per invoice"."""
    label = f"{_pct(rule.annual_percent)}% p.a. ({rule.day_count})"
    if rule.grace_days:
        label += f" after {rule.grace_days} days' grace"
    if rule.recovery_compensation is not None:
        label += f" + {rule.recovery_compensation} recovery compensation per invoice"
    return label


def interest_on_balances(
    *, rule: InterestRule, balances: Sequence[tuple[date, Money]], due_date: date, as_of: date
) -> Money:
    """Interest owed by `as_of` (inclusive) on an overdue amount whose outstanding balance
    changed over time: `balances` is [(from_date, balance)], each balance outstanding from its
    date (inclusive) until the next entry's date (exclusive), sorted by date. Days on or before
    the due date never bear interest; with grace, nothing is owed until `as_of` is past
    `due_date + grace_days`, and then interest for every day since the due date is owed.

    Exact: sum(balance x days) x rate / 100 / basis, rounded half-up once. Non-decreasing in
    `as_of`; zero for zero or negative balances."""
    if not balances:
        raise InvalidMoney("balances must not be empty")
    currency = balances[0][1].currency
    previous: date | None = None
    for day, money in balances:
        _amount_check(money, "balance", allow_negative=True)
        if money.currency != currency:
            raise InvalidMoney(f"balance in {money.currency}, expected {currency}")
        if previous is not None and day <= previous:
            raise InvalidMoney("balances must be sorted by date, one entry per date")
        previous = day
    zero = Money(quantize(Decimal(0), currency), currency)
    if (as_of - due_date).days <= rule.grace_days:
        return zero
    first_day = due_date + timedelta(days=1)
    weighted = Decimal(0)
    for index, (start, money) in enumerate(balances):
        end = balances[index + 1][0] if index + 1 < len(balances) else as_of + timedelta(days=1)
        start = max(start, first_day)
        days = (end - start).days
        if days > 0 and money.amount > 0:
            weighted += money.amount * days
    with localcontext() as ctx:
        ctx.prec = 60
        amount = weighted * rule.annual_percent / HUNDRED / DAY_COUNTS[rule.day_count]
    return Money(quantize(amount, currency), currency)


def interest_compute(*, rule: InterestRule, principal: Money, due_date: date, as_of: date,
                     already_charged: Money) -> Money:
    """Interest to charge now on a constant overdue `principal`: owed by `as_of` minus
    `already_charged`, never below zero (see `interest_on_balances`)."""
    _amount_check(already_charged, "already_charged")
    if already_charged.currency != principal.currency:
        raise InvalidMoney(
            f"already_charged is in {already_charged.currency}, the principal in {principal.currency}"
        )
    owed = interest_on_balances(rule=rule, balances=[(due_date, principal)], due_date=due_date,
                                as_of=as_of)
    return Money(max(owed.amount - already_charged.amount, Decimal(0) * owed.amount), owed.currency)


def recovery_compensation_due(*, rule: InterestRule, principal: Money, due_date: date,
                              as_of: date, already_charged: bool) -> Money | None:
    """The fixed compensation to charge now on one invoice: the rule's amount once the invoice is
    past its grace, if not charged yet and something is still owed; None otherwise. In the
    principal's currency only (a EUR 40 compensation is not charged on a USD invoice)."""
    comp = rule.recovery_compensation
    if comp is None or already_charged or principal.amount <= 0:
        return None
    if comp.currency != principal.currency:
        return None
    if (as_of - due_date).days <= rule.grace_days:
        return None
    return comp


def interest_to_dict(rule: InterestRule) -> dict[str, Any]:
    data: dict[str, Any] = {"annual_percent": format(rule.annual_percent, "f"),
                            "day_count": rule.day_count, "grace_days": rule.grace_days}
    if rule.recovery_compensation is not None:
        data["recovery_compensation"] = _money_to_dict(rule.recovery_compensation)
    return data


def interest_from_dict(data: Any) -> InterestRule:
    path = "interest"
    d = _Reader.obj(data, path, required={"annual_percent"},
                    optional={"day_count", "grace_days", "recovery_compensation"})
    day_count = d.get("day_count", "act/365")
    if day_count not in DAY_COUNTS:
        raise _fail("INVALID_DAY_COUNT",
                    f"{path}.day_count must be one of {', '.join(DAY_COUNTS)}, got {day_count!r}.")
    return InterestRule(
        annual_percent=_Reader.decimal(d["annual_percent"], f"{path}.annual_percent"),
        day_count=day_count,
        grace_days=_Reader.integer(d.get("grace_days", 0), f"{path}.grace_days"),
        recovery_compensation=_Reader.money(d["recovery_compensation"], f"{path}.recovery_compensation")
        if "recovery_compensation" in d else None,
    )


def late_fee_to_dict(rule: LateFeeRule) -> dict[str, Any]:
    """A late fee rule on its own (a dunning level's fee), in the `terms.late_fee` format."""
    data: dict[str, Any] = {"period": rule.period, "grace_days": rule.grace_days}
    if rule.percent is not None:
        data["percent"] = format(rule.percent, "f")
    if rule.amount is not None:
        data["amount"] = _money_to_dict(rule.amount)
    if rule.cap_amount is not None:
        data["cap_amount"] = _money_to_dict(rule.cap_amount)
    if rule.cap_percent is not None:
        data["cap_percent"] = format(rule.cap_percent, "f")
    return data


def late_fee_from_dict(data: Any) -> LateFeeRule:
    """Read a late fee rule on its own (see `late_fee_to_dict`)."""
    return _late_fee_from_dict(data)
