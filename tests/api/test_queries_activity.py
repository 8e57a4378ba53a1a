"""Queries about a company's activity (ledger, receivables, payments, transactions) and the
installation's work queues (credit review, failed Saleor reports), plus the trial balance."""
import datetime as dt
import json

import pytest
from django.utils import timezone

from saleor_netterms.checkout.services import review_approve
from saleor_netterms.ledger.models import Posting
from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import outbox_enqueue
from saleor_netterms.workflows.payments import payment_record
from tests.api.conftest import BUYER_USER_ID, authorize, dead_report, invoice, usd

LEDGER = """
query Ledger($id: ID!, $currency: String, $first: Int, $offset: Int) {
  company(id: $id) {
    ledger(currency: $currency, first: $first, offset: $offset) {
      id kind amount { amount currency } memo holdRef receivableRef paymentRef
      legs { accountKind side amount { amount currency } holdRef receivableRef }
    }
  }
}
"""

RECEIVABLES = """
query Receivables($id: ID!, $status: ReceivableStatus) {
  company(id: $id) {
    receivables(status: $status) {
      id reference orderId orderNumber transactionPspReference status termsDays issueDate dueDate daysPastDue
      amount { amount currency } openAmount { amount currency }
    }
  }
}
"""

PAYMENTS = """
query Payments($id: ID!) {
  company(id: $id) {
    payments {
      id reference source receivedOn recordedBy memo amount { amount currency }
      unallocatedAmount { amount currency }
      allocations {
        amount { amount currency } saleorPspReference receivable { reference openAmount { amount } status }
      }
    }
  }
}
"""

TRANSACTIONS = """
query Transactions($id: ID!, $status: TransactionStatus) {
  company(id: $id) {
    transactions(status: $status) {
      id pspReference saleorTransactionId status decisionOutcome channelSlug saleorUserId orderNumber
      amount { amount currency } held { amount currency } company { id }
      decisionReasons { code buyerMessage merchantMessage }
    }
  }
}
"""

REVIEW_QUEUE = """
{
  reviewQueue {
    transaction { id pspReference status amount { amount currency } }
    company { id legalName }
    limit { amount currency } exposure { amount currency } available { amount currency }
    openReceivables { amount currency } openReceivablesCount
    overdueReceivables { amount currency } overdueReceivablesCount maxDaysPastDue
    reasons { code merchantMessage }
  }
}
"""

FAILED_REPORTS = """
{
  failedSaleorReports {
    id kind status attempts lastError eventType pspReference saleorTransactionId message
    amount { amount currency } payload
  }
}
"""

OVER_SPENDING_LIMIT = {
    "code": "OVER_SPENDING_LIMIT",
    "buyerMessage": "This order is above your personal spending limit, so it needs an approver of your company.",
    "merchantMessage": ("Order $750.00 exceeds the member's per-order spending limit of $500.00 "
                        "(the member is a buyer); it needs an approver of the company."),
}


def money(amount: str, currency: str = "USD") -> dict:
    return {"amount": amount, "currency": currency}


@pytest.mark.django_db
def test_ledger_lists_postings_with_their_legs(gql, credit_installation, buyer):
    # given
    receivable = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    hold, capture = Posting.objects.order_by("id")
    psp = receivable.transaction.psp_reference

    # when
    data = gql(LEDGER, {"id": str(buyer.pk), "currency": "USD"})

    # then
    assert data == {"company": {"ledger": [
        {"id": str(hold.pk), "kind": "HOLD", "amount": money("400.00"),
         "memo": "Net-terms hold for Saleor transaction tx-1", "holdRef": f"tx:{receivable.transaction_id}",
         "receivableRef": "", "paymentRef": "",
         "legs": [
             {"accountKind": "HOLDS", "side": "DEBIT", "amount": money("400.00"),
              "holdRef": f"tx:{receivable.transaction_id}", "receivableRef": ""},
             {"accountKind": "HOLD_CONTROL", "side": "CREDIT", "amount": money("400.00"), "holdRef": "",
              "receivableRef": ""},
         ]},
        {"id": str(capture.pk), "kind": "RECEIVABLE", "amount": money("400.00"),
         "memo": f"Capture of {psp} (order 1001)", "holdRef": f"tx:{receivable.transaction_id}",
         "receivableRef": f"rcv:{receivable.pk}", "paymentRef": "",
         "legs": [
             {"accountKind": "HOLD_CONTROL", "side": "DEBIT", "amount": money("400.00"), "holdRef": "",
              "receivableRef": ""},
             {"accountKind": "HOLDS", "side": "CREDIT", "amount": money("400.00"),
              "holdRef": f"tx:{receivable.transaction_id}", "receivableRef": ""},
             {"accountKind": "RECEIVABLE", "side": "DEBIT", "amount": money("400.00"), "holdRef": "",
              "receivableRef": f"rcv:{receivable.pk}"},
             {"accountKind": "SALES", "side": "CREDIT", "amount": money("400.00"), "holdRef": "",
              "receivableRef": ""},
         ]},
    ]}}


