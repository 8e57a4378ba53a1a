"""The webhook pipeline (record → verify → dispatch exactly once) driven through the REAL handlers:
a checkout signed like Saleor is decided, recorded and held in the ledger; an order is bound and
cancelled. Failures and slowness come from PostgreSQL itself (a trigger the test creates), never
from patching our code."""
import json
from decimal import Decimal

import pytest
from django.urls import resolve

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.core.money import Money
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.installations.models import Installation, InstallationStatus
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.saleor_webhooks.models import DeliveryOutcome, WebhookDelivery, WebhookDispatch
from saleor_netterms.saleor_webhooks.registry import WEBHOOKS
from tests.app_protocol.conftest import NOTHING, ORDER, TIS, TX, Effects, effects, postings, table_trigger
from tests.fixtures_credit import postgres_only
from tests.saleor_answers import answer_problems
from tests.saleor_double import public_jwk, rsa_key

HOLD_100 = [("hold", Decimal("100.0000"), "USD")]
HOLD_180 = [("hold", Decimal("180.0000"), "USD")]
ONE_CHECKOUT = Effects(decisions=1, decision_audit=1, transactions=1, postings=1, entries=2, outbox=0)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def _checkout(fake_saleor, client, amount="180.00", **kw):
    """A real checkout on net terms (approved, held); returns Saleor's answer."""
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal(amount), transaction_id=TX, **kw)
    response = fake_saleor.deliver(client, TIS, payload)
    assert response.status_code == 200, response.content
    return response.json()


def _order_payload(fake_saleor, event, psp_reference, **kw):
    return fake_saleor.payloads.for_event(event, order_id=ORDER, order_number="36",
                                          transactions=[{"id": TX, "pspReference": psp_reference}], **kw)


def _assert_refused(response, status: int, code: str):
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert effects() == NOTHING
    assert WebhookDispatch.objects.count() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.validity is False
    assert delivery.outcome == DeliveryOutcome.REFUSED
    assert delivery.error_code == code
    assert delivery.response_status == status
    return delivery


@pytest.mark.django_db
def test_valid_sync_webhook_is_recorded_and_handled_once(client, fake_saleor, installation, buyer):
    # given: Saleor sends the amount as the JSON float 100.0
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal("100.00"), transaction_id=TX)

    # when
    response = fake_saleor.deliver(client, TIS, payload)

    # then: Saleor gets the decision, in the shape it validates
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert answer_problems(TIS, body) == []
    assert (body["result"], body["amount"], body["actions"]) == (
        "AUTHORIZATION_SUCCESS", "100.00", ["CHARGE", "CANCEL"])
    assert body["data"]["availableCredit"] == {"amount": "900.00", "currency": "USD"}
    # and the effect, for this installation, with the exact Decimal amount (never a float)
    assert effects() == ONE_CHECKOUT
    assert postings() == HOLD_100
    tx = NetTermsTransaction.objects.get()
    assert (tx.installation_id, tx.company_id, tx.saleor_transaction_id, tx.status, tx.amount, tx.psp_reference) == (
        installation.pk, buyer.pk, TX, TransactionStatus.AUTHORIZED, Decimal("100.0000"), body["pspReference"])
    decision = DecisionRecord.objects.get()
    assert (decision.installation_id, decision.company_id, decision.saleor_transaction_id, decision.outcome,
            decision.amount, decision.currency) == (installation.pk, buyer.pk, TX, "approve", Decimal("100.0000"), "USD")
    assert credit_summary(company=buyer, currency="USD").holds == usd("100.00")
    # and the delivery row records it, with the exact bytes Saleor signed
    delivery = WebhookDelivery.objects.get()
    assert delivery.installation_id == installation.pk
    assert delivery.event == TIS
    assert delivery.validity is True
    assert delivery.outcome == DeliveryOutcome.PROCESSED
    assert bytes(delivery.body) == json.dumps(json.loads(bytes(delivery.body))).encode()
    assert delivery.response_status == 200
    assert delivery.response_body == response.content.decode()
    assert delivery.duration_ms is not None
    dispatch = WebhookDispatch.objects.get()
    assert (dispatch.first_delivery_id, dispatch.event, dispatch.response_body, dispatch.result) == (
        delivery.pk, TIS, response.content.decode(), body)
    assert delivery.dispatch_id == dispatch.pk


