"""The approvals part of the merchant API, executed with a Dashboard principal on the context."""
from types import SimpleNamespace

import pytest

from saleor_netterms.api.schema import schema
from saleor_netterms.approvals.models import ApprovalAction, ApprovalRoute
from saleor_netterms.audit.models import AuditEntry
from tests.approvals.conftest import CREDIT_MANAGER, FINANCE, authorize, request_for

QUEUE = "query Q { approvalQueue { id kind status routeName currentStep canAct amount { amount currency } } }"
DETAIL = """query D($id: ID!) { approvalRequest(id: $id) {
  kind status limit { amount } exposure { amount } available { amount } openReceivables { amount }
  overdueReceivables { amount } maxDaysPastDue reasons { code } steps { name mode party approverEmails }
  actions { actor decision } secondFactorRequired } }"""
ACT = """mutation A($id: ID!, $decision: ApprovalDecision!, $comment: String) {
  approvalAct(requestId: $id, decision: $decision, comment: $comment) {
    request { status transaction { status } } errors { code field message } } }"""
ROUTE_CREATE = """mutation R($input: ApprovalRouteInput!) { approvalRouteCreate(input: $input) {
  route { name kind priority currency minAmount maxAmount reasonCodes steps { position name mode approverEmails
  deadlineHours onDeadline } } errors { code field message } } }"""
LIMIT = """mutation L($company: ID!, $amount: String!) {
  limitRequestCreate(companyId: $company, amount: $amount, currency: "USD", reason: "Growth") {
    request { kind status proposedLimit { amount currency } createdBy } errors { code field message } } }"""


def run(installation, document, variables=None, *, email=CREDIT_MANAGER, permissions=("HANDLE_PAYMENTS",)):
    context = SimpleNamespace(dashboard_principal=SimpleNamespace(
        installation=installation, email=email, user_id="VXNlcjoy", user_permissions=list(permissions)))
    result = schema.execute(document, variables=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data


@pytest.mark.django_db
def test_route_create_then_queue_detail_and_act(credit_installation, acme):
    # given
    created = run(credit_installation, ROUTE_CREATE, {"input": {
        "name": "Up to 10,000", "currency": "usd", "maxAmount": "10000.00",
        "steps": [{"name": "Credit manager", "approverEmails": ["CM@merchant.example"], "deadlineHours": 24}]}})
    assert created["approvalRouteCreate"] == {"errors": [], "route": {
        "name": "Up to 10,000", "kind": "CREDIT_REVIEW", "priority": 100, "currency": "USD", "minAmount": None,
        "maxAmount": "10000.00", "reasonCodes": [], "steps": [{
            "position": 0, "name": "Credit manager", "mode": "ANY", "approverEmails": [CREDIT_MANAGER],
            "deadlineHours": 24, "onDeadline": "ESCALATE"}]}}
    tx = authorize(credit_installation, tx="tx-1", amount="900.00")
    req = request_for(tx)

    # when / then: the credit manager sees it, finance does not
    assert run(credit_installation, QUEUE)["approvalQueue"] == [{
        "id": str(req.pk), "kind": "CREDIT_REVIEW", "status": "PENDING", "routeName": "Up to 10,000",
        "currentStep": 0, "canAct": True, "amount": {"amount": "900.00", "currency": "USD"}}]
    assert run(credit_installation, QUEUE, email=FINANCE)["approvalQueue"] == []
    assert run(credit_installation, DETAIL, {"id": str(req.pk)})["approvalRequest"] == {
        "kind": "CREDIT_REVIEW", "status": "PENDING", "limit": {"amount": "100000.00"},
        "exposure": {"amount": "900.00"}, "available": {"amount": "99100.00"}, "openReceivables": {"amount": "0.00"},
        "overdueReceivables": {"amount": "0.00"}, "maxDaysPastDue": 0,
        "reasons": [{"code": "OVER_SPENDING_LIMIT"}, {"code": "WITHIN_LIMIT"}],
        "steps": [{"name": "Credit manager", "mode": "ANY", "party": "staff", "approverEmails": [CREDIT_MANAGER]}],
        "actions": [], "secondFactorRequired": False}

    # when finance tries, then the credit manager approves
    refused = run(credit_installation, ACT, {"id": str(req.pk), "decision": "APPROVE"}, email=FINANCE)
    approved = run(credit_installation, ACT, {"id": str(req.pk), "decision": "APPROVE"})

    # then
    assert refused["approvalAct"] == {"request": None, "errors": [{
        "code": "APPROVAL_NOT_ALLOWED", "field": None,
        "message": "You are not an approver of the request's current step."}]}
    assert approved["approvalAct"] == {"errors": [], "request": {"status": "APPROVED",
                                                                 "transaction": {"status": "AUTHORIZED"}}}
    assert list(ApprovalAction.objects.values_list("actor", "decision")) == [(CREDIT_MANAGER, "approve")]


@pytest.mark.django_db
def test_route_create_refusals_write_nothing(credit_installation):
    # given
    before = (ApprovalRoute.objects.count(), AuditEntry.objects.count())

    # when
    no_steps = run(credit_installation, ROUTE_CREATE, {"input": {"name": "Empty", "steps": []}})
    bound_without_currency = run(credit_installation, ROUTE_CREATE, {"input": {
        "name": "Band", "minAmount": "10", "steps": [{"name": "x", "requiredPermission": "HANDLE_PAYMENTS"}]}})

    # then
    assert no_steps["approvalRouteCreate"]["errors"] == [
        {"code": "INVALID_APPROVAL_ROUTE", "field": "input", "message": "A route needs at least one step."}]
    assert bound_without_currency["approvalRouteCreate"]["errors"] == [
        {"code": "CURRENCY_REQUIRED", "field": "input.minAmount", "message": "Amount bounds need the route's currency."}]
    assert (ApprovalRoute.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_limit_request_create(credit_installation, acme):
    # when
    first = run(credit_installation, LIMIT, {"company": str(acme.pk), "amount": "120000.00"})
    second = run(credit_installation, LIMIT, {"company": str(acme.pk), "amount": "130000.00"})

    # then
    assert first["limitRequestCreate"] == {"errors": [], "request": {
        "kind": "LIMIT_REQUEST", "status": "PENDING", "proposedLimit": {"amount": "120000.00", "currency": "USD"},
        "createdBy": CREDIT_MANAGER}}
    assert second["limitRequestCreate"]["errors"][0]["code"] == "LIMIT_REQUEST_PENDING"


@pytest.mark.django_db
def test_totp_enroll_gives_the_setup_link_and_its_qr_code(credit_installation):
    # when
    data = run(credit_installation, "mutation { totpEnroll { provisioningUri qrCodeSvg errors { code } } }",
               email=FINANCE)

    # then
    import segno

    result = data["totpEnroll"]
    assert result["errors"] == []
    assert result["provisioningUri"].startswith("otpauth://totp/")
    assert result["qrCodeSvg"] == segno.make(result["provisioningUri"], error="m").svg_data_uri(scale=4, border=2)
    assert result["qrCodeSvg"].startswith("data:image/svg+xml")
