"""Deadlines, processed by the beat sweep with time moved through ``now=``: escalate to the next
step, or decline automatically; and the sweep opens requests a review transaction is missing."""
import datetime as dt

import pytest

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import approval_route_create, approvals_sweep
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.models import TransactionStatus
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.outbox.models import OutboxMessage
from tests.approvals.conftest import CREDIT_MANAGER, FINANCE, authorize, request_for, staff_step, usd


@pytest.fixture
def escalating(credit_installation):
    return approval_route_create(
        installation=credit_installation, actor="admin@merchant.example", name="Escalating",
        steps=[staff_step("Credit manager", CREDIT_MANAGER, hours=24),
               staff_step("Finance", FINANCE, hours=48, on_deadline="auto_decline")])


@pytest.mark.django_db
def test_a_missed_deadline_escalates_to_the_next_step(credit_installation, acme, escalating):
    # given
    tx = authorize(credit_installation, tx="tx-1", amount="900.00")
    req = request_for(tx)
    opened_due = req.due_at

    # when: one second before the deadline nothing happens; at the deadline it escalates
    early = approvals_sweep(now=opened_due - dt.timedelta(seconds=1))
    late = approvals_sweep(now=opened_due)

    # then
    req.refresh_from_db()
    assert (early, late) == ({}, {"escalated": 1})
    assert (req.status, req.current_step, req.due_at) == ("pending", 1, opened_due + dt.timedelta(hours=48))
    entry = AuditEntry.objects.get(action="approval.escalated")
    assert (entry.actor, entry.before["step"], entry.after["step"]) == ("system", 0, 1)


@pytest.mark.django_db
def test_a_missed_auto_decline_deadline_expires_the_request_and_releases_the_hold(
        credit_installation, acme, escalating):
    # given
    tx = authorize(credit_installation, tx="tx-1", amount="900.00")
    req = request_for(tx)
    approvals_sweep(now=req.due_at)
    req.refresh_from_db()

    # when
    counts = approvals_sweep(now=req.due_at)
    again = approvals_sweep(now=req.due_at + dt.timedelta(days=1))

    # then
    req.refresh_from_db()
    tx.refresh_from_db()
    assert (counts, again) == ({"expired": 1}, {})
    assert (req.status, req.decided_by) == ("expired", "system")
    assert tx.status == TransactionStatus.CANCELED
    assert credit_summary(company=acme, currency="USD").holds == usd("0")
    assert [(m.payload["type"], m.payload["amount"])
            for m in OutboxMessage.objects.filter(kind="saleor.transaction_event_report")] == [
        ("AUTHORIZATION_FAILURE", "900.00")]
    assert OutboxMessage.objects.filter(kind="email.approval_outcome").count() == 1


@pytest.mark.django_db
def test_escalating_past_the_last_step_leaves_it_open_and_overdue(credit_installation, acme):
    # given
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="One step",
                          steps=[staff_step("Credit manager", CREDIT_MANAGER, hours=4)])
    req = request_for(authorize(credit_installation, tx="tx-1", amount="900.00"))

    # when
    first = approvals_sweep(now=req.due_at)
    second = approvals_sweep(now=req.due_at + dt.timedelta(hours=1))

    # then
    req.refresh_from_db()
    assert (first, second) == ({"overdue": 1}, {})
    assert (req.status, req.current_step, req.due_at) == ("pending", 0, None)


@pytest.mark.django_db
def test_the_sweep_opens_a_request_for_a_transaction_in_review_without_one(credit_installation, acme):
    # given: a transaction put in review before the workflow existed
    tx = authorize(credit_installation, tx="tx-1", amount="900.00")
    ApprovalRequest.objects.filter(transaction=tx).delete()

    # when
    first = approvals_sweep()
    second = approvals_sweep()

    # then
    assert (first, second) == ({"opened": 1}, {})
    assert request_for(tx).route_snapshot["codes"] == ["OVER_SPENDING_LIMIT", "WITHIN_LIMIT"]
