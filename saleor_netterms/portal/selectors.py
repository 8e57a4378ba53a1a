"""What the portal's pages show, read for one company (reads only; every query is scoped to the
signed-in company, so another company's rows can never appear). A page costs a fixed number of
queries whatever the history: open amounts come from one grouped ledger query."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from saleor_netterms.approvals.models import ApprovalKind, ApprovalRequest
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.collections.models import Dispute, DisputeStatus, PaymentPromise
from saleor_netterms.companies.models import AccountHold, Company
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.core.business_time import business_today
from saleor_netterms.erp.models import ErpInvoice
from saleor_netterms.invoicing.models import Invoice, InvoiceKind
from saleor_netterms.ledger.selectors import receivables_open_bulk
from saleor_netterms.payments.models import PaymentAllocation
from saleor_netterms.receivables.models import Receivable, ReceivableStatus
from saleor_netterms.sellers.models import SellerBankAccount

ZERO = Decimal(0)
INVOICE_STATUSES = ("open", "overdue", "disputed", "paid", "credited")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list that grows with the history: its rows, its number (from 1) and the
    total count, so the page can say "page 2 of 7 · 312 invoices" and link its neighbours."""
    rows: list
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def _page_slice(qs: QuerySet, page: int, size: int) -> tuple[list, int, int]:
    """The rows of page ``page`` (past the last page: the last page) and the total count."""
    total = qs.count()
    last = max((total + size - 1) // size, 1)
    number = min(max(page, 1), last)
    return list(qs[(number - 1) * size:number * size]), number, total


@dataclass(frozen=True)
class CurrencyPosition:
    currency: str
    limit: Decimal | None
    owed: Decimal
    reserved: Decimal          # held for orders not yet invoiced
    available: Decimal
    overdue: Decimal
    next_due: dt.date | None
    next_due_amount: Decimal


@dataclass(frozen=True)
class Overview:
    company: Company
    positions: list[CurrencyPosition]
    holds: list[AccountHold]
    open_disputes: int
    open_promise: PaymentPromise | None


@dataclass
class InvoiceRow:
    """One invoice of the buyer: the app's own (``kind`` "app", an invoicing.Invoice) or one the
    merchant's ERP issued and pushed (``kind`` "erp", an erp.ErpInvoice). Both carry number,
    issue_date, currency, total_gross and receivable; the open amount comes from the ledger."""
    invoice: Invoice | ErpInvoice
    open_amount: Decimal
    status: str
    order_number: str
    po_number: str
    disputed: Decimal = ZERO
    days_overdue: int = 0
    payments: list[PaymentAllocation] = field(default_factory=list)
    kind: str = "app"


def _open_amounts(company: Company, receivable_ids: list[int] | None = None) -> dict[str, Decimal]:
    refs = [f"rcv:{pk}" for pk in receivable_ids] if receivable_ids is not None else None
    return {ref: amount for (_, ref), amount in
            receivables_open_bulk(installation_id=company.installation_id, company_ids=[company.pk],
                                  receivable_refs=refs).items()}


def currencies_of(company: Company) -> list[str]:
    limits = set(company.credit_limits.values_list("currency", flat=True))
    owed = set(Receivable.objects.filter(company=company).values_list("currency", flat=True).distinct())
    return sorted(limits | owed)


def overview(*, company: Company, today: dt.date | None = None) -> Overview:
    today = today or business_today(company.installation)
    open_amounts = _open_amounts(company)
    receivables = list(Receivable.objects.filter(company=company, status=ReceivableStatus.OPEN)
                       .only("id", "currency", "due_date"))
    positions = []
    for currency in currencies_of(company):
        summary = credit_summary(company=company, currency=currency)
        mine = [(r, open_amounts.get(r.receivable_ref, ZERO)) for r in receivables if r.currency == currency]
        overdue = sum((amount for r, amount in mine if r.due_date < today), ZERO)
        upcoming = sorted((r.due_date, amount) for r, amount in mine if r.due_date >= today and amount > 0)
        next_due = upcoming[0][0] if upcoming else None
        positions.append(CurrencyPosition(
            currency=currency, limit=summary.limit.amount if summary.limit is not None else None,
            owed=summary.receivables.amount, reserved=summary.holds.amount, available=summary.available.amount, overdue=overdue,
            next_due=next_due, next_due_amount=sum((a for d, a in upcoming if d == next_due), ZERO)))
    holds = list(AccountHold.objects.filter(company=company, lifted_at__isnull=True))
    return Overview(company=company, positions=positions, holds=holds,
                    open_disputes=Dispute.objects.filter(company=company, status=DisputeStatus.OPEN).count(),
                    open_promise=PaymentPromise.objects.filter(company=company, status="open").first())


def _invoice_qs(company: Company) -> QuerySet[Invoice]:
    return (Invoice.objects.filter(company=company, kind=InvoiceKind.INVOICE, receivable__isnull=False)
            .select_related("receivable", "transaction").defer("snapshot"))


def _erp_invoice_qs(company: Company) -> QuerySet[ErpInvoice]:
    return ErpInvoice.objects.filter(company=company).select_related("receivable", "receivable__transaction")


def _documents_filtered(company: Company, qs: QuerySet, tx: str, *, status: str, query: str,
                        date_from: dt.date | None, date_to: dt.date | None, today: dt.date) -> QuerySet:
    """Every filter in SQL (the status too: "disputed" is an open invoice with an open dispute,
    "open" one neither overdue nor disputed), for either kind of invoice (``tx``: the path to
    its checkout transaction)."""
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(receivable__order_number__icontains=query)
                       | Q(**{f"{tx}__order_number__icontains": query}) | Q(**{f"{tx}__po_number__icontains": query}))
    if date_from:
        qs = qs.filter(issue_date__gte=date_from)
    if date_to:
        qs = qs.filter(issue_date__lte=date_to)
    if status in ("paid", "credited"):
        qs = qs.filter(receivable__status=status)
    elif status in ("open", "overdue", "disputed"):
        qs = qs.filter(receivable__status=ReceivableStatus.OPEN)
        disputed = Exists(Dispute.objects.filter(company=company, receivable_id=OuterRef("receivable_id"),
                                                 status=DisputeStatus.OPEN))
        if status == "disputed":
            qs = qs.filter(disputed)
        else:
            qs = qs.filter(~disputed)
            qs = qs.filter(receivable__due_date__lt=today) if status == "overdue" else qs.filter(
                receivable__due_date__gte=today)
    return qs


