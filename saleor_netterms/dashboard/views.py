"""The app page in the Dashboard iframe (FACTS.md §8.2) and its session endpoint."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from saleor_netterms import __version__
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.dashboard_auth import authenticate_dashboard_request
from saleor_netterms.installations.responses import error_response

from .services import dashboard_session_build

# Pages other areas add; the nav shows them so the layout has their place.
NAV_LINKS = (
    ("home", "Overview", "/app/"),
    ("companies", "Credit accounts", "/app/companies"),
    ("ledger", "Ledger", "/app/ledger"),
    ("payments", "Payments", "/app/payments"),
)


@require_GET
def app_page(request: HttpRequest) -> HttpResponse:
    theme = "dark" if request.GET.get("theme") == "dark" else "light"
    return render(request, "dashboard/home.html", {
        "theme": theme, "nav_links": NAV_LINKS, "active": "home", "version": __version__,
    })


@require_GET
def session_view(request: HttpRequest) -> JsonResponse:
    """`GET /app/session` with `authorization-bearer` + `saleor-api-url` (app-sdk convention)."""
    try:
        principal = authenticate_dashboard_request(request)
    except NetTermsError as exc:
        return error_response(exc)
    session = dashboard_session_build(installation=principal.installation)
    session["user"] = {"id": principal.user_id, "email": principal.email}
    response = JsonResponse(session)
    response["Cache-Control"] = "no-store"
    return response
