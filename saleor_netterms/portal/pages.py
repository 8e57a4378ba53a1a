"""The buyer portal's pages (server-rendered; every form works without JavaScript).

Thin: sign in from the cookie and check the role (web.portal_page), read the form at the edge
(forms), call one domain service or selector, render. Every query is scoped to the signed-in
company; a number or id of another company's record is answered like one that does not exist."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saleor_netterms.approvals.models import ActionDecision, ApprovalLink
from saleor_netterms.approvals.services import approval_act_by_link, approval_link_token, limit_request_open
from saleor_netterms.buyer_access import services as access
from saleor_netterms.buyer_access.models import SignInMethod
from saleor_netterms.buyer_access.services import PortalUser
from saleor_netterms.collections import services as collections_services
from saleor_netterms.collections.models import DisputeReason
from saleor_netterms.collections.statements import statement_build, statement_csv, statement_filename, statement_pdf
from saleor_netterms.companies.models import Member, MemberRole
from saleor_netterms.companies.selectors import company_credit_limit
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.errors import NetTermsError, NotFound
from saleor_netterms.erp.documents import erp_invoice_document_url
from saleor_netterms.installations.models import Installation
from saleor_netterms.installations.selectors import installation_get_active
from saleor_netterms.invoicing.documents.selectors import snapshot_logo
from saleor_netterms.invoicing.documents.services import document_render
from saleor_netterms.invoicing.remittances import combined_remittance_create, combined_remittance_get
from saleor_netterms.invoicing.snapshot import snapshot_from_dict
from saleor_netterms.sellers.selectors import seller_profile_get

from . import forms, selectors
from .auth import authenticate_handover
from .permissions import allowed
from .web import (SESSION_COOKIE, SHOP_COOKIE, RoleForbidden, buyer_text, cookie_set, error_page, page_render, portal_page,
                  safe_next, theme, with_language)

INVOICE_NUMBER = re.compile(r"[^\x00-\x1f\x7f]{1,64}")   # any printable number (with "/"); the lookup decides
DOCUMENT_FORMATS = ("pdf", "facturx", "ubl")


def _signed_in(response: HttpResponse, key: str, installation) -> HttpResponse:
    cookie_set(response, SESSION_COOKIE, key)
    cookie_set(response, SHOP_COOKIE, installation.saleor_api_url)
    return response


def _qr_data_uri(payload: str) -> str:
    """The EPC QR code as an inline SVG data URI (error correction M, as EPC069-12 requires)."""
    if not payload:
        return ""
    return segno.make(payload, error="m", micro=False, boost_error=False, encoding="utf-8").svg_data_uri(
        scale=4, border=4)


# --- signing in -------------------------------------------------------------------------------

def _request_origin(request: HttpRequest) -> str | None:
    """The page a POST came from: its Origin header (browsers send it on every cross-site POST),
    else the origin of its Referer; None when it sent neither."""
    origin = request.headers.get("Origin")
    if origin:
        return origin
    referer = urlsplit(request.headers.get("Referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None


@csrf_exempt
@require_POST
@with_language
def handover(request: HttpRequest) -> HttpResponse:
    """POST /portal/session (token, saleorApiUrl[, next]): the storefront hands the signed-in
    customer over. The Saleor token is verified like the JSON endpoints verify it (JWKS,
    confirmed-account rule); it travels in the POST body only, never in a URL, and is not kept.
    Not CSRF-checked: the request comes from the storefront's page and proves itself with the
    token (a forged hand-over can only sign the victim into the forger's own account); where the
    installation lists its storefront origins, a page of any other origin is refused (403
    STOREFRONT_ORIGIN_FORBIDDEN), so not even that."""
    try:
        buyer = authenticate_handover(token=request.POST.get("token", ""),
                                      saleor_api_url=request.POST.get("saleorApiUrl", ""),
                                      origin=_request_origin(request))
    except NetTermsError as error:
        return error_page(request, error)
    _session, key = access.portal_session_open(company=buyer.member.company, member=buyer.member,
                                               method=SignInMethod.STOREFRONT, email=buyer.email or "",
                                               saleor_user_id=buyer.user_id)
    response = HttpResponseRedirect(safe_next(request.POST.get("next", "")), status=303)
    response.status_code = 303
    return _signed_in(response, key, buyer.installation)


@csrf_protect
@require_http_methods(["GET", "POST"])
@with_language
def sign_in(request: HttpRequest) -> HttpResponse:
    """The e-mail sign-in page for billing contacts and invited buyers."""
    shop = (request.POST.get("shop") or request.GET.get("shop") or request.COOKIES.get(SHOP_COOKIE) or "").strip()
    context = {"shop": shop, "next": safe_next(request.GET.get("next") or request.POST.get("next") or ""),
               "expired": request.GET.get("expired") == "1", "title": _("Sign in")}
    installation = None
    try:
        if shop:
            installation = installation_get_active(saleor_api_url=shop)
        if request.method == "POST":
            if installation is None:
                raise NotFound("sign-in without a shop", code="UNKNOWN_SALEOR", buyer_message=_(
                    "Open the portal from the shop's account page or from your sign-in e-mail."))
            access.sign_in_link_request(installation=installation, email=request.POST.get("email", ""),
                                        client_address=request.META.get("REMOTE_ADDR", ""))
            return page_render(request, "portal/sign_in_sent.html", {"title": _("Check your e-mail")},
                               installation=installation)
    except NetTermsError as error:
        context.update(error_code=error.code, error_message=buyer_text(error))
        return page_render(request, "portal/sign_in.html", context, status=error.http_status,
                           installation=installation)
    return page_render(request, "portal/sign_in.html", context, installation=installation)


@csrf_protect
@require_http_methods(["GET", "POST"])
@with_language
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that follow links must not use the single-use link);
    the POST uses it and opens the session."""
    try:
        link = access.sign_in_link_peek(token=token)
        if request.method == "GET":
            response = page_render(request, "portal/sign_in_confirm.html",
                                   {"company": link.company, "title": _("Sign in")}, installation=link.company.installation)
            response["Referrer-Policy"] = "same-origin"  # the token never leaves this site; "no-referrer" would make Chromium post Origin: null
            return response
        session, key = access.sign_in_link_redeem(token=token)
    except NetTermsError as error:
        response = error_page(request, error)
        response["Referrer-Policy"] = "same-origin"  # the token never leaves this site; "no-referrer" would make Chromium post Origin: null
        return response
    response = HttpResponseRedirect(reverse("portal-overview"), status=303)
    response.status_code = 303
    return _signed_in(response, key, session.company.installation)


@csrf_protect
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    access.portal_session_close(key=request.COOKIES.get(SESSION_COOKIE, ""))
    response = HttpResponseRedirect(reverse("portal-sign-in"), status=303)
    response.status_code = 303
    response.delete_cookie(SESSION_COOKIE, path="/portal/", samesite="Lax")
    return response


# --- overview and invoices --------------------------------------------------------------------

@require_GET
@portal_page("view")
def overview(request: HttpRequest, user: PortalUser) -> HttpResponse:
    data = selectors.overview(company=user.company)
    return page_render(request, "portal/overview.html", {"overview": data, "title": _("Overview"), "nav": "overview"})


def _invoice_filters(request: HttpRequest) -> dict:
    status = request.GET.get("status", "")
    return {"status": status if status in selectors.INVOICE_STATUSES else "",
            "query": forms.text(request.GET, "q", limit=64),
            "date_from": forms.date(request.GET, "from"), "date_to": forms.date(request.GET, "to")}


def _without_page(request: HttpRequest) -> str:
    """The list's query string without its page (the filters the pager and the export keep)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@portal_page("view")
def invoices(request: HttpRequest, user: PortalUser) -> HttpResponse:
    filters = _invoice_filters(request)
    page = selectors.invoice_page(company=user.company, page=forms.page_number(request.GET),
                                  size=settings.PORTAL_PAGE_SIZE, **filters)
    return page_render(request, "portal/invoices.html", {
        "page": page, "rows": page.rows, "filters": filters, "statuses": selectors.INVOICE_STATUSES,
        "nav": "invoices", "title": _("Invoices"), "can_remit": allowed(user.role, "remit"),
        "query_string": _without_page(request), "page_query": _without_page(request)})


@require_GET
@portal_page("view")
def invoices_csv(request: HttpRequest, user: PortalUser) -> HttpResponse:
    rows = selectors.invoice_rows(company=user.company, **_invoice_filters(request), limit=10_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["invoice", "issue_date", "due_date", "order", "po_number", "currency", "total", "open",
                     "disputed", "status"])
    for r in rows:
        writer.writerow([r.invoice.number, r.invoice.issue_date.isoformat(), r.invoice.receivable.due_date.isoformat(),
                         r.order_number, r.po_number, r.invoice.currency, format(r.invoice.total_gross, ".2f"),
                         format(r.open_amount, ".2f"), format(r.disputed, ".2f"), r.status])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoices-{business_today(user.company.installation).isoformat()}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _invoice_or_404(user: PortalUser, number: str) -> selectors.InvoiceRow:
    row = selectors.invoice_get(company=user.company, number=number) if INVOICE_NUMBER.fullmatch(number) else None
    if row is None:
        raise NotFound(f"no invoice {number[:64]!r} for company {user.company.pk}", code="UNKNOWN_INVOICE",
                       buyer_message=_("We could not find that invoice for your company."))
    return row


@require_GET
@portal_page("view")
def invoice_detail(request: HttpRequest, user: PortalUser, number: str) -> HttpResponse:
    row = _invoice_or_404(user, number)
    if row.kind == "erp":
        return _erp_invoice_detail(request, user, row)
    snapshot = snapshot_from_dict(row.invoice.snapshot)
    return _invoice_page(request, user, row, snapshot=snapshot, bank=snapshot.remittance,
                         reference=snapshot.remittance.payment_reference, qr=_qr_data_uri(snapshot.remittance.epc_qr_payload))


def _erp_invoice_detail(request: HttpRequest, user: PortalUser, row: selectors.InvoiceRow) -> HttpResponse:
    """An invoice the merchant's ERP issued: its figures, the ledger's open amount, how to pay
    (the merchant's account in its currency, the invoice number as the reference) and the ERP's
    document (its PDF, kept by the app or at the ERP's URL)."""
    return _invoice_page(request, user, row, snapshot=None, reference=row.invoice.number, ungrouped=True,
                         bank=selectors.bank_account_for(company=user.company, currency=row.invoice.currency))


def _invoice_page(request: HttpRequest, user: PortalUser, row: selectors.InvoiceRow, **kinds) -> HttpResponse:
    """The one invoice template for both kinds (``snapshot`` None: the ERP's)."""
    return page_render(request, "portal/invoice.html", {
        "row": row, **kinds,
        "disputes": selectors.disputes_of(company=user.company, receivable_id=row.invoice.receivable_id),
        "reasons": DisputeReason.choices, "can_dispute": allowed(user.role, "dispute") and row.status != "paid",
        "title": _("Invoice %(number)s") % {"number": row.invoice.number}, "nav": "invoices"})


@require_GET
@portal_page("view")
def invoice_document(request: HttpRequest, user: PortalUser, number: str, fmt: str) -> HttpResponse:
    """The invoice as PDF, Factur-X or UBL, rendered by the documents' own renderer."""
    if fmt not in DOCUMENT_FORMATS:
        raise NotFound(f"format {fmt!r}", code="UNKNOWN_FORMAT", buyer_message=_("Choose PDF, Factur-X or UBL."))
    row = _invoice_or_404(user, number)
    if row.kind == "erp":   # the ERP's own document: its PDF only, where the app keeps it or the ERP serves it
        if fmt != "pdf":
            raise NotFound(f"format {fmt!r} of an ERP invoice", code="UNKNOWN_FORMAT",
                           buyer_message=_("This invoice was issued by the merchant's accounting system: only its PDF "
                                           "is available."))
        return HttpResponseRedirect(erp_invoice_document_url(row.invoice))
    snapshot = snapshot_from_dict(row.invoice.snapshot)
    document = document_render(snapshot, fmt, snapshot_logo(snapshot))
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@portal_page("dispute")
def dispute(request: HttpRequest, user: PortalUser, number: str) -> HttpResponse:
    row = _invoice_or_404(user, number)
    line = forms.text(request.POST, "line", limit=6)
    if line and not line.isdigit():
        raise forms.InvalidForm("bad line", code="INVALID_DISPUTE", buyer_message=_("Choose a line of the invoice."))
    amount = (forms.money(request.POST, "amount", row.invoice.currency)
              if (request.POST.get("amount") or "").strip() else None)
    collections_services.dispute_open(
        company=user.company, receivable=row.invoice.receivable, reason_code=forms.text(request.POST, "reason", limit=16),
        opened_by=user.actor, amount=amount, line_position=int(line) if line else None,
        note=forms.text(request.POST, "note"), notify_merchant=True)
    return HttpResponseRedirect(reverse("portal-invoice", args=[row.invoice.number]) + "?disputed=1")


@require_POST
@portal_page("remit")
def remittance_create(request: HttpRequest, user: PortalUser) -> HttpResponse:
    remittance = combined_remittance_create(company=user.company, invoice_numbers=request.POST.getlist("invoice"),
                                            created_by=user.actor)
    return HttpResponseRedirect(reverse("portal-remittance", args=[remittance.pk]), status=303)


@require_GET
@portal_page("view")
def remittance_detail(request: HttpRequest, user: PortalUser, remittance_id: int) -> HttpResponse:
    instructions = combined_remittance_get(company=user.company, remittance_id=remittance_id)
    if instructions is None:
        raise NotFound(f"remittance {remittance_id}", code="UNKNOWN_REMITTANCE",
                       buyer_message=_("We could not find that payment reference for your company."))
    return page_render(request, "portal/remittance.html", {
        "r": instructions, "qr": _qr_data_uri(instructions.epc_qr_payload), "nav": "invoices",
        "title": _("Pay %(count)d invoices with one transfer") % {"count": len(instructions.items)}})


# --- statement, promise -----------------------------------------------------------------------

@require_GET
@portal_page("view")
def statements(request: HttpRequest, user: PortalUser) -> HttpResponse:
    currencies = selectors.currencies_of(user.company) or ["USD"]
    today = business_today(user.company.installation)
    if "format" not in request.GET:
        return page_render(request, "portal/statements.html", {
            "currencies": currencies, "start": today - dt.timedelta(days=90), "end": today, "nav": "statements",
            "title": _("Statement of account")})
    fmt = request.GET["format"] if request.GET["format"] in ("pdf", "csv") else "pdf"
    currency = forms.currency(request.GET, "currency", currencies)
    start = forms.date(request.GET, "from") or today - dt.timedelta(days=90)
    end = forms.date(request.GET, "to") or today
    if start > end or (end - start).days > 3660:
        raise forms.InvalidForm("bad period", code="INVALID_STATEMENT_REQUEST",
                                buyer_message=_("Choose a period that ends after it starts, at most ten years long."))
    statement = statement_build(company=user.company, currency=currency, start=start, end=end)
    if fmt == "csv":
        response = HttpResponse(statement_csv(statement), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@portal_page("view")
def promise(request: HttpRequest, user: PortalUser) -> HttpResponse:
    currencies = selectors.currencies_of(user.company) or ["USD"]
    context = {"currencies": currencies, "promises": selectors.promises_of(company=user.company), "nav": "promise",
               "can_promise": allowed(user.role, "promise"), "title": _("Promise to pay"),
               "done": request.GET.get("done") == "1"}
    if request.method == "POST":
        if not context["can_promise"]:
            return error_page(request, _role_error(user, "promise"))
        try:
            currency = forms.currency(request.POST, "currency", currencies)
            collections_services.promise_make(
                company=user.company, amount=forms.money(request.POST, "amount", currency),
                promised_date=forms.date(request.POST, "date", required=True), made_by=user.actor,
                note=forms.text(request.POST, "note", limit=500), notify_merchant=True)
        except NetTermsError as error:
            context.update(error_code=error.code, error_message=buyer_text(error), form=request.POST)
            return page_render(request, "portal/promise.html", context, status=error.http_status)
        return HttpResponseRedirect(reverse("portal-promise") + "?done=1", status=303)
    return page_render(request, "portal/promise.html", context)


def _role_error(user: PortalUser, capability: str) -> NetTermsError:
    return RoleForbidden(f"role {user.role} lacks {capability}")


# --- credit: limit requests, decisions, buyer approvals, orders --------------------------------

@require_http_methods(["GET", "POST"])
@portal_page("view")
def credit(request: HttpRequest, user: PortalUser) -> HttpResponse:
    currencies = selectors.currencies_of(user.company) or ["USD"]
    context = {"overview": selectors.overview(company=user.company), "currencies": currencies,
               "requests": selectors.limit_requests_of(company=user.company),
               "decisions": selectors.decisions_of(company=user.company), "nav": "credit",
               "can_request": allowed(user.role, "limit"), "title": _("Credit"),
               "done": request.GET.get("done") == "1"}
    if request.method == "POST":
        if not context["can_request"]:
            return error_page(request, _role_error(user, "limit"))
        try:
            currency = forms.currency(request.POST, "currency", currencies)
            limit_request_open(company=user.company, proposed=forms.money(request.POST, "amount", currency),
                               requested_by=user.actor, reason=forms.text(request.POST, "reason", limit=500))
        except NetTermsError as error:
            context.update(error_code=error.code, error_message=buyer_text(error), form=request.POST)
            return page_render(request, "portal/credit.html", context, status=error.http_status)
        return HttpResponseRedirect(reverse("portal-credit-page") + "?done=1", status=303)
    context["current_limits"] = {c: company_credit_limit(company=user.company, currency=c) for c in currencies}
    return page_render(request, "portal/credit.html", context)


@require_GET
@portal_page("approve")
def approvals(request: HttpRequest, user: PortalUser) -> HttpResponse:
    return page_render(request, "portal/approvals.html", {
        "pending": selectors.buyer_approvals_pending(company=user.company),
        "recent": selectors.buyer_approvals_recent(company=user.company), "nav": "approvals",
        "title": _("Approvals"), "done": request.GET.get("done", "")})


@require_POST
@portal_page("approve")
def approval_act(request: HttpRequest, user: PortalUser, request_id: int) -> HttpResponse:
    """The approver decides in the portal with the link the request issued for them (the
    approvals domain's single-use link rules apply: one decision, only while pending)."""
    decision = request.POST.get("decision", "")
    link = (ApprovalLink.objects.filter(request_id=request_id, request__company=user.company, member=user.member,
                                        used_at__isnull=True).order_by("-id").first()
            if user.member is not None else None)
    if link is None:
        raise NotFound(f"no approval link of request {request_id} for this member", code="UNKNOWN_APPROVAL",
                       buyer_message=_("This purchase is not waiting for your approval."))
    approval_act_by_link(token=approval_link_token(link), decision=decision if decision in ActionDecision.values else "",
                         comment=forms.text(request.POST, "comment", limit=500))
    return HttpResponseRedirect(reverse("portal-approvals") + f"?done={decision}", status=303)


@require_GET
@portal_page("view")
def orders(request: HttpRequest, user: PortalUser) -> HttpResponse:
    page = selectors.order_page(company=user.company, page=forms.page_number(request.GET),
                                size=settings.PORTAL_PAGE_SIZE)
    return page_render(request, "portal/orders.html", {"page": page, "rows": page.rows, "nav": "orders",
                                                       "title": _("Orders on terms"), "page_query": ""})


# --- company admin ----------------------------------------------------------------------------

def _roles():
    return [(value, _(label)) for value, label in MemberRole.choices]


def _company_page(request: HttpRequest, user: PortalUser, *, status: int = 200, error: NetTermsError | None = None,
                  form=None) -> HttpResponse:
    members = list(Member.objects.filter(company=user.company).order_by("-is_active", "kind", "value"))
    company = user.company
    settings_form = form or {"billing_contact_name": company.billing_contact_name,
                             "billing_contact_email": company.billing_contact_email,
                             "billing_contact_phone": company.billing_contact_phone,
                             "po_number_required": "on" if company.po_number_required else "",
                             "po_number_pattern": company.po_number_pattern}
    return page_render(request, "portal/company.html", {
        "members": members, "roles": _roles(), "currencies": selectors.currencies_of(user.company) or ["USD"],
        "settings_form": settings_form, "nav": "company", "title": _("Company"), "done": request.GET.get("done", ""),
        "error_code": error.code if error else "", "error_message": buyer_text(error) if error else ""},
        status=status)


@require_GET
@portal_page("admin")
def company(request: HttpRequest, user: PortalUser) -> HttpResponse:
    return _company_page(request, user)


@require_POST
@portal_page("admin")
def company_invite(request: HttpRequest, user: PortalUser) -> HttpResponse:
    role = request.POST.get("role", MemberRole.BUYER)
    if role not in MemberRole.values:
        raise forms.InvalidForm("bad role", code="INVALID_ROLE", buyer_message=_("Choose a role."))
    limit = None
    if (request.POST.get("spending_limit") or "").strip():
        limit = forms.money(request.POST, "spending_limit",
                            forms.currency(request.POST, "currency", selectors.currencies_of(user.company) or ["USD"]))
    access.member_invite(admin=user, email=forms.text(request.POST, "email", limit=254, required=True), role=role,
                         spending_limit=limit)
    return HttpResponseRedirect(reverse("portal-company") + "?done=invited", status=303)


@require_POST
@portal_page("admin")
def company_settings(request: HttpRequest, user: PortalUser) -> HttpResponse:
    """The billing contact and the default PO rules (one form)."""
    try:
        access.company_settings_change(
            admin=user, billing_contact_name=forms.text(request.POST, "billing_contact_name", limit=255),
            billing_contact_email=forms.text(request.POST, "billing_contact_email", limit=254),
            billing_contact_phone=forms.text(request.POST, "billing_contact_phone", limit=64),
            po_number_required=request.POST.get("po_number_required") == "on",
            po_number_pattern=forms.text(request.POST, "po_number_pattern", limit=40))
    except NetTermsError as error:
        user.company.refresh_from_db()
        return _company_page(request, user, status=error.http_status, error=error, form=request.POST)
    return HttpResponseRedirect(reverse("portal-company") + "?done=settings", status=303)


@require_POST
@portal_page("admin")
def company_member(request: HttpRequest, user: PortalUser, member_id: int) -> HttpResponse:
    member = Member.objects.filter(company=user.company, pk=member_id, is_active=True).first()
    if member is None:
        raise NotFound(f"member {member_id}", code="UNKNOWN_MEMBER",
                       buyer_message=_("We could not find that person in your company's account."))
    if request.POST.get("action") == "deactivate":
        access.member_change(admin=user, member=member, deactivate=True)
        return HttpResponseRedirect(reverse("portal-company") + "?done=deactivated", status=303)
    role = request.POST.get("role") or None
    if role is not None and role not in MemberRole.values:
        raise forms.InvalidForm("bad role", code="INVALID_ROLE", buyer_message=_("Choose a role."))
    raw_limit = (request.POST.get("spending_limit") or "").strip()
    limit = (forms.money(request.POST, "spending_limit",
                         forms.currency(request.POST, "currency", selectors.currencies_of(user.company) or ["USD"]))
             if raw_limit else None)
    access.member_change(admin=user, member=member, role=role, spending_limit=limit, clear_spending_limit=not raw_limit)
    return HttpResponseRedirect(reverse("portal-company") + "?done=changed", status=303)


# --- theme ------------------------------------------------------------------------------------

@require_GET
def logo(request: HttpRequest, installation_id: int, sha: str) -> HttpResponse:
    """The merchant's logo (public, like on every invoice PDF); cacheable by its hash."""
    installation = Installation.objects.filter(pk=installation_id).first()
    profile = seller_profile_get(installation=installation) if installation else None
    if profile is None or not profile.logo_sha256 or profile.logo_sha256 != sha:
        raise Http404("no such logo")
    response = HttpResponse(bytes(profile.logo), content_type=profile.logo_content_type)
    response["Cache-Control"] = "public, max-age=86400, immutable"  # the URL names the hash
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def theme_css(request: HttpRequest, installation_id: int) -> HttpResponse:
    """The merchant's colours as CSS custom properties (a file: the pages allow no inline style)."""
    installation = Installation.objects.filter(pk=installation_id).first()
    colour = theme(installation)["brand_color"] if installation else ""
    body = f":root {{ --brand: {colour}; }}\n" if re.fullmatch(r"#[0-9a-fA-F]{6}", colour or "") else "/* default */\n"
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
