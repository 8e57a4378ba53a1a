"""The published event schemas, at stable URLs (no authentication: they are documentation).

GET /webhooks/schemas/                    → index: every type, version, summary and schema URL
GET /webhooks/schemas/<type>.v<N>.json    → the JSON Schema (draft 2020-12)"""
from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from saleor_netterms.integration_events import catalogue


def _url(name: str) -> str:
    return f"{settings.APP_PUBLIC_URL}/webhooks/schemas/{name}.json"


@require_GET
def schema_index(request):
    published = set(catalogue.schema_names())
    types = [{"type": t, "version": meta["version"], "versionedType": catalogue.versioned(t),
              "subject": meta["subject"], "summary": meta["summary"], "schemaUrl": _url(catalogue.versioned(t)),
              "versions": sorted((n for n in published if n.rsplit(".v", 1)[0] == t), key=lambda n: int(n.rsplit(".v", 1)[1]))}
             for t, meta in sorted(catalogue.EVENT_TYPES.items())]
    return JsonResponse({"signature": "Standard Webhooks v1 (https://www.standardwebhooks.com/)", "types": types})


@require_GET
def schema_detail(request, name: str):
    try:
        schema = catalogue.schema_load(name)
    except KeyError as exc:
        raise Http404(f"no schema {name}") from exc
    response = JsonResponse(schema, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/schema+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response
