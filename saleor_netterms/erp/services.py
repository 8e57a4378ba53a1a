"""The ERP in the loop: API keys, idempotent writes, masters, and every operation an ERP may
perform (each a thin use case over the domain services, audited with the ERP as the actor).

Keys are `ntk_` + 43 random URL-safe characters; only their SHA-256 is stored and the first 12
characters (`prefix`) identify them. Idempotency follows Stripe: the first answer to a key is
stored with a fingerprint of the request; the same key and request get it again (nothing runs
twice), another request with the key is IDEMPOTENCY_KEY_REUSED (409); records expire after
ERP_IDEMPOTENCY_TTL_HOURS."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets as pysecrets
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_netterms.approvals.selectors import limit_approved_for_erp
from saleor_netterms.approvals.services import limit_request_open
from saleor_netterms.audit.services import audit_record
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.companies.models import Company, CompanyStatus
from saleor_netterms.companies.services import (company_create, company_lock, company_status_set,
                                                company_update, credit_limit_set)
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import InvalidMoney, Money, quantize
from saleor_netterms.invoicing.models import Invoice, InvoiceKind
from saleor_netterms.invoicing.services import credit_note_issue
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger import services as ledger
from saleor_netterms.masters.models import ErpOpenItem, InstallationMasters, Master
from saleor_netterms.masters.selectors import masters_get
from saleor_netterms.outbox.services import outbox_enqueue
from saleor_netterms.receivables.models import Receivable, ReceivableStatus
from saleor_netterms.receivables.services import receivable_book, receivable_due_set, receivable_status_refresh
from saleor_netterms.reconciliation.services import payment_intake

from .errors import erp_error
from .documents import pdf_check
from .events import erp_invoice_issued_publish
from .models import SCOPES, ErpApiKey, ErpInvoice, ErpInvoicePdf, IdempotencyRecord
from .ratelimit import RateDecision, rate_take

# --- keys ------------------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_create(*, installation, name: str, scopes: list[str], actor: str,
                   rate_limit_per_minute: int | None = None) -> tuple[ErpApiKey, str]:
    """A new key; returns it and the key itself (shown this once)."""
    name = (name or "").strip()
    if not name or len(name) > 128:
        raise erp_error("API_KEY_NAME_REQUIRED", "Give the key a name of at most 128 characters.")
    scopes = sorted(set(scopes or []))
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes or unknown:
        raise erp_error("API_KEY_SCOPES_INVALID", f"Choose scopes among {', '.join(SCOPES)}"
                        + (f"; unknown: {', '.join(unknown)}." if unknown else "."))
    limit = rate_limit_per_minute or settings.ERP_API_RATE_LIMIT_PER_MINUTE
    if not 1 <= limit <= 100_000:
        raise erp_error("API_KEY_RATE_LIMIT_INVALID", "The rate limit must be 1 to 100000 requests per minute.")
    raw = "ntk_" + pysecrets.token_urlsafe(32)
    with transaction.atomic():
        key = ErpApiKey.objects.create(installation=installation, name=name, prefix=raw[:12], key_hash=_hash(raw),
                                       scopes=scopes, rate_limit_per_minute=limit, created_by=actor)
        audit_record(installation=installation, actor=actor, action="erp_api_key.create", object_type="erp_api_key",
                     object_id=key.pk, after={"name": name, "prefix": key.prefix, "scopes": scopes,
                                              "rate_limit_per_minute": limit})
    return key, raw


def api_key_revoke(*, api_key: ErpApiKey, actor: str) -> ErpApiKey:
    with transaction.atomic():
        if ErpApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_by=actor):
            audit_record(installation=api_key.installation, actor=actor, action="erp_api_key.revoke",
                         object_type="erp_api_key", object_id=api_key.pk, before={"prefix": api_key.prefix})
    api_key.refresh_from_db()
    return api_key


def api_key_authenticate(raw: str | None) -> ErpApiKey:
    """The active key for `Authorization: Bearer ntk_…`; coded 401 otherwise."""
    if not raw or not raw.startswith("ntk_") or len(raw) > 100:
        raise erp_error("API_KEY_INVALID", "Send a valid API key as Authorization: Bearer ntk_….", 401)
    key = ErpApiKey.objects.select_related("installation").filter(key_hash=_hash(raw)).first()
    if key is None:
        raise erp_error("API_KEY_INVALID", "Send a valid API key as Authorization: Bearer ntk_….", 401)
    if key.revoked_at is not None:
        raise erp_error("API_KEY_REVOKED", f"The API key {key.prefix}… was revoked.", 401)
    if not key.installation.is_active:
        raise erp_error("INSTALLATION_REMOVED", "The app was removed from this Saleor.", 401)
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(seconds=30):
        ErpApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def scope_require(api_key: ErpApiKey, scope: str) -> None:
    if scope not in api_key.scopes:
        raise erp_error("API_KEY_SCOPE_MISSING", f"The API key {api_key.prefix}… lacks the scope {scope}.", 403)


def rate_limit_take(api_key: ErpApiKey, *, now: float | None = None) -> RateDecision:
    """Count one request against the key's token bucket (erp/ratelimit.py); RATE_LIMITED (429)
    beyond it, carrying the decision for the Retry-After and RateLimit headers."""
    decision = rate_take(key_id=api_key.pk, limit=api_key.rate_limit_per_minute, now=now)
    if not decision.allowed:
        error = erp_error("RATE_LIMITED", f"More than {api_key.rate_limit_per_minute} requests a minute; retry "
                          f"after {decision.retry_after_s} s.", 429)
        error.rate = decision
        raise error
    return decision


# --- idempotency -----------------------------------------------------------------------------

def _fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def idempotent_write(*, api_key: ErpApiKey, key: str | None, method: str, path: str, body: bytes,
                     run: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
    """Run a write once per Idempotency-Key: (status, body, replayed). `run` answers (status,
    body) or raises a NetTermsError (its coded answer is stored too). Without a key the write
    is refused: every ERP write must be retry-safe."""
    key = (key or "").strip()
    if not key or len(key) > 255 or not key.isprintable():
        raise erp_error("IDEMPOTENCY_KEY_REQUIRED", "Send an Idempotency-Key header (1 to 255 printable characters) "
                        "with every write; reuse it when you retry.", 400)
    fingerprint = _fingerprint(method, path, body)
    now = timezone.now()
    installation = api_key.installation
    with transaction.atomic():
        IdempotencyRecord.objects.filter(installation=installation, key=key, expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    installation=installation, key=key, api_key=api_key, method=method, path=path,
                    fingerprint=fingerprint, created_at=now,
                    expires_at=now + dt.timedelta(hours=settings.ERP_IDEMPOTENCY_TTL_HOURS))
        except IntegrityError:
            record = None
        if record is None:
            existing = IdempotencyRecord.objects.get(installation=installation, key=key)
            if existing.fingerprint != fingerprint:
                raise erp_error("IDEMPOTENCY_KEY_REUSED", (
                    f"The Idempotency-Key {key!r} was used for another request ({existing.method} {existing.path}); "
                    "use a new key for a new request."), 409)
            if existing.status_code is None:
                raise erp_error("IDEMPOTENCY_REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still running.",
                                409)
            return existing.status_code, existing.response_body, True
        try:
            with transaction.atomic():
                status, answer = run()
        except NetTermsError as exc:
            if exc.http_status >= 500:
                raise
            status, answer = exc.http_status, {"code": exc.code, "message": exc.merchant_message}
        record.status_code, record.response_body = status, answer
        record.save(update_fields=["status_code", "response_body"])
    return status, answer, False


# --- masters ---------------------------------------------------------------------------------

def masters_set(*, installation, actor: str, credit_limits: str | None = None, invoices: str | None = None,
                open_items: str | None = None, erp_limits_need_approval: bool | None = None) -> InstallationMasters:
    current = masters_get(installation=installation)
    before = {"credit_limits": current.credit_limits, "invoices": current.invoices, "open_items": current.open_items,
              "erp_limits_need_approval": current.erp_limits_need_approval}
    for field, value in (("credit_limits", credit_limits), ("invoices", invoices), ("open_items", open_items)):
        if value is not None:
            if value not in Master.values:
                raise erp_error("MASTER_INVALID", f"{field} must be app or erp.")
            setattr(current, field, value)
    if erp_limits_need_approval is not None:
        current.erp_limits_need_approval = bool(erp_limits_need_approval)
    after = {"credit_limits": current.credit_limits, "invoices": current.invoices, "open_items": current.open_items,
             "erp_limits_need_approval": current.erp_limits_need_approval}
    with transaction.atomic():
        current.save()
        if before != after:
            audit_record(installation=installation, actor=actor, action="masters.set", object_type="installation",
                         object_id=installation.pk, before=before, after=after)
    return current


# --- operations ------------------------------------------------------------------------------

COMPANY_FIELDS = ("legal_name", "tax_id", "tax_id_country", "billing_contact_name", "billing_contact_email",
                  "billing_contact_phone", "default_terms_days", "po_number_required", "allowed_channels",
                  "credit_tier")


def company_by_number(*, installation, erp_customer_number: str) -> Company:
    company = Company.objects.filter(installation=installation, erp_customer_number=erp_customer_number).first()
    if company is None or not erp_customer_number:
        raise erp_error("COMPANY_NOT_FOUND", f"No company has the ERP customer number {erp_customer_number!r}.", 404)
    return company


def company_upsert(*, installation, erp_customer_number: str, fields: dict, actor: str) -> tuple[Company, bool]:
    """Create the company with this ERP customer number, or change the given fields of it."""
    number = (erp_customer_number or "").strip()
    if not number or len(number) > 128:
        raise erp_error("ERP_CUSTOMER_NUMBER_INVALID", "The ERP customer number must be 1 to 128 characters.")
    given = {k: v for k, v in fields.items() if k in COMPANY_FIELDS and v is not None}
    with transaction.atomic():
        existing = Company.objects.select_for_update().filter(installation=installation,
                                                              erp_customer_number=number).first()
        if existing is None:
            tier = given.pop("credit_tier", None)
            company = company_create(installation=installation, erp_customer_number=number, **given)
            if tier:
                company = company_update(company=company, credit_tier=tier)
            audit_record(installation=installation, actor=actor, action="company.create", object_type="company",
                         object_id=company.pk, company=company, after={**given, **({"credit_tier": tier} if tier else {})})
            return company, True
        before = {f: getattr(existing, f) for f in COMPANY_FIELDS}
        company = company_update(company=existing, **given) if given else existing
        changed = {f: getattr(company, f) for f in COMPANY_FIELDS if getattr(company, f) != before[f]}
        if changed:  # the same data delivered again changes, audits and publishes nothing
            audit_record(installation=installation, actor=actor, action="company.update", object_type="company",
                         object_id=company.pk, company=company, before={f: before[f] for f in changed}, after=changed)
    return company, False


def erp_credit_limit_set(*, company: Company, amount: Money, actor: str, reason: str = "") -> dict:
    """The ERP sets a limit. Refused when the app is the master of credit limits; opens an
    approval request instead of applying when the merchant wants ERP raises approved — unless
    the merchant already approved exactly this limit in the app (handed to the ERP with
    credit_limit.change_approved): the ERP's push carries it out."""
    masters = masters_get(installation=company.installation)
    if masters.credit_limits != Master.ERP:
        raise erp_error("CREDIT_LIMITS_MASTER_IS_APP", "This installation's credit limits are kept in the app; "
                        "switch the credit-limit master to the ERP to set them from the ERP.", 409)
    if masters.erp_limits_need_approval:
        current = company.credit_limits.filter(currency=amount.currency).first()
        approved = limit_approved_for_erp(company=company, currency=amount.currency, amount=amount.amount)
        if approved is not None:  # the ERP carries out a limit the merchant approved in the app
            reason = f"{reason or 'Set by the ERP'}; approved {approved.kind} #{approved.pk} in the app"
        elif current is None or amount.amount > current.amount:
            request = limit_request_open(company=company, proposed=amount, requested_by=actor,
                                         reason=reason or "Limit pushed by the ERP")
            return {"status": "pending_approval", "approvalRequestId": request.pk}
    limit = credit_limit_set(company=company, amount=amount, actor=actor, reason=reason or "Set by the ERP")
    return {"status": "applied", "limit": {"amount": quantize(limit.amount, limit.currency), "currency": limit.currency}}


