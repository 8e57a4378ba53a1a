"""The webhook pipeline keeps each installation row per process (installations.selectors
installation_read) and checks it against the row's revision in the statement that claims the
dispatch: a cached row is never acted on once the row changed — a policy saved elsewhere decides
the very next checkout, an uninstall refuses it — and a warm checkout reads no installation row."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_netterms.decisions.engine import CreditPolicy
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.decisions.services import policy_save
from saleor_netterms.installations.models import Installation
from saleor_netterms.installations.selectors import installation_read
from saleor_netterms.installations.services import installation_mark_removed
from saleor_netterms.saleor_webhooks.models import DeliveryOutcome, WebhookDelivery, WebhookDispatch
from tests.app_protocol.conftest import NOTHING, TIS, effects
from tests.fixtures_credit import postgres_only

pytestmark = pytest.mark.django_db

LENIENT = CreditPolicy(name="Lenient")
STRICT = CreditPolicy(name="Strict", review_order_over_median_multiple=Decimal("1"))


def _checkout(fake_saleor, client, n: int, amount: str = "100.00"):
    payload = fake_saleor.payloads.transaction_initialize_session(
        amount=Decimal(amount), transaction_id=f"VHJhbnNhY3Rpb25JdGVtOj{n}=")
    return fake_saleor.deliver(client, TIS, payload)


def _installation_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if 'FROM "installations_installation"' in q["sql"]]


@postgres_only
def test_a_warm_checkout_reads_no_installation_row(client, fake_saleor, installation, buyer):
    # given the installation was read once by this process
    assert _checkout(fake_saleor, client, 1).status_code == 200

    # when
    with CaptureQueriesContext(connection) as queries:
        response = _checkout(fake_saleor, client, 2)

    # then: the revision rides in the dispatch claim; nothing else reads the row
    assert response.status_code == 200 and response.json()["result"] == "AUTHORIZATION_SUCCESS"
    assert _installation_reads(queries) == []
    claims = [q["sql"] for q in queries.captured_queries if "INSERT INTO saleor_webhooks_webhookdispatch" in q["sql"]]
    assert len(claims) == 1 and "SELECT revision FROM installations_installation" in claims[0]


@postgres_only
def test_a_policy_saved_elsewhere_decides_the_next_checkout(client, fake_saleor, installation, buyer):
    # given a saved policy that decided one checkout (the installation row now cached)
    first = policy_save(installation=installation, tier="standard", channel_slug="", policy=LENIENT,
                        actor="anna@example.com")
    assert _checkout(fake_saleor, client, 1, "100.00").json()["result"] == "AUTHORIZATION_SUCCESS"

    # when another process (another Installation instance) saves a stricter version
    second = policy_save(installation=Installation.objects.get(pk=installation.pk), tier="standard",
                         channel_slug="", policy=STRICT, actor="ben@example.com")
    response = _checkout(fake_saleor, client, 2, "200.00")

    # then the new version decided it, not the cached row's
    assert response.status_code == 200
    assert list(DecisionRecord.objects.order_by("id").values_list("policy_version_id", "policy__name")) == [
        (first.pk, "Lenient"), (second.pk, "Strict")]
    assert DecisionRecord.objects.order_by("id").last().outcome == "review"  # 200.00 > 1 × the median (100.00)


@postgres_only
def test_an_uninstalled_installation_is_refused_although_it_was_cached(client, fake_saleor, installation,
                                                                      buyer):
    # given a checkout that cached the installation row
    assert _checkout(fake_saleor, client, 1).status_code == 200
    before = effects()

    # when the installation is removed (Saleor refused its token) and a checkout arrives
    installation_mark_removed(installation=Installation.objects.get(pk=installation.pk), reason="token refused")
    response = _checkout(fake_saleor, client, 2)

    # then it is refused, recorded as refused, and nothing was decided or held
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "INSTALLATION_REMOVED"
    assert effects() == before
    refused = WebhookDelivery.objects.order_by("id").last()
    assert (refused.outcome, refused.validity, refused.error_code) == (
        DeliveryOutcome.REFUSED, False, "INSTALLATION_REMOVED")


@postgres_only
def test_the_revision_changes_with_every_write_of_the_row(installation):
    # given
    first = installation_read(saleor_api_url=installation.saleor_api_url, cached=False)

    # when the row is written through a queryset update (no save(), no auto_now)
    Installation.objects.filter(pk=installation.pk).update(time_zone="Europe/Berlin")
    second = installation_read(saleor_api_url=installation.saleor_api_url, cached=False)
    cached = installation_read(saleor_api_url=installation.saleor_api_url)

    # then
    assert first.revision != second.revision
    assert (cached.cached, cached.revision, cached.installation.time_zone) == (True, second.revision, "Europe/Berlin")


@postgres_only
def test_a_read_only_preview_is_recorded_once_per_delivery_and_claims_no_dispatch(client, fake_saleor,
                                                                                installation, buyer):
    # given the same signed gateway preview delivered twice
    payload = fake_saleor.payloads.payment_gateway_initialize_session(amount=Decimal("180.00"))

    # when
    first = fake_saleor.deliver(client, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload)
    second = fake_saleor.deliver(client, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload)

    # then: the same answer, two delivery rows with their outcome, no dispatch, nothing else written
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.json()["data"]["eligible"] is True
    assert list(WebhookDelivery.objects.values_list("event", "outcome", "dispatch_id", "response_body")) == [
        ("PAYMENT_GATEWAY_INITIALIZE_SESSION", DeliveryOutcome.PROCESSED, None, first.content.decode())] * 2
    assert WebhookDispatch.objects.count() == 0
    assert effects() == NOTHING


@postgres_only
def test_a_read_only_preview_is_refused_once_the_cached_installation_was_removed(client, fake_saleor,
                                                                                installation, buyer):
    # given a preview that cached the installation row
    payload = fake_saleor.payloads.payment_gateway_initialize_session(amount=Decimal("180.00"))
    assert fake_saleor.deliver(client, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload).status_code == 200

    # when the installation is removed elsewhere and the next preview arrives
    installation_mark_removed(installation=Installation.objects.get(pk=installation.pk), reason="token refused")
    response = fake_saleor.deliver(client, "PAYMENT_GATEWAY_INITIALIZE_SESSION", payload)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "INSTALLATION_REMOVED"
    assert list(WebhookDelivery.objects.order_by("id").values_list("outcome", "error_code")) == [
        (DeliveryOutcome.PROCESSED, ""), (DeliveryOutcome.REFUSED, "INSTALLATION_REMOVED")]
