"""Issuing invoices and credit notes (HackSoft style: keyword-only, `<entity>_<action>`).

When an invoice is issued depends on the company's policy (CompanyInvoicingSettings, default
at capture):

    at_capture            invoice_issue_for_receivable — the Dashboard's Capture books the receivable
                          (checkout.transaction_capture, receivable_from_hold) and the invoice is
                          issued for exactly what it captured, linked to that receivable: the ledger
                          is not posted twice
    at_confirmation       invoice_issue_for_order — the whole order, converting the hold
    per_fulfilment        invoice_issue_for_fulfilment — only what one shipment shipped
    consolidated_*        invoices_issue_consolidated — every un-invoiced shipment up to a date
    INVOICE_REQUESTED     invoice_request_answer — reuse the order's invoice, else issue one

Ledger: an invoice issued from a hold (confirmation, fulfilment, consolidation) creates its
Receivable (reference = the invoice number) and converts that part of the hold with
`ledger.receivable_from_hold`; a later Saleor capture of the transaction is then answered with
that receivable's reference and posts nothing (checkout.transaction_capture asks
`invoice_receivable_covering`). If Saleor captured first (hold already converted), a policy event
invoices the captured receivable once instead (`invoice_issue_for_receivable`).

Lines: see figures.py. A capture equal to the order total gets the order's lines (plus one
"Shipping and other charges" line for what Saleor's total has beyond the lines); any other amount
(a partial capture) gets one summary line per tax rate, "Partial invoice for order #N".

Atomicity and numbering: every issue runs in one transaction that takes the company lock first,
then the series counter (numbering.number_take), builds and checks the snapshot, writes the
receivable, the posting and the invoice, and queues the Saleor mutation and the e-mail in the
outbox (sent after commit). Anything failing rolls the number back: no gaps. Issuing is
idempotent per `issue_key` (the same receivable, fulfilment or order is never invoiced twice).

Voiding (INVOICE_DELETED, `invoice_void`): an invoice that was posted to the ledger is reversed by
a credit note for what can still be credited (its own number in the credit-note series); the
voided invoice keeps its number. Re-invoicing the order afterwards books a new receivable.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.companies.models import Company
from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money, quantize
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger import services as ledger
from saleor_netterms.masters.selectors import erp_owns
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_enqueue
from saleor_netterms.receivables import services as receivable_services
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.terms.engine import NetDays, PaymentTerms, schedule_compute
from saleor_netterms.terms.selectors import payment_terms_for_channel

from . import config
from .compose import snapshot_compose
from .documents.services import einvoice_problem
from .events import invoice_issued_publish, invoice_voided_publish
from .figures import (SourceLine, breakdown_and_totals, charges_line, line_make, lines_from_sources,
                      source_lines_from_order, summary_lines, supplies_of, weights_of)
from .models import (CompanyInvoicingSettings, Fulfilment, Invoice, InvoiceKind, InvoicingPolicy,
                     InvoiceStatus, SaleorInvoiceLink)
from .notifications import invoice_email_enqueue
from .numbering import number_take, series_for
from .snapshot import (Address, InvalidSnapshot, InvoiceSnapshot, Line, Party, snapshot_from_dict,
                       snapshot_to_dict)

logger = logging.getLogger(__name__)

NOT_INVOICEABLE_ORDER_STATUSES = frozenset({"DRAFT", "UNCONFIRMED", "EXPIRED", "CANCELED"})  # FACTS.md §6.2


class NothingToInvoice(NetTermsError):
    code = "NOTHING_TO_INVOICE"
    http_status = 409
    merchant_message = "There is nothing left to invoice for this order (no hold, no un-invoiced capture)."


class OrderNotInvoiceable(NetTermsError):
    code = "ORDER_NOT_INVOICEABLE"
    http_status = 409
    merchant_message = "Draft, unconfirmed, expired or cancelled orders are not invoiced."


class CreditNoteRefused(NetTermsError):
    code = "CREDIT_NOTE_REFUSED"
    http_status = 409
    merchant_message = "This credit note cannot be issued."


@dataclass(frozen=True, slots=True)
class InvoicingResult:
    """What a webhook asked of invoicing, as a recorded outcome: `code` is ISSUED, EXISTING,
    VOIDED, RECORDED or a business reason nothing was done (nothing written then)."""
    code: str
    invoice: Invoice | None = None
    credit_note: Invoice | None = None

    def as_json(self) -> dict:
        return {"code": self.code, "invoice": self.invoice.number if self.invoice else None,
                "creditNote": self.credit_note.number if self.credit_note else None}


# --- settings and terms -------------------------------------------------------------------------

def invoicing_settings_get(*, company: Company) -> CompanyInvoicingSettings:
    """The company's settings, or the defaults (unsaved) when it has none."""
    found = CompanyInvoicingSettings.objects.filter(company=company).select_related("terms_template").first()
    return found or CompanyInvoicingSettings(company=company)


