"""The unconfirmed-account attack (issue 8 §1): Saleor creates every account unconfirmed, and a shop
may let such accounts sign in and check out. Anyone can register `someone@<a customer's domain>`
or a member's exact address before its owner does, so EMAIL and EMAIL_DOMAIN members match only
accounts Saleor reports as confirmed (`User.isConfirmed`). Through the signed webhook pipeline."""
from decimal import Decimal

import pytest

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.core.money import Money
from saleor_netterms.saleor_webhooks.models import WebhookDispatch
from tests.fixtures_credit import ledger_counts
from tests.saleor_answers import answer_problems

TX = "VHJhbnNhY3Rpb25JdGVtOjk5"
ATTACKER = "VXNlcjo5OTk="
BUYER_MESSAGE = ("Please confirm your e-mail address first: open the confirmation link we sent you when you "
                 "registered, then check out again to pay on net terms.")
MEMBER_KINDS = [("email", "ashley.cook@acme.example", "ashley.cook@acme.example"),
                ("email_domain", "acme.example", "someone@acme.example")]


@pytest.fixture
def acme(installation, company_factory):
    return company_factory(installation=installation, legal_name="Acme Industrial Supply",
                           limit=Money.of("10000", "USD"))


def _deliver(client, fake_saleor, event, payload):
    response = fake_saleor.deliver(client, event, payload)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer_problems(event, answer) == []
    return answer


@pytest.mark.django_db
@pytest.mark.parametrize("kind, value, email", MEMBER_KINDS)
@pytest.mark.parametrize("is_confirmed", [False, None], ids=["unconfirmed", "isConfirmed-absent"])
def test_an_unconfirmed_account_gets_no_credit_and_nothing_is_held(client, fake_saleor, acme, member_factory,
                                                                    kind, value, email, is_confirmed):
    # given a member rule of Acme by e-mail / verified domain, and an unconfirmed account with that address
    member_factory(company=acme, kind=kind, value=value, domain_verified=kind == "email_domain")
    payload = fake_saleor.payloads.transaction_initialize_session(
        amount=Decimal("180.00"), transaction_id=TX, user_id=ATTACKER, email=email, is_confirmed=is_confirmed,
        customer_type=None)

    # when it checks out on net terms, twice (Saleor's retry)
    answer = _deliver(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)
    again = _deliver(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then: declined with the stable reason, nothing names the company, nothing is held
    assert answer == again == {
        "result": "AUTHORIZATION_FAILURE", "amount": "180.00", "actions": [], "message": BUYER_MESSAGE,
        "data": {"outcome": "declined", "reason": "EMAIL_NOT_CONFIRMED", "reasons": ["EMAIL_NOT_CONFIRMED"],
                 "message": BUYER_MESSAGE, "company": None, "terms": None, "availableCredit": None,
                 "poNumber": "PO-4711"}}
    assert ledger_counts().postings == 0
    tx = NetTermsTransaction.objects.get()  # the decision is recorded for the merchant
    assert (tx.status, tx.company_id, tx.saleor_user_id, tx.decision_outcome) == (
        TransactionStatus.DECLINED, None, ATTACKER, "decline")
    assert [r["code"] for r in tx.decision_reasons] == ["EMAIL_NOT_CONFIRMED"]
    assert WebhookDispatch.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind, value, email", MEMBER_KINDS)
def test_the_gateway_preview_says_not_eligible_with_the_reason(client, fake_saleor, acme, member_factory,
                                                                kind, value, email):
    # given
    member_factory(company=acme, kind=kind, value=value, domain_verified=kind == "email_domain")
    payload = fake_saleor.payloads.payment_gateway_initialize_session(
        amount=Decimal("180.00"), user_id=ATTACKER, email=email, is_confirmed=False, customer_type=None)

    # when
    answer = _deliver(client, fake_saleor, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload)

    # then
    assert answer == {"data": {"eligible": False, "reason": "EMAIL_NOT_CONFIRMED", "message": BUYER_MESSAGE,
                               "company": None, "availableCredit": None, "terms": None,
                               "poNumberRequired": False, "decisionPreview": None}}
    assert NetTermsTransaction.objects.count() == 0
    assert ledger_counts().postings == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind, value, email", MEMBER_KINDS)
def test_the_same_account_once_confirmed_buys_on_terms(client, fake_saleor, acme, member_factory,
                                                       kind, value, email):
    # given
    member_factory(company=acme, kind=kind, value=value, domain_verified=kind == "email_domain")
    payload = fake_saleor.payloads.transaction_initialize_session(
        amount=Decimal("180.00"), transaction_id=TX, user_id=ATTACKER, email=email, is_confirmed=True,
        customer_type=None)

    # when
    answer = _deliver(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then
    assert (answer["result"], answer["data"]["company"]) == ("AUTHORIZATION_SUCCESS", "Acme Industrial Supply")
    assert ledger_counts().postings == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind, value, payload_fields", [
    ("saleor_user_id", ATTACKER, {}),
    ("external_reference", "ERP-1001", {"external_reference": "ERP-1001"}),
    ("customer_type", "wholesale", {"customer_type": "wholesale"}),
])
def test_merchant_set_member_kinds_do_not_need_a_confirmed_account(client, fake_saleor, acme, member_factory,
                                                                   kind, value, payload_fields):
    # given a rule the merchant set on the customer (not the address they typed)
    member_factory(company=acme, kind=kind, value=value)
    fields = {"customer_type": None, **payload_fields}
    payload = fake_saleor.payloads.transaction_initialize_session(
        amount=Decimal("180.00"), transaction_id=TX, user_id=ATTACKER, email="new@elsewhere.example",
        is_confirmed=False, **fields)

    # when
    answer = _deliver(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then
    assert answer["result"] == "AUTHORIZATION_SUCCESS"
    assert ledger_counts().postings == 1


@pytest.mark.django_db
def test_an_unconfirmed_account_falls_through_to_a_merchant_set_rule(client, fake_saleor, acme, company_factory,
                                                                      member_factory):
    # given the address matches Globex's e-mail rule, the customer's externalReference matches Acme
    globex = company_factory(legal_name="Globex")
    member_factory(company=globex, kind="email", value="ashley.cook@acme.example")
    member_factory(company=acme, kind="external_reference", value="ERP-1001")
    payload = fake_saleor.payloads.transaction_initialize_session(
        amount=Decimal("180.00"), transaction_id=TX, user_id=ATTACKER, email="ashley.cook@acme.example",
        is_confirmed=False, external_reference="ERP-1001", customer_type=None)

    # when
    answer = _deliver(client, fake_saleor, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then
    assert (answer["result"], answer["data"]["company"]) == ("AUTHORIZATION_SUCCESS", "Acme Industrial Supply")
