"""The queries behind the widgets on Saleor's order and customer pages: what the app knows of an
order (decision with reasons, hold, invoices, open amount, the account's position) and the credit
accounts a customer buys on — exact figures, and nothing of another installation."""
from __future__ import annotations

import pytest

from saleor_netterms.checkout.requests import OrderLine, OrderSnapshot
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.invoicing.services import invoice_issue_for_order
from tests.api.conftest import BUYER_USER_ID, authorize, invoice
from tests.fixtures_credit import installation_make

pytestmark = pytest.mark.django_db
M = "amount currency"
ORDER = """query($id: ID!) { orderNetTerms(orderId: $id) { orderId orderNumber company { legalName }
  transactions { status decisionOutcome decisionReasons { code } amount { %(M)s } held { %(M)s } }
  invoices { number status totalGross { %(M)s } openAmount { %(M)s } daysPastDue }
  position { currency credit { limit { %(M)s } exposure { %(M)s } available { %(M)s } }
    receivables { openAmount { %(M)s } openCount overdueAmount { %(M)s } overdueCount maxDaysPastDue } } } }""" % {"M": M}
CUSTOMER = """query($id: ID!) { customerCreditAccounts(customerId: $id) { company { legalName }
  positions { currency credit { available { %(M)s } } receivables { overdueCount } } } }""" % {"M": M}
ORDER_1002 = "T3JkZXI6MTAwMg=="


def usd(amount: str) -> dict:
    return {"amount": amount, "currency": "USD"}


def invoiced_order(installation, *, tx: str, number: str, order_id: str, amount: str):
    """Authorize on net terms, bind the order (one line), issue its invoice (as at confirmation)."""
    transaction = authorize(installation, tx=tx, amount=amount)
    order_bind(installation=installation, order=OrderSnapshot(
        order_id=order_id, number=number, status="UNFULFILLED", currency="USD", total_net=amount, total_tax="0.00",
        total_gross=amount, channel_slug="default-channel", user_email="buyer@acme.example", transaction_ids=(tx,),
        lines=(OrderLine("Safety gloves (box)", "GLV-9", 1, amount, amount, "0.0"),)))
    transaction.refresh_from_db()
    return invoice_issue_for_order(transaction=transaction)


def test_an_invoiced_order_shows_its_decision_invoice_and_the_accounts_position(gql, buyer):
    # given: an overdue receivable of an older order, this order invoiced, and another order on hold
    invoice(buyer.installation, tx="VHg6MQ==", amount="400.00", order_number="1001", days_ago=45)
    issued = invoiced_order(buyer.installation, tx="VHg6Mg==", number="1002", order_id=ORDER_1002, amount="120.00")
    authorize(buyer.installation, tx="VHg6Mw==", amount="80.00")

    # when
    data = gql(ORDER, {"id": ORDER_1002})["orderNetTerms"]

    # then
    assert data == {
        "orderId": ORDER_1002, "orderNumber": "1002", "company": {"legalName": "Acme Industrial Supply"},
        "transactions": [{"status": "AUTHORIZED", "decisionOutcome": "approve", "decisionReasons": [{"code": "WITHIN_LIMIT"}],
                          "amount": usd("120.00"), "held": usd("0.00")}],
        "invoices": [{"number": issued.number, "status": "ISSUED", "totalGross": usd("120.00"),
                      "openAmount": usd("120.00"), "daysPastDue": 0}],
        "position": {"currency": "USD",
                     "credit": {"limit": usd("10000.00"), "exposure": usd("600.00"), "available": usd("9400.00")},
                     "receivables": {"openAmount": usd("520.00"), "openCount": 2, "overdueAmount": usd("400.00"),
                                     "overdueCount": 1, "maxDaysPastDue": 15}}}


def test_an_order_in_review_shows_why_and_what_is_on_hold(gql, buyer):
    # given: over the buyer's 500.00 spending limit
    transaction = authorize(buyer.installation, tx="VHg6NA==", amount="750.00")
    order_bind(installation=buyer.installation, order=OrderSnapshot(
        order_id="T3JkZXI6MjAwMQ==", number="2001", status="UNCONFIRMED", currency="USD", total_net="750.00",
        total_tax="0.00", total_gross="750.00", channel_slug="default-channel", user_email="buyer@acme.example",
        transaction_ids=(transaction.saleor_transaction_id,)))

    # when
    data = gql(ORDER, {"id": "T3JkZXI6MjAwMQ=="})["orderNetTerms"]

    # then
    assert data["transactions"] == [{"status": "IN_REVIEW", "decisionOutcome": "review",
                                     "decisionReasons": [{"code": "OVER_SPENDING_LIMIT"},
                                                         {"code": "WITHIN_LIMIT"}],
                                     "amount": usd("750.00"), "held": usd("750.00")}]
    assert data["invoices"] == []


def test_an_order_not_paid_on_net_terms_or_of_another_saleor_is_null(gql, buyer):
    # given: an invoiced order of this installation
    invoiced_order(buyer.installation, tx="VHg6NQ==", number="1003", order_id="T3JkZXI6MTAwMw==", amount="50.00")
    other = installation_make(saleor_api_url="https://other-shop.example.com/graphql/")

    # when
    unknown = gql(ORDER, {"id": "T3JkZXI6OTk5OQ=="})["orderNetTerms"]
    foreign = gql(ORDER, {"id": "T3JkZXI6MTAwMw=="}, installation=other)["orderNetTerms"]

    # then
    assert (unknown, foreign) == (None, None)


def test_a_customer_sees_the_accounts_they_buy_on_by_membership_or_by_orders(gql, buyer, company_factory):
    # given: the buyer is a member of Acme; a second company's order was paid by the same Saleor user
    # (a member by e-mail there); a third company has nothing to do with them
    bolt = company_factory(installation=buyer.installation, legal_name="Bolt & Nut GmbH", limit=None)
    company_factory(installation=buyer.installation, legal_name="Cobalt Tools Ltd")
    invoice(buyer.installation, tx="VHg6Ng==", amount="100.00", order_number="1004", days_ago=45)
    bolt.transactions.create(installation=buyer.installation, saleor_transaction_id="VHg6Nw==", psp_reference="nt-b1",
                             saleor_user_id=BUYER_USER_ID, currency="EUR", amount="10.00", status="declined",
                             decision_outcome="decline")
    other = installation_make(saleor_api_url="https://other-shop.example.com/graphql/")

    # when
    accounts = gql(CUSTOMER, {"id": BUYER_USER_ID})["customerCreditAccounts"]
    stranger = gql(CUSTOMER, {"id": "VXNlcjo5OTk="})["customerCreditAccounts"]
    foreign = gql(CUSTOMER, {"id": BUYER_USER_ID}, installation=other)["customerCreditAccounts"]

    # then
    assert accounts == [
        {"company": {"legalName": "Acme Industrial Supply"},
         "positions": [{"currency": "USD", "credit": {"available": usd("9900.00")}, "receivables": {"overdueCount": 1}}]},
        {"company": {"legalName": "Bolt & Nut GmbH"}, "positions": []}]
    assert (stranger, foreign) == ([], [])