def erp_status_set(*, company: Company, hold: bool, reason: str, actor: str) -> Company:
    before = company.status
    if hold and not (reason or "").strip():
        raise erp_error("REASON_REQUIRED", "Say why the account is put on hold.")
    if not hold and company.status not in (CompanyStatus.ON_HOLD, CompanyStatus.ACTIVE):
        raise erp_error("ACCOUNT_NOT_ON_HOLD", f"The account is {company.status}; only a hold can be released here.",
                        409)
    with transaction.atomic():
        company = company_status_set(company=company, status=CompanyStatus.ON_HOLD if hold else CompanyStatus.ACTIVE,
                                     reason=reason if hold else "")
        if company.status != before:
            audit_record(installation=company.installation, actor=actor, action="company.status_set",
                         object_type="company", object_id=company.pk, company=company, before={"status": before},
                         after={"status": company.status}, reason=reason)
    return company


def invoice_number_of(receivable: Receivable) -> str:
    """The invoice number a receivable is known by (the app's or the ERP's invoice, else its reference)."""
    invoice = Invoice.objects.filter(receivable=receivable, kind=InvoiceKind.INVOICE).values_list("number", flat=True).first()
    if invoice:
        return invoice
    erp_number = ErpInvoice.objects.filter(receivable=receivable).values_list("number", flat=True).first()
    return erp_number or receivable.reference


