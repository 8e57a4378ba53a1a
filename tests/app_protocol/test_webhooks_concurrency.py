"""Two identical deliveries at the same moment, on real PostgreSQL connections, through the real
checkout handler: one decision, one hold, the same answer twice."""
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.core.money import Money
from saleor_netterms.saleor_webhooks.models import DeliveryOutcome, WebhookDelivery, WebhookDispatch
from tests.app_protocol.conftest import TIS, TX, Effects, effects, postings, table_trigger
from tests.fixtures_credit import postgres_only


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_deliveries_have_one_effect(fake_saleor, installation, buyer):
    # given: the hold's insert takes 300 ms (PostgreSQL sleeps in a trigger), so the first
    # delivery's dispatch transaction is still open when its twin arrives
    payload = fake_saleor.payloads.transaction_initialize_session(transaction_id=TX)
    barrier = threading.Barrier(2)
    responses, errors = [], []

    def deliver():
        try:
            barrier.wait(timeout=5)
            responses.append(fake_saleor.deliver(Client(), TIS, payload))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]

    # when
    with table_trigger("ledger_posting", "PERFORM pg_sleep(0.3); RETURN NEW;"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    # then
    assert errors == []
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    assert responses[0].json()["result"] == "AUTHORIZATION_SUCCESS"
    assert effects() == Effects(decisions=1, decision_audit=1, transactions=1, postings=1, entries=2, outbox=0)
    assert postings() == [("hold", Decimal("180.0000"), "USD")]
    assert NetTermsTransaction.objects.get().psp_reference == responses[0].json()["pspReference"]
    assert credit_summary(company=buyer, currency="USD").holds == Money.of("180.00", "USD")
    assert WebhookDispatch.objects.count() == 1
    assert sorted(WebhookDelivery.objects.values_list("outcome", flat=True)) == sorted(
        [DeliveryOutcome.PROCESSED, DeliveryOutcome.DUPLICATE])
