"""Baseline endpoint for bench/checkout.py: the same server, only the signature check.

Routed at `/bench/verify-only` only when settings.BENCH_ENDPOINTS is true (saleor_netterms/urls.py).
It does what every Saleor webhook costs before any business logic runs: find the installation by
`Saleor-Api-Url` (one indexed query, as in verification.webhook_verify) and verify the detached
JWS over the raw body with the pipeline's own `signature_verify` against the cached JWKS. It
never refetches the JWKS (that is an outbound call, not a cost the baseline should carry), never
records the delivery, never parses the body, and answers a fixed JSON body.
"""
from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.selectors import installation_get_active
from saleor_netterms.saleor_webhooks.errors import MissingHeader
from saleor_netterms.saleor_webhooks.verification import signature_verify

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
