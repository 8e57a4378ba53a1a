"""Thin entrypoint of the Saleor App protocol: token registration (FACTS.md §1.3). The manifest
(`GET /api/manifest`) is served by saleor_webhooks.views: it lists the webhooks of its registry."""
from __future__ import annotations


from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.inbound import json_read

from .responses import error_response
from .services import installation_register


@csrf_exempt
@require_POST
@sensitive_post_parameters()
@sensitive_variables("body", "auth_token")
def register_view(request: HttpRequest) -> JsonResponse:
    """`POST /api/register`: Saleor's unsigned token POST (FACTS.md §1.3)."""
    try:
        body = json_read(request.body, empty={})  # coded 400 MALFORMED_PAYLOAD / INVALID_TEXT
        auth_token = body.get("auth_token") if isinstance(body, dict) else None
        installation_register(
            saleor_api_url=request.headers.get("Saleor-Api-Url", "").strip(),
            auth_token=auth_token,
            saleor_domain=request.headers.get("Saleor-Domain", ""),
            schema_version=request.headers.get("Saleor-Schema-Version", ""),
        )
    except NetTermsError as exc:
        return error_response(exc)
    return JsonResponse({"success": True})
