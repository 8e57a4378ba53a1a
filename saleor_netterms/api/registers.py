"""The registers: the credit accounts (one row per company and currency with utilisation and what is
overdue), the invoices (open amounts, applicable actions, totals) and the payment register: every payment of the installation, newest first — date, company, amount,
reference, where it came from (staff, bank statement, ERP), what it settled and what stayed unapplied —
searchable, filterable, sortable, a page with its total count, and the same selection as CSV."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import graphene
from django.db.models import (Case, Count, DateField, DecimalField, ExpressionWrapper, F, IntegerField, Min, OuterRef,
                              Prefetch, Q, Subquery, Sum, Value, When)
from django.db.models.functions import Coalesce

from saleor_netterms.companies.models import Company
from saleor_netterms.core.business_time import business_day_range, business_today
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.models import InvoiceKind as InvoiceKindChoices
from saleor_netterms.invoicing.models import InvoiceStatus as InvoiceStatusChoices
from saleor_netterms.ledger.models import Account, AccountKind
from saleor_netterms.masters.models import ErpOpenItem
from saleor_netterms.masters.selectors import erp_owns
from saleor_netterms.payments.models import Payment, PaymentAllocation
from saleor_netterms.receivables_reports.selectors import open_receivable_rows

from .context import installation_of
from .inputs import currency_parse
from .selectors import ReceivableRow, days_past_due
from .invoicing import InvoiceKind, InvoiceStatus, InvoiceType
from .lists import ListPage, csv_text, list_page, page_type, sorted_by
from .types import CompanyStatus, CompanyType, MoneyType, PaymentSource, PaymentType, coded, enum_value

PAYMENT_SORTS = {"RECEIVED_ON": ("received_on", "id"), "AMOUNT": ("amount", "id"),
                 "COMPANY": ("company__legal_name", "id"), "REFERENCE": ("reference", "id")}

PaymentRegisterPage = page_type("PaymentRegister", PaymentType)

_FILTERS = dict(search=graphene.String(description="Reference, memo, company name or an applied invoice's number."),
                source=graphene.Argument(PaymentSource), currency=graphene.String(),
                received_from=graphene.Date(), received_until=graphene.Date(description="Inclusive."),
                company_id=graphene.ID())


def payments_filtered(info, *, search=None, source=None, currency=None, received_from=None, received_until=None,
                      company_id=None, sort=None):
    installation = installation_of(info)
    qs = Payment.objects.filter(installation=installation).select_related("company")
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(reference__icontains=term) | Q(memo__icontains=term)
                       | Q(company__legal_name__icontains=term)
                       | Q(allocations__receivable__invoice__number__icontains=term)).distinct()
    if source is not None:
        qs = qs.filter(source=enum_value(source))
    if currency:
        qs = qs.filter(currency=currency_parse(currency))
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_until:
        qs = qs.filter(received_on__lte=received_until)
    if company_id:
        qs = qs.filter(company_id=company_id)
    qs = qs.prefetch_related(Prefetch("allocations", queryset=PaymentAllocation.objects
                                      .select_related("receivable__company", "receivable__invoice").order_by("id")))
    return sorted_by(qs, sort=sort, sorts=PAYMENT_SORTS, default="-RECEIVED_ON")


def _amount(value, currency: str) -> str:
    return Money.of(value, currency).as_string()


def _applied(payment) -> str:
    parts = []
    for allocation in payment.allocations.all():
        receivable = allocation.receivable
        invoice = getattr(receivable, "invoice", None) if hasattr(receivable, "invoice") else None
        name = invoice.number if invoice is not None else f"Order #{receivable.order_number}"
        parts.append(f"{name} {_amount(allocation.amount, payment.currency)}")
    return "; ".join(parts)


SOURCE_LABELS = {"manual": "Staff", "bank": "Bank statement", "erp": "ERP"}


class PaymentsQuery(graphene.ObjectType):
    payment_register = graphene.Field(
        PaymentRegisterPage, required=True, description="Every payment, newest received first (sort: RECEIVED_ON, "
                                                        "AMOUNT, COMPANY, REFERENCE; prefix - for descending).",
        first=graphene.Int(), offset=graphene.Int(), sort=graphene.String(), **_FILTERS)
    payment_register_csv = graphene.String(required=True, description="The same selection as CSV (at most "
                                                                      "10,000 rows).",
                                           sort=graphene.String(), **_FILTERS)

    @staticmethod
    @coded
    def resolve_payment_register(root, info, first=None, offset=None, **filters):
        return list_page(payments_filtered(info, **filters), first=first, offset=offset)

    @staticmethod
    @coded
    def resolve_payment_register_csv(root, info, **filters):
        rows = ([p.received_on.isoformat(), p.company.legal_name, p.reference, SOURCE_LABELS.get(p.source, p.source),
                 p.recorded_by, _amount(p.amount, p.currency), p.currency, _applied(p),
                 _amount(p.unallocated_amount, p.currency), p.memo]
                for p in payments_filtered(info, **filters).iterator(chunk_size=500))
        return csv_text(["Received", "Company", "Reference", "Source", "Recorded by", "Amount", "Currency",
                         "Applied to", "Unapplied", "Memo"], rows)


# --- the credit accounts register -----------------------------------------------------------------
# One row per company and currency it has a credit limit in (a company without a limit: one row with
# no currency): limit, exposure (holds + open receivables, from the ledger's maintained company
# accounts; the ERP's open items where the ERP is master of them), available, utilisation, and what
# is overdue on the installation's business day (the open-receivables rollup): amount, invoices,
# the oldest due date. Every figure is a subquery of indexed rows, so sorting by any of them is SQL.

_AMOUNT = DecimalField(max_digits=24, decimal_places=4)


def _account_balance(kind: str):
    return Coalesce(Subquery(Account.objects.filter(company_id=OuterRef("pk"), currency=OuterRef("nt_currency"),
                                                    kind=kind)
                             .annotate(balance=ExpressionWrapper(F("debits") - F("credits"), output_field=_AMOUNT))
                             .values("balance")[:1], output_field=_AMOUNT), Value(Decimal(0)), output_field=_AMOUNT)


def _overdue(today, aggregate, field):
    rows = (open_receivable_rows().filter(company_id=OuterRef("pk"), currency=OuterRef("nt_currency"),
                                          due_date__lt=today)
            .order_by().values("company_id").annotate(value=aggregate).values("value")[:1])
    return Subquery(rows, output_field=field)


def credit_accounts_filtered(info, *, search=None, status=None, currency=None, channel=None, created_from=None,
                             created_until=None, overdue_only=None, sort=None):
    installation = installation_of(info)
    today = business_today(installation)
    qs = Company.objects.filter(installation=installation).annotate(
        nt_currency=F("credit_limits__currency"), nt_limit=F("credit_limits__amount"))
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(legal_name__icontains=term) | Q(erp_customer_number__icontains=term)
                       | Q(tax_id__icontains=term) | Q(billing_contact_email__icontains=term))
    if status is not None:
        qs = qs.filter(status=enum_value(status))
    if currency:
        qs = qs.filter(nt_currency=currency_parse(currency))
    if channel:
        qs = qs.filter(Q(allowed_channels=[]) | Q(allowed_channels__contains=[channel.strip()]))
    if created_from:
        qs = qs.filter(created_at__gte=business_day_range(installation, created_from)[0])
    if created_until:
        qs = qs.filter(created_at__lt=business_day_range(installation, created_until)[1])
    if erp_owns(installation_id=installation.pk, what="open_items"):
        receivable = Coalesce(Subquery(ErpOpenItem.objects.filter(company_id=OuterRef("pk"),
                                                                  currency=OuterRef("nt_currency"))
                                       .order_by().values("company_id").annotate(s=Sum("amount_open")).values("s")[:1],
                                       output_field=_AMOUNT), Value(Decimal(0)), output_field=_AMOUNT)
    else:
        receivable = _account_balance(AccountKind.RECEIVABLE)
    qs = qs.annotate(nt_exposure=ExpressionWrapper(_account_balance(AccountKind.HOLDS) + receivable,
                                                   output_field=_AMOUNT))
    qs = qs.annotate(
        nt_available=ExpressionWrapper(Coalesce(F("nt_limit"), Value(Decimal(0)), output_field=_AMOUNT)
                                       - F("nt_exposure"), output_field=_AMOUNT),
        nt_utilisation=Case(When(nt_limit__gt=0, then=ExpressionWrapper(F("nt_exposure") * 1000 / F("nt_limit"),
                                                                         output_field=_AMOUNT)),
                            default=None, output_field=_AMOUNT),
        nt_overdue=Coalesce(_overdue(today, Sum("open_amount"), _AMOUNT), Value(Decimal(0)), output_field=_AMOUNT),
        nt_overdue_count=Coalesce(_overdue(today, Count("receivable_id"), IntegerField()), Value(0)),
        nt_oldest_due=_overdue(today, Min("due_date"), DateField()))
    if overdue_only:
        qs = qs.filter(nt_overdue__gt=0)
    return sorted_by(qs, sort=sort, sorts=ACCOUNT_SORTS, default="-CREATED"), today


ACCOUNT_SORTS = {"CREATED": ("created_at", "id", "nt_currency"), "NAME": ("legal_name", "id", "nt_currency"),
                 "STATUS": ("status", "legal_name", "id"), "CURRENCY": ("nt_currency", "legal_name", "id"),
                 "LIMIT": ("nt_limit", "id"), "EXPOSURE": ("nt_exposure", "id"),
                 "AVAILABLE": ("nt_available", "id"), "UTILISATION": ("nt_utilisation", "id"),
                 "OVERDUE": ("nt_overdue", "id"), "OLDEST_OVERDUE": ("nt_oldest_due", "id")}


@dataclass(frozen=True, slots=True)
class CreditAccountRow:
    company: Company
    currency: str | None
    limit: Money | None
    exposure: Money | None
    available: Money | None
    utilisation_permille: int | None
    overdue: Money | None
    overdue_count: int
    oldest_overdue_due_date: dt.date | None
    oldest_overdue_days: int | None


def _row(company, today) -> CreditAccountRow:
    cur = company.nt_currency
    m = (lambda value: Money.of(value, cur)) if cur else (lambda value: None)
    oldest = company.nt_oldest_due
    return CreditAccountRow(
        company=company, currency=cur, limit=m(company.nt_limit) if company.nt_limit is not None else None,
        exposure=m(company.nt_exposure), available=m(company.nt_available),
        utilisation_permille=None if company.nt_utilisation is None else int(
            company.nt_utilisation.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        overdue=m(company.nt_overdue), overdue_count=company.nt_overdue_count or 0,
        oldest_overdue_due_date=oldest, oldest_overdue_days=(today - oldest).days if oldest else None)


class CreditAccountRowType(graphene.ObjectType):
    class Meta:
        name = "CreditAccountRow"
        description = ("A company's credit account in one currency (a company without a limit: one row without a "
                       "currency), with what is overdue on the business day.")

    company = graphene.Field(CompanyType, required=True)
    currency = graphene.String(description="Null for a company without any credit limit.")
    limit = graphene.Field(MoneyType)
    exposure = graphene.Field(MoneyType, description="Holds plus open receivables.")
    available = graphene.Field(MoneyType)
    utilisation_permille = graphene.Int(description="Exposure per 1,000 of the limit; null without a limit.")
    overdue = graphene.Field(MoneyType)
    overdue_count = graphene.Int(required=True, description="Overdue invoices.")
    oldest_overdue_due_date = graphene.Date()
    oldest_overdue_days = graphene.Int(description="Days past due of the oldest overdue invoice.")


CreditAccountRegisterPage = page_type("CreditAccountRegister", CreditAccountRowType)

_ACCOUNT_FILTERS = dict(
    search=graphene.String(description="Legal name, ERP customer number, tax id or billing e-mail."),
    status=graphene.Argument(CompanyStatus), currency=graphene.String(),
    channel=graphene.String(description="Companies that may buy in this Saleor channel."),
    created_from=graphene.Date(), created_until=graphene.Date(description="Inclusive (business days)."),
    overdue_only=graphene.Boolean())


def _percent(permille: int | None) -> str:
    return "" if permille is None else format((Decimal(permille) / 10).quantize(Decimal("0.1")), "f")


class CreditAccountsQuery(graphene.ObjectType):
    credit_account_register = graphene.Field(
        CreditAccountRegisterPage, required=True,
        description=("Every credit account, one row per company and currency, newest company first (sort: "
                     + ", ".join(ACCOUNT_SORTS) + "; prefix - for descending)."),
        first=graphene.Int(), offset=graphene.Int(), sort=graphene.String(), **_ACCOUNT_FILTERS)
    credit_account_register_csv = graphene.String(required=True, description="The same selection as CSV (at most "
                                                                             "10,000 rows).",
                                                  sort=graphene.String(), **_ACCOUNT_FILTERS)

    @staticmethod
    @coded
    def resolve_credit_account_register(root, info, first=None, offset=None, **filters):
        qs, today = credit_accounts_filtered(info, **filters)
        page = list_page(qs, first=first, offset=offset)
        return ListPage(items=[_row(c, today) for c in page.items], total_count=page.total_count)

    @staticmethod
    @coded
    def resolve_credit_account_register_csv(root, info, **filters):
        qs, today = credit_accounts_filtered(info, **filters)

        def amount(value):
            return "" if value is None else value.as_string()

        rows = ([r.company.legal_name, r.company.erp_customer_number, r.company.get_status_display(),
                 r.company.default_terms_days, r.currency or "", amount(r.limit), amount(r.exposure),
                 amount(r.available), _percent(r.utilisation_permille), amount(r.overdue), r.overdue_count,
                 r.oldest_overdue_due_date.isoformat() if r.oldest_overdue_due_date else "",
                 "" if r.oldest_overdue_days is None else r.oldest_overdue_days]
                for r in (_row(c, today) for c in qs.iterator(chunk_size=500)))
        return csv_text(["Company", "ERP customer number", "Status", "Terms (days)", "Currency", "Limit", "Exposure",
                         "Available", "Utilisation %", "Overdue", "Overdue invoices", "Oldest overdue due",
                         "Days past due"], rows)


# --- the invoice register -------------------------------------------------------------------------
# Every invoice and credit note, newest issued first, with what is still open (the open-receivables
# rollup, so "open" and "overdue" sort and filter in SQL), the actions that apply, and the totals of
# the whole selection per currency (invoiced, credited, open).

INVOICE_SORTS = {"ISSUED": ("issue_date", "id"), "DUE": ("due_date", "id"), "NUMBER": ("number", "id"),
                 "COMPANY": ("company__legal_name", "id"), "TOTAL": ("total_gross", "id"), "OPEN": ("nt_open", "id")}


def invoices_filtered(info, *, search=None, status=None, kind=None, currency=None, channel=None, company_id=None,
                      issued_from=None, issued_until=None, overdue_only=None, sort=None):
    installation = installation_of(info)
    today = business_today(installation)
    qs = (Invoice.objects.filter(installation=installation, company__installation=installation)
          .select_related("company", "credited_invoice", "receivable", "series"))
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(company__legal_name__icontains=term)
                       | Q(receivable__order_number=term.lstrip("#")) | Q(transaction__po_number__icontains=term))
    if status is not None:
        qs = qs.filter(status=enum_value(status))
    if kind is not None:
        qs = qs.filter(kind=enum_value(kind))
    if currency:
        qs = qs.filter(currency=currency_parse(currency))
    if channel:
        qs = qs.filter(series__channel_slug=channel.strip())
    if company_id:
        qs = qs.filter(company_id=company_id)
    if issued_from:
        qs = qs.filter(issue_date__gte=issued_from)
    if issued_until:
        qs = qs.filter(issue_date__lte=issued_until)
    credited = (Invoice.objects.filter(credited_invoice=OuterRef("pk"), status=InvoiceStatusChoices.ISSUED)
                .order_by().values("credited_invoice").annotate(s=Sum("total_gross")).values("s")[:1])
    open_amount = Subquery(open_receivable_rows().filter(receivable_id=OuterRef("receivable_id"))
                           .values("open_amount")[:1], output_field=_AMOUNT)
    qs = qs.annotate(
        nt_open=Case(When(receivable_id__isnull=True, then=Value(None, output_field=_AMOUNT)),
                     default=Coalesce(open_amount, Value(Decimal(0)), output_field=_AMOUNT), output_field=_AMOUNT),
        nt_credited=Coalesce(Subquery(credited, output_field=_AMOUNT), Value(Decimal(0)), output_field=_AMOUNT))
    if overdue_only:
        qs = qs.filter(nt_open__gt=0, due_date__lt=today)
    return sorted_by(qs, sort=sort, sorts=INVOICE_SORTS, default="-ISSUED"), today


def _invoice_open_attach(invoices, today):
    """The page's open amounts from the rollup (what invoicing's resolvers read as ``_nt_open_row``)."""
    for invoice in invoices:
        row = None
        if invoice.receivable_id:
            open_amount = Money.of(invoice.nt_open or 0, invoice.currency)
            row = ReceivableRow(invoice.receivable, open_amount, days_past_due(
                due_date=invoice.receivable.due_date, open_amount=open_amount, today=today))
        invoice._nt_open_row, invoice._nt_open_ready = row, True
    return invoices


class InvoiceTotalType(graphene.ObjectType):
    class Meta:
        name = "InvoiceTotal"
        description = "The selection's totals in one currency."

    currency = graphene.String(required=True)
    invoiced = graphene.Field(MoneyType, required=True, description="Invoices' gross totals (void ones included).")
    credited = graphene.Field(MoneyType, required=True, description="Credit notes' gross totals.")
    open = graphene.Field(MoneyType, required=True, description="Still owed on the invoices.")
    invoice_count = graphene.Int(required=True)
    credit_note_count = graphene.Int(required=True)


class InvoiceRegisterPageType(graphene.ObjectType):
    class Meta:
        name = "InvoiceRegisterPage"
        description = "A page of invoices and credit notes, how many match in all, and their totals."

    items = graphene.List(graphene.NonNull(InvoiceType), required=True)
    total_count = graphene.Int(required=True, description="Rows matching the filter, on every page.")
    totals = graphene.List(graphene.NonNull(InvoiceTotalType), required=True,
                           description="Per currency, over every matching row (not only this page).")


def _invoice_totals(qs) -> list[dict]:
    rows = (qs.order_by().values("currency").annotate(
        invoiced=Coalesce(Sum("total_gross", filter=Q(kind=InvoiceKindChoices.INVOICE)), Value(Decimal(0)),
                          output_field=_AMOUNT),
        credited=Coalesce(Sum("total_gross", filter=Q(kind=InvoiceKindChoices.CREDIT_NOTE)), Value(Decimal(0)),
                          output_field=_AMOUNT),
        open=Coalesce(Sum("nt_open"), Value(Decimal(0)), output_field=_AMOUNT),
        invoice_count=Count("id", filter=Q(kind=InvoiceKindChoices.INVOICE)),
        credit_note_count=Count("id", filter=Q(kind=InvoiceKindChoices.CREDIT_NOTE))).order_by("currency"))
    return [{"currency": r["currency"], "invoiced": Money.of(r["invoiced"], r["currency"]),
             "credited": Money.of(r["credited"], r["currency"]), "open": Money.of(r["open"], r["currency"]),
             "invoice_count": r["invoice_count"], "credit_note_count": r["credit_note_count"]} for r in rows]


_INVOICE_FILTERS = dict(
    search=graphene.String(description="Number, company name, order number or PO number."),
    status=graphene.Argument(InvoiceStatus), kind=graphene.Argument(InvoiceKind), currency=graphene.String(),
    channel=graphene.String(description="The Saleor channel of the invoice's series."), company_id=graphene.ID(),
    issued_from=graphene.Date(), issued_until=graphene.Date(description="Inclusive."),
    overdue_only=graphene.Boolean(description="Invoices past their due date with something still open."))

INVOICE_KIND_LABELS = {"invoice": "Invoice", "credit_note": "Credit note"}


class InvoicesQuery(graphene.ObjectType):
    invoice_register = graphene.Field(
        InvoiceRegisterPageType, required=True,
        description=("Every invoice and credit note, newest issued first (sort: " + ", ".join(INVOICE_SORTS)
                     + "; prefix - for descending), with the selection's totals."),
        first=graphene.Int(), offset=graphene.Int(), sort=graphene.String(), **_INVOICE_FILTERS)
    invoice_register_csv = graphene.String(required=True, description="The same selection as CSV (at most "
                                                                     "10,000 rows).",
                                           sort=graphene.String(), **_INVOICE_FILTERS)

    @staticmethod
    @coded
    def resolve_invoice_register(root, info, first=None, offset=None, **filters):
        qs, today = invoices_filtered(info, **filters)
        page = list_page(qs, first=first, offset=offset)
        return {"items": _invoice_open_attach(page.items, today), "total_count": page.total_count,
                "totals": _invoice_totals(qs)}

    @staticmethod
    @coded
    def resolve_invoice_register_csv(root, info, **filters):
        qs, today = invoices_filtered(info, **filters)

        def row(invoice):
            open_amount = "" if invoice.nt_open is None else _amount(invoice.nt_open, invoice.currency)
            order = invoice.receivable.order_number if invoice.receivable_id else ""
            return [invoice.number, INVOICE_KIND_LABELS.get(invoice.kind, invoice.kind),
                    invoice.get_status_display(), invoice.company.legal_name, invoice.issue_date.isoformat(),
                    invoice.due_date.isoformat() if invoice.due_date else "", invoice.currency,
                    _amount(invoice.total_gross, invoice.currency), open_amount, order,
                    invoice.credited_invoice.number if invoice.credited_invoice_id else ""]

        return csv_text(["Number", "Kind", "Status", "Company", "Issued", "Due", "Currency", "Total", "Open",
                         "Order", "Credits invoice"], (row(i) for i in qs.iterator(chunk_size=500)))


class Query(PaymentsQuery, CreditAccountsQuery, InvoicesQuery):
    pass