def receivable_by_invoice_number(*, company: Company, number: str) -> Receivable:
    invoice = Invoice.objects.filter(installation_id=company.installation_id, company=company, number=number,
                                     kind=InvoiceKind.INVOICE).select_related("receivable").first()
    if invoice is not None and invoice.receivable_id:
        return invoice.receivable
    erp_invoice = ErpInvoice.objects.filter(installation_id=company.installation_id, company=company,
                                            number=number).select_related("receivable").first()
    if erp_invoice is not None:
        return erp_invoice.receivable
    receivable = Receivable.objects.filter(installation_id=company.installation_id, company=company,
                                           reference=number).first()
    if receivable is None:
        raise erp_error("INVOICE_NOT_FOUND", f"{company.erp_customer_number or company.pk} has no invoice {number}.",
                        404)
    return receivable


def erp_payment_post(*, company: Company, reference: str, money: Money, received_on: dt.date,
                     allocations: list[tuple[str, Money]] | None, actor: str, end_to_end_id: str = "",
                     remittance_text: str = ""):
    """A payment the ERP booked, through the one payment intake (the same path as bank lines:
    the same money from the bank and the ERP is counted once)."""
    resolved = None
    if allocations is not None:
        resolved = [(receivable_by_invoice_number(company=company, number=n), m) for n, m in allocations]
    return payment_intake(installation=company.installation, source="erp", source_reference=reference, money=money,
                          received_on=received_on, company=company, allocations=resolved, actor=actor,
                          end_to_end_id=end_to_end_id, remittance_text=remittance_text)


