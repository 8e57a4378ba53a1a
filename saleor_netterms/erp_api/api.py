"""The REST API for ERPs at /erp/v1/ (django-ninja: OpenAPI 3.1 generated from the pydantic
bodies in schemas.py; the document is committed as erp_api/openapi.json and a test fails when
it is stale).

Thin entrypoint: authenticate the key (`Authorization: Bearer ntk_…`), count it against its rate
limit, check its scope, run every write once per `Idempotency-Key` (erp.services.idempotent_write),
call one service, render. Errors are `{"code", "message"}` with a 4xx status, never a 500."""
from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.inbound import upload_read
from saleor_netterms.core.money import InvalidMoney, Money, currency_validate, quantize
from saleor_netterms.erp import services as erp
from saleor_netterms.erp.documents import erp_invoice_pdf_info
from saleor_netterms.erp.errors import erp_error
from saleor_netterms.integration_events import selectors as event_selectors
from saleor_netterms.integration_events.services import event_envelope, jsonable
from saleor_netterms.masters.selectors import masters_get
from saleor_netterms.reconciliation import selectors as recon_selectors
from saleor_netterms.reconciliation import services as recon_services

from . import schemas as s

ERRORS = {400: s.Error, 401: s.Error, 403: s.Error, 404: s.Error, 409: s.Error, 413: s.Error, 429: s.Error}
WRITE_ERRORS = {**ERRORS}
IDEMPOTENT = {"parameters": [{
    "in": "header", "name": "Idempotency-Key", "required": True,
    "description": "Unique per write; send the same key when you retry it (answers are kept 24 h).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255}}]}


class ApiKeyAuth(HttpBearer):
    openapi_scheme = "bearer"
    openapi_bearerFormat = "ntk_…"

    def __call__(self, request):
        raw = (request.headers.get("Authorization") or "").partition(" ")
        if raw[0].lower() != "bearer" or not raw[2]:
            raise erp_error("API_KEY_INVALID", "Send a valid API key as Authorization: Bearer ntk_….", 401)
        return self.authenticate(request, raw[2].strip())

    def authenticate(self, request, token):
        key = erp.api_key_authenticate(token)
        request.erp_rate = erp.rate_limit_take(key)
        return key


api = NinjaAPI(
    title="saleor-netterms ERP API", version="1.0.0", urls_namespace="erp_api", auth=ApiKeyAuth(),
    docs_url=None, openapi_url="/openapi.json",
    description=("Push companies, credit limits, holds, payments, credit notes, ERP-issued invoices and open items "
                 "into saleor-netterms, and pull its events. Every write needs an Idempotency-Key header (retry "
                 "with the same key: the first answer comes back; another request with the key: 409 "
                 "IDEMPOTENCY_KEY_REUSED). Amounts are decimal strings."))


def _rate_headers(response: JsonResponse, rate) -> JsonResponse:
    """RateLimit headers (IETF draft: limit, remaining, seconds until full; the policy is the
    key's requests per 60 s) and their X- forms; Retry-After when refused."""
    if rate is None:
        return response
    response["RateLimit-Limit"] = response["X-RateLimit-Limit"] = str(rate.limit)
    response["RateLimit-Remaining"] = response["X-RateLimit-Remaining"] = str(rate.remaining)
    response["RateLimit-Reset"] = str(rate.reset_s)
    response["RateLimit-Policy"] = f"{rate.limit};w=60"
    if not rate.allowed:
        response["Retry-After"] = str(rate.retry_after_s)
    return response


def _error_response(exc: NetTermsError, request=None) -> JsonResponse:
    response = JsonResponse({"code": exc.code, "message": exc.merchant_message}, status=exc.http_status)
    return _rate_headers(response, getattr(exc, "rate", None) or getattr(request, "erp_rate", None))


@api.exception_handler(NetTermsError)
def _coded(request, exc: NetTermsError):
    return _error_response(exc, request)


def _field(loc) -> str:
    """`legalName`, `allocations.0.amount` for the body (without ninja's parameter name), the
    parameter's name for the path and the query."""
    loc = tuple(str(p) for p in loc)
    return ".".join(loc[2:] if loc[:1] == ("body",) else loc[1:])


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    details = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors][:20]
    return _rate_headers(JsonResponse({"code": "INVALID_REQUEST", "message": "The request does not match the API's "
                                       "schema.", "errors": details}, status=400), getattr(request, "erp_rate", None))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return JsonResponse({"code": "API_KEY_INVALID", "message": "Send a valid API key as Authorization: Bearer ntk_…."},
                        status=401)


@api.exception_handler(HttpError)
def _http(request, exc: HttpError):
    return JsonResponse({"code": "BAD_REQUEST", "message": str(exc)}, status=exc.status_code)


def _key(request, scope: str | None):
    key = request.auth
    if scope:
        erp.scope_require(key, scope)
    return key


def _render(status: int, body: dict, replayed: bool, request) -> JsonResponse:
    response = JsonResponse(body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return _rate_headers(response, getattr(request, "erp_rate", None))


def _write(request: HttpRequest, scope: str, run) -> JsonResponse:
    key = _key(request, scope)
    if not s.text_is_safe(request.path) or not s.text_is_safe(request.headers.get("Idempotency-Key") or ""):
        raise erp_error("INVALID_REQUEST", "The path and the Idempotency-Key may not contain NUL, control "
                                           "characters or lone surrogates.")

    def body():
        status, answer = run(key)
        return status, jsonable(answer)

    status, answer, replayed = erp.idempotent_write(
        api_key=key, key=request.headers.get("Idempotency-Key"), method=request.method, path=request.path,
        body=request.body, run=body)
    return _render(status, answer, replayed, request)


def _money(amount: str, currency: str, what: str = "amount") -> Money:
    try:
        return Money.of(amount, currency_validate(currency))
    except InvalidMoney as exc:
        raise erp_error("INVALID_AMOUNT", f"{what}: {amount} {currency} is not an amount in a known currency.") from exc


def _base64_pdf(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:  # line breaks (MIME base64, `base64` without -w0) are fine; anything else outside the alphabet is not
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise erp_error("INVOICE_PDF_INVALID", "pdfBase64 is not base64 (RFC 4648).") from exc


def _company_out(company, created: bool = False) -> dict:
    return {"id": company.pk, "erpCustomerNumber": company.erp_customer_number, "legalName": company.legal_name,
            "taxId": company.tax_id, "taxIdCountry": company.tax_id_country, "status": company.status,
            "defaultTermsDays": company.default_terms_days, "creditTier": company.credit_tier,
            "creditLimits": [{"amount": quantize(lim.amount, lim.currency), "currency": lim.currency}
                             for lim in company.credit_limits.order_by("currency")],
            "created": created}


def _number(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 128 or not s.text_is_safe(value):
        raise erp_error("ERP_CUSTOMER_NUMBER_INVALID", "The ERP customer number must be 1 to 128 printable characters.")
    return value




@api.put("/companies/{customer_number}", response={200: s.CompanyOut, 201: s.CompanyOut, **WRITE_ERRORS},
         tags=["companies"], openapi_extra=IDEMPOTENT, summary="Create or update a company by ERP customer number (companies:write)")
def company_upsert(request, customer_number: str, payload: s.CompanyIn):
    def run(key):
        contact = payload.billingContact or s.BillingContact()
        fields = {"legal_name": payload.legalName, "tax_id": payload.taxId, "tax_id_country": payload.taxIdCountry,
                  "billing_contact_name": contact.name, "billing_contact_email": contact.email,
                  "billing_contact_phone": contact.phone, "default_terms_days": payload.defaultTermsDays,
                  "po_number_required": payload.poNumberRequired, "allowed_channels": payload.allowedChannels,
                  "credit_tier": payload.creditTier}
        if payload.taxId is not None and payload.taxIdCountry is None:
            fields["tax_id_country"] = ""
        company, created = erp.company_upsert(installation=key.installation,
                                              erp_customer_number=_number(customer_number), fields=fields,
                                              actor=key.actor)
        return (201 if created else 200), _company_out(company, created)
    return _write(request, "companies:write", run)


@api.get("/companies/{customer_number}", response={200: s.CompanyOut, **ERRORS}, tags=["companies"],
         summary="A company by ERP customer number (companies:write)")
def company_get(request, customer_number: str):
    key = _key(request, "companies:write")
    company = erp.company_by_number(installation=key.installation, erp_customer_number=_number(customer_number))
    return _render(200, jsonable(_company_out(company)), False, request)


@api.put("/companies/{customer_number}/credit-limits/{currency}", response={200: s.CreditLimitOut, **WRITE_ERRORS},
         tags=["credit"], openapi_extra=IDEMPOTENT, summary="Set the credit limit in one currency (limits:write)")
def credit_limit_put(request, customer_number: str, currency: str, payload: s.CreditLimitIn):
    def run(key):
        company = erp.company_by_number(installation=key.installation, erp_customer_number=_number(customer_number))
        return 200, erp.erp_credit_limit_set(company=company, amount=_money(payload.amount, currency),
                                             actor=key.actor, reason=payload.reason or "")
    return _write(request, "limits:write", run)


@api.post("/companies/{customer_number}/hold", response={200: s.StatusOut, **WRITE_ERRORS}, tags=["credit"], openapi_extra=IDEMPOTENT,
          summary="Put the account on hold: no new orders on terms (limits:write)")
def company_hold(request, customer_number: str, payload: s.HoldIn):
    def run(key):
        company = erp.company_by_number(installation=key.installation, erp_customer_number=_number(customer_number))
        company = erp.erp_status_set(company=company, hold=True, reason=payload.reason, actor=key.actor)
        return 200, {"erpCustomerNumber": company.erp_customer_number, "status": company.status,
                     "statusReason": company.status_reason}
    return _write(request, "limits:write", run)


@api.post("/companies/{customer_number}/release", response={200: s.StatusOut, **WRITE_ERRORS}, tags=["credit"], openapi_extra=IDEMPOTENT,
          summary="Release a hold (limits:write)")
def company_release(request, customer_number: str, payload: s.ReleaseIn):
    def run(key):
        company = erp.company_by_number(installation=key.installation, erp_customer_number=_number(customer_number))
        company = erp.erp_status_set(company=company, hold=False, reason=payload.reason or "", actor=key.actor)
        return 200, {"erpCustomerNumber": company.erp_customer_number, "status": company.status,
                     "statusReason": company.status_reason}
    return _write(request, "limits:write", run)


@api.post("/payments", response={200: s.PaymentOut, 201: s.PaymentOut, **WRITE_ERRORS}, tags=["payments"], openapi_extra=IDEMPOTENT,
          summary="A payment the ERP booked, with allocations by invoice number (payments:write)")
def payment_post(request, payload: s.PaymentIn):
    def run(key):
        company = erp.company_by_number(installation=key.installation, erp_customer_number=_number(payload.customerNumber))
        money = _money(payload.amount, payload.currency)
        if not money.is_positive():
            raise erp_error("INVALID_AMOUNT", "A payment must be greater than zero.")
        allocations = None if payload.allocations is None else [
            (a.invoiceNumber, _money(a.amount, payload.currency, "allocations.amount")) for a in payload.allocations]
        result = erp.erp_payment_post(company=company, reference=payload.reference, money=money,
                                      received_on=payload.receivedOn, allocations=allocations, actor=key.actor,
                                      end_to_end_id=payload.endToEndId or "",
                                      remittance_text=payload.remittanceText or "")
        payment = result.payment
        allocations_out = [] if payment is None else [
            {"invoiceNumber": erp.invoice_number_of(a.receivable), "amount": {"amount": quantize(a.amount, payment.currency),
                                                                             "currency": payment.currency}}
            for a in payment.allocations.select_related("receivable").order_by("id")]
        return (200 if result.replayed else 201), {
            "intakeId": result.incoming.pk, "status": result.incoming.status,
            "paymentId": payment.pk if payment is not None else None,
            "duplicateOf": result.duplicate_of.pk if result.duplicate_of is not None else None,
            "allocations": allocations_out}
    return _write(request, "payments:write", run)


@api.post("/credit-notes", response={201: s.CreditNoteOut, **WRITE_ERRORS}, tags=["invoices"], openapi_extra=IDEMPOTENT,
          summary="A credit note the ERP issued against an invoice (invoices:write)")
def credit_note_post(request, payload: s.CreditNoteIn):
    def run(key):
        company = erp.company_by_number(installation=key.installation, erp_customer_number=_number(payload.customerNumber))
        return 201, erp.erp_credit_note_post(company=company, invoice_number=payload.invoiceNumber,
                                             money=_money(payload.amount, payload.currency), reason=payload.reason,
                                             number=payload.number, actor=key.actor)
    return _write(request, "invoices:write", run)


@api.post("/invoices", response={200: s.InvoiceOut, 201: s.InvoiceOut, **WRITE_ERRORS}, tags=["invoices"], openapi_extra=IDEMPOTENT,
          summary="An invoice the ERP issued for a Saleor order (ERP as invoicing master; invoices:write)")
def invoice_post(request, payload: s.InvoiceIn):
    def run(key):
        currency = _money("0", payload.currency).currency
        invoice, created = erp.erp_invoice_push(
            installation=key.installation, number=payload.number, saleor_order_id=payload.orderId,
            issue_date=payload.issueDate, due_date=payload.dueDate, currency=currency,
            total_net=_money(payload.totalNet, currency).amount, total_tax=_money(payload.totalTax, currency).amount,
            total_gross=_money(payload.totalGross, currency).amount, pdf_url=payload.pdfUrl or "",
            pdf=_base64_pdf(payload.pdfBase64), actor=key.actor)
        stored = erp_invoice_pdf_info(invoice)
        return (201 if created else 200), {
            "number": invoice.number, "orderId": invoice.saleor_order_id,
            "receivableReference": invoice.receivable.reference, "dueDate": invoice.due_date,
            "amount": {"amount": quantize(invoice.total_gross, currency), "currency": currency}, "created": created,
            "pdf": {"stored": stored is not None, **(stored or {"size": None, "sha256": None})}}
    return _write(request, "invoices:write", run)


@api.put("/companies/{customer_number}/open-items/{currency}", response={200: s.OpenItemsOut, **WRITE_ERRORS},
         tags=["credit"], openapi_extra=IDEMPOTENT, summary="Replace a company's open items in one currency (ERP as AR master; invoices:write)")
def open_items_put(request, customer_number: str, currency: str, payload: s.OpenItemsIn):
    def run(key):
        company = erp.company_by_number(installation=key.installation, erp_customer_number=_number(customer_number))
        code = _money("0", currency).currency
        items = [{"document_number": i.documentNumber, "document_date": i.documentDate, "due_date": i.dueDate,
                  "amount_open": _money(i.amountOpen.lstrip("-"), code).amount * (-1 if i.amountOpen.startswith("-") else 1)}
                 for i in payload.items]
        return 200, erp.erp_open_items_push(company=company, currency=code, items=items, actor=key.actor)
    return _write(request, "invoices:write", run)


STATEMENT_BODY = {
    "parameters": [{"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string"},
                    "description": "Optional here: the file's content is its idempotency key (the same bytes again "
                                   "answer the first import with replayed true)."}],
    "requestBody": {"required": True, "description": (
        "The statement file as the body (camt.052/053/054 of any version, MT940, or CSV with the bank account's saved "
        "column mapping), or the `file` part of a multipart/form-data body. At most 20 MiB."),
        "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}},
                    "text/plain": {"schema": {"type": "string", "format": "binary"}},
                    "text/csv": {"schema": {"type": "string", "format": "binary"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"}}}}}}}


@api.post("/bank-statements", response={200: s.StatementImportOut, 201: s.StatementImportOut, **WRITE_ERRORS},
          tags=["payments"], openapi_extra=STATEMENT_BODY,
          summary="A bank statement file to import and reconcile (statements:write)")
def bank_statement_post(request, filename: str = Query("", max_length=255),
                        bankAccountIban: str = Query("", max_length=34,
                                                     description="Required for CSV: the account it belongs to."),
                        acceptBalanceGap: bool = Query(False, description=(
                            "Import although the opening balance does not continue the previous closing balance."))):
    """Recorded (hash, size, key) before it is read; every booked entry stored once per account, even
    from overlapping files; credits matched against open invoices. A broken or foreign file answers
    a coded 400 naming the line or element, and writes nothing but the file's record."""
    key = _key(request, "statements:write")
    account = None
    if bankAccountIban:
        account = recon_selectors.bank_account_for(installation=key.installation,
                                                   iban="".join(bankAccountIban.split()).upper())
        if account is None:
            raise erp_error("BANK_ACCOUNT_NOT_FOUND", f"No bank account with the IBAN {bankAccountIban}.", 404)
    upload = upload_read(request)
    try:
        result = recon_services.statement_import(
            installation=key.installation, content=upload.content, filename=filename or upload.filename,
            uploaded_by=key.actor, bank_account=account, accept_balance_gap=acceptBalanceGap)
    except recon_services.StatementImportError as exc:
        body = {"code": exc.code, "message": exc.merchant_message, "line": exc.line, "element": exc.element or None,
                "fileId": exc.file.pk}
        return _rate_headers(JsonResponse(body, status=exc.http_status), getattr(request, "erp_rate", None))
    return _render(200 if result.replayed else 201, result.as_answer(), result.replayed, request)


@api.get("/events", response={200: s.EventsOut, **ERRORS}, tags=["events"],
         summary="Events after a cursor, oldest first (events:read)")
def events_list(request, after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=500),
                types: str = Query("", max_length=1000, description="Comma-separated types without version.")):
    key = _key(request, "events:read")
    wanted = [t.strip() for t in types.split(",") if t.strip()] or None
    events, cursor = event_selectors.events_since(installation=key.installation, cursor=after, limit=limit + 1,
                                                  types=wanted)
    more = len(events) > limit
    events = events[:limit]
    next_cursor = events[-1].pk if events else after
    return _render(200, {"events": [event_envelope(e) for e in events], "nextCursor": next_cursor, "hasMore": more},
                   False, request)


@api.get("/masters", response={200: s.MastersOut, **ERRORS}, tags=["masters"],
         summary="Who is master of credit limits, invoices and open items (any key)")
def masters_read(request):
    key = _key(request, None)
    m = masters_get(installation=key.installation)
    return _render(200, {"creditLimits": m.credit_limits, "invoices": m.invoices, "openItems": m.open_items,
                         "erpLimitsNeedApproval": m.erp_limits_need_approval}, False, request)




def openapi_document() -> dict:
    """The OpenAPI 3.1 document as committed (paths under /erp/v1, no server: relative to the app)."""
    return api.get_openapi_schema(path_prefix="/erp/v1")