@pytest.mark.django_db
def test_ledger_pages_and_filters_by_currency(gql, credit_installation, buyer):
    # given
    invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    hold, capture = Posting.objects.order_by("id")

    # when
    second = gql(LEDGER, {"id": str(buyer.pk), "first": 1, "offset": 1})
    in_euro = gql(LEDGER, {"id": str(buyer.pk), "currency": "EUR"})

    # then
    assert [p["id"] for p in second["company"]["ledger"]] == [str(capture.pk)]
    assert in_euro == {"company": {"ledger": []}}


@pytest.mark.django_db
def test_receivables_with_open_amount_and_days_past_due(gql, credit_installation, buyer):
    # given
    overdue = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001", days_ago=42)
    current = invoice(credit_installation, tx="tx-2", amount="300.00", order_number="1002")
    payment_record(company=buyer, money=usd("150.00"), received_on=dt.date(2025, 3, 1), reference="BANK-1",
                   allocations=[(overdue, usd("150.00"))])
    today = timezone.localdate()

    # when
    data = gql(RECEIVABLES, {"id": str(buyer.pk)})

    # then
    assert data == {"company": {"receivables": [
        {"id": str(overdue.pk), "reference": overdue.reference, "orderId": "T3JkZXI61001", "orderNumber": "1001",
         "transactionPspReference": overdue.transaction.psp_reference, "status": "OPEN", "termsDays": 30,
         "issueDate": (today - dt.timedelta(days=42)).isoformat(),
         "dueDate": (today - dt.timedelta(days=12)).isoformat(), "daysPastDue": 12,
         "amount": money("400.00"), "openAmount": money("250.00")},
        {"id": str(current.pk), "reference": current.reference, "orderId": "T3JkZXI61002", "orderNumber": "1002",
         "transactionPspReference": current.transaction.psp_reference, "status": "OPEN", "termsDays": 30,
         "issueDate": today.isoformat(), "dueDate": (today + dt.timedelta(days=30)).isoformat(),
         "daysPastDue": 0, "amount": money("300.00"), "openAmount": money("300.00")},
    ]}}


@pytest.mark.django_db
def test_receivables_filtered_by_status_a_paid_one_is_not_past_due(gql, credit_installation, buyer):
    # given
    paid = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001", days_ago=42)
    invoice(credit_installation, tx="tx-2", amount="300.00", order_number="1002")
    payment_record(company=buyer, money=usd("400.00"), received_on=dt.date(2025, 3, 1), reference="BANK-1",
                   allocations=[(paid, usd("400.00"))])

    # when
    data = gql(RECEIVABLES, {"id": str(buyer.pk), "status": "PAID"})

    # then
    assert [(r["id"], r["status"], r["openAmount"], r["daysPastDue"]) for r in data["company"]["receivables"]] == [
        (str(paid.pk), "PAID", money("0.00"), 0)]


@pytest.mark.django_db
def test_payments_with_allocations(gql, credit_installation, buyer):
    # given
    receivable = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    payment = payment_record(company=buyer, money=usd("500.00"), received_on=dt.date(2025, 3, 1),
                             reference="BANK-1", allocations=[(receivable, usd("400.00"))],
                             recorded_by="ar@merchant.example", memo="Wire")

    # when
    data = gql(PAYMENTS, {"id": str(buyer.pk)})

    # then
    allocation = payment.allocations.get()
    assert data == {"company": {"payments": [
        {"id": str(payment.pk), "reference": "BANK-1", "source": "MANUAL", "receivedOn": "2025-03-01",
         "recordedBy": "ar@merchant.example", "memo": "Wire", "amount": money("500.00"),
         "unallocatedAmount": money("100.00"),
         "allocations": [{"amount": money("400.00"), "saleorPspReference": allocation.saleor_psp_reference,
                          "receivable": {"reference": receivable.reference, "openAmount": {"amount": "0.00"},
                                         "status": "PAID"}}]},
    ]}}
    assert allocation.saleor_psp_reference == receivable.reference


