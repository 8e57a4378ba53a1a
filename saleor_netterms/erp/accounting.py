"""Exports for an accountant without a connector: the journal of ledger postings for a period
(CSV, one row per leg, mapped to the merchant's chart of accounts) and the AR open items.

Holds are memorandum entries (credit promised, not yet owed): their legs (holds / hold control)
are not part of the journal; every other posting is exported with all its legs, so each posting
balances in the file as it does in the ledger."""
from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction

from saleor_netterms.audit.services import audit_record
from saleor_netterms.core.money import quantize
from saleor_netterms.invoicing.models import Invoice, InvoiceKind
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import AccountKind, Entry, Side
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

from .errors import erp_error
from .models import AccountMapping, ErpInvoice

MEMORANDUM_KINDS = frozenset({AccountKind.HOLDS, AccountKind.HOLD_CONTROL})
DEFAULT_ACCOUNTS = {kind: kind for kind in AccountKind.values}
JOURNAL_COLUMNS = ("posting_id", "date", "posting_kind", "document", "customer_number", "customer", "account",
                   "account_kind", "debit", "credit", "currency", "memo")
OPEN_ITEM_COLUMNS = ("customer_number", "customer", "document", "reference", "issue_date", "due_date",
                     "days_overdue", "currency", "amount", "open")
MAX_PERIOD_DAYS = 400


def account_mapping(*, installation) -> dict[str, str]:
    mapped = dict(AccountMapping.objects.filter(installation=installation).values_list("account_kind", "gl_account"))
    return {kind: mapped.get(kind, default) for kind, default in DEFAULT_ACCOUNTS.items()
            if kind not in MEMORANDUM_KINDS}


def account_mapping_set(*, installation, mapping: dict[str, str], actor: str) -> dict[str, str]:
    unknown = sorted(set(mapping) - (set(AccountKind.values) - MEMORANDUM_KINDS))
    if unknown:
        raise erp_error("ACCOUNT_KIND_UNKNOWN", f"Unknown or memorandum account kinds: {', '.join(unknown)}.")
    for kind, number in mapping.items():
        if not (number or "").strip() or len(number) > 64 or not number.isprintable():
            raise erp_error("GL_ACCOUNT_INVALID", f"The account number for {kind} must be 1 to 64 printable characters.")
    before = account_mapping(installation=installation)
    with transaction.atomic():
        for kind, number in mapping.items():
            AccountMapping.objects.update_or_create(installation=installation, account_kind=kind,
                                                    defaults={"gl_account": number.strip()})
        after = account_mapping(installation=installation)
        audit_record(installation=installation, actor=actor, action="accounting.mapping_set",
                     object_type="installation", object_id=installation.pk, before=before, after=after)
    return after


def _documents(installation) -> dict[str, str]:
    """receivable_ref → the document number it is known by (app invoice, ERP invoice, reference)."""
    out = {f"rcv:{pk}": ref for pk, ref in Receivable.objects.filter(installation=installation)
           .values_list("pk", "reference")}
    for rcv_id, number in ErpInvoice.objects.filter(installation=installation).values_list("receivable_id", "number"):
        out[f"rcv:{rcv_id}"] = number
    for rcv_id, number in (Invoice.objects.filter(installation=installation, kind=InvoiceKind.INVOICE,
                                                  receivable__isnull=False).values_list("receivable_id", "number")):
        out[f"rcv:{rcv_id}"] = number
    return out


def journal_csv(*, installation, since: dt.date, until: dt.date) -> str:
    """Every leg of the postings effective in [since, until] (dates inclusive), oldest first."""
    if until < since:
        raise erp_error("PERIOD_INVALID", "The period ends before it starts.")
    if (until - since).days > MAX_PERIOD_DAYS:
        raise erp_error("PERIOD_TOO_LONG", f"Export at most {MAX_PERIOD_DAYS} days at a time.")
    mapping = account_mapping(installation=installation)
    documents = _documents(installation)
    entries = (Entry.objects.filter(posting__installation=installation, posting__effective_date__gte=since,
                                    posting__effective_date__lte=until)
               .exclude(account__kind__in=MEMORANDUM_KINDS)
               .select_related("posting", "posting__company", "account").order_by("posting__effective_date",
                                                                                    "posting_id", "id"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(JOURNAL_COLUMNS)
    for e in entries.iterator(chunk_size=2000):
        p = e.posting
        company = p.company
        customer = company.erp_customer_number or str(company.pk)
        account = mapping[e.account.kind].replace("{customer}", customer)
        ref = e.receivable_ref or p.receivable_ref
        document = documents.get(ref, "") if ref else p.payment_ref
        amount = format(quantize(e.amount, e.currency), "f")
        writer.writerow([p.pk, p.effective_date.isoformat(), p.kind, document, customer, company.legal_name, account,
                         e.account.kind, amount if e.side == Side.DEBIT else "", amount if e.side == Side.CREDIT else "",
                         e.currency, p.memo])
    return out.getvalue()


def ar_open_items_csv(*, installation, as_of: dt.date) -> str:
    """Every open receivable with its open amount (from the ledger), by customer and due date."""
    documents = _documents(installation)
    receivables = list(Receivable.objects.filter(installation=installation, status=ReceivableStatus.OPEN)
                       .select_related("company").order_by("company__legal_name", "due_date", "id"))
    open_amounts = ledger_selectors.receivables_open_amounts(installation=installation,
                                                            receivable_refs=[r.receivable_ref for r in receivables])
    rows = []
    for r in receivables:
        open_amount = open_amounts.get(r.receivable_ref)
        if open_amount is None or open_amount <= 0:
            continue
        overdue = max((as_of - r.due_date).days, 0)
        rows.append([r.company.erp_customer_number or str(r.company_id), r.company.legal_name,
                     documents.get(r.receivable_ref, r.reference), r.reference, r.issue_date.isoformat(),
                     r.due_date.isoformat(), overdue, r.currency, format(quantize(r.amount, r.currency), "f"),
                     format(quantize(open_amount, r.currency), "f")])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(OPEN_ITEM_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
