"""GraphQL operations of the ERP area, composed into the schema by api/schema.py: webhook
endpoints (the secret is answered once, on create and rotate), their delivery log, manual
redelivery and replay, and the integration events themselves."""
from __future__ import annotations

import datetime as dt

import graphene
from django.conf import settings

from saleor_netterms.core.business_time import business_today
from saleor_netterms.erp import accounting
from saleor_netterms.erp import services as erp_services
from saleor_netterms.erp.models import SCOPES, ErpApiKey
from saleor_netterms.erp_webhooks import services as webhook_services
from saleor_netterms.integration_events import catalogue
from saleor_netterms.integration_events import selectors as event_selectors
from saleor_netterms.integration_events.models import IntegrationEvent, WebhookEndpoint
from saleor_netterms.integration_events.services import event_envelope
from saleor_netterms.masters.selectors import masters_get

from .context import actor_of, installation_of
from .errors import ApiInputError, not_found
from .inputs import pk_parse
from .lists import limit_parse, list_page, page_type
from .mutations import _errors, _run
from .types import coded


class IntegrationEventType(graphene.ObjectType):
    class Meta:
        name = "IntegrationEvent"
        description = "One outbound event, exactly as webhooks and GET /erp/v1/events carry it."

    id = graphene.ID(required=True, description="evt_…: also the webhook-id of every delivery.")
    type = graphene.String(required=True, description="With its version, e.g. invoice.issued.v1.")
    sequence = graphene.Int(required=True)
    time = graphene.DateTime(required=True)
    subject_type = graphene.String(required=True)
    subject_id = graphene.String(required=True)
    body = graphene.JSONString(required=True, description="The whole envelope sent to ERPs.")

    @staticmethod
    def resolve_id(root, info):
        return root.public_id

    @staticmethod
    def resolve_type(root, info):
        return root.versioned_type

    @staticmethod
    def resolve_sequence(root, info):
        return root.pk

    @staticmethod
    def resolve_time(root, info):
        return root.occurred_at

    @staticmethod
    def resolve_body(root, info):
        return event_envelope(root)


class WebhookAttemptType(graphene.ObjectType):
    class Meta:
        name = "WebhookAttempt"
        description = "One HTTP attempt in an endpoint's delivery log."

    id = graphene.ID(required=True)
    event_id = graphene.ID(required=True)
    event_type = graphene.String(required=True)
    subject = graphene.String(required=True)
    attempted_at = graphene.DateTime(required=True)
    duration_ms = graphene.Int(required=True)
    response_status = graphene.Int(description="Null when no answer came (timeout, refused).")
    response_body = graphene.String(required=True)
    error = graphene.String(required=True)
    succeeded = graphene.Boolean(required=True)
    trigger = graphene.String(required=True, description="event, redeliver or replay.")

    @staticmethod
    def resolve_event_id(root, info):
        return root.event.public_id

    @staticmethod
    def resolve_event_type(root, info):
        return root.event.versioned_type

    @staticmethod
    def resolve_subject(root, info):
        return f"{root.event.subject_type}:{root.event.subject_id}"


WebhookAttemptPage = page_type("WebhookAttempt", WebhookAttemptType)
IntegrationEventPage = page_type("IntegrationEvent", IntegrationEventType)


class WebhookEndpointType(graphene.ObjectType):
    class Meta:
        name = "WebhookEndpoint"
        description = "Where an ERP receives events (Standard Webhooks). The secret is never shown again."

    id = graphene.ID(required=True)
    url = graphene.String(required=True)
    description = graphene.String(required=True)
    event_types = graphene.List(graphene.NonNull(graphene.String), required=True,
                                description="Subscribed types without version; empty: every type.")
    is_active = graphene.Boolean(required=True)
    alert_email = graphene.String(required=True)
    failing_since = graphene.DateTime()
    last_success_at = graphene.DateTime()
    disabled_at = graphene.DateTime()
    disabled_reason = graphene.String(required=True)
    signing_secrets = graphene.Int(required=True, description="How many secrets sign now (2 during a rotation).")
    created_at = graphene.DateTime(required=True)
    attempts = graphene.List(graphene.NonNull(WebhookAttemptType), required=True, first=graphene.Int(),
                             description="The delivery log, newest first (first: 1 to 200, default 50).",
                             deprecation_reason="Use attemptPage: the log page by page with its total count.")
    attempt_page = graphene.Field(WebhookAttemptPage, required=True, first=graphene.Int(),
                                  offset=graphene.Int(),
                                  description="The delivery log, newest first, and how many deliveries in all "
                                              "(first 1 to 100, default 50).")

    @staticmethod
    def resolve_signing_secrets(root, info):
        return len(webhook_services.endpoint_signing_secrets(root))

    @staticmethod
    def resolve_attempts(root, info, first=None):
        first = limit_parse(first, default=50, maximum=200)
        return event_selectors.endpoint_attempts(endpoint=root, limit=first)

    @staticmethod
    @coded
    def resolve_attempt_page(root, info, first=None, offset=None):
        return list_page(event_selectors.endpoint_attempts_newest(endpoint=root), first=first, offset=offset)


