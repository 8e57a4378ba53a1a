"""Scheduled pruning (issue 8 §3): old webhook deliveries, dispatches and delivered outbox messages
go after their retention; nothing a duplicate could still need goes earlier; pending and dead
messages stay."""
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import outbox_prune_delivered
from saleor_netterms.saleor_webhooks.models import WebhookDelivery, WebhookDispatch
from saleor_netterms.saleor_webhooks.retention import webhook_records_prune


def _age(model, days: int, field: str, **filters):
    model.objects.filter(**filters).update(**{field: timezone.now() - timedelta(days=days)})


@pytest.mark.django_db
def test_deliveries_and_dispatches_are_pruned_after_their_retention(client, fake_saleor, installation):
    # given: a processed delivery and its duplicate 100 days old, a fresh one, a refused one 8 days old
    old = fake_saleor.payloads.order_created()
    assert fake_saleor.deliver(client, "ORDER_CREATED", old).status_code == 200
    assert fake_saleor.deliver(client, "ORDER_CREATED", old).status_code == 200
    _age(WebhookDelivery, 100, "received_at")
    _age(WebhookDispatch, 100, "processed_at")
    assert fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created()).status_code == 200
    refused = fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created(),
                                  signature="not-a-jws")
    assert refused.status_code == 401
    _age(WebhookDelivery, 8, "received_at", outcome="refused")

    # when the daily job runs (twice: it is idempotent)
    first = webhook_records_prune()
    second = webhook_records_prune()

    # then only the fresh delivery and its dispatch are left
    assert first == {"dispatches": 1, "deliveries": 3}
    assert second == {"dispatches": 0, "deliveries": 0}
    assert list(WebhookDelivery.objects.values_list("outcome", flat=True)) == ["processed"]
    assert WebhookDispatch.objects.count() == 1


@pytest.mark.django_db
def test_a_delivery_whose_dispatch_is_kept_stays_so_duplicates_still_get_the_stored_answer(
        client, fake_saleor, installation):
    # given a delivery 40 days old (past the 30-day delivery retention), its dispatch within 90 days
    payload = fake_saleor.payloads.order_created()
    assert fake_saleor.deliver(client, "ORDER_CREATED", payload).status_code == 200
    _age(WebhookDelivery, 40, "received_at")
    _age(WebhookDispatch, 40, "processed_at")

    # when
    result = webhook_records_prune()
    duplicate = fake_saleor.deliver(client, "ORDER_CREATED", payload)

    # then
    assert result == {"dispatches": 0, "deliveries": 0}
    assert duplicate.status_code == 200
    assert list(WebhookDelivery.objects.values_list("outcome", flat=True)) == ["processed", "duplicate"]


@pytest.mark.django_db
def test_the_dispatch_retention_is_never_shorter_than_a_day(client, fake_saleor, installation, settings):
    # given an operator setting 0 days
    settings.WEBHOOK_DISPATCH_RETENTION_DAYS = 0
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 0
    assert fake_saleor.deliver(client, "ORDER_CREATED", fake_saleor.payloads.order_created()).status_code == 200
    _age(WebhookDispatch, 0, "processed_at")

    # when
    result = webhook_records_prune()

    # then the dispatch (and the delivery it points at) stay for a day
    assert result == {"dispatches": 0, "deliveries": 0}
    assert WebhookDispatch.objects.count() == 1


@pytest.mark.django_db
def test_delivered_outbox_messages_are_pruned_pending_and_dead_ones_stay(installation):
    # given
    now = timezone.now()
    for status, delivered_days_ago in [(OutboxStatus.DELIVERED, 91), (OutboxStatus.DELIVERED, 10),
                                       (OutboxStatus.PENDING, None), (OutboxStatus.DEAD, None)]:
        OutboxMessage.objects.create(
            installation=installation, kind="saleor.order_note_add", payload={}, status=status,
            dedupe_key=f"{status}-{delivered_days_ago}", next_attempt_at=now - timedelta(days=200),
            delivered_at=now - timedelta(days=delivered_days_ago) if delivered_days_ago else None)

    # when
    deleted = outbox_prune_delivered()

    # then
    assert deleted == 1
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == [
        "dead-None", "delivered-10", "pending-None"]


def test_the_prune_jobs_are_scheduled_daily():
    # then
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["saleor_netterms.saleor_webhooks.tasks.webhook_records_prune_task"] == 86400.0
    assert schedule["saleor_netterms.outbox.tasks.outbox_prune_task"] == 86400.0
