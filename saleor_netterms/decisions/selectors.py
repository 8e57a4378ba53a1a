"""Reads of the decisions domain: which policy decides a company's order, payment history, records.

Which policy decides (``policy_resolve``)
-----------------------------------------
For a company's order in a channel, with the company's credit tier:

1. the latest version saved for (tier, that channel), if it is active;
2. else the latest version saved for (tier, all channels), if it is active;
3. else the built-in fallback: the built-in tier policy (``decisions.tiers``) when
   ``settings.CREDIT_TIER_POLICIES_BUILTIN`` is true, otherwise the plain limit check
   ``CreditPolicy()`` (the behaviour before policies existed; the default, so that turning tier
   policies on is a deliberate step for an existing store).

An inactive latest version is a reset (``services.policy_reset``): that level is skipped.

Payment history (``payment_history``), over the 12 months (365 days) up to ``today``
-----------------------------------------------------------------------------------
* An invoice (receivable) is *settled* when its status is paid and a payment was allocated to it;
  it was settled on the latest ``received_on`` of those payments. Receivables paid only by
  credit notes or credit balance (no allocation) and credited ones are not payment history.
* ``avg_days_to_pay`` = mean of (settled on − issue date), each floored at 0 (a payment dated
  before the invoice counts as paid on the issue date), over invoices settled in the window;
  ``avg_days_beyond_terms`` = mean of (settled on − due date) over the same invoices (negative:
  paid early). Both rounded half-up to 2 decimals.
* ``late_invoice_share`` = (settled after the due date + open and past due today) ÷ (settled in
  the window + open and past due today), rounded half-up to 4 decimals.
* All three are None (unknown) when there is no such invoice.
* ``overdue_amount`` / ``max_days_past_due``: open receivables past due today with a positive
  open amount (from the ledger).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from saleor_netterms.core.business_time import business_today
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.payments.models import PaymentAllocation
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

from .engine import CreditPolicy
from .models import CreditPolicyVersion, DecisionRecord, LimitRecommendation
from .tiers import policy_from_dict, tier_get

HISTORY_DAYS = 365
LIMIT_ONLY_POLICY = CreditPolicy()
_CENT = Decimal("0.01")
_BASIS_POINT = Decimal("0.0001")


class PolicySource:
    VERSION = "version"
    BUILTIN_TIER = "builtin_tier"
    LIMIT_ONLY = "limit_only"


@dataclass(frozen=True, slots=True)
class ResolvedPolicy:
    """The policy in force and where it came from (``version`` None for the built-in fallback)."""

    policy: CreditPolicy
    source: str
    tier: str
    channel_slug: str  # the scope of the version used: the channel, or "" for all channels
    version_id: int | None = None
    version: int | None = None
    underwriter_threshold: Decimal | None = None


def builtin_policy(tier: str) -> ResolvedPolicy:
    """Step 3 of the resolution (see the module docstring)."""
    key = tier_get(tier).key
    if getattr(settings, "CREDIT_TIER_POLICIES_BUILTIN", False):
        return ResolvedPolicy(policy=tier_get(key).policy, source=PolicySource.BUILTIN_TIER, tier=key,
                              channel_slug="")
    return ResolvedPolicy(policy=LIMIT_ONLY_POLICY, source=PolicySource.LIMIT_ONLY, tier=key, channel_slug="")


def policy_version_latest(*, installation_id: int, tier: str, channel_slug: str) -> CreditPolicyVersion | None:
    return (CreditPolicyVersion.objects
            .filter(installation_id=installation_id, tier=tier, channel_slug=channel_slug)
            .order_by("-version").first())


def _resolved(version: CreditPolicyVersion) -> ResolvedPolicy:
    return ResolvedPolicy(policy=policy_from_dict(version.policy), source=PolicySource.VERSION,
                          tier=version.tier, channel_slug=version.channel_slug, version_id=version.pk,
                          version=version.version, underwriter_threshold=version.underwriter_threshold)


def policy_resolve(*, installation_id: int, tier: str, channel_slug: str) -> ResolvedPolicy:
    """The policy that decides orders of ``tier`` in ``channel_slug`` ("" = the all-channels
    level only). See the module docstring for the precedence."""
    key = tier_get(tier).key
    for scope in ((channel_slug, "") if channel_slug else ("",)):
        latest = policy_version_latest(installation_id=installation_id, tier=key, channel_slug=scope)
        if latest is not None and latest.active:
            return _resolved(latest)
    return builtin_policy(key)


# Per-process cache of policy_resolve, keyed by the installation's ``policy_version_last_id``
# (the id of its newest saved version, written in the saving transaction by
# ``services._version_insert``). Versions are append-only, so (installation, newest id, tier,
# channel) always resolves to the same policy: a request that read the installation row after a
# save gets a new key and resolves again. Ids come from a sequence that a rollback never hands
# out again (PostgreSQL); on other databases the cache is off.
_POLICY_CACHE: dict[tuple[int, int, str, str], ResolvedPolicy] = {}
_POLICY_CACHE_MAX = 4096


def policy_resolve_for(*, installation, tier: str, channel_slug: str) -> ResolvedPolicy:
    """``policy_resolve`` for the installation row read in this request, from the per-process
    cache when that row's newest policy version was seen before (no query)."""
    if connection.vendor != "postgresql":
        return policy_resolve(installation_id=installation.pk, tier=tier, channel_slug=channel_slug)
    key = (installation.pk, installation.policy_version_last_id, tier_get(tier).key, channel_slug or "")
    resolved = _POLICY_CACHE.get(key)
    if resolved is None:
        resolved = policy_resolve(installation_id=installation.pk, tier=tier, channel_slug=channel_slug)
        if len(_POLICY_CACHE) >= _POLICY_CACHE_MAX:
            _POLICY_CACHE.clear()
        _POLICY_CACHE[key] = resolved
    return resolved


