"""The app pages in the Dashboard iframe (FACTS.md §8.2) and the overview's session endpoint.

The page views only render a template: no data, no token, nothing about the installation. The
browser gets the Dashboard token by the app-bridge handshake and reads everything from the app's
GraphQL API (/graphql/) with it (static/dashboard/api.js)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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
    ("reviews", "Credit review", "/app/reviews"),
    ("payments", "Payments", "/app/payments"),
    ("ledger", "Ledger", "/app/ledger"),
    ("sync", "Saleor sync", "/app/sync"),
    ("approvals", "Approvals", "/app/approvals"),
    ("approval-routes", "Approval routes", "/app/approval-routes"),
    ("policies", "Policies", "/app/policies"),
    ("invoices", "Invoices", "/app/invoices"),
    ("terms", "Payment terms", "/app/terms"),
)

# Pages whose API has not landed yet: what they will show, and where the operations will live.
# (area key → (title, what it will show, API module)); empty while every area has its page.
PLACEHOLDERS: dict[str, tuple[str, str, str]] = {}


def _page(request: HttpRequest, template: str, active: str, **context) -> HttpResponse:
    theme = "dark" if request.GET.get("theme") == "dark" else "light"
    return render(request, template, {
        "theme": theme, "nav_links": NAV_LINKS, "active": active, "version": __version__, **context,
    })


@require_GET
def app_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/home.html", "home")


@require_GET
def companies_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/companies.html", "companies")


@require_GET
def company_page(request: HttpRequest, company_id: int) -> HttpResponse:
    """The id is read by company.js from the URL; the page itself carries no company data."""
    return _page(request, "dashboard/company.html", "companies")


@require_GET
def reviews_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/reviews.html", "reviews")


@require_GET
def payments_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/payments.html", "payments")


@require_GET
def ledger_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/ledger.html", "ledger")


@require_GET
def sync_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/sync.html", "sync")


@require_GET
def approvals_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/approvals.html", "approvals")


@require_GET
def approval_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """The id is read by approval.js from the URL; the page itself carries no data."""
    return _page(request, "dashboard/approval.html", "approvals")


@require_GET
def policies_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/policies.html", "policies")


@require_GET
def approval_routes_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/approval_routes.html", "approval-routes")


@require_GET
def invoices_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/invoices.html", "invoices")


@require_GET
def invoice_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The id is read by invoice.js from the URL; the page itself carries no invoice data."""
    return _page(request, "dashboard/invoice.html", "invoices")


@require_GET
def terms_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/terms.html", "terms")


@require_GET
def placeholder_page(request: HttpRequest, area: str) -> HttpResponse:
    title, what, module = PLACEHOLDERS[area]
    return _page(request, "dashboard/placeholder.html", area, title=title, what=what, module=module)


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
