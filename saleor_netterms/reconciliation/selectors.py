"""Reads: open invoices for matching (in bulk), the queue, statements, pending payments."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Iterator

from django.db import connection
from django.db.models import Count, Q, QuerySet


from saleor_netterms.invoicing.models import (Invoice, InvoiceKind, InvoiceSeries, InvoiceStatus, SeriesReset,
                                              series_skeleton)
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

from .matching import NameIndex, NumberPattern, OpenInvoice, name_key, number_pattern, text_compact
from .models import (BankAccount, BankLine, IncomingPayment, IncomingStatus, MatchOrigin, PayerIdentity, PayerKind,
                     PaymentTolerance, Statement, StatementFile)

QUEUE_STATUSES = (IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED)


def _discount(snapshot: dict | None) -> tuple[Decimal | None, dt.date | None]:
    discount = (snapshot or {}).get("discount") or None
    if not discount or not discount.get("amount") or not discount.get("deadline"):
        return None, None
    return Decimal(str(discount["amount"])), dt.date.fromisoformat(str(discount["deadline"]))


def open_invoices(receivables: QuerySet[Receivable], *, installation, limit: int | None = None) -> list[OpenInvoice]:
    """OpenInvoice facts for open receivables: open amount from the ledger (one grouped query),
    number and discount from the invoice."""
    rows = (receivables.filter(status=ReceivableStatus.OPEN).order_by("due_date", "id")
            .values("id", "company_id", "reference", "currency", "amount", "due_date", "order_number",
                        "invoice__number", "invoice__snapshot__discount"))
    rows = list(rows[:limit] if limit else rows)
    if not rows:
        return []
    amounts = ledger_selectors.receivables_open_amounts(installation=installation,
                                                        receivable_refs=[f"rcv:{r['id']}" for r in rows])
    result = []
    for r in rows:
        open_amount = amounts.get(f"rcv:{r['id']}")
        if not open_amount or open_amount <= 0:
            continue
        discount, deadline = _discount({"discount": r["invoice__snapshot__discount"]})
        result.append(OpenInvoice(
            receivable_id=r["id"], company_id=r["company_id"], number=r["invoice__number"] or r["reference"],
            currency=r["currency"], open_amount=open_amount, invoice_amount=r["amount"], due_date=r["due_date"],
            order_number=r["order_number"], discount_amount=discount, discount_deadline=deadline))
    return result


# The ledger's balance row of receivable r, probed by its index for each receivable found. A plain
# join on the computed reference ('rcv:' || id) is estimated so badly that PostgreSQL chose to hash
# the whole balance table (1,000,000 rows) for every batch of 5,000 bank lines: 0.6 s a batch at
# full scale, 24.6 of the 47 s of matching. OFFSET 0 keeps the planner from flattening the lateral
# subquery back into that join.
_BALANCE_OF_R = """(SELECT debits, credits FROM ledger_receivablebalance
                     WHERE installation_id = r.installation_id AND receivable_ref = 'rcv:' || r.id OFFSET 0)"""
_OPEN_COLUMNS = """r.id, r.company_id, r.reference, r.currency, r.amount, r.due_date, r.order_number, i.number,
           i.snapshot->'discount'->>'amount', i.snapshot->'discount'->>'deadline', b.debits - b.credits"""
_OPEN_ROWS = """
    SELECT """ + _OPEN_COLUMNS + """
      FROM receivables_receivable r
      JOIN LATERAL """ + _BALANCE_OF_R + """ b ON true
      LEFT JOIN invoicing_invoice i ON i.receivable_id = r.id
     WHERE r.installation_id = %s AND r.status = %s AND b.debits > b.credits AND {where}
     ORDER BY r.due_date, r.id"""


def _bulk_sql() -> bool:
    """The batch lookups below run as one PostgreSQL statement each (array parameters, unnest);
    on SQLite — ``make run``'s zero-setup database — the same reads go through the ORM."""
    return connection.vendor == "postgresql"


