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

With `--http N` (e.g. `--http 1000`) it then also measures the checkout in-process: N signed
TRANSACTION_INITIALIZE_SESSION deliveries per scenario through Django's test Client (the real
URLconf, webhook pipeline, PostgreSQL; no HTTP server) against a fresh database
`netterms_bench_dec_<pid>` (created, migrated, dropped at the end, also on error; server from
`--postgres` or DATABASE_URL). Deliveries are built and signed like Saleor by bench/checkout.py's
helpers. Two scenarios, interleaved in blocks of 100 so drift hits both alike:

* full: the Standard tier policy saved as a version, the underwriter routing check, payment
  history read for the snapshot (each company has 4 paid invoices, one paid late, and 12 open
  authorizations), a
  DecisionRecord and its audit entry written;
* plain: the limit check as before the policies issue: `CreditPolicy()`, no version lookup, no
  underwriter check, no DecisionRecord, overdue figures only (the previous snapshot code).

Every answer must be AUTHORIZATION_SUCCESS. Prints p50/p99/mean ms per scenario and full/plain.
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
    parser.add_argument("--http", type=int, default=0,
                        help="also run N in-process TRANSACTION_INITIALIZE_SESSION per scenario")
    parser.add_argument("--companies", type=int, default=50)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args(argv)
    engine_bench(args)
    if args.http:
        http_bench(args)


def engine_bench(args) -> None:

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


# --- in-process checkout: full tier policy vs the plain limit check -----------------------------


def _plain_patches():
    """The checkout as before the policies issue (see the module docstring)."""
    from django.utils import timezone

    from saleor_netterms.checkout import selectors as checkout_selectors
    from saleor_netterms.decisions import services as decision_services
    from saleor_netterms.decisions.selectors import PaymentHistory
    from saleor_netterms.ledger import selectors as ledger_selectors
    from saleor_netterms.receivables.models import Receivable, ReceivableStatus

    def overdue_only(*, company, currency, today=None):
        today = today or timezone.localdate()
        amount, days = Decimal(0), 0
        for receivable in Receivable.objects.filter(company=company, currency=currency,
                                                    status=ReceivableStatus.OPEN, due_date__lt=today):
            open_amount = ledger_selectors.receivable_balance(company=company, currency=currency,
                                                              receivable_ref=receivable.receivable_ref)
            if open_amount.is_positive():
                amount += open_amount.amount
                days = max(days, (today - receivable.due_date).days)
        return PaymentHistory(amount, days, 0, 0, 0, None, None, None)

    return [
        (checkout_selectors, "payment_history", overdue_only),
        (decision_services, "underwriting_before_lock", lambda **kw: None),
        (decision_services, "decision_make", lambda **kw: decide(kw["snapshot"], CreditPolicy())),
    ]


def _history_seed(installation, buyers, rng: random.Random) -> None:
    """Per company: 4 invoices paid (3 on time, 1 five days late), 12 open authorizations of
    900–999 USD (so the Standard median rule never reviews a 10–999.99 order), 400 days old."""
    import datetime as dt

    from django.utils import timezone

    from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer, TransactionActionRequest
    from saleor_netterms.workflows.checkout import checkout_authorize, transaction_capture
    from saleor_netterms.companies.models import Company
    from saleor_netterms.core.money import Money
    from saleor_netterms.workflows.payments import payment_record
    from saleor_netterms.receivables.models import Receivable

    today = timezone.localdate()
    Company.objects.filter(pk__in=[b.company_id for b in buyers]).update(
        created_at=timezone.now() - dt.timedelta(days=400))
    for b in buyers:
        company = Company.objects.get(pk=b.company_id)
        for i, late in enumerate((0, 0, 0, 5)):
            tx = f"seed-{b.company_id}-{i}"
            money = Money.of(f"{rng.randint(900, 999)}.00", "USD")  # median ≥ 900: no size review
            checkout_authorize(installation=installation, request=AuthorizationRequest(
                transaction_id=tx, money=money, buyer=Buyer(user_id=b.user_id), channel_slug="default-channel"))
            result = transaction_capture(installation=installation, request=TransactionActionRequest(
                transaction_id=tx, money=money, request_key=f"capture:{tx}"))
            receivable = Receivable.objects.get(installation=installation, reference=result.psp_reference)
            issue = today - dt.timedelta(days=200 - 40 * i)
            Receivable.objects.filter(pk=receivable.pk).update(issue_date=issue,
                                                               due_date=issue + dt.timedelta(days=30))
            payment_record(company=company, money=money, received_on=issue + dt.timedelta(days=30 + late),
                           reference=f"BANK-{tx}", allocations=[(receivable, money)])
        for i in range(12):  # open authorizations of 900–999: the median stays above 333 (3× rule)
            checkout_authorize(installation=installation, request=AuthorizationRequest(
                transaction_id=f"seed-{b.company_id}-open-{i}", money=Money.of(f"{rng.randint(900, 999)}.00", "USD"),
                buyer=Buyer(user_id=b.user_id), channel_slug="default-channel"))


