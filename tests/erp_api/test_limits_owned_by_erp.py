"""Where the ERP is the master of credit limits, a limit approved in the app (a buyer's request, a
recommendation) does not change the limit: it is handed to the ERP (credit_limit.change_approved),
and the ERP's push of exactly that limit carries it out without a second approval."""
from decimal import Decimal

import pytest

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import approval_act, approval_request_open, approval_route_create, limit_request_open
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.models import Company
from saleor_netterms.companies.selectors import company_credit_limit
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.integration_events.services import event_envelope, event_validate
from tests.approvals.conftest import CREDIT_MANAGER, staff_step
from tests.invoicing.conftest import acme, usd  # noqa: F401 - fixtures


@pytest.fixture
def erp_owns_limits(erp_masters, acme, credit_installation, settings):
    settings.APPROVALS_TOTP_LIMIT_THRESHOLD = Decimal("1000000")
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Limits",
                          kind="limit_request", steps=[staff_step("Credit manager", CREDIT_MANAGER)])
    Company.objects.filter(pk=acme.pk).update(erp_customer_number="C-1000")
    acme.refresh_from_db()
    return erp_masters(credit_limits="erp", erp_limits_need_approval=True)


def _approve(req):
    return approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve")


@pytest.mark.django_db
def test_a_buyer_request_approved_in_the_app_is_handed_to_the_erp_and_the_limit_is_unchanged(acme, erp_owns_limits):
    # given
    req = limit_request_open(company=acme, proposed=usd("120000"), requested_by="buyer:ceo@acme.example",
                             reason="New plant")

    # when
    _approve(req)

    # then
    req.refresh_from_db()
    assert req.status == "approved"
    assert company_credit_limit(company=acme, currency="USD") == usd("100000.00")
    assert not IntegrationEvent.objects.filter(type="credit_limit.changed", subject_id=str(acme.pk)).exclude(
        data__amount="100000.00").exists()
    (event,) = IntegrationEvent.objects.filter(type="credit_limit.change_approved")
    assert event_validate(event_envelope(event)) == []
    assert (event.versioned_type, event.subject_type, event.subject_id) == (
        "credit_limit.change_approved.v1", "company", str(acme.pk))
    assert event.data == {
        "company": {"id": acme.pk, "legalName": "Acme Industrial Supply", "erpCustomerNumber": "C-1000"},
        "currency": "USD", "currentAmount": "100000.00", "approvedAmount": "120000.00", "appliedBy": "erp",
        "approvalRequest": {"id": req.pk, "kind": "limit_request", "requestedBy": "buyer:ceo@acme.example",
                            "approvedBy": CREDIT_MANAGER,
                            "reason": "buyer:ceo@acme.example asks for a limit of 120000.00 USD: New plant",
                            "approvedAt": event.data["approvalRequest"]["approvedAt"]}}
    assert event.data["approvalRequest"]["approvedAt"].startswith(req.decided_at.date().isoformat())
    entry = AuditEntry.objects.get(action="credit_limit.routed_to_erp")
    assert (entry.actor, entry.before, entry.after) == (
        CREDIT_MANAGER, {"currency": "USD", "amount": "100000.00"},
        {"currency": "USD", "amount": "120000.00", "approval_request": req.pk})
    assert not AuditEntry.objects.filter(action="credit_limit.set", actor=CREDIT_MANAGER).exists()


@pytest.mark.django_db
def test_the_erps_push_of_the_approved_limit_applies_once_without_a_second_approval(
        erp, acme, erp_owns_limits):
    # given: the merchant approved 120,000 in the app; the ERP was told
    req = limit_request_open(company=acme, proposed=usd("120000"), requested_by="buyer:ceo@acme.example",
                             reason="New plant")
    _approve(req)

    # when
    applied = erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "120000.00"})
    erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "90000.00"})  # a cut needs no approval
    again = erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "120000.00"})  # the approval was used

    # then
    assert applied.data == {"status": "applied", "limit": {"amount": "120000.00", "currency": "USD"}}
    assert again.data["status"] == "pending_approval"
    assert company_credit_limit(company=acme, currency="USD") == usd("90000.00")
    first_set = AuditEntry.objects.filter(action="credit_limit.set", actor__startswith="erp:").order_by("id").first()
    assert (first_set.after, first_set.reason) == (
        {"currency": "USD", "amount": "120000.00"}, f"Set by the ERP; approved limit_request #{req.pk} in the app")
    assert ApprovalRequest.objects.filter(status="pending").count() == 1


@pytest.mark.django_db
def test_a_raise_the_erp_itself_pushed_is_applied_when_approved_in_the_app(erp, acme, erp_owns_limits):
    # given: the ERP's raise waits for the merchant's approval
    pending = erp("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "150000.00"})
    req = ApprovalRequest.objects.get(pk=pending.data["approvalRequestId"])

    # when
    _approve(req)

    # then: it is the ERP's own limit, so the app sets it (and tells nobody to set it again)
    assert company_credit_limit(company=acme, currency="USD") == usd("150000.00")
    assert not IntegrationEvent.objects.filter(type="credit_limit.change_approved").exists()


@pytest.mark.django_db
def test_a_recommendation_approved_while_the_erp_owns_limits_is_handed_to_it(acme, erp_owns_limits,
                                                                            credit_installation):
    # given
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Recommendations",
                          kind="limit_recommendation", steps=[staff_step("Credit manager", CREDIT_MANAGER)])
    req = approval_request_open(company=acme, amount=usd("80000"),
                                reasons=[{"code": "PAYMENT_BEHAVIOUR", "merchant": "Pays late"}])

    # when
    _approve(req)

    # then
    assert company_credit_limit(company=acme, currency="USD") == usd("100000.00")
    (event,) = IntegrationEvent.objects.filter(type="credit_limit.change_approved")
    assert (event.data["approvedAmount"], event.data["approvalRequest"]["kind"],
            event.data["approvalRequest"]["reason"]) == ("80000.00", "limit_recommendation", "Pays late")
