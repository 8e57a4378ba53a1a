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
from saleor_netterms.invoicing.models import Invoice, InvoiceKind
from saleor_netterms.ledger.selectors import receivables_open_bulk
from saleor_netterms.payments.models import PaymentAllocation
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

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
    invoice: Invoice
    open_amount: Decimal
    status: str
    order_number: str
    po_number: str
    disputed: Decimal = ZERO
    days_overdue: int = 0
    payments: list[PaymentAllocation] = field(default_factory=list)


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


def _invoices_filtered(company: Company, *, status: str, query: str, date_from: dt.date | None,
                       date_to: dt.date | None, today: dt.date) -> QuerySet[Invoice]:
    """Every filter in SQL (the status too: "disputed" is an open invoice with an open dispute,
    "open" one neither overdue nor disputed), so a page and its count come from the database."""
    qs = _invoice_qs(company)
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(receivable__order_number__icontains=query)
                       | Q(transaction__order_number__icontains=query) | Q(transaction__po_number__icontains=query))
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
    return qs.order_by("-issue_date", "-id")


def _invoice_rows_of(company: Company, invoices: list[Invoice], today: dt.date) -> list[InvoiceRow]:
    receivable_ids = [invoice.receivable_id for invoice in invoices]
    open_amounts = _open_amounts(company, receivable_ids)
    disputed: dict[int, Decimal] = {}
    for receivable_id, amount in Dispute.objects.filter(
            company=company, status=DisputeStatus.OPEN, receivable_id__in=receivable_ids).values_list(
            "receivable_id", "amount"):
        disputed[receivable_id] = disputed.get(receivable_id, ZERO) + amount
    return [_row(invoice, open_amounts, disputed, today) for invoice in invoices]


def invoice_rows(*, company: Company, status: str = "", query: str = "", date_from: dt.date | None = None,
                 date_to: dt.date | None = None, today: dt.date | None = None, limit: int = 500) -> list[InvoiceRow]:
    """The company's invoices, newest first, filtered by status (INVOICE_STATUSES), a search
    over invoice, order and PO numbers, and the issue date (the CSV export: up to ``limit``)."""
    today = today or business_today(company.installation)
    qs = _invoices_filtered(company, status=status, query=query, date_from=date_from, date_to=date_to, today=today)
    return _invoice_rows_of(company, list(qs[:limit]), today)


def invoice_page(*, company: Company, page: int = 1, size: int = PAGE_SIZE, status: str = "", query: str = "",
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 today: dt.date | None = None) -> Page:
    """One page of the filtered invoice list with the total count (four queries whatever the
    history: count, page, its open amounts, its disputes)."""
    today = today or business_today(company.installation)
    qs = _invoices_filtered(company, status=status, query=query, date_from=date_from, date_to=date_to, today=today)
    invoices, number, total = _page_slice(qs, page, size)
    return Page(rows=_invoice_rows_of(company, invoices, today), number=number, size=size, total=total)


def _row(invoice: Invoice, open_amounts: dict[str, Decimal], disputed: dict[int, Decimal], today: dt.date) -> InvoiceRow:
    receivable = invoice.receivable
    open_amount = open_amounts.get(receivable.receivable_ref, ZERO)
    tx = invoice.transaction
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
                      days_overdue=max((today - receivable.due_date).days, 0) if status == "overdue" else 0)


def invoice_get(*, company: Company, number: str, today: dt.date | None = None) -> InvoiceRow | None:
    """One invoice of the company (with its snapshot and payment history), or None."""
    invoice = (Invoice.objects.filter(company=company, kind=InvoiceKind.INVOICE, receivable__isnull=False,
                                      number=number).select_related("receivable", "transaction").first())
    if invoice is None:
        return None
    disputed = {}
    for amount in Dispute.objects.filter(company=company, receivable=invoice.receivable,
                                         status=DisputeStatus.OPEN).values_list("amount", flat=True):
        disputed[invoice.receivable_id] = disputed.get(invoice.receivable_id, ZERO) + amount
    row = _row(invoice, _open_amounts(company), disputed, today or business_today(company.installation))
    row.payments = list(PaymentAllocation.objects.filter(receivable=invoice.receivable)
                        .select_related("payment").order_by("payment__received_on", "id"))
    return row


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