def _timed_posts(client, deliveries) -> list[float]:
    import json

    latencies = []
    for d in deliveries:
        extra = {k: v for k, v in d.headers.items() if k != "Content-Type"}
        started = time.perf_counter()
        response = client.post(d.path, data=d.body, headers=extra, content_type="application/json")
        latencies.append(time.perf_counter() - started)
        body = json.loads(response.content)
        if response.status_code != 200 or body.get("result") != "AUTHORIZATION_SUCCESS":
            raise RuntimeError(f"{response.status_code} {response.content[:300]!r}")
    return latencies


def http_bench(args) -> None:
    import os
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import checkout as http  # signing and seeding helpers (bench/checkout.py)

    server = http.server_url(args)
    name = f"netterms_bench_dec_{os.getpid()}"
    http.admin_execute(server, f'CREATE DATABASE "{name}"')
    try:
        _http_run(args, http, f"{server}/{name}")
    finally:
        from django.db import connections

        connections.close_all()
        http.admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _http_run(args, http, database_url: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    http.django_setup(database_url)
    from django.test import Client

    from saleor_netterms.outbox import services as outbox_services

    outbox_services._schedule = lambda message_id: None  # messages to Saleor stay queued (no Saleor here)

    from saleor_netterms.decisions.services import policy_save
    from saleor_netterms.installations.models import Installation

    rng = random.Random(args.seed)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = http.public_jwk(key)
    seeded = http.seed(companies=args.companies, jwks={"keys": [jwk]})
    installation = Installation.objects.get(pk=seeded.installation_pk)
    _history_seed(installation, seeded.spread, rng)
    policy_save(installation=installation, tier="standard", channel_slug="", policy=STANDARD.policy,
                actor="bench")

    def build(count):
        return http.deliveries_build(buyers=seeded.spread, count=count, path=http.WEBHOOK_PATH, key=key,
                                     kid=jwk["kid"], rng=rng)

    n, block = args.http, 100
    full_d, plain_d = build(n + block), build(n + block)
    client = Client()
    patches = _plain_patches()
    saved = [(module, attr, getattr(module, attr)) for module, attr, _ in patches]

    def plain(deliveries):
        for module, attr, replacement in patches:
            setattr(module, attr, replacement)
        try:
            return _timed_posts(client, deliveries)
        finally:
            for module, attr, original in saved:
                setattr(module, attr, original)

    _timed_posts(client, full_d[:block])  # warm-up, untimed
    plain(plain_d[:block])
    full_ms, plain_ms = [], []
    for start in range(block, n + block, block):
        full_ms += _timed_posts(client, full_d[start:start + block])
        plain_ms += plain(plain_d[start:start + block])

    from saleor_netterms.decisions.models import DecisionRecord

    print(f"\ncheckout in-process (Django test Client, PostgreSQL, {args.companies} companies with payment "
          f"history, {n} TRANSACTION_INITIALIZE_SESSION per scenario, interleaved blocks of {block})")
    rows = {}
    for label, values in (("full", full_ms), ("plain", plain_ms)):
        ordered = sorted(v * 1000 for v in values)
        rows[label] = (_percentile(ordered, 50), _percentile(ordered, 99), statistics.fmean(ordered))
        print(f"{label:>6}: p50 {rows[label][0]:7.2f} ms  p99 {rows[label][1]:7.2f} ms  "
              f"mean {rows[label][2]:7.2f} ms")
    print(f" ratio: full/plain p50 {rows['full'][0] / rows['plain'][0]:.2f}x  "
          f"p99 {rows['full'][1] / rows['plain'][1]:.2f}x  mean {rows['full'][2] / rows['plain'][2]:.2f}x")
    print(f"decision records written: {DecisionRecord.objects.count()} "
          f"(seeding + warm-up + timed full-scenario checkouts)")


if __name__ == "__main__":
    main()
