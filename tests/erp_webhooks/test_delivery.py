"""ERP webhooks end to end against a real receiver on loopback that verifies every delivery with
the `standardwebhooks` package: signatures, retries after 500s and timeouts, per-subject order,
one event per id across redeliveries, secret rotation, giving up, disabling, replay."""
import datetime as dt
import json
import time
from collections import deque

import pytest
from django.core import mail
from django.utils import timezone

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.services import company_status_set
from saleor_netterms.erp_webhooks.delivery import retry_schedule
from saleor_netterms.erp_webhooks.services import (endpoint_create, endpoint_secret_rotate, endpoint_update,
                                                  event_redeliver, events_replay)
from saleor_netterms.integration_events.errors import WebhookUrlRefused
from saleor_netterms.integration_events.models import IntegrationEvent, WebhookAttempt, WebhookEndpoint
from saleor_netterms.integration_events.services import event_envelope
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_deliver, outbox_deliver_due

from .receiver import start_receiver


@pytest.fixture
def receiver():
    rcv, server = start_receiver([])
    yield rcv
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver, credit_installation):
    ep, secret = endpoint_create(installation=credit_installation, url=receiver.url, description="SAP PI",
                                 alert_email="finance@shop.example", actor="staff@shop.example")
    receiver.secrets.append(secret)
    return ep


def time_passes():
    """Every waiting delivery becomes due (as if its retry delay had elapsed), then beat runs."""
    OutboxMessage.objects.filter(kind="erp.webhook", status="pending").update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    return outbox_deliver_due()


def hold(company, reason="Cheque bounced"):
    company_status_set(company=company, status="on_hold", reason=reason)


def release(company):
    company_status_set(company=company, status="active", reason="")


def messages():
    return list(OutboxMessage.objects.filter(kind="erp.webhook").order_by("id"))


