"""Hostile input at every entrypoint (issue 8 §3): each case of the issue as a table — a coded 4xx
(or, for a business outcome, a defined 200), never a 5xx, and nothing written (for an unverified
webhook delivery, only its bounded record) — then hypothesis-generated payloads for the webhook,
register, API and portal entrypoints."""
import json
import time
from decimal import Decimal

import jwt
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.companies.models import Company, CreditLimit
from saleor_netterms.core.money import Money
from saleor_netterms.installations.models import Installation
from saleor_netterms.saleor_webhooks.models import WebhookDelivery, WebhookDispatch
from tests.fixtures_credit import ledger_counts
from tests.fixtures_saleor import dashboard_headers
from tests.saleor_double import CUSTOMER_EMAIL, CUSTOMER_ID

DEEP = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
DEEP_SMALL = "[" * 3_000 + "]" * 3_000  # under the 16 KiB cap of register and portal
EVENT = "TRANSACTION_INITIALIZE_SESSION"
HYPOTHESIS = hypothesis_settings(max_examples=40, deadline=None, derandomize=True,
                                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                        HealthCheck.too_slow])


def state() -> tuple:
    """Everything an entrypoint could write."""
    return (ledger_counts(), NetTermsTransaction.objects.count(), WebhookDispatch.objects.count(),
            ApprovalRequest.objects.count(), Installation.objects.count(), Company.objects.count(),
            CreditLimit.objects.count())


@pytest.fixture
def acme(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("10000", "USD"))
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID, role="admin")
    return company


def customer_headers(fake_saleor) -> dict:
    now = int(time.time())
    token = jwt.encode({"iat": now, "owner": "saleor", "iss": fake_saleor.api_url, "exp": now + 300,
                        "token": "k", "email": CUSTOMER_EMAIL, "type": "access", "user_id": CUSTOMER_ID,
                        "is_staff": False}, fake_saleor.private_key, algorithm="RS256",
                       headers={"kid": fake_saleor.kid})
    return {"Authorization": f"Bearer {token}", "Saleor-Api-Url": fake_saleor.api_url}


def signed_initialize(fake_saleor, client, *, raw: bytes | None = None, **fields):
    """A signed TRANSACTION_INITIALIZE_SESSION whose JSON text is given or built with overrides."""
    if raw is None:
        payload = fake_saleor.payloads.transaction_initialize_session(transaction_id="VHJhbnNhY3Rpb25JdGVtOjc=")
        action = payload["action"]
        for key, value in fields.items():
            if key in ("amount", "currency"):
                action[key] = value
            elif key == "poNumber":
                payload["data"] = {"poNumber": value}
        raw = json.dumps(payload, default=lambda o: float(o) if isinstance(o, Decimal) else str(o)).encode()
    return fake_saleor.deliver(client, EVENT, body=raw)


def _raw_amount(fake_saleor, literal: str) -> bytes:
    """The payload with `action.amount` replaced by a raw JSON literal (1e400 is no Python float)."""
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id="VHJhbnNhY3Rpb25JdGVtOjc=")
    payload["action"]["amount"] = "__AMOUNT__"
    text = json.dumps(payload, default=float)
    return text.replace('"__AMOUNT__"', literal).encode()


# --- the table ---------------------------------------------------------------------------------

WEBHOOK_AMOUNTS = [("1e400", "INVALID_AMOUNT"), ("1000000000000000000000000000000", "INVALID_AMOUNT"),
                   ('"abc"', "INVALID_AMOUNT"), ("true", "INVALID_AMOUNT"), ("[1]", "INVALID_AMOUNT"),
                   ("180.001", "INVALID_AMOUNT"), ("-1.00", "INVALID_AMOUNT"), ("NaN", "MALFORMED_PAYLOAD"),
                   ("Infinity", "MALFORMED_PAYLOAD"), ("null", "MALFORMED_PAYLOAD")]
PORTAL_AMOUNTS = ["1e400", 10 ** 30, "abc", True, [1], "25000.001", "-5.00", "0", "NaN", "Infinity", "1,000.00"]


