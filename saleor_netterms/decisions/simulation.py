"""What would change if the merchant saved this policy? Pure replay of the decision engine.

The dashboard feeds recent snapshots (e.g. the last 90 days of checkouts of the channel and tier)
through the current and the proposed policy and shows the 3×3 transition matrix plus every order
whose *outcome* changes (a changed reason with the same outcome is not a change a buyer would
notice, so it is not listed).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .engine import CreditPolicy, CreditSnapshot, Outcome, Reason, decide
from ..core.formatting import FALLBACK_LANGUAGE
from .texts import reason_text

__all__ = ["SimulationChange", "SimulationReport", "simulate"]

_OUTCOMES: tuple[Outcome, ...] = (Outcome.APPROVE, Outcome.REVIEW, Outcome.DECLINE)


@dataclass(frozen=True, slots=True)
class SimulationChange:
    """One snapshot whose outcome differs under the proposed policy.

    `primary` is the proposed decision's primary reason (why it is now what it is);
    `old_primary` is the current one's."""

    index: int
    old: Outcome
    new: Outcome
    primary: Reason
    old_primary: Reason | None = None

    @property
    def tightened(self) -> bool:
        """True when the proposed policy is stricter for this order (e.g. approve → review)."""
        return self.new.severity > self.old.severity


@dataclass(frozen=True, slots=True)
class SimulationReport:
    """Counts per (old outcome, new outcome) for all nine pairs, zeros included, and the changes
    in input order."""

    total: int
    transitions: Mapping[tuple[Outcome, Outcome], int]
    changed: tuple[SimulationChange, ...]

    @property
    def tightened(self) -> int:
        return sum(1 for change in self.changed if change.tightened)

    @property
    def loosened(self) -> int:
        return len(self.changed) - self.tightened

    def as_dict(self, language: str = FALLBACK_LANGUAGE) -> dict[str, Any]:
        """JSON-ready: transitions keyed "approve->review", changes with reason codes and the merchant
        sentence in ``language``."""
        return {
            "total": self.total,
            "transitions": {f"{old}->{new}": n for (old, new), n in self.transitions.items()},
            "changed": [
                {
                    "index": change.index,
                    "old": str(change.old),
                    "new": str(change.new),
                    "reason": str(change.primary.code),
                    "message": reason_text(change.primary, language=language).merchant,
                }
                for change in self.changed
            ],
        }


def simulate(snapshots: Iterable[CreditSnapshot], current: CreditPolicy,
             proposed: CreditPolicy) -> SimulationReport:
    """Decide every snapshot under both policies and report the outcome transitions."""
    counts: dict[tuple[Outcome, Outcome], int] = {
        (old, new): 0 for old in _OUTCOMES for new in _OUTCOMES
    }
    changed: list[SimulationChange] = []
    total = 0
    for index, snapshot in enumerate(snapshots):
        total += 1
        before = decide(snapshot, current)
        after = decide(snapshot, proposed)
        counts[(before.outcome, after.outcome)] += 1
        if before.outcome is not after.outcome:
            changed.append(SimulationChange(
                index=index,
                old=before.outcome,
                new=after.outcome,
                primary=after.primary,
                old_primary=before.primary,
            ))
    return SimulationReport(
        total=total, transitions=MappingProxyType(counts), changed=tuple(changed)
    )