def policy_for(*, company, channel_slug: str, installation=None) -> tuple[CreditPolicy, int | None]:
    """The policy deciding ``company``'s orders in ``channel_slug`` and its version id (None for
    a built-in policy); through the cache when given the request's installation row."""
    if installation is not None and installation.pk == company.installation_id:
        resolved = policy_resolve_for(installation=installation, tier=company.credit_tier,
                                      channel_slug=channel_slug)
    else:
        resolved = policy_resolve(installation_id=company.installation_id, tier=company.credit_tier,
                                  channel_slug=channel_slug)
    return resolved.policy, resolved.version_id


def policy_versions(*, installation, tier: str | None = None, channel_slug: str | None = None):
    """Every saved version, newest first per (tier, channel)."""
    qs = CreditPolicyVersion.objects.filter(installation=installation)
    if tier is not None:
        qs = qs.filter(tier=tier_get(tier).key)
    if channel_slug is not None:
        qs = qs.filter(channel_slug=channel_slug)
    return qs.order_by("tier", "channel_slug", "-version")


def channels_with_own_version(*, installation_id: int, tier: str) -> set[str]:
    """Channels whose latest (tier, channel) version is active: the all-channels policy does not
    decide there."""
    found: set[str] = set()
    slugs = (CreditPolicyVersion.objects.filter(installation_id=installation_id, tier=tier)
             .exclude(channel_slug="").values_list("channel_slug", flat=True).distinct())
    for slug in slugs:
        latest = policy_version_latest(installation_id=installation_id, tier=tier, channel_slug=slug)
        if latest is not None and latest.active:
            found.add(slug)
    return found


# --- payment history ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentHistory:
    overdue_amount: Decimal
    max_days_past_due: int
    overdue_open_count: int
    settled_count: int
    settled_late_count: int
    avg_days_to_pay: Decimal | None
    avg_days_beyond_terms: Decimal | None
    late_invoice_share: Decimal | None


# The overdue receivables with their open amounts (the ledger's maintained ReceivableBalance) and
# the receivables settled in the window, as ``(row, a, b)`` rows — ("history_overdue", open amount,
# days past due) and ("history_settled", days from issue to settlement, days beyond the due date):
# ONE statement (PostgreSQL), which a caller may also append to a query of its own of the same shape
# (``payment_history_rows``; the checkout reads it with the credit position). Bounded by what is
# overdue and by the 12-month window, not by the company's whole history.
HISTORY_OVERDUE_ROW, HISTORY_SETTLED_ROW = "history_overdue", "history_settled"
_PAYMENT_HISTORY_SQL = (
    "SELECT 'history_overdue', (b.debits - b.credits)::numeric(24, 4), (%s::date - r.due_date)::numeric(24, 4)"
    " FROM receivables_receivable r"
    " JOIN ledger_receivablebalance b ON b.installation_id = r.installation_id AND b.receivable_ref = 'rcv:' || r.id"
    " AND b.company_id = r.company_id AND b.currency = r.currency"
    " WHERE r.company_id = %s AND r.currency = %s AND r.status = %s AND r.due_date < %s AND b.debits > b.credits"
    " UNION ALL"
    " SELECT 'history_settled', (MAX(p.received_on) - r.issue_date)::numeric(24, 4),"
    " (MAX(p.received_on) - r.due_date)::numeric(24, 4)"
    " FROM payments_paymentallocation a"
    " JOIN receivables_receivable r ON r.id = a.receivable_id"
    " JOIN payments_payment p ON p.id = a.payment_id"
    " WHERE r.company_id = %s AND r.currency = %s AND r.status = %s"
    " GROUP BY r.id, r.issue_date, r.due_date"
    " HAVING MAX(p.received_on) >= %s AND MAX(p.received_on) <= %s")


