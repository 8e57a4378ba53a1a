"""Reads the merchant API needs that the domain packages do not offer (yet) as selectors.

Every function takes the installation (or an already scoped company) and filters by it: a row of
another installation is never returned. Figures come from the domain selectors and the ledger;
nothing here writes.

TODO(domain owners): receivables, payments, outbox and checkout have no selectors module for
these lists; when they do, this module should shrink to calls of theirs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from saleor_netterms.checkout import selectors as checkout_selectors
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies.models import Company, CreditLimit, Member, MemberKind
from saleor_netterms.companies.selectors import CreditSummary
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.payments.models import Payment, PaymentAllocation
from saleor_netterms.receivables.models import Receivable, ReceivableStatus
from saleor_netterms.receivables.selectors import ReceivableRow, days_past_due, receivable_rows  # noqa: F401

SALEOR_REPORT_KIND_PREFIX = "saleor."


# --- companies and members ----------------------------------------------------------------------

def companies_search(*, installation, search: str | None = None, status: str | None = None) -> QuerySet[Company]:
    """The installation's companies by id; ``search`` matches (case-insensitive, substring) the
    legal name, ERP customer number, tax id or billing e-mail."""
    qs = company_selectors.company_list(installation=installation)
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(legal_name__icontains=term) | Q(erp_customer_number__icontains=term)
                       | Q(tax_id__icontains=term) | Q(billing_contact_email__icontains=term))
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(Prefetch("credit_limits", queryset=CreditLimit.objects.order_by("currency")))


def company_limits(*, company: Company) -> list[Money]:
    return [limit.money for limit in sorted(company.credit_limits.all(), key=lambda row: row.currency)]


def members_for_company(*, company: Company, include_inactive: bool = False) -> QuerySet[Member]:
    qs = Member.objects.filter(company=company, installation_id=company.installation_id).order_by("id")
    return qs if include_inactive else qs.filter(is_active=True)


def member_get(*, installation, member_id: int) -> Member | None:
    return (Member.objects.filter(installation=installation, company__installation=installation, pk=member_id)
            .select_related("company").first())


# --- receivables --------------------------------------------------------------------------------

# One place for a receivable's open amount and days past due: receivables.selectors (re-exported for
# the API's resolvers).


def receivables_for_company(*, company: Company, status: str | None = None) -> QuerySet[Receivable]:
    """The company's receivables, by due date then id, each with the number of the invoice issued
    for it (``nt_invoice_number``: the app's, else the ERP's; joined, not read per row)."""
    qs = (Receivable.objects.filter(company=company, installation_id=company.installation_id)
          .select_related("company", "transaction")
          .annotate(nt_invoice_number=Coalesce("invoice__number", "erp_invoice__number"))
          .order_by("due_date", "id"))
    return qs.filter(status=status) if status else qs


def receivables_get(*, installation, receivable_ids: list[int]) -> dict[int, Receivable]:
    rows = (Receivable.objects.filter(installation=installation, pk__in=receivable_ids)
            .select_related("company", "transaction"))
    return {row.pk: row for row in rows}


@dataclass(frozen=True, slots=True)
class ReceivablesPosition:
    """A company's open and overdue receivables in one currency."""

    open_amount: Money
    open_count: int
    overdue_amount: Money
    overdue_count: int
    max_days_past_due: int


def receivables_position(*, company: Company, currency: str, today: dt.date | None = None) -> ReceivablesPosition:
    rows = receivable_rows(Receivable.objects.filter(company=company, currency=currency,
                                                     status=ReceivableStatus.OPEN).select_related("company"),
                           today=today)
    open_rows = [row for row in rows if row.open_amount.is_positive()]
    overdue = [row for row in open_rows if row.days_past_due > 0]
    zero = Money.zero(currency)
    return ReceivablesPosition(
        open_amount=sum((row.open_amount for row in open_rows), zero), open_count=len(open_rows),
        overdue_amount=sum((row.open_amount for row in overdue), zero), overdue_count=len(overdue),
        max_days_past_due=max((row.days_past_due for row in overdue), default=0))


# --- payments -----------------------------------------------------------------------------------

def payments_for_company(*, company: Company) -> QuerySet[Payment]:
    """The company's payments, newest received first, with their allocations."""
    return (Payment.objects.filter(company=company, installation_id=company.installation_id)
            .order_by("-received_on", "-id")
            .prefetch_related(Prefetch("allocations",
                                       queryset=PaymentAllocation.objects.select_related("receivable__company")
                                       .order_by("id"))))


# --- checkout transactions and the review queue -------------------------------------------------

def transactions_for_company(*, company: Company, status: str | None = None) -> QuerySet[NetTermsTransaction]:
    qs = (NetTermsTransaction.objects.filter(company=company, installation_id=company.installation_id)
          .select_related("company").order_by("-id"))
    return qs.filter(status=status) if status else qs


def transaction_get(*, installation, transaction_id: int) -> NetTermsTransaction | None:
    return (NetTermsTransaction.objects.filter(installation=installation, pk=transaction_id)
            .select_related("company").first())


