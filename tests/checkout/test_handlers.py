"""Every net-terms webhook through the real pipeline (signed by the Saleor test double): answers
obey Saleor's rules (FACTS.md §3), the same delivery twice has one effect and the same answer, and
bad input gets a coded error with nothing written."""
import json
from decimal import Decimal

import pytest
from django.db import connection

from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.core.money import Money
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.saleor_webhooks.models import WebhookDelivery
from tests.fixtures_credit import ledger_counts, postgres_only
from tests.saleor_answers import answer_problems
from tests.saleor_double import CUSTOMER_ID

TX = "VHJhbnNhY3Rpb25JdGVtOjE="
ORDER = "T3JkZXI6MQ=="


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def company(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply", limit=usd("1000"))
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID)
    return company


def deliver(client, fake_saleor, event, payload):
    response = fake_saleor.deliver(client, event, payload)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer_problems(event, answer) == []
    return answer


def twice(client, fake_saleor, event, payload):
    """Deliver the same signed body twice; both answers must be equal."""
    first = deliver(client, fake_saleor, event, payload)
    second = deliver(client, fake_saleor, event, payload)
    assert second == first
    return first


def initialize(client, fake_saleor, amount="180.00", tx=TX, **kw):
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal(amount), transaction_id=tx, **kw)
    return deliver(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)


@pytest.mark.django_db
def test_gateway_initialize_answers_eligibility_and_writes_nothing(client, fake_saleor, company):
    # given
    payload = fake_saleor.payloads.payment_gateway_initialize_session(amount=Decimal("180.00"))

    # when
    answer = twice(client, fake_saleor, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload)

    # then
    assert answer["data"]["eligible"] is True
    assert answer["data"]["availableCredit"] == {"amount": "1000.00", "currency": "USD"}
    assert ledger_counts().postings == 0


@pytest.mark.django_db
def test_gateway_initialize_over_the_limit_is_not_eligible(client, fake_saleor, company):
    # given
    payload = fake_saleor.payloads.payment_gateway_initialize_session(amount=Decimal("1000.01"))

    # when
    answer = deliver(client, fake_saleor, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload)

    # then
    assert (answer["data"]["eligible"], answer["data"]["reason"]) == (False, "OVER_LIMIT")


@pytest.mark.django_db
def test_initialize_twice_one_hold_same_answer(client, fake_saleor, company):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal("180.00"), transaction_id=TX)

    # when
    answer = twice(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then
    assert answer["result"] == "AUTHORIZATION_SUCCESS"
    assert answer["amount"] == "180.00"
    assert ledger_counts().postings == 1
    assert credit_summary(company=company, currency="USD").holds == usd("180.00")


@pytest.mark.django_db
def test_initialize_redelivered_with_a_new_issued_at_still_one_hold(client, fake_saleor, company):
    # given: Saleor builds a new body (another issuedAt) for the same transaction
    first = initialize(client, fake_saleor, issued_at="2026-11-27T06:55:39.780942+00:00", idempotency_key="k1")

    # when
    second = initialize(client, fake_saleor, issued_at="2026-11-27T06:55:41.000000+00:00", idempotency_key="k1")

    # then
    assert second == first
    assert ledger_counts().postings == 1


@pytest.mark.django_db
def test_initialize_with_charge_action_type_is_answered_as_an_authorization(client, fake_saleor, company):
    # when
    answer = initialize(client, fake_saleor, action_type="CHARGE")

    # then
    assert answer["result"] == "AUTHORIZATION_SUCCESS"
    assert answer["actions"] == ["CHARGE", "CANCEL"]


@pytest.mark.django_db
def test_initialize_declined_has_a_buyer_message_and_no_psp_reference(client, fake_saleor, company):
    # when
    answer = initialize(client, fake_saleor, amount="1000.01")

    # then
    assert answer["result"] == "AUTHORIZATION_FAILURE"
    assert answer["data"]["reason"] == "OVER_LIMIT"
    assert answer["actions"] == []
    assert "pspReference" not in answer and "externalUrl" not in answer
    assert ledger_counts().postings == 0


@pytest.mark.django_db
def test_initialize_without_action_is_a_coded_400_and_writes_nothing(client, fake_saleor, company):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id=TX)
    del payload["action"]

    # when
    response = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MALFORMED_PAYLOAD"
    assert NetTermsTransaction.objects.count() == 0
    assert ledger_counts().postings == 0


