"""Approvers acting at the same moment get one outcome: real parallel connections on PostgreSQL."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from saleor_netterms.approvals.errors import ApprovalError
from saleor_netterms.approvals.models import ApprovalAction, ApprovalRequest
from saleor_netterms.approvals.services import approval_act, approval_route_create
from saleor_netterms.checkout.models import TransactionStatus
from saleor_netterms.outbox.models import OutboxMessage
from tests.approvals.conftest import authorize, request_for, staff_step
from tests.fixtures_credit import postgres_only

APPROVERS = [f"approver{i}@merchant.example" for i in range(4)]  # 4 threads, 4 connections


def _act_in_thread(request_id, email, start):
    try:
        start.wait(timeout=30)
        request = ApprovalRequest.objects.get(pk=request_id)
        approval_act(request=request, actor_email=email, actor_permissions=(), decision="approve")
        return "approved"
    except ApprovalError as exc:
        return exc.code
    finally:
        connections.close_all()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_approvers_acting_at_once_give_one_outcome_and_one_saleor_report(
        credit_installation, acme, fake_saleor_factory):
    # given: four credit managers, any one of them decides; the installation's Saleor is the test double
    assert connection.vendor == "postgresql"
    saleor = fake_saleor_factory(api_url=credit_installation.saleor_api_url, app_id=credit_installation.app_id)
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Any manager",
                          steps=[staff_step("Credit manager", *APPROVERS)])
    tx = authorize(credit_installation, tx="tx-race", amount="900.00")
    req = request_for(tx)
    start = threading.Event()

    # when
    with ThreadPoolExecutor(max_workers=len(APPROVERS)) as pool:
        futures = [pool.submit(_act_in_thread, req.pk, email, start) for email in APPROVERS]
        start.set()
        outcomes = sorted(f.result() for f in futures)

    # then
    assert outcomes == ["APPROVAL_NOT_PENDING"] * 3 + ["approved"]
    req.refresh_from_db()
    tx.refresh_from_db()
    assert (req.status, tx.status) == ("approved", TransactionStatus.AUTHORIZED)
    assert ApprovalAction.objects.filter(request=req).count() == 1
    assert [(m.payload["type"], m.payload["psp_reference"])
            for m in OutboxMessage.objects.filter(kind="saleor.transaction_event_report")] == [
        ("AUTHORIZATION_SUCCESS", tx.psp_reference)]
    reports = saleor.calls_for("TransactionEventReport")
    assert [(c.variables["type"], c.variables["pspReference"]) for c in reports] == [
        ("AUTHORIZATION_SUCCESS", tx.psp_reference)]
