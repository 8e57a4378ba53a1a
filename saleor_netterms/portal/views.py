"""Buyer-facing endpoints (the start of the buyer portal), authenticated by the customer's Saleor
token (portal.auth). Thin: authenticate, parse, call one service, render."""
from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from saleor_netterms.approvals.services import limit_request_open
from saleor_netterms.companies.models import MemberRole
from saleor_netterms.companies.selectors import company_credit_limit, credit_summary
from saleor_netterms.core.errors import BadRequest, NetTermsError, PermissionDenied
from saleor_netterms.core.money import InvalidMoney, Money

from .auth import authenticate_buyer_request


def _error(error: NetTermsError) -> JsonResponse:
    return JsonResponse({"error": {"code": error.code, "message": error.buyer_message}}, status=error.http_status)


@require_GET
def credit_view(request: HttpRequest) -> JsonResponse:
    """GET /portal/credit: the buyer's company, limits and available credit per currency."""
    try:
        buyer = authenticate_buyer_request(request)
    except NetTermsError as error:
        return _error(error)
    company = buyer.member.company
    currencies = sorted(company.credit_limits.values_list("currency", flat=True))
    credit = []
    for currency in currencies:
        summary = credit_summary(company=company, currency=currency)
        credit.append({"currency": currency, "limit": summary.limit.as_string(),
                       "available": summary.available.as_string(), "owed": summary.receivables.as_string()})
    return JsonResponse({"company": company.legal_name, "status": company.status,
                         "role": buyer.member.role, "termsDays": company.default_terms_days, "credit": credit})


@csrf_exempt
@require_POST
def limit_request_view(request: HttpRequest) -> JsonResponse:
    """POST /portal/limit-requests {"amount": "25000.00", "currency": "USD", "reason": "…"}: a
    buyer admin asks for a new limit; the merchant's approval chain decides."""
    try:
        buyer = authenticate_buyer_request(request)
        if buyer.member.role != MemberRole.ADMIN:
            raise PermissionDenied("only a company admin may request a limit change", code="NOT_COMPANY_ADMIN",
                                   buyer_message="Only your company's administrator can request a new credit limit.")
        try:
            body = json.loads(request.body or b"{}")
            proposed = Money.of(str(body["amount"]), str(body["currency"]))
        except (ValueError, KeyError, TypeError, InvalidMoney) as exc:
            raise BadRequest(f"bad limit request: {exc}", code="INVALID_LIMIT_REQUEST",
                             buyer_message='Send {"amount": "25000.00", "currency": "USD", "reason": "…"}.') from exc
        if not proposed.is_positive():
            raise BadRequest("non-positive limit", code="INVALID_LIMIT_REQUEST",
                             buyer_message="The requested limit must be greater than zero.")
        current = company_credit_limit(company=buyer.member.company, currency=proposed.currency)
        req = limit_request_open(company=buyer.member.company, proposed=proposed,
                                 requested_by=f"buyer:{buyer.email or buyer.user_id}",
                                 reason=str(body.get("reason") or "")[:500])
    except NetTermsError as error:
        return _error(error)
    return JsonResponse({"request": req.pk, "status": req.status, "proposed": proposed.as_string(),
                         "currency": proposed.currency,
                         "current": current.as_string() if current is not None else None,
                         "message": "Your request was sent to the merchant for approval."}, status=201)