def invoicing_settings_set(*, company: Company, **fields) -> CompanyInvoicingSettings:
    allowed = {"policy", "terms_template", "send_saleor_notification", "language"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown invoicing settings {sorted(unknown)}")
    if "policy" in fields and fields["policy"] not in InvoicingPolicy.values:
        raise ValueError(f"unknown policy {fields['policy']!r}")
    found, _ = CompanyInvoicingSettings.objects.update_or_create(company=company, defaults=fields)
    return found


def terms_for(*, company: Company, channel_slug: str, settings: CompanyInvoicingSettings,
              terms_days: int | None = None) -> PaymentTerms:
    """The company's template, else the channel's default template, else Net <days> (the
    transaction's terms days when known, else company.default_terms_days)."""
    if settings.terms_template_id:
        return settings.terms_template.terms()
    template = payment_terms_for_channel(installation=company.installation, channel_slug=channel_slug)
    if template is not None:
        return template.terms()
    return PaymentTerms(plan=NetDays(company.default_terms_days if terms_days is None else terms_days))


# --- parties ------------------------------------------------------------------------------------

# Countries whose business tax number is not a VAT id (EN 16931 BT-48 is a VAT id only).
_NON_VAT_TAX_IDS = {"US": "EIN", "JP": "JCT", "CA": "BN", "AU": "ABN"}


def _buyer(company: Company, billing: dict | None) -> Party:
    billing = billing or {}
    tax_id, country = company.tax_id, (company.tax_id_country or "").upper()
    scheme = _NON_VAT_TAX_IDS.get(country, "VAT")
    if tax_id and scheme == "VAT" and country and not tax_id[:2].isalpha():
        tax_id = f"{'EL' if country == 'GR' else country}{tax_id}"
    return Party(
        name=company.legal_name,
        address=Address(street=billing.get("streetAddress1") or "", street2=billing.get("streetAddress2") or "",
                        city=billing.get("city") or "", postal_code=billing.get("postalCode") or "",
                        country_area=billing.get("countryArea") or "",
                        country=billing.get("country") or company.tax_id_country or ""),
        tax_id=tax_id, tax_id_scheme=scheme, email=company.billing_contact_email,
        phone=company.billing_contact_phone, contact_name=company.billing_contact_name,
        erp_customer_number=company.erp_customer_number)


# --- the snapshot -------------------------------------------------------------------------------

def _snapshot_build(*, kind: str, number: str, payment_reference: str, issue_date: date, currency: str, language: str, company: Company,
                    billing: dict | None, lines: list[Line], terms: PaymentTerms | None, po_number: str,
                    order_number: str, order_id: str, delivery_date: date | None = None,
                    credited: Invoice | None = None, note: str = "", extra: dict | None = None,
                    payable: Decimal | None = None) -> InvoiceSnapshot:
    """compose.snapshot_compose with the database's facts (seller profile, company)."""
    return snapshot_compose(
        kind=kind, number=number, issue_date=issue_date, currency=currency, language=language,
        seller=config.seller_facts(installation=company.installation), buyer=_buyer(company, billing),
        lines=lines, terms=terms, payable=payable, po_number=po_number, order_number=order_number,
        order_id=order_id, delivery_date=delivery_date, credited_number=credited.number if credited else "",
        credited_date=credited.issue_date if credited else None, note=note, extra=extra,
        payment_reference=payment_reference)


def _order_lines(tx: NetTermsTransaction) -> tuple[dict, list[SourceLine]]:
    order = tx.order_snapshot or {}
    return order, source_lines_from_order(order.get("lines") or [])


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _lines_for_amount(*, order: dict, sources: list[SourceLine], amount: Decimal, currency: str,
                      partial_label: str) -> list[Line]:
    """The order's lines when they total `amount`, else summary lines per tax rate (figures.py)."""
    zero = config.zero_rate_category()
    lines = lines_from_sources(sources, currency=currency, zero_category=zero)
    extra = charges_line(sources=sources, total_net=_dec(order.get("totalNet")),
                         total_gross=_dec(order.get("totalGross")), currency=currency, zero_category=zero,
                         position=len(lines) + 1)
    if extra is not None:
        lines.append(extra)
    if lines and breakdown_and_totals(lines, currency=currency)[1].gross == amount:
        return lines
    weights = weights_of(sources, currency) or OrderedDict({Decimal(0): amount})
    return summary_lines(description=partial_label, amount=amount, weights=weights, currency=currency,
                         zero_category=zero, supplies=supplies_of((s.rate, s.supply) for s in sources))


def _order_invoiceable(order: dict) -> bool:
    return bool(order.get("lines")) and (order.get("status") or "") not in NOT_INVOICEABLE_ORDER_STATUSES


# --- the one issuing path -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _FromHold:
    parts: tuple[tuple[NetTermsTransaction, Decimal], ...]  # (transaction, amount) converted from its hold


@dataclass(frozen=True, slots=True)
class _Linked:
    receivable: Receivable  # already booked (a capture)


def _issue(*, company: Company, kind: str, issue_key: str, currency: str, channel_slug: str, lines_for,
           ledger_plan, tx: NetTermsTransaction | None, order: dict, po_number: str, issue_date: date | None,
           saleor_orders: tuple[str, ...], attach_in_saleor: bool, delivery_date: date | None = None,
           credited: Invoice | None = None, note: str = "", credit_reason: str = "") -> tuple[Invoice, bool]:
    """Lock company → re-check → number → snapshot → receivable/posting → invoice → outbox.
    `lines_for()` runs under the lock (it may read balances). Returns (invoice, created)."""
    if kind == InvoiceKind.INVOICE and erp_owns(installation_id=company.installation_id, what="invoices"):
        raise NothingToInvoice(f"company {company.pk}: the ERP is this installation's invoicing master",
                               merchant_message="The ERP issues this installation's invoices.")
    with transaction.atomic():
        company = company_lock(company_id=company.pk)
        existing = Invoice.objects.filter(installation_id=company.installation_id, issue_key=issue_key).first()
        if existing is not None:
            return existing, False
        settings = invoicing_settings_get(company=company)
        language = settings.language or config.default_language()
        lines, plan = lines_for(), ledger_plan() if callable(ledger_plan) else ledger_plan
        today = issue_date or business_today(company.installation)
        taken = number_take(series=series_for(installation=company.installation, kind=kind,
                                              channel_slug=channel_slug), issue_date=today)
        terms = (terms_for(company=company, channel_slug=channel_slug, settings=settings,
                           terms_days=tx.terms_days if tx else None) if kind == InvoiceKind.INVOICE else None)
        payable = (Money.of(plan.receivable.amount, currency).amount if isinstance(plan, _Linked)
                   else sum((part for _, part in plan.parts), Decimal(0)) if isinstance(plan, _FromHold) else None)
        snapshot = _snapshot_build(
            kind=kind, number=taken.number, payment_reference=taken.creditor_reference,
            issue_date=today, currency=currency, language=language, company=company,
            billing=order.get("billingAddress"), lines=lines, terms=terms, po_number=po_number,
            order_number=order.get("number") or "", order_id=order.get("orderId") or "",
            delivery_date=delivery_date, credited=credited, note=note, payable=payable)
        amount = snapshot.totals.amount_due
        due = snapshot.due_date or today
        receivable = None
        if isinstance(plan, _Linked):
            receivable = plan.receivable
            if Money.of(receivable.amount, currency).amount != amount:
                raise InvalidSnapshot(f"invoice total {amount} != captured {receivable.amount}")
            if receivable.due_date != due:  # the invoice's terms are the truth for dunning
                receivable_services.receivable_due_set(receivable=receivable, due_date=due)
        elif isinstance(plan, _FromHold):
            if sum((part for _, part in plan.parts), Decimal(0)) != amount:
                raise InvalidSnapshot(f"hold conversion does not total the invoice ({amount})")
            receivable = receivable_services.receivable_book(
                installation=company.installation, company=company, transaction=tx, reference=taken.number,
                capture_key=f"invoice:{issue_key}", money=Money(amount, currency), issue_date=today, due_date=due,
                order_id=order.get("orderId") or "", order_number=order.get("number") or "",
                saleor_pending_psp=taken.number)
            for part_tx, part in plan.parts:
                ledger.receivable_from_hold(
                    company=company, money=Money(part, currency), hold_ref=part_tx.hold_ref,
                    receivable_ref=receivable.receivable_ref, idempotency_key=f"invoice:{receivable.pk}:{part_tx.pk}",
                    memo=f"Invoice {taken.number} (order {part_tx.order_number or '-'})")
        invoice = Invoice.objects.create(
            installation_id=company.installation_id, company=company, kind=kind, series=taken.series,
            period=taken.period, number=taken.number, sequence=taken.sequence, issue_date=today, currency=currency,
            total_gross=snapshot.totals.gross, amount_due=amount, due_date=snapshot.due_date,
            snapshot=snapshot_to_dict(snapshot), einvoice_problem=einvoice_problem(snapshot), transaction=tx,
            receivable=receivable, credited_invoice=credited,
            issue_key=issue_key, saleor_order_id=saleor_orders[0] if len(saleor_orders) == 1 else "")
        if kind == InvoiceKind.CREDIT_NOTE and credited.receivable_id:
            credited_receivable = credited.receivable
            ledger.credit_note_post(company=company, money=Money(amount, currency),
                                    receivable_ref=credited_receivable.receivable_ref,
                                    idempotency_key=f"credit-note:{invoice.pk}",
                                    memo=f"Credit note {invoice.number} for {credited.number}: {credit_reason}"[:255])
            receivable_services.receivable_status_refresh(receivable=credited_receivable)
        _after_issue_enqueue(invoice=invoice, settings=settings, saleor_orders=saleor_orders,
                             attach_in_saleor=attach_in_saleor)
        invoice_issued_publish(invoice)
    logger.info("invoice issued", extra={"invoice": invoice.pk, "number": invoice.number, "kind": kind,
                                         "company": company.pk, "amount": str(amount)})
    return invoice, True


def _after_issue_enqueue(*, invoice: Invoice, settings: CompanyInvoicingSettings, saleor_orders: tuple[str, ...],
                         attach_in_saleor: bool) -> None:
    if invoice.kind == InvoiceKind.INVOICE and attach_in_saleor:
        for order_id in saleor_orders:
            outbox_enqueue(installation=invoice.installation, kind="saleor.invoice_create",
                           payload={"invoice_id": invoice.pk, "order_id": order_id},
                           dedupe_key=f"invoice-create:{invoice.pk}:{order_id}", ordering_key=f"invoice:{invoice.pk}")
        if settings.send_saleor_notification and len(saleor_orders) == 1:
            outbox_enqueue(installation=invoice.installation, kind="saleor.invoice_send_notification",
                           payload={"invoice_id": invoice.pk, "saleor_invoice_id": None},
                           dedupe_key=f"invoice-notify:{invoice.pk}", ordering_key=f"invoice:{invoice.pk}")
    if invoice.company.billing_contact_email:
        invoice_email_enqueue(invoice=invoice)


def _held(tx: NetTermsTransaction) -> Decimal:
    return ledger_selectors.hold_balance(company=tx.company, currency=tx.currency, hold_ref=tx.hold_ref).amount


def _uninvoiced_receivable(tx: NetTermsTransaction) -> Receivable | None:
    return (Receivable.objects.filter(transaction=tx, invoice__isnull=True).exclude(capture_key__startswith="invoice:")
            .order_by("-id").first())


# --- at capture ---------------------------------------------------------------------------------

def invoice_issue_for_receivable(*, receivable: Receivable, issue_date: date | None = None,
                                 attach_in_saleor: bool = True) -> Invoice:
    """Invoice exactly what a capture booked, linked to its receivable (no second posting).
    Raises OrderNotInvoiceable when the transaction has no confirmed order bound yet."""
    found = Invoice.objects.filter(receivable=receivable).first()
    if found is not None:
        return found
    tx = receivable.transaction
    order, sources = _order_lines(tx) if tx else ({}, [])
    if tx is None or not _order_invoiceable(order):
        raise OrderNotInvoiceable(f"receivable {receivable.pk}: no confirmed order with lines")
    currency = receivable.currency
    amount = Money.of(receivable.amount, currency).amount
    number = order.get("number") or "-"
    full = _dec(order.get("totalGross")) == amount
    label = f"Order #{number}" if full else f"Partial invoice for order #{number}"
    invoice, _ = _issue(
        company=receivable.company, kind=InvoiceKind.INVOICE, issue_key=f"receivable:{receivable.pk}",
        currency=currency, channel_slug=tx.channel_slug,
        lines_for=lambda: _lines_for_amount(order=order, sources=sources, amount=amount, currency=currency,
                                            partial_label=label),
        ledger_plan=_Linked(receivable), tx=tx, order=order, po_number=tx.po_number, issue_date=issue_date,
        saleor_orders=(tx.order_id,) if tx.order_id else (), attach_in_saleor=attach_in_saleor)
    return invoice


def invoice_issue_at_capture(*, receivable: Receivable) -> Invoice | None:
    """Called by checkout.transaction_capture inside its transaction, after it booked the
    receivable: issues the invoice when the company's policy is at_capture and the order is bound
    and confirmed; otherwise None (a later event or `invoices_issue_pending` issues it). A failure
    to issue never fails the capture (savepoint; logged)."""
    if invoicing_settings_get(company=receivable.company).policy != InvoicingPolicy.AT_CAPTURE:
        return None
    if erp_owns(installation_id=receivable.installation_id, what="invoices"):
        return None  # the ERP issues the invoice and pushes it (erp.services.erp_invoice_push)
    try:
        with transaction.atomic():
            return invoice_issue_for_receivable(receivable=receivable)
    except OrderNotInvoiceable:
        return None
    except NetTermsError as exc:
        logger.error("invoice at capture failed", extra={"receivable": receivable.pk, "code": exc.code,
                                                          "error": exc.log_message})
        return None


def invoice_receivable_covering(*, transaction: NetTermsTransaction) -> Receivable | None:
    """For checkout.transaction_capture: the receivable of the newest invoice already issued from
    this transaction's hold (confirmation, fulfilment, consolidation), whose posting the capture
    must not repeat; None when no invoice covers it."""
    invoice = (Invoice.objects.filter(transaction=transaction, kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED,
                                      receivable__capture_key__startswith="invoice:")
               .select_related("receivable").order_by("-id").first())
    if invoice is None:
        invoice = (Invoice.objects.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED,
                                          fulfilments__transaction=transaction, receivable__isnull=False)
                   .select_related("receivable").order_by("-id").first())
    return invoice.receivable if invoice else None


