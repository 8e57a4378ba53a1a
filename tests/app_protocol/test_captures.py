"""The real Saleor 3.24 deliveries in ../shared/saleor/captures verify with our verifier against
the JWKS that signed them, fail when one byte changes, and parse with Decimal amounts."""
import base64
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.core.money import Money, json_loads_exact
from saleor_netterms.installations.models import Installation
from saleor_netterms.ledger.models import Posting
from saleor_netterms.saleor_webhooks.models import DeliveryOutcome, WebhookDelivery
from saleor_netterms.saleor_webhooks.errors import InvalidSignature
from saleor_netterms.saleor_webhooks.verification import signature_verify
from tests.conftest import CAPTURES_DIR

RAW = CAPTURES_DIR / "raw"
pytestmark = pytest.mark.skipif(not RAW.exists(), reason=f"captures not at {RAW} (../shared absent)")


def _signed_captures() -> list[Path]:
    if not RAW.exists():
        return []
    return [p for p in sorted(RAW.glob("*.json"))
            if any(k.lower() == "saleor-signature" for k, _ in json.loads(p.read_text())["headers"])]


SIGNED = _signed_captures()


def _load(path: Path) -> tuple[bytes, str, dict]:
    record = json.loads(path.read_text())
    headers = {k.lower(): v for k, v in record["headers"]}
    return base64.b64decode(record["body_base64"]), headers["saleor-signature"], headers


@pytest.fixture(scope="module")
def captured_jwks() -> dict:
    return json.loads((CAPTURES_DIR / "jwks.json").read_text())


def test_there_are_26_signed_captures():
    # then
    assert len(SIGNED) == 26


@pytest.mark.parametrize("path", SIGNED, ids=lambda p: p.stem)
def test_capture_signature_verifies(path, captured_jwks):
    # given
    body, signature, headers = _load(path)

    # when / then (raises on failure)
    signature_verify(raw_body=body, signature=signature, jwks=captured_jwks)
    assert headers["x-saleor-signature"] == signature
    assert headers["saleor-api-url"] == "http://127.0.0.1:8800/graphql/"


@pytest.mark.parametrize("path", SIGNED, ids=lambda p: p.stem)
def test_capture_with_one_byte_altered_is_refused(path, captured_jwks):
    # given
    body, signature, _ = _load(path)
    position = body.index(b'"recipient"') + 1
    altered = body[:position] + bytes([body[position] ^ 0x01]) + body[position + 1:]

    # when / then
    with pytest.raises(InvalidSignature):
        signature_verify(raw_body=altered, signature=signature, jwks=captured_jwks)


@pytest.mark.parametrize("path", SIGNED, ids=lambda p: p.stem)
def test_capture_reserialized_is_refused(path, captured_jwks):
    # given: re-serialising (compact separators) breaks the signature (FACTS.md §11)
    body, signature, _ = _load(path)
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()

    # when / then
    with pytest.raises(InvalidSignature):
        signature_verify(raw_body=compact, signature=signature, jwks=captured_jwks)


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        yield value


@pytest.mark.parametrize("path", SIGNED, ids=lambda p: p.stem)
def test_capture_body_parses_with_decimal_amounts(path):
    # given
    body, _, headers = _load(path)

    # when
    payload = json_loads_exact(body)

    # then
    assert payload["recipient"] == {"id": "QXBwOjI4"}
    assert payload["version"] == "3.24.0-a.0"
    numbers = list(_numbers(payload))
    assert not any(isinstance(n, float) for n in numbers)
    amounts = [n for n in numbers if isinstance(n, Decimal)]
    if headers["saleor-event"].startswith(("transaction_", "payment_", "order_")):
        assert amounts  # every money-carrying capture has its amounts as Decimal


def test_capture_amount_is_exact_decimal():
    # given
    body, _, _ = _load(RAW / "transaction_initialize_session__1.json")

    # when
    payload = json_loads_exact(body)

    # then
    assert payload["action"] == {"amount": Decimal("180.0"), "currency": "USD",
                                 "actionType": "AUTHORIZATION"}


@pytest.mark.django_db
def test_capture_delivered_to_the_app_verifies_end_to_end(client, captured_jwks, company_factory, member_factory):
    # given: an installation as the capture Saleor would have registered it, and the capture's
    # customer (User VXNlcjo2) a member of a company with credit
    inst = Installation(saleor_api_url="http://127.0.0.1:8800/graphql/", saleor_domain="127.0.0.1:8800",
                        app_id="QXBwOjI4", jwks=captured_jwks, jwks_fetched_at=timezone.now())
    inst.set_token("capture-token-000000000000000")
    inst.save()
    company = company_factory(installation=inst, legal_name="Acme Industrial Supply",
                              limit=Money.of("1000.00", "USD"))
    member_factory(company=company, kind="saleor_user_id", value="VXNlcjo2")
    body, _, _ = _load(RAW / "transaction_initialize_session__1.json")
    record = json.loads((RAW / "transaction_initialize_session__1.json").read_text())
    headers = {k: v for k, v in record["headers"]
               if k.lower() not in {"content-type", "content-length", "host", "connection"}}

    # when
    response = client.post("/api/webhooks/transaction-initialize-session", data=body,
                           content_type="application/json", headers=headers)

    # then: Saleor's own bytes, verified, decided and held: 180.00 on PO-4711
    assert response.status_code == 200
    assert (response.json()["result"], response.json()["amount"]) == ("AUTHORIZATION_SUCCESS", "180.00")
    tx = NetTermsTransaction.objects.get()
    assert (tx.installation_id, tx.company_id, tx.po_number, tx.amount, tx.saleor_transaction_id) == (
        inst.pk, company.pk, "PO-4711", Decimal("180.0000"),
        "VHJhbnNhY3Rpb25JdGVtOjc2N2I4ZDc4LTNlZmYtNGI3ZS05MzNhLWZkZDZjMWQ0MzUwMg==")
    assert list(Posting.objects.values_list("kind", "amount", "currency")) == [("hold", Decimal("180.0000"), "USD")]
    assert WebhookDelivery.objects.get().outcome == DeliveryOutcome.PROCESSED