@pytest.mark.django_db
def test_delivery_headers_are_stored_without_secrets(client, fake_saleor, installation):
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
def test_async_webhook_answers_empty_object_and_stores_handler_result(client, fake_saleor, installation, buyer):
    # given: a checkout on net terms, its order not yet known
    answer = _checkout(fake_saleor, client)

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", _order_payload(fake_saleor, "ORDER_CREATED",
                                                                          answer["pspReference"]))

    # then: Saleor gets {}, the handler's outcome is kept on the dispatch, the order is bound
    assert response.status_code == 200
    assert response.content == b"{}"
    dispatch = WebhookDispatch.objects.get(event="ORDER_CREATED")
    assert dispatch.result == {"order": ORDER, "bound": 1, "invoices": []}
    assert dispatch.response_body == "{}"
    tx = NetTermsTransaction.objects.get()
    assert (tx.order_id, tx.order_number) == (ORDER, "36")
    assert WebhookDelivery.objects.get(event="ORDER_CREATED").outcome == DeliveryOutcome.PROCESSED


@pytest.mark.django_db
def test_same_delivery_twice_has_one_effect_and_identical_answer(client, fake_saleor, installation, buyer):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id=TX)
    first = fake_saleor.deliver(client, TIS, payload)

    # when
    second = fake_saleor.deliver(client, TIS, payload)

    # then: one decision, one hold of 180.00; the duplicate replays the stored answer
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.json()["result"] == "AUTHORIZATION_SUCCESS"
    assert effects() == ONE_CHECKOUT
    assert postings() == HOLD_180
    assert credit_summary(company=buyer, currency="USD").holds == usd("180.00")
    assert WebhookDispatch.objects.count() == 1
    outcomes = list(WebhookDelivery.objects.values_list("outcome", flat=True))
    assert outcomes == [DeliveryOutcome.PROCESSED, DeliveryOutcome.DUPLICATE]
    duplicate = WebhookDelivery.objects.last()
    assert duplicate.dispatch_id == WebhookDispatch.objects.get().pk
    assert duplicate.response_body == first.content.decode()
    assert duplicate.validity is True


@pytest.mark.django_db
def test_same_async_delivery_twice_has_one_effect(client, fake_saleor, installation, buyer):
    # given: an approved checkout, its order cancelled in Saleor
    answer = _checkout(fake_saleor, client)
    payload = _order_payload(fake_saleor, "ORDER_CANCELLED", answer["pspReference"])

    # when
    first = fake_saleor.deliver(client, "ORDER_CANCELLED", payload)
    second = fake_saleor.deliver(client, "ORDER_CANCELLED", payload)

    # then: released once, Saleor told once
    assert (first.status_code, first.content, second.status_code, second.content) == (200, b"{}", 200, b"{}")
    assert postings() == HOLD_180 + [("hold_release", Decimal("180.0000"), "USD")]
    assert credit_summary(company=buyer, currency="USD").holds == usd("0")
    report = OutboxMessage.objects.get()
    assert (report.kind, report.payload["type"], report.payload["amount"]) == (
        "saleor.transaction_event_report", "CANCEL_SUCCESS", "180.00")
    assert list(WebhookDelivery.objects.filter(event="ORDER_CANCELLED").values_list("outcome", flat=True)) == [
        DeliveryOutcome.PROCESSED, DeliveryOutcome.DUPLICATE]
    assert WebhookDispatch.objects.get(event="ORDER_CANCELLED").result == {"order": ORDER, "released": 1}


@pytest.mark.django_db
def test_same_body_on_another_event_route_is_not_a_duplicate(client, fake_saleor, installation, buyer):
    # given: the dedupe key includes the event
    answer = _checkout(fake_saleor, client)
    payload = _order_payload(fake_saleor, "ORDER_CREATED", answer["pspReference"])
    fake_saleor.deliver(client, "ORDER_CREATED", payload)

    # when
    response = fake_saleor.deliver(client, "ORDER_CONFIRMED", payload)

    # then: both handlers ran (the second found the order already bound)
    assert response.status_code == 200
    assert list(WebhookDispatch.objects.exclude(event=TIS).values_list("event", "result")) == [
        ("ORDER_CREATED", {"order": ORDER, "bound": 1, "invoices": []}),
        ("ORDER_CONFIRMED", {"order": ORDER, "bound": 0, "invoices": []})]
    assert list(WebhookDelivery.objects.values_list("outcome", flat=True)) == [DeliveryOutcome.PROCESSED] * 3


