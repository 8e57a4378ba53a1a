"""Receiving a Saleor webhook: record → verify → dispatch exactly once (STYLE.md §3; FACTS.md §2).

    answer = webhook_receive(definition=..., headers=request.headers, raw_body=request.body)

- Record: a `WebhookDelivery` row committed on its own before anything is trusted. Until the
  delivery verifies it holds only the headers (values capped), the body's size, its sha256 and
  the first `WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES` bytes: a stranger's posts cannot fill the
  disk. The whole body is stored with the verification result (one update, as before). If even
  that write fails (the database refuses it), the failure is logged at ERROR with the code
  WEBHOOK_NOT_RECORDED, counted in a `WebhookIntakeFailure` row (the overview page shows it) and
  Saleor gets a coded 503.
- Verify: verification.webhook_verify. A refusal answers a coded 4xx, marks the row
  `validity=False` with the code, and dispatches nothing.
- Prepare: a handler's optional `prepare` step (`handle.prepare`) runs first, OUTSIDE any transaction (the
  checkout's external underwriter is asked there, never inside the dispatch transaction).
- Dispatch: in ONE transaction, `INSERT … ON CONFLICT DO NOTHING RETURNING` the `WebhookDispatch`
  row for (installation, event, sha256(body)); a row returned is ours (a concurrent duplicate
  waits on the insert until the first commits), none returned is a duplicate whose committed
  answer is replayed. Ours: run the handler and store its answer. Effect and answer commit together. If the handler
  raises, everything rolls back (so Saleor's retry runs it again), the delivery row gets the error
  code and traceback, and Saleor gets a coded 5xx (sync: Saleor records a failure event, §2.4;
  async: Saleor retries 5xx, §2.3). A NetTermsError answers its own http_status and code.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
import traceback as traceback_module
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.models import Installation
from saleor_netterms.installations.selectors import installation_get_by_api_url

from .errors import HandlerFailed, HandlerResultInvalid, WebhookNotRecorded
from .models import DeliveryOutcome, WebhookDelivery, WebhookDispatch, WebhookIntakeFailure
from .registry import WebhookDefinition
from .verification import webhook_verify

logger = logging.getLogger(__name__)

# Header values never stored in clear: only a sha256 of them.
SECRET_HEADERS = frozenset({"saleor-signature", "x-saleor-signature", "authorization",
                            "authorization-bearer", "cookie", "proxy-authorization"})
ASYNC_ANSWER = b"{}"


class AnswerEncoder(DjangoJSONEncoder):
    """Decimals as exact strings ("180.00"): Saleor accepts amounts as strings (FACTS.md §11)."""

    def default(self, o):
        if isinstance(o, Decimal):
            return format(o, "f")
        return super().default(o)


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: bytes


def _error_body(error: NetTermsError) -> bytes:
    return json.dumps({"error": error.as_dict()}).encode()


def _elapsed_ms(started: float) -> int:
    return max(0, round((time.perf_counter() - started) * 1000))


HEADER_VALUE_MAX_CHARS = 512
HEADERS_MAX_COUNT = 64


def webhook_headers_redact(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers as stored: secrets as their sha256, every value capped, at most 64 of them."""
    redacted = {}
    for name, value in list(headers.items())[:HEADERS_MAX_COUNT]:
        value = str(value)
        if name.lower() in SECRET_HEADERS:
            value = "sha256:" + hashlib.sha256(value.encode()).hexdigest()
        redacted[str(name)[:HEADER_VALUE_MAX_CHARS]] = value[:HEADER_VALUE_MAX_CHARS]
    return redacted


def webhook_delivery_record(*, definition: WebhookDefinition, headers: Mapping[str, str],
                            raw_body: bytes) -> WebhookDelivery:
    """Step 1: store the delivery as received, committed on its own."""
    saleor_api_url = (headers.get("Saleor-Api-Url") or "").strip()[:512]
    with transaction.atomic():
        installation = (installation_get_by_api_url(saleor_api_url=saleor_api_url)
                        if saleor_api_url else None)
        return WebhookDelivery.objects.create(
            installation=installation,
            saleor_api_url=saleor_api_url,
            event=definition.event,
            headers=webhook_headers_redact(headers),
            body=bytes(raw_body[:settings.WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES]),  # all of it once verified
            body_size=len(raw_body),
            body_sha256=hashlib.sha256(raw_body).hexdigest(),
        )


