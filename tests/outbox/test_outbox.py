"""The outbox delivers after commit, in order per object, retries with backoff, loses nothing."""
import datetime as dt

import pytest
from django.utils import timezone

from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import (DeliveryRejected, DeliveryRetry, backoff_delay, outbox_deliver,
                                             outbox_deliver_due, outbox_enqueue, outbox_retry)

CALLS: list[tuple[str, dict]] = []
SCRIPT: list[object] = []  # what the fake deliverer does next: "ok", an exception


def fake_deliver(message):
    CALLS.append((message.dedupe_key, message.payload))
    step = SCRIPT.pop(0) if SCRIPT else "ok"
    if isinstance(step, Exception):
        raise step
    return {"ok": True}


@pytest.fixture(autouse=True)
def fake_deliverer(settings):
    CALLS.clear()
    SCRIPT.clear()
    settings.OUTBOX_DELIVERERS = {"test.kind": "tests.outbox.test_outbox.fake_deliver"}
    settings.OUTBOX_MAX_ATTEMPTS = 3


def _due_now(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


@pytest.mark.django_db
def test_enqueue_is_idempotent_on_the_dedupe_key(credit_installation):
    # when
    first = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={"n": 1}, dedupe_key="k1")
    second = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={"n": 2}, dedupe_key="k1")

    # then
    assert second.pk == first.pk
    assert OutboxMessage.objects.get().payload == {"n": 1}


@pytest.mark.django_db
def test_delivery_marks_delivered_and_stores_the_result(credit_installation):
    # given
    message = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={"n": 1}, dedupe_key="k1")

    # when
    status = outbox_deliver(message_id=message.pk)

    # then
    message.refresh_from_db()
    assert status == OutboxStatus.DELIVERED
    assert (message.status, message.attempts, message.result) == (OutboxStatus.DELIVERED, 1, {"ok": True})
    assert outbox_deliver(message_id=message.pk) == "skipped"  # delivered twice → one effect
    assert CALLS == [("k1", {"n": 1})]


@pytest.mark.django_db
def test_transient_failures_back_off_then_succeed(credit_installation):
    # given
    message = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={}, dedupe_key="k1")
    SCRIPT.extend([DeliveryRetry("HTTP 503"), DeliveryRetry("HTTP 503")])

    # when
    before = timezone.now()
    first = outbox_deliver(message_id=message.pk)
    message.refresh_from_db()

    # then
    assert first == OutboxStatus.PENDING
    assert message.last_error == "DeliveryRetry: HTTP 503"
    assert message.next_attempt_at >= before + dt.timedelta(seconds=10)
    assert outbox_deliver(message_id=message.pk) == "skipped"  # not due yet

    # when the backoff passed, twice
    _due_now(message)
    assert outbox_deliver(message_id=message.pk) == OutboxStatus.PENDING
    _due_now(message)
    assert outbox_deliver(message_id=message.pk) == OutboxStatus.DELIVERED
    message.refresh_from_db()
    assert message.attempts == 3


def test_backoff_doubles_and_is_capped_at_an_hour():
    assert [backoff_delay(n).total_seconds() for n in (1, 2, 3, 4, 10, 30)] == [10, 20, 40, 80, 3600, 3600]


@pytest.mark.django_db
def test_after_max_attempts_the_message_is_dead_kept_and_retryable(credit_installation):
    # given
    message = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={}, dedupe_key="k1")
    SCRIPT.extend([DeliveryRetry("down")] * 3)
    for _ in range(3):
        _due_now(message)
        outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DEAD, 3)

    # when
    outbox_retry(message=message)
    _due_now(message)
    status = outbox_deliver(message_id=message.pk)

    # then
    assert status == OutboxStatus.DELIVERED


@pytest.mark.django_db
def test_a_rejected_message_is_dead_at_once(credit_installation):
    # given
    message = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={}, dedupe_key="k1")
    SCRIPT.append(DeliveryRejected("INCORRECT_DETAILS: amount differs"))

    # when
    status = outbox_deliver(message_id=message.pk)

    # then
    message.refresh_from_db()
    assert status == OutboxStatus.DEAD
    assert message.last_error == "INCORRECT_DETAILS: amount differs"


@pytest.mark.django_db
def test_messages_for_one_object_go_in_order(credit_installation):
    # given
    first = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={"n": 1}, dedupe_key="a",
                           ordering_key="tx:1")
    second = outbox_enqueue(installation=credit_installation, kind="test.kind", payload={"n": 2}, dedupe_key="b",
                            ordering_key="tx:1")
    SCRIPT.append(DeliveryRetry("down"))

    # when the first fails, the second waits
    assert outbox_deliver(message_id=first.pk) == OutboxStatus.PENDING
    assert outbox_deliver(message_id=second.pk) == "skipped"

    # then after recovery both go, in order
    _due_now(first)
    outbox_deliver_due()
    assert list(OutboxMessage.objects.order_by("id").values_list("status", flat=True)) == [
        OutboxStatus.DELIVERED, OutboxStatus.DELIVERED]
    assert [key for key, _ in CALLS] == ["a", "a", "b"]
