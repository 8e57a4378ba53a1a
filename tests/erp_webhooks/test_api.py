"""Managing ERP webhook endpoints through the app's GraphQL API (Dashboard page, scripts)."""
import json

import pytest
from django.utils import timezone

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.services import company_status_set
from saleor_netterms.integration_events.models import IntegrationEvent, WebhookAttempt, WebhookEndpoint
from saleor_netterms.outbox.models import OutboxMessage
from tests.api.conftest import gql, gql_raw  # noqa: F401 - fixtures
from tests.fixtures_credit import installation_make

CREATE = """mutation($url: String!, $types: [String!]) {
  erpWebhookEndpointCreate(url: $url, eventTypes: $types, description: "SAP", alertEmail: "fin@shop.example") {
    endpoint { id url eventTypes isActive signingSecrets alertEmail } secret errors { code field message } } }"""
LIST = "{ erpWebhookEndpoints { id url signingSecrets attempts { eventType responseStatus } } }"


@pytest.mark.django_db
def test_an_endpoint_is_created_with_its_secret_shown_once(gql):
    # when
    created = gql(CREATE, {"url": "https://erp.example.com/hooks", "types": ["invoice.issued", "payment.applied"]})
    listed = gql(LIST)

    # then
    answer = created["erpWebhookEndpointCreate"]
    assert answer["errors"] == []
    assert answer["secret"].startswith("whsec_")
    assert answer["endpoint"]["eventTypes"] == ["invoice.issued", "payment.applied"]
    assert (answer["endpoint"]["isActive"], answer["endpoint"]["signingSecrets"]) == (True, 1)
    assert listed["erpWebhookEndpoints"] == [{"id": answer["endpoint"]["id"], "url": "https://erp.example.com/hooks",
                                              "signingSecrets": 1, "attempts": []}]
    stored = WebhookEndpoint.objects.get()
    assert answer["secret"] not in str(stored.secrets)  # encrypted at rest
    assert AuditEntry.objects.filter(action="webhook_endpoint.create", actor="staff@example.com").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("url,types,code,field", [
    ("ftp://erp.example.com", None, "WEBHOOK_URL_REFUSED", "url"),
    ("https://erp.example.com", ["invoice.paid"], "WEBHOOK_ENDPOINT_INVALID", "eventTypes"),
])
def test_a_bad_endpoint_is_refused_with_a_code_and_nothing_written(gql, url, types, code, field):
    # when
    answer = gql(CREATE, {"url": url, "types": types})["erpWebhookEndpointCreate"]

    # then
    assert (answer["endpoint"], answer["secret"]) == (None, None)
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [(code, field)]
    assert WebhookEndpoint.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_rotating_answers_a_new_secret_and_both_sign(gql):
    # given
    endpoint_id = gql(CREATE, {"url": "https://erp.example.com/hooks"})["erpWebhookEndpointCreate"]["endpoint"]["id"]

    # when
    rotated = gql("""mutation($id: ID!) { erpWebhookSecretRotate(id: $id, overlapHours: 12) {
        endpoint { signingSecrets } secret errors { code } } }""", {"id": endpoint_id})["erpWebhookSecretRotate"]

    # then
    assert rotated["errors"] == []
    assert rotated["secret"].startswith("whsec_")
    assert rotated["endpoint"]["signingSecrets"] == 2