@pytest.mark.django_db
@pytest.mark.parametrize("literal, code", WEBHOOK_AMOUNTS)
def test_webhook_amounts_are_read_by_the_one_parser(client, fake_saleor, acme, literal, code):
    # given
    before = state()

    # when
    response = signed_initialize(fake_saleor, client, raw=_raw_amount(fake_saleor, literal))

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["PO-\u0000-1", "PO-\ud800"], ids=["nul", "lone-surrogate"])
def test_webhook_text_with_nul_or_a_lone_surrogate_is_refused(client, fake_saleor, acme, text):
    # given
    before = state()
    escaped = json.dumps(text)  # "\u0000" / "\ud800" as JSON escapes, exactly as a sender would write them
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id="VHJhbnNhY3Rpb25JdGVtOjc=",
                                                                  data={"poNumber": "__PO__"})
    raw = json.dumps(payload, default=float).replace('"__PO__"', escaped).encode()

    # when
    response = signed_initialize(fake_saleor, client, raw=raw)

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_TEXT")
    assert state() == before


@pytest.mark.django_db
def test_webhook_currency_must_be_iso_4217(client, fake_saleor, acme):
    # given
    before = state()

    # when
    response = signed_initialize(fake_saleor, client, currency="XXX")

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_CURRENCY")
    assert state() == before


@pytest.mark.django_db
def test_a_zero_total_checkout_gets_a_defined_answer_and_nothing_held(client, fake_saleor, acme):
    # when
    response = signed_initialize(fake_saleor, client, amount=Decimal("0.00"))

    # then
    assert response.status_code == 200
    answer = response.json()
    assert (answer["result"], answer["amount"], answer["data"]["reason"]) == (
        "AUTHORIZATION_FAILURE", "0.00", "ZERO_AMOUNT")
    assert answer["message"] == "There is nothing to pay on net terms: this order's total is zero."
    assert ledger_counts().postings == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, "{bad json", "\xff\xfe", '{"recipient": NaN}'],
                         ids=["deep", "deep-object", "bad-json", "not-utf8", "nan"])
def test_a_signed_webhook_body_that_is_not_bounded_json_is_refused_and_only_recorded(client, fake_saleor, acme,
                                                                                    body):
    # given
    before = state()
    raw = body.encode("latin-1")

    # when
    response = fake_saleor.deliver(client, EVENT, body=raw)

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, "MALFORMED_PAYLOAD")
    assert state() == before
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.body_size, len(bytes(delivery.body))) == (
        "refused", len(raw), min(len(raw), 1024))


@pytest.mark.django_db
@pytest.mark.parametrize("body", [DEEP_SMALL, '{"a":' * 2_000 + "1" + "}" * 2_000, '{"auth_token": NaN}',
                                  '{"auth_token": "\\u0000"}'], ids=["deep", "deep-object", "nan", "nul"])
def test_register_refuses_hostile_json_without_authentication_or_io(client, fake_saleor, body, settings):
    # given
    settings.ALLOWED_SALEOR_API_URLS = [".*"]

    # when
    response = client.post("/api/register", data=body.encode(), content_type="application/json",
                           headers={"Saleor-Api-Url": fake_saleor.api_url})

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"MALFORMED_PAYLOAD", "INVALID_TEXT"}
    assert Installation.objects.count() == 0
    assert fake_saleor.calls == [] and fake_saleor.jwks_requests == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body, code", [
    (json.dumps({"query": "{ appVersion }", "variables": "__DEEP__"}).replace('"__DEEP__"', DEEP), "MALFORMED_PAYLOAD"),
    (json.dumps({"query": "{ appVersion }", "variables": DEEP}), "MALFORMED_PAYLOAD"),
    (json.dumps({"query": "{ appVersion }", "variables": "[1]"}), "MALFORMED_PAYLOAD"),
    (DEEP_OBJECT, "MALFORMED_PAYLOAD"),
    ('{"query": "{ appVersion }", "variables": {"x": NaN}}', "MALFORMED_PAYLOAD"),
    ('{"query": "{ appVersion }", "variables": {"name": "\\ud800"}}', "INVALID_TEXT"),
])
def test_the_api_reads_its_body_and_variables_with_the_bounded_reader(client, fake_saleor, installation, body, code):
    # given
    before = state()

    # when
    response = client.post("/graphql/", data=body.encode(), content_type="application/json",
                           headers=dashboard_headers(fake_saleor))

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert state() == before


