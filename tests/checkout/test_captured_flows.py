"""The whole net-terms flow, replayed from real Saleor 3.24 deliveries (../shared/saleor/captures).

Each capture is POSTed byte-exact, with the headers Saleor sent, to the route it was sent to; the
app verifies Saleor's real signature, records, dispatches and answers. Flows (captures/INDEX.md):
A #36 capture + payment, B #37 cancel, C #38 process + capture + payment + refund, guest #39."""
import base64
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.installations.models import Installation
from tests.conftest import CAPTURES_DIR

pytestmark = pytest.mark.skipif(not CAPTURES_DIR.exists(), reason=f"no captures at {CAPTURES_DIR}")

CUSTOMER = "VXNlcjo2"  # ashley.cook@example.com, logged in for orders A, B, C


def capture(name: str) -> dict:
    return json.loads((CAPTURES_DIR / "raw" / f"{name}.json").read_text())


def replay(client, name: str):
    record = capture(name)
    headers = {k: v for k, v in record["headers"] if k.lower() not in ("content-length", "host", "content-type")}
    return client.post(record["path"], data=base64.b64decode(record["body_base64"]),
                       content_type="application/json", headers=headers)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def captured_installation(db):
    installation = Installation(saleor_api_url="http://127.0.0.1:8800/graphql/", saleor_domain="127.0.0.1:8800",
                                app_id="QXBwOjI4", jwks=json.loads((CAPTURES_DIR / "jwks.json").read_text()),
                                jwks_fetched_at=timezone.now())
    installation.set_token("captured-app-token")
    installation.save()
    return installation


@pytest.fixture
def acme(captured_installation, company_factory, member_factory):
    company = company_factory(installation=captured_installation, legal_name="Acme Industrial Supply",
                              limit=usd("5000"), po_number_required=True)
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER)
    return company


@pytest.mark.django_db
def test_gateway_initialize_tells_the_storefront_about_terms(client, acme):
    # when
    response = replay(client, "payment_gateway_initialize_session__1")

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {
        "eligible": True, "reason": None, "message": "You can pay on Net 30 terms.",
        "company": "Acme Industrial Supply", "availableCredit": {"amount": "5000.00", "currency": "USD"},
        "terms": {"days": 30, "label": "Net 30"}, "poNumberRequired": True,
        "decisionPreview": {"outcome": "approve", "reasons": ["WITHIN_LIMIT"]}}}


@pytest.mark.django_db
def test_order_a_authorize_bind_capture_and_pay(client, acme):
    # when: checkout
    answer = replay(client, "transaction_initialize_session__1").json()

    # then
    tx = NetTermsTransaction.objects.get()
    assert answer == {
        "result": "AUTHORIZATION_SUCCESS", "amount": "180.00", "actions": ["CHARGE", "CANCEL"],
        "message": "Approved on Net 30 terms.", "pspReference": tx.psp_reference,
        "paymentMethodDetails": {"type": "OTHER", "name": "Net 30"},
        "data": {"outcome": "approved", "reason": None, "reasons": ["WITHIN_LIMIT"],
                 "message": "Approved on Net 30 terms.", "company": "Acme Industrial Supply",
                 "terms": {"days": 30, "label": "Net 30"},
                 "availableCredit": {"amount": "4820.00", "currency": "USD"}, "poNumber": "PO-4711"}}
    assert replay(client, "transaction_initialize_session__1").json() == answer  # delivered twice
    assert credit_summary(company=acme, currency="USD").holds == usd("180.00")

    # when: the order is created and confirmed
    assert replay(client, "order_created__1").status_code == 200
    assert replay(client, "order_confirmed__1").status_code == 200
    tx.refresh_from_db()
    assert (tx.order_number, tx.order_snapshot["totalGross"]) == ("36", "180.00")
    assert tx.order_snapshot["lines"] == [{"productName": "Dash Force", "sku": "618223581", "quantity": 2,
                                           "unitNet": "90.00", "unitGross": "90.00", "taxRate": "0.0"}]

    # when: staff press Capture
    charge = replay(client, "transaction_charge_requested__1").json()
    receivable = Receivable.objects.get()
    assert charge == {"pspReference": receivable.reference, "actions": []}
    assert replay(client, "transaction_charge_requested__1").json() == charge
    assert receivable.due_date == timezone.localdate() + dt.timedelta(days=30)
    assert (receivable.order_number, receivable.amount) == ("36", Decimal("180.0000"))

    # when: the buyer pays
    payment_record(company=acme, money=usd("180.00"), received_on=timezone.localdate(), reference="BANK-36")

    # then: Saleor's order shows the payment against the invoice's number (issued at capture), not
    # the app's internal reference (which stays the PSP reference Saleor keys the event by)
    report = OutboxMessage.objects.get(kind="saleor.transaction_event_report")
    invoice = Invoice.objects.get(receivable=receivable)
    assert invoice.number == f"INV-{timezone.localdate().year}-000001" != receivable.reference
    assert report.payload == {"transaction_id": tx.saleor_transaction_id, "type": "CHARGE_SUCCESS",
                              "psp_reference": receivable.reference, "amount": "180.00", "currency": "USD",
                              "message": f"Payment BANK-36 received for {invoice.number}.",
                              "available_actions": ["REFUND"]}
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.holds, summary.receivables, summary.available) == (usd("0"), usd("0"), usd("5000.00"))