# --- at confirmation / on request ---------------------------------------------------------------

def invoice_issue_for_order(*, transaction: NetTermsTransaction, issue_date: date | None = None,
                            attach_in_saleor: bool = True) -> Invoice:
    """Invoice the whole order of a net-terms transaction, converting its hold. When Saleor
    already captured it (no hold left), invoices the captured receivable instead. Raises
    OrderNotInvoiceable / NothingToInvoice (nothing written)."""
    tx = transaction
    found = Invoice.objects.filter(installation_id=tx.installation_id, issue_key=f"order:{tx.pk}").first()
    if found is not None:
        return found
    order, sources = _order_lines(tx)
    if not _order_invoiceable(order):
        raise OrderNotInvoiceable(f"transaction {tx.pk}: order status {order.get('status')!r}")
    total = _dec(order.get("totalGross"))
    currency = tx.currency
    if total is None or _held(tx) < total:
        captured = _uninvoiced_receivable(tx)
        if captured is None:
            raise NothingToInvoice(f"transaction {tx.pk}: hold {_held(tx)} < order total {total}")
        return invoice_issue_for_receivable(receivable=captured, issue_date=issue_date,
                                            attach_in_saleor=attach_in_saleor)
    state: dict = {}

    def lines_for() -> list[Line]:
        if _held(tx) < total:  # re-checked under the company lock
            raise NothingToInvoice(f"transaction {tx.pk}: the hold changed")
        state["lines"] = _lines_for_amount(order=order, sources=sources, amount=total, currency=currency,
                                           partial_label=f"Order #{order.get('number') or '-'}")
        return state["lines"]

    invoice, _ = _issue(
        company=tx.company, kind=InvoiceKind.INVOICE, issue_key=f"order:{tx.pk}", currency=currency,
        channel_slug=tx.channel_slug, lines_for=lines_for, ledger_plan=lambda: _FromHold(((tx, total),)), tx=tx,
        order=order, po_number=tx.po_number, issue_date=issue_date,
        saleor_orders=(tx.order_id,) if tx.order_id else (), attach_in_saleor=attach_in_saleor)
    return invoice


