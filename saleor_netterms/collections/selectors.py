"""Reads for collections. ``books_load`` reads a whole installation's collections book in a fixed
number of set-based queries (open receivables with their open amounts, disputes, promises, tasks,
ladder positions, credit balances), so the daily decision pass costs the same handful of queries
for 50,000 companies as for one."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum

from saleor_netterms.companies.models import AccountHold, Company
from saleor_netterms.core.business_time import installation_zone
from saleor_netterms.core.money import quantize
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.payments.models import Payment
from saleor_netterms.reconciliation.models import IncomingPayment
from saleor_netterms.reconciliation.selectors import QUEUE_STATUSES
from saleor_netterms.terms.engine import interest_from_dict, late_fee_from_dict

from . import ladder as L
from .models import (
    CollectionsTask,
    CompanyDunning,
    Dispute,
    DisputeStatus,
    DunningCharge,
    DunningLevel,
    DunningPolicy,
    DunningStep,
    PaymentPromise,
    PromiseStatus,
    TaskStatus,
)

_ZERO = Decimal(0)
_AMOUNT_PLACES = Decimal("0.0001")   # the ledger's amounts (4 places)


@dataclass
class Book:
    company_id: int
    items: list[L.Item] = field(default_factory=list)
    state: CompanyDunning | None = None
    promise: PaymentPromise | None = None
    open_task: CollectionsTask | None = None
    credit_balance: dict[str, Decimal] = field(default_factory=dict)
    unconfirmed: list[tuple[Decimal, str, str, str]] = field(default_factory=list)  # amount, currency, source, status
    promise_paid: Decimal | None = None  # paid towards the open promise (read for the whole book)


# --- policies ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadedPolicy:
    policy: DunningPolicy
    levels: tuple[DunningLevel, ...]
    ladder: L.Ladder

    @property
    def zone(self) -> ZoneInfo:
        """The policy's own zone, else the installation's business time zone (core.business_time)."""
        if self.policy.time_zone:
            return ZoneInfo(self.policy.time_zone)
        return installation_zone(self.policy.installation)

    def level(self, position: int) -> DunningLevel | None:
        return next((level for level in self.levels if level.position == position), None)

    def interest_rule(self):
        return interest_from_dict(self.policy.interest) if self.policy.interest else None

    @staticmethod
    def late_fee_rule(level: DunningLevel):
        return late_fee_from_dict(level.late_fee) if level.late_fee else None


def policy_loaded(policy: DunningPolicy, levels: list[DunningLevel] | None = None) -> LoadedPolicy:
    levels = tuple(sorted(levels if levels is not None else policy.levels.all(), key=lambda lv: lv.position))
    ladder = L.Ladder(levels=tuple(L.Level(position=lv.position, offset_days=lv.offset_days, name=lv.name,
                                           has_task=bool(lv.task_assignee)) for lv in levels),
                      min_gap_days=policy.min_gap_days, thanks_enabled=policy.thanks_enabled)
    return LoadedPolicy(policy=policy, levels=levels, ladder=ladder)


def policies_load(*, installation) -> dict[int, LoadedPolicy]:
    policies = list(DunningPolicy.objects.filter(installation=installation).select_related("installation"))
    by_policy: dict[int, list[DunningLevel]] = defaultdict(list)
    for level in DunningLevel.objects.filter(policy__in=policies):
        by_policy[level.policy_id].append(level)
    return {p.pk: policy_loaded(p, by_policy[p.pk]) for p in policies}


def policy_for_company(*, company: Company, state: CompanyDunning | None,
                       policies: dict[int, LoadedPolicy]) -> LoadedPolicy | None:
    """The company's assigned ladder, else the best default: tier and channel match, then tier,
    then channel, then the installation's catch-all default (lowest id wins a tie)."""
    if state is not None and state.policy_id and state.policy_id in policies:
        return policies[state.policy_id]
    channels = set(company.allowed_channels or [])
    best, best_rank = None, None
    for loaded in policies.values():
        p = loaded.policy
        if not p.is_default:
            continue
        if p.tier and p.tier != company.credit_tier:
            continue
        if p.channel_slug and channels and p.channel_slug not in channels:
            continue
        rank = (0 if p.tier else 1) + (0 if p.channel_slug else 2)
        if best_rank is None or (rank, p.pk) < (best_rank, best.policy.pk):
            best, best_rank = loaded, rank
    return best


# --- the book ------------------------------------------------------------------------------------

