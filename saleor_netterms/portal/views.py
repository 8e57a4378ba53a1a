"""Buyer-facing endpoints (the start of the buyer portal), authenticated by the customer's Saleor
token (portal.auth). Thin: authenticate, parse, call one service, render."""
from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from saleor_netterms.approvals.services import limit_request_open
from saleor_netterms.companies.models import MemberRole
from saleor_netterms.companies.selectors import company_credit_limit, credit_summary
from saleor_netterms.core.errors import BadRequest, NetTermsError, PermissionDenied
from saleor_netterms.core.inbound import json_read, text_check
from saleor_netterms.core.money import InvalidAmount, InvalidMoney, amount_parse

from .auth import authenticate_buyer_request


# What a buyer can do about each refusal (the storefront shows `message`; `code` is stable).
BUYER_MESSAGES = {
    "MISSING_TOKEN": "Please sign in to your account to see your company's credit.",
    "INVALID_TOKEN": "Your sign-in could not be verified. Please sign out and sign in again.",
    "TOKEN_EXPIRED": "Your session has expired. Please sign in again.",
    "UNKNOWN_SALEOR": "This shop is not connected to net terms. Please contact the shop.",
    "INSTALLATION_REMOVED": "Net terms are no longer offered by this shop. Please contact the shop.",
    "MALFORMED_PAYLOAD": 'The request could not be read. Send JSON like {"amount": "25000.00", "currency": "USD"}.',
    "INVALID_TEXT": "The reason contains characters that are not allowed. Please remove them and try again.",
    "PAYLOAD_TOO_LARGE": "The request is too large. Please shorten the reason and try again.",
}


def _error(error: NetTermsError) -> JsonResponse:
    message = BUYER_MESSAGES.get(error.code, error.buyer_message)
    return JsonResponse({"error": {"code": error.code, "message": message}}, status=error.http_status)


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
        body = json_read(request.body)
        if not isinstance(body, dict) or "amount" not in body or "currency" not in body:
            raise BadRequest("limit request without amount/currency", code="INVALID_LIMIT_REQUEST",
                             buyer_message='Send {"amount": "25000.00", "currency": "USD", "reason": "…"}.')
        try:
            proposed = amount_parse(body["amount"], body["currency"])
        except InvalidAmount as exc:
            raise BadRequest(exc.log_message, code="INVALID_AMOUNT", buyer_message=(
                'The amount must be a number like "25000.00" with at most the currency\'s decimal places.')) from exc
        except InvalidMoney as exc:
            raise BadRequest(exc.log_message, code="INVALID_CURRENCY",
                             buyer_message='The currency must be a three-letter code such as "USD" or "EUR".') from exc
        if not proposed.is_positive():
            raise BadRequest("non-positive limit", code="INVALID_AMOUNT",
                             buyer_message="The requested limit must be greater than zero.")
        reason = body.get("reason") or ""
        if not isinstance(reason, str):
            raise BadRequest("reason is not text", code="INVALID_LIMIT_REQUEST",
                             buyer_message="The reason must be text.")
        reason = text_check(reason, field="reason")
        current = company_credit_limit(company=buyer.member.company, currency=proposed.currency)
        req = limit_request_open(company=buyer.member.company, proposed=proposed,
                                 requested_by=f"buyer:{buyer.email or buyer.user_id}",
                                 reason=reason[:500])
    except NetTermsError as error:
        return _error(error)
    return JsonResponse({"request": req.pk, "status": req.status, "proposed": proposed.as_string(),
                         "currency": proposed.currency,
                         "current": current.as_string() if current is not None else None,
                         "message": "Your request was sent to the merchant for approval."}, status=201)