def invoices_issue_for_confirmed_order(*, installation, order) -> list[Invoice]:
    """ORDER_CREATED/ORDER_CONFIRMED: for companies whose policy is "at confirmation", invoice the
    order once it is confirmed (FACTS.md §5.3, §6.2: never an unconfirmed or draft order). Orders
    that cannot be invoiced yet are left for the next event or the hourly sweep."""
    issued = []
    for tx in _net_terms_transactions(installation=installation, order=order):
        if invoicing_settings_get(company=tx.company).policy != InvoicingPolicy.AT_CONFIRMATION:
            continue
        try:
            with transaction.atomic():
                issued.append(invoice_issue_for_order(transaction=tx))
        except (OrderNotInvoiceable, NothingToInvoice):
            continue
    return issued


def _net_terms_transactions(*, installation, order) -> list[NetTermsTransaction]:
    return list(NetTermsTransaction.objects.filter(
        Q(saleor_transaction_id__in=order.transaction_ids) | Q(order_id=order.order_id),
        installation=installation, company__isnull=False)
        .exclude(status=TransactionStatus.DECLINED).select_related("company").order_by("id"))


def invoice_request_answer(*, installation, saleor_invoice_id: str, order) -> InvoicingResult:
    """INVOICE_REQUESTED (staff pressed "Generate invoice"): reuse the order's issued invoice,
    else issue one; then queue `invoiceUpdate` (number + document URL) for Saleor's pending
    invoice. `order` is a checkout.requests.OrderSnapshot. The same Saleor invoice asked again
    gets the same invoice and no new message.

    When the order already shows the invoice in Saleor (our invoiceCreate at capture, or an earlier
    request), completing the new pending record would put a second Saleor invoice with the same
    number on the order: it is removed instead (`invoiceDelete`). When our invoiceCreate has not
    been delivered yet, the pending record is adopted and the invoiceCreate is dropped at delivery."""
    link = SaleorInvoiceLink.objects.filter(installation=installation, saleor_invoice_id=saleor_invoice_id).first()
    if link is not None:
        return InvoicingResult("EXISTING", link.invoice)
    if order.status in NOT_INVOICEABLE_ORDER_STATUSES:
        return InvoicingResult("ORDER_NOT_INVOICEABLE")
    order_bind(installation=installation, order=order)  # the freshest lines, idempotent
    transactions = _net_terms_transactions(installation=installation, order=order)
    if not transactions:
        return InvoicingResult("NOT_NET_TERMS")
    with transaction.atomic():
        invoice = (Invoice.objects.filter(installation=installation, kind=InvoiceKind.INVOICE,
                                          status=InvoiceStatus.ISSUED, saleor_order_id=order.order_id)
                   .order_by("-id").first())
        created = False
        if invoice is None:
            try:
                with transaction.atomic():
                    invoice = invoice_issue_for_order(transaction=transactions[0], attach_in_saleor=False)
                    created = True
            except (NothingToInvoice, OrderNotInvoiceable) as exc:
                return InvoicingResult(exc.code)
        SaleorInvoiceLink.objects.create(installation=installation, saleor_invoice_id=saleor_invoice_id,
                                         invoice=invoice)
        if not created and invoice.saleor_invoice_id and invoice.saleor_invoice_id != saleor_invoice_id:
            outbox_enqueue(installation=installation, kind="saleor.invoice_delete",
                           payload={"invoice_id": invoice.pk, "saleor_invoice_id": saleor_invoice_id},
                           dedupe_key=f"invoice-delete:{saleor_invoice_id}", ordering_key=f"invoice:{invoice.pk}")
            logger.info("duplicate saleor invoice removed", extra={
                "invoice": invoice.pk, "attached": invoice.saleor_invoice_id, "duplicate": saleor_invoice_id})
            return InvoicingResult("EXISTING", invoice)
        if not invoice.saleor_invoice_id:
            invoice.saleor_invoice_id = saleor_invoice_id
            invoice.save(update_fields=["saleor_invoice_id"])
        outbox_enqueue(installation=installation, kind="saleor.invoice_update",
                       payload={"invoice_id": invoice.pk, "saleor_invoice_id": saleor_invoice_id},
                       dedupe_key=f"invoice-update:{saleor_invoice_id}", ordering_key=f"invoice:{invoice.pk}")
        notified = OutboxMessage.objects.filter(installation=installation, kind="saleor.invoice_send_notification",
                                                payload__invoice_id=invoice.pk).exists()  # at issue: once is enough
        if invoicing_settings_get(company=invoice.company).send_saleor_notification and not notified:
            outbox_enqueue(installation=installation, kind="saleor.invoice_send_notification",
                           payload={"invoice_id": invoice.pk, "saleor_invoice_id": saleor_invoice_id},
                           dedupe_key=f"invoice-notify:{saleor_invoice_id}", ordering_key=f"invoice:{invoice.pk}")
    return InvoicingResult("ISSUED" if created else "EXISTING", invoice)


