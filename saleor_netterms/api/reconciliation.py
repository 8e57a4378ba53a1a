"""GraphQL operations of reconciliation (bank statements, the matching queue), composed into the
schema by api/schema.py.

Reads: bank accounts, statement files and statements (balances, what is left), the queue of
unmatched and suggested payments with the rule and the evidence. Mutations follow
api/mutations.py (``errors: [{code, field, message}]``, nothing written on a refusal, another
installation's rows are NOT_FOUND, audited by the signed-in staff member). ``statementUpload``
records the file before it is read, so a refused file stays on record with its code (and nothing
else is written); the file is sent base64-encoded (``contentBase64``).
"""
from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal

import graphene

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.reconciliation import selectors as recon_selectors
from saleor_netterms.reconciliation import services as recon_services
from saleor_netterms.reconciliation.models import BankAccount, BankLine, IncomingPayment
from saleor_netterms.reconciliation.models import IncomingStatus as IncomingStatusChoices
from saleor_netterms.reconciliation.models import IntakeSource as IntakeSourceChoices

from . import selectors
from .context import actor_of, installation_of
from .errors import ApiInputError, field_error, not_found
from .inputs import amount_parse, currency_parse, page_parse, pk_parse
from .mutations import _company, _errors, _run
from .types import CompanyType, MoneyType, _enum, coded, enum_field, money

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_REASON = 500

IncomingStatus = _enum("IncomingPaymentStatus", IncomingStatusChoices,
                       "unmatched / suggested: waiting for a person; matched: a payment; ignored; duplicate: the "
                       "same payment from another source (counted once); reversed: returned by the bank.")
IntakeSource = _enum("IncomingPaymentSource", IntakeSourceChoices, "Where the money was seen.")


class BankAccountType(graphene.ObjectType):
    class Meta:
        name = "BankAccount"
        description = "The merchant's account at a bank; statements name it by IBAN."

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    iban = graphene.String(required=True)
    currency = graphene.String(required=True)
    csv_mapping = graphene.JSONString(required=True, description="Column mapping for CSV exports.")

    @staticmethod
    def resolve_id(root, info):
        return root.pk


class StatementFileType(graphene.ObjectType):
    class Meta:
        name = "StatementFile"
        description = "An uploaded statement file, recorded before it was read."

    id = graphene.ID(required=True)
    filename = graphene.String(required=True)
    sha256 = graphene.String(required=True)
    size = graphene.Int(required=True)
    status = graphene.String(required=True, description="received | imported | refused")
    format = graphene.String(required=True)
    version = graphene.String(required=True)
    uploaded_by = graphene.String(required=True)
    received_at = graphene.DateTime(required=True)
    period_from = graphene.Date()
    period_to = graphene.Date()
    error_code = graphene.String(required=True)
    error_message = graphene.String(required=True)
    error_location = graphene.String(required=True)
    warnings = graphene.List(graphene.NonNull(graphene.String), required=True)
    lines_new = graphene.Int(required=True)
    lines_known = graphene.Int(required=True, description="Entries already imported from an overlapping file.")
    lines_skipped = graphene.Int(required=True, description="Pending or information entries (not booked).")
    bank_account = graphene.Field(BankAccountType)

    @staticmethod
    def resolve_id(root, info):
        return root.pk


class BankLineType(graphene.ObjectType):
    class Meta:
        name = "BankLine"
        description = "One booked bank entry (or one transaction of a batch booking)."

    id = graphene.ID(required=True)
    status = graphene.String(required=True, description="credit | outgoing | reversal_applied | reversal_open")
    credit = graphene.Boolean(required=True)
    reversal = graphene.Boolean(required=True)
    amount = graphene.Field(MoneyType, required=True)
    booking_date = graphene.Date(required=True)
    value_date = graphene.Date()
    bank_reference = graphene.String(required=True)
    bank_transaction_code = graphene.String(required=True)
    end_to_end_id = graphene.String(required=True)
    counterparty_name = graphene.String(required=True)
    counterparty_iban = graphene.String(required=True)
    remittance_text = graphene.String(required=True)
    creditor_reference = graphene.String(required=True)
    incoming_payment_id = graphene.ID()
    incoming_status = graphene.String()

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_incoming_payment_id(root, info):
        incoming = getattr(root, "incoming", None) if _has_incoming(root) else None
        return incoming.pk if incoming else None

    @staticmethod
    def resolve_incoming_status(root, info):
        incoming = getattr(root, "incoming", None) if _has_incoming(root) else None
        return incoming.status if incoming else None