@pytest.mark.django_db
def test_transactions_with_decision_reasons(gql, credit_installation, buyer):
    # given
    approved = authorize(credit_installation, tx="tx-1", amount="100.00")
    in_review = authorize(credit_installation, tx="tx-2", amount="750.00")

    # when
    data = gql(TRANSACTIONS, {"id": str(buyer.pk)})
    only_review = gql(TRANSACTIONS, {"id": str(buyer.pk), "status": "IN_REVIEW"})

    # then
    rows = data["company"]["transactions"]
    assert [(r["id"], r["status"], r["decisionOutcome"], r["held"]) for r in rows] == [
        (str(in_review.pk), "IN_REVIEW", "review", money("750.00")),
        (str(approved.pk), "AUTHORIZED", "approve", money("100.00")),
    ]
    assert rows[0] == {
        "id": str(in_review.pk), "pspReference": in_review.psp_reference, "saleorTransactionId": "tx-2",
        "status": "IN_REVIEW", "decisionOutcome": "review", "channelSlug": "default-channel",
        "saleorUserId": BUYER_USER_ID, "orderNumber": "", "amount": money("750.00"), "held": money("750.00"),
        "company": {"id": str(buyer.pk)},
        "decisionReasons": [
            OVER_SPENDING_LIMIT,
            {"code": "WITHIN_LIMIT", "buyerMessage": "Your order is within your company's credit line.",
             "merchantMessage": ("Order $750.00 fits the available credit $9,900.00 "
                                 "(limit $10,000.00, exposure $100.00).")},
        ],
    }
    assert [r["id"] for r in only_review["company"]["transactions"]] == [str(in_review.pk)]


@pytest.mark.django_db
def test_decision_reasons_read_in_the_dashboards_language(gql, credit_installation, buyer):
    # given
    in_review = authorize(credit_installation, tx="tx-2", amount="750.00")

    # when
    german = gql(TRANSACTIONS, {"id": str(buyer.pk)}, headers={"Accept-Language": "de-DE,de;q=0.9"})
    unknown = gql(TRANSACTIONS, {"id": str(buyer.pk)}, headers={"Accept-Language": "xx-YY"})

    # then
    reasons = german["company"]["transactions"][0]["decisionReasons"]
    assert [r["merchantMessage"] for r in reasons] == [
        "Order 750,00\xa0$ exceeds the member's per-order spending limit of 500,00\xa0$ (the member is a buyer); "
        "it needs an approver of the company.",
        "Order 750,00\xa0$ fits the available credit 10.000,00\xa0$ (limit 10.000,00\xa0$, exposure 0,00\xa0$).",
    ]
    assert reasons[0]["buyerMessage"] == OVER_SPENDING_LIMIT["buyerMessage"]  # as the buyer was answered
    assert unknown["company"]["transactions"][0]["decisionReasons"][1]["merchantMessage"] == (
        "Order $750.00 fits the available credit $10,000.00 (limit $10,000.00, exposure $0.00).")
    assert in_review.decision_reasons[1] == {
        "code": "WITHIN_LIMIT", "buyer": "Your order is within your company's credit line.",
        "params": {"currency": "USD", "order": "750.00", "available": "10000.00", "limit": "10000.00",
                   "exposure": "0.00"}}


@pytest.mark.django_db
def test_review_queue_shows_the_companys_position(gql, credit_installation, buyer):
    # given
    invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001", days_ago=40)
    invoice(credit_installation, tx="tx-2", amount="200.00", order_number="1002")
    in_review = authorize(credit_installation, tx="tx-3", amount="750.00")
    approved_earlier = authorize(credit_installation, tx="tx-4", amount="800.00")
    review_approve(transaction_id=approved_earlier.pk, decided_by="credit@merchant.example")

    # when
    data = gql(REVIEW_QUEUE)

    # then
    assert data == {"reviewQueue": [{
        "transaction": {"id": str(in_review.pk), "pspReference": in_review.psp_reference, "status": "IN_REVIEW",
                        "amount": money("750.00")},
        "company": {"id": str(buyer.pk), "legalName": "Acme Industrial Supply"},
        "limit": money("10000.00"), "exposure": money("2150.00"), "available": money("7850.00"),
        "openReceivables": money("600.00"), "openReceivablesCount": 2,
        "overdueReceivables": money("400.00"), "overdueReceivablesCount": 1, "maxDaysPastDue": 10,
        "reasons": [
            {"code": "OVER_SPENDING_LIMIT", "merchantMessage": OVER_SPENDING_LIMIT["merchantMessage"]},
            {"code": "WITHIN_LIMIT",
             "merchantMessage": ("Order $750.00 fits the available credit $9,400.00 "
                                 "(limit $10,000.00, exposure $600.00).")},
        ],
    }]}