def invoice_saleor_link(*, invoice_id: int, saleor_invoice_id: str) -> None:
    """Record the Saleor invoice our invoiceCreate made (the deliverer calls this)."""
    invoice = Invoice.objects.get(pk=invoice_id)
    SaleorInvoiceLink.objects.get_or_create(installation_id=invoice.installation_id,
                                            saleor_invoice_id=saleor_invoice_id, defaults={"invoice": invoice})
    if not invoice.saleor_invoice_id:
        invoice.saleor_invoice_id = saleor_invoice_id
        invoice.save(update_fields=["saleor_invoice_id"])


# --- fulfilments --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShippedLine:
    sku: str | None
    product_name: str | None
    quantity: int


def _match_shipped(order_lines: list[dict], shipped: list[ShippedLine]) -> dict[int, int]:
    """{order line index: quantity} by SKU, else product name; each order line at most its quantity."""
    left = {i: int(l.get("quantity") or 0) for i, l in enumerate(order_lines)}
    result: dict[int, int] = {}
    for item in shipped:
        quantity = item.quantity
        for i, line in enumerate(order_lines):
            if quantity <= 0:
                break
            same = (item.sku and line.get("sku") == item.sku) or (
                not item.sku and item.product_name and line.get("productName") == item.product_name)
            if same and left[i] > 0:
                take = min(left[i], quantity)
                result[i] = result.get(i, 0) + take
                left[i] -= take
                quantity -= take
    return result


