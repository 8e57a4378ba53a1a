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
from saleor_netterms.invoicing.models import Fulfilment, Invoice
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.saleor_webhooks.models import WebhookDelivery, WebhookDispatch
from saleor_netterms.saleor_webhooks.registry import WEBHOOKS
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


# --- every webhook event, read by its shape (core.inbound.JsonNode) ------------------------------
# A signed delivery whose JSON has the wrong type somewhere is refused with a coded 400 naming the
# path, and writes nothing, for each of the registry's events. The scenario is real: an approved
# checkout (transaction TX, hold placed) bound to order ORDER, so a well-shaped charge would capture
# and an order event would bind — only the shape stops them.

TX = "VHJhbnNhY3Rpb25JdGVtOjQy"
ORDER = "T3JkZXI6NDI="


def shaped_state() -> tuple:
    """state() and what the order, invoice and fulfilment handlers write."""
    return (*state(), Invoice.objects.count(), Fulfilment.objects.count(), Receivable.objects.count(),
            OutboxMessage.objects.count())


@pytest.fixture
def checked_out(client, fake_saleor, acme):
    """A checkout approved on net terms (hold placed) and bound to its order; its pspReference."""
    answer = fake_saleor.deliver(client, EVENT, fake_saleor.payloads.transaction_initialize_session(
        transaction_id=TX)).json()
    assert answer["result"] == "AUTHORIZATION_SUCCESS"
    bound = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created(
        order_id=ORDER, transactions=[{"id": TX, "pspReference": answer["pspReference"]}]))
    assert bound.status_code == 200
    return answer["pspReference"]


def genuine(fake_saleor, event: str, psp: str) -> dict:
    """The event's payload as the double builds it for this scenario, as it is on the wire."""
    order = {"order_id": ORDER, "transactions": [{"id": TX, "pspReference": psp}]}
    overrides = {
        "PAYMENT_GATEWAY_INITIALIZE_SESSION": {},
        "TRANSACTION_INITIALIZE_SESSION": {"transaction_id": "VHJhbnNhY3Rpb25JdGVtOjQz"},
        "TRANSACTION_PROCESS_SESSION": {"transaction_id": TX, "psp_reference": psp},
        "TRANSACTION_CHARGE_REQUESTED": {"transaction_id": TX, "psp_reference": psp, "order_id": ORDER},
        "TRANSACTION_CANCELATION_REQUESTED": {"transaction_id": TX, "psp_reference": psp, "order_id": ORDER},
        "TRANSACTION_REFUND_REQUESTED": {"transaction_id": TX, "psp_reference": psp, "order_id": ORDER},
    }.get(event, order)
    return json.loads(_encode(fake_saleor.payloads.for_event(event, **overrides)))


def substituted(payload: dict, path: tuple, value) -> dict:
    """A copy of `payload` with the value at `path` replaced (`value` MISSING: the key removed)."""
    copy = json.loads(json.dumps(payload))
    target = copy
    for key in path[:-1]:
        target = target[key]
    if value is MISSING:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return copy


MISSING = object()
ALL_EVENTS = [definition.event for definition in WEBHOOKS]
ORDER_EVENTS = ["ORDER_CREATED", "ORDER_CONFIRMED", "ORDER_CANCELLED", "INVOICE_REQUESTED", "FULFILLMENT_CREATED"]
ACTION_EVENTS = ["TRANSACTION_CHARGE_REQUESTED", "TRANSACTION_CANCELATION_REQUESTED", "TRANSACTION_REFUND_REQUESTED"]
SESSION_EVENTS = ["TRANSACTION_INITIALIZE_SESSION", "TRANSACTION_PROCESS_SESSION"]
MONEY_OBJECT = {"amount": "1.00", "currency": "USD"}

