"""Calls to Saleor's GraphQL API with an installation's app token.

    data = saleor_graphql_post(saleor_api_url=url, token=token,
                               document="mutations/transaction_event_report", variables={...})

This is the transport: it knows nothing of our models. Running a document *as an installation*
(and marking the installation removed when Saleor no longer accepts its token) is
installations.saleor.saleor_execute, one layer up.

- Documents come from `graphql/` (documents.py), never inline strings (STYLE.md §9).
- `Authorization: Bearer <app token>`; timeouts `settings.SALEOR_HTTP_TIMEOUT`.
- Retries live in ONE layer, the outbox (backoff 10 s → 1 h, then a person). This client never
  sleeps: it makes one call, plus at most `settings.SALEOR_HTTP_CONNECT_RETRIES` (default 1)
  immediate new attempts when the connection could not be made at all (refused, DNS, connect
  timeout) — the request never reached Saleor, so resending cannot apply it twice. A 5xx or a
  read timeout raises SaleorTransportError at once; the outbox retries the message later (Saleor
  deduplicates `transactionEventReport`, FACTS.md §4.1) and synchronous callers show the error.
- Top-level GraphQL errors become coded exceptions (errors.py).
- Uninstall detection: Saleor 3.24 no longer lets an app subscribe to APP_DELETED (MANAGE_APPS
  is refused, FACTS.md §1.1). A deleted or deactivated app's token is simply unknown to Saleor:
  the request runs anonymously (`promise_app` resolves no app) and a protected field answers
  `PermissionDenied` "To access this path, you need one of the following permissions:
  AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP" (saleor/saleor graphql/app/dataloaders,
  graphql/app/schema.py `resolve_app`). A mutation answers the same code naming only its own
  permission, which is ambiguous, so we then probe `app { id }` once. HTTP 401 (e.g. a proxy) and
  PyJWT error codes also count. Then the installation is marked removed.

Call Saleor outside database transactions and locks (STYLE.md §7): the "removed" mark is an
ordinary write and would be rolled back with a failing surrounding transaction.
"""
from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from .documents import document_get
from .errors import (SaleorApiError, SaleorGraphQLError, SaleorPermissionDenied,
                     SaleorTransportError, SaleorUnauthorized)
from .http import http_session

logger = logging.getLogger(__name__)

# Codes Saleor puts in `extensions.exception.code` when the bearer token is not accepted.
TOKEN_ERROR_CODES = frozenset({"InvalidTokenError", "ExpiredSignatureError", "DecodeError",
                               "InvalidSignatureError", "JSONWebTokenError"})
UNAUTHENTICATED_MARKER = "AUTHENTICATED_APP"
APP_ID_DOCUMENT = "queries/app_id"


def _error_code(error: dict) -> str | None:
    extensions = error.get("extensions") or {}
    exception = extensions.get("exception") or {}
    return exception.get("code") or extensions.get("code")


def _classify_errors(errors: list[dict], operation: str | None) -> SaleorApiError:
    codes = [_error_code(e) for e in errors]
    messages = "; ".join(str(e.get("message", ""))[:200] for e in errors)
    if any(c in TOKEN_ERROR_CODES for c in codes):
        return SaleorUnauthorized(f"{operation}: token rejected ({messages})")
    denied = [e for e, c in zip(errors, codes) if c == "PermissionDenied"]
    if denied and any(UNAUTHENTICATED_MARKER in str(e.get("message", "")) for e in denied):
        return SaleorUnauthorized(f"{operation}: request ran unauthenticated ({messages})")
    if denied:
        return SaleorPermissionDenied(f"{operation}: {messages}", errors=errors)
    return SaleorGraphQLError(f"{operation}: {messages}", errors=errors)


def _never_sent(exc: requests.RequestException) -> bool:
    """The connection could not be made (refused, DNS, connect timeout): Saleor never saw it."""
    return isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.ReadTimeout)


@sensitive_variables("token", "headers")
def saleor_graphql_post(*, saleor_api_url: str, token: str, document: str,
                        variables: dict | None = None) -> dict[str, Any]:
    """POST one document with a bearer token; return `data`. Raises a SaleorApiError subclass."""
    doc = document_get(document)
    operation = doc.operation_name
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    payload = {"query": doc.text, "variables": variables or {}, "operationName": operation}
    attempts = 1 + max(0, int(settings.SALEOR_HTTP_CONNECT_RETRIES))
    last_problem = ""
    for attempt in range(1, attempts + 1):
        try:
            response = http_session().post(saleor_api_url, json=payload, headers=headers,
                                           timeout=settings.SALEOR_HTTP_TIMEOUT,
                                           allow_redirects=False)
        except requests.RequestException as exc:
            last_problem = type(exc).__name__
            logger.warning("saleor call failed", extra={
                "operation": operation, "attempt": attempt, "problem": last_problem})
            if attempt < attempts and _never_sent(exc):
                continue  # at once: no sleep here, the outbox owns backoff
            raise SaleorTransportError(f"{operation}: {last_problem} after {attempt} attempt(s)") from exc
        status = response.status_code
        if status >= 500:
            last_problem = f"HTTP {status}"
            logger.warning("saleor call failed", extra={
                "operation": operation, "attempt": attempt, "problem": last_problem})
            raise SaleorTransportError(f"{operation}: {last_problem} after {attempt} attempt(s)")
        if status == 401:
            raise SaleorUnauthorized(f"{operation}: HTTP 401")
        try:
            body = response.json()
        except ValueError as exc:
            raise SaleorApiError(f"{operation}: HTTP {status}, body is not JSON") from exc
        if not isinstance(body, dict):
            raise SaleorApiError(f"{operation}: HTTP {status}, body is not a JSON object")
        errors = body.get("errors") or []
        if errors:
            raise _classify_errors(errors, operation)
        if status != 200 or not isinstance(body.get("data"), dict):
            raise SaleorGraphQLError(f"{operation}: HTTP {status} without data")
        logger.info("saleor call", extra={"operation": operation, "attempt": attempt})
        return body["data"]
    raise SaleorTransportError(f"{operation}: {last_problem}")  # pragma: no cover - loop returns
