"""What a stranger can make the webhook intake do (issue 8 §3): store a bounded record of an
unverified delivery, be refused over the size cap before anything is stored, and make the app
fetch an installed Saleor's JWKS at most once per cooldown."""
import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from saleor_netterms.installations.models import Installation
from saleor_netterms.saleor_webhooks.models import DeliveryOutcome, WebhookDelivery, WebhookDispatch
from tests.saleor_double import public_jwk, rsa_key

BIG = 900 * 1024


def _padded_order(fake_saleor, size: int) -> bytes:
    payload = fake_saleor.payloads.order_created()
    payload["padding"] = "x" * size
    return json.dumps(payload, default=float).encode()


@pytest.mark.django_db
def test_an_unsigned_delivery_is_stored_as_headers_size_hash_and_a_prefix(client, fake_saleor, installation):
    # given a 900 KiB body with a signature that does not verify
    body = _padded_order(fake_saleor, BIG)
    stranger = rsa_key(7)

    # when it is posted 20 times
    for _ in range(20):
        response = fake_saleor.deliver(client, "ORDER_CREATED", body=body,
                                       signature=fake_saleor.sign(body, key=stranger, kid="forged"))
        assert response.status_code == 401

    # then each record is bounded: 1 KiB of body, its size and sha256, capped headers
    deliveries = list(WebhookDelivery.objects.all())
    assert len(deliveries) == 20
    for delivery in deliveries:
        assert (delivery.outcome, delivery.error_code) == (DeliveryOutcome.REFUSED, "INVALID_SIGNATURE")
        assert bytes(delivery.body) == body[:1024]
        assert delivery.body_size == len(body)
        assert delivery.body_sha256 == hashlib.sha256(body).hexdigest()
        assert all(len(v) <= 512 for v in delivery.headers.values())
    assert sum(len(bytes(d.body)) for d in deliveries) == 20 * 1024
    assert WebhookDispatch.objects.count() == 0


@pytest.mark.django_db
def test_a_verified_delivery_keeps_its_exact_body(client, fake_saleor, installation):
    # given
    body = _padded_order(fake_saleor, 4096)

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", body=body)

    # then
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (bytes(delivery.body), delivery.body_size, delivery.outcome) == (body, len(body), "processed")


@pytest.mark.django_db
def test_a_body_over_the_webhook_cap_is_refused_before_anything_is_stored(client, fake_saleor, installation,
                                                                         settings):
    # given the documented 1 MiB cap
    body = _padded_order(fake_saleor, 1024 * 1024)

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", body=body)

    # then
    assert response.status_code == 413
    assert response.json() == {"error": {"code": "PAYLOAD_TOO_LARGE",
                                         "message": "The request body is larger than 1048576 bytes."}}
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("path, cap", [("/api/register", 16 * 1024), ("/graphql/", 256 * 1024),
                                       ("/portal/limit-requests", 16 * 1024)])
def test_every_route_has_its_own_cap(client, path, cap):
    # when
    response = client.post(path, data=b"{" + b" " * cap + b"}", content_type="application/json")

    # then
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert Installation.objects.count() == 0


# --- JWKS amplification ------------------------------------------------------------------------

def _forged(fake_saleor, client, n: int) -> list[int]:
    body = json.dumps(fake_saleor.payloads.order_created(), default=float).encode()
    stranger = rsa_key(7)
    return [fake_saleor.deliver(client, "ORDER_CREATED", body=body,
                                signature=fake_saleor.sign(body, key=stranger,
                                                           kid=public_jwk(stranger)["kid"])).status_code
            for _ in range(n)]


@pytest.mark.django_db
def test_bad_signatures_refetch_the_jwks_at_most_once_per_cooldown(client, fake_saleor, installation):
    # when 25 forged deliveries arrive within the cooldown
    statuses = _forged(fake_saleor, client, 25)

    # then one refetch; every later miss is a 401 without I/O
    assert statuses == [401] * 25
    assert fake_saleor.jwks_requests == 1
    assert set(WebhookDelivery.objects.values_list("error_code", flat=True)) == {"INVALID_SIGNATURE"}


@pytest.mark.django_db
def test_after_the_cooldown_one_more_refetch_is_allowed(client, fake_saleor, installation):
    # given a refetch 61 s ago
    _forged(fake_saleor, client, 1)
    Installation.objects.filter(pk=installation.pk).update(
        jwks_refetch_attempted_at=timezone.now() - timedelta(seconds=61))

    # when
    _forged(fake_saleor, client, 3)

    # then
    assert fake_saleor.jwks_requests == 2


@pytest.mark.django_db
def test_a_real_rotation_inside_the_cooldown_waits_for_it_and_then_verifies(client, fake_saleor, installation):
    # given a forged delivery just used the refetch, then Saleor rotates its key
    _forged(fake_saleor, client, 1)
    fake_saleor.rotate_key()

    # when Saleor's genuine delivery arrives inside the cooldown, and again after it
    inside = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created())
    Installation.objects.filter(pk=installation.pk).update(
        jwks_refetch_attempted_at=timezone.now() - timedelta(seconds=61))
    after = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created())

    # then
    assert (inside.status_code, after.status_code) == (401, 200)
    assert fake_saleor.jwks_requests == 2


@pytest.mark.django_db
def test_dashboard_tokens_share_the_cooldown(client, fake_saleor, installation):
    # given tokens signed by a key Saleor does not publish
    stranger = rsa_key(7)
    token = fake_saleor.dashboard_token(key=stranger, kid=public_jwk(stranger)["kid"])
    headers = {"authorization-bearer": token, "saleor-api-url": fake_saleor.api_url}

    # when
    statuses = [client.post("/graphql/", data=json.dumps({"query": "{ appVersion }"}),
                            content_type="application/json", headers=headers).status_code for _ in range(10)]

    # then
    assert statuses == [401] * 10
    assert fake_saleor.jwks_requests == 1
