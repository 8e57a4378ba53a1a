"""Which chain a credit review follows, and how approvers move it: amount bands, first orders,
any vs all, declines, and refusals that write nothing."""
import pytest

from saleor_netterms.approvals.errors import ApprovalError
from saleor_netterms.approvals.models import ApprovalAction, ApprovalRequest
from saleor_netterms.approvals.services import approval_act, approval_route_create, approval_route_update
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.models import TransactionStatus
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.outbox.models import OutboxMessage
from tests.approvals.conftest import (CREDIT_MANAGER, FINANCE, SALES, authorize, request_for, staff_step,
                                      usd)

PERMS = ("HANDLE_PAYMENTS",)


def reports():
    return [(m.payload["type"], m.payload["psp_reference"], m.payload["amount"])
            for m in OutboxMessage.objects.filter(kind="saleor.transaction_event_report").order_by("id")]


def written():
    return (ApprovalAction.objects.count(), OutboxMessage.objects.count(), AuditEntry.objects.count(),
            list(ApprovalRequest.objects.order_by("id").values_list("status", "current_step")))


def with_history(installation):
    """A first, approved order (within the buyer's spending limit): later orders are not first orders."""
    tx = authorize(installation, tx="tx-history", amount="100.00")
    assert tx.status == TransactionStatus.AUTHORIZED


@pytest.mark.django_db
def test_a_first_order_goes_to_sales(credit_installation, acme, standard_routes):
    # when
    tx = authorize(credit_installation, tx="tx-1", amount="20000.00")

    # then
    req = request_for(tx)
    assert tx.status == TransactionStatus.IN_REVIEW
    assert (req.route_snapshot["name"], [s["name"] for s in req.steps]) == ("First orders", ["Sales"])
    assert req.steps[0]["approver_emails"] == [SALES]
    assert req.route_snapshot["codes"] == ["OVER_SPENDING_LIMIT", "WITHIN_LIMIT", "FIRST_ORDER"]
    assert AuditEntry.objects.filter(action="approval.opened", object_id=str(req.pk)).count() == 1


@pytest.mark.django_db
def test_an_order_of_exactly_10000_goes_to_the_credit_manager_alone(credit_installation, acme, standard_routes):
    # given
    with_history(credit_installation)

    # when
    tx = authorize(credit_installation, tx="tx-1", amount="10000.00")

    # then
    req = request_for(tx)
    assert (req.route_snapshot["name"], [s["name"] for s in req.steps]) == ("Up to 10,000", ["Credit manager"])

    # when the credit manager approves
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")

    # then
    req.refresh_from_db()
    tx.refresh_from_db()
    assert (req.status, req.decided_by, tx.status) == ("approved", CREDIT_MANAGER, TransactionStatus.AUTHORIZED)
    assert reports() == [("AUTHORIZATION_SUCCESS", tx.psp_reference, "10000.00")]


@pytest.mark.django_db
def test_above_10000_needs_the_credit_manager_then_finance(credit_installation, acme, standard_routes):
    # given
    with_history(credit_installation)
    tx = authorize(credit_installation, tx="tx-1", amount="10000.01")
    req = request_for(tx)
    assert [s["name"] for s in req.steps] == ["Credit manager", "Finance"]

    # when
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve", comment="ok")

    # then: finance is next, Saleor is not told yet
    req.refresh_from_db()
    assert (req.status, req.current_step) == ("pending", 1)
    assert reports() == []

    # when
    approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="approve")

    # then
    req.refresh_from_db()
    tx.refresh_from_db()
    assert (req.status, tx.status) == ("approved", TransactionStatus.AUTHORIZED)
    assert reports() == [("AUTHORIZATION_SUCCESS", tx.psp_reference, "10000.01")]
    assert list(AuditEntry.objects.filter(object_type="approval_request").values_list("action", flat=True)) == [
        "approval.opened", "approval.step_approved", "approval.step_opened", "approval.step_approved",
        "approval.approved"]


@pytest.mark.django_db
def test_without_a_matching_route_any_staff_member_with_handle_payments_decides(credit_installation, acme):
    # when
    tx = authorize(credit_installation, tx="tx-1", amount="600.00")

    # then
    req = request_for(tx)
    assert req.route_snapshot["name"] == "Default"
    assert req.steps[0]["required_permission"] == "HANDLE_PAYMENTS"

    # when
    approval_act(request=req, actor_email="anyone@merchant.example", actor_permissions=PERMS, decision="approve")

    # then
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.AUTHORIZED


