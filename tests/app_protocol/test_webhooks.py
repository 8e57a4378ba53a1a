import json
from decimal import Decimal

import pytest

from saleor_netterms.installations.models import Installation, InstallationStatus
from saleor_netterms.saleor_webhooks.models import DeliveryOutcome, WebhookDelivery, WebhookDispatch
from saleor_netterms.saleor_webhooks.registry import WEBHOOKS
from tests.app_protocol.conftest import HandlerBoom, RecordingHandler

EVENT = "TRANSACTION_INITIALIZE_SESSION"


def _assert_refused(response, status: int, code: str, handler: RecordingHandler):
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert handler.runs == []
    assert RecordingHandler.effects() == 0
    assert WebhookDispatch.objects.count() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.validity is False
    assert delivery.outcome == DeliveryOutcome.REFUSED
    assert delivery.error_code == code
    assert delivery.response_status == status
    return delivery


@pytest.mark.django_db
def test_valid_sync_webhook_is_recorded_and_handled_once(client, fake_saleor, installation, handler):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal("100.00"))

    # when
    response = fake_saleor.deliver(client, EVENT, payload)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["result"] == "AUTHORIZATION_SUCCESS"
    assert body["amount"] == "100.0"  # Decimal from the JSON float 100.0, sent as a string
    [run] = handler.runs
    assert run["installation_id"] == installation.pk
    assert run["payload"]["action"]["amount"] == Decimal("100.0")
    assert isinstance(run["payload"]["transaction"]["authorizedAmount"]["amount"], Decimal)
    delivery = WebhookDelivery.objects.get()
    assert delivery.installation_id == installation.pk
    assert delivery.event == EVENT
    assert delivery.validity is True
    assert delivery.outcome == DeliveryOutcome.PROCESSED
    assert bytes(delivery.body) == json.dumps(json.loads(bytes(delivery.body))).encode()
    assert delivery.response_status == 200
    assert delivery.response_body == response.content.decode()
    assert delivery.duration_ms is not None
    assert RecordingHandler.effects() == 1


@pytest.mark.django_db
def test_delivery_headers_are_stored_without_secrets(client, fake_saleor, installation, handler):
    # given
    payload = fake_saleor.payloads.order_created()
    body = json.dumps(payload, default=float).encode()
    signature = fake_saleor.sign(body)

    # when
    fake_saleor.deliver(client, "ORDER_CREATED", body=body, signature=signature)

    # then
    headers = WebhookDelivery.objects.get().headers
    stored = json.dumps(headers)
    assert signature not in stored
    assert headers["Saleor-Signature"].startswith("sha256:")
    assert headers["X-Saleor-Signature"].startswith("sha256:")
    assert headers["Saleor-Event"] == "order_created"
    assert headers["Saleor-Api-Url"] == "https://shop.saleor.test/graphql/"


@pytest.mark.django_db
def test_async_webhook_answers_empty_object_and_stores_handler_result(client, fake_saleor, installation, handler):
    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created())

    # then
    assert response.status_code == 200
    assert response.content == b"{}"
    dispatch = WebhookDispatch.objects.get()
    assert dispatch.result["result"] == "AUTHORIZATION_SUCCESS"
    assert dispatch.response_body == "{}"
    assert len(handler.runs) == 1


@pytest.mark.django_db
def test_same_delivery_twice_has_one_effect_and_identical_answer(client, fake_saleor, installation, handler):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session()
    first = fake_saleor.deliver(client, EVENT, payload)

    # when
    second = fake_saleor.deliver(client, EVENT, payload)

    # then
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(handler.runs) == 1
    assert RecordingHandler.effects() == 1
    assert WebhookDispatch.objects.count() == 1
    outcomes = list(WebhookDelivery.objects.values_list("outcome", flat=True))
    assert outcomes == [DeliveryOutcome.PROCESSED, DeliveryOutcome.DUPLICATE]
    duplicate = WebhookDelivery.objects.last()
    assert duplicate.dispatch_id == WebhookDispatch.objects.get().pk
    assert duplicate.response_body == first.content.decode()


@pytest.mark.django_db
def test_same_body_on_another_event_route_is_not_a_duplicate(client, fake_saleor, installation, handler):
    # given: the dedupe key includes the event
    payload = fake_saleor.payloads.order_created()
    fake_saleor.deliver(client, "ORDER_CREATED", payload)

    # when
    response = fake_saleor.deliver(client, "ORDER_CONFIRMED", payload)

    # then
    assert response.status_code == 200
    assert len(handler.runs) == 2


