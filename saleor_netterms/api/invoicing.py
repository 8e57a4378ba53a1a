"""GraphQL operations of the invoicing area, composed into the schema by api/schema.py.

Invoices and credit notes are read from their frozen snapshot (invoicing.snapshot): lines, tax
breakdown, totals, schedule, discount and remittance are what the document says, never
recomputed. What is still owed comes from the ledger (the invoice's receivable), never from the
invoice row. Document links are fresh signed, expiring URLs (invoicing.documents.links) made
when the field is read.

Mutations follow api/mutations.py: one transaction, ``errors: [{code, field, message}]`` with
nothing written on a refusal, rows of another installation are NOT_FOUND, and every change is
recorded in the audit trail (``audit.services.audit_record``) by the signed-in staff member in
the same transaction.
"""
from __future__ import annotations

import json
from decimal import Decimal

import graphene
from babel import Locale, UnknownLocaleError
from django.db.models import Q, QuerySet, Sum

from saleor_netterms.audit.services import audit_record
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing import selectors as invoicing_selectors
from saleor_netterms.invoicing import services as invoicing_services
from saleor_netterms.invoicing.documents.formatting import address_lines
from saleor_netterms.invoicing.documents.links import document_url
from saleor_netterms.invoicing.models import CompanyInvoicingSettings, Invoice
from saleor_netterms.invoicing.models import InvoiceKind as InvoiceKindChoices
from saleor_netterms.invoicing.models import InvoiceStatus as InvoiceStatusChoices
from saleor_netterms.invoicing.models import InvoicingPolicy as InvoicingPolicyChoices
from saleor_netterms.invoicing.snapshot import InvoiceSnapshot, snapshot_from_dict
from saleor_netterms.terms import selectors as terms_selectors
from saleor_netterms.terms import services as terms_services
from saleor_netterms.terms.engine import late_fee_label, terms_from_dict, terms_label, terms_to_dict
from saleor_netterms.terms.errors import InvalidTermsTemplate
from saleor_netterms.terms.models import PaymentTermsTemplate

from . import selectors
from .context import actor_of, installation_of
from .errors import ApiInputError, not_found, query_error
from .inputs import amount_parse, page_parse, pk_parse
from .mutations import _company, _errors, _run, _transaction
from .types import CompanyType, MoneyType, _enum, coded, enum_field, enum_value, money

MAX_REASON = 255
MAX_DEFINITION_CHARS = 20_000
MAX_LANGUAGE = 16

InvoiceKind = _enum("InvoiceKind", InvoiceKindChoices, "An invoice or a credit note.")
InvoiceStatus = _enum("InvoiceStatus", InvoiceStatusChoices,
                      "issued: in force; void: cancelled (keeps its number; reversed by a credit note).")
InvoiceAction = graphene.Enum("InvoiceAction", [("CREDIT_NOTE", "credit_note"), ("VOID", "void")],
                              description="What staff may still do with an invoice.")
InvoicingPolicy = _enum("InvoicingPolicy", InvoicingPolicyChoices, "When a company's orders are invoiced.")

# Which argument a terms-template refusal concerns (InvalidTermsTemplate.reason → argument).
TEMPLATE_REASON_FIELDS = {
    "NAME_REQUIRED": "name", "NAME_TOO_LONG": "name", "INVALID_CODE": "code", "INVALID_CHANNEL": "channelSlug",
    "DEFAULT_NEEDS_CHANNEL": "channelSlug", "DEFAULT_MUST_BE_ACTIVE": "active",
    "CHANNEL_DEFAULT_CONFLICT": "isChannelDefault",
}
TEMPLATE_ERROR_FIELDS = {"INVALID_TERMS": "definition", "TERMS_TEMPLATE_CODE_TAKEN": "code"}


# --- reads --------------------------------------------------------------------------------------

def _invoices_scoped(installation) -> QuerySet[Invoice]:
    return (Invoice.objects.filter(installation=installation, company__installation=installation)
            .select_related("company", "credited_invoice", "receivable"))


def invoices_search(*, installation, company=None, status: str | None = None, kind: str | None = None,
                    search: str | None = None) -> QuerySet[Invoice]:
    """The installation's invoices and credit notes, newest first (issue date, then id)."""
    qs = _invoices_scoped(installation)
    if company is not None:
        qs = qs.filter(company=company)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(number__icontains=term))
    return qs.order_by("-issue_date", "-id")


def invoice_get(*, installation, invoice_id: int) -> Invoice | None:
    return _invoices_scoped(installation).filter(pk=invoice_id).first()