def sql_array(values: Iterable) -> str:
    """A PostgreSQL array literal of ints, Decimals or plain strings, for an ``%s::type[]``
    parameter: one text value for the whole batch (psycopg dumps a list element by element,
    which cost more than the query for 5,000 ids). Strings are quoted and escaped."""
    items = []
    for v in values:
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
            items.append(str(v))
        else:
            items.append('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(items) + "}"


def _open_invoice(row) -> OpenInvoice:
    (pk, company_id, reference, currency, amount, due_date, order_number, number, discount, deadline,
     open_amount) = row[:11]
    return OpenInvoice(
        receivable_id=pk, company_id=company_id, number=number or reference, currency=currency,
        open_amount=open_amount, invoice_amount=amount, due_date=due_date, order_number=order_number,
        discount_amount=Decimal(discount) if discount and deadline else None,
        discount_deadline=dt.date.fromisoformat(deadline) if discount and deadline else None)


def _open_invoices_sql(*, installation, where: str, params: list, limit: int | None = None) -> list[OpenInvoice]:
    """The bulk form of ``open_invoices``: one query for the receivables, their invoices and their
    open amounts (the ledger's maintained row per receivable), with array parameters so batch size
    does not grow the statement."""
    sql = _OPEN_ROWS.format(where=where) + (f" LIMIT {int(limit)}" if limit else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [installation.pk, ReceivableStatus.OPEN.value, *params])
        rows = cursor.fetchall()
    return [_open_invoice(row) for row in rows]


def open_invoices_by_position(*, installation, positions: Iterable[tuple[int, str, int]]
                              ) -> dict[tuple[int, str, int], OpenInvoice]:
    """Open invoices at (series, period, sequence) positions — what RF references and invoice
    numbers name. One statement, whatever the batch size: the positions through the invoices'
    unique (series, period, sequence) index to their receivables and the ledger's open amount."""
    positions = list(dict.fromkeys(positions))
    if not positions:
        return {}
    if not _bulk_sql():
        wanted = set(positions)
        at = {receivable_id: (series_id, period, sequence) for receivable_id, series_id, period, sequence in
              Invoice.objects.filter(installation=installation, kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED,
                                     receivable__isnull=False, series_id__in={p[0] for p in wanted},
                                     sequence__in={p[2] for p in wanted})
              .values_list("receivable_id", "series_id", "period", "sequence")
              if (series_id, period, sequence) in wanted}
        found = open_invoices(Receivable.objects.filter(installation=installation, pk__in=list(at)),
                              installation=installation)
        return {at[inv.receivable_id]: inv for inv in found}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT """ + _OPEN_COLUMNS + """, i.series_id, i.period, i.sequence
                 FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS k(series_id, period, sequence)
                 JOIN invoicing_invoice i
                   ON i.series_id = k.series_id AND i.period = k.period AND i.sequence = k.sequence
                 JOIN receivables_receivable r ON r.id = i.receivable_id
                 JOIN LATERAL """ + _BALANCE_OF_R + """ b ON true
                WHERE i.installation_id = %s AND i.kind = %s AND i.status = %s
                  AND r.installation_id = %s AND r.status = %s AND b.debits > b.credits""",
            [sql_array(p[0] for p in positions), sql_array(p[1] for p in positions),
             sql_array(p[2] for p in positions), installation.pk, InvoiceKind.INVOICE.value,
             InvoiceStatus.ISSUED.value, installation.pk, ReceivableStatus.OPEN.value])
        rows = cursor.fetchall()
    return {(row[11], row[12], row[13]): _open_invoice(row) for row in rows}


def open_invoices_by_receivable(*, installation, receivables: Iterable[tuple[int, str]]
                                ) -> dict[tuple[int, str], OpenInvoice]:
    """Open invoices of these (receivable id, invoice number) pairs — a combined remittance's
    items — under the number the buyer chose them by (an ERP's invoice has no app invoice to
    name it). One statement."""
    pairs = list(dict.fromkeys(receivables))
    if not pairs:
        return {}
    ids = [pk for pk, _ in pairs]
    found = (_open_invoices_sql(installation=installation, where="r.id = ANY(%s::bigint[])", params=[sql_array(ids)])
             if _bulk_sql() else
             open_invoices(Receivable.objects.filter(installation=installation, pk__in=ids), installation=installation))
    by_id = {inv.receivable_id: inv for inv in found}
    return {(pk, number): dataclasses.replace(by_id[pk], number=number) for pk, number in pairs if pk in by_id}


def open_invoices_by_order_number(*, installation, order_numbers: Iterable[str]) -> dict[str, list[OpenInvoice]]:
    numbers = list(dict.fromkeys(order_numbers))
    if not numbers:
        return {}
    result: dict[str, list[OpenInvoice]] = {}
    found = (_open_invoices_sql(installation=installation, where="r.order_number <> '' AND r.order_number = ANY(%s::text[])",
                                params=[sql_array(numbers)]) if _bulk_sql() else
             open_invoices(Receivable.objects.filter(installation=installation, order_number__in=numbers)
                           .exclude(order_number=""), installation=installation))
    for inv in found:
        result.setdefault(inv.order_number, []).append(inv)
    return result


def open_invoices_of_companies(*, installation, company_ids: Iterable[int], currencies: Iterable[str]
                               ) -> dict[int, list[OpenInvoice]]:
    ids = list(set(company_ids))
    if not ids:
        return {}
    result: dict[int, list[OpenInvoice]] = {}
    currencies = set(currencies)
    found = (_open_invoices_sql(installation=installation,
                                where="r.company_id = ANY(%s::bigint[]) AND r.currency = ANY(%s::text[])",
                                params=[sql_array(ids), sql_array(currencies)]) if _bulk_sql() else
             open_invoices(Receivable.objects.filter(installation=installation, company_id__in=ids,
                                                     currency__in=currencies), installation=installation))
    for inv in found:
        result.setdefault(inv.company_id, []).append(inv)
    for invoices in result.values():
        invoices.sort(key=lambda i: (i.due_date, i.receivable_id))
    return result


def open_invoices_with_amounts(*, installation, amounts: Iterable[tuple[Decimal, str]]
                               ) -> dict[tuple[Decimal, str], list[OpenInvoice]]:
    """Open receivables booked for exactly these amounts (the amount-only suggestion)."""
    wanted = set(amounts)
    if not wanted:
        return {}
    pairs = list(wanted)
    result: dict[tuple[Decimal, str], list[OpenInvoice]] = {}
    found = (_open_invoices_sql(
                installation=installation, limit=5000,
                where="(r.amount, r.currency) IN (SELECT * FROM unnest(%s::numeric[], %s::text[]))",
                params=[sql_array(a for a, _ in pairs), sql_array(c for _, c in pairs)]) if _bulk_sql() else
             [inv for inv in open_invoices(Receivable.objects.filter(
                 installation=installation, amount__in={a for a, _ in pairs}, currency__in={c for _, c in pairs}),
                 installation=installation, limit=5000) if (inv.invoice_amount, inv.currency) in wanted])
    for inv in found:
        if inv.open_amount == inv.invoice_amount:   # nothing paid on it yet
            result.setdefault((inv.open_amount, inv.currency), []).append(inv)
    return result


def number_patterns(*, installation) -> list[NumberPattern]:
    """The installation's invoice series as regexes over compacted remittance text."""
    return [number_pattern(series_id=s.pk, skeleton=series_skeleton(s.format, channel_slug=s.channel_slug),
                           yearly=s.reset == SeriesReset.YEARLY)
            for s in InvoiceSeries.objects.filter(installation=installation, kind=InvoiceKind.INVOICE)]


_NAME_INDEXES: dict[int, tuple[tuple, NameIndex]] = {}


def company_name_index(*, installation) -> NameIndex:
    """The installation's companies by ``matching.name_key`` of their legal names, built once per
    process and rebuilt when a company is added or saved (its count or latest update changes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(updated_at) FROM companies_company WHERE installation_id = %s",
                       [installation.pk])
        stamp = tuple(cursor.fetchone())
        cached = _NAME_INDEXES.get(installation.pk)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        cursor.execute("SELECT id, legal_name FROM companies_company WHERE installation_id = %s ORDER BY id",
                       [installation.pk])
        index = NameIndex.build(cursor.fetchall())
    _NAME_INDEXES[installation.pk] = (stamp, index)
    return index


def payer_companies(*, installation, ibans: Iterable[str], names: Iterable[str]
                    ) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Companies for payer IBANs (learned from confirmed matches) and for payer names, each by the
    name as the bank wrote it: learned names first (most-confirmed first), else the company whose
    legal name it is (``matching.NameIndex``: legal forms, accents and a cut-off tail forgiven)."""
    ibans = sorted(set(filter(None, ibans)))
    names = sorted({n for n in names if n and name_key(n)})
    keys = {n: {name_key(n), text_compact(n)} for n in names}   # text_compact: names learned before name_key
    by_iban: dict[str, list[int]] = {}
    learned: dict[str, list[int]] = {}
    rows = (PayerIdentity.objects.filter(installation=installation)
            .filter(Q(kind=PayerKind.IBAN, value__in=ibans)
                    | Q(kind=PayerKind.NAME, value__in=sorted(set().union(*keys.values())) if keys else []))
            .order_by("-confirmations", "id").values_list("kind", "value", "company_id"))
    for kind, value, company_id in rows:
        target = by_iban if kind == PayerKind.IBAN else learned
        if company_id not in target.setdefault(value, []):
            target[value].append(company_id)
    by_name: dict[str, list[int]] = {}
    index = None
    for n in names:
        found = [c for key in sorted(keys[n], key=lambda k: k != name_key(n)) for c in learned.get(key, [])]
        if not found:
            index = index or company_name_index(installation=installation)
            found = index.find(n)
        if found:
            by_name[n] = list(dict.fromkeys(found))
    return by_iban, by_name


def tolerance_for(*, installation, currency: str) -> PaymentTolerance | None:
    return PaymentTolerance.objects.filter(installation=installation, currency=currency).first()


def bank_account_get(*, installation, bank_account_id: int | None) -> BankAccount | None:
    """The installation's bank account of that id; None for another installation's or none."""
    if not bank_account_id:
        return None
    return BankAccount.objects.filter(installation=installation, pk=bank_account_id).first()


def bank_account_for(*, installation, iban: str) -> BankAccount | None:
    return BankAccount.objects.filter(installation=installation, iban=iban).first()


def previous_closing(*, bank_account: BankAccount, before: dt.date | None, exclude_file_id: int | None = None
                     ) -> Statement | None:
    """The latest end-of-day statement (camt.053, MT940) of the account that ends before `before`."""
    qs = Statement.objects.filter(bank_account=bank_account, format__in=("camt.053", "mt940"),
                                  closing_balance__isnull=False)
    if exclude_file_id:
        qs = qs.exclude(file_id=exclude_file_id)
    if before is not None:
        qs = qs.filter(to_date__lte=before)
    return qs.order_by("-to_date", "-id").first()


# --- the queue and the statement view ----------------------------------------------------------

def queue(*, installation, statuses: Iterable[str] = QUEUE_STATUSES, limit: int = 200) -> list[IncomingPayment]:
    return list(IncomingPayment.objects.filter(installation=installation, status__in=list(statuses))
                .select_related("company", "bank_line", "bank_line__bank_account")
                .order_by("status", "-received_on", "-id")[:limit])


# What the rules read of a record (services.match_inputs / incomings_propose); applying a proposal
# re-reads the row under its lock, so the batch carries only these, as plain rows: no JSON or
# timestamps to load, and no model instance to build for 5,000 rows at a time (building them was
# about a third of the matching process's CPU).
_MATCH_FIELDS = ("id", "installation_id", "amount", "currency", "received_on", "creditor_reference",
                 "remittance_text", "payer_name", "payer_iban", "company_id", "status", "origin")


@dataclass(eq=False)
class MatchRow:
    """An IncomingPayment as the matching rules read it (the fields of ``_MATCH_FIELDS``)."""

    id: int
    installation_id: int
    amount: Decimal
    currency: str
    received_on: dt.date
    creditor_reference: str
    remittance_text: str
    payer_name: str
    payer_iban: str
    company_id: int | None
    status: str
    origin: str

    @property
    def pk(self) -> int:
        return self.id


def pending_incoming_batches(*, installation, batch_size: int) -> Iterator[list[MatchRow]]:
    """The records automatic matching may decide on (unmatched or suggested, never a person's),
    ``batch_size`` at a time in id order (keyset pagination: each batch one indexed query)."""
    after = 0
    while True:
        batch = [MatchRow(*row) for row in IncomingPayment.objects.filter(
            installation=installation, status__in=list(QUEUE_STATUSES), pk__gt=after)
            .exclude(origin=MatchOrigin.MANUAL).order_by("pk").values_list(*_MATCH_FIELDS)[:batch_size]]
        if not batch:
            return
        yield batch
        after = batch[-1].pk


def queue_counts(*, installation) -> dict[str, int]:
    rows = (IncomingPayment.objects.filter(installation=installation).values("status")
            .annotate(n=Count("id")).order_by())
    return {row["status"]: row["n"] for row in rows}


def incoming_get(*, installation, incoming_id: int) -> IncomingPayment | None:
    return (IncomingPayment.objects.filter(installation=installation, pk=incoming_id)
            .select_related("company", "bank_line", "payment").first())


def statement_files(*, installation, limit: int = 50) -> list[StatementFile]:
    return list(StatementFile.objects.filter(installation=installation).select_related("bank_account")
                .defer("content").order_by("-received_at", "-id")[:limit])


def statements_of_account(*, bank_account: BankAccount) -> list[Statement]:
    return list(Statement.objects.filter(bank_account=bank_account).order_by("-to_date", "-id"))


@dataclass(frozen=True, slots=True)
class StatementView:
    statement: Statement
    lines: list[BankLine]
    credits: Decimal
    debits: Decimal
    matched: Decimal
    open: Decimal         # credits not yet matched, ignored or recognised as duplicates
    computed_closing: Decimal | None


def statement_view(*, installation, statement_id: int) -> StatementView | None:
    statement = (Statement.objects.filter(pk=statement_id, bank_account__installation=installation)
                 .select_related("bank_account", "file").first())
    if statement is None:
        return None
    lines = list(BankLine.objects.filter(statement=statement).select_related("incoming").order_by("booking_date", "id"))
    credits = sum((ln.amount for ln in lines if ln.credit), Decimal(0))
    debits = sum((ln.amount for ln in lines if not ln.credit), Decimal(0))
    matched = sum((ln.amount for ln in lines if ln.credit and getattr(ln, "incoming", None) is not None
                   and ln.incoming.status in (IncomingStatus.MATCHED, IncomingStatus.DUPLICATE,
                                              IncomingStatus.IGNORED)), Decimal(0))
    computed = (statement.opening_balance + credits - debits) if statement.opening_balance is not None else None
    return StatementView(statement=statement, lines=lines, credits=credits, debits=debits, matched=matched,
                         open=credits - matched, computed_closing=computed)


def company_has_pending_payment(company) -> bool:
    """Is money from this company waiting in reconciliation — a bank line or ERP payment that
    is suggested for (or assigned to) the company but not yet confirmed? Collections asks before
    sending a reminder."""
    return IncomingPayment.objects.filter(company=company, status__in=QUEUE_STATUSES).exists()


def pending_payments_of_company(company) -> list[IncomingPayment]:
    return list(IncomingPayment.objects.filter(company=company, status__in=QUEUE_STATUSES).order_by("-received_on"))