@pytest.mark.django_db
def test_handler_failure_rolls_back_the_effect_and_answers_coded_5xx(client, fake_saleor, installation, handler):
    # given
    handler.fail_with = RuntimeError("ledger exploded")
    payload = fake_saleor.payloads.transaction_initialize_session()

    # when
    response = fake_saleor.deliver(client, EVENT, payload)

    # then
    assert response.status_code == 500
    assert response.json() == {"error": {
        "code": "HANDLER_FAILED",
        "message": "The app failed to process a Saleor webhook; Saleor may retry it."}}
    assert RecordingHandler.effects() == 0
    assert WebhookDispatch.objects.count() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.validity is True
    assert delivery.outcome == DeliveryOutcome.FAILED
    assert delivery.error_code == "HANDLER_FAILED"
    assert "RuntimeError: ledger exploded" in delivery.traceback
    assert delivery.response_status == 500


@pytest.mark.django_db
def test_handler_net_terms_error_answers_its_status_and_code(client, fake_saleor, installation, handler):
    # given
    handler.fail_with = HandlerBoom("boom")

    # when
    response = fake_saleor.deliver(client, EVENT, fake_saleor.payloads.transaction_initialize_session())

    # then
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "TEST_HANDLER_BOOM"
    assert WebhookDelivery.objects.get().error_code == "TEST_HANDLER_BOOM"
    assert RecordingHandler.effects() == 0


@pytest.mark.django_db
def test_a_retry_after_a_failure_runs_the_handler_again(client, fake_saleor, installation, handler):
    # given
    payload = fake_saleor.payloads.order_created()
    handler.fail_with = RuntimeError("transient")
    fake_saleor.deliver(client, "ORDER_CREATED", payload)
    handler.fail_with = None

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", payload)

    # then
    assert response.status_code == 200
    assert len(handler.runs) == 2
    assert RecordingHandler.effects() == 1
    assert list(WebhookDelivery.objects.values_list("outcome", flat=True)) == [
        DeliveryOutcome.FAILED, DeliveryOutcome.PROCESSED]


def test_every_registered_webhook_has_its_handler():
    # given
    from saleor_netterms.saleor_webhooks.registry import WEBHOOKS

    # when
    handlers = {definition.event: definition.handler() for definition in WEBHOOKS}

    # then: one module per event under saleor_webhooks/handlers/, each with handle()
    assert all(callable(handle) and handle.__name__ == "handle" for handle in handlers.values())
    assert sorted(h.__module__.rsplit(".", 1)[1] for h in handlers.values()) == sorted(
        event.lower() for event in handlers)


# --- refusals: nothing dispatched --------------------------------------------------------------

@pytest.mark.django_db
def test_tampered_body_is_refused(client, fake_saleor, installation, handler):
    # given
    body = json.dumps(fake_saleor.payloads.transaction_initialize_session(), default=float).encode()
    signature = fake_saleor.sign(body)
    tampered = body.replace(b'"amount": 180.0', b'"amount": 1.0', 1)
    assert tampered != body

    # when
    response = fake_saleor.deliver(client, EVENT, body=tampered, signature=signature)

    # then
    delivery = _assert_refused(response, 401, "INVALID_SIGNATURE", handler)
    assert bytes(delivery.body) == tampered[:1024]  # an unverified body is kept only as a prefix
    assert delivery.body_size == len(tampered)
    assert fake_saleor.jwks_requests == 1  # refetched once, still invalid


@pytest.mark.django_db
def test_unknown_signing_key_is_refused(client, fake_saleor, installation, handler):
    # given: signed by a key Saleor does not publish
    from tests.saleor_double import public_jwk, rsa_key

    body = json.dumps(fake_saleor.payloads.order_created(), default=float).encode()
    stranger = rsa_key(7)
    signature = fake_saleor.sign(body, key=stranger, kid=public_jwk(stranger)["kid"])

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", body=body, signature=signature)

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE", handler)
    assert fake_saleor.jwks_requests == 1
    assert Installation.objects.get().jwks == fake_saleor.jwks()


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Saleor-Api-Url", "Saleor-Event", "Saleor-Signature"])
def test_missing_header_is_refused(client, fake_saleor, installation, handler, header):
    # given: the deprecated X-Saleor-* duplicates do not stand in for the new names
    payload = fake_saleor.payloads.order_created()

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", payload, drop_headers=(header,))

    # then
    delivery = _assert_refused(response, 400, "MISSING_HEADER", handler)
    assert header in delivery.error_message


@pytest.mark.django_db
def test_event_header_must_match_the_route(client, fake_saleor, installation, handler):
    # given
    payload = fake_saleor.payloads.order_created()

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", payload,
                                   headers={"Saleor-Event": "order_cancelled"})

    # then
    _assert_refused(response, 400, "EVENT_MISMATCH", handler)