@pytest.mark.django_db
def test_an_event_is_delivered_signed_with_standard_webhooks(company, endpoint, receiver):
    # given
    hold(company)
    event = IntegrationEvent.objects.get(type="account.status_changed")

    # when
    time_passes()

    # then
    [delivery] = receiver.deliveries
    assert delivery.verified_with == [0]
    assert delivery.webhook_id == event.public_id
    assert delivery.headers["webhook-signature"].startswith("v1,")
    assert delivery.headers["content-type"] == "application/json"
    assert abs(int(delivery.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert json.loads(delivery.body) == event_envelope(event)
    [message] = messages()
    assert (message.status, message.attempts, message.result) == ("delivered", 1, {"status": 200, "attempt": 1})
    [attempt] = WebhookAttempt.objects.all()
    assert (attempt.response_status, attempt.succeeded, attempt.error, attempt.trigger) == (200, True, "", "event")
    assert attempt.response_body == '{"received": true}'
    endpoint.refresh_from_db()
    assert (endpoint.failing_since, endpoint.last_success_at) == (None, attempt.attempted_at)


@pytest.mark.django_db
def test_500s_and_timeouts_are_retried_with_backoff_and_the_receiver_sees_one_event(
        company, endpoint, receiver, settings):
    # given
    settings.ERP_WEBHOOK_TIMEOUT_S = 0.5
    receiver.script = deque([500, ("sleep", 1.2, 200), 200])
    hold(company)

    # when
    first = time_passes()
    after_first = OutboxMessage.objects.get(kind="erp.webhook")
    second = time_passes()
    after_second = OutboxMessage.objects.get(kind="erp.webhook")
    third = time_passes()
    deadline = time.monotonic() + 5
    while len(receiver.deliveries) < 3 and time.monotonic() < deadline:  # the late answer lands
        time.sleep(0.05)

    # then
    assert (first, second, third) == ({"pending": 1}, {"pending": 1}, {"delivered": 1})
    attempts = list(WebhookAttempt.objects.order_by("id"))
    assert [(a.response_status, a.error, a.succeeded) for a in attempts] == [
        (500, "", False), (None, "timeout after 0.5 s", False), (200, "", True)]
    assert 30 <= (after_first.next_attempt_at - attempts[0].attempted_at).total_seconds() < 32
    assert 60 <= (after_second.next_attempt_at - attempts[1].attempted_at).total_seconds() < 62
    assert (after_first.last_error, after_second.last_error) == ("DeliveryRetry: HTTP 500",
                                                                 "DeliveryRetry: timeout after 0.5 s")
    assert len(receiver.deliveries) == 3  # the timed-out one arrived late: same id, same body
    assert len({d.webhook_id for d in receiver.deliveries}) == 1
    assert len({d.body for d in receiver.deliveries}) == 1
    assert len(receiver.accepted) == 1


@pytest.mark.django_db
def test_events_of_one_subject_stay_in_order_and_other_subjects_do_not_wait(
        company_factory, endpoint, receiver):
    # given: company A's receiver answers 500 to A's first event
    a, b = company_factory(legal_name="A GmbH"), company_factory(legal_name="B GmbH")
    endpoint_update(endpoint=endpoint, event_types=["account.status_changed"])
    OutboxMessage.objects.filter(kind="erp.webhook").delete()  # the companies' creation is not this story
    receiver.script = deque([500])
    hold(a)
    release(a)
    hold(b, reason="Audit")

    # when
    time_passes()
    during_outage = [body["data"]["company"]["legalName"] + ":" + body["data"]["status"] for body in receiver.accepted]
    time_passes()

    # then
    assert during_outage == ["B GmbH:on_hold"]  # A's second event waited behind A's first
    assert [body["data"]["company"]["legalName"] + ":" + body["data"]["status"] for body in receiver.accepted] == [
        "B GmbH:on_hold", "A GmbH:on_hold", "A GmbH:active"]
    sequences = [body["sequence"] for body in receiver.accepted if body["data"]["company"]["legalName"] == "A GmbH"]
    assert sequences == sorted(sequences)


@pytest.mark.django_db
def test_a_redelivered_event_carries_the_same_id_and_body_and_is_processed_once(company, endpoint, receiver):
    # given
    hold(company)
    time_passes()
    event = IntegrationEvent.objects.get(type="account.status_changed")

    # when
    event_redeliver(event=event, endpoint=endpoint, actor="staff@shop.example")
    time_passes()

    # then
    assert [d.webhook_id for d in receiver.deliveries] == [event.public_id, event.public_id]
    assert receiver.deliveries[0].body == receiver.deliveries[1].body
    assert len(receiver.accepted) == 1
    assert [a.trigger for a in WebhookAttempt.objects.order_by("id")] == ["event", "redeliver"]
    assert AuditEntry.objects.filter(action="webhook_event.redeliver").count() == 1


@pytest.mark.django_db
def test_redelivering_a_dead_delivery_restarts_it_and_releases_the_events_behind_it(
        company, endpoint, receiver, settings):
    # given: the first delivery gave up; a later event of the same subject waits behind it
    settings.ERP_WEBHOOK_RETRY_WINDOW_HOURS = 0.01  # 36 s: one retry
    receiver.script = deque([500, 500])
    hold(company)
    time_passes()
    time_passes()
    release(company)
    time_passes()
    first, second = messages()
    assert (first.status, second.status) == ("dead", "blocked")  # held back behind the dead one (outbox chains)
    event = IntegrationEvent.objects.filter(type="account.status_changed").order_by("id").first()

    # when
    event_redeliver(event=event, endpoint=endpoint)
    time_passes()

    # then
    assert [body["data"]["status"] for body in receiver.accepted] == ["on_hold", "active"]
    assert [m.status for m in messages()] == ["delivered", "delivered"]


@pytest.mark.django_db
def test_after_a_rotation_both_secrets_sign_until_the_old_one_expires(company, endpoint, receiver):
    # given
    old = receiver.secrets[0]
    new = endpoint_secret_rotate(endpoint=endpoint, actor="staff@shop.example", overlap=dt.timedelta(hours=24))
    receiver.secrets = [old, new]

    # when
    hold(company)
    time_passes()
    endpoint_secret_rotate(endpoint=endpoint, overlap=dt.timedelta(0))  # a third secret; the others expire now
    newest = WebhookEndpoint.objects.get(pk=endpoint.pk)
    release(company)
    time_passes()

    # then
    during, after = receiver.deliveries
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verified_with == [0, 1]  # a receiver with either secret accepts it
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after.verified_with == []  # neither old secret verifies any more
    assert after.status == 401
    assert [e["id"] for e in newest.secrets] == [3, 2, 1]
    assert new.startswith("whsec_") and new != old


@pytest.mark.django_db
def test_a_delivery_gives_up_when_the_next_retry_would_fall_outside_the_window(company, endpoint, receiver, settings):
    # given: a 3-minute window: waits of 30 s, 60 s (90 s in all); a 120 s wait would pass 180 s
    settings.ERP_WEBHOOK_RETRY_WINDOW_HOURS = 0.05
    receiver.script = deque([500, 500, 500, 500])
    hold(company)

    # when
    outcomes = [time_passes() for _ in range(4)]

    # then
    assert outcomes == [{"pending": 1}, {"pending": 1}, {"dead": 1}, {}]
    message = messages()[0]
    assert message.last_error == "HTTP 500; gave up after 3 attempts (0.05 h)"
    assert [round(w.total_seconds()) for w in retry_schedule()] == [30, 60]


def test_the_default_schedule_retries_for_three_days(settings):
    # when
    waits = [round(w.total_seconds()) for w in retry_schedule()]

    # then
    assert waits[:10] == [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360]
    assert set(waits[10:]) == {21600}
    assert sum(waits) <= 72 * 3600 < sum(waits) + 21600
    assert len(waits) == 20


@pytest.mark.django_db
def test_an_endpoint_failing_for_days_is_disabled_and_the_merchant_alerted(company, endpoint, receiver, settings):
    # given: it has been failing for 5 days
    settings.ERP_WEBHOOK_DISABLE_AFTER_HOURS = 120
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - dt.timedelta(hours=121))
    receiver.script = deque([503])
    hold(company)

    # when
    outcome = time_passes()
    alert = OutboxMessage.objects.get(kind="email.erp_webhook_disabled")
    outbox_deliver(message_id=alert.pk)
    release(company)

    # then
    assert outcome == {"dead": 1, "delivered": 1}  # the alert e-mail, enqueued by the tick, leaves in it too
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert endpoint.disabled_reason.startswith("Failing since ")
    assert endpoint.disabled_reason.endswith("UTC; last error: HTTP 503")
    assert AuditEntry.objects.filter(action="webhook_endpoint.disabled", object_id=str(endpoint.pk)).count() == 1
    assert [m.to for m in mail.outbox] == [["finance@shop.example"]]
    assert mail.outbox[0].subject == f"[Net Terms] ERP webhook endpoint disabled: {endpoint.url}"
    assert len(messages()) == 1  # a disabled endpoint gets no new deliveries


@pytest.mark.django_db
def test_replaying_a_time_range_sends_those_events_in_sequence_with_their_ids(company_factory, credit_installation,
                                                                             receiver):
    # given: events happened before the endpoint existed
    a = company_factory(legal_name="A GmbH")
    hold(a)
    release(a)
    start = IntegrationEvent.objects.order_by("id").first().occurred_at
    endpoint, secret = endpoint_create(installation=credit_installation, url=receiver.url,
                                       event_types=["account.status_changed", "company.created"])
    receiver.secrets.append(secret)

    # when
    queued = events_replay(endpoint=endpoint, since=start, until=timezone.now() + dt.timedelta(seconds=1))
    time_passes()

    # then
    expected = list(IntegrationEvent.objects.filter(type__in=["account.status_changed", "company.created"])
                    .order_by("id"))
    assert queued == 3
    assert [body["id"] for body in receiver.accepted] == [e.public_id for e in expected]
    assert [body["type"] for body in receiver.accepted] == [
        "company.created.v1", "account.status_changed.v1", "account.status_changed.v1"]
    assert {a.trigger for a in WebhookAttempt.objects.all()} == {"replay"}


@pytest.mark.django_db
def test_only_subscribed_types_reach_active_endpoints(company, credit_installation, receiver):
    # given
    only_limits, _ = endpoint_create(installation=credit_installation, url=receiver.url,
                                     event_types=["credit_limit.changed"])
    paused, _ = endpoint_create(installation=credit_installation, url=receiver.url)
    endpoint_update(endpoint=paused, is_active=False)

    # when
    hold(company)

    # then
    assert messages() == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hook", "https://127.0.0.1/hook", "https://10.1.2.3/hook",
                                 "https://[::1]/hook", "https://169.254.169.254/latest", "https://192.168.0.10/",
                                 "https://100.64.0.1/", "https://user:pw@93.184.215.14/", "ftp://93.184.215.14/"])
