"""Mutations that move money or decide credit: paymentRecord, reviewApprove, reviewDecline, and
outboxRetry for reports to Saleor that gave up."""
import datetime as dt

import pytest

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.payments.models import Payment, PaymentAllocation
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import approval_route_create
from tests.api.conftest import STAFF_EMAIL, authorize, dead_report, invoice, usd
from tests.fixtures_credit import ledger_counts

PAYMENT_RECORD = """
mutation Pay($companyId: ID!, $amount: String!, $currency: String!, $receivedOn: Date!, $reference: String!,
             $allocations: [PaymentAllocationInput!], $memo: String) {
  paymentRecord(companyId: $companyId, amount: $amount, currency: $currency, receivedOn: $receivedOn,
                reference: $reference, allocations: $allocations, memo: $memo) {
    payment {
      reference source receivedOn recordedBy memo amount { amount currency } unallocatedAmount { amount currency }
      allocations { amount { amount currency } receivable { id openAmount { amount currency } status } }
    }
    errors { code field message }
  }
}
"""

REVIEW_APPROVE = """
mutation Approve($id: ID!) {
  reviewApprove(transactionId: $id) {
    transaction { id status held { amount currency } decisionReasons { code merchantMessage } }
    errors { code field message }
  }
}
"""

REVIEW_DECLINE = """
mutation Decline($id: ID!, $reason: String!) {
  reviewDecline(transactionId: $id, reason: $reason) {
    transaction { id status held { amount currency } decisionReasons { code merchantMessage } }
    errors { code field message }
  }
}
"""

OUTBOX_RETRY = """
mutation Retry($id: ID!) {
  outboxRetry(messageId: $id) { message { id status attempts lastError } errors { code field message } }
}
"""


def written() -> tuple:
    """Everything a payment or a review decision writes."""
    return (ledger_counts(), Payment.objects.count(), PaymentAllocation.objects.count(),
            OutboxMessage.objects.count())


@pytest.mark.django_db
def test_payment_record_with_allocations(gql, credit_installation, buyer):
    # given
    first = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    second = invoice(credit_installation, tx="tx-2", amount="300.00", order_number="1002")

    # when
    data = gql(PAYMENT_RECORD, {
        "companyId": str(buyer.pk), "amount": "500.00", "currency": "USD", "receivedOn": "2025-03-01",
        "reference": "BANK-2025-03-01-7", "memo": "Wire",
        "allocations": [{"receivableId": str(second.pk), "amount": "300"},
                        {"receivableId": str(first.pk), "amount": "150.00"}]})

    # then
    assert data == {"paymentRecord": {"payment": {
        "reference": "BANK-2025-03-01-7", "source": "MANUAL", "receivedOn": "2025-03-01",
        "recordedBy": STAFF_EMAIL, "memo": "Wire", "amount": {"amount": "500.00", "currency": "USD"},
        "unallocatedAmount": {"amount": "50.00", "currency": "USD"},
        "allocations": [
            {"amount": {"amount": "300.00", "currency": "USD"},
             "receivable": {"id": str(second.pk), "openAmount": {"amount": "0.00", "currency": "USD"},
                            "status": "PAID"}},
            {"amount": {"amount": "150.00", "currency": "USD"},
             "receivable": {"id": str(first.pk), "openAmount": {"amount": "250.00", "currency": "USD"},
                            "status": "OPEN"}},
        ]}, "errors": []}}
    summary = credit_summary(company=buyer, currency="USD")
    assert (summary.receivables, summary.credit_balance) == (usd("250.00"), usd("50.00"))


@pytest.mark.django_db
def test_payment_record_without_allocations_settles_the_oldest_due_first(gql, credit_installation, buyer):
    # given
    older = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001", days_ago=40)
    newer = invoice(credit_installation, tx="tx-2", amount="300.00", order_number="1002")

    # when
    data = gql(PAYMENT_RECORD, {"companyId": str(buyer.pk), "amount": "450.00", "currency": "USD",
                                "receivedOn": "2025-03-01", "reference": "BANK-1"})

    # then
    payment = data["paymentRecord"]["payment"]
    assert [(a["receivable"]["id"], a["amount"]["amount"]) for a in payment["allocations"]] == [
        (str(older.pk), "400.00"), (str(newer.pk), "50.00")]
    assert payment["unallocatedAmount"] == {"amount": "0.00", "currency": "USD"}


