"""The dunning ladder's decision for one company on one day: pure (no Django, no I/O, no clock).

``plan(ladder, facts, today)`` answers what the run should do for a company — nothing, skip (with
a stable reason), wait, advance to a level, thank, or resolve — and when the next action is due.
Services load the facts (``selectors.books_load``: a few set-based queries for a whole
installation), call this, and carry a plan out under the company lock after re-reading the facts.

Rules (the issue's "never nag a payer", in the order they are checked)
--------------------------------------------------------------------------
1. A company escalated to a collections agency is not chased any more (``AGENCY``).
2. What is chased: open receivables less their disputed amount ("undisputed"); fee/interest
   receivables are chased too (a dunning is resolved only when what it charged is settled or
   waived), but only invoices get new fees. A disputed amount stays in ageing, never here.
3. Nothing chased: when the ladder had started, it ends — "thanks" if an overdue balance was
   cleared and the policy thanks payers, else "resolved"; when only disputed amounts are left, it
   waits (``DISPUTED``).
4. A payment pending (recorded but unallocated, a bank line suggested but unconfirmed, an ERP
   payment in flight) → skip (``PAYMENT_PENDING``), logged once a day.
5. A broken promise → one level up now (``PROMISE_BROKEN``); an open promise → skip until its date
   (``PROMISE_OPEN``).
6. An open staff task of the current level → wait (``TASK_OPEN``): the ladder waits for a person.
7. The position is driven by the OLDEST unpaid item: ``days = today − its due date`` (negative
   before it is due); the target is the highest level with ``offset ≤ days``. Levels in between
   are skipped (one message, never a burst), except a level with a staff task, where it stops.
8. At most one contact per ``min_gap_days`` (``GAP``) and only inside the send window
   (``OUTSIDE_WINDOW``).
9. The message groups everything due or overdue (and, for a before-due level, what falls due
   within its offset): ``Plan.items``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

Action = Literal["none", "skip", "wait", "advance", "thanks", "resolve"]
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Level:
    position: int
    offset_days: int
    name: str = ""
    has_task: bool = False


@dataclass(frozen=True, slots=True)
class Ladder:
    levels: tuple[Level, ...]
    min_gap_days: int = 0
    thanks_enabled: bool = True

    def __post_init__(self) -> None:
        positions = [level.position for level in self.levels]
        if positions != sorted(set(positions)) or any(p < 1 for p in positions):
            raise ValueError("level positions must be unique, ascending and start at 1 or above")
        offsets = [level.offset_days for level in self.levels]
        if offsets != sorted(set(offsets)):
            raise ValueError("level offsets must increase with the position")

    def level(self, position: int) -> Level | None:
        return next((level for level in self.levels if level.position == position), None)


@dataclass(frozen=True, slots=True)
class Item:
    """One open receivable of the company (amounts in its currency)."""

    receivable_id: int
    currency: str
    due_date: date
    open_amount: Decimal
    disputed: Decimal = _ZERO
    is_charge: bool = False

    @property
    def undisputed(self) -> Decimal:
        rest = self.open_amount - self.disputed
        return rest if rest > _ZERO else _ZERO * self.open_amount


@dataclass(frozen=True, slots=True)
class Facts:
    items: tuple[Item, ...]
    level: int = 0
    last_contact_on: date | None = None
    was_overdue: bool = False
    agency: bool = False
    pending_reason: str | None = None
    promise_until: date | None = None
    promise_broken: bool = False
    open_task_level: int | None = None
    in_window: bool = True


@dataclass(frozen=True, slots=True)
class Plan:
    action: Action
    reason: str = ""
    level: int = 0
    days: int | None = None
    items: tuple[Item, ...] = field(default=())
    next_date: date | None = None
    overdue: bool = False


def _chased(items: tuple[Item, ...]) -> list[Item]:
    return [item for item in items if item.undisputed > _ZERO]


def plan(ladder: Ladder, facts: Facts, today: date) -> Plan:
    """What to do for one company today; see the module docstring for the rules."""
    if facts.agency:
        return Plan("skip", "AGENCY", level=facts.level)
    chased = _chased(facts.items)
    if not chased:
        if any(item.open_amount > _ZERO for item in facts.items):
            return Plan("wait", "DISPUTED", level=facts.level)
        if facts.level == 0:
            return Plan("none", "NOTHING_OPEN")
        if facts.was_overdue and ladder.thanks_enabled:
            if not facts.in_window:
                return Plan("wait", "OUTSIDE_WINDOW", level=facts.level, next_date=today)
            return Plan("thanks", "PAID", level=facts.level)
        return Plan("resolve", "PAID", level=facts.level)

    oldest = min(item.due_date for item in chased)
    days = (today - oldest).days
    overdue = days > 0
    if facts.pending_reason:
        return Plan("skip", "PAYMENT_PENDING", level=facts.level, days=days, overdue=overdue,
                    next_date=today + timedelta(days=1))
    levels = ladder.levels
    if facts.promise_broken:
        up = next((level for level in levels if level.position > facts.level), None)
        if up is None:
            return Plan("wait", "LADDER_END", level=facts.level, days=days, overdue=overdue)
        if not facts.in_window:
            return Plan("wait", "OUTSIDE_WINDOW", level=facts.level, days=days, overdue=overdue, next_date=today)
        return Plan("advance", "PROMISE_BROKEN", level=up.position, days=days, overdue=overdue,
                    items=_grouped(chased, today, up))
    if facts.promise_until is not None and facts.promise_until >= today:
        return Plan("skip", "PROMISE_OPEN", level=facts.level, days=days, overdue=overdue,
                    next_date=facts.promise_until + timedelta(days=1))
    if facts.open_task_level is not None:
        return Plan("wait", "TASK_OPEN", level=facts.level, days=days, overdue=overdue)

    reachable = [level for level in levels if level.offset_days <= days]
    above = [level for level in levels if level.position > facts.level]
    if not reachable or reachable[-1].position <= facts.level:
        nxt = above[0] if above else None
        return Plan("none", "NOT_DUE" if not reachable else "AT_LEVEL", level=facts.level, days=days,
                    overdue=overdue, next_date=oldest + timedelta(days=nxt.offset_days) if nxt else None)
    target = reachable[-1]
    for level in above:  # a person must act on a task level before the ladder goes past it
        if level.position >= target.position:
            break
        if level.has_task:
            target = level
            break
    if facts.last_contact_on is not None and ladder.min_gap_days:
        gap_end = facts.last_contact_on + timedelta(days=ladder.min_gap_days)
        if today < gap_end:
            return Plan("wait", "GAP", level=facts.level, days=days, overdue=overdue, next_date=gap_end)
    if not facts.in_window:
        return Plan("wait", "OUTSIDE_WINDOW", level=facts.level, days=days, overdue=overdue, next_date=today)
    return Plan("advance", "DUE", level=target.position, days=days, overdue=overdue,
                items=_grouped(chased, today, target))


def _grouped(chased: list[Item], today: date, level: Level) -> tuple[Item, ...]:
    horizon = today + timedelta(days=max(0, -level.offset_days))
    return tuple(sorted((item for item in chased if item.due_date <= horizon),
                        key=lambda item: (item.due_date, item.receivable_id)))