def invoice_actions(invoice: Invoice) -> list[str]:
    """The row actions that apply: none for a credit note or a void invoice; no credit note once
    credit notes cover the whole invoice (``nt_credited`` when the register annotated it)."""
    if invoice.kind != InvoiceKindChoices.INVOICE or invoice.status != InvoiceStatusChoices.ISSUED:
        return []
    credited = getattr(invoice, "nt_credited", None)
    if credited is None:
        credited = (Invoice.objects.filter(credited_invoice=invoice, status=InvoiceStatusChoices.ISSUED)
                    .aggregate(total=Sum("total_gross"))["total"]) or Decimal(0)
    return (["credit_note"] if credited < invoice.total_gross else []) + ["void"]


def invoices_with_positions(invoices: list[Invoice]) -> list[Invoice]:
    """The invoices, each with its open amount and days past due for ``InvoiceType`` to show
    (invoicing.selectors.invoice_positions: one ledger query per company and currency for the page).
    Every list of invoices the API answers goes through this (or gives the rows it read itself)."""
    positions = invoicing_selectors.invoice_positions(invoices)
    for inv in invoices:
        inv._nt_open_row = positions[inv.pk]
        inv._nt_open_ready = True
    return invoices


def _open_row(invoice: Invoice):
    if not getattr(invoice, "_nt_open_ready", False):
        invoices_with_positions([invoice])
    return invoice._nt_open_row


def _snapshot(invoice: Invoice) -> InvoiceSnapshot:
    cached = getattr(invoice, "_nt_snapshot", None)
    if cached is None:
        cached = invoice._nt_snapshot = snapshot_from_dict(invoice.snapshot)
    return cached