def fulfilment_record(*, installation, fulfillment_id: str, order, shipped: list[ShippedLine],
                      fulfilled_on: date) -> InvoicingResult:
    """FULFILLMENT_CREATED: record the shipment of a net-terms order when the company is invoiced
    per fulfilment (then invoice it now) or consolidated (invoiced by the period run). Other
    policies write nothing."""
    existing = Fulfilment.objects.filter(installation=installation, saleor_fulfillment_id=fulfillment_id).first()
    if existing is not None:
        return InvoicingResult("EXISTING" if existing.invoice_id else "RECORDED", existing.invoice)
    transactions = _net_terms_transactions(installation=installation, order=order)
    if not transactions:
        return InvoicingResult("NOT_NET_TERMS")
    tx = transactions[0]
    policy = invoicing_settings_get(company=tx.company).policy
    if policy not in (InvoicingPolicy.PER_FULFILMENT, InvoicingPolicy.CONSOLIDATED_WEEKLY,
                      InvoicingPolicy.CONSOLIDATED_MONTHLY):
        return InvoicingResult(f"POLICY_{policy.upper()}")
    order_bind(installation=installation, order=order)
    tx.refresh_from_db()
    order_lines = (tx.order_snapshot or {}).get("lines") or []
    quantities = _match_shipped(order_lines, shipped)
    if not quantities:
        return InvoicingResult("NO_MATCHING_LINES")
    lines = [{**order_lines[i], "quantity": q} for i, q in sorted(quantities.items())]
    with transaction.atomic():
        fulfilment, created = Fulfilment.objects.get_or_create(
            installation=installation, saleor_fulfillment_id=fulfillment_id,
            defaults={"company": tx.company, "transaction": tx, "saleor_order_id": order.order_id,
                      "order_number": order.number, "lines": lines, "fulfilled_on": fulfilled_on})
    if policy != InvoicingPolicy.PER_FULFILMENT:
        return InvoicingResult("RECORDED")
    try:
        invoice = invoice_issue_for_fulfilment(fulfilment=fulfilment)
    except (NothingToInvoice, OrderNotInvoiceable) as exc:
        return InvoicingResult(exc.code)
    return InvoicingResult("ISSUED", invoice)


def _first_of_order(fulfilment: Fulfilment) -> bool:
    """The order's charges (shipping…) go on the invoice of its first invoiced shipment."""
    return not Fulfilment.objects.filter(installation_id=fulfilment.installation_id,
                                         saleor_order_id=fulfilment.saleor_order_id,
                                         invoice__isnull=False).exclude(pk=fulfilment.pk).exists()


def _fulfilment_lines(fulfilment: Fulfilment, *, currency: str, start: int, prefix: str = "") -> list[Line]:
    zero = config.zero_rate_category()
    sources = source_lines_from_order(fulfilment.lines)
    if prefix:
        sources = [replace(s, description=f"{prefix}{s.description}") for s in sources]
    lines = lines_from_sources(sources, currency=currency, zero_category=zero, start=start)
    if _first_of_order(fulfilment):
        order, order_sources = _order_lines(fulfilment.transaction)
        extra = charges_line(sources=order_sources, total_net=_dec(order.get("totalNet")),
                             total_gross=_dec(order.get("totalGross")), currency=currency, zero_category=zero,
                             position=start + len(lines))
        if extra is not None:
            lines.append(extra)
    return lines


def invoice_issue_for_fulfilment(*, fulfilment: Fulfilment, issue_date: date | None = None) -> Invoice:
    """Invoice one shipment: only its lines (the order's shipping on the first one), converting
    that part of the hold. If Saleor captured the order first, the captured receivable is
    invoiced once instead."""
    if fulfilment.invoice_id:
        return fulfilment.invoice
    tx = fulfilment.transaction
    order = tx.order_snapshot or {}
    if (order.get("status") or "") in NOT_INVOICEABLE_ORDER_STATUSES:
        raise OrderNotInvoiceable(f"fulfilment {fulfilment.pk}: order status {order.get('status')!r}")
    currency = tx.currency
    preview = _fulfilment_lines(fulfilment, currency=currency, start=1)
    amount = breakdown_and_totals(preview, currency=currency)[1].gross
    if _held(tx) < amount:
        captured = _uninvoiced_receivable(tx)
        if captured is None:
            raise NothingToInvoice(f"fulfilment {fulfilment.pk}: hold {_held(tx)} < {amount}")
        invoice = invoice_issue_for_receivable(receivable=captured, issue_date=issue_date)
    else:
        def lines_for() -> list[Line]:
            if _held(tx) < amount:
                raise NothingToInvoice(f"fulfilment {fulfilment.pk}: the hold changed")
            return preview

        invoice, _ = _issue(
            company=tx.company, kind=InvoiceKind.INVOICE, issue_key=f"fulfilment:{fulfilment.pk}", currency=currency,
            channel_slug=tx.channel_slug, lines_for=lines_for, ledger_plan=_FromHold(((tx, amount),)), tx=tx,
            order=order, po_number=tx.po_number, issue_date=issue_date,
            saleor_orders=(fulfilment.saleor_order_id,), attach_in_saleor=True,
            delivery_date=fulfilment.fulfilled_on)
    Fulfilment.objects.filter(pk=fulfilment.pk).update(invoice=invoice)
    fulfilment.invoice = invoice
    return invoice