def books_load(*, installation, company_ids: list[int] | None = None) -> dict[int, Book]:
    """Every company of the installation with open receivables, a ladder position, an open
    promise or an open task, with everything ``ladder.plan`` needs. Nine queries in all, whatever
    the number of companies."""
    charge_ids = set(DunningCharge.objects.filter(company__installation=installation, waived_at__isnull=True,
                                                  **({"company_id__in": company_ids} if company_ids is not None else {}))
                     .values_list("receivable_id", flat=True))
    disputed: dict[int, Decimal] = defaultdict(Decimal)
    disputes = Dispute.objects.filter(company__installation=installation, status=DisputeStatus.OPEN)
    if company_ids is not None:
        disputes = disputes.filter(company_id__in=company_ids)
    for receivable_id, amount in disputes.values_list("receivable_id", "amount"):
        disputed[receivable_id] += amount
    books: dict[int, Book] = {}

    def book(company_id: int) -> Book:
        found = books.get(company_id)
        if found is None:
            found = books[company_id] = Book(company_id=company_id)
        return found

    item = L.Item
    for receivable_id, company_id, currency, due_date, open_amount in _open_receivables(
            installation_id=installation.pk, company_ids=company_ids):
        d = disputed.get(receivable_id)
        book(company_id).items.append(item(receivable_id, currency, due_date, open_amount,
                                           min(d, open_amount) if d else _ZERO, receivable_id in charge_ids))
    scope = Q(company__installation=installation)
    if company_ids is not None:
        scope &= Q(company_id__in=company_ids)
    for state in CompanyDunning.objects.filter(scope):
        if state.company_id in books or state.level > 0 or state.agency_at is not None:
            book(state.company_id).state = state
    promises = {p.company_id: p for p in PaymentPromise.objects.filter(scope, status=PromiseStatus.OPEN)}
    for company_id, promise in promises.items():
        book(company_id).promise = promise
        book(company_id).promise_paid = _ZERO
    if promises:
        since = min(p.made_on for p in promises.values())
        paid = Payment.objects.filter(company__installation=installation, received_on__gte=since)
        if company_ids is not None:
            paid = paid.filter(company_id__in=company_ids)
        for company_id, currency, received_on, amount in paid.values_list("company_id", "currency", "received_on",
                                                                           "amount").iterator(chunk_size=20000):
            promise = promises.get(company_id)
            if promise is not None and promise.currency == currency and \
                    promise.made_on <= received_on <= promise.promised_date:
                books[company_id].promise_paid += amount
    for task in CollectionsTask.objects.filter(scope, status=TaskStatus.OPEN).order_by("id"):
        book(task.company_id).open_task = book(task.company_id).open_task or task
    waiting = IncomingPayment.objects.filter(installation=installation, status__in=QUEUE_STATUSES,
                                             company__isnull=False)
    if company_ids is not None:
        waiting = waiting.filter(company_id__in=company_ids)
    for company_id, amount, currency, source, status in waiting.order_by("-received_on", "id").values_list(
            "company_id", "amount", "currency", "source", "status"):
        if company_id in books:
            books[company_id].unconfirmed.append((amount, currency, source, status))
    for (company_id, currency), amount in ledger_selectors.credit_balances_bulk(
            installation_id=installation.pk, company_ids=list(books) if company_ids is not None else None).items():
        if company_id in books:
            books[company_id].credit_balance[currency] = amount
    return books


_OPEN_SQL = """
    SELECT r.id, r.company_id, r.currency, r.due_date, o.total
    FROM (SELECT e.receivable_ref, SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END) AS total
          FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
          WHERE a.installation_id = %s AND a.kind = 'receivable' AND e.receivable_ref <> '' {account_filter}
          GROUP BY e.receivable_ref) o
    JOIN receivables_receivable r ON o.receivable_ref = 'rcv:' || r.id
    WHERE o.total > 0 AND r.installation_id = %s {receivable_filter}
    ORDER BY r.company_id, r.due_date, r.id
"""


def _open_receivables(*, installation_id: int, company_ids: list[int] | None):
    """(receivable id, company id, currency, due date, open amount) of every receivable with money
    open, from the ledger (one grouped query joined to the receivables, streamed)."""
    params: list = [installation_id]
    account_filter = receivable_filter = ""
    if company_ids is not None:
        ids = [int(c) for c in company_ids] or [0]
        placeholders = ", ".join(["%s"] * len(ids))   # portable: make run's SQLite has no = ANY(array)
        account_filter = f"AND a.company_id IN ({placeholders})"
        receivable_filter = f"AND r.company_id IN ({placeholders})"
        params.extend(ids)
    params.append(installation_id)
    if company_ids is not None:
        params.extend(ids)
    sql = _OPEN_SQL.format(account_filter=account_filter, receivable_filter=receivable_filter)
    typed = connection.vendor == "postgresql"   # SQLite's raw rows carry dates as text, sums as floats
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(20000)
            if not rows:
                return
            if typed:
                yield from rows
            else:
                yield from ((rid, cid, currency, due if isinstance(due, dt.date) else dt.date.fromisoformat(str(due)),
                             Decimal(str(total)).quantize(_AMOUNT_PLACES))
                            for rid, cid, currency, due, total in rows)


