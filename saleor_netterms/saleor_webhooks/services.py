"""Receiving a Saleor webhook: verify → dispatch exactly once, every delivery recorded (STYLE.md §3; FACTS.md §2).

    answer = webhook_receive(definition=..., headers=request.headers, raw_body=request.body)

- Installation: the row for `Saleor-Api-Url`, from the per-process cache
  (installations.selectors.installation_read); the dispatch claim below reads the row's current
  revision in the same statement, and a stale cached row makes the delivery start over on a fresh
  read. A refusal is always given on a fresh read.
- Verify: verification.webhook_verify (pure work on the cached JWKS, a refetch only on a miss).
  A refusal answers a coded 4xx and leaves its trace: ONE `WebhookDelivery` INSERT with
  `validity=False`, the code, the headers (secrets hashed, values capped), the body's size, its
  sha256 and only the first `WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES` bytes: a stranger's posts
  cannot fill the disk. Nothing is dispatched.
- Prepare: a handler's optional `prepare` step (`handle.prepare`) runs first, OUTSIDE any transaction (the
  checkout's external underwriter is asked there, never inside the dispatch transaction).
- Read-only events (`WebhookDefinition.read_only`: the gateway preview, the process session): the
  handler answers from the current state and the delivery row is inserted with its outcome (one
  statement, guarded by the cached installation row's revision); no dispatch row, since there is
  no effect to run once — a duplicate gets the answer of the state it finds.
- Dispatch: in ONE transaction, `INSERT … ON CONFLICT DO NOTHING RETURNING` the `WebhookDispatch`
  row for (installation, event, sha256(body)), allocating the delivery row's id in the same
  statement; a row returned is ours (a concurrent duplicate waits on the insert until the first
  commits), none returned is a duplicate whose committed answer is replayed (and recorded). Ours:
  run the handler, encode its answer once, and write the answer onto the dispatch and the
  delivery row WITH its outcome in one statement — effect, answer and record commit together, the
  delivery row is inserted once and never updated. If the handler raises, everything rolls back
  (so Saleor's retry runs it again), a delivery row is inserted with the error code and traceback,
  and Saleor gets a coded 5xx (sync: Saleor records a failure event, §2.4; async: Saleor retries
  5xx, §2.3). A NetTermsError answers its own http_status and code.
- Not recorded: when the database refuses even the delivery row, the failure is logged at ERROR
  with the code WEBHOOK_NOT_RECORDED, counted in a `WebhookIntakeFailure` row (the overview page
  shows it) and Saleor gets a coded 503.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
import traceback as traceback_module
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Mapping

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.inserts import Rider
from saleor_netterms.installations.models import Installation
from saleor_netterms.installations.selectors import (INSTALLATION_REVISION_SQL, InstallationRead,
                                                      installation_get_by_api_url, installation_read)

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


@dataclass(frozen=True)
class Received:
    """A delivery as it will be stored, whatever its outcome (headers redacted, values capped)."""

    event: str
    saleor_api_url: str
    headers: dict
    body_size: int
    body_sha256: str
    received_at: datetime


def webhook_received(*, definition: WebhookDefinition, headers: Mapping[str, str], raw_body: bytes) -> Received:
    return Received(event=definition.event, saleor_api_url=(headers.get("Saleor-Api-Url") or "").strip()[:512],
                    headers=webhook_headers_redact(headers), body_size=len(raw_body),
                    body_sha256=hashlib.sha256(raw_body).hexdigest(), received_at=timezone.now())


def _delivery_create(*, received: Received, installation: Installation | None, raw_body: bytes, **outcome) -> None:
    """One delivery row with its outcome (a refusal, a failure, a duplicate): one INSERT."""
    WebhookDelivery.objects.create(
        installation=installation, saleor_api_url=received.saleor_api_url, event=received.event,
        headers=received.headers, body_size=received.body_size, body_sha256=received.body_sha256,
        received_at=received.received_at, body=raw_body, **outcome)


def webhook_delivery_refuse(*, received: Received, installation: Installation | None, raw_body: bytes,
                            error: NetTermsError, started: float) -> WebhookAnswer:
    """An unverified delivery's trace: headers, size, sha256 and only the first
    WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES of the body, with the refusal (one INSERT)."""
    answer = WebhookAnswer(error.http_status, _error_body(error))
    _delivery_create(received=received, installation=installation,
                     raw_body=bytes(raw_body[:settings.WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES]),
                     validity=False, outcome=DeliveryOutcome.REFUSED, error_code=error.code[:64],
                     error_message=error.log_message, response_status=answer.status,
                     response_body=answer.body.decode(), duration_ms=_elapsed_ms(started))
    logger.warning("webhook refused", extra={
        "event": received.event, "code": error.code, "problem": error.log_message})
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
                 delivery: WebhookDelivery, prepared: object = None, answer_record=None) -> dict:
    handler = _handler_get(definition)
    extra = {"prepared": prepared} if prepared is not None else {}
    if answer_record is not None:
        extra["answer_record"] = answer_record
    result = handler(installation=installation, payload=payload, delivery=delivery, **extra)
    if not isinstance(result, dict):
        raise HandlerResultInvalid(f"{definition.event} handler returned {type(result).__name__}")
    return result


class InstallationChanged(Exception):
    """The cached installation row is not the current one (its revision moved): start over."""


# The claim also allocates the id of this delivery's row (written once, with its outcome, at the
# end of the same transaction: the foreign keys between the two rows are checked at commit) and
# reads the installation's current revision (the per-process installation cache's check).
_DISPATCH_CLAIM = (
    "INSERT INTO saleor_webhooks_webhookdispatch (installation_id, event, body_sha256, first_delivery_id,"
    " response_status, response_body, processed_at) VALUES (%s, %s, %s,"
    " nextval(pg_get_serial_sequence('saleor_webhooks_webhookdelivery', 'id')), 0, '', %s)"
    " ON CONFLICT (installation_id, event, body_sha256) DO NOTHING"
    f" RETURNING id, first_delivery_id, {INSTALLATION_REVISION_SQL}")
_DISPATCH_CLAIM_PORTABLE = (  # elsewhere (SQLite): the delivery row is inserted first, in the transaction
    "INSERT INTO saleor_webhooks_webhookdispatch (installation_id, event, body_sha256, first_delivery_id,"
    " response_status, response_body, processed_at) VALUES (%s, %s, %s, %s, 0, '', %s)"
    " ON CONFLICT (installation_id, event, body_sha256) DO NOTHING RETURNING id, first_delivery_id")
# The answer stored on the dispatch and the delivery row with its outcome: one statement.
# A handler that says so (``handle.records_answer``) gets ``answer_record(answer)``: these CTEs as a
# ``core.inserts.Rider``, so its effect's one statement also writes them (the checkout's hold).
_PROCESSED_CTES = (
    "answered AS (UPDATE saleor_webhooks_webhookdispatch SET result = %s::jsonb, response_status = 200,"
    " response_body = %s WHERE id = %s),"
    " delivered AS (INSERT INTO saleor_webhooks_webhookdelivery (id, installation_id, saleor_api_url, event,"
    " headers, body, body_size, body_sha256, received_at, validity, outcome, error_code, error_message,"
    " traceback, dispatch_id, response_status, response_body, duration_ms)"
    " VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, true, 'processed', '', '', '', %s, 200, %s,"
    # the duration so far, plus the statement's own time until this row (after the effect's rows:
    # an unreferenced CTE runs after the ones the statement's result reads)
    " %s::integer + (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer))")
_PROCESSED_WRITE = f"WITH {_PROCESSED_CTES} SELECT 1"


def _processed_params(*, encoded: str, body: str, dispatch_id: int, delivery_id: int, installation: Installation,
                      received: Received, raw_body: bytes, started: float) -> list:
    return [encoded, body, dispatch_id, delivery_id, installation.pk, received.saleor_api_url, received.event,
            json.dumps(received.headers), raw_body, received.body_size, received.body_sha256,
            connection.ops.adapt_datetimefield_value(received.received_at), dispatch_id, body, _elapsed_ms(started)]


# A read-only event's delivery row with its outcome; inserted only while the installation row is
# the one the answer was computed with (no row: InstallationChanged, and nothing was written).
_READ_ONLY_WRITE = (
    "INSERT INTO saleor_webhooks_webhookdelivery (installation_id, saleor_api_url, event, headers, body,"
    " body_size, body_sha256, received_at, validity, outcome, error_code, error_message, traceback,"
    " response_status, response_body, duration_ms)"
    " SELECT %s, %s, %s, %s::jsonb, %s, %s, %s, %s, true, 'processed', '', '', '', 200, %s, %s"
    f" WHERE %s::bigint IS NULL OR {INSTALLATION_REVISION_SQL} = %s RETURNING id")


def _read_only_answer(*, received: Received, definition: WebhookDefinition, installation: Installation,
                      payload: dict, started: float, raw_body: bytes, expected_revision: int | None) -> WebhookAnswer:
    """A read-only event (``definition.read_only``): the handler's answer from the current state
    and ONE write, the delivery row with its outcome (PostgreSQL)."""
    with transaction.atomic():
        delivery = WebhookDelivery(installation=installation, event=received.event,
                                   body_sha256=received.body_sha256, saleor_api_url=received.saleor_api_url)
        result = _run_handler(definition=definition, installation=installation, payload=payload,
                              delivery=delivery)
        body = json.dumps(result, cls=AnswerEncoder)  # the answer, encoded once
        with connection.cursor() as cursor:
            cursor.execute(_READ_ONLY_WRITE, [
                installation.pk, received.saleor_api_url, received.event, json.dumps(received.headers), raw_body,
                received.body_size, received.body_sha256,
                connection.ops.adapt_datetimefield_value(received.received_at), body, _elapsed_ms(started),
                expected_revision, installation.pk, expected_revision])
            row = cursor.fetchone()
        if row is None:
            raise InstallationChanged()
    logger.info("webhook processed", extra={"delivery_id": row[0], "event": definition.event})
    return WebhookAnswer(200, body.encode())


def _revision_check(expected: int | None, current: int | None) -> None:
    if expected is not None and current != expected:
        raise InstallationChanged()


def _duplicate(*, received: Received, installation: Installation, raw_body: bytes, started: float,
               expected_revision: int | None) -> WebhookAnswer:
    """The body was dispatched before (or by a concurrent duplicate whose commit the claim waited
    for): its committed answer is replayed and this delivery recorded as a duplicate."""
    dispatches = WebhookDispatch.objects.filter(installation=installation, event=received.event,
                                                body_sha256=received.body_sha256)
    if expected_revision is not None:   # a cached installation (PostgreSQL: the revision column exists)
        dispatches = dispatches.annotate(installation_revision=RawSQL(INSTALLATION_REVISION_SQL, (installation.pk,)))
    dispatch = dispatches.get()
    if expected_revision is not None:
        _revision_check(expected_revision, dispatch.installation_revision)
    answer = WebhookAnswer(dispatch.response_status, dispatch.response_body.encode())
    _delivery_create(received=received, installation=installation, raw_body=raw_body, validity=True,
                     outcome=DeliveryOutcome.DUPLICATE, dispatch=dispatch, response_status=answer.status,
                     response_body=dispatch.response_body, duration_ms=_elapsed_ms(started))
    logger.info("webhook duplicate", extra={"event": received.event,
                                            "first_delivery_id": dispatch.first_delivery_id})
    return answer


def webhook_dispatch(*, received: Received, definition: WebhookDefinition, installation: Installation,
                     payload: dict, started: float, raw_body: bytes, headers: Mapping[str, str],
                     expected_revision: int | None = None) -> WebhookAnswer:
    """Step 3: run the handler exactly once per (installation, event, body); the delivery row is
    written once, with its outcome, in the effect's transaction. ``expected_revision``: the
    revision of a cached installation row (InstallationChanged when it is not current)."""
    postgres = connection.vendor == "postgresql"
    try:
        if definition.read_only and postgres:
            return _read_only_answer(received=received, definition=definition, installation=installation,
                                     payload=payload, started=started, raw_body=raw_body,
                                     expected_revision=expected_revision)
        # Outside any transaction: a handler's external calls (the underwriter) hold no lock.
        prepared = _run_prepare(definition=definition, installation=installation, payload=payload)
        with transaction.atomic():
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                if postgres:
                    cursor.execute(_DISPATCH_CLAIM, [installation.pk, definition.event, received.body_sha256,
                                                     now, installation.pk])
                    row = cursor.fetchone()
                    if row is not None:
                        _revision_check(expected_revision, row[2])
                else:
                    placeholder = WebhookDelivery.objects.create(
                        installation=installation, saleor_api_url=received.saleor_api_url, event=received.event,
                        headers=received.headers, body=b"", body_size=received.body_size,
                        body_sha256=received.body_sha256, received_at=received.received_at)
                    cursor.execute(_DISPATCH_CLAIM_PORTABLE, [installation.pk, definition.event,
                                                              received.body_sha256, placeholder.pk, now])
                    row = cursor.fetchone()
            if row is None:
                if not postgres:
                    WebhookDelivery.objects.filter(pk=placeholder.pk).delete()
                return _duplicate(received=received, installation=installation, raw_body=raw_body,
                                  started=started, expected_revision=expected_revision)
            dispatch_id, delivery_id = row[0], row[1]
            delivery = WebhookDelivery(pk=delivery_id, installation=installation, event=received.event,
                                       body_sha256=received.body_sha256, saleor_api_url=received.saleor_api_url)
            delivery._state.adding = False
            recorded: dict = {}
            answer_record = None
            if postgres and getattr(_handler_get(definition), "records_answer", False):
                def answer_record(answer: dict) -> Rider:  # the delivery row rides along with the effect
                    encoded = json.dumps(answer, cls=AnswerEncoder)
                    body = encoded if definition.is_sync else ASYNC_ANSWER.decode()
                    return Rider(ctes=_PROCESSED_CTES, result="NULL",
                                 params=_processed_params(encoded=encoded, body=body, dispatch_id=dispatch_id,
                                                          delivery_id=delivery_id, installation=installation,
                                                          received=received, raw_body=raw_body, started=started),
                                 finish=lambda _: recorded.update(encoded=encoded))
            result = _run_handler(definition=definition, installation=installation, payload=payload,
                                  delivery=delivery, prepared=prepared, answer_record=answer_record)
            encoded = json.dumps(result, cls=AnswerEncoder)  # the answer, encoded once
            body = encoded if definition.is_sync else ASYNC_ANSWER.decode()
            if recorded:  # written by the handler's effect: it must be the answer returned
                if recorded["encoded"] != encoded:
                    raise HandlerResultInvalid(f"{definition.event} handler recorded another answer than it gave")
            elif postgres:
                with connection.cursor() as cursor:
                    cursor.execute(_PROCESSED_WRITE, _processed_params(
                        encoded=encoded, body=body, dispatch_id=dispatch_id, delivery_id=delivery_id,
                        installation=installation, received=received, raw_body=raw_body, started=started))
            else:
                WebhookDispatch.objects.filter(pk=dispatch_id).update(
                    result=json.loads(encoded), response_status=200, response_body=body)
                WebhookDelivery.objects.filter(pk=delivery_id).update(
                    validity=True, outcome=DeliveryOutcome.PROCESSED, body=raw_body, dispatch_id=dispatch_id,
                    response_status=200, response_body=body, duration_ms=_elapsed_ms(started))
    except InstallationChanged:
        raise
    except Exception as exc:  # noqa: BLE001 - rolled back; recorded and answered coded
        if expected_revision is not None and installation_read(
                saleor_api_url=received.saleor_api_url, cached=False).revision != expected_revision:
            raise InstallationChanged() from exc  # failed on a stale cached row: start over
        error = exc if isinstance(exc, NetTermsError) else HandlerFailed(
            f"{definition.event} handler raised {type(exc).__name__}")
        answer = WebhookAnswer(error.http_status, _error_body(error))
        trace = traceback_module.format_exc()
        facts = {"event": definition.event, "code": error.code}
        if error.http_status < 500:  # refused input (e.g. MALFORMED_PAYLOAD naming the path), not an app fault
            logger.warning("webhook refused by its handler", extra={**facts, "problem": error.log_message})
        else:
            logger.exception("webhook handler failed", extra=facts)
        try:
            _delivery_create(received=received, installation=installation, raw_body=raw_body, validity=True,
                             outcome=DeliveryOutcome.FAILED, error_code=error.code[:64],
                             error_message=error.log_message, traceback=trace, response_status=answer.status,
                             response_body=answer.body.decode(), duration_ms=_elapsed_ms(started))
        except Exception as record_exc:  # noqa: BLE001 - not even the failure could be recorded
            return webhook_intake_failure_record(definition=definition, headers=headers, raw_body=raw_body,
                                                 exc=record_exc)
        return answer
    logger.info("webhook processed", extra={"delivery_id": delivery_id, "event": definition.event})
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
    received = webhook_received(definition=definition, headers=headers, raw_body=raw_body)
    url = received.saleor_api_url
    try:
        read = installation_read(saleor_api_url=url) if url else InstallationRead(None, None, False)
    except Exception as exc:  # noqa: BLE001 - answered coded, logged and counted
        return webhook_intake_failure_record(definition=definition, headers=headers, raw_body=raw_body, exc=exc)
    for _ in range(2):  # a second round only after the cached installation row turned out stale
        try:
            verified = webhook_verify(definition=definition, headers=headers, raw_body=raw_body,
                                      installation=read.installation)
        except NetTermsError as error:
            if read.cached:  # a refusal is given on a fresh read of the installation, never the cache
                fresh = installation_read(saleor_api_url=url, cached=False)
                if fresh.revision != read.revision:
                    read = fresh
                    continue
            try:
                return webhook_delivery_refuse(received=received, installation=read.installation,
                                               raw_body=raw_body, error=error, started=started)
            except Exception as exc:  # noqa: BLE001 - answered coded, logged and counted
                return webhook_intake_failure_record(definition=definition, headers=headers,
                                                     raw_body=raw_body, exc=exc)
        try:
            return webhook_dispatch(received=received, definition=definition,
                                    installation=verified.installation, payload=verified.payload,
                                    started=started, raw_body=raw_body, headers=headers,
                                    expected_revision=read.revision if read.cached else None)
        except InstallationChanged:
            read = installation_read(saleor_api_url=url, cached=False)
    raise AssertionError("unreachable: the second round reads the installation fresh")
