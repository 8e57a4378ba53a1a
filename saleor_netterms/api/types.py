"""Object types of the merchant API. Amounts are ``Money { amount: String!, currency: String! }``
with the exact decimal string, quantized to the currency's precision — never a Float. Ids are the
database ids as ``ID``. Nested lists are read from rows already scoped to the installation."""
from __future__ import annotations

import functools

import graphene
from django.core.exceptions import ObjectDoesNotExist

from saleor_netterms.checkout.models import TransactionStatus as TransactionStatusChoices
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies.models import CompanyStatus as CompanyStatusChoices
from saleor_netterms.companies.models import MemberKind as MemberKindChoices
from saleor_netterms.companies.models import MemberRole as MemberRoleChoices
from saleor_netterms.core.business_time import business_today, time_zone_names
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.formatting import tax_id_text
from saleor_netterms.core.money import InvalidMoney, Money
from saleor_netterms.decisions.texts import stored_buyer_text, stored_merchant_text
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import AccountKind as AccountKindChoices
from saleor_netterms.ledger.models import PostingKind as PostingKindChoices
from saleor_netterms.ledger.models import Side as SideChoices
from saleor_netterms.outbox.models import OutboxStatus as OutboxStatusChoices
from saleor_netterms.payments.models import PaymentSource as PaymentSourceChoices
from saleor_netterms.receivables.models import ReceivableStatus as ReceivableStatusChoices

from . import selectors
from .context import installation_of, language_of
from .errors import query_error
from .inputs import currency_parse, page_parse


def coded(resolver):
    """Turn a NetTermsError raised while resolving a query field into a coded GraphQL error."""
    @functools.wraps(resolver)
    def wrapper(*args, **kwargs):
        try:
            return resolver(*args, **kwargs)
        except NetTermsError as exc:
            raise query_error(exc) from exc
    return wrapper


def _enum(name: str, choices, description: str) -> type[graphene.Enum]:
    """A GraphQL enum of a model's TextChoices: ``on_hold`` is ``ON_HOLD``."""
    return graphene.Enum(name, [(value.upper(), value) for value in choices.values], description=description)


def enum_field(enum_type, attr: str, **kwargs) -> graphene.Field:
    """A required enum field read from ``root.<attr>`` (dotted for nested). Django stores plain
    strings but a freshly saved row may hold a TextChoices member; both serialize by value."""
    def resolve(root, info):
        value = root
        for part in attr.split("."):
            value = getattr(value, part)
        return enum_value(value)
    return graphene.Field(enum_type, required=True, resolver=resolve, **kwargs)


def enum_value(value) -> str | None:
    """The stored value of an enum argument (graphene passes the Python enum member)."""
    return None if value is None else getattr(value, "value", value)


CompanyStatus = _enum("CompanyStatus", CompanyStatusChoices, "Whether a company may buy on net terms.")
MemberKind = _enum("MemberKind", MemberKindChoices, "What a member rule matches on a Saleor customer.")
MemberRole = _enum("MemberRole", MemberRoleChoices, "A member's role in its company.")
ReceivableStatus = _enum("ReceivableStatus", ReceivableStatusChoices, "State of a receivable (invoice).")
TransactionStatus = _enum("TransactionStatus", TransactionStatusChoices,
                          "State of a net-terms checkout transaction.")
PostingKind = _enum("PostingKind", PostingKindChoices, "What a ledger posting records.")
AccountKind = _enum("AccountKind", AccountKindChoices, "A ledger account.")
LedgerSide = _enum("LedgerSide", SideChoices, "The side of a ledger leg.")
PaymentSource = _enum("PaymentSource", PaymentSourceChoices, "Where a payment was recorded from.")
OutboxStatus = _enum("OutboxStatus", OutboxStatusChoices, "Delivery state of a message to another system.")


def money(amount, currency: str) -> Money:
    return Money.of(amount, currency)


class MoneyType(graphene.ObjectType):
    class Meta:
        name = "Money"
        description = "An exact amount in one currency."

    amount = graphene.String(required=True, description=(
        "Exact decimal string quantized to the currency's precision, e.g. \"1250.00\"; never a float."))
    currency = graphene.String(required=True, description="ISO 4217 code.")

    @staticmethod
    def resolve_amount(root: Money, info):
        return root.as_string()