@pytest.mark.django_db
def test_editing_a_route_does_not_change_an_open_request(credit_installation, acme, standard_routes):
    # given
    with_history(credit_installation)
    tx = authorize(credit_installation, tx="tx-1", amount="700.00")
    _, small, _ = standard_routes

    # when
    approval_route_update(route=small, actor="admin@merchant.example", steps=[staff_step("Director", "dir@merchant.example")])

    # then
    req = request_for(tx)
    assert [s["name"] for s in req.steps] == ["Credit manager"]
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")
    req.refresh_from_db()
    assert req.status == "approved"


@pytest.mark.django_db
def test_mode_all_needs_every_listed_approver(credit_installation, acme):
    # given
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Board",
                          steps=[staff_step("Two signatures", CREDIT_MANAGER, FINANCE, mode="all")])
    tx = authorize(credit_installation, tx="tx-1", amount="800.00")
    req = request_for(tx)

    # when
    approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="approve")

    # then
    req.refresh_from_db()
    assert (req.status, req.current_step) == ("pending", 0)
    assert reports() == []

    # when
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")

    # then
    req.refresh_from_db()
    assert req.status == "approved"
    assert reports() == [("AUTHORIZATION_SUCCESS", tx.psp_reference, "800.00")]


@pytest.mark.django_db
def test_any_decline_declines_releases_the_hold_and_tells_the_buyer(credit_installation, acme):
    # given
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Board",
                          steps=[staff_step("Two signatures", CREDIT_MANAGER, FINANCE, mode="all")])
    tx = authorize(credit_installation, tx="tx-1", amount="800.00")
    req = request_for(tx)
    approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="approve")

    # when
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="decline",
                 comment="Too much open on the account.")

    # then
    req.refresh_from_db()
    tx.refresh_from_db()
    assert (req.status, req.decision_comment) == ("declined", "Too much open on the account.")
    assert tx.status == TransactionStatus.CANCELED
    assert credit_summary(company=acme, currency="USD").holds == usd("0")
    assert reports() == [("AUTHORIZATION_FAILURE", tx.psp_reference, "800.00")]
    email = OutboxMessage.objects.get(kind="email.approval_outcome")
    assert email.payload["to"] == "ap@acme.example"
    assert "Reason: Too much open on the account." in email.payload["body"]
    assert AuditEntry.objects.filter(action="approval.declined", object_id=str(req.pk)).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "permissions", "code"), [
    (FINANCE, (), "APPROVAL_NOT_ALLOWED"),
    ("", PERMS, "APPROVAL_NOT_ALLOWED"),
    (CREDIT_MANAGER.upper(), (), "APPROVAL_ALREADY_ACTED"),
])
def test_refusals_write_nothing(credit_installation, acme, actor, permissions, code):
    # given
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Board",
                          steps=[staff_step("Two", CREDIT_MANAGER, SALES, mode="all")])
    tx = authorize(credit_installation, tx="tx-1", amount="800.00")
    req = request_for(tx)
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")
    before = written()

    # when
    with pytest.raises(ApprovalError) as refused:
        approval_act(request=req, actor_email=actor, actor_permissions=permissions, decision="approve")

    # then
    assert refused.value.code == code
    assert written() == before


@pytest.mark.django_db
def test_the_same_person_cannot_approve_two_steps(credit_installation, acme):
    # given
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Two steps",
                          steps=[staff_step("First", CREDIT_MANAGER), staff_step("Second", CREDIT_MANAGER, FINANCE)])
    req = request_for(authorize(credit_installation, tx="tx-1", amount="800.00"))
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")
    before = written()

    # when
    with pytest.raises(ApprovalError) as refused:
        approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")

    # then
    assert refused.value.code == "APPROVAL_SAME_APPROVER"
    assert written() == before


@pytest.mark.django_db
def test_a_decided_request_or_a_stale_step_is_refused(credit_installation, acme, standard_routes):
    # given
    with_history(credit_installation)
    req = request_for(authorize(credit_installation, tx="tx-1", amount="12000.00"))
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")
    before = written()

    # when: finance acts on what was shown as step 0
    with pytest.raises(ApprovalError) as stale:
        approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="approve", step=0)

    # then
    assert stale.value.code == "APPROVAL_STEP_CHANGED"
    assert written() == before

    # given the request is decided
    approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="decline", comment="no")
    before = written()

    # when
    with pytest.raises(ApprovalError) as decided:
        approval_act(request=req, actor_email="x@merchant.example", actor_permissions=PERMS, decision="approve")

    # then
    assert decided.value.code == "APPROVAL_NOT_PENDING"
    assert written() == before