@postgres_only
@pytest.mark.django_db
def test_handler_failure_rolls_back_the_effect_and_answers_coded_5xx(client, fake_saleor, installation, buyer):
    # given: the ledger refuses the hold, the handler's last write (after the decision, its audit
    # line and the transaction row were written)
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id=TX)

    # when
    with table_trigger("ledger_posting", "RAISE EXCEPTION 'ledger exploded';"):
        response = fake_saleor.deliver(client, TIS, payload)

    # then
    assert response.status_code == 500
    assert response.json() == {"error": {
        "code": "HANDLER_FAILED",
        "message": "The app failed to process a Saleor webhook; Saleor may retry it."}}
    assert effects() == NOTHING
    assert WebhookDispatch.objects.count() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.validity is True
    assert delivery.outcome == DeliveryOutcome.FAILED
    assert delivery.error_code == "HANDLER_FAILED"
    assert delivery.error_message == "TRANSACTION_INITIALIZE_SESSION handler raised ProgrammingError"
    assert "django.db.utils.ProgrammingError: ledger exploded" in delivery.traceback
    assert delivery.response_status == 500
    assert credit_summary(company=buyer, currency="USD").holds == usd("0")


@pytest.mark.django_db
def test_handler_net_terms_error_answers_its_status_and_code(client, fake_saleor, installation, buyer):
    # given: a validly signed checkout whose transaction has no id
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id=TX)
    del payload["transaction"]["id"]

    # when
    response = fake_saleor.deliver(client, TIS, payload)

    # then: the handler's coded 400, not a 500; nothing written
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "MALFORMED_PAYLOAD",
        "message": "The payload does not have the expected shape: transaction.id is missing."}}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.error_code, delivery.error_message, delivery.response_status) == (
        DeliveryOutcome.FAILED, "MALFORMED_PAYLOAD", "transaction.id is missing", 400)
    assert effects() == NOTHING
    assert WebhookDispatch.objects.count() == 0


@postgres_only
@pytest.mark.django_db
def test_a_retry_after_a_failure_runs_the_handler_again(client, fake_saleor, installation, buyer):
    # given: the order's cancellation failed once (the ledger refused the release) ...
    answer = _checkout(fake_saleor, client)
    payload = _order_payload(fake_saleor, "ORDER_CANCELLED", answer["pspReference"])
    with table_trigger("ledger_posting", "RAISE EXCEPTION 'transient';"):
        failed = fake_saleor.deliver(client, "ORDER_CANCELLED", payload)
    assert failed.status_code == 500
    assert (postings(), OutboxMessage.objects.count()) == (HOLD_180, 0)

    # when: ... and Saleor retries the same body
    response = fake_saleor.deliver(client, "ORDER_CANCELLED", payload)

    # then: this time it is released, once
    assert (response.status_code, response.content) == (200, b"{}")
    assert postings() == HOLD_180 + [("hold_release", Decimal("180.0000"), "USD")]
    assert OutboxMessage.objects.get().payload["type"] == "CANCEL_SUCCESS"
    assert list(WebhookDelivery.objects.filter(event="ORDER_CANCELLED").values_list("outcome", flat=True)) == [
        DeliveryOutcome.FAILED, DeliveryOutcome.PROCESSED]
    assert WebhookDispatch.objects.filter(event="ORDER_CANCELLED").count() == 1


@postgres_only
@pytest.mark.django_db
def test_a_slow_handler_is_answered_once_with_its_duration_recorded(client, fake_saleor, installation, buyer):
    # given: every ledger write takes 300 ms (PostgreSQL sleeps in a trigger)
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id=TX)

    # when
    with table_trigger("ledger_posting", "PERFORM pg_sleep(0.3); RETURN NEW;"):
        response = fake_saleor.deliver(client, TIS, payload)

    # then
    assert response.status_code == 200 and response.json()["result"] == "AUTHORIZATION_SUCCESS"
    assert postings() == HOLD_180
    delivery = WebhookDelivery.objects.get()
    assert delivery.outcome == DeliveryOutcome.PROCESSED
    assert delivery.duration_ms >= 300


