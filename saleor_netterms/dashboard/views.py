"""The app pages in the Dashboard iframe (FACTS.md §8.2) and the overview's session endpoint.

The page views only render a template: no data, no token, nothing about the installation. The
browser gets the Dashboard token by the app-bridge handshake and reads everything from the app's
GraphQL API (/graphql/) with it (static/dashboard/api.js)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render

from saleor_netterms.installations.selectors import dashboard_frame_origins
from django.views.decorators.http import require_GET

from saleor_netterms import __version__
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.dashboard_auth import authenticate_dashboard_request
from saleor_netterms.installations.responses import error_response

from .services import dashboard_session_build

# (key, label, href): every page of the app.
NAV_LINKS = (
    ("home", "Overview", "/app/"),
    ("companies", "Credit accounts", "/app/companies"),
    ("reviews", "Reviews and approvals", "/app/reviews"),
    ("payments", "Payments", "/app/payments"),
    ("reconciliation", "Bank reconciliation", "/app/reconciliation"),
    ("ledger", "Ledger", "/app/ledger"),
    ("sync", "Saleor sync", "/app/sync"),
    ("approval-routes", "Approval routes", "/app/approval-routes"),
    ("policies", "Policies", "/app/policies"),
    ("invoices", "Invoices", "/app/invoices"),
    ("collections", "Collections", "/app/collections"),
    ("receivables", "Receivables", "/app/receivables"),
    ("terms", "Payment terms", "/app/terms"),
    ("seller", "Seller profile", "/app/seller"),
    ("erp", "ERP", "/app/erp"),
)

@require_GET
def page(request: HttpRequest, *, template: str, active: str, **url_ids) -> HttpResponse:
    """Every app page: a template and the nav entry it belongs to (urls.py). Ids in the URL (a
    company's, an invoice's) are read by the page's script; the page itself carries no data."""
    theme = "dark" if request.GET.get("theme") == "dark" else "light"
    return render(request, f"dashboard/{template}.html", {
        "theme": theme, "nav_links": NAV_LINKS, "active": active, "version": __version__,
        # the configured Dashboard origins; the page's own Saleor origin is added by app-bridge.js
        "frame_origins": " ".join(dashboard_frame_origins())})


@require_GET
def approvals_moved(request: HttpRequest) -> HttpResponse:
    """The approvals list is part of the one review queue now (/app/reviews); old links and
    e-mails land there, with their query (the Dashboard's saleorApiUrl, theme, locale)."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect("/app/reviews" + (f"?{query}" if query else ""))


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