@pytest.mark.django_db
def test_initialize_with_an_unknown_currency_is_a_coded_400(client, fake_saleor, company):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id=TX, currency="XXY")

    # when
    response = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_CURRENCY"
    assert NetTermsTransaction.objects.count() == 0


@pytest.mark.django_db
def test_process_session_returns_the_current_state(client, fake_saleor, company):
    # given
    init = initialize(client, fake_saleor)
    payload = fake_saleor.payloads.transaction_process_session(transaction_id=TX, psp_reference=init["pspReference"])

    # when
    answer = twice(client, fake_saleor, "TRANSACTION_PROCESS_SESSION", payload)

    # then
    assert (answer["result"], answer["pspReference"]) == ("AUTHORIZATION_SUCCESS", init["pspReference"])


@pytest.mark.django_db
def test_process_session_of_an_unknown_transaction_fails_politely(client, fake_saleor, company):
    # given
    payload = fake_saleor.payloads.transaction_process_session(transaction_id="unknown-tx")

    # when
    answer = deliver(client, fake_saleor, "TRANSACTION_PROCESS_SESSION", payload)

    # then
    assert answer["result"] == "AUTHORIZATION_FAILURE"
    assert answer["message"].startswith("UNKNOWN_TRANSACTION")


@pytest.mark.django_db
def test_charge_requested_twice_books_one_receivable(client, fake_saleor, company):
    # given
    init = initialize(client, fake_saleor)
    payload = fake_saleor.payloads.transaction_charge_requested(
        transaction_id=TX, psp_reference=init["pspReference"], amount=Decimal("180.00"),
        events=[{"id": "VHJhbnNhY3Rpb25FdmVudDo5", "type": "CHARGE_REQUEST", "pspReference": "",
                 "createdAt": "2026-11-27T07:00:00+00:00", "amount": {"amount": Decimal("180.00"), "currency": "USD"}}])

    # when
    answer = twice(client, fake_saleor, "TRANSACTION_CHARGE_REQUESTED", payload)

    # then
    receivable = Receivable.objects.get()
    assert answer == {"pspReference": receivable.reference, "actions": []}
    assert credit_summary(company=company, currency="USD").receivables == usd("180.00")


@pytest.mark.django_db
def test_the_same_charge_request_in_a_rebuilt_body_is_recognised_by_its_request_event(client, fake_saleor, company):
    # given: Saleor retried the request task, which rebuilt the payload (new issuedAt)
    init = initialize(client, fake_saleor)
    event = {"id": "VHJhbnNhY3Rpb25FdmVudDo5", "type": "CHARGE_REQUEST", "pspReference": "",
             "createdAt": "2026-11-27T07:00:00+00:00", "amount": {"amount": Decimal("100.00"), "currency": "USD"}}
    build = lambda issued_at: fake_saleor.payloads.transaction_charge_requested(  # noqa: E731
        transaction_id=TX, psp_reference=init["pspReference"], amount=Decimal("100.00"), events=[event],
        issued_at=issued_at)

    # when
    first = deliver(client, fake_saleor, "TRANSACTION_CHARGE_REQUESTED", build("2026-11-27T07:00:01+00:00"))
    second = deliver(client, fake_saleor, "TRANSACTION_CHARGE_REQUESTED", build("2026-11-27T07:00:12+00:00"))

    # then
    assert second == first
    assert Receivable.objects.count() == 1


@pytest.mark.django_db
def test_charge_requested_beyond_the_authorization_fails_with_nothing_written(client, fake_saleor, company):
    # given
    init = initialize(client, fake_saleor)
    before = ledger_counts()
    payload = fake_saleor.payloads.transaction_charge_requested(
        transaction_id=TX, psp_reference=init["pspReference"], amount=Decimal("180.01"))

    # when
    answer = deliver(client, fake_saleor, "TRANSACTION_CHARGE_REQUESTED", payload)

    # then
    assert answer["result"] == "CHARGE_FAILURE"
    assert answer["message"].startswith("AMOUNT_EXCEEDS_AUTHORIZATION")
    assert ledger_counts() == before