def payment_pending_reason(*, company: Company, book: Book) -> str | None:
    """Why a payment is pending for the company, or None: money received but not yet allocated
    (the company has a credit balance in a currency it owes), a bank line or ERP payment suggested
    for the company and not yet confirmed (reconciliation), then every probe configured in
    ``COLLECTIONS_PAYMENT_PENDING_PROBES`` (dotted paths ``probe(company) -> str | None``: a bank
    line suggested but unconfirmed, an ERP payment in flight)."""
    owed = {item.currency for item in book.items if item.open_amount > 0}
    for currency, amount in book.credit_balance.items():
        if currency in owed and amount > 0:
            return f"UNALLOCATED_PAYMENT: {quantize(amount, currency):,f} {currency} received and not yet applied"
    if book.unconfirmed:  # reconciliation.selectors.company_has_pending_payment, read for the whole book
        amounts = ", ".join(f"{quantize(amount, currency):,f} {currency} ({source}, {status})"
                            for amount, currency, source, status in book.unconfirmed[:3])
        return f"PAYMENT_UNCONFIRMED: {amounts} waiting for confirmation in reconciliation"
    for path in getattr(settings, "COLLECTIONS_PAYMENT_PENDING_PROBES", ()):
        module, _, name = path.rpartition(".")
        reason = getattr(import_module(module), name)(company)
        if reason:
            return str(reason)
    return None


def promise_outcome(*, promise: PaymentPromise, today: dt.date, paid: Decimal | None = None) -> str:
    """"kept" when payments received since the promise was made reach its amount (by its date),
    "broken" when its date has passed without that, else "open". ``paid``: the sum already read."""
    if paid is None:
        paid = (Payment.objects.filter(company_id=promise.company_id, currency=promise.currency,
                                       received_on__gte=promise.made_on, received_on__lte=promise.promised_date)
                .aggregate(total=Sum("amount"))["total"] or _ZERO)
    if paid >= promise.amount:
        return "kept"
    if promise.promised_date < today:
        return "broken"
    return "open"


def holds_to_lift(*, company: Company) -> list[AccountHold]:
    """Collections holds not yet lifted whose cause is paid, credited or no longer undisputed."""
    holds = list(AccountHold.objects.filter(company=company, lifted_at__isnull=True, reason_code="DUNNING_HOLD"))
    if not holds:
        return []
    disputed: dict[str, Decimal] = defaultdict(Decimal)
    for receivable_id, amount in Dispute.objects.filter(company=company, status=DisputeStatus.OPEN).values_list(
            "receivable_id", "amount"):
        disputed[f"rcv:{receivable_id}"] += amount
    open_by_ref = ledger_selectors.receivables_open_bulk(installation_id=company.installation_id,
                                                         company_ids=[company.pk])
    result = []
    for hold in holds:
        still = [ref for _, ref in hold.cause_refs
                 if open_by_ref.get((company.pk, ref), _ZERO) - disputed.get(ref, _ZERO) > 0]
        if not still:
            result.append(hold)
    return result


def timeline(*, company: Company, limit: int = 200) -> list[dict]:
    """Every reminder, call note, promise, dispute, payment, hold and charge, newest first."""
    events: list[dict] = []
    for step in DunningStep.objects.filter(company=company)[:limit]:
        events.append({"at": step.created_at, "kind": step.kind, "level": step.level, "summary": step.summary,
                       "reason": step.reason, "actor": step.actor})
    for p in PaymentPromise.objects.filter(company=company)[:limit]:
        events.append({"at": p.created_at, "kind": "promise", "level": p.level_at,
                       "summary": f"Promise to pay {p.amount:.2f} {p.currency} by {p.promised_date} ({p.status})",
                       "reason": p.status, "actor": p.made_by})
    for d in Dispute.objects.filter(company=company).select_related("receivable")[:limit]:
        events.append({"at": d.created_at, "kind": "dispute", "level": 0,
                       "summary": f"Dispute {d.reason_code} on {d.receivable.reference}: {d.amount:.2f} "
                                  f"{d.currency} ({d.status})", "reason": d.reason_code, "actor": d.opened_by})
    for pay in Payment.objects.filter(company=company)[:limit]:
        events.append({"at": pay.created_at, "kind": "payment", "level": 0,
                       "summary": f"Payment {pay.reference}: {pay.amount:.2f} {pay.currency} received {pay.received_on}",
                       "reason": pay.source, "actor": pay.recorded_by or pay.source})
    for t in CollectionsTask.objects.filter(company=company)[:limit]:
        events.append({"at": t.closed_at or t.created_at, "kind": "task", "level": t.level,
                       "summary": f"{t.title} — {t.assignee} ({t.status})" + (f": {t.note}" if t.note else ""),
                       "reason": t.status, "actor": t.closed_by or "system"})
    events.sort(key=lambda e: e["at"], reverse=True)
    return events[:limit]
