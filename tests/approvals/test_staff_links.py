"""Merchant approvers named on a step are e-mailed a signed, single-use, expiring link when the step
opens; the link decides as that approver (an authenticator-protected limit raise is refused)."""
import pytest

from saleor_netterms.approvals.models import ApprovalAction, ApprovalLink, ApprovalRequest
from saleor_netterms.approvals.services import limit_request_open
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.approvals.services import approval_route_create
from tests.approvals.conftest import CREDIT_MANAGER, FINANCE, authorize, request_for, usd
from tests.approvals.test_buyer_links import link_path
from tests.approvals.test_routes_and_acting import with_history


def links_to(email: str) -> list[OutboxMessage]:
    return [m for m in OutboxMessage.objects.filter(kind="email.approval_link").order_by("id")
            if m.payload["to"] == email]


@pytest.mark.django_db
def test_each_step_emails_its_approvers_a_link_that_decides_once(client, credit_installation, acme,
                                                                   standard_routes):
    # given
    with_history(credit_installation)
    tx = authorize(credit_installation, tx="tx-1", amount="20000.00")
    req = request_for(tx)
    [first] = links_to(CREDIT_MANAGER)
    assert links_to(FINANCE) == []  # the finance step has not opened yet
    assert first.payload["subject"] == "Approval needed (Credit review of an order): 20000.00 USD for Acme Industrial Supply (order " \
        f"{tx.psp_reference})"

    # when the credit manager approves by the link
    response = client.post(link_path(first), {"decision": "approve"})
    again = client.post(link_path(first), {"decision": "approve"})

    # then the finance step opens and finance gets its own link
    req.refresh_from_db()
    assert response.status_code == 200
    assert again.status_code == 410
    assert (req.status, req.current_step) == ("pending", 1)
    assert list(ApprovalAction.objects.values_list("actor", "step", "decision")) == [(CREDIT_MANAGER, 0, "approve")]
    [finance] = links_to(FINANCE)

    # when finance approves by its link
    client.post(link_path(finance), {"decision": "approve"})

    # then
    req.refresh_from_db()
    assert req.status == "approved"
    assert ApprovalLink.objects.filter(used_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_a_limit_raise_that_needs_the_authenticator_cannot_be_approved_by_link(client, credit_installation, acme,
                                                                               standard_routes, settings):
    # given
    settings.APPROVALS_TOTP_LIMIT_THRESHOLD = usd("50000").amount
    from tests.approvals.conftest import staff_step
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Limits",
                          kind="limit_request", steps=[staff_step("Finance", FINANCE)])
    req = limit_request_open(company=acme, proposed=usd("250000"), requested_by="sales@merchant.example",
                             reason="Annual contract")
    [link] = links_to(FINANCE)
    before = (ApprovalAction.objects.count(), list(ApprovalLink.objects.values_list("used_at", flat=True)))

    # when
    response = client.post(link_path(link), {"decision": "approve"})

    # then
    req.refresh_from_db()
    assert response.status_code == 403
    assert req.status == "pending"
    assert (ApprovalAction.objects.count(), list(ApprovalLink.objects.values_list("used_at", flat=True))) == before
    assert ApprovalRequest.objects.get(pk=req.pk).proposed_limit == usd("250000").amount