def test_production_refuses_private_loopback_and_non_https_targets(credit_installation, settings, url):
    # given
    settings.ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    # when
    with pytest.raises(WebhookUrlRefused) as exc:
        endpoint_create(installation=credit_installation, url=url)

    # then
    assert exc.value.code == "WEBHOOK_URL_REFUSED"
    assert WebhookEndpoint.objects.count() == 0
    assert AuditEntry.objects.filter(action="webhook_endpoint.create").count() == 0


@pytest.mark.django_db
def test_production_accepts_public_https_and_private_targets_when_allowed(credit_installation, settings):
    # given
    settings.ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    # when
    public, _ = endpoint_create(installation=credit_installation, url="https://93.184.215.14/netterms")
    settings.ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    private, _ = endpoint_create(installation=credit_installation, url="http://10.1.2.3:8080/hook")

    # then
    assert (public.url, private.url) == ("https://93.184.215.14/netterms", "http://10.1.2.3:8080/hook")


@pytest.mark.django_db
def test_a_target_refused_at_delivery_time_is_logged_and_retried(company, endpoint, receiver, settings):
    # given: saved in development, delivered in production mode
    settings.ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    hold(company)

    # when
    outcome = time_passes()

    # then
    assert outcome == {"pending": 1}
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.response_status is None
    assert attempt.error.startswith("WEBHOOK_URL_REFUSED: plain http in production")
    assert receiver.deliveries == []
