"""`POST /api/webhooks/<slug>`: one thin route per registry entry (registry.py); `GET /api/manifest`:
the app manifest, whose webhooks are that registry (manifest.py)."""
from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .manifest import manifest_build

from .registry import WebhookDefinition
from .services import webhook_receive


@csrf_exempt
def webhook_view(request: HttpRequest, *, definition: WebhookDefinition) -> HttpResponse:
    if request.method != "POST":
        body = {"error": {"code": "METHOD_NOT_ALLOWED", "message": "Saleor webhooks are POST."}}
        response = HttpResponse(json.dumps(body), status=405, content_type="application/json")
        response["Allow"] = "POST"
        return response
    answer = webhook_receive(definition=definition, headers=request.headers, raw_body=request.body)
    return HttpResponse(answer.body, status=answer.status, content_type="application/json")


@require_GET
def manifest_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(manifest_build())