def test_every_registered_webhook_has_its_handler():
    # when
    handlers = {definition.event: definition.handler() for definition in WEBHOOKS}

    # then: one module per event under saleor_webhooks/handlers/, each with handle()
    assert all(callable(handle) and handle.__name__ == "handle" for handle in handlers.values())
    assert sorted(h.__module__.rsplit(".", 1)[1] for h in handlers.values()) == sorted(
        event.lower() for event in handlers)


# --- refusals: nothing dispatched, nothing written (a buyer whose checkout WOULD be held) ------

@pytest.mark.django_db
def test_tampered_body_is_refused(client, fake_saleor, installation, buyer):
    # given
    body = json.dumps(fake_saleor.payloads.transaction_initialize_session(), default=float).encode()
    signature = fake_saleor.sign(body)
    tampered = body.replace(b'"amount": 180.0', b'"amount": 1.0', 1)
    assert tampered != body

    # when
    response = fake_saleor.deliver(client, TIS, body=tampered, signature=signature)

    # then
    delivery = _assert_refused(response, 401, "INVALID_SIGNATURE")
    assert bytes(delivery.body) == tampered[:1024]  # an unverified body is kept only as a prefix
    assert delivery.body_size == len(tampered)
    assert fake_saleor.jwks_requests == 1  # refetched once, still invalid


@pytest.mark.django_db
def test_unknown_signing_key_is_refused(client, fake_saleor, installation, buyer):
    # given: signed by a key Saleor does not publish
    body = json.dumps(fake_saleor.payloads.transaction_initialize_session(), default=float).encode()
    stranger = rsa_key(7)
    signature = fake_saleor.sign(body, key=stranger, kid=public_jwk(stranger)["kid"])

    # when
    response = fake_saleor.deliver(client, TIS, body=body, signature=signature)

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE")
    assert fake_saleor.jwks_requests == 1
    assert Installation.objects.get(pk=installation.pk).jwks == fake_saleor.jwks()


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Saleor-Api-Url", "Saleor-Event", "Saleor-Signature"])
def test_missing_header_is_refused(client, fake_saleor, installation, buyer, header):
    # given: the deprecated X-Saleor-* duplicates do not stand in for the new names
    payload = fake_saleor.payloads.transaction_initialize_session()

    # when
    response = fake_saleor.deliver(client, TIS, payload, drop_headers=(header,))

    # then
    delivery = _assert_refused(response, 400, "MISSING_HEADER")
    assert header in delivery.error_message


@pytest.mark.django_db
def test_event_header_must_match_the_route(client, fake_saleor, installation, buyer):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session()

    # when
    response = fake_saleor.deliver(client, TIS, payload, headers={"Saleor-Event": "order_cancelled"})

    # then
    _assert_refused(response, 400, "EVENT_MISMATCH")


@pytest.mark.django_db
def test_event_header_in_upper_case_is_refused(client, fake_saleor, installation, buyer):
    # when
    response = fake_saleor.deliver(client, TIS, fake_saleor.payloads.transaction_initialize_session(),
                                   headers={"Saleor-Event": TIS})

    # then
    _assert_refused(response, 400, "EVENT_MISMATCH")


@pytest.mark.django_db
def test_unknown_saleor_is_refused(client, fake_saleor, installation, buyer, fake_saleor_factory):
    # given: a second Saleor that never installed the app
    stranger = fake_saleor_factory(api_url="https://stranger.saleor.test/graphql/")

    # when
    response = stranger.deliver(client, TIS, stranger.payloads.transaction_initialize_session())

    # then
    delivery = _assert_refused(response, 401, "UNKNOWN_SALEOR")
    assert delivery.installation_id is None
    assert stranger.jwks_requests == 0


@pytest.mark.django_db
def test_removed_installation_is_refused(client, fake_saleor, installation, buyer):
    # given
    Installation.objects.filter(pk=installation.pk).update(status=InstallationStatus.REMOVED)

    # when
    response = fake_saleor.deliver(client, TIS, fake_saleor.payloads.transaction_initialize_session())

    # then
    _assert_refused(response, 403, "INSTALLATION_REMOVED")


