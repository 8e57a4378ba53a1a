"""Benchmark of the credit decision engine (a script, not a test).

    .venv/bin/python bench/decisions.py [--count 10000] [--repeats 7] [--seed 20260101]

Builds `count` varied snapshots (seeded, so every run decides the same inputs), each paired with
one of the built-in tier policies, and measures in the same process:

* throughput: `decide` over all pairs, best of `repeats` passes (time.perf_counter);
* latency: every call timed on its own (time.perf_counter_ns) over `repeats` passes, the best
  time per item kept, then p50 / p99 / max in microseconds (timer overhead printed alongside);
* baseline: the bare check `limit is not None and exposure + order <= limit` over the same
  snapshots, best of 10 × `repeats` (a pass takes ~1 ms), and the ratio engine / baseline;
* `simulate` of Standard → Starter over all snapshots, best of `repeats`.

No database, no Django settings: the engine is pure.
"""
from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal

from saleor_netterms.decisions.engine import CreditPolicy, CreditSnapshot, decide
from saleor_netterms.decisions.simulation import simulate
from saleor_netterms.decisions.tiers import PREMIUM, STANDARD, STARTER

CURRENCIES = (("USD", 2), ("USD", 2), ("EUR", 2), ("GBP", 2), ("JPY", 0), ("BHD", 3))
STATUSES = ("active",) * 17 + ("on_hold", "suspended", "closed")
ROLES = ("buyer",) * 6 + ("approver", "admin")
POLICIES = (STARTER.policy, STANDARD.policy, STANDARD.policy, PREMIUM.policy)


def _amount(rng: random.Random, low: int, high: int, places: int) -> Decimal:
    """A random amount in whole units [low, high], with the currency's minor units."""
    minor = 10 ** places
    return Decimal(rng.randint(low * minor, high * minor)).scaleb(-places)


def _maybe(rng: random.Random, probability: float, value):
    return value if rng.random() < probability else None


def build_cases(count: int, seed: int) -> list[tuple[CreditSnapshot, CreditPolicy]]:
    """Seeded, varied (snapshot, policy) pairs covering every rule and outcome."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        currency, places = rng.choice(CURRENCIES)
        scale = 100 if currency == "JPY" else 1
        limit = _maybe(rng, 0.95, _amount(rng, 0, 100_000 * scale, places))
        ceiling = int(limit) if limit is not None and limit > 0 else 10_000 * scale
        exposure = _amount(rng, 0, ceiling, places) if rng.random() < 0.9 else _amount(
            rng, 0, 2 * ceiling, places)
        order = _amount(rng, 1, max(2, ceiling // 4), places)
        overdue_days = rng.choice((0,) * 6 + (3, 10, 20, 45, 90))
        snapshot = CreditSnapshot(
            currency=currency,
            order_amount=order,
            company_status=rng.choice(STATUSES),
            limit=limit,
            exposure=exposure,
            channel_allowed=rng.random() < 0.97,
            overdue_amount=(
                _amount(rng, 1, max(2, int(exposure) // 3 + 1), places)
                if overdue_days else Decimal(0)
            ),
            max_days_past_due=overdue_days,
            avg_days_to_pay=_maybe(rng, 0.8, Decimal(rng.randint(5, 90))),
            avg_days_beyond_terms=_maybe(rng, 0.8, Decimal(rng.randint(-50, 300)).scaleb(-1)),
            late_invoice_share=_maybe(rng, 0.8, Decimal(rng.randint(0, 100)).scaleb(-2)),
            account_age_days=_maybe(rng, 0.95, rng.randint(0, 3000)),
            is_first_order=rng.random() < 0.05,
            median_order_amount=_maybe(rng, 0.8, _amount(rng, 1, max(2, ceiling // 8), places)),
            member_role=rng.choice(ROLES),
            member_spending_limit=_maybe(rng, 0.3, _amount(rng, 1, max(2, ceiling // 3), places)),
        )
        cases.append((snapshot, rng.choice(POLICIES)))
    return cases


def _best_of(repeats: int, run) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _percentile(sorted_values: list[float], pct: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)

    cases = build_cases(args.count, args.seed)
    snapshots = [snapshot for snapshot, _ in cases]
    n = len(cases)

    def run_engine() -> None:
        for snapshot, policy in cases:
            decide(snapshot, policy)

    def run_baseline() -> None:
        for s in snapshots:
            s.limit is not None and s.exposure + s.order_amount <= s.limit  # noqa: B015

    run_engine()  # warm caches (currency exponents) and the interpreter
    run_baseline()

    engine_s = _best_of(args.repeats, run_engine)
    baseline_s = _best_of(args.repeats * 10, run_baseline)  # ~1 ms a pass: more repeats, less noise

    # per-call latency: best time per item over the repeats, timer overhead measured alongside
    clock = time.perf_counter_ns
    per_item = [float("inf")] * n
    for _ in range(args.repeats):
        for i, (snapshot, policy) in enumerate(cases):
            started = clock()
            decide(snapshot, policy)
            elapsed = clock() - started
            if elapsed < per_item[i]:
                per_item[i] = elapsed
    overhead = min(-clock() + clock() for _ in range(10_000))  # noqa: PLR0124
    latencies_us = sorted(ns / 1000 for ns in per_item)

    simulate_s = _best_of(args.repeats, lambda: simulate(snapshots, STANDARD.policy,
                                                          STARTER.policy))
    outcomes = Counter(decide(snapshot, policy).outcome.value for snapshot, policy in cases)
    primaries = Counter(decide(snapshot, policy).primary.code for snapshot, policy in cases)

    print(f"decision engine bench: {n} snapshots, best of {args.repeats}, seed {args.seed}")
    print(f"python {platform.python_version()} on {platform.machine()} ({sys.platform})")
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    print(f"primary reasons: {len(primaries)} distinct; "
          + ", ".join(f"{code}={count}" for code, count in primaries.most_common()))
    print(f"decide:   {engine_s * 1000:8.2f} ms total  {n / engine_s:>12,.0f} decisions/s  "
          f"{engine_s / n * 1e6:6.2f} us mean")
    print(f"latency:  p50 {_percentile(latencies_us, 50):.2f} us  "
          f"p99 {_percentile(latencies_us, 99):.2f} us  max {latencies_us[-1]:.2f} us  "
          f"(perf_counter_ns overhead ~{overhead / 1000:.2f} us, included)")
    print(f"baseline: {baseline_s * 1000:8.2f} ms total  {n / baseline_s:>12,.0f} checks/s     "
          f"{baseline_s / n * 1e6:6.2f} us mean  (limit is not None and exposure + order <= limit)")
    print(f"ratio:    decide is {engine_s / baseline_s:.1f}x the bare limit check")
    print(f"simulate: {simulate_s * 1000:8.2f} ms for {n} snapshots x 2 policies "
          f"(Standard -> Starter)")
    print(f"mean of per-call samples: {statistics.fmean(latencies_us):.2f} us")


if __name__ == "__main__":
    main()