def _invoices_filtered(company: Company, *, status: str, query: str, date_from: dt.date | None,
                       date_to: dt.date | None, today: dt.date) -> QuerySet:
    """The app's and the ERP's invoices of the company as one SQL UNION of (receivable, issue
    date), newest first: a page and its count come from the database whoever issued them."""
    filters = dict(status=status, query=query, date_from=date_from, date_to=date_to, today=today)
    app = _documents_filtered(company, _invoice_qs(company), "transaction", **filters)
    erp = _documents_filtered(company, _erp_invoice_qs(company), "receivable__transaction", **filters)
    return (app.values_list("receivable_id", "issue_date")
            .union(erp.values_list("receivable_id", "issue_date"), all=True)
            .order_by("-issue_date", "-receivable_id"))


def _documents_of(company: Company, receivable_ids: list[int]) -> list[tuple[Invoice | ErpInvoice, str]]:
    """The invoices (app or ERP) of these receivables, in the order given (two queries)."""
    found: dict[int, tuple[Invoice | ErpInvoice, str]] = {
        i.receivable_id: (i, "app") for i in _invoice_qs(company).filter(receivable_id__in=receivable_ids)}
    for e in _erp_invoice_qs(company).filter(receivable_id__in=receivable_ids):
        found.setdefault(e.receivable_id, (e, "erp"))
    return [found[rid] for rid in receivable_ids if rid in found]


def _invoice_rows_of(company: Company, documents: list[tuple[Invoice | ErpInvoice, str]],
                     today: dt.date) -> list[InvoiceRow]:
    receivable_ids = [doc.receivable_id for doc, _ in documents]
    open_amounts = _open_amounts(company, receivable_ids)
    disputed: dict[int, Decimal] = {}
    for receivable_id, amount in Dispute.objects.filter(
            company=company, status=DisputeStatus.OPEN, receivable_id__in=receivable_ids).values_list(
            "receivable_id", "amount"):
        disputed[receivable_id] = disputed.get(receivable_id, ZERO) + amount
    return [_row(doc, open_amounts, disputed, today, kind=kind) for doc, kind in documents]


