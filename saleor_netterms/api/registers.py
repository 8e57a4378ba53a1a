"""The registers: the credit accounts (one row per company and currency with utilisation and what is
overdue) and the payment register: every payment of the installation, newest first — date, company, amount,
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
from saleor_netterms.ledger.models import Account, AccountKind
from saleor_netterms.masters.models import ErpOpenItem
from saleor_netterms.masters.selectors import erp_owns
from saleor_netterms.payments.models import Payment, PaymentAllocation
from saleor_netterms.receivables_reports.models import OpenReceivable

from .context import installation_of
from .inputs import currency_parse
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
    rows = (OpenReceivable.objects.filter(company_id=OuterRef("pk"), currency=OuterRef("nt_currency"),
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


class Query(PaymentsQuery, CreditAccountsQuery):
    pass
