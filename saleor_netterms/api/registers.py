"""The payment register: every payment of the installation, newest first — date, company, amount,
reference, where it came from (staff, bank statement, ERP), what it settled and what stayed unapplied —
searchable, filterable, sortable, a page with its total count, and the same selection as CSV."""
from __future__ import annotations

import graphene
from django.db.models import Prefetch, Q

from saleor_netterms.core.money import Money
from saleor_netterms.payments.models import Payment, PaymentAllocation

from .context import installation_of
from .inputs import currency_parse
from .lists import csv_text, list_page, page_type, sorted_by
from .types import PaymentSource, PaymentType, coded, enum_value

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


class Query(graphene.ObjectType):
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