def _decimal_text(value: Decimal) -> str:
    """A percentage or quantity without trailing zeros: 19.00 → "19", 2.50 → "2.5"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- types --------------------------------------------------------------------------------------

class InvoiceDocumentsType(graphene.ObjectType):
    class Meta:
        name = "InvoiceDocuments"
        description = "Signed links to the documents, valid for 14 days from when they were read."

    pdf = graphene.String(required=True, description="The PDF for people.")
    facturx = graphene.String(required=True, description="Factur-X (EN 16931): PDF/A-3 with the CII XML inside.")
    ubl = graphene.String(required=True, description="Peppol BIS 3.0 UBL XML.")

    @staticmethod
    def resolve_pdf(root, info):
        return document_url(root, "pdf")

    @staticmethod
    def resolve_facturx(root, info):
        return document_url(root, "facturx")

    @staticmethod
    def resolve_ubl(root, info):
        return document_url(root, "ubl")


class InvoiceLineType(graphene.ObjectType):
    class Meta:
        name = "InvoiceLine"
        description = "One line as issued: net = quantity × unit net; tax = net × rate; gross = net + tax."

    position = graphene.Int(required=True)
    description = graphene.String(required=True)
    sku = graphene.String(required=True)
    quantity = graphene.String(required=True, description="Exact decimal, e.g. \"2\" or \"1.5\".")
    unit_code = graphene.String(required=True, description="UN/ECE rec. 20, e.g. C62.")
    unit_net = graphene.Field(MoneyType, required=True)
    net = graphene.Field(MoneyType, required=True)
    tax_category = graphene.String(required=True, description="UNCL5305: S, Z, E, AE, K, O.")
    tax_rate = graphene.String(required=True, description="Percent, e.g. \"19\".")
    tax = graphene.Field(MoneyType, required=True)
    gross = graphene.Field(MoneyType, required=True)


class InvoiceTaxLineType(graphene.ObjectType):
    class Meta:
        name = "InvoiceTaxLine"
        description = "The tax of one (category, rate)."

    category = graphene.String(required=True)
    rate = graphene.String(required=True, description="Percent, e.g. \"19\".")
    taxable = graphene.Field(MoneyType, required=True)
    tax = graphene.Field(MoneyType, required=True)
    exemption_reason = graphene.String(required=True)


class InvoiceTotalsType(graphene.ObjectType):
    class Meta:
        name = "InvoiceTotals"

    net = graphene.Field(MoneyType, required=True)
    tax = graphene.Field(MoneyType, required=True)
    gross = graphene.Field(MoneyType, required=True)
    prepaid = graphene.Field(MoneyType, required=True)
    amount_due = graphene.Field(MoneyType, required=True, description="gross − prepaid, as issued.")


class InvoiceSchedulePartType(graphene.ObjectType):
    class Meta:
        name = "InvoiceSchedulePart"
        description = "When (a part of) the amount due is due; the parts sum to the amount due."

    due_date = graphene.Date(description="Null while due on a fulfilment not yet known.")
    amount = graphene.Field(MoneyType, required=True)
    label = graphene.String(required=True)


class InvoiceDiscountType(graphene.ObjectType):
    class Meta:
        name = "InvoiceDiscount"
        description = "Early-payment discount: `amount` off when paid by `deadline`."

    percent = graphene.String(required=True, description="Percent, e.g. \"2\".")
    amount = graphene.Field(MoneyType, required=True)
    deadline = graphene.Date(required=True)


class InvoiceRemittanceType(graphene.ObjectType):
    class Meta:
        name = "InvoiceRemittance"
        description = "Where and with which reference to pay."

    iban = graphene.String(required=True)
    bic = graphene.String(required=True)
    account_holder = graphene.String(required=True)
    bank_name = graphene.String(required=True)
    payment_reference = graphene.String(required=True, description="ISO 11649 RF creditor reference.")
    epc_qr_payload = graphene.String(required=True, description="EPC069-12 payload (EUR only), else empty.")


class InvoiceAddressType(graphene.ObjectType):
    class Meta:
        name = "InvoiceAddress"

    street = graphene.String(required=True)
    street2 = graphene.String(required=True)
    city = graphene.String(required=True)
    postal_code = graphene.String(required=True)
    country_area = graphene.String(required=True)
    country = graphene.String(required=True)
    lines = graphene.List(
        graphene.NonNull(graphene.String), required=True, language=graphene.String(),
        description=("The postal lines in the order the address's country writes them (a US address: city, "
                     "state and ZIP on one line), the country's name last in `language` (a BCP 47 tag such as "
                     "the Dashboard's locale; default English)."))

    @staticmethod
    def resolve_lines(root, info, language=None):
        if language is not None and len(language) > MAX_LANGUAGE:
            raise query_error(ApiInputError("TOO_LONG", f"At most {MAX_LANGUAGE} characters.", field="language"))
        return address_lines(root, language or "en")


class InvoicePartyType(graphene.ObjectType):
    class Meta:
        name = "InvoiceParty"
        description = "The seller or the buyer as printed on the document."

    name = graphene.String(required=True)
    address = graphene.Field(InvoiceAddressType, required=True)
    tax_id = graphene.String(required=True)
    registration_id = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = graphene.String(required=True)
    contact_name = graphene.String(required=True)
    erp_customer_number = graphene.String(required=True)


def _money_of(currency: str, value: Decimal) -> Money:
    return money(value, currency)


class InvoiceType(graphene.ObjectType):
    class Meta:
        name = "Invoice"
        description = ("An issued invoice or credit note. Its figures are the frozen snapshot; what is "
                       "still owed (openAmount) comes from the ledger.")

    id = graphene.ID(required=True)
    number = graphene.String(required=True)
    kind = enum_field(InvoiceKind, "kind")
    status = enum_field(InvoiceStatus, "status")
    issue_date = graphene.Date(required=True)
    due_date = graphene.Date(description="The final due date; null for a credit note or while due on fulfilment.")
    currency = graphene.String(required=True)
    total_gross = graphene.Field(MoneyType, required=True)
    amount_due = graphene.Field(MoneyType, required=True, description="As issued.")
    open_amount = graphene.Field(MoneyType, description=(
        "Still owed on it now, from the ledger (its receivable); null for a credit note."))
    days_past_due = graphene.Int(required=True, description="0 when paid, not yet due, or a credit note.")
    company = graphene.Field(CompanyType, required=True)
    order_number = graphene.String(required=True)
    po_number = graphene.String(required=True)
    credited_invoice = graphene.Field(lambda: InvoiceType, description="For a credit note: the invoice it credits.")
    credit_notes = graphene.List(graphene.NonNull(lambda: InvoiceType), required=True,
                                 description="Credit notes issued against this invoice, oldest first.")
    documents = graphene.Field(InvoiceDocumentsType, required=True)
    einvoice_problem = graphene.String(required=True, description=(
        "Why no e-invoice (Peppol UBL / Factur-X) could be produced from this document, as the rules "
        "report it; \"\" when both were. The buyer got the PDF either way."))
    voided_at = graphene.DateTime()
    void_reason = graphene.String(required=True)
    actions = graphene.List(graphene.NonNull(InvoiceAction), required=True, description=(
        "What applies now: CREDIT_NOTE while an issued invoice is not fully credited, VOID while it is "
        "issued; none for a credit note or a void invoice."))
    created_at = graphene.DateTime(required=True)
    terms_label = graphene.String(required=True, description="E.g. \"Net 30\", \"2/10 Net 30\".")
    language = graphene.String(required=True)
    note = graphene.String(required=True)
    delivery_date = graphene.Date()
    seller = graphene.Field(InvoicePartyType, required=True)
    buyer = graphene.Field(InvoicePartyType, required=True)
    lines = graphene.List(graphene.NonNull(InvoiceLineType), required=True)
    tax_breakdown = graphene.List(graphene.NonNull(InvoiceTaxLineType), required=True)
    totals = graphene.Field(InvoiceTotalsType, required=True)
    schedule = graphene.List(graphene.NonNull(InvoiceSchedulePartType), required=True)
    discount = graphene.Field(InvoiceDiscountType, description="Early-payment discount, if the terms offer one.")
    remittance = graphene.Field(InvoiceRemittanceType, required=True)

    @staticmethod
    def resolve_actions(root, info):
        return invoice_actions(root)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_total_gross(root, info):
        return money(root.total_gross, root.currency)

    @staticmethod
    def resolve_amount_due(root, info):
        return money(root.amount_due, root.currency)

    @staticmethod
    def resolve_open_amount(root, info):
        row = _open_row(root)
        return row.open_amount if row is not None else None

    @staticmethod
    def resolve_days_past_due(root, info):
        row = _open_row(root)
        return row.days_past_due if row is not None else 0

    @staticmethod
    def resolve_order_number(root, info):
        return (root.snapshot or {}).get("order_number", "")  # no full parse for a list row

    @staticmethod
    def resolve_po_number(root, info):
        return (root.snapshot or {}).get("po_number", "")

    @staticmethod
    def resolve_credit_notes(root, info):
        return invoices_with_positions(list(root.credit_notes.select_related("company", "receivable").order_by("id")))

    @staticmethod
    def resolve_documents(root, info):
        return root

    @staticmethod
    def resolve_terms_label(root, info):
        return _snapshot(root).terms_label

    @staticmethod
    def resolve_language(root, info):
        return _snapshot(root).language

    @staticmethod
    def resolve_note(root, info):
        return _snapshot(root).note

    @staticmethod
    def resolve_delivery_date(root, info):
        return _snapshot(root).delivery_date

    @staticmethod
    def resolve_seller(root, info):
        return _snapshot(root).seller

    @staticmethod
    def resolve_buyer(root, info):
        return _snapshot(root).buyer

    @staticmethod
    def resolve_lines(root, info):
        cur = root.currency
        return [InvoiceLineType(
            position=l.position, description=l.description, sku=l.sku, quantity=_decimal_text(l.quantity),
            unit_code=l.unit_code, unit_net=_money_of(cur, l.unit_net), net=_money_of(cur, l.net),
            tax_category=l.tax_category, tax_rate=_decimal_text(l.tax_rate), tax=_money_of(cur, l.tax),
            gross=_money_of(cur, l.gross)) for l in _snapshot(root).lines]

    @staticmethod
    def resolve_tax_breakdown(root, info):
        cur = root.currency
        return [InvoiceTaxLineType(category=t.category, rate=_decimal_text(t.rate), taxable=_money_of(cur, t.taxable),
                                   tax=_money_of(cur, t.tax), exemption_reason=t.exemption_reason)
                for t in _snapshot(root).tax_breakdown]

    @staticmethod
    def resolve_totals(root, info):
        cur, t = root.currency, _snapshot(root).totals
        return InvoiceTotalsType(net=_money_of(cur, t.net), tax=_money_of(cur, t.tax), gross=_money_of(cur, t.gross),
                                 prepaid=_money_of(cur, t.prepaid), amount_due=_money_of(cur, t.amount_due))

    @staticmethod
    def resolve_schedule(root, info):
        return [InvoiceSchedulePartType(due_date=p.due_date, amount=_money_of(root.currency, p.amount), label=p.label)
                for p in _snapshot(root).schedule]

    @staticmethod
    def resolve_discount(root, info):
        d = _snapshot(root).discount
        if d is None:
            return None
        return InvoiceDiscountType(percent=_decimal_text(d.percent), amount=_money_of(root.currency, d.amount),
                                   deadline=d.deadline)

    @staticmethod
    def resolve_remittance(root, info):
        return _snapshot(root).remittance


class PaymentTermsTemplateType(graphene.ObjectType):
    class Meta:
        name = "PaymentTermsTemplate"
        description = "Named, reusable payment terms (\"Net 30\", \"2/10 Net 30\")."

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    code = graphene.String(required=True, description="Stable slug, unique per installation; never changes.")
    definition = graphene.JSONString(required=True, description=(
        "The canonical terms definition (terms.engine.terms_to_dict), e.g. "
        "{\"version\": 1, \"kind\": \"net\", \"days\": 30}."))
    label = graphene.String(required=True, description="E.g. \"2/10 Net 30\".")
    late_fee_label = graphene.String(description="E.g. \"1.5% per month after 5 days' grace\"; null when none.")
    channel_slug = graphene.String(required=True)
    is_channel_default = graphene.Boolean(required=True)
    active = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_definition(root, info):
        return terms_to_dict(root.terms())  # canonical key order (the JSONB column does not keep it)

    @staticmethod
    def resolve_label(root, info):
        return terms_label(root.terms())

    @staticmethod
    def resolve_late_fee_label(root, info):
        fee = root.terms().late_fee
        return late_fee_label(fee) if fee is not None else None


class InvoicingSettingsType(graphene.ObjectType):
    class Meta:
        name = "InvoicingSettings"
        description = "How and when a company is invoiced."

    company = graphene.Field(CompanyType, required=True)
    policy = enum_field(InvoicingPolicy, "policy")
    terms_template = graphene.Field(PaymentTermsTemplateType, description=(
        "Null: the channel's default template, else Net <company default terms days>."))
    send_saleor_notification = graphene.Boolean(required=True, description="Ask Saleor to e-mail the invoice.")
    language = graphene.String(required=True, description="Babel locale, e.g. de_DE; empty: the app's default.")
    is_default = graphene.Boolean(required=True, description="True while nothing was saved for the company.")

    @staticmethod
    def resolve_is_default(root, info):
        return root.pk is None


# --- queries ------------------------------------------------------------------------------------

class Query(graphene.ObjectType):
    invoices = graphene.List(
        graphene.NonNull(InvoiceType), required=True,
        description=("Invoices and credit notes, newest first. search matches the number (substring); "
                     "first is 1 to 100 (default 50). An unknown companyId is NOT_FOUND."),
        company_id=graphene.ID(), status=graphene.Argument(InvoiceStatus), kind=graphene.Argument(InvoiceKind),
        search=graphene.String(), first=graphene.Int(), offset=graphene.Int())
    invoice = graphene.Field(InvoiceType, id=graphene.ID(required=True),
                             description="An invoice or credit note of this installation; null when there is none.")
    invoicing_settings = graphene.Field(
        InvoicingSettingsType, company_id=graphene.ID(required=True),
        description="The company's invoicing settings (the defaults when none were saved); null for no such company.")
    payment_terms_templates = graphene.List(
        graphene.NonNull(PaymentTermsTemplateType), required=True,
        include_inactive=graphene.Boolean(default_value=False), description="Oldest first.")

    @staticmethod
    @coded
    def resolve_invoices(root, info, company_id=None, status=None, kind=None, search=None, first=None, offset=None):
        installation = installation_of(info)
        first, offset = page_parse(first, offset)
        company = _company(info, company_id) if company_id is not None else None
        qs = invoices_search(installation=installation, company=company, status=enum_value(status),
                             kind=enum_value(kind), search=search)
        return invoices_with_positions(list(qs[offset:offset + first]))

    @staticmethod
    def resolve_invoice(root, info, id):
        pk = pk_parse(id)
        return invoice_get(installation=installation_of(info), invoice_id=pk) if pk else None

    @staticmethod
    def resolve_invoicing_settings(root, info, company_id):
        installation = installation_of(info)
        pk = pk_parse(company_id)
        company = company_selectors.company_get(installation=installation, company_id=pk) if pk else None
        return invoicing_services.invoicing_settings_get(company=company) if company is not None else None

    @staticmethod
    def resolve_payment_terms_templates(root, info, include_inactive=False):
        return list(terms_selectors.payment_terms_list(installation=installation_of(info),
                                                       include_inactive=include_inactive))


# --- mutations ----------------------------------------------------------------------------------

def _reason(value, *, field: str = "reason") -> str:
    text = (value or "").strip()
    if not text:
        raise ApiInputError("REASON_REQUIRED", "Give a reason (kept on the document and in the audit trail).",
                            field=field)
    if len(text) > MAX_REASON:
        raise ApiInputError("TOO_LONG", f"At most {MAX_REASON} characters.", field=field)
    return text


def _invoice(info, invoice_id, *, field: str = "invoiceId") -> Invoice:
    pk = pk_parse(invoice_id)
    found = invoice_get(installation=installation_of(info), invoice_id=pk) if pk else None
    if found is None:
        raise not_found("invoice", field=field)
    return found


def _invoice_state(invoice: Invoice) -> dict:
    return {"number": invoice.number, "kind": invoice.kind, "status": invoice.status,
            "total_gross": money(invoice.total_gross, invoice.currency).as_string(), "currency": invoice.currency}


class CreditNoteIssue(graphene.Mutation):
    """Issue a credit note against an issued invoice: for `amount` (one line per tax rate) or, without
    an amount, for the whole invoice. The open part of the invoice is reduced first; what was already
    paid becomes the company's credit balance. At most what can still be credited."""

    class Arguments:
        invoice_id = graphene.ID(required=True)
        amount = graphene.String(description="Decimal string in the invoice's currency, e.g. \"50.00\"; "
                                             "omitted: the whole invoice.")
        reason = graphene.String(required=True, description="Printed on the credit note; kept in the audit trail.")

    credit_note = graphene.Field(InvoiceType)
    invoice = graphene.Field(InvoiceType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, invoice_id, reason, amount=None):
        actor = actor_of(info)

        def action():
            invoice = _invoice(info, invoice_id)
            text = _reason(reason)
            if invoice.kind != InvoiceKindChoices.INVOICE:
                raise ApiInputError("CREDIT_NOTE_REFUSED", "A credit note cannot be credited.", field="invoiceId")
            if invoice.is_void:
                raise ApiInputError("CREDIT_NOTE_REFUSED", "The invoice is void; it was already reversed.",
                                    field="invoiceId")
            value = None
            if amount is not None:
                value = amount_parse(amount, invoice.currency)
                if not value.is_positive():
                    raise ApiInputError("INVALID_AMOUNT", "The amount must be more than zero.", field="amount")
            credit_note = invoicing_services.credit_note_issue(invoice=invoice, reason=text, amount=value)
            audit_record(installation=invoice.installation, actor=actor, action="credit_note.issued",
                         object_type="invoice", object_id=credit_note.pk, company=invoice.company,
                         after={"number": credit_note.number, "credited_invoice": invoice.number,
                                "amount": money(credit_note.total_gross, credit_note.currency).as_string(),
                                "currency": credit_note.currency},
                         reason=text)
            return credit_note, invoice

        result, errors = _run(action, fields={"CREDIT_NOTE_REFUSED": "amount" if amount is not None else "invoiceId"})
        credit_note, invoice = result or (None, None)
        return CreditNoteIssue(credit_note=credit_note, invoice=invoice, errors=errors)