class EventTypeInfo(graphene.ObjectType):
    class Meta:
        name = "IntegrationEventTypeInfo"

    type = graphene.String(required=True)
    version = graphene.Int(required=True)
    summary = graphene.String(required=True)
    schema_url = graphene.String(required=True)


def _endpoint(info, endpoint_id, field: str = "id") -> WebhookEndpoint:
    pk = pk_parse(endpoint_id)
    endpoint = WebhookEndpoint.objects.filter(installation=installation_of(info), pk=pk).first() if pk else None
    if endpoint is None:
        raise not_found("webhook endpoint", field=field)
    return endpoint


def _event(info, event_id) -> IntegrationEvent:
    text = str(event_id or "")
    event = None
    if text.startswith("evt_") and len(text) == 36:
        try:
            event = IntegrationEvent.objects.filter(installation=installation_of(info), event_id=text[4:]).first()
        except Exception:  # noqa: BLE001 - not a uuid: not found
            event = None
    if event is None:
        raise not_found("event", field="eventId")
    return event


class _WebhooksQuery(graphene.ObjectType):
    erp_webhook_endpoints = graphene.List(graphene.NonNull(WebhookEndpointType), required=True)
    erp_webhook_endpoint = graphene.Field(WebhookEndpointType, id=graphene.ID(required=True))
    integration_events = graphene.List(
        graphene.NonNull(IntegrationEventType), required=True, after=graphene.Int(), first=graphene.Int(),
        types=graphene.List(graphene.NonNull(graphene.String)),
        description="Events with sequence > after (default 0), oldest first, first 1 to 500 (default 100).")
    integration_event_page = graphene.Field(
        IntegrationEventPage, required=True, first=graphene.Int(), offset=graphene.Int(),
        types=graphene.List(graphene.NonNull(graphene.String)),
        description="The event log for people: newest first, page by page (first 1 to 100, default 50), with the "
                    "total count; ERPs follow integrationEvents(after:) or GET /erp/v1/events.")
    integration_event_types = graphene.List(graphene.NonNull(EventTypeInfo), required=True)

    @staticmethod
    def resolve_erp_webhook_endpoints(root, info):
        return event_selectors.endpoints_for(installation=installation_of(info))

    @staticmethod
    def resolve_erp_webhook_endpoint(root, info, id):
        pk = pk_parse(id)
        return WebhookEndpoint.objects.filter(installation=installation_of(info), pk=pk).first() if pk else None

    @staticmethod
    @coded
    def resolve_integration_events(root, info, after=None, first=None, types=None):
        first = limit_parse(first, default=100, maximum=500)
        events, _ = event_selectors.events_since(installation=installation_of(info), cursor=after or 0,
                                                 limit=first, types=types)
        return events

    @staticmethod
    @coded
    def resolve_integration_event_page(root, info, first=None, offset=None, types=None):
        return list_page(event_selectors.events_newest(installation=installation_of(info), types=types),
                         first=first, offset=offset)

    @staticmethod
    def resolve_integration_event_types(root, info):
        return [EventTypeInfo(type=t, version=m["version"], summary=m["summary"],
                              schema_url=f"{settings.APP_PUBLIC_URL}/webhooks/schemas/{catalogue.versioned(t)}.json")
                for t, m in sorted(catalogue.EVENT_TYPES.items())]