def _gql(client, fake_saleor, query: str, variables: dict | None = None):
    return client.post("/graphql/", data=json.dumps({"query": query, "variables": variables or {}}),
                       content_type="application/json", headers=dashboard_headers(fake_saleor))


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    "{ " + " ".join(f"a{n}: appVersion" for n in range(10_000)) + " }",           # 10,000 aliases
    "{ " + " ".join(f"a{n}: companies {{ id }}" for n in range(40)) + " }",      # 40 aliases of a list
    "{ company(id: 1) { " + "members { company { " * 7 + "id" + " } }" * 7 + " } }",  # depth 16
    "{ a " * 3000 + "}" * 3000,                                                   # a parser bomb
], ids=["10000-aliases", "40-list-aliases", "depth-16", "parser-bomb"])
def test_graphql_cost_limits_refuse_before_execution(client, fake_saleor, installation, query):
    # when
    started = time.perf_counter()
    response = _gql(client, fake_saleor, query)

    # then
    assert response.status_code == 400
    assert "QUERY_TOO_COMPLEX" in [e["extensions"]["code"] for e in response.json()["errors"]]
    assert time.perf_counter() - started < 5


@pytest.mark.django_db
@pytest.mark.parametrize("literal, code", [("A\\u0000B", "INVALID_TEXT"), ("A\\ud800B", "GRAPHQL_PARSE_FAILED")],
                         ids=["nul", "lone-surrogate"])  # graphql-core's lexer refuses a lone surrogate escape
def test_graphql_string_literals_with_nul_or_lone_surrogates_are_refused(client, fake_saleor, installation, literal,
                                                                          code):
    # given: the escape is in the query text; GraphQL decodes it
    before = state()

    # when
    response = _gql(client, fake_saleor, 'mutation { companyCreate(legalName: "%s") { errors { code } } }' % literal)

    # then
    assert response.status_code == 400
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]
    assert state() == before


@pytest.mark.django_db
def test_graphql_page_size_is_bounded(client, fake_saleor, installation):
    # when
    response = _gql(client, fake_saleor, "{ companies(first: 10000) { id } }")

    # then
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_PAGINATION"


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1e400", "1000000000000000000000000000000", "abc", "10.001", "NaN",
                                    "Infinity", "-0.001"])
def test_api_amounts_are_read_by_the_one_parser(client, fake_saleor, installation, company_factory, amount):
    # given
    company = company_factory(installation=installation, limit=None)
    before = state()

    # when
    response = _gql(client, fake_saleor, "mutation($c: ID!, $a: String!) { creditLimitSet(companyId: $c, "
                    "amount: $a, currency: \"USD\") { errors { code field } } }", {"c": str(company.pk), "a": amount})

    # then
    assert response.status_code == 200
    assert response.json()["data"]["creditLimitSet"]["errors"] == [{"code": "INVALID_AMOUNT", "field": "amount"}]
    assert state() == before


@pytest.mark.django_db
def test_api_currency_must_be_iso_4217(client, fake_saleor, installation, company_factory):
    # given
    company = company_factory(installation=installation, limit=None)

    # when
    response = _gql(client, fake_saleor, "mutation($c: ID!) { creditLimitSet(companyId: $c, amount: \"10.00\", "
                    "currency: \"XTS\") { errors { code field } } }", {"c": str(company.pk)})

    # then
    assert response.json()["data"]["creditLimitSet"]["errors"] == [{"code": "INVALID_CURRENCY", "field": "currency"}]


@pytest.mark.django_db
@pytest.mark.parametrize("amount", PORTAL_AMOUNTS)
def test_portal_amounts_are_read_by_the_one_parser(client, fake_saleor, acme, amount):
    # given
    before = state()

    # when
    response = client.post("/portal/limit-requests", data=json.dumps({"amount": amount, "currency": "USD"}),
                           content_type="application/json", headers=customer_headers(fake_saleor))

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_AMOUNT"
    assert response.json()["error"]["message"]
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("body, code", [
    (DEEP_SMALL, "MALFORMED_PAYLOAD"), ('{"amount": "1.00", "currency": "USD", "reason": "\\u0000"}', "INVALID_TEXT"),
    ('{"amount": "1.00", "currency": "XXX"}', "INVALID_CURRENCY"), ('{"amount": 1e400, "currency": "USD"}', "INVALID_AMOUNT"),
    ('{"amount": "1.00", "currency": "USD", "reason": {"a": 1}}', "INVALID_LIMIT_REQUEST"), ("[]", "INVALID_LIMIT_REQUEST"),
])
def test_portal_refuses_hostile_bodies_with_a_code_and_a_message(client, fake_saleor, acme, body, code):
    # given
    before = state()

    # when
    response = client.post("/portal/limit-requests", data=body.encode(), content_type="application/json",
                           headers=customer_headers(fake_saleor))

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert response.json()["error"]["message"] != "Something went wrong. Please try again or contact the merchant."
    assert state() == before