@pytest.mark.django_db
def test_payment_record_twice_with_the_same_reference_records_one_payment(gql, credit_installation, buyer):
    # given
    invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    variables = {"companyId": str(buyer.pk), "amount": "400.00", "currency": "USD", "receivedOn": "2025-03-01",
                 "reference": "BANK-1"}
    first = gql(PAYMENT_RECORD, variables)
    before = written()

    # when
    second = gql(PAYMENT_RECORD, variables)

    # then
    assert second == first
    assert written() == before


@pytest.mark.django_db
def test_payment_record_refusals_write_nothing(gql, credit_installation, buyer, company_factory,
                                               other_installation):
    # given
    receivable = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    payment_record(company=buyer, money=usd("10.00"), received_on=dt.date(2025, 3, 1), reference="BANK-OLD",
                   allocations=[])
    other_company = company_factory(legal_name="Bolt & Nut GmbH")
    theirs = company_factory(installation=other_installation)
    base = {"companyId": str(buyer.pk), "amount": "100.00", "currency": "USD", "receivedOn": "2025-03-01",
            "reference": "BANK-1"}
    one = [{"receivableId": str(receivable.pk), "amount": "100.00"}]
    cases = [
        ({"amount": "100.001"}, {"code": "INVALID_AMOUNT", "field": "amount",
                                 "message": "100.001 has more decimal places than USD allows."}),
        ({"amount": "1.5e2"}, {"code": "INVALID_AMOUNT", "field": "amount",
                               "message": "'1.5e2' is not a decimal amount like \"1250.00\"."}),
        ({"currency": "US"}, {"code": "INVALID_CURRENCY", "field": "currency",
                              "message": "'US' is not an ISO 4217 currency code."}),
        ({"amount": "0.00"}, {"code": "PAYMENT_AMOUNT_INVALID", "field": "amount",
                              "message": "A payment amount must be greater than zero."}),
        ({"reference": "  "}, {"code": "PAYMENT_REFERENCE_REQUIRED", "field": "reference",
                               "message": "A payment needs a reference (bank or ERP reference)."}),
        ({"reference": "BANK-OLD"},
         {"code": "DUPLICATE_PAYMENT_REFERENCE", "field": "reference",
          "message": "Payment reference 'BANK-OLD' was already recorded with other details."}),
        ({"memo": "x" * 501}, {"code": "TOO_LONG", "field": "memo", "message": "At most 500 characters."}),
        ({"allocations": [{"receivableId": str(receivable.pk), "amount": "400.01"}], "amount": "500.00"},
         {"code": "OVER_ALLOCATION", "field": "allocations",
          "message": f"400.01 USD is more than the 400.00 USD open on {receivable.reference}."}),
        ({"allocations": [{"receivableId": str(receivable.pk), "amount": "100.00"}], "amount": "99.99"},
         {"code": "OVER_ALLOCATION", "field": "allocations",
          "message": "Allocations total 100.00 USD, more than the payment of 99.99 USD."}),
        ({"allocations": one + one}, {"code": "DUPLICATE_ALLOCATION", "field": "allocations",
                                      "message": "Each receivable may appear once in the allocations."}),
        ({"allocations": [{"receivableId": str(receivable.pk), "amount": "1,00"}]},
         {"code": "INVALID_AMOUNT", "field": "allocations",
          "message": "'1,00' is not a decimal amount like \"1250.00\"."}),
        ({"allocations": [{"receivableId": "999999", "amount": "100.00"}]},
         {"code": "NOT_FOUND", "field": "allocations", "message": "The receivable does not exist."}),
        ({"companyId": str(other_company.pk), "allocations": one},
         {"code": "UNKNOWN_RECEIVABLE", "field": "allocations",
          "message": f"Receivable {receivable.reference} is not this company's."}),
        ({"companyId": str(theirs.pk)}, {"code": "NOT_FOUND", "field": "companyId",
                                         "message": "The company does not exist."}),
    ]
    before = written()

    for change, error in cases:
        # when
        data = gql(PAYMENT_RECORD, {**base, **change})

        # then
        assert data == {"paymentRecord": {"payment": None, "errors": [error]}}, change
        assert written() == before, change