def transaction_held(*, transaction: NetTermsTransaction) -> Money:
    """What is still on hold for the transaction (zero for a decline: nothing was ever held)."""
    if transaction.company_id is None:
        return Money.zero(transaction.currency)
    return ledger_selectors.hold_balance(company=transaction.company, currency=transaction.currency,
                                         hold_ref=transaction.hold_ref)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A transaction waiting for a credit decision, with what a credit controller weighs."""

    transaction: NetTermsTransaction
    credit: CreditSummary
    receivables: ReceivablesPosition


def review_queue(*, installation, today: dt.date | None = None) -> list[ReviewItem]:
    """Transactions in credit review, oldest first, each with its company's position in the
    transaction's currency (the held amount of the transaction itself is part of the exposure)."""
    items = []
    for tx in checkout_selectors.transactions_in_review(installation=installation).order_by("id"):
        items.append(ReviewItem(
            transaction=tx,
            credit=company_selectors.credit_summary(company=tx.company, currency=tx.currency),
            receivables=receivables_position(company=tx.company, currency=tx.currency, today=today)))
    return items


# --- outbox -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OrderNetTerms:
    """What the app knows of one Saleor order: its net-terms transactions (decision, hold) and
    the invoices issued for it (the Saleor Dashboard's order widget)."""

    order_id: str
    order_number: str
    company: Company | None
    currency: str
    transactions: list[NetTermsTransaction]
    invoices: list[Invoice]


def order_net_terms(*, installation, order_id: str) -> OrderNetTerms | None:
    """None when the order was not paid on net terms (no transaction, no invoice of ours)."""
    transactions = list(NetTermsTransaction.objects.filter(installation=installation, order_id=order_id)
                        .select_related("company").order_by("id"))
    invoices = list(Invoice.objects.filter(installation=installation, saleor_order_id=order_id)
                    .select_related("company", "receivable").order_by("id"))
    if not transactions and not invoices:
        return None
    company = next((t.company for t in transactions if t.company is not None), None) or (
        invoices[0].company if invoices else None)
    number = next((t.order_number for t in transactions if t.order_number), "") or next(
        ((i.snapshot or {}).get("order_number", "") for i in invoices if (i.snapshot or {}).get("order_number")), "")
    currency = transactions[0].currency if transactions else invoices[0].currency
    return OrderNetTerms(order_id=order_id, order_number=number, company=company, currency=currency,
                         transactions=transactions, invoices=invoices)


def customer_companies(*, installation, user_id: str) -> QuerySet[Company]:
    """The credit accounts a Saleor customer buys on: the companies naming the user as an active
    member by user id, and those their orders were paid by on net terms (e.g. a member by e-mail)."""
    by_member = Member.objects.filter(installation=installation, kind=MemberKind.SALEOR_USER_ID, value=user_id,
                                      is_active=True).values("company_id")
    by_order = (NetTermsTransaction.objects.filter(installation=installation, saleor_user_id=user_id)
                .exclude(company=None).values("company_id"))
    return (Company.objects.filter(installation=installation)
            .filter(Q(pk__in=by_member) | Q(pk__in=by_order)).order_by("legal_name", "id"))


def failed_saleor_reports(*, installation) -> QuerySet[OutboxMessage]:
    """Reports to Saleor that gave up (dead), oldest first: a person must look and retry or skip
    them; each one holds back the later reports of its object (`blocked_successors`)."""
    return (OutboxMessage.objects.filter(installation=installation, status=OutboxStatus.DEAD,
                                         kind__startswith=SALEOR_REPORT_KIND_PREFIX).order_by("id"))


def outbox_message_get(*, installation, message_id: int) -> OutboxMessage | None:
    return OutboxMessage.objects.filter(installation=installation, pk=message_id).first()



# --- what the ledger's references are, in words --------------------------------------------------

def _ref_ids(refs, prefix: str) -> set[int]:
    return {int(r[len(prefix):]) for r in refs if r and r.startswith(prefix) and r[len(prefix):].isdigit()}


def reference_labels(*, installation, refs) -> dict[str, str]:
    """Readable names for ledger references ("tx:54" → "Order #1001", "rcv:15" → "Invoice
    INV-2026-000015", "pay:3" → "Payment WIRE-0042"): one query per kind, only the installation's."""
    refs = set(refs)
    labels: dict[str, str] = {}
    for tx in NetTermsTransaction.objects.filter(installation=installation, pk__in=_ref_ids(refs, "tx:")):
        labels[tx.hold_ref] = (f"Order #{tx.order_number}" if tx.order_number
                               else f"PO {tx.po_number}" if tx.po_number else "Checkout authorization")
    receivables = Receivable.objects.filter(installation=installation, pk__in=_ref_ids(refs, "rcv:"))
    numbers = dict(Invoice.objects.filter(installation=installation, receivable__in=receivables)
                   .values_list("receivable_id", "number"))
    for receivable in receivables:
        labels[receivable.receivable_ref] = (
            f"Invoice {numbers[receivable.pk]}" if receivable.pk in numbers
            else f"Order #{receivable.order_number}" if receivable.order_number else "Receivable")
    for payment in Payment.objects.filter(company__installation=installation, pk__in=_ref_ids(refs, "pay:")):
        labels[payment.payment_ref] = f"Payment {payment.reference}"
    return labels


def invoice_numbers(receivables) -> dict[int, str]:
    """{receivable id: the number of the invoice issued for it}."""
    return dict(Invoice.objects.filter(receivable__in=[r.pk for r in receivables])
                .values_list("receivable_id", "number"))


def company_names(*, installation, ids) -> dict[int, str]:
    return dict(Company.objects.filter(installation=installation, pk__in=[i for i in ids if i])
                .values_list("pk", "legal_name"))
