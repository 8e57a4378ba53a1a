"""The whole path on the Saleor test double: a signed TRANSACTION_INITIALIZE_SESSION over the
buyer's spending limit is answered AUTHORIZATION_REQUEST; the company's approver approves by
link, the merchant's review step approves, and Saleor gets AUTHORIZATION_SUCCESS with the same
pspReference. And a decline: hold released, AUTHORIZATION_FAILURE, an order note, the buyer told."""
import re
from decimal import Decimal

import pytest
from django.core import mail

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import approval_act, approval_route_create
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.companies.services import member_add
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.engine import CreditPolicy
from saleor_netterms.outbox.services import outbox_deliver_due
from tests.approvals.conftest import SALES, staff_step
from tests.saleor_double import CUSTOMER_EMAIL, CUSTOMER_ID

TX = "VHJhbnNhY3Rpb25JdGVtOjE="
ORDER = "T3JkZXI6MQ=="
APPROVER = "lena.approver@acme.example"


@pytest.fixture
def buyer_company(installation, company_factory, policy):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("10000", "USD"))
    member_add(company=company, kind="saleor_user_id", value=CUSTOMER_ID, spending_limit=Money.of("500", "USD"))
    return company


def initialize(client, fake_saleor, amount: str) -> dict:
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal(amount), transaction_id=TX)
    response = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)
    assert response.status_code == 200, response.content
    return response.json()


def reported(fake_saleor) -> list[tuple]:
    return [(c.variables["id"], c.variables["type"], c.variables["pspReference"], str(c.variables["amount"]))
            for c in fake_saleor.calls_for("TransactionEventReport")]


@pytest.mark.django_db
def test_buyer_approver_then_credit_review_then_saleor_is_told_authorization_success(
        client, fake_saleor, installation, buyer_company, policy):
    # given: first orders are reviewed by sales; the company has its own approver
    policy(CreditPolicy(review_first_order=True))
    member_add(company=buyer_company, kind="email", value=APPROVER, role="approver")
    approval_route_create(installation=installation, actor="admin@merchant.example", name="First orders",
                          reason_codes=["FIRST_ORDER"], steps=[staff_step("Sales", SALES)])

    # when the buyer checks out above their 500.00 spending limit
    answer = initialize(client, fake_saleor, "750.00")

    # then
    assert answer["result"] == "AUTHORIZATION_REQUEST"
    psp = answer["pspReference"]
    outbox_deliver_due()
    assert [m.to for m in mail.outbox] == [[APPROVER]]
    path = re.search(r"(/approvals/link/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert reported(fake_saleor) == []

    # when the company's approver approves through the link
    assert client.post(path, {"decision": "approve"}).status_code == 200

    # then the order goes on to the merchant's review (first order → sales), Saleor still waits
    review = ApprovalRequest.objects.get(kind="credit_review")
    assert (review.route_snapshot["name"], review.status) == ("First orders", "pending")
    outbox_deliver_due()
    assert reported(fake_saleor) == []

    # when sales approves
    approval_act(request=review, actor_email=SALES, actor_permissions=("HANDLE_PAYMENTS",), decision="approve")
    outbox_deliver_due()

    # then
    assert reported(fake_saleor) == [(TX, "AUTHORIZATION_SUCCESS", psp, "750.00")]
    assert fake_saleor.calls_for("TransactionEventReport")[0].variables["availableActions"] == ["CHARGE", "CANCEL"]
    assert credit_summary(company=buyer_company, currency="USD").holds == Money.of("750.00", "USD")


@pytest.mark.django_db
def test_a_declined_review_releases_the_hold_reports_failure_and_notes_the_order(
        client, fake_saleor, installation, buyer_company):
    # given: no approver in the company, so the order goes straight to the merchant's review
    answer = initialize(client, fake_saleor, "750.00")
    psp = answer["pspReference"]
    assert answer["result"] == "AUTHORIZATION_REQUEST"
    order = fake_saleor.payloads.order_created(order_id=ORDER, order_number="1042", total=Decimal("750.00"),
                                               transactions=[{"id": TX, "pspReference": psp}])
    assert fake_saleor.deliver(client, "ORDER_CREATED", order).status_code == 200
    review = ApprovalRequest.objects.get(kind="credit_review")

    # when
    approval_act(request=review, actor_email="controller@merchant.example", actor_permissions=("HANDLE_PAYMENTS",),
                 decision="decline", comment="Open invoices first")
    outbox_deliver_due()

    # then
    assert credit_summary(company=buyer_company, currency="USD").holds == Money.of("0", "USD")
    assert reported(fake_saleor) == [(TX, "AUTHORIZATION_FAILURE", psp, "750.00")]
    notes = fake_saleor.calls_for("OrderNoteAdd")
    assert [(c.variables["order"], c.variables["message"]) for c in notes] == [
        (ORDER, "Net terms declined after credit review: Open invoices first")]
    assert [(m.to, m.subject) for m in mail.outbox] == [([CUSTOMER_EMAIL], "Net terms not approved for order 1042")]
