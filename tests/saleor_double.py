"""FakeSaleor: a Saleor 3.24 test double that behaves like the real one on the wire.

- Holds an RSA key (generated once per test session per key slot) and serves its JWKS
  (kid = RFC 7638 thumbprint, FACTS.md §2.2) at <origin>/.well-known/jwks.json.
- Signs webhook bodies exactly like Saleor: PyJWT `api_jws.encode(body, key, "RS256",
  headers={"kid", "crit": ["b64"]}, is_payload_detached=True)` → `<hdr>..<sig>`; the body is
  `json.dumps(payload)` with default separators and Decimal amounts as floats (FACTS.md §11).
- Builds headers like the captures: X-Saleor-Event/-Domain/-Signature, then Saleor-Event,
  Saleor-Domain, Saleor-Signature, Saleor-Api-Url (captures/INDEX.md).
- Answers the app's outbound GraphQL (through `responses`) after validating each document
  against the pinned Saleor schema (when ../shared is present), records every call, and can
  simulate outages (5xx, connection errors) and a rejected token (app deleted in Saleor).
- Issues Dashboard tokens (RS256 JWT with Saleor's `thirdparty` claims, FACTS.md §8.3).
"""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urlsplit

import jwt
import requests
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import api_jws
from jwt.algorithms import RSAAlgorithm

from tests.conftest import SALEOR_SCHEMA_PATH

DEFAULT_API_URL = "https://shop.saleor.test/graphql/"
DEFAULT_APP_ID = "QXBwOjI4"  # App:28, as in the captures
DEFAULT_APP_TOKEN = "fake-app-token-0123456789abcde"  # Saleor app tokens are 30 characters
SALEOR_VERSION = "3.24"
UNAUTHENTICATED_MESSAGE = ("To access this path, you need one of the following permissions: "
                           "AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP")


# --- keys and schema, built once per session ---------------------------------------------------

