"""Credit-limit recommendations from payment history (a scheduled job; never applied silently).

The rule, per company (not closed) and currency with a positive credit limit, evaluated on ``today``
---------------------------------------------------------------------------------------------------
Figures: utilisation = exposure (holds + receivables, from the ledger by posting effective date,
end of each day) × 100 ÷ the current limit; a *window* is 30 days, the last three windows end
today, 30 and 60 days ago. Payment history as in ``selectors.payment_history`` (12 months).

======================================================== ======== =================================
when (first match wins)                                  action   proposed limit
======================================================== ======== =================================
late_invoice_share > 30 % or max days past due > 30      lower    limit × 0.75, rounded half-up to
                                                                  whole hundreds; reason
                                                                  HOLD_SUGGESTED added when both
                                                                  hold or max days past due > 60
average utilisation > 80 % in each of the last three     raise    limit × 1.25, rounded half-up to
windows, no invoice settled late in 12 months and                 whole hundreds
nothing past due today
otherwise                                                —        (no recommendation)
======================================================== ======== =================================

A proposal whose rounded limit equals the current one is dropped. Reasons are dicts with a stable
``code`` (LATE_PAYMENT_SHARE, DAYS_PAST_DUE, HOLD_SUGGESTED, HIGH_UTILISATION, NO_LATE_PAYMENTS)
and the figures.

Never applied silently, and idempotent
--------------------------------------
A proposal is stored as a ``LimitRecommendation`` (proposed), then handed to
``approvals.services.approval_request_open(kind="limit_recommendation", …)``; in that second
transaction it becomes *sent*. The limit changes only when a person approves the request. There
is at most one open (proposed or sent) recommendation per company and currency (a partial unique
constraint): the same proposal again changes nothing; a different one supersedes the open one; a
*proposed* one whose approval request could not be opened is retried on the next run. When the
rule no longer proposes anything, an open recommendation is left for the approver to decide.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Sum, When

from saleor_netterms.companies.models import Company, CompanyStatus, CreditLimit
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.money import Money, quantize
from saleor_netterms.ledger.models import AccountKind, Entry, Side

from .models import OPEN_RECOMMENDATION_STATUSES, LimitRecommendation, RecommendationStatus
from .selectors import PaymentHistory, payment_history

logger = logging.getLogger(__name__)

WINDOW_DAYS = 30
WINDOWS = 3
RAISE_UTILISATION_ABOVE = Decimal(80)
RAISE_FACTOR = Decimal("1.25")
LOWER_FACTOR = Decimal("0.75")
LOWER_LATE_SHARE_ABOVE = Decimal("0.30")
LOWER_DAYS_PAST_DUE_ABOVE = 30
HOLD_DAYS_PAST_DUE_ABOVE = 60
ROUND_TO = Decimal(100)
_DEC = DecimalField(max_digits=24, decimal_places=4)


@dataclass(frozen=True, slots=True)
class Proposal:
    action: str
    current: Decimal
    proposed: Decimal
    reasons: list[dict]


def _round_hundreds(value: Decimal) -> Decimal:
    return (value / ROUND_TO).quantize(Decimal(1), ROUND_HALF_UP) * ROUND_TO


def utilisation_windows(*, company, currency: str, limit: Decimal, today: dt.date) -> list[Decimal]:
    """Average end-of-day utilisation (percent, 2 decimals) of each window, newest first."""
    start = today - dt.timedelta(days=WINDOW_DAYS * WINDOWS - 1)
    signed = Case(When(side=Side.DEBIT, then=F("amount")), default=-F("amount"), output_field=_DEC)
    entries = Entry.objects.filter(account__company=company, account__currency=currency,
                                   account__kind__in=[AccountKind.HOLDS, AccountKind.RECEIVABLE],
                                   posting__effective_date__lte=today)
    opening = entries.filter(posting__effective_date__lt=start).aggregate(total=Sum(signed))["total"] or Decimal(0)
    deltas = {row["posting__effective_date"]: row["total"] for row in
              entries.filter(posting__effective_date__gte=start).values("posting__effective_date")
              .annotate(total=Sum(signed)).order_by()}
    daily: list[Decimal] = []
    exposure = opening
    for offset in range(WINDOW_DAYS * WINDOWS):
        day = start + dt.timedelta(days=offset)
        exposure += deltas.get(day, Decimal(0))
        daily.append(exposure * 100 / limit)
    windows = []
    for k in range(WINDOWS):  # newest first
        end = len(daily) - k * WINDOW_DAYS
        chunk = daily[end - WINDOW_DAYS:end]
        windows.append((sum(chunk, Decimal(0)) / WINDOW_DAYS).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return windows


def limit_proposal(*, limit: Decimal, history: PaymentHistory, windows: list[Decimal]) -> Proposal | None:
    """The rule table of the module docstring (pure)."""
    late_share = history.late_invoice_share
    late = late_share is not None and late_share > LOWER_LATE_SHARE_ABOVE
    past_due = history.max_days_past_due > LOWER_DAYS_PAST_DUE_ABOVE
    if late or past_due:
        reasons = []
        if late:
            reasons.append({"code": "LATE_PAYMENT_SHARE", "late_invoice_share": format(late_share, "f"),
                            "above": format(LOWER_LATE_SHARE_ABOVE, "f")})
        if past_due:
            reasons.append({"code": "DAYS_PAST_DUE", "max_days_past_due": history.max_days_past_due,
                            "above": LOWER_DAYS_PAST_DUE_ABOVE})
        if (late and past_due) or history.max_days_past_due > HOLD_DAYS_PAST_DUE_ABOVE:
            reasons.append({"code": "HOLD_SUGGESTED", "max_days_past_due": history.max_days_past_due})
        proposed = _round_hundreds(limit * LOWER_FACTOR)
        return None if proposed == limit else Proposal("lower", limit, proposed, reasons)
    if (len(windows) == WINDOWS and all(w > RAISE_UTILISATION_ABOVE for w in windows)
            and history.settled_late_count == 0 and history.overdue_open_count == 0):
        proposed = _round_hundreds(limit * RAISE_FACTOR)
        reasons = [{"code": "HIGH_UTILISATION", "windows_pct": [format(w, "f") for w in windows],
                    "above": format(RAISE_UTILISATION_ABOVE, "f")},
                   {"code": "NO_LATE_PAYMENTS", "settled_invoices": history.settled_count}]
        return None if proposed == limit else Proposal("raise", limit, proposed, reasons)
    return None


def company_limit_proposal(*, company, currency: str, limit: Decimal, today: dt.date) -> Proposal | None:
    history = payment_history(company=company, currency=currency, today=today)
    windows = utilisation_windows(company=company, currency=currency, limit=limit, today=today)
    return limit_proposal(limit=limit, history=history, windows=windows)


def _open_approval(recommendation: LimitRecommendation, approval_open: Callable[..., object]) -> str:
    request = approval_open(
        kind="limit_recommendation", company=recommendation.company,
        amount=Money.of(recommendation.proposed_limit, recommendation.currency),
        reasons=[{"action": recommendation.action,
                  "current": format(quantize(recommendation.current_limit, recommendation.currency), "f"),
                  "recommendation_id": recommendation.pk}, *recommendation.reasons],
        created_by="system")
    return str(getattr(request, "pk", "") or "")


def recommendation_for(*, company, currency: str, proposal: Proposal, approval_open: Callable[..., object],
                       approval_withdraw: Callable[..., object]) -> tuple[LimitRecommendation, bool]:
    """Store the proposal (idempotently), then open its approval request with
    `approval_open(kind=, company=, amount=, reasons=, created_by=)`. A proposal that supersedes
    one already sent first withdraws that one's request if it is still pending
    (`approval_withdraw(request_id=, reason=)`), so an approver never decides a stale proposal.
    Both steps are the approvals domain's, passed in by workflows.recommendations. Returns
    (row, changed).

    Two transactions: the row is stored as *proposed* first, so that an approvals failure leaves
    it proposed (and retried on the next run) instead of losing it."""
    current = quantize(proposal.current, currency)
    proposed = quantize(proposal.proposed, currency)
    with transaction.atomic():
        existing = (LimitRecommendation.objects.select_for_update()
                    .filter(company=company, currency=currency, status__in=OPEN_RECOMMENDATION_STATUSES).first())
        same = (existing is not None and existing.action == proposal.action
                and existing.proposed_limit == proposed and existing.current_limit == current)
        if same and existing.status == RecommendationStatus.SENT:
            return existing, False
        if same:
            recommendation = existing  # proposed earlier: its approval request is still to be opened
        else:
            if existing is not None:
                existing.status = RecommendationStatus.SUPERSEDED
                existing.save(update_fields=["status", "updated_at"])
            recommendation = LimitRecommendation.objects.create(
                installation_id=company.installation_id, company=company, currency=currency,
                action=proposal.action, current_limit=current, proposed_limit=proposed,
                reasons=proposal.reasons, status=RecommendationStatus.PROPOSED)
    with transaction.atomic():
        recommendation = LimitRecommendation.objects.select_for_update().get(pk=recommendation.pk)
        if recommendation.status != RecommendationStatus.PROPOSED:  # a concurrent run sent it
            return recommendation, False
        superseded = (LimitRecommendation.objects
                      .filter(company=company, currency=currency, status=RecommendationStatus.SUPERSEDED,
                              id__lt=recommendation.pk).exclude(approval_request_id="").order_by("-id").first())
        if superseded is not None:  # a no-op when its request was decided or withdrawn already
            approval_withdraw(request_id=superseded.approval_request_id,
                              reason=f"Superseded by limit recommendation #{recommendation.pk}")
        recommendation.approval_request_id = _open_approval(recommendation, approval_open)
        recommendation.status = RecommendationStatus.SENT
        recommendation.save(update_fields=["approval_request_id", "status", "updated_at"])
    return recommendation, True


def limit_recommendations_run(*, approval_open: Callable[..., object], approval_withdraw: Callable[..., object],
                              installation=None, today: dt.date | None = None) -> dict:
    """The scheduled job: evaluate every (company, currency) and open approval requests for the
    proposals (`approval_open`, `approval_withdraw` as in recommendation_for). Safe to run twice;
    one company's failure does not stop the others. `today` defaults to each company's business date."""
    limits = (CreditLimit.objects.filter(amount__gt=0).exclude(company__status=CompanyStatus.CLOSED)
              .select_related("company__installation").order_by("company_id", "currency"))
    if installation is not None:
        limits = limits.filter(company__installation=installation)
    counts = {"evaluated": 0, "proposed": 0, "unchanged": 0, "failed": 0}
    for limit in limits:
        counts["evaluated"] += 1
        company: Company = limit.company
        try:
            proposal = company_limit_proposal(company=company, currency=limit.currency, limit=limit.amount,
                                              today=today or business_today(company.installation))
            if proposal is None:
                continue
            _, changed = recommendation_for(company=company, currency=limit.currency, proposal=proposal,
                                            approval_open=approval_open, approval_withdraw=approval_withdraw)
            counts["proposed" if changed else "unchanged"] += 1
        except IntegrityError:  # a concurrent run stored the same open recommendation
            counts["unchanged"] += 1
        except Exception:  # noqa: BLE001 - e.g. the approvals service failed: retried next run
            counts["failed"] += 1
            logger.exception("limit recommendation failed", extra={"company": company.pk,
                                                                    "currency": limit.currency})
    logger.info("limit recommendations run", extra=counts)
    return counts