# (event, path, substituted value, code, the path named in the message)
SHAPES = [
    *[(e, ("order",), [], "MALFORMED_PAYLOAD", "order") for e in ORDER_EVENTS],
    *[(e, ("order",), "x", "MALFORMED_PAYLOAD", "order") for e in ORDER_EVENTS],
    *[(e, ("order",), MISSING, "MALFORMED_PAYLOAD", "order") for e in ORDER_EVENTS],
    *[(e, ("order", "id"), MISSING, "MALFORMED_PAYLOAD", "order.id") for e in ORDER_EVENTS],
    *[(e, ("order", "id"), {"id": 1}, "MALFORMED_PAYLOAD", "order.id") for e in ORDER_EVENTS],
    *[(e, ("order", "lines"), "x", "MALFORMED_PAYLOAD", "order.lines") for e in ORDER_EVENTS],
    *[(e, ("order", "lines", 0), "x", "MALFORMED_PAYLOAD", "order.lines[0]") for e in ORDER_EVENTS],
    *[(e, ("order", "lines", 0, "quantity"), [2], "MALFORMED_PAYLOAD", "order.lines[0].quantity")
      for e in ORDER_EVENTS],
    *[(e, ("order", "lines", 0, "unitPrice"), [], "MALFORMED_PAYLOAD", "order.lines[0].unitPrice")
      for e in ORDER_EVENTS],
    *[(e, ("order", "lines", 0, "unitPrice", "net", "amount"), MONEY_OBJECT, "INVALID_AMOUNT", "")
      for e in ORDER_EVENTS],
    *[(e, ("order", "total", "gross"), "180.00", "MALFORMED_PAYLOAD", "order.total.gross") for e in ORDER_EVENTS],
    *[(e, ("order", "total", "gross", "amount"), MONEY_OBJECT, "INVALID_AMOUNT", "") for e in ORDER_EVENTS],
    *[(e, ("order", "transactions"), {"id": TX}, "MALFORMED_PAYLOAD", "order.transactions") for e in ORDER_EVENTS],
    *[(e, ("order", "transactions", 0, "id"), 42, "MALFORMED_PAYLOAD", "order.transactions[0].id")
      for e in ORDER_EVENTS],
    *[(e, ("order", "billingAddress"), ["Acme"], "MALFORMED_PAYLOAD", "order.billingAddress") for e in ORDER_EVENTS],
    *[(e, ("order", "billingAddress", "city"), {"name": "x"}, "MALFORMED_PAYLOAD", "order.billingAddress.city")
      for e in ORDER_EVENTS],
    *[(e, ("order", "channel"), "default-channel", "MALFORMED_PAYLOAD", "order.channel") for e in ORDER_EVENTS],
    ("INVOICE_REQUESTED", ("invoice",), [], "MALFORMED_PAYLOAD", "invoice"),
    ("INVOICE_REQUESTED", ("invoice", "id"), MISSING, "MALFORMED_PAYLOAD", "invoice.id"),
    ("INVOICE_DELETED", ("invoice",), "x", "MALFORMED_PAYLOAD", "invoice"),
    ("INVOICE_DELETED", ("invoice",), MISSING, "MALFORMED_PAYLOAD", "invoice"),
    ("INVOICE_DELETED", ("invoice", "id"), ["x"], "MALFORMED_PAYLOAD", "invoice.id"),
    ("FULFILLMENT_CREATED", ("fulfillment",), [], "MALFORMED_PAYLOAD", "fulfillment"),
    ("FULFILLMENT_CREATED", ("fulfillment", "id"), MISSING, "MALFORMED_PAYLOAD", "fulfillment.id"),
    ("FULFILLMENT_CREATED", ("fulfillment", "lines"), {"quantity": 2}, "MALFORMED_PAYLOAD", "fulfillment.lines"),
    ("FULFILLMENT_CREATED", ("fulfillment", "lines", 0, "quantity"), "2", "MALFORMED_PAYLOAD",
     "fulfillment.lines[0].quantity"),
    ("FULFILLMENT_CREATED", ("fulfillment", "lines", 0, "orderLine"), "x", "MALFORMED_PAYLOAD",
     "fulfillment.lines[0].orderLine"),
    ("FULFILLMENT_CREATED", ("fulfillment", "created"), 20260101, "MALFORMED_PAYLOAD", "fulfillment.created"),
    ("FULFILLMENT_CREATED", ("fulfillment", "created"), "yesterday", "MALFORMED_PAYLOAD", "fulfillment.created"),
    *[(e, ("transaction",), [], "MALFORMED_PAYLOAD", "transaction") for e in ACTION_EVENTS + SESSION_EVENTS],
    *[(e, ("transaction",), "x", "MALFORMED_PAYLOAD", "transaction") for e in ACTION_EVENTS + SESSION_EVENTS],
    *[(e, ("transaction",), MISSING, "MALFORMED_PAYLOAD", "transaction") for e in ACTION_EVENTS + SESSION_EVENTS],
    *[(e, ("transaction", "id"), MISSING, "MALFORMED_PAYLOAD", "transaction.id") for e in ACTION_EVENTS + SESSION_EVENTS],
    *[(e, ("transaction", "id"), [TX], "MALFORMED_PAYLOAD", "transaction.id") for e in ACTION_EVENTS + SESSION_EVENTS],
    *[(e, ("action",), "x", "MALFORMED_PAYLOAD", "action") for e in ACTION_EVENTS + SESSION_EVENTS],
    *[(e, ("action",), MISSING, "MALFORMED_PAYLOAD", "action") for e in ACTION_EVENTS + ["TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("action", "amount"), MONEY_OBJECT, "INVALID_AMOUNT", "") for e in ACTION_EVENTS + ["TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("action", "amount"), MISSING, "MALFORMED_PAYLOAD", "action.amount") for e in ACTION_EVENTS + ["TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("action", "currency"), ["USD"], "INVALID_CURRENCY", "") for e in ACTION_EVENTS + ["TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("transaction", "events"), {"type": "x"}, "MALFORMED_PAYLOAD", "transaction.events") for e in ACTION_EVENTS],
    *[(e, ("transaction", "events", 0), "CHARGE_REQUEST", "MALFORMED_PAYLOAD", "transaction.events[0]")
      for e in ACTION_EVENTS],
    *[(e, ("transaction", "events", 0, "type"), {"x": 1}, "MALFORMED_PAYLOAD", "transaction.events[0].type")
      for e in ACTION_EVENTS],
    *[(e, ("sourceObject",), "x", "MALFORMED_PAYLOAD", "sourceObject")
      for e in ["PAYMENT_GATEWAY_INITIALIZE_SESSION", "TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("sourceObject", "user"), [], "MALFORMED_PAYLOAD", "sourceObject.user")
      for e in ["PAYMENT_GATEWAY_INITIALIZE_SESSION", "TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("sourceObject", "user", "id"), {"id": 1}, "MALFORMED_PAYLOAD", "sourceObject.user.id")
      for e in ["PAYMENT_GATEWAY_INITIALIZE_SESSION", "TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("sourceObject", "user", "email"), ["a@b.c"], "MALFORMED_PAYLOAD", "sourceObject.user.email")
      for e in ["PAYMENT_GATEWAY_INITIALIZE_SESSION", "TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("sourceObject", "user", "customerType"), "default", "MALFORMED_PAYLOAD", "sourceObject.user.customerType")
      for e in ["PAYMENT_GATEWAY_INITIALIZE_SESSION", "TRANSACTION_INITIALIZE_SESSION"]],
    *[(e, ("sourceObject", "channel"), [], "MALFORMED_PAYLOAD", "sourceObject.channel")
      for e in ["PAYMENT_GATEWAY_INITIALIZE_SESSION", "TRANSACTION_INITIALIZE_SESSION"]],
    ("PAYMENT_GATEWAY_INITIALIZE_SESSION", ("sourceObject", "totalPrice"), "180.00", "MALFORMED_PAYLOAD",
     "sourceObject.totalPrice"),
    ("PAYMENT_GATEWAY_INITIALIZE_SESSION", ("sourceObject", "totalPrice", "gross"), [], "MALFORMED_PAYLOAD",
     "sourceObject.totalPrice.gross"),
    ("PAYMENT_GATEWAY_INITIALIZE_SESSION", ("amount",), MONEY_OBJECT, "INVALID_AMOUNT", ""),
    ("TRANSACTION_INITIALIZE_SESSION", ("idempotencyKey",), {"k": 1}, "MALFORMED_PAYLOAD", "idempotencyKey"),
    ("TRANSACTION_INITIALIZE_SESSION", ("action", "actionType"), ["CHARGE"], "MALFORMED_PAYLOAD", "action.actionType"),
    ("TRANSACTION_PROCESS_SESSION", ("action", "amount"), MONEY_OBJECT, "INVALID_AMOUNT", ""),
]


def _shape_id(case) -> str:
    event, path, value, _, _ = case
    shown = "missing" if value is MISSING else type(value).__name__
    return f"{event.lower()}:{'.'.join(map(str, path))}={shown}"


@pytest.mark.django_db
@pytest.mark.parametrize("event", ALL_EVENTS)
def test_every_events_genuine_payload_is_answered_in_the_scenario(client, fake_saleor, checked_out, event):
    # when: the control — the same payloads the shape table below breaks, unbroken
    response = fake_saleor.deliver(client, event, body=json.dumps(genuine(fake_saleor, event, checked_out)).encode())

    # then
    assert response.status_code == 200, response.content


def test_every_event_has_rows_in_the_shape_table():
    assert {case[0] for case in SHAPES} == set(ALL_EVENTS)


@pytest.mark.django_db
@pytest.mark.parametrize("event, path, value, code, named", SHAPES, ids=[_shape_id(c) for c in SHAPES])
def test_a_signed_payload_of_the_wrong_shape_is_a_coded_400_naming_the_path(client, fake_saleor, checked_out,
                                                                             event, path, value, code, named):
    # given
    payload = substituted(genuine(fake_saleor, event, checked_out), path, value)
    before = shaped_state()

    # when
    response = fake_saleor.deliver(client, event, body=json.dumps(payload).encode())

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, code), response.content
    if named:
        assert f"The payload does not have the expected shape: {named} " in response.json()["error"]["message"]
    assert shaped_state() == before
    delivery = WebhookDelivery.objects.order_by("-id").first()
    assert (delivery.outcome, delivery.error_code, delivery.response_status) == ("failed", code, 400)


def _paths(value, prefix=()) -> list[tuple]:
    """Every path into a JSON value (objects by key, lists by their first item)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list) and value:
        found.append((*prefix, 0))
        found.extend(_paths(value[0], (*prefix, 0)))
    return found


@pytest.mark.django_db
@hypothesis_settings(max_examples=120, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), event=st.sampled_from(ALL_EVENTS),
       value=json_values | st.just(MISSING))
def test_generated_values_at_any_path_of_any_event_never_answer_5xx(client, fake_saleor, checked_out, data, event,
                                                                    value):
    # given a genuine signed delivery with the value at one of its paths replaced by anything JSON can say
    payload = genuine(fake_saleor, event, checked_out)
    path = data.draw(st.sampled_from(_paths(payload)), label="path")
    before = shaped_state()

    # when
    response = fake_saleor.deliver(client, event, body=_encode(substituted(payload, path, value)).encode())

    # then: an answer, or a coded 4xx that wrote nothing
    assert response.status_code < 500, (path, response.content)
    if response.status_code >= 400:
        assert response.json()["error"]["code"]
        assert shaped_state() == before