def webhook_delivery_refuse(*, delivery: WebhookDelivery, error: NetTermsError,
                            started: float) -> WebhookAnswer:
    answer = WebhookAnswer(error.http_status, _error_body(error))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        validity=False, outcome=DeliveryOutcome.REFUSED, error_code=error.code[:64],
        error_message=error.log_message, response_status=answer.status,
        response_body=answer.body.decode(), duration_ms=_elapsed_ms(started))
    logger.warning("webhook refused", extra={
        "delivery_id": delivery.pk, "event": delivery.event, "code": error.code,
        "problem": error.log_message})
    return answer


def _handler_get(definition: WebhookDefinition):
    return definition.handler()  # every registry entry has one (tests/app_protocol/test_webhooks.py)


def _run_prepare(*, definition: WebhookDefinition, installation: Installation, payload: dict) -> object:
    """The handler's own ``prepare`` step (``handle.prepare``), if it has one: work that must run
    outside any database transaction (an external call); its result goes to
    ``handle(prepared=...)``."""
    prepare = getattr(_handler_get(definition), "prepare", None)
    return prepare(installation=installation, payload=payload) if prepare is not None else None


def _run_handler(*, definition: WebhookDefinition, installation: Installation, payload: dict,
                 delivery: WebhookDelivery, prepared: object = None) -> dict:
    handler = _handler_get(definition)
    extra = {"prepared": prepared} if prepared is not None else {}
    result = handler(installation=installation, payload=payload, delivery=delivery, **extra)
    if not isinstance(result, dict):
        raise HandlerResultInvalid(f"{definition.event} handler returned {type(result).__name__}")
    return result


_DISPATCH_CLAIM = (
    "INSERT INTO saleor_webhooks_webhookdispatch (installation_id, event, body_sha256, first_delivery_id,"
    " response_status, response_body, processed_at) VALUES (%s, %s, %s, %s, 0, '', %s)"
    " ON CONFLICT (installation_id, event, body_sha256) DO NOTHING RETURNING id")