class InvoiceVoid(graphene.Mutation):
    """Void an issued invoice. When it was posted to the ledger, a credit note reverses what can
    still be credited on it. The invoice keeps its number. A credit note or a void invoice is refused."""

    class Arguments:
        invoice_id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    invoice = graphene.Field(InvoiceType)
    credit_note = graphene.Field(InvoiceType, description="The reversing credit note, when one was needed.")
    errors = _errors()

    @staticmethod
    def mutate(root, info, invoice_id, reason):
        actor = actor_of(info)

        def action():
            invoice = _invoice(info, invoice_id)
            text = _reason(reason)
            if invoice.kind != InvoiceKindChoices.INVOICE:
                raise ApiInputError("INVOICE_NOT_VOIDABLE",
                                    "A credit note cannot be voided; issue an invoice instead.", field="invoiceId")
            if invoice.is_void:
                raise ApiInputError("INVOICE_ALREADY_VOID", "The invoice is already void.", field="invoiceId")
            before = _invoice_state(invoice)
            voided, credit_note = invoicing_services.invoice_void(invoice=invoice, reason=text)
            audit_record(installation=voided.installation, actor=actor, action="invoice.voided",
                         object_type="invoice", object_id=voided.pk, company=voided.company, before=before,
                         after={**_invoice_state(voided),
                                "credit_note": credit_note.number if credit_note is not None else None},
                         reason=text)
            return voided, credit_note

        result, errors = _run(action)
        invoice, credit_note = result or (None, None)
        return InvoiceVoid(invoice=invoice, credit_note=credit_note, errors=errors)


