"""Limit recommendations: the rule table, utilisation from the ledger, idempotency, and never
applied silently (an approval request is opened; the limit stays as it was).

The scheduled run is the use case workflows.recommendations.limit_recommendations_run: the
recommendation (decisions) and its approval request (approvals, real rows) in one run."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import approval_request_withdraw
from saleor_netterms.companies.models import CreditLimit
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.models import LimitRecommendation
from saleor_netterms.decisions import recommendations
from saleor_netterms.decisions.recommendations import limit_proposal, utilisation_windows
from saleor_netterms.workflows.recommendations import limit_recommendations_run
from saleor_netterms.decisions.selectors import PaymentHistory
from saleor_netterms.ledger import services as ledger

from .conftest import usd


def history(*, late_share=None, max_days=0, settled=0, settled_late=0, overdue_open=0) -> PaymentHistory:
    return PaymentHistory(overdue_amount=Decimal(0), max_days_past_due=max_days, overdue_open_count=overdue_open,
                          settled_count=settled, settled_late_count=settled_late, avg_days_to_pay=None,
                          avg_days_beyond_terms=None, late_invoice_share=late_share)


HIGH = [Decimal("85.00"), Decimal("90.00"), Decimal("81.00")]


@pytest.mark.parametrize("limit, figures, windows, expected", [
    # raise: > 80 % in each of three windows, nothing late, nothing overdue → × 1.25 to hundreds
    ("10000", history(settled=4), HIGH, ("raise", "12500", ["HIGH_UTILISATION", "NO_LATE_PAYMENTS"])),
    ("2500", history(), HIGH, ("raise", "3100", ["HIGH_UTILISATION", "NO_LATE_PAYMENTS"])),  # 3125 → 3100
    # one window at exactly 80 %: no raise
    ("10000", history(), [Decimal("85"), Decimal("80.00"), Decimal("95")], None),
    # one invoice settled late: no raise
    ("10000", history(settled=4, settled_late=1, late_share=Decimal("0.25")), HIGH, None),
    # late share above 30 %: lower × 0.75
    ("10000", history(late_share=Decimal("0.3001")), HIGH, ("lower", "7500", ["LATE_PAYMENT_SHARE"])),
    # exactly 30 % late and 30 days past due: nothing
    ("10000", history(late_share=Decimal("0.30"), max_days=30), [Decimal(0)] * 3, None),
    # 31 days past due: lower
    ("10000", history(max_days=31, overdue_open=1), [Decimal(0)] * 3, ("lower", "7500", ["DAYS_PAST_DUE"])),
    # both: lower and suggest a hold
    ("10000", history(late_share=Decimal("0.5"), max_days=31), HIGH,
     ("lower", "7500", ["LATE_PAYMENT_SHARE", "DAYS_PAST_DUE", "HOLD_SUGGESTED"])),
    # > 60 days past due alone also suggests a hold; 3330 × 0.75 = 2497.5 → 2500
    ("3330", history(max_days=61), HIGH, ("lower", "2500", ["DAYS_PAST_DUE", "HOLD_SUGGESTED"])),
    # rounding back to the current limit: nothing (100 × 0.75 = 75 → 100)
    ("100", history(late_share=Decimal("1")), HIGH, None),
])
def test_rule_table(limit, figures, windows, expected):
    # when
    proposal = limit_proposal(limit=Decimal(limit), history=figures, windows=windows)

    # then
    got = None if proposal is None else (proposal.action, format(proposal.proposed, "f"),
                                         [r["code"] for r in proposal.reasons])
    assert got == expected


def approvals() -> list[dict]:
    """The limit-recommendation approval requests, as stored."""
    return [{"id": r.pk, "kind": r.kind, "company": r.company_id, "amount": r.money, "status": r.status,
             "created_by": r.created_by, "reasons": r.reasons}
            for r in ApprovalRequest.objects.filter(kind="limit_recommendation").order_by("id")]


def busy(company, *, exposure: str, days_ago: int, key: str):
    ledger.hold_place(company=company, money=usd(exposure), hold_ref=f"seed:{key}", idempotency_key=f"seed:{key}",
                      effective_date=timezone.localdate() - dt.timedelta(days=days_ago))


@pytest.mark.django_db
def test_utilisation_windows_come_from_the_ledger_by_effective_date(buyer):
    # given: 9,000 of 10,000 held from 90 days ago, 500 more for the last 10 days
    busy(buyer, exposure="9000.00", days_ago=89, key="a")
    busy(buyer, exposure="500.00", days_ago=9, key="b")

    # when
    windows = utilisation_windows(company=buyer, currency="USD", limit=Decimal("10000"),
                                  today=timezone.localdate())

    # then: newest window: (20 × 90 % + 10 × 95 %) / 30
    assert windows == [Decimal("91.67"), Decimal("90.00"), Decimal("90.00")]


@pytest.mark.django_db
def test_a_raise_becomes_an_approval_request_and_the_limit_stays(buyer):
    # given
    busy(buyer, exposure="9000.00", days_ago=89, key="a")

    # when
    counts = limit_recommendations_run()

    # then
    assert counts == {"evaluated": 1, "proposed": 1, "unchanged": 0, "failed": 0}
    recommendation = LimitRecommendation.objects.get()
    [request] = approvals()
    assert (recommendation.action, recommendation.current_limit, recommendation.proposed_limit,
            recommendation.status, recommendation.approval_request_id) == (
        "raise", Decimal("10000.0000"), Decimal("12500.0000"), "sent", str(request["id"]))
    assert approvals() == [{
        "id": request["id"], "kind": "limit_recommendation", "company": buyer.pk,
        "amount": Money.of("12500.00", "USD"), "status": "pending", "created_by": "system",
        "reasons": [{"action": "raise", "current": "10000.00", "recommendation_id": recommendation.pk},
                    {"code": "HIGH_UTILISATION", "windows_pct": ["90.00", "90.00", "90.00"], "above": "80"},
                    {"code": "NO_LATE_PAYMENTS", "settled_invoices": 0}]}]
    assert CreditLimit.objects.get(company=buyer).amount == Decimal("10000.0000")  # never applied silently


@pytest.mark.django_db
def test_running_twice_opens_one_request(buyer):
    # given
    busy(buyer, exposure="9000.00", days_ago=89, key="a")
    limit_recommendations_run()

    # when
    counts = limit_recommendations_run()

    # then
    assert counts == {"evaluated": 1, "proposed": 0, "unchanged": 1, "failed": 0}
    assert LimitRecommendation.objects.count() == 1
    assert len(approvals()) == 1


@pytest.mark.django_db
def test_a_different_proposal_supersedes_the_open_one(buyer):
    # given
    busy(buyer, exposure="9000.00", days_ago=89, key="a")
    limit_recommendations_run()
    CreditLimit.objects.filter(company=buyer).update(amount=Decimal("11000"))  # approved elsewhere

    # when
    limit_recommendations_run()

    # then
    assert list(LimitRecommendation.objects.order_by("id").values_list("status", "current_limit",
                                                                       "proposed_limit")) == [
        ("superseded", Decimal("10000.0000"), Decimal("12500.0000")),
        ("sent", Decimal("11000.0000"), Decimal("13800.0000"))]  # 13,750 → 13,800
    # the superseded proposal's request is withdrawn; the new one asks for the new limit
    first, second = approvals()
    assert (first["amount"], first["status"], second["amount"], second["status"]) == (
        Money.of("12500.00", "USD"), "canceled", Money.of("13800.00", "USD"), "pending")
    assert LimitRecommendation.objects.get(status="sent").approval_request_id == str(second["id"])


@pytest.mark.django_db
def test_when_approvals_fail_the_recommendation_stays_proposed_and_is_retried(buyer):
    # given: the approvals step the decisions domain is handed fails once
    busy(buyer, exposure="9000.00", days_ago=89, key="a")

    def broken(**kwargs):
        raise RuntimeError("approvals down")

    # when
    failed = recommendations.limit_recommendations_run(approval_open=broken,
                                                       approval_withdraw=approval_request_withdraw)
    stored = list(LimitRecommendation.objects.values_list("status", "approval_request_id"))
    retried = limit_recommendations_run()

    # then
    assert (failed["failed"], retried["proposed"]) == (1, 1)
    assert stored == [("proposed", "")]
    [request] = approvals()
    assert list(LimitRecommendation.objects.values_list("status", "approval_request_id")) == [
        ("sent", str(request["id"]))]
    assert CreditLimit.objects.get(company=buyer).amount == Decimal("10000.0000")


@pytest.mark.django_db
def test_quiet_accounts_get_no_recommendation(buyer):
    # when
    counts = limit_recommendations_run()

    # then
    assert counts == {"evaluated": 1, "proposed": 0, "unchanged": 0, "failed": 0}
    assert LimitRecommendation.objects.count() == 0
    assert approvals() == []
