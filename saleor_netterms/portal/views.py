"""Buyer-facing endpoints (the start of the buyer portal), authenticated by the customer's Saleor
token (portal.auth). Thin: authenticate, parse, call one service, render."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from saleor_netterms.approvals.services import limit_request_open
from saleor_netterms.collections import services as collections_services
from saleor_netterms.collections.statements import statement_build, statement_csv, statement_filename, statement_pdf
from saleor_netterms.companies.models import MemberRole
from saleor_netterms.companies.selectors import company_credit_limit, credit_summary
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.errors import BadRequest, NetTermsError, NotFound, PermissionDenied
from saleor_netterms.core.inbound import json_read, text_check
from saleor_netterms.core.money import InvalidAmount, InvalidMoney, Money, amount_parse

from . import selectors
from .auth import authenticate_buyer_request
from .web import BUYER_MESSAGES




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


# --- collections: statement of account, promises to pay, disputes ---------------------------------

def _json_body(request: HttpRequest, code: str, example: str) -> dict:
    body = json_read(request.body, empty={})  # bounded: coded MALFORMED_PAYLOAD on hostile JSON
    if not isinstance(body, dict):
        raise BadRequest("body is not an object", code=code, buyer_message=f"Send {example}.")
    return body


@require_GET
def statement_view(request: HttpRequest) -> HttpResponse:
    """GET /portal/statement?currency=USD&format=pdf|csv[&from=YYYY-MM-DD&to=YYYY-MM-DD]: the
    buyer's statement of account (default: the last 90 days up to today)."""
    try:
        buyer = authenticate_buyer_request(request)
        company = buyer.member.company
        fmt = request.GET.get("format", "pdf")
        try:
            currency = Money.of("0", request.GET.get("currency", "")).currency
            end = (dt.date.fromisoformat(request.GET["to"]) if request.GET.get("to")
                   else business_today(company.installation))
            start = (dt.date.fromisoformat(request.GET["from"]) if request.GET.get("from")
                     else end - dt.timedelta(days=90))
        except (ValueError, InvalidMoney) as exc:
            raise BadRequest(f"bad statement query: {exc}", code="INVALID_STATEMENT_REQUEST",
                             buyer_message="Ask with currency=USD, format=pdf or csv, and from/to as YYYY-MM-DD.") from exc
        if fmt not in ("pdf", "csv") or start > end or (end - start).days > 3660:
            raise BadRequest("bad statement query", code="INVALID_STATEMENT_REQUEST",
                             buyer_message="Ask with format=pdf or csv and a period of at most ten years.")
        statement = statement_build(company=company, currency=currency, start=start, end=end)
    except NetTermsError as error:
        return _error(error)
    if fmt == "csv":
        response = HttpResponse(statement_csv(statement), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def promise_view(request: HttpRequest) -> JsonResponse:
    """POST /portal/promises {"amount": "500.00", "currency": "USD", "date": "2026-03-01", "note": "…"}:
    the buyer promises to pay; reminders pause until that date."""
    example = '{"amount": "500.00", "currency": "USD", "date": "YYYY-MM-DD"}'
    try:
        buyer = authenticate_buyer_request(request)
        body = _json_body(request, "INVALID_PROMISE", example)
        try:
            amount = amount_parse(body["amount"], str(body["currency"]))
            promised = dt.date.fromisoformat(str(body["date"]))
        except (KeyError, ValueError, InvalidMoney) as exc:
            raise BadRequest(f"bad promise: {exc}", code="INVALID_PROMISE", buyer_message=f"Send {example}.") from exc
        promise = collections_services.promise_make(
            company=buyer.member.company, amount=amount, promised_date=promised,
            made_by=f"buyer:{buyer.email or buyer.user_id}", note=str(body.get("note") or "")[:500], notify_merchant=True)
    except NetTermsError as error:
        return _error(error)
    return JsonResponse({"promise": promise.pk, "status": promise.status, "amount": amount.as_string(),
                         "currency": amount.currency, "date": promised.isoformat(),
                         "message": f"Thank you. We will not send reminders until {promised.isoformat()}."},
                        status=201)


@csrf_exempt
@require_POST
def dispute_view(request: HttpRequest) -> JsonResponse:
    """POST /portal/disputes {"invoice": "INV-2026-000012", "reason": "DAMAGED", "amount": "120.00",
    "line": 2, "note": "…"}: dispute an invoice — the app's or one the merchant's ERP issued — (or
    one line, or an amount); the disputed amount is left out of reminders, fees and holds until
    the merchant resolves it. Sent twice, it is one dispute."""
    example = '{"invoice": "INV-…", "reason": "PRICING", "amount": "120.00" (optional), "line": 1 (optional)}'
    try:
        buyer = authenticate_buyer_request(request)
        company = buyer.member.company
        body = _json_body(request, "INVALID_DISPUTE", example)
        invoice = selectors.document_get(company=company, number=str(body.get("invoice") or "")[:64])
        if invoice is None:
            raise NotFound("no such invoice", code="UNKNOWN_INVOICE",
                           buyer_message="We could not find that invoice for your company.")
        line = body.get("line")
        if line is not None and (isinstance(line, bool) or not isinstance(line, int)):
            raise BadRequest("bad line", code="INVALID_DISPUTE", buyer_message="line must be a whole number.")
        try:
            amount = amount_parse(body["amount"], invoice.currency) if body.get("amount") is not None else None
        except (ValueError, InvalidMoney) as exc:
            raise BadRequest(f"bad amount: {exc}", code="INVALID_DISPUTE", buyer_message=f"Send {example}.") from exc
        dispute = collections_services.dispute_open(
            company=company, receivable=invoice.receivable, reason_code=str(body.get("reason") or ""),
            opened_by=f"buyer:{buyer.email or buyer.user_id}", amount=amount, line_position=line,
            note=str(body.get("note") or "")[:1000], notify_merchant=True)
    except NetTermsError as error:
        return _error(error)
    return JsonResponse({"dispute": dispute.pk, "status": dispute.status, "invoice": invoice.number,
                         "amount": format(dispute.amount.quantize(Decimal("0.01")), "f"), "currency": dispute.currency,
                         "message": "Thank you. We will look into it; the disputed amount is on hold meanwhile."},
                        status=201)
