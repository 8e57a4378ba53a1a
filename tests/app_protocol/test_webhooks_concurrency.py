"""Two identical deliveries at the same moment, on real PostgreSQL connections: one effect."""
import threading

import pytest
from django.db import connection
from django.test import Client

from saleor_netterms.saleor_webhooks.models import DeliveryOutcome, WebhookDelivery, WebhookDispatch
from tests.app_protocol.conftest import RecordingHandler

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_deliveries_have_one_effect(fake_saleor, installation, handler):
    # given
    assert connection.vendor == "postgresql"
    handler.delay = 0.3  # hold the dispatch transaction open while the twin arrives
    payload = fake_saleor.payloads.transaction_initialize_session()
    barrier = threading.Barrier(2)
    responses, errors = [], []

    def deliver():
        try:
            barrier.wait(timeout=5)
            responses.append(fake_saleor.deliver(Client(), "TRANSACTION_INITIALIZE_SESSION", payload))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    assert errors == []
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    assert len(handler.runs) == 1
    assert RecordingHandler.effects() == 1
    assert WebhookDispatch.objects.count() == 1
    assert sorted(WebhookDelivery.objects.values_list("outcome", flat=True)) == sorted(
        [DeliveryOutcome.PROCESSED, DeliveryOutcome.DUPLICATE])