@pytest.mark.django_db
def test_payment_record_cannot_allocate_to_another_installations_receivable(
        gql, credit_installation, buyer, other_installation, company_factory, member_factory):
    # given
    theirs = company_factory(installation=other_installation)
    member_factory(company=theirs, value="VXNlcjo2")
    their_receivable = invoice(other_installation, tx="tx-9", amount="100.00", order_number="9")
    before = written()

    # when
    data = gql(PAYMENT_RECORD, {"companyId": str(buyer.pk), "amount": "100.00", "currency": "USD",
                                "receivedOn": "2025-03-01", "reference": "BANK-1",
                                "allocations": [{"receivableId": str(their_receivable.pk), "amount": "100.00"}]})

    # then
    assert data == {"paymentRecord": {"payment": None, "errors": [
        {"code": "NOT_FOUND", "field": "allocations", "message": "The receivable does not exist."}]}}
    assert written() == before


@pytest.mark.django_db
def test_review_approve(gql, credit_installation, buyer):
    # given
    tx = authorize(credit_installation, tx="tx-1", amount="750.00")

    # when
    first = gql(REVIEW_APPROVE, {"id": str(tx.pk)})
    again = gql(REVIEW_APPROVE, {"id": str(tx.pk)})

    # then
    assert first == again == {"reviewApprove": {"transaction": {
        "id": str(tx.pk), "status": "AUTHORIZED", "held": {"amount": "750.00", "currency": "USD"},
        "decisionReasons": [
            {"code": "OVER_SPENDING_LIMIT", "merchantMessage": (
                "Order $750.00 exceeds the member's per-order spending limit of $500.00 (the member is a buyer); "
                "it needs an approver of the company.")},
            {"code": "WITHIN_LIMIT", "merchantMessage": (
                "Order $750.00 fits the available credit $10,000.00 "
                "(limit $10,000.00, exposure $0.00).")},
            {"code": "MANUAL_APPROVAL", "merchantMessage": f"Approved by {STAFF_EMAIL}."},
        ]}, "errors": []}}
    assert [(m.payload["type"], m.payload["psp_reference"], m.payload["amount"])
            for m in OutboxMessage.objects.all()] == [("AUTHORIZATION_SUCCESS", tx.psp_reference, "750.00")]


@pytest.mark.django_db
def test_review_decline(gql, credit_installation, buyer):
    # given
    tx = authorize(credit_installation, tx="tx-1", amount="750.00")

    # when
    data = gql(REVIEW_DECLINE, {"id": str(tx.pk), "reason": "Too large for a first order"})

    # then
    reasons = data["reviewDecline"]["transaction"].pop("decisionReasons")
    assert data == {"reviewDecline": {"transaction": {
        "id": str(tx.pk), "status": "CANCELED", "held": {"amount": "0.00", "currency": "USD"}}, "errors": []}}
    assert reasons[-1] == {"code": "MANUAL_DECLINE",
                           "merchantMessage": f"Declined by {STAFF_EMAIL}: Too large for a first order"}
    assert [(m.payload["type"], m.payload["amount"]) for m in OutboxMessage.objects.all()] == [
        ("AUTHORIZATION_FAILURE", "750.00")]
    assert credit_summary(company=buyer, currency="USD").available == usd("10000.00")


@pytest.mark.django_db
def test_review_decline_needs_a_reason_and_writes_nothing(gql, credit_installation, buyer):
    # given
    tx = authorize(credit_installation, tx="tx-1", amount="750.00")
    before = written()

    # when
    data = gql(REVIEW_DECLINE, {"id": str(tx.pk), "reason": "   "})

    # then
    assert data == {"reviewDecline": {"transaction": None, "errors": [
        {"code": "REASON_REQUIRED", "field": "reason", "message": "Say why net terms are declined."}]}}
    assert written() == before
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.IN_REVIEW