def _dispatch_claim(*, installation: Installation, event: str, delivery: WebhookDelivery) -> WebhookDispatch:
    """Claim (installation, event, body) for this delivery: ``INSERT … ON CONFLICT DO NOTHING
    RETURNING``. A row returned is ours (a concurrent duplicate's insert now waits on it until
    this transaction ends). None returned: the body was dispatched before — or by a concurrent
    duplicate whose commit the insert waited for — and its committed row is read back."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_DISPATCH_CLAIM, [installation.pk, event, delivery.body_sha256, delivery.pk,
                                         connection.ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    if row is None:
        return WebhookDispatch.objects.get(installation=installation, event=event,
                                           body_sha256=delivery.body_sha256)
    dispatch = WebhookDispatch(pk=row[0], installation=installation, event=event,
                               body_sha256=delivery.body_sha256, first_delivery=delivery,
                               response_status=0, response_body="", processed_at=now)
    dispatch._state.adding = False
    return dispatch


def webhook_dispatch(*, delivery: WebhookDelivery, definition: WebhookDefinition,
                     installation: Installation, payload: dict, started: float,
                     raw_body: bytes) -> WebhookAnswer:
    """Step 3: run the handler exactly once per (installation, event, body)."""
    try:
        # Outside any transaction: a handler's external calls (the underwriter) hold no lock.
        prepared = _run_prepare(definition=definition, installation=installation, payload=payload)
        with transaction.atomic():
            dispatch = _dispatch_claim(installation=installation, event=definition.event, delivery=delivery)
            if dispatch.first_delivery_id != delivery.pk:
                answer = WebhookAnswer(dispatch.response_status, dispatch.response_body.encode())
                WebhookDelivery.objects.filter(pk=delivery.pk).update(
                    installation=installation, validity=True, outcome=DeliveryOutcome.DUPLICATE, body=raw_body,
                    dispatch=dispatch, response_status=answer.status,
                    response_body=dispatch.response_body, duration_ms=_elapsed_ms(started))
                logger.info("webhook duplicate", extra={
                    "delivery_id": delivery.pk, "event": definition.event,
                    "first_delivery_id": dispatch.first_delivery_id})
                return answer

            result = _run_handler(definition=definition, installation=installation,
                                  payload=payload, delivery=delivery, prepared=prepared)
            encoded = json.dumps(result, cls=AnswerEncoder)
            body = encoded if definition.is_sync else ASYNC_ANSWER.decode()
            dispatch.result = json.loads(encoded)
            dispatch.response_status = 200
            dispatch.response_body = body
            dispatch.save(update_fields=["result", "response_status", "response_body"])
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                installation=installation, validity=True, outcome=DeliveryOutcome.PROCESSED, body=raw_body,
                dispatch=dispatch, response_status=200, response_body=body,
                duration_ms=_elapsed_ms(started))
    except Exception as exc:  # noqa: BLE001 - rolled back; recorded and answered coded
        error = exc if isinstance(exc, NetTermsError) else HandlerFailed(
            f"{definition.event} handler raised {type(exc).__name__}")
        answer = WebhookAnswer(error.http_status, _error_body(error))
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            installation=installation, validity=True, outcome=DeliveryOutcome.FAILED, body=raw_body,
            error_code=error.code[:64], error_message=error.log_message,
            traceback=traceback_module.format_exc(), response_status=answer.status,
            response_body=answer.body.decode(), duration_ms=_elapsed_ms(started))
        facts = {"delivery_id": delivery.pk, "event": definition.event, "code": error.code}
        if error.http_status < 500:  # refused input (e.g. MALFORMED_PAYLOAD naming the path), not an app fault
            logger.warning("webhook refused by its handler", extra={**facts, "problem": error.log_message})
        else:
            logger.exception("webhook handler failed", extra=facts)
        return answer
    logger.info("webhook processed", extra={"delivery_id": delivery.pk, "event": definition.event})
    return WebhookAnswer(200, body.encode())


def webhook_intake_failure_record(*, definition: WebhookDefinition, headers: Mapping[str, str],
                                  raw_body: bytes, exc: Exception) -> WebhookAnswer:
    """The delivery row could not be written: log it with its code, count it, answer 503."""
    error = WebhookNotRecorded(f"{definition.event}: {type(exc).__name__}: {exc}"[:1000])
    saleor_api_url = (headers.get("Saleor-Api-Url") or "").replace("\x00", "").strip()[:512]
    body_sha256 = hashlib.sha256(raw_body).hexdigest()
    facts = {"event": definition.event, "code": error.code, "saleor_api_url": saleor_api_url,
             "body_sha256": body_sha256, "problem": error.log_message}
    logger.error("webhook not recorded", extra=facts)
    try:
        with transaction.atomic():
            installation = (installation_get_by_api_url(saleor_api_url=saleor_api_url)
                            if saleor_api_url else None)
            WebhookIntakeFailure.objects.create(
                installation=installation, saleor_api_url=saleor_api_url, event=definition.event,
                body_sha256=body_sha256, error_code=error.code, error_message=error.log_message)
    except Exception as count_exc:  # noqa: BLE001 - the log line above is then the only trace
        logger.error("webhook intake failure not counted", extra={
            **facts, "count_problem": f"{type(count_exc).__name__}: {count_exc}"[:500]})
    return WebhookAnswer(error.http_status, _error_body(error))


def webhook_receive(*, definition: WebhookDefinition, headers: Mapping[str, str],
                    raw_body: bytes) -> WebhookAnswer:
    started = time.perf_counter()
    try:
        delivery = webhook_delivery_record(definition=definition, headers=headers, raw_body=raw_body)
    except Exception as exc:  # noqa: BLE001 - answered coded, logged and counted
        return webhook_intake_failure_record(definition=definition, headers=headers,
                                             raw_body=raw_body, exc=exc)
    try:
        verified = webhook_verify(definition=definition, headers=headers, raw_body=raw_body,
                                  installation=delivery.installation)
    except NetTermsError as error:
        return webhook_delivery_refuse(delivery=delivery, error=error, started=started)
    return webhook_dispatch(delivery=delivery, definition=definition,
                            installation=verified.installation, payload=verified.payload,
                            started=started, raw_body=raw_body)