@pytest.mark.django_db
def test_another_installations_endpoint_is_not_found(gql, credit_installation):
    # given
    other = installation_make()
    endpoint_id = gql(CREATE, {"url": "https://erp.example.com/h"}, installation=other)[
        "erpWebhookEndpointCreate"]["endpoint"]["id"]

    # when
    answer = gql("""mutation($id: ID!) { erpWebhookEndpointDelete(id: $id) { deleted errors { code field } } }""",
                 {"id": endpoint_id})["erpWebhookEndpointDelete"]

    # then
    assert answer == {"deleted": False, "errors": [{"code": "NOT_FOUND", "field": "id"}]}
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.django_db
def test_events_are_listed_since_a_cursor_and_can_be_redelivered(gql, company):
    # given
    endpoint_id = gql(CREATE, {"url": "https://erp.example.com/h"})["erpWebhookEndpointCreate"]["endpoint"]["id"]
    company_status_set(company=company, status="on_hold", reason="Audit")
    last_before = IntegrationEvent.objects.exclude(type="account.status_changed").order_by("id").last().pk

    # when
    listed = gql("""query($after: Int) { integrationEvents(after: $after) { id type sequence subjectType subjectId
        body } }""", {"after": last_before})["integrationEvents"]
    redelivered = gql("""mutation($e: ID!, $ep: ID!) { erpWebhookEventRedeliver(endpointId: $ep, eventId: $e) {
        queued errors { code } } }""", {"e": listed[0]["id"], "ep": endpoint_id})["erpWebhookEventRedeliver"]

    # then
    event = IntegrationEvent.objects.get(type="account.status_changed")
    assert [(e["id"], e["type"], e["sequence"], e["subjectType"], e["subjectId"]) for e in listed] == [
        (event.public_id, "account.status_changed.v1", event.pk, "company", str(company.pk))]
    assert json.loads(listed[0]["body"])["data"]["status"] == "on_hold"
    assert redelivered == {"queued": True, "errors": []}
    # the first delivery had not been made yet: it is restarted rather than doubled
    assert list(OutboxMessage.objects.filter(kind="erp.webhook").values_list("status", "attempts")) == [("pending", 0)]


@pytest.mark.django_db
def test_the_event_type_catalogue_links_every_schema(gql):
    # when
    types = gql("{ integrationEventTypes { type version schemaUrl } }")["integrationEventTypes"]

    # then
    assert len(types) == 21  # 13 of the domains + 8 of collections (dunning, holds, disputes)
    assert {"type": "payment.applied", "version": 1,
            "schemaUrl": "http://127.0.0.1:8000/webhooks/schemas/payment.applied.v1.json"} in types


@pytest.mark.django_db
def test_the_event_log_and_the_delivery_log_are_paged_newest_first_with_their_total_count(gql, gql_raw, company):
    # given: three status changes, and four deliveries of them to one endpoint
    endpoint_id = gql(CREATE, {"url": "https://erp.example.com/h"})["erpWebhookEndpointCreate"]["endpoint"]["id"]
    for status in ("on_hold", "active", "on_hold"):
        company_status_set(company=company, status=status, reason="Audit")
    changes = list(IntegrationEvent.objects.filter(type="account.status_changed").order_by("id"))
    everything = IntegrationEvent.objects.filter(installation=company.installation).count()
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    attempts = [WebhookAttempt.objects.create(endpoint=endpoint, event=changes[n % 3], outbox_message_id=n,
                                              attempted_at=timezone.now(), response_status=200, succeeded=True)
                for n in range(4)]

    # when
    events = gql("""{ integrationEventPage(first: 2, types: ["account.status_changed"]) {
        totalCount items { id } } }""")["integrationEventPage"]
    second = gql("""{ integrationEventPage(first: 1, offset: 1) { totalCount items { id } } }""")["integrationEventPage"]
    log = gql("""query($id: ID!) { erpWebhookEndpoint(id: $id) { attemptPage(first: 3) { totalCount items { id } } } }""",
              {"id": endpoint_id})["erpWebhookEndpoint"]["attemptPage"]
    refused = gql_raw("{ integrationEventPage(first: 500) { totalCount } }")

    # then
    assert events == {"totalCount": 3, "items": [{"id": changes[2].public_id}, {"id": changes[1].public_id}]}
    assert second == {"totalCount": everything, "items": [{"id": changes[1].public_id}]}
    assert log == {"totalCount": 4, "items": [{"id": str(a.pk)} for a in reversed(attempts[1:])]}
    assert refused.errors[0].extensions["code"] == "INVALID_PAGINATION"