@pytest.mark.django_db
def test_review_decisions_on_a_transaction_not_in_review_are_refused(gql, credit_installation, buyer):
    # given
    approved = authorize(credit_installation, tx="tx-1", amount="100.00")
    declined = authorize(credit_installation, tx="tx-2", amount="750.00")
    gql(REVIEW_DECLINE, {"id": str(declined.pk), "reason": "No"})
    before = written()

    # when
    decline_approved = gql(REVIEW_DECLINE, {"id": str(approved.pk), "reason": "Changed my mind"})
    approve_declined = gql(REVIEW_APPROVE, {"id": str(declined.pk)})

    # then
    assert decline_approved == {"reviewDecline": {"transaction": None, "errors": [{
        "code": "TRANSACTION_NOT_IN_REVIEW", "field": "transactionId",
        "message": "The order is not in credit review any more: authorized (hold placed)."}]}}
    assert approve_declined == {"reviewApprove": {"transaction": None, "errors": [{
        "code": "TRANSACTION_NOT_IN_REVIEW", "field": "transactionId",
        "message": "The order is not in credit review any more: canceled (hold released)."}]}}
    assert written() == before
    assert list(NetTermsTransaction.objects.order_by("id").values_list("status", flat=True)) == [
        TransactionStatus.AUTHORIZED, TransactionStatus.CANCELED]


@pytest.mark.django_db
def test_review_of_another_installations_transaction_is_not_found(
        gql, credit_installation, other_installation, company_factory, member_factory):
    # given
    theirs = company_factory(installation=other_installation)
    member_factory(company=theirs, value="VXNlcjo2", spending_limit=usd("500"))
    tx = authorize(other_installation, tx="tx-1", amount="750.00")
    before = written()
    not_found = {"code": "NOT_FOUND", "field": "transactionId", "message": "The transaction does not exist."}

    # when
    approved = gql(REVIEW_APPROVE, {"id": str(tx.pk)})
    declined = gql(REVIEW_DECLINE, {"id": str(tx.pk), "reason": "No"})

    # then
    assert approved == {"reviewApprove": {"transaction": None, "errors": [not_found]}}
    assert declined == {"reviewDecline": {"transaction": None, "errors": [not_found]}}
    assert written() == before
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.IN_REVIEW


@pytest.mark.django_db
def test_outbox_retry_puts_a_dead_report_back_in_the_queue(gql, credit_installation):
    # given
    dead = dead_report(credit_installation, dedupe_key="alloc:1:success")

    # when
    data = gql(OUTBOX_RETRY, {"id": str(dead.pk)})

    # then
    assert data == {"outboxRetry": {"message": {
        "id": str(dead.pk), "status": "PENDING", "attempts": 0,
        "lastError": "DeliveryRejected: Saleor said no"}, "errors": []}}
    assert gql("{ failedSaleorReports { id } }") == {"failedSaleorReports": []}


@pytest.mark.django_db
def test_outbox_retry_refusals(gql, credit_installation, other_installation):
    # given
    theirs = dead_report(other_installation, dedupe_key="alloc:1:success")
    delivered = dead_report(credit_installation, dedupe_key="alloc:2:success")
    OutboxMessage.objects.filter(pk=delivered.pk).update(status=OutboxStatus.DELIVERED)

    # when
    not_ours = gql(OUTBOX_RETRY, {"id": str(theirs.pk)})
    done = gql(OUTBOX_RETRY, {"id": str(delivered.pk)})

    # then
    assert not_ours == {"outboxRetry": {"message": None, "errors": [
        {"code": "NOT_FOUND", "field": "messageId", "message": "The message does not exist."}]}}
    assert done == {"outboxRetry": {"message": None, "errors": [
        {"code": "OUTBOX_MESSAGE_DELIVERED", "field": "messageId",
         "message": "The message was already delivered."}]}}
    assert list(OutboxMessage.objects.order_by("id").values_list("status", "attempts")) == [
        (OutboxStatus.DEAD, 30), (OutboxStatus.DELIVERED, 30)]


@pytest.mark.django_db
def test_review_approve_goes_through_the_approval_workflow_and_its_approvers(gql, credit_installation, buyer):
    # given: a route that only the finance lead may approve

    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Finance only",
                          steps=[{"name": "Finance", "mode": "any", "approver_emails": ["finance@merchant.example"]}])
    tx = authorize(credit_installation, tx="tx-1", amount="750.00")
    before = written()

    # when
    data = gql(REVIEW_APPROVE, {"id": str(tx.pk)})

    # then
    assert data["reviewApprove"]["transaction"] is None
    assert [e["code"] for e in data["reviewApprove"]["errors"]] == ["APPROVAL_NOT_ALLOWED"]
    assert written() == before
    assert ApprovalRequest.objects.get().status == "pending"