def _has_incoming(line: BankLine) -> bool:
    try:
        return line.incoming is not None
    except IncomingPayment.DoesNotExist:
        return False


class StatementType(graphene.ObjectType):
    class Meta:
        name = "BankStatement"
        description = "One statement/report/notification: its balances and what is left to match."

    id = graphene.ID(required=True)
    format = graphene.String(required=True)
    statement_id = graphene.String(required=True)
    sequence = graphene.String(required=True)
    from_date = graphene.Date()
    to_date = graphene.Date()
    opening_balance = graphene.Field(MoneyType)
    closing_balance = graphene.Field(MoneyType)
    computed_closing_balance = graphene.Field(MoneyType, description="Opening + credits − debits of the lines.")
    previous_closing_balance = graphene.Field(MoneyType)
    balance_check = graphene.String(required=True, description="continuous | first | gap | not_given")
    credits = graphene.Field(MoneyType, required=True)
    debits = graphene.Field(MoneyType, required=True)
    matched = graphene.Field(MoneyType, required=True, description="Credits matched, ignored or counted elsewhere.")
    open = graphene.Field(MoneyType, required=True, description="Credits still waiting for a match.")
    bank_account = graphene.Field(BankAccountType, required=True)
    lines = graphene.List(graphene.NonNull(BankLineType), required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.statement.pk

    @staticmethod
    def _money(root, value):
        return money(value, root.statement.currency) if value is not None else None

    def resolve_format(root, info):
        return root.statement.format

    def resolve_statement_id(root, info):
        return root.statement.statement_id

    def resolve_sequence(root, info):
        return root.statement.sequence

    def resolve_from_date(root, info):
        return root.statement.from_date

    def resolve_to_date(root, info):
        return root.statement.to_date

    def resolve_opening_balance(root, info):
        return StatementType._money(root, root.statement.opening_balance)

    def resolve_closing_balance(root, info):
        return StatementType._money(root, root.statement.closing_balance)

    def resolve_computed_closing_balance(root, info):
        return StatementType._money(root, root.computed_closing)

    def resolve_previous_closing_balance(root, info):
        return StatementType._money(root, root.statement.previous_closing)

    def resolve_balance_check(root, info):
        return root.statement.balance_check

    def resolve_credits(root, info):
        return StatementType._money(root, root.credits)

    def resolve_debits(root, info):
        return StatementType._money(root, root.debits)

    def resolve_matched(root, info):
        return StatementType._money(root, root.matched)

    def resolve_open(root, info):
        return StatementType._money(root, root.open)

    def resolve_bank_account(root, info):
        return root.statement.bank_account

    def resolve_lines(root, info):
        return root.lines


class StatementSummaryType(graphene.ObjectType):
    class Meta:
        name = "BankStatementSummary"

    id = graphene.ID(required=True)
    format = graphene.String(required=True)
    statement_id = graphene.String(required=True)
    to_date = graphene.Date()
    balance_check = graphene.String(required=True)
    closing_balance = graphene.Field(MoneyType)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_closing_balance(root, info):
        return money(root.closing_balance, root.currency) if root.closing_balance is not None else None


class ProposedAllocationType(graphene.ObjectType):
    class Meta:
        name = "ProposedAllocation"
        description = "What a suggestion (or the confirmed match) applies to one invoice."

    receivable_id = graphene.ID(required=True)
    invoice_number = graphene.String(required=True)
    amount = graphene.Field(MoneyType, required=True)
    settlement = graphene.String(required=True, description="\"\", tolerance or discount: how the rest is closed.")
    settlement_amount = graphene.Field(MoneyType, required=True)
    open_amount = graphene.Field(MoneyType, description="What is open on the invoice now.")


class IncomingPaymentType(graphene.ObjectType):
    class Meta:
        name = "IncomingPayment"
        description = "Money seen from a bank statement, an ERP or a payout, and how it is matched."

    id = graphene.ID(required=True)
    source = enum_field(IntakeSource, "source")
    source_reference = graphene.String(required=True)
    status = enum_field(IncomingStatus, "status")
    origin = graphene.String(required=True, description="auto | manual | source | \"\" (nobody decided yet)")
    amount = graphene.Field(MoneyType, required=True)
    received_on = graphene.Date(required=True)
    payer_name = graphene.String(required=True)
    payer_iban = graphene.String(required=True)
    end_to_end_id = graphene.String(required=True)
    creditor_reference = graphene.String(required=True)
    remittance_text = graphene.String(required=True)
    rule = graphene.String(required=True, description="The rule behind the match or suggestion.")
    explanation = graphene.String(required=True)
    evidence = graphene.JSONString(required=True)
    proposal = graphene.List(graphene.NonNull(ProposedAllocationType), required=True)
    company = graphene.Field(CompanyType)
    payment_id = graphene.ID()
    duplicate_of_id = graphene.ID()
    ignored_reason = graphene.String(required=True)
    decided_by = graphene.String(required=True)
    bank_line = graphene.Field(BankLineType)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_proposal(root, info):
        ids = [int(a["receivable_id"]) for a in root.proposal]
        if not ids:
            return []
        receivables = selectors.receivables_get(installation=root.installation, receivable_ids=ids)
        rows = {row.receivable.pk: row for row in selectors.receivable_rows(list(receivables.values()))}
        result = []
        for a in root.proposal:
            receivable = receivables.get(int(a["receivable_id"]))
            if receivable is None:
                continue
            row = rows.get(receivable.pk)
            number = getattr(getattr(receivable, "invoice", None), "number", "") if _has_invoice(receivable) else ""
            result.append(ProposedAllocationType(
                receivable_id=receivable.pk, invoice_number=number or receivable.reference,
                amount=money(a["amount"], root.currency), settlement=a.get("settlement", ""),
                settlement_amount=money(a.get("settlement_amount") or "0", root.currency),
                open_amount=getattr(row, "open_amount", None)))
        return result

    @staticmethod
    def resolve_payment_id(root, info):
        return root.payment_id

    @staticmethod
    def resolve_duplicate_of_id(root, info):
        return root.duplicate_of_id

    @staticmethod
    def resolve_bank_line(root, info):
        return root.bank_line


def _has_invoice(receivable) -> bool:
    try:
        return receivable.invoice is not None
    except Exception:  # noqa: BLE001 (RelatedObjectDoesNotExist: a receivable without an invoice)
        return False


class OpenInvoiceType(graphene.ObjectType):
    class Meta:
        name = "ReconciliationOpenInvoice"
        description = ("An open invoice a payment can be allocated to, oldest due first, with what paying it "
                       "on the payment's date would close (its early-payment discount when still in time).")

    receivable_id = graphene.ID(required=True)
    invoice_number = graphene.String(required=True)
    order_number = graphene.String(required=True)
    due_date = graphene.Date(required=True)
    invoice_amount = graphene.Field(MoneyType, required=True)
    open_amount = graphene.Field(MoneyType, required=True)
    due_on_payment = graphene.Field(MoneyType, required=True,
                                    description="Open amount less the discount that can still be taken that day.")
    discount_deadline = graphene.Date()


class ReconciliationCountsType(graphene.ObjectType):
    class Meta:
        name = "ReconciliationCounts"

    unmatched = graphene.Int(required=True)
    suggested = graphene.Int(required=True)
    matched = graphene.Int(required=True)
    ignored = graphene.Int(required=True)
    duplicate = graphene.Int(required=True)
    reversed = graphene.Int(required=True)


# --- queries ------------------------------------------------------------------------------------

class Query(graphene.ObjectType):
    bank_accounts = graphene.List(graphene.NonNull(BankAccountType), required=True)
    reconciliation_queue = graphene.List(
        graphene.NonNull(IncomingPaymentType), required=True, status=graphene.List(graphene.NonNull(IncomingStatus)),
        first=graphene.Int(), offset=graphene.Int(),
        description="Unmatched and suggested payments (or the given statuses), newest first.")
    reconciliation_counts = graphene.Field(ReconciliationCountsType, required=True)
    incoming_payment = graphene.Field(IncomingPaymentType, id=graphene.ID(required=True))
    statement_files = graphene.List(graphene.NonNull(StatementFileType), required=True, first=graphene.Int())
    bank_statements = graphene.List(graphene.NonNull(StatementSummaryType), required=True,
                                    bank_account_id=graphene.ID(required=True))
    bank_statement = graphene.Field(StatementType, id=graphene.ID(required=True))
    reconciliation_open_invoices = graphene.List(
        graphene.NonNull(OpenInvoiceType), required=True, incoming_payment_id=graphene.ID(required=True),
        company_id=graphene.ID(required=True),
        description="The company's open invoices in the payment's currency, to allocate the payment to.")

    @staticmethod
    @coded
    def resolve_reconciliation_open_invoices(root, info, incoming_payment_id, company_id):
        installation = installation_of(info)
        pk = pk_parse(incoming_payment_id)
        incoming = recon_selectors.incoming_get(installation=installation, incoming_id=pk) if pk else None
        if incoming is None:
            raise not_found("incoming payment", field="incomingPaymentId")
        company = _company(info, company_id)
        invoices = recon_selectors.open_invoices_of_companies(
            installation=installation, company_ids=[company.pk], currencies=[incoming.currency]).get(company.pk, [])
        currency = incoming.currency
        return [OpenInvoiceType(
            receivable_id=inv.receivable_id, invoice_number=inv.number, order_number=inv.order_number,
            due_date=inv.due_date, invoice_amount=money(inv.invoice_amount, currency),
            open_amount=money(inv.open_amount, currency), due_on_payment=money(inv.due_on(incoming.received_on), currency),
            discount_deadline=inv.discount_deadline if inv.discount_applies(incoming.received_on) else None)
            for inv in invoices]

    @staticmethod
    def resolve_bank_accounts(root, info):
        return list(BankAccount.objects.filter(installation=installation_of(info)).order_by("name", "id"))

    @staticmethod
    @coded
    def resolve_reconciliation_queue(root, info, status=None, first=None, offset=None):
        first, offset = page_parse(first, offset)
        statuses = [getattr(s, "value", s) for s in status] if status else list(recon_selectors.QUEUE_STATUSES)
        rows = recon_selectors.queue(installation=installation_of(info), statuses=statuses, limit=first + offset)
        return rows[offset:offset + first]

    @staticmethod
    def resolve_reconciliation_counts(root, info):
        counts = recon_selectors.queue_counts(installation=installation_of(info))
        return ReconciliationCountsType(**{s: counts.get(s, 0) for s in IncomingStatusChoices.values})

    @staticmethod
    def resolve_incoming_payment(root, info, id):
        pk = pk_parse(id)
        return recon_selectors.incoming_get(installation=installation_of(info), incoming_id=pk) if pk else None

    @staticmethod
    @coded
    def resolve_statement_files(root, info, first=None):
        first, _ = page_parse(first, 0)
        return recon_selectors.statement_files(installation=installation_of(info), limit=first)

    @staticmethod
    def resolve_bank_statements(root, info, bank_account_id):
        account = _bank_account(info, bank_account_id, required=False)
        return recon_selectors.statements_of_account(bank_account=account) if account else []

    @staticmethod
    def resolve_bank_statement(root, info, id):
        pk = pk_parse(id)
        return recon_selectors.statement_view(installation=installation_of(info), statement_id=pk) if pk else None


# --- mutations ----------------------------------------------------------------------------------

def _bank_account(info, bank_account_id, *, required: bool = True) -> BankAccount | None:
    pk = pk_parse(bank_account_id)
    account = BankAccount.objects.filter(installation=installation_of(info), pk=pk).first() if pk else None
    if account is None and required:
        raise not_found("bank account", field="bankAccountId")
    return account


def _reason(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_REASON:
        raise ApiInputError("TOO_LONG", f"At most {MAX_REASON} characters.", field="reason")
    return text


def _mapping(value) -> dict | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ApiInputError("CSV_MAPPING_INVALID", "csvMapping is not JSON.", field="csvMapping") from exc
    if not isinstance(value, dict):
        raise ApiInputError("CSV_MAPPING_INVALID", "csvMapping must be an object.", field="csvMapping")
    return value


class BankAccountCreate(graphene.Mutation):
    """Add the merchant's bank account whose statements will be uploaded."""

    class Arguments:
        name = graphene.String(required=True)
        iban = graphene.String(required=True, description="Or the account number statements use.")
        currency = graphene.String(required=True)
        csv_mapping = graphene.JSONString(description="For CSV exports: statements/csv_columns.py.")

    bank_account = graphene.Field(BankAccountType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, name, iban, currency, csv_mapping=None):
        account, errors = _run(lambda: recon_services.bank_account_create(
            installation=installation_of(info), name=name, iban=iban, currency=currency,
            csv_mapping=_mapping(csv_mapping), actor=actor_of(info)))
        return BankAccountCreate(bank_account=account, errors=errors)


class BankAccountMappingSet(graphene.Mutation):
    """Save the CSV column mapping of a bank account."""

    class Arguments:
        bank_account_id = graphene.ID(required=True)
        csv_mapping = graphene.JSONString(required=True)

    bank_account = graphene.Field(BankAccountType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, bank_account_id, csv_mapping):
        account, errors = _run(lambda: recon_services.bank_account_mapping_set(
            account=_bank_account(info, bank_account_id), csv_mapping=_mapping(csv_mapping) or {},
            actor=actor_of(info)))
        return BankAccountMappingSet(bank_account=account, errors=errors)


class StatementUpload(graphene.Mutation):
    """Upload a statement (camt.052/053/054, MT940, or CSV with the account's mapping). The same
    file again returns the first import. A refused file keeps its code and where (error*)."""

    class Arguments:
        content_base64 = graphene.String(required=True)
        filename = graphene.String(required=True)
        bank_account_id = graphene.ID(description="Required for CSV; for camt/MT940 the file names the account.")
        accept_balance_gap = graphene.Boolean(description="Import although the opening balance does not continue "
                                                          "the previous closing balance.")

    file = graphene.Field(StatementFileType)
    replayed = graphene.Boolean(required=True)
    lines_new = graphene.Int(required=True)
    lines_known = graphene.Int(required=True)
    matched = graphene.Int(required=True)
    suggested = graphene.Int(required=True)
    unmatched = graphene.Int(required=True)
    duplicates = graphene.Int(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, content_base64, filename, bank_account_id=None, accept_balance_gap=False):
        empty = dict(replayed=False, lines_new=0, lines_known=0, matched=0, suggested=0, unmatched=0, duplicates=0)
        try:
            account = _bank_account(info, bank_account_id) if bank_account_id else None
            if len(content_base64) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
                raise ApiInputError("STATEMENT_TOO_LARGE", f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
                                    field="contentBase64")
            try:
                content = base64.b64decode(content_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ApiInputError("INVALID_BASE64", "contentBase64 is not base64.", field="contentBase64") from exc
            result = recon_services.statement_import(
                installation=installation_of(info), content=content, filename=(filename or "")[:255],
                uploaded_by=actor_of(info), bank_account=account, accept_balance_gap=bool(accept_balance_gap))
        except recon_services.StatementImportError as exc:
            return StatementUpload(file=exc.file, errors=[field_error(exc)], **empty)
        except NetTermsError as exc:
            return StatementUpload(file=None, errors=[field_error(exc)], **empty)
        counts = result.counts
        return StatementUpload(file=result.file, replayed=result.replayed, lines_new=result.lines_new,
                               lines_known=result.lines_known, matched=counts.get("matched", 0),
                               suggested=counts.get("suggested", 0), unmatched=counts.get("unmatched", 0),
                               duplicates=counts.get("duplicate", 0), errors=[])


class AllocationSplitInput(graphene.InputObjectType):
    receivable_id = graphene.ID(required=True)
    amount = graphene.String(required=True, description="Decimal string in the payment's currency.")
    settlement = graphene.String(description="\"tolerance\" or \"discount\": close the rest of that invoice as such.")


def _incoming(info, incoming_id) -> IncomingPayment:
    pk = pk_parse(incoming_id)
    found = recon_selectors.incoming_get(installation=installation_of(info), incoming_id=pk) if pk else None
    if found is None:
        raise not_found("payment", field="id")
    return found


def _split_parse(info, incoming: IncomingPayment, allocations):
    parsed = []
    for item in allocations:
        pk = pk_parse(item.receivable_id)
        if pk is None:
            raise not_found("receivable", field="allocations")
        parsed.append((pk, amount_parse(item.amount, incoming.currency, field="allocations"),
                       (item.settlement or "").strip()))
    ids = [pk for pk, _, _ in parsed]
    if len(set(ids)) != len(ids):
        raise ApiInputError("DUPLICATE_ALLOCATION", "Each invoice may appear once.", field="allocations")
    receivables = selectors.receivables_get(installation=installation_of(info), receivable_ids=ids)
    if len(receivables) != len(ids):
        raise not_found("receivable", field="allocations")
    total = sum((m.amount for _, m, _ in parsed), Decimal(0))
    if total > incoming.amount:
        raise ApiInputError("OVER_ALLOCATION", f"The split totals {total}, more than the payment of {incoming.amount}.",
                            field="allocations")
    return [(receivables[pk], m, s) for pk, m, s in parsed]


class IncomingPaymentConfirm(graphene.Mutation):
    """Confirm a suggestion as it is, or split the payment across invoices (allocations). What is
    not allocated goes to the company's credit balance."""

    class Arguments:
        id = graphene.ID(required=True)
        allocations = graphene.List(graphene.NonNull(AllocationSplitInput))
        company_id = graphene.ID(description="Whose credit balance an unallocated payment goes to.")

    incoming_payment = graphene.Field(IncomingPaymentType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, allocations=None, company_id=None):
        try:
            incoming = _incoming(info, id)
            company = _company(info, company_id) if company_id else None
            split = _split_parse(info, incoming, allocations) if allocations is not None else None
            recon_services.incoming_confirm(installation=installation_of(info), incoming_id=incoming.pk,
                                            actor=actor_of(info), allocations=split, company=company)
        except NetTermsError as exc:
            return IncomingPaymentConfirm(incoming_payment=None, errors=[field_error(exc)])
        return IncomingPaymentConfirm(incoming_payment=_incoming(info, id), errors=[])


class BulkRefusalType(graphene.ObjectType):
    class Meta:
        name = "IncomingPaymentRefusal"

    id = graphene.ID(required=True)
    code = graphene.String(required=True)
    message = graphene.String(required=True)


class IncomingPaymentsConfirm(graphene.Mutation):
    """Bulk confirm suggestions as they are; each on its own, refusals listed."""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    confirmed = graphene.List(graphene.NonNull(graphene.ID), required=True)
    refused = graphene.List(graphene.NonNull(BulkRefusalType), required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, ids):
        pks = [pk_parse(i) for i in ids]
        if None in pks or len(pks) > 500:
            return IncomingPaymentsConfirm(confirmed=[], refused=[], errors=[field_error(
                ApiInputError("INVALID_IDS", "ids must be at most 500 payment ids.", field="ids"))])
        outcome = recon_services.incoming_confirm_many(installation=installation_of(info), incoming_ids=pks,
                                                       actor=actor_of(info))
        return IncomingPaymentsConfirm(confirmed=outcome["confirmed"],
                                       refused=[BulkRefusalType(**r) for r in outcome["refused"]], errors=[])


class IncomingPaymentAssignCompany(graphene.Mutation):
    """Say which company paid; the rules then suggest its invoices."""

    class Arguments:
        id = graphene.ID(required=True)
        company_id = graphene.ID(required=True)

    incoming_payment = graphene.Field(IncomingPaymentType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, company_id):
        result, errors = _run(lambda: recon_services.incoming_assign_company(
            installation=installation_of(info), incoming_id=_incoming(info, id).pk,
            company=_company(info, company_id), actor=actor_of(info)))
        return IncomingPaymentAssignCompany(incoming_payment=result, errors=errors)


class IncomingPaymentIgnore(graphene.Mutation):
    """Take a line out of the queue (not a customer payment), with the reason."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    incoming_payment = graphene.Field(IncomingPaymentType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, reason):
        result, errors = _run(lambda: recon_services.incoming_ignore(
            installation=installation_of(info), incoming_id=_incoming(info, id).pk, reason=_reason(reason),
            actor=actor_of(info)))
        return IncomingPaymentIgnore(incoming_payment=result, errors=errors)


class IncomingPaymentUnmatch(graphene.Mutation):
    """Undo a confirmed match: its payment is reversed through the ledger and Saleor is told."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    incoming_payment = graphene.Field(IncomingPaymentType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, reason):
        result, errors = _run(lambda: recon_services.incoming_unmatch(
            installation=installation_of(info), incoming_id=_incoming(info, id).pk, reason=_reason(reason),
            actor=actor_of(info)))
        return IncomingPaymentUnmatch(incoming_payment=result, errors=errors)


class ReconcileRun(graphene.Mutation):
    """Run the matching rules over every line nobody decided on yet (never a person's match)."""

    matched = graphene.Int(required=True)
    suggested = graphene.Int(required=True)
    unmatched = graphene.Int(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info):
        counts = recon_services.reconcile_run(installation=installation_of(info))
        return ReconcileRun(errors=[], **counts)


class PaymentToleranceSet(graphene.Mutation):
    """Per currency: a short payment of at most `absolute` AND at most `percent` % of what is open
    closes the invoice, the difference written off to payment differences."""

    class Arguments:
        currency = graphene.String(required=True)
        absolute = graphene.String(required=True)
        percent = graphene.String(required=True)

    currency = graphene.String()
    absolute = graphene.Field(MoneyType)
    percent = graphene.String()
    errors = _errors()

    @staticmethod
    def mutate(root, info, currency, absolute, percent):
        def action():
            code = currency_parse(currency)
            amount = amount_parse(absolute, code, field="absolute")
            try:
                pct = Decimal(percent)
            except ArithmeticError as exc:
                raise ApiInputError("INVALID_PERCENT", "percent is a decimal like \"1.5\".", field="percent") from exc
            return recon_services.tolerance_set(installation=installation_of(info), currency=code,
                                                absolute=amount.amount, percent=pct, actor=actor_of(info))

        row, errors = _run(action)
        if row is None:
            return PaymentToleranceSet(errors=errors)
        return PaymentToleranceSet(currency=row.currency, absolute=money(row.absolute, row.currency),
                                   percent=format(row.percent.normalize(), "f"), errors=[])


class Mutation(graphene.ObjectType):
    bank_account_create = BankAccountCreate.Field()
    bank_account_mapping_set = BankAccountMappingSet.Field()
    statement_upload = StatementUpload.Field()
    incoming_payment_confirm = IncomingPaymentConfirm.Field()
    incoming_payments_confirm = IncomingPaymentsConfirm.Field()
    incoming_payment_assign_company = IncomingPaymentAssignCompany.Field()
    incoming_payment_ignore = IncomingPaymentIgnore.Field()
    incoming_payment_unmatch = IncomingPaymentUnmatch.Field()
    reconcile_run = ReconcileRun.Field()
    payment_tolerance_set = PaymentToleranceSet.Field()