def invoice_rows(*, company: Company, status: str = "", query: str = "", date_from: dt.date | None = None,
                 date_to: dt.date | None = None, today: dt.date | None = None, limit: int = 500) -> list[InvoiceRow]:
    """The company's invoices (the app's and the ERP's), newest first, filtered by status
    (INVOICE_STATUSES), a search over invoice, order and PO numbers, and the issue date (the
    CSV export: up to ``limit``)."""
    today = today or business_today(company.installation)
    qs = _invoices_filtered(company, status=status, query=query, date_from=date_from, date_to=date_to, today=today)
    ids = [rid for rid, _ in qs[:limit]]
    return _invoice_rows_of(company, _documents_of(company, ids), today)


def invoice_page(*, company: Company, page: int = 1, size: int = PAGE_SIZE, status: str = "", query: str = "",
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 today: dt.date | None = None) -> Page:
    """One page of the filtered invoice list (app and ERP invoices) with the total count (six
    queries whatever the history: count, page, its two kinds of invoices, open amounts, disputes)."""
    today = today or business_today(company.installation)
    qs = _invoices_filtered(company, status=status, query=query, date_from=date_from, date_to=date_to, today=today)
    keys, number, total = _page_slice(qs, page, size)
    rows = _invoice_rows_of(company, _documents_of(company, [rid for rid, _ in keys]), today)
    return Page(rows=rows, number=number, size=size, total=total)


def _row(invoice: Invoice | ErpInvoice, open_amounts: dict[str, Decimal], disputed: dict[int, Decimal],
         today: dt.date, *, kind: str = "app") -> InvoiceRow:
    receivable = invoice.receivable
    open_amount = open_amounts.get(receivable.receivable_ref, ZERO)
    tx = invoice.transaction if kind == "app" else receivable.transaction
    if receivable.status != ReceivableStatus.OPEN:
        status = receivable.status
    elif disputed.get(receivable.pk):
        status = "disputed"
    elif receivable.due_date < today:
        status = "overdue"
    else:
        status = "open"
    return InvoiceRow(invoice=invoice, open_amount=open_amount, status=status,
                      order_number=receivable.order_number or (tx.order_number if tx else ""),
                      po_number=tx.po_number if tx else "", disputed=disputed.get(receivable.pk, ZERO),
                      days_overdue=max((today - receivable.due_date).days, 0) if status == "overdue" else 0,
                      kind=kind)


def invoice_get(*, company: Company, number: str, today: dt.date | None = None) -> InvoiceRow | None:
    """One invoice of the company (the app's, with its snapshot, else the ERP's of that number)
    with its payment history, or None."""
    invoice: Invoice | ErpInvoice | None = (
        Invoice.objects.filter(company=company, kind=InvoiceKind.INVOICE, receivable__isnull=False, number=number)
        .select_related("receivable", "transaction").first())
    kind = "app"
    if invoice is None:
        invoice, kind = _erp_invoice_qs(company).filter(number=number).first(), "erp"
    if invoice is None:
        return None
    disputed = {}
    for amount in Dispute.objects.filter(company=company, receivable=invoice.receivable,
                                         status=DisputeStatus.OPEN).values_list("amount", flat=True):
        disputed[invoice.receivable_id] = disputed.get(invoice.receivable_id, ZERO) + amount
    row = _row(invoice, _open_amounts(company, [invoice.receivable_id]), disputed,
               today or business_today(company.installation), kind=kind)
    row.payments = list(PaymentAllocation.objects.filter(receivable=invoice.receivable)
                        .select_related("payment").order_by("payment__received_on", "id"))
    return row


def document_get(*, company: Company, number: str) -> Invoice | ErpInvoice | None:
    """The company's invoice of that number with its receivable: the app's, else the one the
    merchant's ERP pushed (what the JSON endpoints act on), or None."""
    return (Invoice.objects.filter(company=company, kind=InvoiceKind.INVOICE, receivable__isnull=False, number=number)
            .select_related("receivable").defer("snapshot").first()
            or ErpInvoice.objects.filter(company=company, number=number).select_related("receivable").first())


def bank_account_for(*, company: Company, currency: str) -> SellerBankAccount | None:
    """The merchant's account for payments in ``currency`` (the payment instructions of an ERP
    invoice, which has no snapshot of its own), or None when the merchant has none."""
    return SellerBankAccount.objects.filter(profile__installation_id=company.installation_id,
                                            currency=currency).first()