@pytest.mark.django_db
def test_cancelation_requested_twice_releases_once(client, fake_saleor, company):
    # given
    init = initialize(client, fake_saleor)
    payload = fake_saleor.payloads.transaction_cancelation_requested(
        transaction_id=TX, psp_reference=init["pspReference"], amount=Decimal("180.00"))

    # when
    answer = twice(client, fake_saleor, "TRANSACTION_CANCELATION_REQUESTED", payload)

    # then
    assert answer == {"pspReference": init["pspReference"], "result": "CANCEL_SUCCESS", "actions": [],
                      "message": "Released 180.00 USD of credit.", "amount": "180.00"}
    assert ledger_counts().postings == 2
    assert credit_summary(company=company, currency="USD").available == usd("1000.00")


@pytest.mark.django_db
def test_refund_requested_twice_issues_one_credit_note(client, fake_saleor, company):
    # given
    init = initialize(client, fake_saleor)
    charge = fake_saleor.payloads.transaction_charge_requested(
        transaction_id=TX, psp_reference=init["pspReference"], amount=Decimal("180.00"))
    deliver(client, fake_saleor, "TRANSACTION_CHARGE_REQUESTED", charge)
    payload = fake_saleor.payloads.transaction_refund_requested(
        transaction_id=TX, psp_reference=init["pspReference"], amount=Decimal("50.00"))

    # when
    answer = twice(client, fake_saleor, "TRANSACTION_REFUND_REQUESTED", payload)

    # then
    assert answer["result"] == "REFUND_SUCCESS"
    assert answer["amount"] == "50.00"
    assert credit_summary(company=company, currency="USD").receivables == usd("130.00")


@pytest.mark.django_db
@pytest.mark.parametrize("event", ["ORDER_CREATED", "ORDER_CONFIRMED"])
def test_order_event_twice_binds_once(client, fake_saleor, company, event):
    # given
    init = initialize(client, fake_saleor)
    payload = fake_saleor.payloads.for_event(event, order_id=ORDER, order_number="36",
                                             transactions=[{"id": TX, "pspReference": init["pspReference"]}])

    # when
    first = fake_saleor.deliver(client, event, payload)
    second = fake_saleor.deliver(client, event, payload)

    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json() == {}
    tx = NetTermsTransaction.objects.get()
    assert (tx.order_id, tx.order_number) == (ORDER, "36")


@pytest.mark.django_db
def test_order_cancelled_twice_releases_and_reports_once(client, fake_saleor, company):
    # given
    init = initialize(client, fake_saleor)
    payload = fake_saleor.payloads.order_cancelled(order_id=ORDER, transactions=[{"id": TX, "pspReference": init["pspReference"]}])

    # when
    fake_saleor.deliver(client, "ORDER_CANCELLED", payload)
    fake_saleor.deliver(client, "ORDER_CANCELLED", payload)

    # then
    assert credit_summary(company=company, currency="USD").holds == usd("0")
    report = OutboxMessage.objects.get()
    assert (report.payload["type"], report.payload["amount"]) == ("CANCEL_SUCCESS", "180.00")


@postgres_only
@pytest.mark.django_db
def test_an_approved_initialize_records_its_delivery_in_the_holds_statement(client, fake_saleor, company):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal("180.00"), transaction_id=TX)
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # when
    with connection.execute_wrapper(count):
        answer = deliver(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then: the delivery row and the dispatch's answer were written by the hold's one statement
    locked = next(n for n, sql in enumerate(statements) if "FOR UPDATE" in sql and "companies_company" in sql)
    read, write = statements[locked + 1:locked + 3]  # the locked read, then ONE write
    assert "companies_creditlimit" in read
    assert [sql for sql in statements if "INSERT INTO saleor_webhooks_webhookdelivery" in sql] == [write]
    assert ("decisions_decisionrecord" in write and "checkout_nettermstransaction" in write
            and "ledger_posting" in write and "UPDATE saleor_webhooks_webhookdispatch" in write)
    delivery = WebhookDelivery.objects.get(event="TRANSACTION_INITIALIZE_SESSION")
    assert (delivery.outcome, delivery.validity, delivery.response_status) == ("processed", True, 200)
    assert json.loads(delivery.response_body) == answer
    assert delivery.dispatch.result == answer
    assert json.loads(delivery.dispatch.response_body) == answer
    assert delivery.dispatch.first_delivery_id == delivery.pk
    assert answer["result"] == "AUTHORIZATION_SUCCESS"
    assert ledger_counts().postings == 1