@pytest.mark.django_db
def test_order_b_cancel_releases_the_hold(client, acme):
    # given
    replay(client, "transaction_initialize_session__2")
    replay(client, "order_created__2")
    replay(client, "order_confirmed__2")
    tx = NetTermsTransaction.objects.get()

    # when
    answer = replay(client, "transaction_cancelation_requested__1").json()
    cancelled = replay(client, "order_cancelled__1")

    # then
    assert answer == {"pspReference": tx.psp_reference, "result": "CANCEL_SUCCESS", "actions": [],
                      "message": "Released 180.00 USD of credit.", "amount": "180.00"}
    assert cancelled.status_code == 200
    assert OutboxMessage.objects.count() == 0  # nothing left to release, nothing to report
    assert credit_summary(company=acme, currency="USD").available == usd("5000.00")
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.CANCELED


@pytest.mark.django_db
def test_order_c_process_capture_pay_and_refund(client, acme):
    # given
    init = replay(client, "transaction_initialize_session__3").json()
    tx = NetTermsTransaction.objects.get()

    # when: the storefront calls transactionProcess
    process = replay(client, "transaction_process_session__1").json()

    # then: the current state, same pspReference
    assert process["result"] == "AUTHORIZATION_SUCCESS"
    assert process["pspReference"] == init["pspReference"] == tx.psp_reference

    # when: confirmed arrives before created (observed live), then capture, pay, refund
    replay(client, "order_confirmed__3")
    replay(client, "order_created__3")
    replay(client, "transaction_charge_requested__2")
    payment_record(company=acme, money=usd("180.00"), received_on=timezone.localdate(), reference="BANK-38")
    refund = replay(client, "transaction_refund_requested__1").json()

    # then
    tx.refresh_from_db()
    assert tx.order_number == "38"
    assert refund["result"] == "REFUND_SUCCESS"
    assert refund["amount"] == "180.00"
    assert refund["pspReference"].startswith("cn-")
    assert replay(client, "transaction_refund_requested__1").json() == refund
    summary = credit_summary(company=acme, currency="USD")
    assert (summary.receivables, summary.credit_balance) == (usd("0"), usd("180.00"))


@pytest.mark.django_db
def test_guest_checkout_gets_no_terms(client, acme):
    # when
    gateway = replay(client, "payment_gateway_initialize_session__2").json()
    init = replay(client, "transaction_initialize_session__4").json()
    order = replay(client, "order_created__4")

    # then
    assert gateway["data"]["eligible"] is False
    assert gateway["data"]["reason"] == "GUEST_CHECKOUT"
    assert init["result"] == "AUTHORIZATION_FAILURE"
    assert init["data"]["reason"] == "GUEST_CHECKOUT"
    assert "pspReference" not in init
    assert order.status_code == 200
    assert credit_summary(company=acme, currency="USD").exposure == usd("0")