def erp_credit_note_post(*, company: Company, invoice_number: str, money: Money, reason: str, number: str,
                         actor: str) -> dict:
    """A credit note the ERP issued. Against an invoice the app issued: the app issues its numbered
    credit note (the ERP's number is kept in the note). Against an ERP invoice: posted to the ledger
    against its receivable."""
    if not (reason or "").strip():
        raise erp_error("REASON_REQUIRED", "Say why the credit note was issued.")
    invoice = Invoice.objects.filter(installation_id=company.installation_id, company=company, number=invoice_number,
                                     kind=InvoiceKind.INVOICE).first()
    if invoice is not None:
        note = credit_note_issue(invoice=invoice, amount=money, reason=f"{reason} (ERP credit note {number})",
                                 issue_key=f"erp-credit-note:{number}")
        audit_record(installation=company.installation, actor=actor, action="credit_note.issue",
                     object_type="invoice", object_id=note.pk, company=company,
                     after={"number": note.number, "erp_number": number, "amount": str(money.amount)})
        return {"creditNoteNumber": note.number, "invoiceNumber": invoice.number,
                "amount": {"amount": quantize(note.total_gross, note.currency), "currency": note.currency}}
    receivable = receivable_by_invoice_number(company=company, number=invoice_number)
    if receivable.currency != money.currency or not money.is_positive():
        raise erp_error("CREDIT_NOTE_AMOUNT_INVALID", f"The credit must be a positive {receivable.currency} amount.")
    with transaction.atomic():
        company_lock(company_id=company.pk)
        creditable = ledger_selectors.receivable_creditable(company=company, currency=money.currency,
                                                            receivable_ref=receivable.receivable_ref)
        if money > creditable:
            raise erp_error("CREDIT_NOTE_TOO_HIGH", f"At most {creditable} can still be credited on {invoice_number}.",
                            409)
        ledger.credit_note_post(company=company, money=money, receivable_ref=receivable.receivable_ref,
                                idempotency_key=f"erp-credit-note:{company.installation_id}:{number}",
                                memo=f"ERP credit note {number} for {invoice_number}: {reason}"[:255])
        receivable_status_refresh(receivable=receivable)
        audit_record(installation=company.installation, actor=actor, action="credit_note.post", object_type="receivable",
                     object_id=receivable.pk, company=company,
                     after={"erp_number": number, "invoice": invoice_number, "amount": str(money.amount)})
    return {"creditNoteNumber": number, "invoiceNumber": invoice_number,
            "amount": {"amount": money.amount, "currency": money.currency}}


