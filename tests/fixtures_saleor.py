"""Fixtures for the Saleor test double (tests/saleor_double.py). API in one screen:

    def test_something(client, fake_saleor, installation):
        # installation: an ACTIVE Installation registered against the fake through the real
        # registration service (app id fake_saleor.app_id, token fake_saleor.app_token, JWKS cached).
        payload = fake_saleor.payloads.transaction_initialize_session(
            amount=Decimal("100.00"), currency="USD", user_id="VXNlcjo2",
            email="ashley.cook@example.com", idempotency_key="idem-1",
            transaction_id="VHJhbnNhY3Rpb25JdGVtOjE=", data={"poNumber": "PO-1"},
            channel_slug="default-channel")           # recipient_id defaults to the app id
        response = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)
        assert response.status_code == 200 and response.json()["result"] == "AUTHORIZATION_SUCCESS"

Payload builders (`fake_saleor.payloads.<event lower case>(**kw)`, all keyword-only, Decimal
amounts; every one takes recipient_id= and issued_at=; see each signature for the rest):
    payment_gateway_initialize_session(amount, currency, data, user_id (None = guest), email,
        checkout_id, channel_slug, company_name, country, customer_type, external_reference, lines)
    transaction_initialize_session(amount, currency, user_id, email, idempotency_key,
        transaction_id, data, channel_slug, action_type, psp_reference (""), ...)
    transaction_process_session(amount, currency, user_id, email, transaction_id,
        psp_reference, data, channel_slug, action_type, ...)
    transaction_charge_requested / transaction_cancelation_requested / transaction_refund_requested
        (amount, currency, transaction_id, psp_reference, authorized, charged, refunded, canceled,
         events, order_id, order_number, order_total, user_id, email; refund: granted_refund_id)
    order_created / order_confirmed / order_cancelled(order_id, order_number, total, currency,
        status, charge_status, authorize_status, user_id, email, channel_slug, lines,
        transactions=[{"id", "pspReference"}], principal_user_id, principal_email)
    payloads.for_event("ORDER_CREATED", **kw)

Delivering (signed exactly like Saleor, headers as in the captures):
    fake_saleor.deliver(client, EVENT, payload)                     -> django test response
    fake_saleor.deliver(client, EVENT, body=b"...")                 # raw bytes, signed as given
    fake_saleor.deliver(client, EVENT, payload, signature="...", headers={"Saleor-Event": "x"},
                        drop_headers=("Saleor-Signature",))
    fake_saleor.sign(body_bytes) -> "<hdr>..<sig>";  fake_saleor.rotate_key() -> new kid

Outbound GraphQL the app sends (validated against ../shared/saleor/schema.graphql when present;
mark tests that rely on that validation with @pytest.mark.needs_schema):
    fake_saleor.calls / fake_saleor.calls_for("TransactionEventReport") -> [SaleorCall(operation,
        query, variables, authorization)];  fake_saleor.reset_calls()
    fake_saleor.answer("TransactionEventReport", transaction_event_report_answer(already_processed=True))
    fake_saleor.answer("Channels", {"data": {"channels": [default_channel(flow="CHARGE")]}})
    fake_saleor.answer("OrderNoteAdd", lambda variables: {...})     # callable of the variables
    fake_saleor.fail_next(2, status=503) / fail_next(connection_error=True) / fail_next(timeout=True)
    fake_saleor.reject_token()           # app deleted in Saleor: anonymous PermissionDenied answers
    fake_saleor.jwks_available = False   # /.well-known/jwks.json answers 503
    fake_saleor.jwks_requests            # how many JWKS fetches happened

Dashboard tokens (RS256, Saleor's thirdparty claims):
    fake_saleor.dashboard_token(user_permissions=["HANDLE_PAYMENTS"], app_id=None, expires_in=300)
    dashboard_headers(fake_saleor, token=None) -> {"authorization-bearer": ..., "saleor-api-url": ...}

Other fixtures: `saleor_http` (the active `responses.RequestsMock`), `fake_saleor_factory(
api_url=..., app_id=...)` for a second Saleor, `saleor_payload` (= fake_saleor.payloads).
The Saleor client never sleeps (retries live in the outbox), so nothing is patched for speed.
"""
from __future__ import annotations

import pytest
import responses

from tests.saleor_double import (DEFAULT_API_URL, FakeSaleor, default_channel,  # noqa: F401
                                 transaction_event_report_answer)
from saleor_netterms.installations.services import installation_register


@pytest.fixture
def saleor_http():
    """All outbound HTTP of the app goes through this mock; unmatched URLs raise ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def fake_saleor_factory(saleor_http):
    slots = iter(range(1, 100))

    def make(*, api_url: str, app_id: str = "QXBwOjk5", app_token: str = "other-app-token-0123456789abcd") -> FakeSaleor:
        return FakeSaleor(mock=saleor_http, api_url=api_url, app_id=app_id, app_token=app_token,
                          key_slot=next(slots))

    return make


@pytest.fixture
def fake_saleor(saleor_http) -> FakeSaleor:
    return FakeSaleor(mock=saleor_http, api_url=DEFAULT_API_URL)


@pytest.fixture
def saleor_payload(fake_saleor):
    return fake_saleor.payloads


@pytest.fixture
def installation(db, fake_saleor, settings):
    """An active Installation registered against the fake through the real service."""
    settings.ALLOWED_SALEOR_API_URLS = [r"https://[a-z0-9.-]+\.saleor\.test/graphql/"]
    inst = installation_register(saleor_api_url=fake_saleor.api_url, auth_token=fake_saleor.app_token,
                                 saleor_domain=fake_saleor.domain, schema_version="3.24")
    fake_saleor.reset_calls()
    return inst


def dashboard_headers(fake: FakeSaleor, token: str | None = None) -> dict[str, str]:
    return {"authorization-bearer": token if token is not None else fake.dashboard_token(),
            "saleor-api-url": fake.api_url}