@lru_cache(maxsize=None)
def rsa_key(slot: int = 0) -> rsa.RSAPrivateKey:
    """An RSA key per slot, generated once per test session (slot 0 = the default Saleor)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638 thumbprint of an RSA JWK (what Saleor uses as kid)."""
    canonical = json.dumps({"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]},
                           separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def public_jwk(key: rsa.RSAPrivateKey) -> dict:
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk = {"kty": "RSA", "key_ops": ["verify"], "n": jwk["n"], "e": jwk["e"]}
    return {**jwk, "use": "sig", "kid": jwk_thumbprint(jwk), "alg": "RS256"}


_schema_lock = threading.Lock()


@lru_cache(maxsize=1)
def _saleor_schema():
    from graphql import build_schema

    return build_schema(SALEOR_SCHEMA_PATH.read_text())


def saleor_schema():
    """The pinned Saleor schema (graphql-core), built once per session; None if ../shared is absent."""
    if not SALEOR_SCHEMA_PATH.exists():
        return None
    with _schema_lock:
        return _saleor_schema()


class SaleorEncoder(json.JSONEncoder):
    """Saleor sends every amount as a JSON float (FACTS.md §11)."""

    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def saleor_body(payload: dict) -> bytes:
    """Python `json.dumps` with default separators, like Saleor."""
    return json.dumps(payload, cls=SaleorEncoder).encode()


# --- recorded calls ---------------------------------------------------------------------------

@dataclass
class SaleorCall:
    operation: str | None
    query: str
    variables: dict
    authorization: str | None


@dataclass
class _Failure:
    kind: str  # "status" | "connection" | "timeout"
    status: int = 503


@dataclass
class FakeSaleor:
    """See tests/fixtures_saleor.py for the API in one screen."""

    mock: responses.RequestsMock
    api_url: str = DEFAULT_API_URL
    app_id: str = DEFAULT_APP_ID
    app_token: str = DEFAULT_APP_TOKEN
    key_slot: int = 0
    calls: list[SaleorCall] = field(default_factory=list)
    jwks_requests: int = 0
    jwks_available: bool = True
    token_rejected: bool = False
    validate_documents: bool = True
    _answers: dict[str, Any] = field(default_factory=dict)
    _failures: list[_Failure] = field(default_factory=list)
    _next_slot: int = 100

    def __post_init__(self) -> None:
        self.payloads = PayloadBuilder(recipient_id=self.app_id)
        self.mock.add_callback(responses.POST, self.api_url, callback=self._graphql_callback)
        self.mock.add_callback(responses.GET, self.jwks_url, callback=self._jwks_callback)

    # -- identity and keys
    @property
    def origin(self) -> str:
        parts = urlsplit(self.api_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def domain(self) -> str:
        return urlsplit(self.api_url).netloc

    @property
    def jwks_url(self) -> str:
        return self.origin + "/.well-known/jwks.json"

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        return rsa_key(self.key_slot)

    @property
    def kid(self) -> str:
        return public_jwk(self.private_key)["kid"]

    def jwks(self) -> dict:
        """Only the current key, like Saleor core (FACTS.md §2.2)."""
        return {"keys": [public_jwk(self.private_key)]}

    def rotate_key(self) -> str:
        """Saleor gets a new RSA key; its JWKS serves only the new one. Returns the new kid."""
        self.key_slot = self._next_slot
        self._next_slot += 1
        return self.kid

    # -- signing and delivering webhooks
    def sign(self, body: bytes, *, key: rsa.RSAPrivateKey | None = None, kid: str | None = None) -> str:
        return api_jws.encode(body, key or self.private_key, algorithm="RS256",
                              headers={"kid": kid or self.kid, "crit": ["b64"]},
                              is_payload_detached=True)

    def headers_for(self, event: str, signature: str) -> list[tuple[str, str]]:
        """Headers in the captures' order (event in lower case)."""
        name = event.lower()
        return [
            ("X-Saleor-Event", name), ("X-Saleor-Domain", self.domain),
            ("X-Saleor-Signature", signature),
            ("Saleor-Event", name), ("Saleor-Domain", self.domain),
            ("Saleor-Signature", signature), ("Saleor-Api-Url", self.api_url),
            ("traceparent", "00-d5343d0395c8728ead245398dd0d3950-1059bb209bfee460-01"),
        ]

    def deliver(self, client, event: str, payload: dict | None = None, *, body: bytes | None = None,
                signature: str | None = None, headers: dict[str, str] | None = None,
                drop_headers: tuple[str, ...] = (), path: str | None = None):
        """POST a signed webhook to the app like Saleor does; returns the Django test response.

        `event` is the registry name ("TRANSACTION_INITIALIZE_SESSION"). `body` overrides the
        serialized payload (signed as given unless `signature` is given too); `headers`
        overrides header values; `drop_headers` removes headers (both the X- and plain names
        are matched case-insensitively)."""
        raw = body if body is not None else saleor_body(payload or {})
        sig = signature if signature is not None else self.sign(raw)
        dropped = {h.lower() for h in drop_headers}
        final = {name: value for name, value in self.headers_for(event, sig)
                 if name.lower() not in dropped}
        for name, value in (headers or {}).items():
            existing = next((k for k in final if k.lower() == name.lower()), name)
            final[existing] = value
        url = path or "/api/webhooks/" + event.lower().replace("_", "-")
        return client.post(url, data=raw, content_type="application/json", headers=final)

    # -- Dashboard tokens
    def dashboard_token(self, *, user_permissions: list[str] | None = None,
                        app_id: str | None = None, expires_in: int = 300,
                        token_type: str = "thirdparty", audience: str | None = None,
                        key: rsa.RSAPrivateKey | None = None, kid: str | None = None,
                        email: str = "admin@example.com", user_id: str = "VXNlcjoyMQ==") -> str:
        """A Dashboard app token like `create_access_token_for_app` (FACTS.md §8.3)."""
        now = int(time.time())
        perms = ["HANDLE_PAYMENTS", "MANAGE_ORDERS"] if user_permissions is None else user_permissions
        claims = {
            "iat": now, "iss": self.api_url, "exp": now + expires_in,
            "token": uuid.uuid4().hex[:12], "email": email, "type": token_type,
            "user_id": user_id, "is_staff": True, "app": app_id or self.app_id,
            "permissions": perms, "user_permissions": perms,
        }
        if audience is not None:
            claims["aud"] = audience
        return jwt.encode(claims, key or self.private_key, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    # -- outbound GraphQL answers
    def answer(self, operation: str, response: dict | Callable[[dict], dict]) -> None:
        """Register the JSON Saleor returns for an operation name (a dict, or a function of the
        variables returning a dict). Default answers exist for AppId, Channels,
        TransactionEventReport and OrderNoteAdd."""
        self._answers[operation] = response

    def fail_next(self, times: int = 1, *, status: int = 503, connection_error: bool = False,
                  timeout: bool = False) -> None:
        """The next `times` GraphQL requests fail (5xx / connection error / read timeout)."""
        kind = "connection" if connection_error else "timeout" if timeout else "status"
        self._failures.extend(_Failure(kind=kind, status=status) for _ in range(times))

    def reject_token(self) -> None:
        """The app was deleted in Saleor: its token is unknown, requests run anonymously."""
        self.token_rejected = True

    def calls_for(self, operation: str) -> list[SaleorCall]:
        return [c for c in self.calls if c.operation == operation]

    def reset_calls(self) -> None:
        self.calls.clear()
        self.jwks_requests = 0

    # -- responses callbacks
    def _jwks_callback(self, request):
        self.jwks_requests += 1
        if not self.jwks_available:
            return 503, {}, "Service Unavailable"
        return 200, {"Content-Type": "application/json"}, json.dumps(self.jwks())

    def _graphql_callback(self, request):
        body = json.loads(request.body)
        query, variables = body.get("query", ""), body.get("variables") or {}
        operation = body.get("operationName")
        self.calls.append(SaleorCall(operation=operation, query=query, variables=variables,
                                     authorization=request.headers.get("Authorization")))
        if self._failures:
            failure = self._failures.pop(0)
            if failure.kind == "connection":
                raise requests.ConnectionError("connection refused (FakeSaleor)")
            if failure.kind == "timeout":
                raise requests.ReadTimeout("read timed out (FakeSaleor)")
            return failure.status, {}, "<html>upstream unavailable</html>"
        errors = self._validate(query)
        if errors:
            return 400, {"Content-Type": "application/json"}, json.dumps({"errors": errors})
        authorized = request.headers.get("Authorization") == f"Bearer {self.app_token}"
        if not authorized or self.token_rejected:
            return 200, {"Content-Type": "application/json"}, json.dumps(
                self._anonymous_answer(operation))
        answer = self._answers.get(operation) or self._default_answer(operation)
        if callable(answer):
            answer = answer(variables)
        return 200, {"Content-Type": "application/json"}, json.dumps(answer, cls=SaleorEncoder)

    def _validate(self, query: str) -> list[dict]:
        if not self.validate_documents:
            return []
        schema = saleor_schema()
        if schema is None:
            return []
        from graphql import parse, validate

        try:
            document = parse(query)
        except Exception as exc:  # noqa: BLE001 - GraphQLSyntaxError
            return [{"message": str(exc)}]
        return [{"message": e.message} for e in validate(schema, document)]

    def _anonymous_answer(self, operation: str | None) -> dict:
        """What Saleor answers when the token is unknown (deleted app): anonymous request."""
        needs = {"AppId": UNAUTHENTICATED_MESSAGE, "Channels": UNAUTHENTICATED_MESSAGE}
        message = needs.get(operation, "To access this path, you need one of the following "
                                       "permissions: HANDLE_PAYMENTS")
        field_name = {"AppId": "app", "Channels": "channels",
                      "TransactionEventReport": "transactionEventReport",
                      "OrderNoteAdd": "orderNoteAdd"}.get(operation, "field")
        return {"errors": [{"message": message, "locations": [{"line": 2, "column": 3}],
                            "path": [field_name],
                            "extensions": {"exception": {"code": "PermissionDenied"}}}],
                "data": {field_name: None}}

    def _default_answer(self, operation: str | None) -> dict:
        if operation == "AppId":
            return {"data": {"app": {"id": self.app_id}}}
        if operation == "Channels":
            return {"data": {"channels": [default_channel()]}}
        if operation == "TransactionEventReport":
            return transaction_event_report_answer()
        if operation == "OrderNoteAdd":
            return {"data": {"orderNoteAdd": {"event": {"id": "T3JkZXJFdmVudDox"}, "errors": []}}}
        return {"errors": [{"message": f"FakeSaleor has no answer for {operation!r}; "
                                       f"register one with fake_saleor.answer()"}], "data": None}


def default_channel(*, slug: str = "default-channel", name: str = "Default Channel",
                    currency: str = "USD", flow: str = "AUTHORIZATION") -> dict:
    return {"id": "Q2hhbm5lbDox", "slug": slug, "name": name, "currencyCode": currency,
            "paymentSettings": {"defaultTransactionFlowStrategy": flow},
            "orderSettings": {"allowUnpaidOrders": False, "automaticallyConfirmAllNewOrders": True}}


def transaction_event_report_answer(*, transaction_id: str = "VHJhbnNhY3Rpb25JdGVtOjE=",
                                    already_processed: bool = False, event_type: str = "CHARGE_SUCCESS",
                                    psp_reference: str = "inv-1", amount: Decimal = Decimal("180.00"),
                                    currency: str = "USD", errors: list | None = None) -> dict:
    return {"data": {"transactionEventReport": {
        "alreadyProcessed": already_processed,
        "transaction": {"id": transaction_id,
                        "chargedAmount": {"amount": amount, "currency": currency},
                        "authorizedAmount": {"amount": Decimal("0"), "currency": currency}},
        "transactionEvent": {"id": "VHJhbnNhY3Rpb25FdmVudDox", "type": event_type,
                             "pspReference": psp_reference},
        "errors": errors or [],
    }}}


# --- payload builders -------------------------------------------------------------------------

SALEOR_FULL_VERSION = "3.24.0-a.0"
CUSTOMER_ID = "VXNlcjo2"
CUSTOMER_EMAIL = "ashley.cook@example.com"
STAFF_ID = "VXNlcjoyMQ=="
STAFF_EMAIL = "admin@example.com"
NO_GRANTED_REFUND = "T3JkZXJHcmFudGVkUmVmdW5kOk5vbmU="  # OrderGrantedRefund:None, as Saleor sends
_UNSET: Any = object()


def global_id(type_name: str, pk: Any) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def _money(amount: Decimal, currency: str) -> dict:
    return {"amount": Decimal(amount), "currency": currency}


def _now_iso() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat()  # "+00:00" with microseconds, like Saleor


class PayloadBuilder:
    """Payloads for every event in saleor_webhooks.registry, shaped like the subscription
    documents in graphql/subscriptions and the real 3.24 captures (key order, nulls, empty
    strings, `number` as a string, `grantedRefund` never null). Amounts are Decimal here and
    become JSON floats on the wire (FakeSaleor.deliver). Every builder takes `recipient_id`
    (default: the fake's app id) and `issued_at` (default: now, so two builds differ)."""

    def __init__(self, *, recipient_id: str):
        self.recipient_id = recipient_id

    # -- shared pieces
    def _envelope(self, typename: str, recipient_id, issued_at) -> dict:
        return {"__typename": typename, "version": SALEOR_FULL_VERSION,
                "issuedAt": issued_at or _now_iso(),
                "recipient": {"id": recipient_id or self.recipient_id}}

    @staticmethod
    def _principal(user_id: str | None, email: str | None, app_id: str | None = None) -> dict | None:
        if app_id:
            return {"__typename": "App", "id": app_id}
        if user_id:
            return {"__typename": "User", "id": user_id, "email": email}
        return None

    @staticmethod
    def _checkout(*, checkout_id, email, user_id, channel_slug, currency, amount, company_name,
                  country, customer_type, external_reference, lines, is_confirmed=True) -> dict:
        checkout = {
            "__typename": "Checkout",
            "id": checkout_id or global_id("Checkout", uuid.uuid4()),
            "email": email,
            "channel": {"slug": channel_slug, "currencyCode": currency},
            "user": ({"id": user_id, "email": email, "isConfirmed": is_confirmed,
                      "externalReference": external_reference,
                      "customerType": {"slug": customer_type} if customer_type else None}
                     if user_id else None),
            "billingAddress": ({"companyName": company_name, "country": {"code": country}}
                               if company_name is not None else None),
            "totalPrice": {"gross": _money(amount, currency)},
            "lines": lines if lines is not None else [{"quantity": 2, "variant": {"sku": "618223581"}}],
        }
        if checkout["user"] is not None and is_confirmed is None:
            del checkout["user"]["isConfirmed"]
        return checkout

    def _session_checkout(self, kw: dict) -> dict:
        return self._checkout(
            checkout_id=kw["checkout_id"], email=kw["email"], user_id=kw["user_id"],
            channel_slug=kw["channel_slug"], currency=kw["currency"], amount=kw["amount"],
            company_name=kw["company_name"], country=kw["country"],
            customer_type=kw["customer_type"], external_reference=kw["external_reference"],
            lines=kw["lines"], is_confirmed=kw.get("is_confirmed", True))

    # -- sync: payment gateway and sessions (FACTS.md §3.1)
    def payment_gateway_initialize_session(
            self, *, amount: Decimal = Decimal("180.00"), currency: str = "USD",
            data: Any = _UNSET, user_id: str | None = CUSTOMER_ID, email: str = CUSTOMER_EMAIL,
            checkout_id: str | None = None, channel_slug: str = "default-channel",
            company_name: str | None = "Acme Industrial Supply", country: str = "US",
            customer_type: str | None = "default", external_reference: str | None = None,
            lines: list | None = None, recipient_id: str | None = None,
            issued_at: str | None = None, is_confirmed: bool | None = True) -> dict:
        """`user_id=None` is a guest checkout (user and issuingPrincipal null). `is_confirmed` is
        the user's `isConfirmed` (None: the key is absent, as from an older subscription)."""
        kw = locals()
        payload = self._envelope("PaymentGatewayInitializeSession", recipient_id, issued_at)
        payload.update({
            "amount": Decimal(amount),
            "data": {"paymentTerms": "NET30"} if data is _UNSET else data,
            "issuingPrincipal": self._principal(user_id, email),
            "sourceObject": self._session_checkout(kw),
        })
        return payload

    def _session(self, typename: str, kw: dict, *, with_idempotency: bool) -> dict:
        transaction_id = kw["transaction_id"] or global_id("TransactionItem", uuid.uuid4())
        payload = self._envelope(typename, kw["recipient_id"], kw["issued_at"])
        if with_idempotency:
            payload["idempotencyKey"] = kw["idempotency_key"] or str(uuid.uuid4())
        payload.update({
            "data": kw["data"],
            "merchantReference": kw["merchant_reference"] or transaction_id,
            "customerIpAddress": kw["customer_ip"],
            "action": {"amount": Decimal(kw["amount"]), "currency": kw["currency"],
                       "actionType": kw["action_type"]},
            "transaction": {
                "id": transaction_id,
                "token": kw["token"] or str(uuid.uuid4()),
                "pspReference": kw["psp_reference"],
                "authorizedAmount": _money(kw["authorized"], kw["currency"]),
                "chargedAmount": _money(kw["charged"], kw["currency"]),
            },
            "issuingPrincipal": self._principal(kw["user_id"], kw["email"]),
            "sourceObject": self._session_checkout(kw),
        })
        return payload

    def transaction_initialize_session(
            self, *, amount: Decimal = Decimal("180.00"), currency: str = "USD",
            user_id: str | None = CUSTOMER_ID, email: str = CUSTOMER_EMAIL,
            idempotency_key: str | None = None, transaction_id: str | None = None,
            data: Any = None, channel_slug: str = "default-channel",
            action_type: str = "AUTHORIZATION", psp_reference: str = "",
            authorized: Decimal = Decimal("0"), charged: Decimal = Decimal("0"),
            merchant_reference: str | None = None, token: str | None = None,
            customer_ip: str = "127.0.0.1", checkout_id: str | None = None,
            company_name: str | None = "Acme Industrial Supply", country: str = "US",
            customer_type: str | None = "default", external_reference: str | None = None,
            lines: list | None = None, recipient_id: str | None = None,
            issued_at: str | None = None, is_confirmed: bool | None = True) -> dict:
        """`data` is the storefront's paymentGateway.data, e.g. {"poNumber": "PO-4711"}.
        `is_confirmed`: the user's `isConfirmed` (None: the key is absent)."""
        kw = locals()
        if kw["data"] is None:
            kw["data"] = {"poNumber": "PO-4711"}
        return self._session("TransactionInitializeSession", kw, with_idempotency=True)

    def transaction_process_session(
            self, *, amount: Decimal = Decimal("180.00"), currency: str = "USD",
            user_id: str | None = CUSTOMER_ID, email: str = CUSTOMER_EMAIL,
            transaction_id: str | None = None, psp_reference: str = "nt-8b6b7ed96f51",
            data: Any = None, channel_slug: str = "default-channel",
            action_type: str = "AUTHORIZATION", authorized: Decimal = Decimal("0"),
            charged: Decimal = Decimal("0"), merchant_reference: str | None = None,
            token: str | None = None, customer_ip: str = "127.0.0.1",
            checkout_id: str | None = None, company_name: str | None = "Acme Industrial Supply",
            country: str = "US", customer_type: str | None = "default",
            external_reference: str | None = None, lines: list | None = None,
            recipient_id: str | None = None, issued_at: str | None = None) -> dict:
        kw = locals()
        kw["idempotency_key"] = None
        if kw["data"] is None:
            kw["data"] = {"creditDecision": "approved", "approvedBy": "credit-desk"}
        return self._session("TransactionProcessSession", kw, with_idempotency=False)

    # -- sync: requests on an order's transaction (FACTS.md §3.3, §3.4)
    def _request(self, typename: str, action_type: str, kw: dict) -> dict:
        currency = kw["currency"]
        transaction_id = kw["transaction_id"] or global_id("TransactionItem", uuid.uuid4())
        events = kw["events"]
        if events is None:
            events = [{"id": global_id("TransactionEvent", 1), "type": "AUTHORIZATION_SUCCESS",
                       "pspReference": kw["psp_reference"], "createdAt": _now_iso(),
                       "amount": _money(kw["order_total"] or kw["amount"], currency)}]
        payload = self._envelope(typename, kw["recipient_id"], kw["issued_at"])
        payload.update({
            "action": {"amount": Decimal(kw["amount"]), "currency": currency,
                       "actionType": action_type},
            "transaction": {
                "id": transaction_id,
                "token": kw["token"] or str(uuid.uuid4()),
                "pspReference": kw["psp_reference"],
                "events": events,
                "authorizedAmount": _money(kw["authorized"], currency),
                "chargedAmount": _money(kw["charged"], currency),
                "refundedAmount": _money(kw["refunded"], currency),
                "canceledAmount": _money(kw["canceled"], currency),
                "order": {
                    "id": kw["order_id"] or global_id("Order", uuid.uuid4()),
                    "number": str(kw["order_number"]),
                    "userEmail": kw["email"],
                    "user": {"id": kw["user_id"], "email": kw["email"]} if kw["user_id"] else None,
                    "total": {"gross": _money(kw["order_total"] or kw["amount"], currency)},
                },
                "checkout": None,
            },
            "issuingPrincipal": None,  # always null on these requests (FACTS.md §11)
        })
        return payload

    def transaction_charge_requested(
            self, *, amount: Decimal = Decimal("180.00"), currency: str = "USD",
            transaction_id: str | None = None, psp_reference: str = "nt-d08c663e23b5",
            authorized: Decimal | None = None, charged: Decimal = Decimal("0"),
            refunded: Decimal = Decimal("0"), canceled: Decimal = Decimal("0"),
            events: list | None = None, order_id: str | None = None, order_number: str = "36",
            order_total: Decimal | None = None, user_id: str | None = CUSTOMER_ID,
            email: str = CUSTOMER_EMAIL, token: str | None = None,
            recipient_id: str | None = None, issued_at: str | None = None) -> dict:
        kw = locals()
        kw["authorized"] = amount if authorized is None else authorized
        return self._request("TransactionChargeRequested", "CHARGE", kw)

    def transaction_cancelation_requested(
            self, *, amount: Decimal = Decimal("180.00"), currency: str = "USD",
            transaction_id: str | None = None, psp_reference: str = "nt-12120e373ada",
            authorized: Decimal | None = None, charged: Decimal = Decimal("0"),
            refunded: Decimal = Decimal("0"), canceled: Decimal = Decimal("0"),
            events: list | None = None, order_id: str | None = None, order_number: str = "37",
            order_total: Decimal | None = None, user_id: str | None = CUSTOMER_ID,
            email: str = CUSTOMER_EMAIL, token: str | None = None,
            recipient_id: str | None = None, issued_at: str | None = None) -> dict:
        kw = locals()
        kw["authorized"] = amount if authorized is None else authorized
        return self._request("TransactionCancelationRequested", "CANCEL", kw)

    def transaction_refund_requested(
            self, *, amount: Decimal = Decimal("180.00"), currency: str = "USD",
            transaction_id: str | None = None, psp_reference: str = "nt-c1bbe1ebf7b2",
            authorized: Decimal = Decimal("0"), charged: Decimal | None = None,
            refunded: Decimal = Decimal("0"), canceled: Decimal = Decimal("0"),
            events: list | None = None, order_id: str | None = None, order_number: str = "38",
            order_total: Decimal | None = None, user_id: str | None = CUSTOMER_ID,
            email: str = CUSTOMER_EMAIL, token: str | None = None,
            granted_refund_id: str = NO_GRANTED_REFUND, recipient_id: str | None = None,
            issued_at: str | None = None) -> dict:
        kw = locals()
        kw["charged"] = amount if charged is None else charged
        payload = self._request("TransactionRefundRequested", "REFUND", kw)
        payload["grantedRefund"] = {"id": granted_refund_id}
        return payload

    # -- async: orders (FACTS.md §6.1)
    def _order_event(self, typename: str, kw: dict) -> dict:
        currency = kw["currency"]
        total = Decimal(kw["total"])
        lines = kw["lines"]
        if lines is None:
            unit = (total / 2).quantize(Decimal("0.01"))
            lines = [{"productName": "Dash Force", "productSku": "618223581", "isShippingRequired": True,
                      "quantity": 2, "unitPrice": {"net": {"amount": unit}, "gross": {"amount": unit}},
                      "taxRate": Decimal("0.0")}]
        payload = self._envelope(typename, kw["recipient_id"], kw["issued_at"])
        payload.update({
            "issuingPrincipal": self._principal(kw["principal_user_id"], kw["principal_email"]),
            "order": {
                "id": kw["order_id"] or global_id("Order", uuid.uuid4()),
                "number": str(kw["order_number"]),
                "status": kw["status"],
                "chargeStatus": kw["charge_status"],
                "authorizeStatus": kw["authorize_status"],
                "userEmail": kw["email"],
                "user": {"id": kw["user_id"], "email": kw["email"]} if kw["user_id"] else None,
                "channel": {"slug": kw["channel_slug"]},
                "total": {"net": _money(total, currency), "tax": {"amount": Decimal("0.0")},
                          "gross": _money(total, currency)},
                "lines": lines,
                "billingAddress": {"companyName": kw["company_name"],
                                   "streetAddress1": "1600 Amphitheatre Pkwy",
                                   "city": "MOUNTAIN VIEW", "postalCode": "94043",
                                   "country": {"code": "US"}},
                "transactions": kw["transactions"] if kw["transactions"] is not None else [
                    {"id": global_id("TransactionItem", uuid.uuid4()),
                     "pspReference": "nt-d08c663e23b5"}],
            },
        })
        return payload

    def order_created(
            self, *, order_id: str | None = None, order_number: str = "36",
            total: Decimal = Decimal("180.00"), currency: str = "USD",
            status: str = "UNFULFILLED", charge_status: str = "NONE",
            authorize_status: str = "FULL", user_id: str | None = CUSTOMER_ID,
            email: str = CUSTOMER_EMAIL, channel_slug: str = "default-channel",
            company_name: str = "Acme Industrial Supply", lines: list | None = None,
            transactions: list | None = None, principal_user_id: str | None = CUSTOMER_ID,
            principal_email: str | None = CUSTOMER_EMAIL, recipient_id: str | None = None,
            issued_at: str | None = None) -> dict:
        """`transactions`: [{"id": <TransactionItem id>, "pspReference": ...}] on the order."""
        return self._order_event("OrderCreated", locals())

    def order_confirmed(
            self, *, order_id: str | None = None, order_number: str = "36",
            total: Decimal = Decimal("180.00"), currency: str = "USD",
            status: str = "UNFULFILLED", charge_status: str = "NONE",
            authorize_status: str = "FULL", user_id: str | None = CUSTOMER_ID,
            email: str = CUSTOMER_EMAIL, channel_slug: str = "default-channel",
            company_name: str = "Acme Industrial Supply", lines: list | None = None,
            transactions: list | None = None, principal_user_id: str | None = CUSTOMER_ID,
            principal_email: str | None = CUSTOMER_EMAIL, recipient_id: str | None = None,
            issued_at: str | None = None) -> dict:
        return self._order_event("OrderConfirmed", locals())

    def order_cancelled(
            self, *, order_id: str | None = None, order_number: str = "37",
            total: Decimal = Decimal("180.00"), currency: str = "USD",
            status: str = "CANCELED", charge_status: str = "NONE",
            authorize_status: str = "NONE", user_id: str | None = CUSTOMER_ID,
            email: str = CUSTOMER_EMAIL, channel_slug: str = "default-channel",
            company_name: str = "Acme Industrial Supply", lines: list | None = None,
            transactions: list | None = None, principal_user_id: str | None = STAFF_ID,
            principal_email: str | None = STAFF_EMAIL, recipient_id: str | None = None,
            issued_at: str | None = None) -> dict:
        return self._order_event("OrderCancelled", locals())

    # -- async: invoices and fulfilments (FACTS.md §6.1, §6.2, §11)
    def _with_before_order(self, payload: dict, extra: dict) -> dict:
        order = payload.pop("order")
        payload.update(extra)
        payload["order"] = order
        return payload

    def invoice_requested(
            self, *, invoice_id: str | None = None, invoice_number: str | None = None,
            invoice_url: str | None = None, invoice_status: str = "PENDING", order_id: str | None = None,
            order_number: str = "36", total: Decimal = Decimal("180.00"), currency: str = "USD",
            status: str = "UNFULFILLED", charge_status: str = "NONE", authorize_status: str = "FULL",
            user_id: str | None = CUSTOMER_ID, email: str = CUSTOMER_EMAIL,
            channel_slug: str = "default-channel", company_name: str = "Acme Industrial Supply",
            lines: list | None = None, transactions: list | None = None,
            principal_user_id: str | None = STAFF_ID, principal_email: str | None = STAFF_EMAIL,
            recipient_id: str | None = None, issued_at: str | None = None) -> dict:
        """Saleor's invoiceRequest: the invoice is PENDING with number and url null (FACTS.md §11)."""
        kw = locals()
        payload = self._order_event("InvoiceRequested", kw)
        return self._with_before_order(payload, {"invoice": {
            "id": invoice_id or global_id("Invoice", 1), "number": invoice_number, "url": invoice_url,
            "status": invoice_status}})

    def invoice_deleted(
            self, *, invoice_id: str | None = None, invoice_number: str | None = "INV-2026-000001",
            invoice_url: str | None = "https://app.example/documents/invoices/1.pdf",
            invoice_status: str = "PENDING", order_id: str | None = None, order_number: str = "36",
            total: Decimal = Decimal("180.00"), currency: str = "USD", status: str = "UNFULFILLED",
            charge_status: str = "NONE", authorize_status: str = "FULL", user_id: str | None = CUSTOMER_ID,
            email: str = CUSTOMER_EMAIL, channel_slug: str = "default-channel",
            company_name: str = "Acme Industrial Supply", lines: list | None = None,
            transactions: list | None = None, principal_user_id: str | None = STAFF_ID,
            principal_email: str | None = STAFF_EMAIL, recipient_id: str | None = None,
            issued_at: str | None = None) -> dict:
        """Saleor's invoiceRequestDelete (status stays PENDING in the payload, as captured)."""
        kw = locals()
        payload = self._order_event("InvoiceDeleted", kw)
        return self._with_before_order(payload, {"invoice": {
            "id": invoice_id or global_id("Invoice", 1), "number": invoice_number, "url": invoice_url,
            "status": invoice_status}})

    def fulfillment_created(
            self, *, fulfillment_id: str | None = None, fulfillment_order: int = 1,
            shipped: list | None = None, created: str | None = None, notify_customer: bool = False,
            order_id: str | None = None, order_number: str = "36", total: Decimal = Decimal("180.00"),
            currency: str = "USD", status: str = "FULFILLED", charge_status: str = "NONE",
            authorize_status: str = "FULL", user_id: str | None = CUSTOMER_ID, email: str = CUSTOMER_EMAIL,
            channel_slug: str = "default-channel", company_name: str = "Acme Industrial Supply",
            lines: list | None = None, transactions: list | None = None,
            principal_user_id: str | None = STAFF_ID, principal_email: str | None = STAFF_EMAIL,
            recipient_id: str | None = None, issued_at: str | None = None) -> dict:
        """`shipped`: [(sku, quantity)] of the order's lines (default: every line in full)."""
        kw = locals()
        payload = self._order_event("FulfillmentCreated", kw)
        order_lines = payload["order"]["lines"]
        if shipped is None:
            shipped = [(line["productSku"], line["quantity"]) for line in order_lines]
        names = {line["productSku"]: line["productName"] for line in order_lines}
        fulfillment_lines = [{"quantity": quantity, "orderLine": {
            "id": global_id("OrderLine", uuid.uuid5(uuid.NAMESPACE_URL, str(sku))), "productName": names.get(sku),
            "productSku": sku}} for sku, quantity in shipped]
        return self._with_before_order(payload, {
            "notifyCustomer": notify_customer,
            "fulfillment": {"id": fulfillment_id or global_id("Fulfillment", uuid.uuid4()),
                            "fulfillmentOrder": fulfillment_order, "status": "FULFILLED", "trackingNumber": "",
                            "created": created or _now_iso(), "lines": fulfillment_lines}})

    def for_event(self, event: str, **overrides) -> dict:
        """Build by registry event name: `for_event("ORDER_CREATED", order_number="40")`."""
        return getattr(self, event.lower())(**overrides)