class ErpWebhookEndpointCreate(graphene.Mutation):
    """Add an endpoint. `secret` (whsec_…) is answered this once: give it to the ERP's receiver."""

    class Arguments:
        url = graphene.String(required=True)
        event_types = graphene.List(graphene.NonNull(graphene.String))
        description = graphene.String()
        alert_email = graphene.String(description="Who is told when it is disabled for failing.")

    endpoint = graphene.Field(WebhookEndpointType)
    secret = graphene.String()
    errors = _errors()

    @staticmethod
    def mutate(root, info, url, event_types=None, description=None, alert_email=None):
        actor = actor_of(info)
        result, errors = _run(lambda: webhook_services.endpoint_create(
            installation=installation_of(info), url=url, event_types=event_types, description=description or "",
            alert_email=alert_email or "", actor=actor), fields={"WEBHOOK_URL_REFUSED": "url",
                                                                 "WEBHOOK_ENDPOINT_INVALID": "eventTypes"})
        endpoint, secret = result if result else (None, None)
        return ErpWebhookEndpointCreate(endpoint=endpoint, secret=secret, errors=errors)


class ErpWebhookEndpointUpdate(graphene.Mutation):
    """Change an endpoint; isActive: true re-enables one that was disabled (replay what it missed)."""

    class Arguments:
        id = graphene.ID(required=True)
        url = graphene.String()
        event_types = graphene.List(graphene.NonNull(graphene.String))
        description = graphene.String()
        alert_email = graphene.String()
        is_active = graphene.Boolean()

    endpoint = graphene.Field(WebhookEndpointType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, **kwargs):
        actor = actor_of(info)

        def action():
            endpoint = _endpoint(info, id)
            return webhook_services.endpoint_update(endpoint=endpoint, actor=actor, **kwargs)

        endpoint, errors = _run(action, fields={"WEBHOOK_URL_REFUSED": "url",
                                                "WEBHOOK_ENDPOINT_INVALID": "eventTypes"})
        return ErpWebhookEndpointUpdate(endpoint=endpoint, errors=errors)


class ErpWebhookEndpointDelete(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)

    deleted = graphene.Boolean(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id):
        actor = actor_of(info)
        _, errors = _run(lambda: webhook_services.endpoint_delete(endpoint=_endpoint(info, id), actor=actor))
        return ErpWebhookEndpointDelete(deleted=not errors, errors=errors)


class ErpWebhookSecretRotate(graphene.Mutation):
    """A new signing secret (answered once); the older ones keep signing for overlapHours
    (default ERP_WEBHOOK_SECRET_OVERLAP_HOURS), so deliveries carry both signatures meanwhile."""

    class Arguments:
        id = graphene.ID(required=True)
        overlap_hours = graphene.Int()

    endpoint = graphene.Field(WebhookEndpointType)
    secret = graphene.String()
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, overlap_hours=None):
        actor = actor_of(info)

        def action():
            endpoint = _endpoint(info, id)
            if overlap_hours is not None and not 0 <= overlap_hours <= 24 * 30:
                raise ApiInputError("INVALID_OVERLAP", "overlapHours must be 0 to 720.", field="overlapHours")
            overlap = None if overlap_hours is None else dt.timedelta(hours=overlap_hours)
            return endpoint, webhook_services.endpoint_secret_rotate(endpoint=endpoint, actor=actor, overlap=overlap)

        result, errors = _run(action)
        endpoint, secret = result if result else (None, None)
        return ErpWebhookSecretRotate(endpoint=endpoint, secret=secret, errors=errors)


class ErpWebhookEventRedeliver(graphene.Mutation):
    """Send one event to one endpoint again (same webhook-id)."""

    class Arguments:
        endpoint_id = graphene.ID(required=True)
        event_id = graphene.ID(required=True)

    queued = graphene.Boolean(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, endpoint_id, event_id):
        actor = actor_of(info)
        _, errors = _run(lambda: webhook_services.event_redeliver(
            event=_event(info, event_id), endpoint=_endpoint(info, endpoint_id, "endpointId"), actor=actor))
        return ErpWebhookEventRedeliver(queued=not errors, errors=errors)


class ErpWebhookEventsReplay(graphene.Mutation):
    """Send every subscribed event of [since, until) to the endpoint again, in sequence order."""

    class Arguments:
        endpoint_id = graphene.ID(required=True)
        since = graphene.DateTime(required=True)
        until = graphene.DateTime(required=True)

    queued = graphene.Int()
    errors = _errors()

    @staticmethod
    def mutate(root, info, endpoint_id, since, until):
        actor = actor_of(info)
        count, errors = _run(lambda: webhook_services.events_replay(
            endpoint=_endpoint(info, endpoint_id, "endpointId"), since=since, until=until, actor=actor),
            fields={"WEBHOOK_ENDPOINT_INVALID": "until"})
        return ErpWebhookEventsReplay(queued=count, errors=errors)