def open_invoices_by_number(*, company: Company, numbers: list[str]) -> list[Invoice]:
    return list(Invoice.objects.filter(company=company, kind=InvoiceKind.INVOICE, number__in=numbers,
                                       receivable__status=ReceivableStatus.OPEN).select_related("receivable")
                .order_by("number"))


def disputes_of(*, company: Company, receivable_id: int | None = None, limit: int = 50) -> list[Dispute]:
    qs = Dispute.objects.filter(company=company).select_related("receivable")
    if receivable_id is not None:
        qs = qs.filter(receivable_id=receivable_id)
    return list(qs.order_by("-created_at", "-id")[:limit])


def promises_of(*, company: Company, limit: int = 20) -> list[PaymentPromise]:
    return list(PaymentPromise.objects.filter(company=company).order_by("-created_at", "-id")[:limit])


def limit_requests_of(*, company: Company, limit: int = 50) -> list[ApprovalRequest]:
    return list(ApprovalRequest.objects.filter(company=company, kind=ApprovalKind.LIMIT_REQUEST)
                .order_by("-created_at", "-id")[:limit])


def orders_of(*, company: Company, limit: int = 200) -> list[NetTermsTransaction]:
    return list(NetTermsTransaction.objects.filter(company=company).exclude(order_number="", order_id="",
                                                                            status="declined")
                .order_by("-created_at", "-id")[:limit])


def decisions_of(*, company: Company, limit: int = 20) -> list[NetTermsTransaction]:
    return list(NetTermsTransaction.objects.filter(company=company).order_by("-created_at", "-id")[:limit])


def buyer_approvals_pending(*, company: Company) -> list[ApprovalRequest]:
    return list(ApprovalRequest.objects.filter(company=company, kind=ApprovalKind.BUYER_APPROVAL,
                                               status="pending").select_related("transaction")
                .order_by("created_at", "id"))


def buyer_approvals_recent(*, company: Company, limit: int = 20) -> list[ApprovalRequest]:
    return list(ApprovalRequest.objects.filter(company=company, kind=ApprovalKind.BUYER_APPROVAL)
                .exclude(status="pending").select_related("transaction").order_by("-updated_at", "-id")[:limit])


@dataclass(frozen=True)
class OrderRow:
    transaction: NetTermsTransaction
    status: str            # in_review | approved | invoiced | paid | declined | canceled | credited
    invoice: Invoice | None
    reasons: list[str]


ORDER_STATUS = {"in_review": "in_review", "authorized": "approved", "declined": "declined", "canceled": "canceled"}


def _order_rows_of(company: Company, txs: list[NetTermsTransaction]) -> list[OrderRow]:
    invoices = {i.transaction_id: i for i in Invoice.objects.filter(
        company=company, kind=InvoiceKind.INVOICE, transaction_id__in=[t.pk for t in txs]).select_related("receivable")
        .defer("snapshot").order_by("id")}
    rows = []
    for tx in txs:
        invoice = invoices.get(tx.pk)
        if invoice is not None and invoice.receivable is not None:
            status = {"open": "invoiced"}.get(invoice.receivable.status, invoice.receivable.status)
        else:
            status = ORDER_STATUS.get(tx.status, "invoiced" if tx.status == "captured" else tx.status)
        rows.append(OrderRow(transaction=tx, status=status, invoice=invoice, reasons=reason_texts(tx.decision_reasons)))
    return rows


def _orders_qs(company: Company) -> QuerySet[NetTermsTransaction]:
    return NetTermsTransaction.objects.filter(company=company).order_by("-created_at", "-id")


def order_page(*, company: Company, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of the orders on terms with the total count (three queries whatever the history)."""
    txs, number, total = _page_slice(_orders_qs(company), page, size)
    return Page(rows=_order_rows_of(company, txs), number=number, size=size, total=total)


def reason_texts(reasons) -> list[str]:
    """The buyer-facing sentences of stored decision reasons (dicts with a message, or codes)."""
    texts = []
    for reason in reasons or []:
        if isinstance(reason, dict):
            texts.append(str(reason.get("buyer") or reason.get("code") or ""))
        else:
            texts.append(str(reason))
    return [t for t in texts if t]
