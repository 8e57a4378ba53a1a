"""The receivables figures as pure functions: no Django, no I/O (import-linter `pure-cores`).

Each figure is defined here once; ``receivables_reports.selectors`` reads the book and hands the
numbers to these functions, and README.md ("Receivables analytics") gives a worked example of each.
Amounts are ``Decimal`` in one currency: a caller never passes amounts of two currencies to one call.

- **Ageing buckets** (``buckets_make``/``bucket_index``): ascending upper bounds in days, e.g.
  ``(0, 30, 60, 90)`` → ``current`` (age ≤ 0, i.e. not yet due), ``1–30``, ``31–60``, ``61–90``,
  ``90+`` (more than 90). The age is days past the due date (basis ``due``) or days since the
  invoice date (basis ``invoice``).
- **DSO, count-back** (``dso_count_back``; Oracle Hyperion Financial Management's DSO function,
  the "exhaustion method"): starting with the newest period, while the receivables left exceed
  the period's sales, add the period's days and take its sales off; the last period adds
  ``days × left ÷ sales``. Stops (adds nothing more) at a period whose sales are zero or less.
- **DSO, simple ratio** (``dso_simple``): receivables at the end of the period ÷ the period's
  credit sales × the period's days.
- **Best possible DSO** (``dso_best_possible``): the simple ratio with only the current (not yet
  due) receivables: what DSO would be if nobody paid late.
- **CEI**, the collection effectiveness index (``cei``), in the one-period form given by
  Investopedia ("Collection Effectiveness Index (CEI)") and by Oracle Advanced Collections with
  N = 1: ``(beginning receivables + credit sales − ending total receivables) ÷ (beginning
  receivables + credit sales − ending current receivables) × 100``.
- **Average days late** (``days_late_average``, ``days_late_from_sums``): the amount-weighted mean
  of ``max(0, paid on − due on)`` over the payments applied to a company's receivables.
- **Credit utilisation** (``utilisation``): exposure (owed + on hold) ÷ credit limit, in percent;
  ``utilisation_histogram`` counts them in 10-point bins (the last one: 100 % and over).
- **Cash forecast** (``expected_date``, ``instalments_open``, ``forecast_weeks``): an open amount
  is expected on its due date plus the company's average days late; an instalment invoice's open
  amount covers its latest instalments (payments settle the earliest first); the amounts fall
  into twelve weeks starting on the as-of date.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DEFAULT_BOUNDS: tuple[int, ...] = (0, 30, 60, 90)
FORECAST_WEEKS = 12
UTILISATION_BIN_EDGES: tuple[int, ...] = (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
MAX_BUCKETS = 12


class InvalidBuckets(ValueError):
    """Bucket bounds must be ascending whole days, at least one and at most MAX_BUCKETS."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """Ages ``low`` ≤ age ≤ ``high`` (either open-ended when None)."""
    label: str
    low: int | None
    high: int | None

    def holds(self, age: int) -> bool:
        return (self.low is None or age >= self.low) and (self.high is None or age <= self.high)


def buckets_make(bounds: Sequence[int] = DEFAULT_BOUNDS) -> tuple[Bucket, ...]:
    """The buckets for ascending upper bounds: the first holds every age up to ``bounds[0]``
    (``current`` when that is 0), each next one the ages up to its bound, the last everything above."""
    bounds = tuple(bounds)
    if not bounds or len(bounds) >= MAX_BUCKETS or any(not isinstance(b, int) or isinstance(b, bool) for b in bounds):
        raise InvalidBuckets(f"give 1 to {MAX_BUCKETS - 1} whole-day bounds")
    if any(b <= a for a, b in zip(bounds, bounds[1:])) or bounds[0] < 0:
        raise InvalidBuckets("bounds must be ascending and not negative")
    first = "current" if bounds[0] == 0 else f"0–{bounds[0]}"
    result = [Bucket(first, None, bounds[0])]
    result += [Bucket(f"{a + 1}–{b}", a + 1, b) for a, b in zip(bounds, bounds[1:])]
    result.append(Bucket(f"{bounds[-1]}+", bounds[-1] + 1, None))
    return tuple(result)


def bucket_index(age: int, bounds: Sequence[int] = DEFAULT_BOUNDS) -> int:
    """Which bucket of ``buckets_make(bounds)`` an age falls in."""
    for index, bound in enumerate(bounds):
        if age <= bound:
            return index
    return len(bounds)


def age_days(*, as_of: dt.date, due_date: dt.date, issue_date: dt.date, basis: str = "due") -> int:
    """Days past the due date (``due``) or since the invoice date (``invoice``) on ``as_of``."""
    if basis == "due":
        return (as_of - due_date).days
    if basis == "invoice":
        return (as_of - issue_date).days
    raise ValueError(f"unknown ageing basis {basis!r}")


def _ratio(numerator: Decimal, denominator: Decimal, scale: Decimal) -> Decimal | None:
    if denominator <= 0:
        return None
    return numerator * scale / denominator


def rounded(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    """Half-up rounding for display (figures are computed exactly first)."""
    return None if value is None else value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Period:
    """One period of credit sales: its sales and its length in days."""
    sales: Decimal
    days: int


def dso_count_back(receivables: Decimal, periods_newest_first: Iterable[Period]) -> Decimal | None:
    """Days of sales held in ``receivables``, counting back through the periods (exhaustion
    method, see the module docstring). None when there is nothing to count against."""
    if receivables <= 0:
        return ZERO
    left, days, counted = receivables, ZERO, False
    for period in periods_newest_first:
        if period.sales <= 0:
            break
        counted = True
        if left > period.sales:
            days += period.days
            left -= period.sales
            continue
        return days + Decimal(period.days) * left / period.sales
    return days if counted else None


def dso_simple(receivables: Decimal, sales: Decimal, days: int) -> Decimal | None:
    """Receivables ÷ credit sales × days (None without sales)."""
    return _ratio(receivables, sales, Decimal(days))


def dso_best_possible(current_receivables: Decimal, sales: Decimal, days: int) -> Decimal | None:
    """Current (not yet due) receivables ÷ credit sales × days (None without sales)."""
    return _ratio(current_receivables, sales, Decimal(days))


def cei(*, beginning: Decimal, sales: Decimal, ending_total: Decimal, ending_current: Decimal) -> Decimal | None:
    """Collection effectiveness index in percent (None when nothing was collectable)."""
    return _ratio(beginning + sales - ending_total, beginning + sales - ending_current, HUNDRED)


def days_late_average(payments: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """Amount-weighted mean days late of ``(amount, paid_on − due_on in days)`` (early = 0)."""
    weight = total = ZERO
    for amount, days in payments:
        weight += amount
        total += amount * max(days, 0)
    return None if weight <= 0 else total / weight


def days_late_from_sums(*, late_amount_days: Decimal, paid: Decimal) -> Decimal | None:
    """``days_late_average`` from its two sums (Σ amount × max(0, days late) and Σ amount), as the
    lateness rollup keeps them: the same figure exactly."""
    return None if paid <= 0 else late_amount_days / paid


def lateness_rising(*, recent: Decimal | None, prior: Decimal | None, threshold_days: Decimal) -> bool:
    """Recent average lateness at least ``threshold_days`` above the prior window's (a company
    with no earlier payments counts as 0 days late before)."""
    if recent is None:
        return False
    return recent - (prior or ZERO) >= threshold_days


def utilisation(*, exposure: Decimal, limit: Decimal) -> Decimal | None:
    """Exposure ÷ limit in percent; None for a zero limit (nothing to use)."""
    return _ratio(exposure, limit, HUNDRED)


def utilisation_bin_labels(edges: Sequence[int] = UTILISATION_BIN_EDGES) -> list[str]:
    """``0–10%``, ``10–20%``, … ``90–100%``, ``100%+``: one label per bin of ``utilisation_histogram``."""
    return [f"{a}–{b}%" for a, b in zip((0, *edges), edges)] + [f"{edges[-1]}%+"]


def utilisation_histogram(values: Iterable[Decimal | None],
                          edges: Sequence[int] = UTILISATION_BIN_EDGES) -> list[tuple[str, int]]:
    """Counts per bin ``0–10 %``, ``10–20 %``, … ``90–100 %``, ``100 %+`` (a value on an edge goes
    to the bin above it; None — no limit — is not counted)."""
    labels = utilisation_bin_labels(edges)
    counts = [0] * len(labels)
    for value in values:
        if value is None:
            continue
        counts[bisect_right(edges, value)] += 1  # how many edges are ≤ value (edges ascending)
    return list(zip(labels, counts))


def expected_date(due_date: dt.date, days_late: Decimal | None) -> dt.date:
    """Due date plus the company's average days late, rounded to whole days."""
    late = int((days_late or ZERO).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return due_date + dt.timedelta(days=late)


def instalments_open(parts: Sequence[tuple[dt.date, Decimal]], open_amount: Decimal) -> list[tuple[dt.date, Decimal]]:
    """Which instalments ``open_amount`` still covers: payments settle the earliest first, so the
    open amount is the latest instalments (the earliest of them partly). Earliest first."""
    left, result = open_amount, []
    for due, amount in sorted(parts, reverse=True):
        if left <= 0:
            break
        take = min(amount, left)
        result.append((due, take))
        left -= take
    if left > 0 and result:  # more open than the schedule says (fees, increases): the first part
        due, amount = result[-1]
        result[-1] = (due, amount + left)
    return sorted(result)


@dataclass(frozen=True, slots=True)
class Forecast:
    """Expected receipts: ``weeks[i]`` is the week starting ``as_of + 7·i``; ``overdue`` what was
    expected before ``as_of`` and is still open; ``later`` what is expected after twelve weeks."""
    as_of: dt.date
    overdue: Decimal
    weeks: tuple[Decimal, ...]
    later: Decimal

    def week_start(self, index: int) -> dt.date:
        return self.as_of + dt.timedelta(days=7 * index)


def forecast_weeks(as_of: dt.date, expected: Iterable[tuple[dt.date, Decimal]],
                   weeks: int = FORECAST_WEEKS) -> Forecast:
    """Sum ``(expected on, amount)`` into ``weeks`` weeks from ``as_of`` (see Forecast)."""
    sums = [ZERO] * weeks
    overdue = later = ZERO
    for on, amount in expected:
        offset = (on - as_of).days
        if offset < 0:
            overdue += amount
        elif offset >= 7 * weeks:
            later += amount
        else:
            sums[offset // 7] += amount
    return Forecast(as_of=as_of, overdue=overdue, weeks=tuple(sums), later=later)


def month_ends(as_of: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """``(first day, last day counted)`` of the ``months`` calendar months ending with as_of's,
    oldest first; the newest month is counted up to ``as_of``."""
    result = []
    year, month = as_of.year, as_of.month
    for _ in range(months):
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        result.append((first, min(nxt - dt.timedelta(days=1), as_of)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return result[::-1]