def erp_invoice_push(*, installation, number: str, saleor_order_id: str, issue_date: dt.date, due_date: dt.date,
                     currency: str, total_net: Decimal, total_tax: Decimal, total_gross: Decimal, pdf_url: str = "",
                     pdf: bytes | None = None, actor: str) -> tuple[ErpInvoice, bool]:
    """ERP as invoicing master: its invoice for a Saleor order becomes the order's receivable (the
    captured one, or converted from the hold) due on the ERP's due date, is attached to the
    Saleor order (invoiceCreate with the ERP's number and the PDF's URL) and published as
    invoice.issued (issuedBy erp). The PDF comes as a URL of the ERP's or as the file itself
    (`pdf`: checked, kept, served through a signed link). The same number again is the same
    invoice."""
    if masters_get(installation=installation).invoices != Master.ERP:
        raise erp_error("INVOICES_MASTER_IS_APP", "This installation's invoices are issued by the app; switch the "
                        "invoice master to the ERP to push ERP invoices.", 409)
    if bool(pdf_url) == (pdf is not None):
        raise erp_error("INVOICE_PDF_REQUIRED", "Send the invoice's PDF either as the file (pdfBase64) or as its URL "
                        "(pdfUrl): one of them.")
    if pdf is not None:
        pdf_check(pdf)
    pdf_sha256 = hashlib.sha256(pdf).hexdigest() if pdf is not None else ""
    try:
        gross = Money.of(total_gross, currency)
        net, tax = Money.of(total_net, currency), Money.of(total_tax, currency)
    except InvalidMoney as exc:
        raise erp_error("INVOICE_AMOUNT_INVALID", "Amounts must be decimal strings in a known currency.") from exc
    if net + tax != gross or not gross.is_positive():
        raise erp_error("INVOICE_AMOUNT_INVALID", f"net {net.amount} + tax {tax.amount} must equal gross {gross.amount} "
                        "and be positive.")
    if due_date < issue_date:
        raise erp_error("INVOICE_DATES_INVALID", "The due date is before the issue date.")
    existing = ErpInvoice.objects.filter(installation=installation, number=number).first()
    if existing is not None:
        if (existing.saleor_order_id, Money.of(existing.total_gross, existing.currency)) != (saleor_order_id, gross):
            raise erp_error("INVOICE_NUMBER_TAKEN", f"Invoice {number} was pushed with other figures.", 409)
        return existing, False
    tx = (NetTermsTransaction.objects.filter(installation=installation, order_id=saleor_order_id, company__isnull=False)
          .order_by("id").first())
    if tx is None:
        raise erp_error("ORDER_NOT_FOUND", f"No order on net terms has the Saleor id {saleor_order_id!r}.", 404)
    if tx.currency != gross.currency:
        raise erp_error("CURRENCY_MISMATCH", f"The order is in {tx.currency}.")
    with transaction.atomic():
        company = company_lock(company_id=tx.company_id)
        receivable = (Receivable.objects.filter(transaction=tx, status=ReceivableStatus.OPEN, erp_invoice__isnull=True)
                      .order_by("id").first())
        if receivable is not None:
            if Money.of(receivable.amount, currency) != gross:
                raise erp_error("INVOICE_AMOUNT_MISMATCH", f"The order's captured receivable is {receivable.amount}, "
                                f"the invoice {gross.amount}.", 409)
            receivable = receivable_due_set(receivable=receivable, due_date=due_date)
        else:
            held = ledger_selectors.hold_balance(company=company, currency=currency, hold_ref=tx.hold_ref)
            if held < gross:
                raise erp_error("NOTHING_TO_INVOICE", f"Only {held.amount} is held for the order, the invoice is "
                                f"{gross.amount}.", 409)
            receivable = receivable_book(
                installation=installation, company=company, transaction=tx, reference=number,
                capture_key=f"erp-invoice:{number}", money=gross, issue_date=issue_date,
                due_date=due_date, order_id=tx.order_id, order_number=tx.order_number)
            ledger.receivable_from_hold(company=company, money=gross, hold_ref=tx.hold_ref,
                                        receivable_ref=receivable.receivable_ref,
                                        idempotency_key=f"erp-invoice:{installation.pk}:{number}",
                                        memo=f"ERP invoice {number} (order {tx.order_number or '-'})")
        invoice = ErpInvoice.objects.create(
            installation=installation, company=company, number=number, issue_date=issue_date, due_date=due_date,
            currency=currency, total_net=net.amount, total_tax=tax.amount, total_gross=gross.amount, pdf_url=pdf_url,
            saleor_order_id=saleor_order_id, receivable=receivable)
        if pdf is not None:
            ErpInvoicePdf.objects.create(invoice=invoice, content=pdf, size=len(pdf), sha256=pdf_sha256)
        erp_invoice_issued_publish(invoice, order_number=tx.order_number, po_number=tx.po_number)
        outbox_enqueue(installation=installation, kind="saleor.erp_invoice_create",
                       payload={"erp_invoice_id": invoice.pk}, dedupe_key=f"erp-invoice-create:{invoice.pk}",
                       ordering_key=f"erp-invoice:{invoice.pk}")
        audit_record(installation=installation, actor=actor, action="erp_invoice.push", object_type="erp_invoice",
                     object_id=invoice.pk, company=company,
                     after={"number": number, "order": saleor_order_id, "gross": gross.amount, "due": due_date,
                            "pdf": pdf_url or f"file sha256:{pdf_sha256} ({len(pdf)} bytes)"})
    return invoice, True