@pytest.mark.django_db
def test_event_header_in_upper_case_is_refused(client, fake_saleor, installation, handler):
    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created(),
                                   headers={"Saleor-Event": "ORDER_CREATED"})

    # then
    _assert_refused(response, 400, "EVENT_MISMATCH", handler)


@pytest.mark.django_db
def test_unknown_saleor_is_refused(client, fake_saleor, installation, handler, fake_saleor_factory):
    # given: a second Saleor that never installed the app
    stranger = fake_saleor_factory(api_url="https://stranger.saleor.test/graphql/")

    # when
    response = stranger.deliver(client, "ORDER_CREATED", stranger.payloads.order_created())

    # then
    delivery = _assert_refused(response, 401, "UNKNOWN_SALEOR", handler)
    assert delivery.installation_id is None
    assert stranger.jwks_requests == 0


@pytest.mark.django_db
def test_removed_installation_is_refused(client, fake_saleor, installation, handler):
    # given
    Installation.objects.filter(pk=installation.pk).update(status=InstallationStatus.REMOVED)

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created())

    # then
    _assert_refused(response, 403, "INSTALLATION_REMOVED", handler)


@pytest.mark.django_db
def test_wrong_recipient_is_refused(client, fake_saleor, installation, handler):
    # given: validly signed, but addressed to another app on the same Saleor
    payload = fake_saleor.payloads.transaction_initialize_session(recipient_id="QXBwOjk5")

    # when
    response = fake_saleor.deliver(client, EVENT, payload)

    # then
    _assert_refused(response, 403, "WRONG_RECIPIENT", handler)


@pytest.mark.django_db
def test_missing_recipient_is_refused(client, fake_saleor, installation, handler):
    # given
    payload = fake_saleor.payloads.order_created()
    del payload["recipient"]

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", payload)

    # then
    _assert_refused(response, 403, "WRONG_RECIPIENT", handler)


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_payload_is_refused(client, fake_saleor, installation, handler, body):
    # when: correctly signed garbage
    response = fake_saleor.deliver(client, "ORDER_CREATED", body=body)

    # then
    _assert_refused(response, 400, "MALFORMED_PAYLOAD", handler)


@pytest.mark.django_db
def test_signature_that_is_not_a_jws_is_refused(client, fake_saleor, installation, handler):
    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created(),
                                   signature="3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b")

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE", handler)


@pytest.mark.django_db
def test_get_on_a_webhook_route_is_405(client, installation):
    # when
    response = client.get("/api/webhooks/order-created")

    # then
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert WebhookDelivery.objects.count() == 0


# --- key rotation -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_saleor_key_rotation_refetches_jwks_once_and_saves_it(client, fake_saleor, installation, handler):
    # given
    old_jwks = Installation.objects.get().jwks
    new_kid = fake_saleor.rotate_key()

    # when
    first = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created())
    second = fake_saleor.deliver(client, "ORDER_CONFIRMED", fake_saleor.payloads.order_confirmed())

    # then
    assert first.status_code == second.status_code == 200
    assert fake_saleor.jwks_requests == 1
    stored = Installation.objects.get().jwks
    assert stored != old_jwks
    assert [k["kid"] for k in stored["keys"]] == [new_kid]
    assert len(handler.runs) == 2


@pytest.mark.django_db
def test_bad_signature_after_rotation_refetches_once_and_does_not_loop(client, fake_saleor, installation, handler):
    # given: Saleor rotated, and the delivery is also tampered
    fake_saleor.rotate_key()
    body = json.dumps(fake_saleor.payloads.order_created(), default=float).encode()
    signature = fake_saleor.sign(body)

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", body=body + b" ", signature=signature)

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE", handler)
    assert fake_saleor.jwks_requests == 1
    # the refetched JWKS did not verify anything, so it is not saved
    assert Installation.objects.get().jwks["keys"][0]["kid"] != fake_saleor.kid


@pytest.mark.django_db
def test_jwks_unavailable_during_refetch_is_refused(client, fake_saleor, installation, handler):
    # given
    fake_saleor.rotate_key()
    fake_saleor.jwks_available = False

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created())

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE", handler)


@pytest.mark.django_db
def test_stale_jwks_is_refreshed_before_verifying(client, fake_saleor, installation, handler, settings):
    # given
    settings.SALEOR_JWKS_TTL = 0
    fake_saleor.rotate_key()

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created())

    # then
    assert response.status_code == 200
    assert fake_saleor.jwks_requests == 1


def test_every_registry_entry_has_a_route(client):
    # then
    from django.urls import resolve

    for definition in WEBHOOKS:
        match = resolve(f"/api/webhooks/{definition.slug}")
        assert match.kwargs == {"definition": definition}
