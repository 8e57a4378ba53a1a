"""Baseline endpoints for bench/checkout.py: the same server, only the signature check, and the
floor of an authorization.

Routed at `/bench/verify-only` only when settings.BENCH_ENDPOINTS is true (saleor_netterms/urls.py).
It does what every Saleor webhook costs before any business logic runs: find the installation by
`Saleor-Api-Url` (one indexed query, as in verification.webhook_verify) and verify the detached
JWS over the raw body with the pipeline's own `signature_verify` against the cached JWKS. It
never refetches the JWKS (that is an outbound call, not a cost the baseline should carry), never
records the delivery, never parses the body, and answers a fixed JSON body.
"""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.db import connection, transaction

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.selectors import installation_get_active
from .errors import MissingHeader
from .verification import signature_verify

VERIFIED_BODY = json.dumps({"verified": True, "bench": "verify-only"}).encode()


def _json(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json")


@csrf_exempt
def verify_only(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _json(405, json.dumps({"error": {"code": "METHOD_NOT_ALLOWED",
                                                    "message": "POST only."}}).encode())
        response["Allow"] = "POST"
        return response
    api_url = (request.headers.get("Saleor-Api-Url") or "").strip()
    signature = (request.headers.get("Saleor-Signature") or "").strip()
    try:
        if not api_url or not signature:
            raise MissingHeader("missing Saleor-Api-Url or Saleor-Signature")
        installation = installation_get_active(saleor_api_url=api_url)
        signature_verify(raw_body=request.body, signature=signature, jwks=installation.jwks)
    except NetTermsError as error:  # InvalidSignature → 401, UnknownSaleor → 401, …
        return _json(error.http_status, json.dumps({"error": error.as_dict()}).encode())
    return _json(200, VERIFIED_BODY)


_FLOOR_LOCK = (
    "SELECT c.id, l.amount FROM companies_member m"
    " JOIN companies_company c ON c.id = m.company_id"
    " LEFT JOIN companies_creditlimit l ON l.company_id = c.id AND l.currency = %s"
    " WHERE m.installation_id = %s AND m.kind = 'saleor_user_id' AND m.value = %s AND m.is_active"
    " FOR UPDATE OF c")
_FLOOR_HOLD = (
    "INSERT INTO bench_floor_balance (company_id, held) VALUES (%s, %s)"
    " ON CONFLICT (company_id) DO UPDATE SET held = bench_floor_balance.held + excluded.held"
    " RETURNING held")
_FLOOR_HOLD_ROW = (
    "INSERT INTO bench_floor_hold (transaction_id, company_id, amount) VALUES (%s, %s, %s)"
    " ON CONFLICT (transaction_id) DO NOTHING RETURNING company_id")


class _Declined(Exception):
    pass


@csrf_exempt
def floor(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _json(405, b'{"error": {"code": "METHOD_NOT_ALLOWED"}}')
    api_url = (request.headers.get("Saleor-Api-Url") or "").strip()
    signature = (request.headers.get("Saleor-Signature") or "").strip()
    try:
        if not api_url or not signature:
            raise MissingHeader("missing Saleor-Api-Url or Saleor-Signature")
        installation = installation_get_active(saleor_api_url=api_url)
        signature_verify(raw_body=request.body, signature=signature, jwks=installation.jwks)
    except NetTermsError as error:
        return _json(error.http_status, json.dumps({"error": error.as_dict()}).encode())
    payload = json.loads(request.body, parse_float=Decimal)
    action = payload["action"]
    amount = Decimal(action["amount"]).quantize(Decimal("0.01"))
    transaction_id = payload["transaction"]["id"]
    user = (payload.get("sourceObject") or {}).get("user") or {}
    psp = "nt-" + hashlib.sha256(f"{installation.saleor_api_url}|{transaction_id}".encode()).hexdigest()[:20]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_FLOOR_LOCK, [action["currency"], installation.pk, user.get("id") or ""])
            row = cursor.fetchone()
            if row is None or row[1] is None:
                raise _Declined
            company_id, limit = row
            cursor.execute(_FLOOR_HOLD_ROW, [transaction_id, company_id, amount])
            if cursor.fetchone() is not None:  # a new transaction: hold it
                cursor.execute(_FLOOR_HOLD, [company_id, amount])
                if cursor.fetchone()[0] > limit:
                    raise _Declined
    except _Declined:
        return _json(200, json.dumps({"result": "AUTHORIZATION_FAILURE", "pspReference": psp,
                                      "amount": format(amount, "f")}).encode())
    return _json(200, json.dumps({
        "result": "AUTHORIZATION_SUCCESS", "pspReference": psp, "amount": format(amount, "f"),
        "actions": ["CHARGE", "CANCEL"], "message": "Approved on Net 30 terms."}).encode())
