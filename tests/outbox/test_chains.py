"""A dead message holds back its object's later messages: they are marked blocked, the chain is
logged as an alert, and a person retries or skips the dead one to let the chain go on."""
import datetime as dt
import logging

import pytest
from django.utils import timezone

from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import (DeliveryRejected, OutboxActionRefused,
                                             outbox_deliver, outbox_deliver_due, outbox_enqueue,
                                             outbox_retry, outbox_skip)
from tests.outbox.test_outbox import CALLS, SCRIPT, fake_deliverer  # noqa: F401 - the autouse fixture

KEY = "transaction:VHJhbnNhY3Rpb246MQ=="


def _enqueue(installation, dedupe_key: str, ordering_key: str = KEY, **payload) -> OutboxMessage:
    return outbox_enqueue(installation=installation, kind="test.kind", payload=payload or {"n": dedupe_key},
                          dedupe_key=dedupe_key, ordering_key=ordering_key)


def _states() -> list[tuple[str, str, str | None]]:
    return [(m.dedupe_key, m.status, m.blocked_by.dedupe_key if m.blocked_by else None)
            for m in OutboxMessage.objects.order_by("id").select_related("blocked_by")]


def _chain_with_dead_head(installation, error: str = "INCORRECT_DETAILS: amount differs"):
    """charge → note → refund for one transaction, the charge refused by Saleor at the first tick."""
    charge = _enqueue(installation, "charge")
    note = _enqueue(installation, "note")
    refund = _enqueue(installation, "refund")
    SCRIPT.append(DeliveryRejected(error))
    outbox_deliver_due()
    return charge, note, refund


@pytest.mark.django_db
def test_a_dead_message_blocks_its_objects_later_messages_and_says_so(credit_installation, caplog):
    # given: a charge report, a note and a refund for one transaction, one message for another
    charge = _enqueue(credit_installation, "charge")
    note = _enqueue(credit_installation, "note")
    _enqueue(credit_installation, "refund")
    _enqueue(credit_installation, "other-object", ordering_key="transaction:other")
    SCRIPT.append(DeliveryRejected("INCORRECT_DETAILS: amount differs"))

    # when: Saleor refuses the charge
    with caplog.at_level(logging.ERROR, logger="saleor_netterms.outbox.services"):
        counts = outbox_deliver_due()

    # then
    assert counts == {"dead": 1, "delivered": 1}
    assert _states() == [("charge", "dead", None), ("note", "blocked", "charge"),
                         ("refund", "blocked", "charge"), ("other-object", "delivered", None)]
    alerts = [r for r in caplog.records if r.getMessage() == "outbox: chain blocked by a dead message"]
    assert [(a.levelname, a.message_id, a.ordering_key, a.blocked, a.error) for a in alerts] == [
        ("ERROR", charge.pk, KEY, 2, "INCORRECT_DETAILS: amount differs")]
    assert [key for key, _ in CALLS] == ["charge", "other-object"]

    # and: a message enqueued later for the same object is blocked at once, with an alert
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="saleor_netterms.outbox.services"):
        late = _enqueue(credit_installation, "late-note")
    late.refresh_from_db()
    assert (late.status, late.blocked_by_id) == (OutboxStatus.BLOCKED, charge.pk)
    assert [r.getMessage() for r in caplog.records] == ["outbox: new message blocked behind a dead message"]
    assert outbox_deliver(message_id=note.pk) == "skipped"
    assert outbox_deliver_due() == {}
    assert [key for key, _ in CALLS] == ["charge", "other-object"]


@pytest.mark.django_db
def test_retrying_the_dead_message_sends_it_then_its_chain_in_order(credit_installation):
    # given
    charge, _, _ = _chain_with_dead_head(credit_installation)
    assert [s for _, s, _ in _states()] == ["dead", "blocked", "blocked"]

    # when
    retried = outbox_retry(message=charge)
    assert _states() == [("charge", "pending", None), ("note", "pending", None), ("refund", "pending", None)]
    assert retried.attempts == 0
    outbox_deliver_due()

    # then
    assert _states() == [("charge", "delivered", None), ("note", "delivered", None),
                         ("refund", "delivered", None)]
    assert [key for key, _ in CALLS] == ["charge", "charge", "note", "refund"]


