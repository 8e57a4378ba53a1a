"""The one review queue (workflows/reviews.py, api decisionQueue / decisionMake): every order in credit
review and every open approval request once, whichever workflow produced it; one decision action
that routes to the workflow that owns the row."""
from types import SimpleNamespace

import pytest

from saleor_netterms.api.schema import schema
from saleor_netterms.approvals.models import ApprovalAction, ApprovalLink, ApprovalRequest
from saleor_netterms.approvals.services import approval_route_create, limit_request_open
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.workflows.reviews import review_queue
from tests.approvals.conftest import CREDIT_MANAGER, FINANCE, authorize, request_for, staff_step, usd
from tests.fixtures_credit import installation_make

QUEUE = """query Q($kind: ApprovalKind, $status: ApprovalStatus, $mine: Boolean) {
  decisionQueue(kind: $kind, status: $status, mine: $mine) { totalCount items {
    id kind status waitingFor canDecide secondFactorRequired amount { amount currency }
    transaction { id status } request { id currentStep } company { legalName }
    limit { amount } exposure { amount } available { amount } reasons { code } } } }"""
DECIDE = """mutation D($requestId: ID, $transactionId: ID, $decision: ApprovalDecision!, $reason: String,
    $step: Int) {
  decisionMake(requestId: $requestId, transactionId: $transactionId, decision: $decision, reason: $reason, step: $step) {
    request { status currentStep } transaction { status } errors { code field message } } }"""
REVIEWER = ("HANDLE_PAYMENTS",)


@pytest.fixture
def two_steps(credit_installation):
    """Every order: the credit manager, then finance."""
    return approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Two steps",
                                 steps=[staff_step("Credit manager", CREDIT_MANAGER), staff_step("Finance", FINANCE)])