class _WebhooksMutation(graphene.ObjectType):
    erp_webhook_endpoint_create = ErpWebhookEndpointCreate.Field()
    erp_webhook_endpoint_update = ErpWebhookEndpointUpdate.Field()
    erp_webhook_endpoint_delete = ErpWebhookEndpointDelete.Field()
    erp_webhook_secret_rotate = ErpWebhookSecretRotate.Field()
    erp_webhook_event_redeliver = ErpWebhookEventRedeliver.Field()
    erp_webhook_events_replay = ErpWebhookEventsReplay.Field()


# --- API keys and masters ----------------------------------------------------------------------

MASTER_CONSEQUENCES = {
    "credit_limits": {"app": "Staff set credit limits in the app; the ERP API refuses limit changes.",
                      "erp": "The ERP sets credit limits through the API (audited as the ERP, through approval if "
                             "required); staff cannot change them in the app. A limit approved in the app (a buyer's "
                             "request, a recommendation) is sent to the ERP (credit_limit.change_approved) and "
                             "changes nothing until the ERP sets it."},
    "invoices": {"app": "The app issues and numbers invoices (PDF, Factur-X, UBL) and attaches them to Saleor orders.",
                 "erp": "The app issues no invoice: the ERP pushes its invoices, which the app attaches to the Saleor "
                        "order and tracks as the receivable."},
    "open_items": {"app": "Exposure is the app's own open receivables plus open holds.",
                   "erp": "Exposure is the open items the ERP pushes plus the app's open holds; the app's own "
                          "receivables are not counted a second time."},
}


class ErpApiKeyType(graphene.ObjectType):
    class Meta:
        name = "ErpApiKey"
        description = "A key of the ERP REST API (/erp/v1/). Only its prefix is ever shown again."

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    prefix = graphene.String(required=True)
    scopes = graphene.List(graphene.NonNull(graphene.String), required=True)
    rate_limit_per_minute = graphene.Int(required=True)
    created_by = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    last_used_at = graphene.DateTime()
    revoked_at = graphene.DateTime()
    is_active = graphene.Boolean(required=True)


class MasterInfoType(graphene.ObjectType):
    class Meta:
        name = "ErpMaster"

    subject = graphene.String(required=True, description="credit_limits, invoices or open_items.")
    master = graphene.String(required=True, description="app or erp.")
    consequence = graphene.String(required=True)
    consequence_if_switched = graphene.String(required=True)


class ErpMastersType(graphene.ObjectType):
    class Meta:
        name = "ErpMasters"

    credit_limits = graphene.String(required=True)
    invoices = graphene.String(required=True)
    open_items = graphene.String(required=True)
    erp_limits_need_approval = graphene.Boolean(required=True)
    consequences = graphene.List(graphene.NonNull(MasterInfoType), required=True)

    @staticmethod
    def resolve_consequences(root, info):
        out = []
        for subject, texts in MASTER_CONSEQUENCES.items():
            master = getattr(root, subject)
            other = "app" if master == "erp" else "erp"
            out.append(MasterInfoType(subject=subject, master=master, consequence=texts[master],
                                      consequence_if_switched=texts[other]))
        return out


class KeysQuery(graphene.ObjectType):
    erp_api_keys = graphene.List(graphene.NonNull(ErpApiKeyType), required=True)
    erp_api_scopes = graphene.List(graphene.NonNull(graphene.String), required=True)
    erp_masters = graphene.Field(ErpMastersType, required=True)

    @staticmethod
    def resolve_erp_api_keys(root, info):
        return list(ErpApiKey.objects.filter(installation=installation_of(info)).order_by("id"))

    @staticmethod
    def resolve_erp_api_scopes(root, info):
        return list(SCOPES)

    @staticmethod
    def resolve_erp_masters(root, info):
        return masters_get(installation=installation_of(info))


class ErpApiKeyCreate(graphene.Mutation):
    """A new ERP API key; `key` (ntk_…) is answered this once and stored only as a hash."""

    class Arguments:
        name = graphene.String(required=True)
        scopes = graphene.List(graphene.NonNull(graphene.String), required=True)
        rate_limit_per_minute = graphene.Int()

    api_key = graphene.Field(ErpApiKeyType)
    key = graphene.String()
    errors = _errors()

    @staticmethod
    def mutate(root, info, name, scopes, rate_limit_per_minute=None):
        actor = actor_of(info)
        result, errors = _run(lambda: erp_services.api_key_create(
            installation=installation_of(info), name=name, scopes=scopes, actor=actor,
            rate_limit_per_minute=rate_limit_per_minute),
            fields={"API_KEY_NAME_REQUIRED": "name", "API_KEY_SCOPES_INVALID": "scopes",
                    "API_KEY_RATE_LIMIT_INVALID": "rateLimitPerMinute"})
        api_key, raw = result if result else (None, None)
        return ErpApiKeyCreate(api_key=api_key, key=raw, errors=errors)