def invoices_issue_consolidated(*, company: Company, period_end: date, issue_date: date | None = None) -> list[Invoice]:
    """One invoice per currency for every un-invoiced shipment of the company fulfilled on or
    before `period_end`, lines prefixed "Order #N: ", each order's part converted from its own
    hold. Shipments whose order has no hold left (captured first) are left out (logged)."""
    fulfilments = list(Fulfilment.objects.filter(company=company, invoice__isnull=True, fulfilled_on__lte=period_end)
                       .select_related("transaction").order_by("fulfilled_on", "id"))
    by_currency: dict[str, list[Fulfilment]] = OrderedDict()
    for f in fulfilments:
        by_currency.setdefault(f.transaction.currency, []).append(f)
    issued = []
    for currency, group in by_currency.items():
        state: dict = {}

        def lines_for(group=group, currency=currency) -> list[Line]:
            lines: list[Line] = []
            parts: OrderedDict[int, tuple[NetTermsTransaction, Decimal]] = OrderedDict()
            kept = []
            for f in group:
                own = _fulfilment_lines(f, currency=currency, start=len(lines) + 1, prefix=f"Order #{f.order_number}: ")
                gross = sum((l.gross for l in own), Decimal(0))
                tx = f.transaction
                already = parts.get(tx.pk, (tx, Decimal(0)))[1]
                if _held(tx) < already + gross:
                    logger.warning("consolidation: shipment left out, no hold left",
                                   extra={"fulfilment": f.pk, "transaction": tx.pk})
                    continue
                parts[tx.pk] = (tx, already + gross)
                lines += own
                kept.append(f)
            if not lines:
                raise NothingToInvoice(f"company {company.pk}: no shipment with a hold left")
            total = breakdown_and_totals(lines, currency=currency)[1].gross
            items = list(parts.values())
            rounding = total - sum((a for _, a in items), Decimal(0))  # group-level tax rounding
            last_tx, last_amount = items[-1]
            items[-1] = (last_tx, last_amount + rounding)
            if _held(last_tx) < items[-1][1]:
                raise NothingToInvoice(f"company {company.pk}: rounding exceeds the hold")
            state["parts"], state["kept"] = tuple(items), kept
            return lines

        first, last = group[0], group[-1]
        orders = tuple(OrderedDict.fromkeys(f.saleor_order_id for f in group))
        po_numbers = ", ".join(OrderedDict.fromkeys(f.transaction.po_number for f in group if f.transaction.po_number))
        try:
            invoice, created = _issue(
                company=company, kind=InvoiceKind.INVOICE,
                issue_key=f"consolidated:{company.pk}:{currency}:{period_end.isoformat()}:{first.pk}-{last.pk}",
                currency=currency, channel_slug=first.transaction.channel_slug, lines_for=lines_for,
                ledger_plan=lambda: _FromHold(state["parts"]), tx=None, order=first.transaction.order_snapshot or {},
                po_number=po_numbers[:128], issue_date=issue_date or period_end, saleor_orders=orders,
                attach_in_saleor=True, delivery_date=last.fulfilled_on,
                note=f"Shipments up to {period_end.isoformat()}")
        except NothingToInvoice:
            continue
        if created:
            Fulfilment.objects.filter(pk__in=[f.pk for f in state["kept"]]).update(invoice=invoice)
        issued.append(invoice)
    return issued


def consolidation_period_end(*, policy: str, today: date) -> date | None:
    """The last closed period's end: last Sunday (weekly) or the last day of last month (monthly)."""
    if policy == InvoicingPolicy.CONSOLIDATED_WEEKLY:
        return today - timedelta(days=today.isoweekday())
    if policy == InvoicingPolicy.CONSOLIDATED_MONTHLY:
        return today.replace(day=1) - timedelta(days=1)
    return None


# --- credit notes and voiding -------------------------------------------------------------------