class CreditSummaryType(graphene.ObjectType):
    class Meta:
        name = "CreditSummary"
        description = ("A company's credit position in one currency, computed from the ledger. "
                       "exposure = holds + receivables; available = limit − exposure (negative when "
                       "the exposure exceeds the limit).")

    currency = graphene.String(required=True)
    limit = graphene.Field(MoneyType, required=True, description="Zero when no limit is set.")
    holds = graphene.Field(MoneyType, required=True)
    receivables = graphene.Field(MoneyType, required=True)
    credit_balance = graphene.Field(MoneyType, required=True, description="Owed to the buyer.")
    exposure = graphene.Field(MoneyType, required=True)
    available = graphene.Field(MoneyType, required=True)

    @staticmethod
    def resolve_currency(root, info):
        return root.limit.currency


class DecisionReasonType(graphene.ObjectType):
    class Meta:
        name = "DecisionReason"
        description = "Why the credit engine (or a person) decided as it did."

    code = graphene.String(required=True)
    buyer_message = graphene.String(required=True)
    merchant_message = graphene.String(required=True, description=(
        "Written in the reader's language (the request's Accept-Language, else the installation's): "
        "\"Order $1,250.00 fits the available credit $4,000.00 …\"."))

    @staticmethod
    def resolve_code(root: dict, info):
        return root.get("code", "")

    @staticmethod
    def resolve_buyer_message(root: dict, info):
        return stored_buyer_text(root)

    @staticmethod
    def resolve_merchant_message(root: dict, info):
        return stored_merchant_text(root, language=language_of(info))


class LedgerLegType(graphene.ObjectType):
    class Meta:
        name = "LedgerLeg"
        description = "One leg of a posting: a positive amount on the debit or credit side of an account."

    id = graphene.ID(required=True)
    account_id = graphene.ID(required=True)
    account_kind = enum_field(AccountKind, "account.kind")
    side = enum_field(LedgerSide, "side")
    amount = graphene.Field(MoneyType, required=True)
    hold_ref = graphene.String(required=True)
    receivable_ref = graphene.String(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)


