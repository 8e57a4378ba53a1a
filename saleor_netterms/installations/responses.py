"""Coded JSON error answers: `{"error": {"code", "message"}}` with the error's HTTP status
(the shape app-sdk uses for registration, FACTS.md §1.3)."""
from __future__ import annotations

from django.http import JsonResponse

from saleor_netterms.core.errors import NetTermsError


def error_response(error: NetTermsError) -> JsonResponse:
    return JsonResponse({"error": error.as_dict()}, status=error.http_status)