def credit_note_issue(*, invoice: Invoice, reason: str, amount: Money | None = None,
                      lines: list[tuple[int, Decimal]] | None = None, issue_key: str | None = None,
                      issue_date: date | None = None, line_position: int | None = None) -> Invoice:
    """A credit note against an issued invoice: the whole invoice (neither `amount` nor `lines`),
    an amount (one line per tax rate, "Credit for invoice N: reason"; with `line_position`, at
    that one line's rate and supply, "Credit for invoice N, line P: reason") or `lines` as
    [(invoice line position, quantity)]. Numbered in the credit-note series, references the
    invoice, and posts its reversal with ledger.credit_note_post (open part first, the paid part
    becomes the buyer's credit balance). Refused (nothing written) for a credit note, a void
    invoice, or more than can still be credited."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.is_void:
        raise CreditNoteRefused(f"invoice {invoice.pk} is a {invoice.kind} / {invoice.status}")
    if not (reason or "").strip():
        raise CreditNoteRefused("a credit note needs a reason", merchant_message="Give a reason for the credit note.")
    source = snapshot_from_dict(invoice.snapshot)
    currency = invoice.currency
    zero = config.zero_rate_category()
    if lines:
        by_position = {l.position: l for l in source.lines}
        try:
            chosen = [(by_position[p], Decimal(q)) for p, q in lines]
        except KeyError as exc:
            raise CreditNoteRefused(f"invoice {invoice.number} has no line {exc}") from exc
        if any(q <= 0 or q > l.quantity for l, q in chosen):
            raise CreditNoteRefused("a credited quantity is not within the invoiced quantity")
        credit_lines = [line_make(position=i, description=l.description, sku=l.sku, quantity=q, unit_net=l.unit_net,
                                  rate=l.tax_rate, currency=currency, zero_category=zero, supply=l.supply)
                        for i, (l, q) in enumerate(chosen, start=1)]
    elif amount is not None:
        if amount.currency != currency or not amount.is_positive():
            raise CreditNoteRefused(f"credit amount {amount} is not a positive {currency} amount")
        credited = [l for l in source.lines if line_position is None or l.position == line_position]
        if not credited:
            raise CreditNoteRefused(f"invoice {invoice.number} has no line {line_position}")
        weights: OrderedDict[Decimal, Decimal] = OrderedDict()
        for l in credited:
            weights[l.tax_rate] = weights.get(l.tax_rate, Decimal(0)) + l.gross
        what = f"Credit for invoice {invoice.number}" + (f", line {line_position}" if line_position else "")
        credit_lines = summary_lines(description=f"{what}: {reason}",
                                     amount=quantize(amount.amount, currency), weights=weights, currency=currency,
                                     zero_category=zero, supplies=supplies_of((l.tax_rate, l.supply) for l in credited))
    else:
        credit_lines = list(source.lines)
    total = breakdown_and_totals(credit_lines, currency=currency)[1].gross
    if invoice.receivable_id:
        creditable = ledger_selectors.receivable_creditable(company=invoice.company, currency=currency,
                                                            receivable_ref=invoice.receivable.receivable_ref)
        if total > creditable.amount:
            raise CreditNoteRefused(f"credit {total} exceeds what invoice {invoice.number} can still be credited "
                                    f"({creditable})", merchant_message=f"At most {creditable} can be credited.")
    address = source.buyer.address
    order = {"number": source.order_number, "orderId": source.order_id,
             "billingAddress": {"streetAddress1": address.street, "streetAddress2": address.street2,
                                "city": address.city, "postalCode": address.postal_code,
                                "countryArea": address.country_area, "country": address.country}}
    key = issue_key or f"credit:{invoice.pk}:{Invoice.objects.filter(credited_invoice=invoice).count() + 1}"
    credit_note, _ = _issue(
        company=invoice.company, kind=InvoiceKind.CREDIT_NOTE, issue_key=key, currency=currency,
        channel_slug=invoice.series.channel_slug, lines_for=lambda: credit_lines, ledger_plan=None,
        tx=invoice.transaction, order=order, po_number=source.po_number, issue_date=issue_date,
        saleor_orders=(), attach_in_saleor=False, credited=invoice, note=reason[:255], credit_reason=reason)
    return credit_note


def credit_notes_issued(*, installation, issue_key_prefix: str) -> bool:
    """Has an operation (e.g. a Saleor refund over several invoices) issued its credit notes?"""
    return Invoice.objects.filter(installation=installation, kind=InvoiceKind.CREDIT_NOTE,
                                  issue_key__startswith=issue_key_prefix).exists()


def invoice_void(*, invoice: Invoice, reason: str) -> tuple[Invoice, Invoice | None]:
    """Void an issued invoice: when it was posted to the ledger, a credit note reverses what can
    still be credited on it; the invoice keeps its number (status void). Voiding twice changes
    nothing. Returns (invoice, credit note or None)."""
    with transaction.atomic():
        company_lock(company_id=invoice.company_id)
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_void:
            return invoice, invoice.credit_notes.filter(issue_key=f"void:{invoice.pk}").first()
        credit_note = None
        if invoice.kind == InvoiceKind.INVOICE and invoice.receivable_id:
            creditable = ledger_selectors.receivable_creditable(
                company=invoice.company, currency=invoice.currency, receivable_ref=invoice.receivable.receivable_ref)
            if creditable.is_positive():
                full = creditable.amount == invoice.total_gross
                credit_note = credit_note_issue(invoice=invoice, reason=f"Invoice voided: {reason}",
                                                amount=None if full else creditable, issue_key=f"void:{invoice.pk}")
        invoice.status, invoice.voided_at, invoice.void_reason = InvoiceStatus.VOID, timezone.now(), reason[:255]
        invoice.save(update_fields=["status", "voided_at", "void_reason"])
        invoice_voided_publish(invoice, credit_note)
    return invoice, credit_note


def invoice_delete_answer(*, installation, saleor_invoice_id: str) -> InvoicingResult:
    """INVOICE_DELETED (Saleor's invoiceRequestDelete): void the invoice that Saleor record shows
    (reversed by a credit note when posted). An unknown Saleor invoice changes nothing."""
    link = (SaleorInvoiceLink.objects.filter(installation=installation, saleor_invoice_id=saleor_invoice_id)
            .select_related("invoice").first())
    if link is None:
        return InvoicingResult("UNKNOWN_INVOICE")
    if link.invoice.saleor_order_id and link.invoice.saleor_invoice_id not in ("", saleor_invoice_id):
        return InvoicingResult("EXISTING", link.invoice)  # a duplicate record went; the order still shows it
    if link.invoice.is_void:
        return InvoicingResult("EXISTING", link.invoice)
    invoice, credit_note = invoice_void(invoice=link.invoice, reason="Deleted in Saleor")
    return InvoicingResult("VOIDED", invoice, credit_note)


# --- sweeps (Celery beat) -----------------------------------------------------------------------

def invoices_issue_pending(*, installation=None) -> int:
    """Issue what the policies say is due but no event issued: at_capture receivables whose order
    was bound or confirmed after the capture, and confirmed orders of at_confirmation companies.
    Returns how many invoices were issued."""
    count = 0
    receivables = Receivable.objects.filter(invoice__isnull=True, transaction__isnull=False).exclude(
        capture_key__startswith="invoice:").select_related("company", "transaction")
    if installation is not None:
        receivables = receivables.filter(installation=installation)
    for receivable in receivables:
        if invoicing_settings_get(company=receivable.company).policy != InvoicingPolicy.AT_CAPTURE:
            continue
        try:
            invoice_issue_for_receivable(receivable=receivable)
            count += 1
        except NetTermsError:
            continue
    confirmed = CompanyInvoicingSettings.objects.filter(policy=InvoicingPolicy.AT_CONFIRMATION)
    for tx in NetTermsTransaction.objects.filter(company__invoicing_settings__in=confirmed, invoices__isnull=True,
                                                 status__in=[TransactionStatus.AUTHORIZED, TransactionStatus.CAPTURED]
                                                 ).exclude(order_id=""):
        try:
            invoice_issue_for_order(transaction=tx)
            count += 1
        except NetTermsError:
            continue
    return count