class PostingType(graphene.ObjectType):
    class Meta:
        name = "Posting"
        description = "One balanced ledger transaction of a company."

    id = graphene.ID(required=True)
    kind = enum_field(PostingKind, "kind")
    amount = graphene.Field(MoneyType, required=True)
    memo = graphene.String(required=True)
    hold_ref = graphene.String(required=True)
    receivable_ref = graphene.String(required=True)
    payment_ref = graphene.String(required=True)
    references = graphene.List(graphene.NonNull(graphene.String), required=True,
                               description='What the posting concerns, in words: "Order #1001", '
                                           '"Invoice INV-2026-000015", "Payment WIRE-0042".')
    idempotency_key = graphene.String(required=True)
    effective_date = graphene.Date(required=True)
    created_at = graphene.DateTime(required=True)
    legs = graphene.List(graphene.NonNull(LedgerLegType), required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_legs(root, info):
        return list(root.entries.all())

    @staticmethod
    def resolve_references(root, info):
        labels = getattr(root, "reference_labels", None)
        if labels is None:
            labels = selectors.reference_labels(installation=root.company.installation,
                                                refs=(root.hold_ref, root.receivable_ref, root.payment_ref))
        named = [labels[ref] for ref in (root.receivable_ref, root.hold_ref, root.payment_ref) if labels.get(ref)]
        return list(dict.fromkeys(named))  # a receivable not invoiced yet and its hold both read "Order #1001"


class CompanyType(graphene.ObjectType):
    class Meta:
        name = "Company"
        description = "A B2B buyer's credit account."

    id = graphene.ID(required=True)
    legal_name = graphene.String(required=True)
    tax_id = graphene.String(required=True, description="Compact form, e.g. DE136695976.")
    tax_id_country = graphene.String(required=True)
    tax_id_display = graphene.String(required=True, description='As its country writes it: "91-1144442" (US EIN).')
    billing_contact_name = graphene.String(required=True)
    billing_contact_email = graphene.String(required=True)
    billing_contact_phone = graphene.String(required=True)
    erp_customer_number = graphene.String(required=True)
    status = enum_field(CompanyStatus, "status")
    status_reason = graphene.String(required=True)
    status_changed_at = graphene.DateTime()
    default_terms_days = graphene.Int(required=True)
    credit_tier = graphene.String(required=True, description="starter | standard | premium: picks the credit policy.")
    po_number_required = graphene.Boolean(required=True)
    po_number_pattern = graphene.String(required=True, description=(
        'What the company\'s PO numbers look like ("PO-*", "45########": # a digit, @ a letter, ? any one '
        'character, * any characters); "" for any.'))
    allowed_channels = graphene.List(graphene.NonNull(graphene.String), required=True,
                                     description="Saleor channel slugs; empty means all channels.")
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    limits = graphene.List(graphene.NonNull(MoneyType), required=True,
                           description="Credit limits, one per currency, by currency code.")
    members = graphene.List(graphene.NonNull(lambda: MemberType), required=True,
                            include_inactive=graphene.Boolean(default_value=False))
    credit_summary = graphene.Field(CreditSummaryType, required=True, currency=graphene.String(required=True))
    ledger = graphene.List(graphene.NonNull(PostingType), required=True,
                           description="Postings with their legs, oldest first.",
                           currency=graphene.String(), first=graphene.Int(), offset=graphene.Int())
    receivables = graphene.List(graphene.NonNull(lambda: ReceivableType), required=True,
                                description="By due date, then id.",
                                status=graphene.Argument(ReceivableStatus), first=graphene.Int(),
                                offset=graphene.Int())
    payments = graphene.List(graphene.NonNull(lambda: PaymentType), required=True,
                             description="Newest received first.", first=graphene.Int(), offset=graphene.Int())
    transactions = graphene.List(graphene.NonNull(lambda: TransactionType), required=True,
                                 description="Net-terms checkout transactions, newest first.",
                                 status=graphene.Argument(TransactionStatus), first=graphene.Int(),
                                 offset=graphene.Int())

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_limits(root, info):
        return selectors.company_limits(company=root)

    @staticmethod
    def resolve_members(root, info, include_inactive=False):
        return list(selectors.members_for_company(company=root, include_inactive=include_inactive))

    @staticmethod
    @coded
    def resolve_credit_summary(root, info, currency):
        return company_selectors.credit_summary(company=root, currency=currency_parse(currency))

    @staticmethod
    @coded
    def resolve_ledger(root, info, currency=None, first=None, offset=None):
        first, offset = page_parse(first, offset)
        code = currency_parse(currency) if currency is not None else None
        postings = list(ledger_selectors.postings_for_company(company=root, currency=code)[offset:offset + first])
        labels = selectors.reference_labels(installation=root.installation, refs={
            ref for p in postings for ref in (p.hold_ref, p.receivable_ref, p.payment_ref)})
        for posting in postings:
            posting.reference_labels = labels
        return postings

    @staticmethod
    def resolve_tax_id_display(root, info):
        return tax_id_text(root.tax_id, root.tax_id_country)

    @staticmethod
    @coded
    def resolve_receivables(root, info, status=None, first=None, offset=None):
        first, offset = page_parse(first, offset)
        qs = selectors.receivables_for_company(company=root, status=enum_value(status))
        return selectors.receivable_rows(qs[offset:offset + first])

    @staticmethod
    @coded
    def resolve_payments(root, info, first=None, offset=None):
        first, offset = page_parse(first, offset)
        return list(selectors.payments_for_company(company=root)[offset:offset + first])

    @staticmethod
    @coded
    def resolve_transactions(root, info, status=None, first=None, offset=None):
        first, offset = page_parse(first, offset)
        qs = selectors.transactions_for_company(company=root, status=enum_value(status))
        return list(qs[offset:offset + first])


class MemberType(graphene.ObjectType):
    class Meta:
        name = "Member"
        description = "A rule mapping an authenticated Saleor customer to a company."

    id = graphene.ID(required=True)
    company = graphene.Field(CompanyType, required=True)
    kind = enum_field(MemberKind, "kind")
    value = graphene.String(required=True, description="Normalized: e-mails and domains lower-cased.")
    role = enum_field(MemberRole, "role")
    domain_verified = graphene.Boolean(required=True)
    spending_limit = graphene.Field(MoneyType, description="Per-order limit; null when none.")
    is_active = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk


class ReceivableType(graphene.ObjectType):
    class Meta:
        name = "Receivable"
        description = "What a company owes for an invoiced order; the open amount comes from the ledger."

    id = graphene.ID(required=True)
    reference = graphene.String(required=True, description="Invoice reference (pspReference of the capture).")
    invoice_number = graphene.String(description=("The number of the invoice issued for it: the app's (INV-2026-000015), "
                                                "else the one the merchant's ERP pushed (SAP-9000001); null before either."))
    company = graphene.Field(CompanyType, required=True)
    order_id = graphene.String(required=True)
    order_number = graphene.String(required=True)
    transaction_psp_reference = graphene.String(description="The net-terms transaction it was captured from.")
    amount = graphene.Field(MoneyType, required=True, description="The invoiced amount.")
    open_amount = graphene.Field(MoneyType, required=True)
    issue_date = graphene.Date(required=True)
    due_date = graphene.Date(required=True)
    terms_days = graphene.Int(required=True)
    status = enum_field(ReceivableStatus, "receivable.status")
    days_past_due = graphene.Int(required=True, description="0 when paid or not yet due.")

    @staticmethod
    def resolve_id(root, info):
        return root.receivable.pk

    @staticmethod
    def resolve_reference(root, info):
        return root.receivable.reference

    @staticmethod
    def resolve_invoice_number(root, info):
        if hasattr(root.receivable, "nt_invoice_number"):   # joined by the list's selector
            return root.receivable.nt_invoice_number
        for related in ("invoice", "erp_invoice"):      # the app's invoice, else the one the ERP pushed
            try:
                return getattr(root.receivable, related).number
            except ObjectDoesNotExist:
                continue
        return None

    @staticmethod
    def resolve_company(root, info):
        return root.receivable.company

    @staticmethod
    def resolve_order_id(root, info):
        return root.receivable.order_id

    @staticmethod
    def resolve_order_number(root, info):
        return root.receivable.order_number

    @staticmethod
    def resolve_transaction_psp_reference(root, info):
        tx = root.receivable.transaction
        return tx.psp_reference if tx is not None else None

    @staticmethod
    def resolve_amount(root, info):
        return money(root.receivable.amount, root.receivable.currency)

    @staticmethod
    def resolve_open_amount(root, info):
        return root.open_amount

    @staticmethod
    def resolve_issue_date(root, info):
        return root.receivable.issue_date

    @staticmethod
    def resolve_due_date(root, info):
        return root.receivable.due_date

    @staticmethod
    def resolve_terms_days(root, info):
        return root.receivable.terms_days

    @staticmethod
    def resolve_days_past_due(root, info):
        return root.days_past_due


class PaymentAllocationType(graphene.ObjectType):
    class Meta:
        name = "PaymentAllocation"
        description = "The part of a payment applied to one receivable."

    id = graphene.ID(required=True)
    receivable = graphene.Field(ReceivableType, required=True)
    amount = graphene.Field(MoneyType, required=True)
    saleor_psp_reference = graphene.String(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_receivable(root, info):
        return selectors.receivable_rows([root.receivable])[0]

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.receivable.currency)


class PaymentType(graphene.ObjectType):
    class Meta:
        name = "Payment"
        description = "Money received from a company."

    id = graphene.ID(required=True)
    reference = graphene.String(required=True)
    company = graphene.Field(CompanyType, required=True)
    source = enum_field(PaymentSource, "source")
    amount = graphene.Field(MoneyType, required=True)
    unallocated_amount = graphene.Field(MoneyType, required=True,
                                        description="Went to the company's credit balance.")
    received_on = graphene.Date(required=True)
    recorded_by = graphene.String(required=True)
    memo = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    allocations = graphene.List(graphene.NonNull(PaymentAllocationType), required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_unallocated_amount(root, info):
        return money(root.unallocated_amount, root.currency)

    @staticmethod
    def resolve_allocations(root, info):
        return list(root.allocations.all())


class TransactionType(graphene.ObjectType):
    class Meta:
        name = "NetTermsTransaction"
        description = "A Saleor transaction paid on net terms, with the credit decision."

    id = graphene.ID(required=True)
    psp_reference = graphene.String(required=True)
    saleor_transaction_id = graphene.String(required=True)
    company = graphene.Field(CompanyType, description="Null when no company was resolved (declined).")
    status = enum_field(TransactionStatus, "status")
    amount = graphene.Field(MoneyType, required=True, description="The amount Saleor asked to authorize.")
    held = graphene.Field(MoneyType, required=True, description="Still on hold (from the ledger).")
    decision_outcome = graphene.String(required=True)
    decision_score = graphene.Int()
    decision_reasons = graphene.List(graphene.NonNull(DecisionReasonType), required=True)
    po_number = graphene.String(required=True)
    terms_days = graphene.Int()
    channel_slug = graphene.String(required=True)
    saleor_user_id = graphene.String(required=True)
    order_id = graphene.String(required=True)
    order_number = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_held(root, info):
        return selectors.transaction_held(transaction=root)

    @staticmethod
    def resolve_decision_reasons(root, info):
        return list(root.decision_reasons or [])


class ReviewItemType(graphene.ObjectType):
    class Meta:
        name = "ReviewItem"
        description = ("A transaction in credit review with its company's position in the "
                       "transaction's currency (the transaction's own hold is part of the exposure).")

    transaction = graphene.Field(TransactionType, required=True)
    company = graphene.Field(CompanyType, required=True)
    limit = graphene.Field(MoneyType, required=True)
    exposure = graphene.Field(MoneyType, required=True)
    available = graphene.Field(MoneyType, required=True)
    open_receivables = graphene.Field(MoneyType, required=True)
    open_receivables_count = graphene.Int(required=True)
    overdue_receivables = graphene.Field(MoneyType, required=True)
    overdue_receivables_count = graphene.Int(required=True)
    max_days_past_due = graphene.Int(required=True)
    reasons = graphene.List(graphene.NonNull(DecisionReasonType), required=True,
                            description="The credit engine's reasons for sending it to review.")

    @staticmethod
    def resolve_company(root, info):
        return root.transaction.company

    @staticmethod
    def resolve_limit(root, info):
        return root.credit.limit

    @staticmethod
    def resolve_exposure(root, info):
        return root.credit.exposure

    @staticmethod
    def resolve_available(root, info):
        return root.credit.available

    @staticmethod
    def resolve_open_receivables(root, info):
        return root.receivables.open_amount

    @staticmethod
    def resolve_open_receivables_count(root, info):
        return root.receivables.open_count

    @staticmethod
    def resolve_overdue_receivables(root, info):
        return root.receivables.overdue_amount

    @staticmethod
    def resolve_overdue_receivables_count(root, info):
        return root.receivables.overdue_count

    @staticmethod
    def resolve_max_days_past_due(root, info):
        return root.receivables.max_days_past_due

    @staticmethod
    def resolve_reasons(root, info):
        return list(root.transaction.decision_reasons or [])


class OutboxMessageType(graphene.ObjectType):
    class Meta:
        name = "OutboxMessage"
        description = "A message to another system (e.g. a transaction event report to Saleor)."

    id = graphene.ID(required=True)
    kind = graphene.String(required=True)
    status = enum_field(OutboxStatus, "status")
    attempts = graphene.Int(required=True)
    last_error = graphene.String(required=True)
    next_attempt_at = graphene.DateTime(required=True)
    created_at = graphene.DateTime(required=True)
    delivered_at = graphene.DateTime()
    event_type = graphene.String(description="The reported event, e.g. CHARGE_SUCCESS.")
    psp_reference = graphene.String()
    saleor_transaction_id = graphene.String()
    amount = graphene.Field(MoneyType)
    message = graphene.String()
    payload = graphene.JSONString(required=True)
    ordering_key = graphene.String(required=True, description="The object whose messages go in order (e.g. transaction:<id>).")
    blocked_by_id = graphene.ID(description="The failed message of the same object this one waits behind (status BLOCKED).")
    blocked = graphene.List(graphene.NonNull(lambda: OutboxMessageType), required=True,
                            description="The later messages of the same object held back by this failed one, oldest first.")
    skipped_at = graphene.DateTime()
    skipped_by = graphene.String(required=True)
    skip_reason = graphene.String(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_blocked_by_id(root, info):
        return root.blocked_by_id

    @staticmethod
    def resolve_blocked(root, info):
        return list(root.blocked_successors.filter(status=OutboxStatusChoices.BLOCKED).order_by("id"))

    @staticmethod
    def resolve_event_type(root, info):
        return (root.payload or {}).get("type")

    @staticmethod
    def resolve_psp_reference(root, info):
        return (root.payload or {}).get("psp_reference")

    @staticmethod
    def resolve_saleor_transaction_id(root, info):
        return (root.payload or {}).get("transaction_id")

    @staticmethod
    def resolve_message(root, info):
        return (root.payload or {}).get("message")

    @staticmethod
    def resolve_amount(root, info):
        payload = root.payload or {}
        if payload.get("amount") is None or not payload.get("currency"):
            return None
        try:
            return money(str(payload["amount"]), payload["currency"])
        except (InvalidMoney, ArithmeticError):
            return None


class TrialBalanceRowType(graphene.ObjectType):
    class Meta:
        name = "TrialBalanceRow"

    account_id = graphene.ID(required=True)
    kind = enum_field(AccountKind, "kind")
    company_id = graphene.ID()
    company_name = graphene.String(description="The company's legal name; null for the installation's own accounts.")
    debits = graphene.Field(MoneyType, required=True)
    credits = graphene.Field(MoneyType, required=True)
    balance = graphene.Field(MoneyType, required=True, description="Normal-signed balance of the account.")


class TrialBalanceType(graphene.ObjectType):
    class Meta:
        name = "TrialBalance"
        description = "Debits and credits of every account of the installation in one currency."

    currency = graphene.String(required=True)
    rows = graphene.List(graphene.NonNull(TrialBalanceRowType), required=True)
    debits = graphene.Field(MoneyType, required=True)
    credits = graphene.Field(MoneyType, required=True)
    difference = graphene.Field(MoneyType, required=True, description="Always zero in a sound ledger.")
    is_balanced = graphene.Boolean(required=True)

    @staticmethod
    def resolve_rows(root, info):
        names = selectors.company_names(installation=installation_of(info), ids={r.company_id for r in root.rows})
        return [_NamedRow(row, names.get(row.company_id)) for row in root.rows]


class _NamedRow:
    """A trial-balance row with its company's legal name."""

    def __init__(self, row, company_name: str | None):
        self._row, self.company_name = row, company_name

    def __getattr__(self, name):
        return getattr(self._row, name)


class InstallationSettingsType(graphene.ObjectType):
    class Meta:
        name = "InstallationSettings"
        description = "Settings of this installation (one Saleor instance)."

    time_zone = graphene.String(required=True, description=(
        "IANA time zone of the merchant's business dates: issue and due dates, overdue, ageing and "
        "dunning days are calendar dates in this zone (e.g. Europe/Berlin)."))
    today = graphene.Date(required=True, description="Today's business date in timeZone.")
    storefront_origins = graphene.List(graphene.NonNull(graphene.String), required=True, description=(
        'Origins ("https://shop.example.com") whose pages may hand a signed-in customer over to the buyer '
        "portal (POST /portal/session); a hand-over from any other origin is refused with "
        "STOREFRONT_ORIGIN_FORBIDDEN (403). Empty: any origin."))
    time_zones = graphene.List(graphene.NonNull(graphene.String), required=True,
                               description="Every accepted time zone name, sorted.")

    @staticmethod
    def resolve_today(root, info):
        return business_today(root)

    @staticmethod
    def resolve_time_zones(root, info):
        return list(time_zone_names())


class MutationErrorType(graphene.ObjectType):
    class Meta:
        name = "MutationError"
        description = "A coded refusal. When a mutation answers errors, it wrote nothing."

    code = graphene.String(required=True, description="Stable code, e.g. INVALID_AMOUNT, NOT_FOUND.")
    field = graphene.String(description="The argument it concerns, when there is one.")
    message = graphene.String(required=True, description="For the merchant.")
