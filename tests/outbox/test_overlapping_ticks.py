"""Overlapping delivery ticks never send a message twice: four ticks at once on real PostgreSQL
connections share 80 due messages, each sent exactly once, each object's messages in order."""
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import outbox_deliver_due
from tests.fixtures_credit import postgres_only

SENT: list[tuple[str, str]] = []
_SENT_LOCK = threading.Lock()


def slow_deliver(message):
    """The other system: takes 20 ms per message, so the ticks overlap."""
    time.sleep(0.02)
    with _SENT_LOCK:
        SENT.append((message.ordering_key, message.dedupe_key))
    return {"ok": True}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_overlapping_ticks_send_every_due_message_exactly_once_in_order(credit_installation, settings):
    # given: 20 objects with 3 messages each, 20 messages of no object, all due
    assert connection.vendor == "postgresql"
    settings.OUTBOX_DELIVERERS = {"test.slow": "tests.outbox.test_overlapping_ticks.slow_deliver"}
    SENT.clear()
    now = timezone.now()
    rows = []
    for n in range(20):
        for step in range(3):
            rows.append(OutboxMessage(installation=credit_installation, kind="test.slow", payload={},
                                      dedupe_key=f"tx{n}:{step}", ordering_key=f"tx{n}", next_attempt_at=now))
        rows.append(OutboxMessage(installation=credit_installation, kind="test.slow", payload={},
                                  dedupe_key=f"single{n}", next_attempt_at=now))
    OutboxMessage.objects.bulk_create(rows)
    start = threading.Barrier(4)
    results, errors = [], []

    def tick():
        try:
            start.wait(timeout=10)
            # each tick keeps ticking until it finds nothing, like beat every 30 s
            while True:
                counts = outbox_deliver_due()
                results.append(counts)
                if not counts:
                    return
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(4)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then
    assert errors == []
    sent = Counter(key for _, key in SENT)
    assert len(sent) == 80 and set(sent.values()) == {1}
    for n in range(20):
        assert [key for ordering, key in SENT if ordering == f"tx{n}"] == [f"tx{n}:0", f"tx{n}:1", f"tx{n}:2"]
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.DELIVERED, 1)}
    assert sum(counts.get("delivered", 0) for counts in results) <= 80
    assert sum(1 for counts in results if counts.get("delivered")) >= 2  # the ticks really shared the work
