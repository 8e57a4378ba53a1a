"""Buyers reach the app with their Saleor customer token: their credit, and (company admins) a
credit limit request that goes to the merchant's approval chain."""
import json
import time

import jwt
import pytest

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.core.money import Money
from tests.saleor_double import CUSTOMER_EMAIL, CUSTOMER_ID


def customer_token(fake_saleor, *, user_id=CUSTOMER_ID, email=CUSTOMER_EMAIL, type_="access", is_staff=False,
                   iss=None, expires_in=300, key=None):
    now = int(time.time())
    claims = {"iat": now, "owner": "saleor", "iss": iss or fake_saleor.api_url, "exp": now + expires_in,
              "token": "jwt-token-key", "email": email, "type": type_, "user_id": user_id, "is_staff": is_staff}
    return jwt.encode(claims, key or fake_saleor.private_key, algorithm="RS256", headers={"kid": fake_saleor.kid})


def headers(fake_saleor, token):
    return {"Authorization": f"Bearer {token}", "Saleor-Api-Url": fake_saleor.api_url}


@pytest.fixture
def acme(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("10000", "USD"))
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID, role="admin")
    return company


@pytest.mark.django_db
def test_a_buyer_sees_their_credit(client, fake_saleor, acme):
    # when
    response = client.get("/portal/credit", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 200
    assert response.json() == {"company": "Acme Industrial Supply", "status": "active", "role": "admin",
                               "termsDays": 30,
                               "credit": [{"currency": "USD", "limit": "10000.00", "available": "10000.00",
                                           "owed": "0.00"}]}


@pytest.mark.django_db
def test_a_company_admin_requests_a_limit_and_it_waits_for_approval(client, fake_saleor, acme):
    # when
    response = client.post("/portal/limit-requests", data=json.dumps(
        {"amount": "25000.00", "currency": "USD", "reason": "New plant opening"}),
        content_type="application/json", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    req = ApprovalRequest.objects.get()
    assert response.status_code == 201
    assert response.json() == {"request": req.pk, "status": "pending", "proposed": "25000.00", "currency": "USD",
                               "current": "10000.00",
                               "message": "Your request was sent to the merchant for approval."}
    assert (req.kind, req.proposed_limit, req.created_by) == ("limit_request", Money.of("25000", "USD").amount,
                                                              f"buyer:{CUSTOMER_EMAIL}")


@pytest.mark.django_db
@pytest.mark.parametrize("token_kwargs,code", [
    ({"type_": "refresh"}, "INVALID_TOKEN"),
    ({"iss": "https://other.example/graphql/"}, "INVALID_TOKEN"),
    ({"is_staff": True}, "INVALID_TOKEN"),
    ({"expires_in": -60}, "TOKEN_EXPIRED"),
    ({"user_id": "VXNlcjo5OTk="}, "NO_CREDIT_ACCOUNT"),
])
def test_bad_tokens_and_strangers_are_refused_and_nothing_is_written(client, fake_saleor, acme, token_kwargs, code):
    # when
    response = client.post("/portal/limit-requests", data=json.dumps({"amount": "25000.00", "currency": "USD"}),
                           content_type="application/json",
                           headers=headers(fake_saleor, customer_token(fake_saleor, **token_kwargs)))

    # then
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == code
    assert ApprovalRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_plain_buyer_cannot_request_a_limit(client, fake_saleor, installation, company_factory, member_factory):
    # given
    company = company_factory(installation=installation, limit=Money.of("10000", "USD"))
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID, role="buyer")

    # when
    response = client.post("/portal/limit-requests", data=json.dumps({"amount": "25000.00", "currency": "USD"}),
                           content_type="application/json", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "NOT_COMPANY_ADMIN"
    assert ApprovalRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_malformed_limit_request_is_a_coded_400(client, fake_saleor, acme):
    # when
    response = client.post("/portal/limit-requests", data=b"{not json", content_type="application/json",
                           headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "MALFORMED_PAYLOAD", "message": (
        'The request could not be read. Send JSON like {"amount": "25000.00", "currency": "USD"}.')}}
    assert ApprovalRequest.objects.count() == 0


@pytest.fixture
def acme_by_domain(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("10000", "USD"))
    member_factory(company=company, kind="email_domain", value="example.com", domain_verified=True, role="admin")
    return company


def _confirmation(is_confirmed, email=CUSTOMER_EMAIL):
    return {"data": {"user": {"id": CUSTOMER_ID, "email": email, "isConfirmed": is_confirmed}}}


@pytest.mark.django_db
def test_an_unconfirmed_account_is_refused_where_the_portal_maps_by_email(client, fake_saleor, acme_by_domain):
    # given Saleor says the account is not confirmed
    fake_saleor.answer("CustomerConfirmation", _confirmation(False))

    # when
    response = client.get("/portal/credit", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "EMAIL_NOT_CONFIRMED", "message": (
        "Please confirm your e-mail address first: open the confirmation link we sent you when you "
        "registered, then sign in again.")}}
    assert [c.variables for c in fake_saleor.calls_for("CustomerConfirmation")] == [{"id": CUSTOMER_ID}]


@pytest.mark.django_db
def test_a_confirmed_account_is_mapped_by_its_email_domain(client, fake_saleor, acme_by_domain):
    # given
    fake_saleor.answer("CustomerConfirmation", _confirmation(True))

    # when
    response = client.get("/portal/credit", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 200
    assert response.json()["company"] == "Acme Industrial Supply"


@pytest.mark.django_db
def test_a_changed_address_is_not_confirmed_by_the_old_one(client, fake_saleor, acme_by_domain):
    # given the account is confirmed, but Saleor now has another address than the token's
    fake_saleor.answer("CustomerConfirmation", _confirmation(True, email="someone@elsewhere.example"))

    # when
    response = client.get("/portal/credit", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "EMAIL_NOT_CONFIRMED"


@pytest.mark.django_db
def test_a_user_id_member_needs_no_call_to_saleor(client, fake_saleor, acme):
    # when
    response = client.get("/portal/credit", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 200
    assert fake_saleor.calls_for("CustomerConfirmation") == []


@pytest.mark.django_db
def test_saleor_unreachable_for_the_confirmation_answers_a_coded_503(client, fake_saleor, acme_by_domain):
    # given
    fake_saleor.fail_next(3, connection_error=True)

    # when
    response = client.get("/portal/credit", headers=headers(fake_saleor, customer_token(fake_saleor)))

    # then
    assert response.status_code == 503
    assert response.json() == {"error": {"code": "SALEOR_UNAVAILABLE", "message": (
        "We could not check your account right now. Please try again in a minute.")}}