# --- generated payloads ------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10 ** 40, max_value=10 ** 40)
    | st.decimals(allow_nan=False, allow_infinity=False, places=None).map(lambda d: d)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
PATHS = [("action", "amount"), ("action", "currency"), ("action", "actionType"), ("data",), ("transaction",),
         ("transaction", "id"), ("sourceObject",), ("sourceObject", "user"), ("sourceObject", "user", "id"),
         ("sourceObject", "user", "email"), ("sourceObject", "user", "isConfirmed"), ("sourceObject", "channel"),
         ("recipient",), ("idempotencyKey",), ("issuedAt",), ("sourceObject", "lines")]


def _encode(value) -> str:
    return json.dumps(value, default=lambda o: format(o, "f") if isinstance(o, Decimal) else str(o))


@pytest.mark.django_db
@HYPOTHESIS
@given(path=st.sampled_from(PATHS), value=json_values)
def test_generated_webhook_payloads_never_answer_5xx(client, fake_saleor, acme, path, value):
    # given a genuine, signed delivery with one field replaced by anything JSON can say
    payload = json.loads(_encode(fake_saleor.payloads.transaction_initialize_session()))
    target = payload
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target.get(key), dict) else target
    target[path[-1]] = value
    before = state()

    # when
    response = fake_saleor.deliver(client, EVENT, body=_encode(payload).encode())

    # then: an answer (a decision) or a coded 4xx that wrote nothing
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["error"]["code"]
        assert state() == before


@pytest.mark.django_db
@HYPOTHESIS
@given(body=json_values)
def test_generated_register_bodies_never_answer_5xx(client, fake_saleor, body):
    # when
    response = client.post("/api/register", data=_encode(body).encode(), content_type="application/json",
                           headers={"Saleor-Api-Url": "https://not-allowed.example/graphql/"})

    # then
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"]
    assert Installation.objects.count() == 0


@pytest.mark.django_db
@HYPOTHESIS
@given(variables=json_values)
def test_generated_api_variables_never_answer_5xx(client, fake_saleor, installation, company_factory, variables):
    # given
    before = state()

    # when
    response = client.post("/graphql/", data=_encode({
        "query": "mutation($c: ID!, $a: String!, $k: String!) { creditLimitSet(companyId: $c, amount: $a, "
                 "currency: $k) { errors { code } } }", "variables": variables}).encode(),
        content_type="application/json", headers=dashboard_headers(fake_saleor))

    # then
    assert response.status_code < 500, response.content
    if response.status_code == 200 and (response.json().get("data") or {}).get("creditLimitSet"):
        errors = response.json()["data"]["creditLimitSet"]["errors"]
        assert errors == [] or state() == before


@pytest.mark.django_db
@HYPOTHESIS
@given(body=st.dictionaries(st.sampled_from(["amount", "currency", "reason", "x"]), json_values, max_size=4))
def test_generated_portal_bodies_never_answer_5xx(client, fake_saleor, acme, body):
    # given
    before = state()

    # when
    response = client.post("/portal/limit-requests", data=_encode(body).encode(), content_type="application/json",
                           headers=customer_headers(fake_saleor))

    # then
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["error"]["code"] and response.json()["error"]["message"]
        assert state() == before


@pytest.mark.django_db
def test_the_gateway_preview_of_a_zero_total_is_defined(client, fake_saleor, acme):
    # given
    payload = fake_saleor.payloads.payment_gateway_initialize_session(amount=Decimal("0"))

    # when
    response = fake_saleor.deliver(client, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload)

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {
        "eligible": False, "reason": "ZERO_AMOUNT",
        "message": "There is nothing to pay on net terms: this order's total is zero.",
        "company": "Acme Industrial Supply", "availableCredit": None, "terms": None, "poNumberRequired": False,
        "decisionPreview": None}