def payment_history_rows(*, company, currency: str, today: dt.date) -> tuple[str, list] | None:
    """The SQL and parameters of the payment-history rows (see above), or None where they are
    read through the ORM instead (not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    since = today - dt.timedelta(days=HISTORY_DAYS)
    return _PAYMENT_HISTORY_SQL, [today, company.pk, currency, ReceivableStatus.OPEN.value, today,
                                  company.pk, currency, ReceivableStatus.PAID.value, since, today]


def payment_history_from_rows(rows) -> PaymentHistory:
    """``payment_history`` from its rows (``payment_history_rows``) already read."""
    overdue_amount = Decimal(0)
    max_days_past_due = overdue_open = 0
    to_pay = beyond = late = count = 0
    for kind, first, second in rows:
        if kind == HISTORY_OVERDUE_ROW:
            overdue_amount += first
            overdue_open += 1
            max_days_past_due = max(max_days_past_due, int(second))
            continue
        count += 1
        to_pay += max(0, int(first))
        days_beyond = int(second)
        beyond += days_beyond
        late += days_beyond > 0
    return _history(overdue_amount, max_days_past_due, overdue_open, count, late, to_pay, beyond)


def payment_history(*, company, currency: str, today: dt.date | None = None) -> PaymentHistory:
    """See the module docstring for every definition. One query on PostgreSQL."""
    today = today or business_today(company.installation)
    query = payment_history_rows(company=company, currency=currency, today=today)
    if query is None:
        return _payment_history_portable(company=company, currency=currency, today=today)
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return payment_history_from_rows(cursor.fetchall())


def _history(overdue_amount: Decimal, max_days_past_due: int, overdue_open: int, count: int, late: int,
             to_pay: int, beyond: int) -> PaymentHistory:
    population = count + overdue_open
    return PaymentHistory(
        overdue_amount=overdue_amount,
        max_days_past_due=max_days_past_due,
        overdue_open_count=overdue_open,
        settled_count=count,
        settled_late_count=late,
        avg_days_to_pay=(Decimal(to_pay) / count).quantize(_CENT, ROUND_HALF_UP) if count else None,
        avg_days_beyond_terms=(Decimal(beyond) / count).quantize(_CENT, ROUND_HALF_UP) if count else None,
        late_invoice_share=(Decimal(late + overdue_open) / population).quantize(_BASIS_POINT, ROUND_HALF_UP)
        if population else None,
    )


def _payment_history_portable(*, company, currency: str, today: dt.date) -> PaymentHistory:
    """``payment_history`` through the ORM (three queries), where the SQL above is not used."""
    overdue_amount = Decimal(0)
    max_days_past_due = 0
    overdue_open = 0
    overdue = list(Receivable.objects.filter(company=company, currency=currency,
                                             status=ReceivableStatus.OPEN, due_date__lt=today))
    # one ledger query over the overdue receivables' own entries (none: no query), so the cost
    # follows what is overdue, not the company's whole history
    open_by_ref = (ledger_selectors.receivables_open(
        company=company, currency=currency, receivable_refs=[r.receivable_ref for r in overdue])
        if overdue else {})
    for receivable in overdue:
        open_amount = open_by_ref.get(receivable.receivable_ref)
        if open_amount is not None and open_amount.is_positive():
            overdue_amount += open_amount.amount
            overdue_open += 1
            max_days_past_due = max(max_days_past_due, (today - receivable.due_date).days)

    since = today - dt.timedelta(days=HISTORY_DAYS)
    settled = (PaymentAllocation.objects
               .filter(receivable__company=company, receivable__currency=currency,
                       receivable__status=ReceivableStatus.PAID)
               .values("receivable_id", "receivable__issue_date", "receivable__due_date")
               .annotate(settled_on=Max("payment__received_on"))
               .filter(settled_on__gte=since, settled_on__lte=today)
               .order_by())
    to_pay = beyond = late = count = 0
    for row in settled:
        count += 1
        to_pay += max(0, (row["settled_on"] - row["receivable__issue_date"]).days)
        days_beyond = (row["settled_on"] - row["receivable__due_date"]).days
        beyond += days_beyond
        late += days_beyond > 0
    return _history(overdue_amount, max_days_past_due, overdue_open, count, late, to_pay, beyond)


# --- records ------------------------------------------------------------------------------------


def decision_records(*, installation, company=None, days: int | None = None, tier: str | None = None):
    qs = DecisionRecord.objects.filter(installation=installation)
    if company is not None:
        qs = qs.filter(company=company)
    if days is not None:
        qs = qs.filter(created_at__gte=timezone.now() - dt.timedelta(days=days))
    if tier is not None:
        qs = qs.filter(tier=tier)
    return qs.order_by("-id")


def limit_recommendations(*, installation, company=None, status: str | None = None):
    qs = LimitRecommendation.objects.filter(installation=installation).select_related("company")
    if company is not None:
        qs = qs.filter(company=company)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-id")