def _open_items_key(items, currency: str) -> set:
    return {(i["document_number"], i.get("document_date"), i.get("due_date"), Money.of(i["amount_open"], currency).amount)
            for i in items}


def erp_open_items_push(*, company: Company, currency: str, items: list[dict], actor: str) -> dict:
    """ERP as AR master: replace the company's open items in `currency` with the ERP's list."""
    if masters_get(installation=company.installation).open_items != Master.ERP:
        raise erp_error("OPEN_ITEMS_MASTER_IS_APP", "This installation's open items are the app's own receivables; "
                        "switch the open-items master to the ERP to push them.", 409)
    numbers = [i["document_number"] for i in items]
    if len(set(numbers)) != len(numbers):
        raise erp_error("OPEN_ITEM_DUPLICATE", "Each document number may appear once.")
    now = timezone.now()
    with transaction.atomic():
        company_lock(company_id=company.pk)
        current = ErpOpenItem.objects.filter(company=company, currency=currency)
        total = sum((Money.of(i["amount_open"], currency) for i in items), Money.zero(currency))
        if _open_items_key(current.values("document_number", "document_date", "due_date", "amount_open"),
                           currency) == _open_items_key(items, currency):
            current.update(as_of=now)  # the same list again: still current, nothing else changes
            return {"items": len(items), "exposure": {"amount": total.amount, "currency": currency}}
        before = current.count()
        ErpOpenItem.objects.filter(company=company, currency=currency).delete()
        ErpOpenItem.objects.bulk_create([ErpOpenItem(
            installation_id=company.installation_id, company=company, currency=currency,
            document_number=i["document_number"], document_date=i.get("document_date"), due_date=i.get("due_date"),
            amount_open=Money.of(i["amount_open"], currency).amount, as_of=now) for i in items])
        audit_record(installation=company.installation, actor=actor, action="erp_open_items.push",
                     object_type="company", object_id=company.pk, company=company,
                     before={"items": before}, after={"items": len(items), "currency": currency, "total": total.amount})
    return {"items": len(items), "exposure": {"amount": total.amount, "currency": currency}}