@pytest.mark.django_db
def test_review_queue_hides_other_installations(gql, credit_installation, buyer, other_installation,
                                                company_factory, member_factory):
    # given
    theirs = company_factory(installation=other_installation)
    member_factory(company=theirs, value=BUYER_USER_ID, spending_limit=usd("500"))
    authorize(other_installation, tx="tx-1", amount="750.00")

    # when
    data = gql(REVIEW_QUEUE)

    # then
    assert data == {"reviewQueue": []}


@pytest.mark.django_db
def test_failed_saleor_reports_lists_dead_messages_of_this_installation(gql, credit_installation,
                                                                         other_installation):
    # given
    dead = dead_report(credit_installation, dedupe_key="alloc:1:success")
    dead_report(other_installation, dedupe_key="alloc:1:success")
    delivered = dead_report(credit_installation, dedupe_key="alloc:2:success")
    OutboxMessage.objects.filter(pk=delivered.pk).update(status=OutboxStatus.DELIVERED)
    outbox_enqueue(installation=credit_installation, kind="saleor.order_note_add",
                   payload={"order_id": "T3JkZXI6MQ==", "message": "pending"}, dedupe_key="note:1")

    # when
    data = gql(FAILED_REPORTS)

    # then
    payload = json.loads(data["failedSaleorReports"][0].pop("payload"))
    assert data == {"failedSaleorReports": [{
        "id": str(dead.pk), "kind": "saleor.transaction_event_report", "status": "DEAD", "attempts": 30,
        "lastError": "DeliveryRejected: Saleor said no", "eventType": "CHARGE_SUCCESS",
        "pspReference": "inv-1-p1", "saleorTransactionId": "VHJhbnNhY3Rpb25JdGVtOjk=",
        "message": "Payment received.", "amount": money("250.00"),
    }]}
    assert payload == {"transaction_id": "VHJhbnNhY3Rpb25JdGVtOjk=", "type": "CHARGE_SUCCESS",
                       "psp_reference": "inv-1-p1", "amount": "250.00", "currency": "USD",
                       "message": "Payment received.", "available_actions": ["REFUND"]}


@pytest.mark.django_db
def test_trial_balance_is_balanced(gql, credit_installation, buyer):
    # given
    invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")

    # when
    data = gql("""{ trialBalance(currency: "USD") {
        currency isBalanced debits { amount } credits { amount } difference { amount }
        rows { kind companyId debits { amount } credits { amount } balance { amount currency } } } }""")

    # then
    balance = data["trialBalance"]
    rows = sorted(balance.pop("rows"), key=lambda row: row["kind"])
    assert balance == {"currency": "USD", "isBalanced": True, "debits": {"amount": "1200.00"},
                       "credits": {"amount": "1200.00"}, "difference": {"amount": "0.00"}}
    assert rows == [
        {"kind": "HOLDS", "companyId": str(buyer.pk), "debits": {"amount": "400.00"},
         "credits": {"amount": "400.00"}, "balance": money("0.00")},
        {"kind": "HOLD_CONTROL", "companyId": None, "debits": {"amount": "400.00"},
         "credits": {"amount": "400.00"}, "balance": money("0.00")},
        {"kind": "RECEIVABLE", "companyId": str(buyer.pk), "debits": {"amount": "400.00"},
         "credits": {"amount": "0.00"}, "balance": money("400.00")},
        {"kind": "SALES", "companyId": None, "debits": {"amount": "0.00"},
         "credits": {"amount": "400.00"}, "balance": money("400.00")},
    ]


@pytest.mark.django_db
def test_member_resolve_answers_as_the_checkout_would(gql, buyer, other_installation, company_factory,
                                                      member_factory):
    # given
    theirs = company_factory(installation=other_installation)
    member_factory(company=theirs, value="VXNlcjo3")
    query = "query($u: String!) { memberResolve(userId: $u) { value role company { id legalName } } }"

    # when
    ours = gql(query, {"u": BUYER_USER_ID})
    not_ours = gql(query, {"u": "VXNlcjo3"})

    # then
    assert ours == {"memberResolve": {"value": BUYER_USER_ID, "role": "BUYER",
                                      "company": {"id": str(buyer.pk), "legalName": "Acme Industrial Supply"}}}
    assert not_ours == {"memberResolve": None}