@pytest.mark.django_db
def test_a_retried_message_that_dies_again_blocks_its_chain_again(credit_installation):
    # given
    charge, _, _ = _chain_with_dead_head(credit_installation)

    # when
    outbox_retry(message=charge)
    SCRIPT.append(DeliveryRejected("INCORRECT_DETAILS again"))
    outbox_deliver_due()

    # then
    assert _states() == [("charge", "dead", None), ("note", "blocked", "charge"), ("refund", "blocked", "charge")]
    charge.refresh_from_db()
    assert (charge.last_error, charge.attempts) == ("INCORRECT_DETAILS again", 1)
    assert [key for key, _ in CALLS] == ["charge", "charge"]


@pytest.mark.django_db
def test_skipping_the_dead_message_lets_its_chain_go_and_keeps_it_as_skipped(credit_installation):
    # given
    charge, _, _ = _chain_with_dead_head(credit_installation, "NOT_FOUND: transaction deleted in Saleor")

    # when
    outbox_skip(message=charge, actor="staff@example.com", reason="Transaction deleted in Saleor")
    outbox_deliver_due()

    # then
    charge.refresh_from_db()
    assert (charge.status, charge.skipped_by, charge.skip_reason, charge.delivered_at, charge.last_error) == (
        OutboxStatus.SKIPPED, "staff@example.com", "Transaction deleted in Saleor", None,
        "NOT_FOUND: transaction deleted in Saleor")
    assert charge.skipped_at is not None
    assert _states() == [("charge", "skipped", None), ("note", "delivered", None), ("refund", "delivered", None)]
    assert [key for key, _ in CALLS] == ["charge", "note", "refund"]


@pytest.mark.django_db
def test_retry_and_skip_are_refused_with_a_code_unless_the_message_is_dead(credit_installation):
    # given
    charge, note, _ = _chain_with_dead_head(credit_installation)
    delivered = _enqueue(credit_installation, "elsewhere", ordering_key="")
    outbox_deliver_due()
    before = _states()

    # when / then: the blocked one points at its head; a delivered one cannot be touched
    with pytest.raises(OutboxActionRefused) as blocked:
        outbox_retry(message=note)
    assert blocked.value.code == "OUTBOX_MESSAGE_BLOCKED"
    assert blocked.value.merchant_message == (
        f"This message waits behind message {charge.pk}, which Saleor refused: retry that one instead.")
    with pytest.raises(OutboxActionRefused) as done:
        outbox_skip(message=delivered, actor="staff@example.com", reason="x")
    assert (done.value.code, done.value.merchant_message) == (
        "OUTBOX_MESSAGE_NOT_DEAD", "Only a failed message can be skipped; this one is delivered.")
    with pytest.raises(OutboxActionRefused) as no_reason:
        outbox_skip(message=charge, actor="staff@example.com", reason="  ")
    assert no_reason.value.code == "REASON_REQUIRED"
    assert _states() == before


@pytest.mark.django_db
def test_a_message_enqueued_while_its_head_died_is_blocked_by_the_next_tick(credit_installation):
    # given: a pending message behind a dead one that escaped the blocking (a race at enqueue)
    _chain_with_dead_head(credit_installation)
    straggler = OutboxMessage.objects.create(
        installation=credit_installation, kind="test.kind", payload={}, dedupe_key="straggler",
        ordering_key=KEY, next_attempt_at=timezone.now() - dt.timedelta(seconds=1))

    # when
    counts = outbox_deliver_due()

    # then
    assert counts == {"blocked": 1}
    straggler.refresh_from_db()
    assert straggler.status == OutboxStatus.BLOCKED
    assert straggler.blocked_by.dedupe_key == "charge"