def _language(value: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) > MAX_LANGUAGE:
        raise ApiInputError("INVALID_LANGUAGE", f"At most {MAX_LANGUAGE} characters, e.g. de_DE.", field="language")
    try:
        Locale.parse(text.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ApiInputError("INVALID_LANGUAGE", f"{text!r} is not a known locale (e.g. en_US, de_DE, fr_FR).",
                            field="language") from exc
    return text.replace("-", "_")


def _settings_state(settings: CompanyInvoicingSettings) -> dict:
    template = settings.terms_template if settings.terms_template_id else None
    return {"policy": enum_value(settings.policy), "terms_template": template.code if template else None,
            "send_saleor_notification": settings.send_saleor_notification, "language": settings.language}


class InvoicingSettingsSet(graphene.Mutation):
    """Set how and when a company is invoiced; omitted arguments stay as they are. An empty
    termsTemplateCode clears the template (the channel's default, else Net <default days>)."""

    class Arguments:
        company_id = graphene.ID(required=True)
        policy = graphene.Argument(InvoicingPolicy)
        terms_template_code = graphene.String(description="An active template's code; empty: none.")
        send_saleor_notification = graphene.Boolean()
        language = graphene.String(description="Babel locale, e.g. de_DE; empty: the app's default.")

    settings = graphene.Field(InvoicingSettingsType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, policy=None, terms_template_code=None, send_saleor_notification=None,
               language=None):
        actor = actor_of(info)

        def action():
            company = _company(info, company_id)
            current = invoicing_services.invoicing_settings_get(company=company)
            changes = {}
            if policy is not None:
                changes["policy"] = enum_value(policy)
            if terms_template_code is not None:
                code = terms_template_code.strip()
                template = None
                if code:
                    template = terms_selectors.payment_terms_get(installation=company.installation, code=code)
                    if template is None:
                        raise not_found("payment terms template", field="termsTemplateCode")
                    if not template.active:
                        raise ApiInputError("TERMS_TEMPLATE_INACTIVE", "This payment terms template is not active.",
                                            field="termsTemplateCode")
                changes["terms_template"] = template
            if send_saleor_notification is not None:
                changes["send_saleor_notification"] = send_saleor_notification
            if language is not None:
                changes["language"] = _language(language)
            before = _settings_state(current)
            unchanged = all(
                (getattr(current, "terms_template_id") == (value.pk if value else None)) if name == "terms_template"
                else getattr(current, name) == value for name, value in changes.items())
            if unchanged:
                return current
            invoicing_services.invoicing_settings_set(company=company, **changes)
            saved = invoicing_services.invoicing_settings_get(company=company)
            audit_record(installation=company.installation, actor=actor, action="invoicing_settings.set",
                         object_type="company", object_id=company.pk, company=company,
                         before=None if current.pk is None else before, after=_settings_state(saved))
            return saved

        settings, errors = _run(action)
        return InvoicingSettingsSet(settings=settings, errors=errors)


def _definition_parse(value) -> dict:
    """The definition JSON: decimals are read exactly (never through a float); NaN/Infinity refused;
    then validated by the terms engine (InvalidTerms names the rule that failed)."""
    def refuse_constant(name):
        raise ValueError(f"{name} is not a number")

    if not isinstance(value, str) or not value.strip():
        raise ApiInputError("INVALID_TERMS", "The terms definition is required (a JSON object).", field="definition")
    if len(value) > MAX_DEFINITION_CHARS:
        raise ApiInputError("INVALID_TERMS", f"At most {MAX_DEFINITION_CHARS} characters.", field="definition")
    try:
        data = json.loads(value, parse_float=Decimal, parse_constant=refuse_constant)
    except ValueError as exc:
        raise ApiInputError("INVALID_TERMS", f"The definition is not valid JSON: {exc}.", field="definition") from exc
    terms_from_dict(data)  # raises InvalidTerms
    return data


def _template_state(template: PaymentTermsTemplate) -> dict:
    return {"name": template.name, "code": template.code, "definition": terms_to_dict(template.terms()),
            "channel_slug": template.channel_slug, "is_channel_default": template.is_channel_default,
            "active": template.active}


def _template_errors_named(action):
    """Run `action`, naming the argument an InvalidTermsTemplate concerns (by its reason)."""
    def run():
        try:
            return action()
        except InvalidTermsTemplate as exc:
            exc.field = TEMPLATE_REASON_FIELDS.get(exc.reason)
            raise
    return run


class PaymentTermsTemplateCreate(graphene.Mutation):
    """Create a payment terms template. The definition is a JSON object the terms engine accepts,
    e.g. {"kind": "net", "days": 30, "discount": {"percent": "2", "days": 10}}; it is stored in
    canonical form. Making it a channel's default un-defaults the previous one."""

    class Arguments:
        name = graphene.String(required=True)
        code = graphene.String(required=True, description="Slug (letters, digits, - and _), unique; never changes.")
        definition = graphene.String(required=True, description="JSON object (see terms.engine).")
        channel_slug = graphene.String()
        is_channel_default = graphene.Boolean()

    template = graphene.Field(PaymentTermsTemplateType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, name, code, definition, channel_slug=None, is_channel_default=None):
        installation = installation_of(info)
        actor = actor_of(info)

        def action():
            data = _definition_parse(definition)
            template = terms_services.payment_terms_create(
                installation=installation, name=name, code=code, definition=data, channel_slug=channel_slug,
                is_channel_default=bool(is_channel_default))
            audit_record(installation=installation, actor=actor, action="payment_terms.created",
                         object_type="payment_terms_template", object_id=template.pk,
                         after=_template_state(template))
            return template

        template, errors = _run(_template_errors_named(action), fields=TEMPLATE_ERROR_FIELDS)
        return PaymentTermsTemplateCreate(template=template, errors=errors)


class PaymentTermsTemplateUpdate(graphene.Mutation):
    """Change the given fields of a template (the code never changes). Invoices already issued keep
    the terms they were issued with."""

    class Arguments:
        id = graphene.ID(required=True)
        name = graphene.String()
        definition = graphene.String(description="JSON object (see terms.engine).")
        channel_slug = graphene.String(description="Empty: no channel.")
        is_channel_default = graphene.Boolean()
        active = graphene.Boolean()

    template = graphene.Field(PaymentTermsTemplateType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, **kwargs):
        installation = installation_of(info)
        actor = actor_of(info)

        def action():
            pk = pk_parse(id)
            found = (PaymentTermsTemplate.objects.filter(installation=installation, pk=pk).first() if pk else None)
            if found is None:
                raise not_found("payment terms template", field="id")
            before = _template_state(found)
            changes = {key: value for key, value in kwargs.items() if value is not None}
            if "definition" in changes:
                changes["definition"] = _definition_parse(changes["definition"])
            updated = terms_services.payment_terms_update(template=found, **changes)
            after = _template_state(updated)
            if after != before:
                audit_record(installation=installation, actor=actor, action="payment_terms.updated",
                             object_type="payment_terms_template", object_id=updated.pk, before=before, after=after)
            return updated

        template, errors = _run(_template_errors_named(action), fields=TEMPLATE_ERROR_FIELDS)
        return PaymentTermsTemplateUpdate(template=template, errors=errors)


class InvoiceIssueForTransaction(graphene.Mutation):
    """Invoice the whole order of a net-terms transaction now (whatever the company's policy),
    converting its hold; when Saleor already captured it, the captured receivable is invoiced. An
    order already invoiced this way answers its invoice again (nothing new is written)."""

    class Arguments:
        transaction_id = graphene.ID(required=True)

    invoice = graphene.Field(InvoiceType)
    created = graphene.Boolean(description="False when the invoice already existed.")
    errors = _errors()

    @staticmethod
    def mutate(root, info, transaction_id):
        actor = actor_of(info)

        def action():
            tx = _transaction(info, transaction_id)
            if tx.company_id is None:
                raise ApiInputError("NOTHING_TO_INVOICE", "This transaction has no company: nothing to invoice.",
                                    field="transactionId")
            known = set(Invoice.objects.filter(transaction=tx).values_list("pk", flat=True))
            invoice = invoicing_services.invoice_issue_for_order(transaction=tx)
            created = invoice.pk not in known
            if created:
                audit_record(installation=invoice.installation, actor=actor, action="invoice.issued",
                             object_type="invoice", object_id=invoice.pk, company=invoice.company,
                             after={**_invoice_state(invoice), "transaction": tx.psp_reference,
                                    "order_number": tx.order_number})
            return invoice, created

        result, errors = _run(action, fields={"NOTHING_TO_INVOICE": "transactionId",
                                              "ORDER_NOT_INVOICEABLE": "transactionId"})
        invoice, created = result or (None, None)
        return InvoiceIssueForTransaction(invoice=invoice, created=created, errors=errors)


class Mutation(graphene.ObjectType):
    credit_note_issue = CreditNoteIssue.Field()
    invoice_void = InvoiceVoid.Field()
    invoicing_settings_set = InvoicingSettingsSet.Field()
    payment_terms_template_create = PaymentTermsTemplateCreate.Field()
    payment_terms_template_update = PaymentTermsTemplateUpdate.Field()
    invoice_issue_for_transaction = InvoiceIssueForTransaction.Field()