def run(installation, document, variables=None, *, email=CREDIT_MANAGER, permissions=REVIEWER):
    context = SimpleNamespace(dashboard_principal=SimpleNamespace(
        installation=installation, email=email, user_id="VXNlcjoy", user_permissions=list(permissions)))
    result = schema.execute(document, variables=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data


def _without_workflow(installation, *, tx: str, amount: str) -> NetTermsTransaction:
    """A transaction in review that no approval workflow owns (reviews opened before workflows existed)."""
    transaction = authorize(installation, tx=tx, amount=amount)
    ApprovalLink.objects.filter(request__transaction=transaction).delete()
    ApprovalRequest.objects.filter(transaction=transaction).delete()
    return transaction


def _reports(tx) -> list[tuple[str, str]]:
    return [(m.payload["type"], m.dedupe_key) for m in OutboxMessage.objects.filter(
        kind="saleor.transaction_event_report", payload__transaction_id=tx.saleor_transaction_id).order_by("id")
        if m.payload.get("type") != "AUTHORIZATION_REQUEST"]


def _effects() -> tuple[int, int, int, int]:
    return (ApprovalAction.objects.count(), AuditEntry.objects.count(), OutboxMessage.objects.count(),
            NetTermsTransaction.objects.filter(status="in_review").count())


@pytest.mark.django_db
def test_an_order_in_review_is_listed_once_with_the_limit_requests_longest_waiting_first(credit_installation, acme):
    # given: an order the engine sent to review (its workflow: the default credit review step), an
    # order in review without a workflow, and a limit request
    owned = authorize(credit_installation, tx="tx-1", amount="900.00")
    legacy = _without_workflow(credit_installation, tx="tx-2", amount="700.00")
    limit = limit_request_open(company=acme, proposed=usd("120000"), requested_by="buyer:ceo@acme.example",
                               reason="Growth")

    # when
    queue = run(credit_installation, QUEUE)["decisionQueue"]

    # then: three rows, each once; the order with a workflow is named by its request
    assert queue["totalCount"] == 3
    assert [(i["kind"], i["id"], i["amount"]["amount"], i["waitingFor"], i["canDecide"]) for i in queue["items"]] == [
        ("CREDIT_REVIEW", str(request_for(owned).pk), "900.00", "Credit review", True),
        ("CREDIT_REVIEW", str(legacy.pk), "700.00", "Credit review", True),
        ("LIMIT_REQUEST", str(limit.pk), "120000.00", "Credit review", True)]
    assert queue["items"][0]["transaction"] == {"id": str(owned.pk), "status": "IN_REVIEW"}
    assert queue["items"][1]["request"] is None and queue["items"][2]["transaction"] is None
    assert queue["items"][0]["exposure"] == {"amount": "1600.00"}  # both orders are held
    assert queue["items"][0]["reasons"] == [{"code": "OVER_SPENDING_LIMIT"}, {"code": "WITHIN_LIMIT"}]
    # one kind; the decided ones (none yet)
    assert [i["kind"] for i in run(credit_installation, QUEUE, {"kind": "LIMIT_REQUEST"})["decisionQueue"]["items"]] == [
        "LIMIT_REQUEST"]
    assert run(credit_installation, QUEUE, {"status": "APPROVED"})["decisionQueue"] == {"totalCount": 0, "items": []}


@pytest.mark.django_db
def test_a_step_someone_else_decides_is_shown_but_not_offered(credit_installation, acme, two_steps):
    # given: an order → credit manager, then finance
    tx = authorize(credit_installation, tx="tx-1", amount="12000.00")

    # when
    as_finance = run(credit_installation, QUEUE, email=FINANCE, permissions=())["decisionQueue"]["items"]
    mine_as_finance = run(credit_installation, QUEUE, {"mine": True}, email=FINANCE, permissions=())["decisionQueue"]
    as_manager = review_queue(installation=credit_installation, email=CREDIT_MANAGER, permissions=(), mine=True)

    # then
    assert [(i["waitingFor"], i["canDecide"]) for i in as_finance] == [("Credit manager", False)]
    assert mine_as_finance == {"totalCount": 0, "items": []}
    assert [(i.transaction.pk, i.waiting_for, i.can_decide) for i in as_manager] == [(tx.pk, "Credit manager", True)]


@pytest.mark.django_db
def test_one_decision_routes_through_the_orders_workflow_step_by_step(credit_installation, acme, two_steps):
    # given: an order → credit manager, then finance
    tx = authorize(credit_installation, tx="tx-1", amount="12000.00")
    req = request_for(tx)

    # when: the credit manager approves the order (named by its transaction) at the step shown, twice
    press = {"transactionId": str(tx.pk), "decision": "APPROVE", "step": 0}
    first = run(credit_installation, DECIDE, press, permissions=())
    effects = _effects()
    again = run(credit_installation, DECIDE, press, permissions=())

    # then: the workflow took it: step 1 approved, finance decides now; Saleor is told nothing yet;
    # the second press is refused (the step moved on) and writes nothing
    assert first["decisionMake"] == {"errors": [], "request": {"status": "PENDING", "currentStep": 1},
                                     "transaction": {"status": "IN_REVIEW"}}
    assert [(e["code"], e["field"]) for e in again["decisionMake"]["errors"]] == [("APPROVAL_STEP_CHANGED", "step")]
    assert _effects() == effects
    assert _reports(tx) == []

    # when: finance approves the last step
    final = run(credit_installation, DECIDE, {"requestId": str(req.pk), "decision": "APPROVE"}, email=FINANCE,
                permissions=())

    # then: one AUTHORIZATION_SUCCESS to Saleor; the queue is empty
    assert final["decisionMake"] == {"errors": [], "request": {"status": "APPROVED", "currentStep": 1},
                                     "transaction": {"status": "AUTHORIZED"}}
    assert _reports(tx) == [("AUTHORIZATION_SUCCESS", f"review:{tx.pk}")]
    assert list(ApprovalAction.objects.values_list("actor", "step")) == [(CREDIT_MANAGER, 0), (FINANCE, 1)]
    assert run(credit_installation, QUEUE)["decisionQueue"]["totalCount"] == 0
    assert run(credit_installation, QUEUE, {"status": "APPROVED"})["decisionQueue"]["items"][0]["id"] == str(req.pk)


@pytest.mark.django_db
def test_an_order_without_a_workflow_is_decided_at_once_and_twice_is_one_effect(credit_installation, acme):
    # given
    tx = _without_workflow(credit_installation, tx="tx-2", amount="700.00")

    # when: declined, and the same decline delivered again
    declined = run(credit_installation, DECIDE, {"transactionId": str(tx.pk), "decision": "DECLINE",
                                                 "reason": "No trade references"})
    effects = _effects()
    again = run(credit_installation, DECIDE, {"transactionId": str(tx.pk), "decision": "DECLINE",
                                              "reason": "No trade references"})
    approve_after = run(credit_installation, DECIDE, {"transactionId": str(tx.pk), "decision": "APPROVE"})

    # then: one decline (hold released, one report to Saleor); the same answer again; approving a
    # declined order is refused; the queue is empty
    assert declined["decisionMake"] == {"errors": [], "request": None, "transaction": {"status": "CANCELED"}}
    assert again["decisionMake"] == declined["decisionMake"]
    assert _effects() == effects
    assert _reports(tx) == [("AUTHORIZATION_FAILURE", f"review:{tx.pk}")]
    assert approve_after["decisionMake"]["errors"] == [{
        "code": "TRANSACTION_NOT_IN_REVIEW", "field": "transactionId",
        "message": "The order is not in credit review any more: canceled (hold released)."}]
    assert run(credit_installation, QUEUE)["decisionQueue"]["totalCount"] == 0


@pytest.mark.django_db
def test_refused_decisions_write_nothing(credit_installation, acme, two_steps):
    # given
    tx = authorize(credit_installation, tx="tx-1", amount="900.00")
    other = installation_make()
    before = _effects()

    # when
    not_allowed = run(credit_installation, DECIDE, {"transactionId": str(tx.pk), "decision": "APPROVE"},
                      email=FINANCE, permissions=())
    no_reason = run(credit_installation, DECIDE, {"transactionId": str(tx.pk), "decision": "DECLINE", "reason": " "})
    both = run(credit_installation, DECIDE, {"transactionId": str(tx.pk), "requestId": str(request_for(tx).pk),
                                             "decision": "APPROVE"})
    neither = run(credit_installation, DECIDE, {"decision": "APPROVE"})
    elsewhere = run(other, DECIDE, {"transactionId": str(tx.pk), "decision": "APPROVE"})
    garbage = run(credit_installation, DECIDE, {"requestId": "abc", "decision": "APPROVE"})

    # then
    assert not_allowed["decisionMake"]["errors"] == [{
        "code": "APPROVAL_NOT_ALLOWED", "field": None, "message": "You are not an approver of the request's current step."}]
    assert no_reason["decisionMake"]["errors"] == [{"code": "REASON_REQUIRED", "field": "reason",
                                                   "message": "Say why it is declined."}]
    for refused in (both, neither):
        assert [e["code"] for e in refused["decisionMake"]["errors"]] == ["REVIEW_TARGET_REQUIRED"]
    assert elsewhere["decisionMake"]["errors"] == [{"code": "NOT_FOUND", "field": "transactionId",
                                                   "message": "The transaction does not exist."}]
    assert garbage["decisionMake"]["errors"] == [{"code": "NOT_FOUND", "field": "requestId",
                                                 "message": "The approval request does not exist."}]
    assert _effects() == before