class ErpApiKeyRevoke(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)

    api_key = graphene.Field(ErpApiKeyType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id):
        actor = actor_of(info)

        def action():
            pk = pk_parse(id)
            key = ErpApiKey.objects.filter(installation=installation_of(info), pk=pk).first() if pk else None
            if key is None:
                raise not_found("API key", field="id")
            return erp_services.api_key_revoke(api_key=key, actor=actor)

        api_key, errors = _run(action)
        return ErpApiKeyRevoke(api_key=api_key, errors=errors)


class ErpMastersSet(graphene.Mutation):
    """Who is master of credit limits, invoices and open items ("app" or "erp"). Audited."""

    class Arguments:
        credit_limits = graphene.String()
        invoices = graphene.String()
        open_items = graphene.String()
        erp_limits_need_approval = graphene.Boolean()

    masters = graphene.Field(ErpMastersType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, **kwargs):
        actor = actor_of(info)
        masters, errors = _run(lambda: erp_services.masters_set(installation=installation_of(info), actor=actor,
                                                                **kwargs))
        return ErpMastersSet(masters=masters, errors=errors)


class KeysMutation(graphene.ObjectType):
    erp_api_key_create = ErpApiKeyCreate.Field()
    erp_api_key_revoke = ErpApiKeyRevoke.Field()
    erp_masters_set = ErpMastersSet.Field()


# --- accounting exports ------------------------------------------------------------------------

class AccountMappingType(graphene.ObjectType):
    class Meta:
        name = "AccountMapping"

    account_kind = graphene.String(required=True)
    gl_account = graphene.String(required=True)


class AccountingQuery(graphene.ObjectType):
    accounting_account_mapping = graphene.List(graphene.NonNull(AccountMappingType), required=True)
    accounting_journal_csv = graphene.String(
        required=True, since=graphene.Date(required=True), until=graphene.Date(required=True),
        description="Ledger postings effective in [since, until] as CSV, one row per leg, mapped accounts.")
    accounting_open_items_csv = graphene.String(required=True, as_of=graphene.Date(),
                                                description="Open receivables as CSV (default as of today).")

    @staticmethod
    def resolve_accounting_account_mapping(root, info):
        mapping = accounting.account_mapping(installation=installation_of(info))
        return [AccountMappingType(account_kind=k, gl_account=v) for k, v in mapping.items()]

    @staticmethod
    @coded
    def resolve_accounting_journal_csv(root, info, since, until):
        return accounting.journal_csv(installation=installation_of(info), since=since, until=until)

    @staticmethod
    def resolve_accounting_open_items_csv(root, info, as_of=None):
        installation = installation_of(info)
        return accounting.ar_open_items_csv(installation=installation, as_of=as_of or business_today(installation))


class AccountMappingInput(graphene.InputObjectType):
    account_kind = graphene.String(required=True)
    gl_account = graphene.String(required=True)


class AccountingAccountMappingSet(graphene.Mutation):
    """Map ledger account kinds to the merchant's chart of accounts (`{customer}` in a company-side
    account becomes the ERP customer number). Audited."""

    class Arguments:
        mapping = graphene.List(graphene.NonNull(AccountMappingInput), required=True)

    mapping = graphene.List(graphene.NonNull(AccountMappingType))
    errors = _errors()

    @staticmethod
    def mutate(root, info, mapping):
        actor = actor_of(info)
        result, errors = _run(lambda: accounting.account_mapping_set(
            installation=installation_of(info), mapping={m.account_kind: m.gl_account for m in mapping}, actor=actor),
            fields={"ACCOUNT_KIND_UNKNOWN": "mapping", "GL_ACCOUNT_INVALID": "mapping"})
        return AccountingAccountMappingSet(
            mapping=None if result is None else [AccountMappingType(account_kind=k, gl_account=v)
                                                 for k, v in result.items()], errors=errors)


class Query(_WebhooksQuery, KeysQuery, AccountingQuery, graphene.ObjectType):
    pass


class Mutation(_WebhooksMutation, KeysMutation, graphene.ObjectType):
    accounting_account_mapping_set = AccountingAccountMappingSet.Field()