@pytest.mark.django_db
def test_wrong_recipient_is_refused(client, fake_saleor, installation, buyer):
    # given: validly signed, but addressed to another app on the same Saleor
    payload = fake_saleor.payloads.transaction_initialize_session(recipient_id="QXBwOjk5")

    # when
    response = fake_saleor.deliver(client, TIS, payload)

    # then
    _assert_refused(response, 403, "WRONG_RECIPIENT")


@pytest.mark.django_db
def test_missing_recipient_is_refused(client, fake_saleor, installation, buyer):
    # given
    payload = fake_saleor.payloads.transaction_initialize_session()
    del payload["recipient"]

    # when
    response = fake_saleor.deliver(client, TIS, payload)

    # then
    _assert_refused(response, 403, "WRONG_RECIPIENT")


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_payload_is_refused(client, fake_saleor, installation, buyer, body):
    # when: correctly signed garbage
    response = fake_saleor.deliver(client, TIS, body=body)

    # then
    _assert_refused(response, 400, "MALFORMED_PAYLOAD")


@pytest.mark.django_db
def test_signature_that_is_not_a_jws_is_refused(client, fake_saleor, installation, buyer):
    # when
    response = fake_saleor.deliver(client, TIS, fake_saleor.payloads.transaction_initialize_session(),
                                   signature="3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b")

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE")


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
def test_saleor_key_rotation_refetches_jwks_once_and_saves_it(client, fake_saleor, installation, buyer):
    # given
    old_jwks = Installation.objects.get(pk=installation.pk).jwks
    new_kid = fake_saleor.rotate_key()

    # when
    first = fake_saleor.deliver(client, TIS, fake_saleor.payloads.transaction_initialize_session(transaction_id=TX))
    second = fake_saleor.deliver(client, "ORDER_CREATED",
                                 _order_payload(fake_saleor, "ORDER_CREATED", first.json()["pspReference"]))

    # then: both verified with the new key and handled
    assert first.status_code == second.status_code == 200
    assert fake_saleor.jwks_requests == 1
    stored = Installation.objects.get(pk=installation.pk).jwks
    assert stored != old_jwks
    assert [k["kid"] for k in stored["keys"]] == [new_kid]
    assert postings() == HOLD_180
    assert NetTermsTransaction.objects.get().order_id == ORDER
    assert list(WebhookDelivery.objects.values_list("outcome", flat=True)) == [DeliveryOutcome.PROCESSED] * 2


@pytest.mark.django_db
def test_bad_signature_after_rotation_refetches_once_and_does_not_loop(client, fake_saleor, installation, buyer):
    # given: Saleor rotated, and the delivery is also tampered
    fake_saleor.rotate_key()
    body = json.dumps(fake_saleor.payloads.transaction_initialize_session(), default=float).encode()
    signature = fake_saleor.sign(body)

    # when
    response = fake_saleor.deliver(client, TIS, body=body + b" ", signature=signature)

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE")
    assert fake_saleor.jwks_requests == 1
    # the refetched JWKS did not verify anything, so it is not saved
    assert Installation.objects.get(pk=installation.pk).jwks["keys"][0]["kid"] != fake_saleor.kid


@pytest.mark.django_db
def test_jwks_unavailable_during_refetch_is_refused(client, fake_saleor, installation, buyer):
    # given
    fake_saleor.rotate_key()
    fake_saleor.jwks_available = False

    # when
    response = fake_saleor.deliver(client, TIS, fake_saleor.payloads.transaction_initialize_session())

    # then
    _assert_refused(response, 401, "INVALID_SIGNATURE")


@pytest.mark.django_db
def test_stale_jwks_is_refreshed_before_verifying(client, fake_saleor, installation, buyer, settings):
    # given
    settings.SALEOR_JWKS_TTL = 0
    fake_saleor.rotate_key()

    # when
    response = fake_saleor.deliver(client, TIS, fake_saleor.payloads.transaction_initialize_session())

    # then
    assert response.status_code == 200 and response.json()["result"] == "AUTHORIZATION_SUCCESS"
    assert fake_saleor.jwks_requests == 1
    assert postings() == HOLD_180


def test_every_registry_entry_has_a_route(client):
    # then
    for definition in WEBHOOKS:
        match = resolve(f"/api/webhooks/{definition.slug}")
        assert match.kwargs == {"definition": definition}
