"""Reads of the one ledger for the receivables figures (the formulas are ``formulas``).

What is open on a receivable **as of** a date: what booked it (its amount; the receivable and fee
postings that created it count from its invoice date) plus every later movement on its
reference in the receivable account (payments, credit notes, write-offs, adjustments, credit
applied, reversals) whose posting is effective on or before that date. A payment received after
the as-of date therefore does not count. From today on (on PostgreSQL) that is read from the
open-receivables rollup the database keeps from the same entries (models.OpenReceivable; checked
by ``ledger_verify``) instead of summing the ledger.

Every figure is per currency: amounts of two currencies are never added. A dispute counts from
the day it was opened until the day it was resolved; the disputed part of an open amount (at
most the open amount) is shown apart from the ageing buckets, not in them. Unapplied credit
(the company's credit balance as of the date) is shown next to what it owes, never netted into
the buckets.

Each function is a few grouped SQL statements that run on PostgreSQL and on SQLite (``make
run``): dates are compared with cut-off dates computed here, never subtracted in SQL.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable, NamedTuple, Sequence

from django.db import connection, transaction
from django.db.models import CharField, DecimalField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat

from saleor_netterms.core.business_time import business_day_start, business_today
from saleor_netterms.invoicing.models import Invoice, InvoiceKind
from saleor_netterms.ledger.models import AccountKind, PostingKind, ReceivableBalance
from saleor_netterms.receivables.models import Receivable

from . import formulas
from .formulas import ZERO
from .models import OpenReceivable

_OPEN_FIELD = DecimalField(max_digits=24, decimal_places=4)

BOOKING_KINDS = (PostingKind.RECEIVABLE.value, PostingKind.FEE.value)
GROUPINGS = ("total", "currency", "company", "channel", "tier")
BASES = ("due", "invoice")
NEAR_LIMIT_PERCENT = Decimal(80)
RISING_LATENESS_DAYS = Decimal(5)
LATENESS_WINDOW_MONTHS = 3  # rising lateness: the last 3 calendar months against the 3 before
DAYS_LATE_HISTORY_MONTHS = 12  # average days late: the last 12 calendar months (the newest up to the as-of date)
BROKEN_PROMISE_DAYS = 90


@dataclass(frozen=True, slots=True)
class Scope:
    """Which part of the book a figure covers: one installation as of a date, optionally one
    currency, Saleor channel (slug; "" for receivables without a checkout), credit tier or company."""
    installation_id: int
    as_of: dt.date
    currency: str | None = None
    channel: str | None = None
    tier: str | None = None
    company_id: int | None = None
    time_zone: str = "UTC"  # the installation's: its business days (core.business_time)

    def on(self, as_of: dt.date) -> "Scope":
        return replace(self, as_of=as_of)


def _day_end(scope: Scope, day: dt.date) -> dt.datetime:
    """The first instant after the business day ``day`` (in the installation's zone): a timestamp
    before it happened on or before ``day``."""
    return business_day_start(scope, day + dt.timedelta(days=1))


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dec(value) -> Decimal:
    return ZERO if value is None else Decimal(str(value)) if not isinstance(value, Decimal) else value


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _scope_filter(scope: Scope, *, receivable: str = "r", company: str = "c", tx: str = "t") -> tuple[str, dict]:
    sql, params = [f"{receivable}.installation_id = %(inst)s"], {"inst": scope.installation_id}
    if scope.currency:
        sql.append(f"{receivable}.currency = %(currency)s")
        params["currency"] = scope.currency
    if scope.company_id is not None:
        sql.append(f"{receivable}.company_id = %(company)s")
        params["company"] = scope.company_id
    if scope.tier:
        sql.append(f"{company}.credit_tier = %(tier)s")
        params["tier"] = scope.tier
    if scope.channel is not None:
        sql.append(f"COALESCE({tx}.channel_slug, '') = %(channel)s")
        params["channel"] = scope.channel
    return " AND ".join(sql), params


def rollup_used(scope: Scope) -> bool:
    """From today on, on PostgreSQL, what is open is read from the open-receivables rollup
    (models.OpenReceivable, kept by the database and checked by ledger_verify)."""
    return connection.vendor == "postgresql" and scope.as_of >= business_today(scope)


def _items_sql(scope: Scope, *, with_channel: bool = False, with_company: bool = True) -> tuple[str, dict]:
    """A ``WITH items AS (...)`` of every receivable with something open as of the date: its
    company, tier, channel, currency, dates, open amount and disputed part (from the rollup without
    ``with_company`` and a tier filter: the company's name and tier are left empty, unjoined)."""
    where, params = _scope_filter(scope)
    params.update(as_of=scope.as_of, as_of_end=_day_end(scope, scope.as_of), kind=AccountKind.RECEIVABLE.value,
                  booking0=BOOKING_KINDS[0], booking1=BOOKING_KINDS[1])
    disputed = """disputed AS (
    SELECT d.receivable_id, SUM(d.amount) AS amount
      FROM collections_dispute d
     WHERE d.created_at < %(as_of_end)s AND (d.resolved_at IS NULL OR d.resolved_at >= %(as_of_end)s)
     GROUP BY d.receivable_id
)"""
    if rollup_used(scope):
        channel = with_channel or scope.channel is not None
        joins = (" LEFT JOIN receivables_receivable rr ON rr.id = r.receivable_id"
                 " LEFT JOIN checkout_nettermstransaction t ON t.id = rr.transaction_id") if channel else ""
        company = with_company or bool(scope.tier)
        raw = f"""raw AS (
    SELECT r.receivable_id AS id, r.company_id, {"c.legal_name, c.credit_tier" if company else "'' AS legal_name, ''"} AS tier,
           {"COALESCE(t.channel_slug, '')" if channel else "''"} AS channel, r.currency, r.issue_date, r.due_date,
           r.open_amount, COALESCE(dd.amount, 0) AS disputed_claim
      FROM receivables_reports_openreceivable r
      {"JOIN companies_company c ON c.id = r.company_id" if company else ""}{joins}
      LEFT JOIN disputed dd ON dd.receivable_id = r.receivable_id
     WHERE {where} AND r.issue_date <= %(as_of)s
)"""
        sql = f"WITH {disputed}, {raw}"
    else:
        sql = f"""
WITH moved AS (
    SELECT e.receivable_ref AS ref,
           SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END) AS delta
      FROM ledger_entry e
      JOIN ledger_account a ON a.id = e.account_id
      JOIN ledger_posting p ON p.id = e.posting_id
     WHERE a.installation_id = %(inst)s AND a.kind = %(kind)s
       AND p.kind NOT IN (%(booking0)s, %(booking1)s) AND p.effective_date <= %(as_of)s
     GROUP BY e.receivable_ref
), {disputed}, raw AS (
    SELECT r.id, r.company_id, c.legal_name, c.credit_tier AS tier, COALESCE(t.channel_slug, '') AS channel,
           r.currency, r.issue_date, r.due_date,
           r.amount + COALESCE(m.delta, 0) AS open_amount, COALESCE(dd.amount, 0) AS disputed_claim
      FROM receivables_receivable r
      JOIN companies_company c ON c.id = r.company_id
      LEFT JOIN checkout_nettermstransaction t ON t.id = r.transaction_id
      LEFT JOIN moved m ON m.ref = 'rcv:' || r.id
      LEFT JOIN disputed dd ON dd.receivable_id = r.id
     WHERE {where} AND r.issue_date <= %(as_of)s
)"""
    sql += """, items AS (
    SELECT raw.*, CASE WHEN disputed_claim > open_amount THEN open_amount ELSE disputed_claim END AS disputed
      FROM raw WHERE open_amount > 0
)"""
    return sql, params


def _bucket_case(scope: Scope, bounds: Sequence[int], basis: str, params: dict) -> str:
    """``CASE`` giving the bucket index of an item: age ≤ bound ⇔ date ≥ as_of − bound."""
    if basis not in BASES:
        raise ValueError(f"unknown ageing basis {basis!r}")
    column = "due_date" if basis == "due" else "issue_date"
    whens = []
    for index, bound in enumerate(bounds):
        params[f"cut{index}"] = scope.as_of - dt.timedelta(days=bound)
        whens.append(f"WHEN {column} >= %(cut{index})s THEN {index}")
    return f"CASE {' '.join(whens)} ELSE {len(bounds)} END"


# ---------------------------------------------------------------- ageing


class AgeingRow(NamedTuple):
    """One row of an ageing table, in one currency (a tuple: built at C speed, one per company).
    ``buckets`` hold the undisputed open amounts; ``disputed`` the disputed part; ``total`` = sum of buckets + disputed; ``unapplied_credit``
    the credit balance owed to the buyer (None where a row has no company of its own: channel)."""
    key: str
    label: str
    currency: str
    buckets: tuple[Decimal, ...]
    disputed: Decimal
    total: Decimal
    count: int
    unapplied_credit: Decimal | None
    company_id: int | None = None

    @property
    def overdue(self) -> Decimal:
        """Undisputed and past the first bucket (by due date: past due)."""
        return sum(self.buckets[1:], ZERO)

    @property
    def net(self) -> Decimal | None:
        return None if self.unapplied_credit is None else self.total - self.unapplied_credit


@dataclass(frozen=True, slots=True)
class Ageing:
    as_of: dt.date
    basis: str
    group_by: str
    labels: tuple[str, ...]
    rows: tuple[AgeingRow, ...]
    owing_rows: int = 0  # rows that owe something in the whole table (a page holds ``first`` of them)


def company_names(installation_id: int, ids: Iterable[int] | None = None) -> dict[int, str]:
    """Company id → legal name (of the installation; only ``ids`` when given)."""
    if ids is None:
        return dict(_rows("SELECT id, legal_name FROM companies_company WHERE installation_id = %(inst)s",
                          {"inst": installation_id}))
    ids = sorted(set(ids))
    if not ids:
        return {}
    marks = ", ".join(f"%(c{i})s" for i in range(len(ids)))
    return dict(_rows(f"SELECT id, legal_name FROM companies_company WHERE installation_id = %(inst)s AND id IN ({marks})",
                      {"inst": installation_id, **{f"c{i}": v for i, v in enumerate(ids)}}))


def credit_unapplied(scope: Scope, *, company_ids: Iterable[int] | None = None) -> dict[tuple[int, str], Decimal]:
    """(company_id, currency) → credit balance owed to the buyer as of the date (positive only).
    From today on: the ledger's maintained balances of the credit-balance accounts (one row per
    company and currency, checked by ledger_verify's maintained_balances); before: the entries."""
    params = {"inst": scope.installation_id, "kind": AccountKind.CREDIT_BALANCE.value, "as_of": scope.as_of}
    where = ["a.installation_id = %(inst)s", "a.kind = %(kind)s"]
    if scope.currency:
        where.append("a.currency = %(currency)s")
        params["currency"] = scope.currency
    if scope.company_id is not None:
        where.append("a.company_id = %(company)s")
        params["company"] = scope.company_id
    if scope.tier:
        where.append("c.credit_tier = %(tier)s")
        params["tier"] = scope.tier
    if company_ids is not None:  # only these companies (a page of the ageing per company)
        ids = sorted(set(company_ids))
        if not ids:
            return {}
        where.append(f"a.company_id IN ({', '.join(f'%(c{i})s' for i in range(len(ids)))})")
        params.update({f"c{i}": v for i, v in enumerate(ids)})
    if scope.as_of >= business_today(scope):
        rows = _rows(f"""
            SELECT a.company_id, a.currency, a.credits - a.debits
              FROM ledger_account a JOIN companies_company c ON c.id = a.company_id
             WHERE {' AND '.join(where)}""", params)
    else:
        rows = _rows(f"""
            SELECT a.company_id, a.currency, SUM(CASE WHEN e.side = 'credit' THEN e.amount ELSE -e.amount END)
              FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
              JOIN ledger_posting p ON p.id = e.posting_id JOIN companies_company c ON c.id = a.company_id
             WHERE {' AND '.join(where)} AND p.effective_date <= %(as_of)s
             GROUP BY a.company_id, a.currency""", params)
    return {(company_id, currency): _dec(total) for company_id, currency, total in rows if _dec(total) > 0}


def _credit_by_currency(scope: Scope) -> dict[str, Decimal]:
    """Currency → Σ ``credit_unapplied`` (the positive credit balances), summed by the database from
    today on (one row per currency, not one per company)."""
    if scope.as_of < business_today(scope) or scope.company_id is not None or scope.tier:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for (_, currency), amount in credit_unapplied(scope).items():
            totals[currency] += amount
        return dict(totals)
    params = {"inst": scope.installation_id, "kind": AccountKind.CREDIT_BALANCE.value, "currency": scope.currency}
    return {currency: _dec(total) for currency, total in _rows(f"""
        SELECT a.currency, SUM(a.credits - a.debits) FROM ledger_account a
         WHERE a.installation_id = %(inst)s AND a.kind = %(kind)s AND a.credits > a.debits
               {"AND a.currency = %(currency)s" if scope.currency else ""}
         GROUP BY a.currency""", params)}


_GROUP_KEYS = {"total": "''", "currency": "''", "company": "company_id", "channel": "channel", "tier": "tier"}


def by_date_used(scope: Scope) -> bool:
    """From today on, on PostgreSQL, without a channel, tier or company filter, the installation's
    open amounts are read from the rollup by invoice and due date (models.OpenByDate: a few
    thousand rows; kept by the database, checked by ledger_verify)."""
    return rollup_used(scope) and scope.channel is None and not scope.tier and scope.company_id is None


def ageing(scope: Scope, *, group_by: str = "total", basis: str = "due",
           bounds: Sequence[int] = formulas.DEFAULT_BOUNDS, first: int | None = None, offset: int = 0) -> Ageing:
    """The ageing table as of ``scope.as_of`` grouped by ``group_by`` (one of GROUPINGS), per
    currency, with the buckets of ``formulas.buckets_make(bounds)``, largest total first (then
    currency, then key). With ``first``: one page of the rows that owe something, sorted and cut by
    the database (the Receivables page's top exposures: ``first`` 10 of 50,000 companies), and
    ``owing_rows`` counting them all; rows of a company only owed credit are left out of a page."""
    return _ageing(scope, group_by=group_by, basis=basis, bounds=bounds, first=first, offset=offset,
                   by_date=group_by in ("total", "currency") and by_date_used(scope))


def _ageing_rows_by_date(scope: Scope, bounds: Sequence[int], basis: str) -> list[tuple]:
    """The rows of ``ageing`` in total / per currency from the rollup by invoice and due date: each
    date row in its bucket, less the disputed parts (at most the open amount) of the receivables
    under an open dispute, which are read one by one (few)."""
    params: dict = {"inst": scope.installation_id, "as_of": scope.as_of, "as_of_end": _day_end(scope, scope.as_of)}
    currency = ""
    if scope.currency:
        currency = " AND {alias}.currency = %(currency)s"
        params["currency"] = scope.currency
    case = _bucket_case(scope, bounds, basis, params)
    n = len(bounds) + 1
    sums = ", ".join(f"SUM(CASE WHEN b = {i} THEN undisputed ELSE 0 END)" for i in range(n))
    return _rows(f"""
WITH disputed AS (
    SELECT d.receivable_id, SUM(d.amount) AS amount
      FROM collections_dispute d
     WHERE d.created_at < %(as_of_end)s AND (d.resolved_at IS NULL OR d.resolved_at >= %(as_of_end)s)
     GROUP BY d.receivable_id
), parts AS (
    SELECT o.currency, o.issue_date, o.due_date, o.open_amount AS amount, o.open_amount AS undisputed,
           0 AS disputed, o.receivables AS n
      FROM receivables_reports_openbydate o
     WHERE o.installation_id = %(inst)s AND o.issue_date <= %(as_of)s AND o.receivables > 0{currency.format(alias="o")}
    UNION ALL
    SELECT r.currency, r.issue_date, r.due_date, 0, -LEAST(dd.amount, r.open_amount), LEAST(dd.amount, r.open_amount), 0
      FROM disputed dd JOIN receivables_reports_openreceivable r ON r.receivable_id = dd.receivable_id
     WHERE r.installation_id = %(inst)s AND r.issue_date <= %(as_of)s AND r.open_amount > 0{currency.format(alias="r")}
), aged AS (SELECT parts.*, {case} AS b FROM parts)
SELECT '' AS k, '', currency, {sums}, SUM(disputed), SUM(amount), SUM(n)::int
  FROM aged GROUP BY currency ORDER BY SUM(amount) DESC, currency""", params)


# Grouping a million open receivables by company keeps ~7 numeric sums for each of 50,000
# companies: ~60 MB of hash table, which at the default 4 MB work_mem spills to disk in batches
# (7.5x the time of a plain per-company sum). Raised for that one statement (SET LOCAL).
GROUPING_WORK_MEM = "96MB"


def _ageing(scope: Scope, *, group_by: str, basis: str, bounds: Sequence[int], by_date: bool,
            first: int | None = None, offset: int = 0) -> Ageing:
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    buckets = formulas.buckets_make(bounds)
    if by_date:
        rows = _ageing_rows_by_date(scope, bounds, basis)
        owing = len(rows)
        if first is not None:
            rows = rows[offset:offset + first]
    else:
        sql, params = _items_sql(scope, with_channel=group_by == "channel", with_company=group_by == "tier")
        case = _bucket_case(scope, bounds, basis, params)
        key = _GROUP_KEYS[group_by]
        group = "currency" if key == "''" else f"{key}, currency"
        sums = ", ".join(f"SUM(CASE WHEN b = {i} THEN open_amount - disputed ELSE 0 END)" for i in range(len(buckets)))
        grouped = f"""{sql}, aged AS (SELECT items.*, {case} AS b FROM items),
            grouped AS (SELECT {key} AS k, '' AS name, currency, {sums}, SUM(disputed) AS disputed,
                               SUM(open_amount) AS total, COUNT(*) AS n FROM aged GROUP BY {group})"""
        order = "ORDER BY g.total DESC, g.currency, g.k"
        paged = first is not None and connection.vendor == "postgresql"  # SQLite (make run): cut here
        if not paged:
            statement = f"{grouped} SELECT g.* FROM grouped g {order}"
        else:  # one page, and how many rows in all (one row with the count when the page is empty)
            params.update(first=first, offset=offset)
            statement = f"""{grouped} SELECT g.*, c.owing FROM (SELECT COUNT(*) AS owing FROM grouped) c
                LEFT JOIN LATERAL (SELECT * FROM grouped g {order} LIMIT %(first)s OFFSET %(offset)s) g ON true"""
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql" and key != "''":
                cursor.execute(f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'")
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        if paged:
            owing = rows[0][-1] if rows else 0
            rows = [r[:-1] for r in rows if r[2] is not None]
        else:
            owing = len(rows)
            if first is not None:
                rows = rows[offset:offset + first]
    page_ids = {r[0] for r in rows} if first is not None and group_by == "company" else None
    if group_by in ("total", "currency"):  # only the sums per currency
        credit = {(None, currency): amount for currency, amount in _credit_by_currency(scope).items()}
    else:
        credit = credit_unapplied(scope, company_ids=page_ids) if group_by != "channel" else {}
    if group_by == "tier":
        tiers = dict(_rows("SELECT id, credit_tier FROM companies_company WHERE installation_id = %(inst)s",
                           {"inst": scope.installation_id}))
    names = company_names(scope.installation_id, page_ids) if group_by == "company" else {}
    result, seen = [], set()
    n = len(buckets)
    for row in rows:
        k, name, currency = row[0], row[1], row[2]
        amounts = tuple(_dec(v) for v in row[3:3 + n])
        disputed, total, count = _dec(row[3 + n]), _dec(row[4 + n]), row[5 + n]
        if group_by == "company":
            unapplied, label, company_id = credit.get((k, currency), ZERO), names.get(k, ""), k
            seen.add((k, currency))
        elif group_by == "tier":
            unapplied = sum((v for (cid, cur), v in credit.items() if cur == currency and tiers.get(cid) == k), ZERO)
            label, company_id = k, None
        elif group_by == "channel":
            unapplied, label, company_id = None, k or "(no channel)", None
        else:
            unapplied = sum((v for (_, cur), v in credit.items() if cur == currency), ZERO)
            label, company_id = ("Total" if group_by == "total" else currency), None
        result.append(AgeingRow(key=str(k), label=label, currency=currency, buckets=amounts, disputed=disputed,
                                total=total, count=count, unapplied_credit=unapplied, company_id=company_id))
    if first is not None:
        pass  # a page: only rows that owe something
    elif group_by == "company":  # companies owed credit but owing nothing still show their credit
        for (company_id, currency), amount in sorted(credit.items()):
            if (company_id, currency) not in seen:
                result.append(AgeingRow(key=str(company_id), label=names.get(company_id, ""), currency=currency,
                                        buckets=(ZERO,) * n, disputed=ZERO, total=ZERO, count=0,
                                        unapplied_credit=amount, company_id=company_id))
    elif group_by in ("total", "currency", "tier"):
        present = {(r.key, r.currency) for r in result}
        extra = defaultdict(Decimal)
        for (company_id, currency), amount in credit.items():
            k = tiers.get(company_id) if group_by == "tier" else ""
            if (k, currency) not in present:
                extra[(k, currency)] += amount
        for (k, currency), amount in sorted(extra.items()):
            result.append(AgeingRow(key=k, label=k if group_by == "tier" else ("Total" if group_by == "total" else currency),
                                    currency=currency, buckets=(ZERO,) * n, disputed=ZERO, total=ZERO, count=0,
                                    unapplied_credit=amount))
    return Ageing(as_of=scope.as_of, basis=basis, group_by=group_by, labels=tuple(b.label for b in buckets),
                  rows=tuple(result), owing_rows=owing)


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One receivable with something open as of the date (the invoices behind a number)."""
    receivable_id: int
    reference: str
    invoice_id: int | None
    invoice_number: str
    order_number: str
    company_id: int
    company_name: str
    tier: str
    channel: str
    currency: str
    issue_date: dt.date
    due_date: dt.date
    open_amount: Decimal
    disputed: Decimal
    bucket: int
    days_past_due: int


OPEN_ITEM_SORTS = {
    "due_date": ("aged.due_date",), "issue_date": ("aged.issue_date",), "open_amount": ("aged.open_amount",),
    "disputed": ("aged.disputed",), "company": ("aged.legal_name",), "invoice_number": ("i.number",),
    "order_number": ("rr.order_number",), "currency": ("aged.currency",),
}


def _open_items_from(scope: Scope, *, basis: str, bounds: Sequence[int], bucket: int | None,
                     disputed_only: bool, overdue_only: bool) -> tuple[str, str, dict]:
    """The WITH and the FROM … WHERE of the open items (shared by the page and its count)."""
    sql, params = _items_sql(scope)
    case = _bucket_case(scope, bounds, basis, params)
    where = []
    # Qualified: the invoice joined beside has a due_date of its own (an unqualified one was ambiguous).
    if bucket is not None:
        where.append("aged.b = %(bucket)s AND aged.open_amount > aged.disputed")
        params["bucket"] = bucket
    if disputed_only:
        where.append("aged.disputed > 0")
    if overdue_only:
        where.append("aged.due_date < %(as_of)s AND aged.open_amount > aged.disputed")
    return (f"{sql}, aged AS (SELECT items.*, {case} AS b FROM items)",
            f"""FROM aged JOIN receivables_receivable rr ON rr.id = aged.id
          LEFT JOIN invoicing_invoice i ON i.receivable_id = aged.id AND i.kind = 'invoice'
         {'WHERE ' + ' AND '.join(where) if where else ''}""", params)


def open_items(scope: Scope, *, basis: str = "due", bounds: Sequence[int] = formulas.DEFAULT_BOUNDS,
               bucket: int | None = None, disputed_only: bool = False, overdue_only: bool = False,
               limit: int | None = None, offset: int = 0, sort: str = "due_date") -> list[OpenItem]:
    """The receivables open as of the date, optionally only those in one bucket (by the undisputed
    part), only disputed ones, only past due ones (undisputed part), and a page. ``sort``: a key of
    ``OPEN_ITEM_SORTS``, "-" first for descending (default: oldest due first); empty values last, ties by id."""
    key = sort.lstrip("-")
    if key not in OPEN_ITEM_SORTS:
        raise ValueError(f"unknown open-item sort {sort!r}")
    direction = "DESC" if sort.startswith("-") else "ASC"
    order = ", ".join(f"{column} {direction} NULLS LAST" for column in OPEN_ITEM_SORTS[key])
    head, tail, params = _open_items_from(scope, basis=basis, bounds=bounds, bucket=bucket,
                                          disputed_only=disputed_only, overdue_only=overdue_only)
    page = ""
    if limit is not None:
        page = " LIMIT %(limit)s OFFSET %(offset)s"
        params.update(limit=limit, offset=offset)
    rows = _rows(f"""{head}
        SELECT aged.id, rr.reference, i.id, COALESCE(i.number, ''), rr.order_number, aged.company_id, aged.legal_name,
               aged.tier, aged.channel, aged.currency, aged.issue_date, aged.due_date, aged.open_amount,
               aged.disputed, aged.b
          {tail}
         ORDER BY {order}, aged.id {direction}{page}""", params)
    return [OpenItem(receivable_id=r[0], reference=r[1], invoice_id=r[2], invoice_number=r[3], order_number=r[4],
                     company_id=r[5], company_name=r[6], tier=r[7], channel=r[8], currency=r[9],
                     issue_date=_date(r[10]), due_date=_date(r[11]), open_amount=_dec(r[12]), disputed=_dec(r[13]),
                     bucket=r[14], days_past_due=(scope.as_of - _date(r[11])).days) for r in rows]


def open_items_count(scope: Scope, *, basis: str = "due", bounds: Sequence[int] = formulas.DEFAULT_BOUNDS,
                     bucket: int | None = None, disputed_only: bool = False, overdue_only: bool = False) -> int:
    """How many open items ``open_items`` lists with the same filter, on every page."""
    head, tail, params = _open_items_from(scope, basis=basis, bounds=bounds, bucket=bucket,
                                          disputed_only=disputed_only, overdue_only=overdue_only)
    return _rows(f"{head}\n        SELECT COUNT(*)\n          {tail}", params)[0][0]


# ---------------------------------------------------------------- DSO and CEI, month by month


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month (the newest counted up to the as-of date) in one currency."""
    currency: str
    month: str  # YYYY-MM
    first: dt.date
    last: dt.date
    sales: Decimal
    receivables_end: Decimal
    current_end: Decimal
    dso_count_back: Decimal | None
    dso_simple: Decimal | None
    dso_best_possible: Decimal | None
    cei: Decimal | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _daily(rows: Iterable[tuple]) -> dict[str, dict[dt.date, Decimal]]:
    result: dict[str, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for currency, day, amount in rows:
        result[currency][_date(day)] += _dec(amount)
    return result


def _booked_by_day(scope: Scope) -> dict[str, dict[dt.date, Decimal]]:
    where, params = _scope_filter(scope)
    params["as_of"] = scope.as_of
    return _daily(_rows(f"""
        SELECT r.currency, r.issue_date, SUM(r.amount) FROM receivables_receivable r
          JOIN companies_company c ON c.id = r.company_id
          LEFT JOIN checkout_nettermstransaction t ON t.id = r.transaction_id
         WHERE {where} AND r.issue_date <= %(as_of)s GROUP BY r.currency, r.issue_date""", params))


def _moved_by_day(scope: Scope) -> dict[str, dict[dt.date, Decimal]]:
    """Movements on receivables after their booking, by effective date (a channel filter joins
    each entry to its receivable; otherwise the account's company and currency suffice)."""
    params = {"inst": scope.installation_id, "kind": AccountKind.RECEIVABLE.value, "as_of": scope.as_of,
              "booking0": BOOKING_KINDS[0], "booking1": BOOKING_KINDS[1]}
    where = ["a.installation_id = %(inst)s", "a.kind = %(kind)s", "p.effective_date <= %(as_of)s",
             "p.kind NOT IN (%(booking0)s, %(booking1)s)"]
    join = ""
    if scope.currency:
        where.append("a.currency = %(currency)s")
        params["currency"] = scope.currency
    if scope.company_id is not None:
        where.append("a.company_id = %(company)s")
        params["company"] = scope.company_id
    if scope.tier:
        join += " JOIN companies_company c ON c.id = a.company_id"
        where.append("c.credit_tier = %(tier)s")
        params["tier"] = scope.tier
    if scope.channel is not None:
        join += (" JOIN receivables_receivable r ON e.receivable_ref = 'rcv:' || r.id"
                 " LEFT JOIN checkout_nettermstransaction t ON t.id = r.transaction_id")
        where.append("COALESCE(t.channel_slug, '') = %(channel)s")
        params["channel"] = scope.channel
    return _daily(_rows(f"""
        SELECT a.currency, p.effective_date, SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END)
          FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
          JOIN ledger_posting p ON p.id = e.posting_id{join}
         WHERE {' AND '.join(where)} GROUP BY a.currency, p.effective_date""", params))


def receivables_current(scope: Scope) -> dict[str, Decimal]:
    """Currency → open as of the date and not yet due (due on or after it), disputed or not: the
    amounts plus the movements by then, like the receivables at a month's end (a receivable that
    received more by then than it was invoiced, e.g. a payment dated back after another was
    reversed, counts below zero here, as it does in the receivables at the month's end, so that the
    month rollup can keep it by adding)."""
    if by_date_used(scope):  # the rollup by invoice and due date: its net open amounts, below zero too
        params = {"inst": scope.installation_id, "as_of": scope.as_of, "currency": scope.currency}
        return {currency: _dec(total) for currency, total in _rows(f"""
            SELECT currency, SUM(net_amount) FROM receivables_reports_openbydate
             WHERE installation_id = %(inst)s AND issue_date <= %(as_of)s AND due_date >= %(as_of)s
                   {"AND currency = %(currency)s" if scope.currency else ""}
             GROUP BY currency""", params)}
    sql, params = _items_sql(scope, with_company=False)
    return {currency: _dec(total) for currency, total in _rows(
        f"{sql} SELECT currency, SUM(open_amount) FROM raw WHERE due_date >= %(as_of)s GROUP BY currency", params)}


def month_rollup_used(scope: Scope) -> bool:
    """On PostgreSQL, without a channel filter (the rollups are per company, not per channel), the
    months before the as-of date's are read from the month and lateness rollups (models.CompanyMonth,
    models.CompanyLateness; kept by the database, checked by ledger_verify) and only the as-of
    date's own month from the book."""
    return connection.vendor == "postgresql" and scope.channel is None


def _month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def _rollup_filter(scope: Scope, alias: str, params: dict) -> tuple[str, str]:
    """``(join, where)`` of a rollup table's rows in the scope (currency, company, tier)."""
    where, join = [f"{alias}.installation_id = %(inst)s"], ""
    params["inst"] = scope.installation_id
    if scope.currency:
        where.append(f"{alias}.currency = %(currency)s")
        params["currency"] = scope.currency
    if scope.company_id is not None:
        where.append(f"{alias}.company_id = %(company)s")
        params["company"] = scope.company_id
    if scope.tier:
        join = f" JOIN companies_company c ON c.id = {alias}.company_id"
        where.append("c.credit_tier = %(tier)s")
        params["tier"] = scope.tier
    return join, " AND ".join(where)


def _month_so_far(scope: Scope, params: dict, sales: dict, moved: dict) -> None:
    """The as-of date's month up to the date, from the book: its receivables by invoice date, its
    postings by effective date."""
    month = params["month"]
    join, where = _rollup_filter(scope, "r", params)
    for currency, total in _rows(f"""
            SELECT r.currency, SUM(r.amount) FROM receivables_receivable r{join}
             WHERE {where} AND r.issue_date >= %(month)s AND r.issue_date <= %(as_of)s GROUP BY r.currency""", params):
        sales[currency][month] = _dec(total)
    join, where = _rollup_filter(scope, "a", params)
    for currency, total in _rows(f"""
            SELECT a.currency, SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END)
              FROM ledger_posting p JOIN ledger_entry e ON e.posting_id = p.id
              JOIN ledger_account a ON a.id = e.account_id{join}
             WHERE p.installation_id = %(inst)s AND p.effective_date >= %(month)s AND p.effective_date <= %(as_of)s
               AND p.kind NOT IN ('receivable', 'fee', 'hold', 'hold_release') AND {where}
               AND a.kind = 'receivable' AND e.receivable_ref LIKE 'rcv:%%'
             GROUP BY a.currency""", params):
        moved[currency][month] = _dec(total)


def _months_from_rollup(scope: Scope) -> tuple[dict, dict, dict]:
    """Currency → month → (sales, movements, current at the month's end): the months before the
    as-of date's from the month rollup, the as-of date's own month (up to the date) from the book
    (its receivables by invoice date, its postings by effective date, what is current on the date)."""
    month = _month_first(scope.as_of)
    params: dict = {"month": month, "as_of": scope.as_of, "next": _months_back(month, -1),
                    "inst": scope.installation_id}
    # nothing in the as-of date's month dated after it (invoiced, or effective): its rollup row is the date's
    whole = not _rows("""SELECT EXISTS (SELECT 1 FROM receivables_receivable WHERE installation_id = %(inst)s
                                          AND issue_date > %(as_of)s AND issue_date < %(next)s)
                             OR EXISTS (SELECT 1 FROM ledger_posting WHERE installation_id = %(inst)s
                                          AND effective_date > %(as_of)s AND effective_date < %(next)s
                                          AND kind NOT IN ('receivable', 'fee', 'hold', 'hold_release'))""",
                      params)[0][0]
    params["stop"] = params["next"] if whole else month
    join, where = _rollup_filter(scope, "m", params)
    # without a tier or company filter: the month rollup summed over the companies (InstallationMonth)
    table = ("receivables_reports_companymonth" if scope.tier or scope.company_id is not None
             else "receivables_reports_installationmonth")
    sales: dict = defaultdict(dict)
    moved: dict = defaultdict(dict)
    current: dict = defaultdict(dict)
    for currency, first, s_, m_, c_ in _rows(f"""
            SELECT m.currency, m.month, SUM(m.sales), SUM(m.moved), SUM(m.current_end)
              FROM {table} m{join}
             WHERE {where} AND m.month < %(stop)s GROUP BY m.currency, m.month""", params):
        first = _date(first)
        sales[currency][first], moved[currency][first], current[currency][first] = _dec(s_), _dec(m_), _dec(c_)
    if not whole:
        _month_so_far(scope, params, sales, moved)
    for currency, total in receivables_current(scope).items():
        current[currency][month] = total
    return sales, moved, current


def _months_from_book(scope: Scope, periods: list[tuple[dt.date, dt.date]]) -> tuple[dict, dict, dict]:
    """The same as ``_months_from_rollup``, summed from the book (SQLite, or a channel filter)."""
    def by_month(daily):
        result: dict = defaultdict(lambda: defaultdict(Decimal))
        for currency, days in daily.items():
            for day, amount in days.items():
                result[currency][_month_first(day)] += amount
        return result
    sales, moved = by_month(_booked_by_day(scope)), by_month(_moved_by_day(scope))
    current: dict = defaultdict(dict)
    for first, last in periods:
        for currency, total in receivables_current(scope.on(last)).items():
            current[currency][first] = total
    return sales, moved, current


def monthly(scope: Scope, *, months: int = 24) -> dict[str, list[MonthFigures]]:
    """Currency → the ``months`` months ending with the as-of date's, oldest first: credit sales
    (receivables booked, by invoice date), receivables at the month's end (all and current),
    DSO count-back (through the months of the series and the ones before it), simple DSO,
    best possible DSO and CEI."""
    return _monthly(scope, months=months, from_rollup=month_rollup_used(scope))


def _monthly(scope: Scope, *, months: int, from_rollup: bool) -> dict[str, list[MonthFigures]]:
    periods = formulas.month_ends(scope.as_of, months)
    sales, moved, current = _months_from_rollup(scope) if from_rollup else _months_from_book(scope, periods)
    result: dict[str, list[MonthFigures]] = {}
    currencies = {cur for cur, values in sales.items() if any(values.values())}
    currencies |= {cur for cur, values in moved.items() if any(values.values())}
    for currency in sorted(currencies):
        b, m, c = sales.get(currency, {}), moved.get(currency, {}), current.get(currency, {})
        figures, history = [], []
        start = periods[0][0]
        balance = (sum((v for d, v in b.items() if d < start), ZERO) + sum((v for d, v in m.items() if d < start), ZERO))
        # count-back may reach before the series: the months before it, from the book's first sale
        booked = [d for d, v in b.items() if v]
        first_sale = min(booked) if booked else start
        for first, last in formulas.month_ends(start - dt.timedelta(days=1), _months_between(first_sale, start)):
            history.append(formulas.Period(b.get(first, ZERO), (last - first).days + 1))
        for first, last in periods:
            month_sales = b.get(first, ZERO)
            beginning = balance
            balance += month_sales + m.get(first, ZERO)
            days = (last - first).days + 1
            history.append(formulas.Period(month_sales, days))
            current_end = c.get(first, ZERO)
            figures.append(MonthFigures(
                currency=currency, month=f"{first:%Y-%m}", first=first, last=last, sales=month_sales,
                receivables_end=balance, current_end=current_end,
                dso_count_back=formulas.dso_count_back(balance, reversed(history)),
                dso_simple=formulas.dso_simple(balance, month_sales, days),
                dso_best_possible=formulas.dso_best_possible(current_end, month_sales, days),
                cei=formulas.cei(beginning=beginning, sales=month_sales, ending_total=balance,
                                 ending_current=current_end)))
        result[currency] = figures
    return result


def _months_between(first: dt.date, start: dt.date) -> int:
    return max(0, (start.year - first.year) * 12 + start.month - first.month)


# ---------------------------------------------------------------- lateness, utilisation, risk


def _lateness_window(scope: Scope, months: int, before: int) -> tuple[dt.date, dt.date, bool]:
    """``(first month, first month after the window, whether the window's newest month is the
    as-of date's own)``: ``months`` calendar months ending ``before`` months before the as-of
    date's month."""
    stop = _months_back(_month_first(scope.as_of), before - 1)
    return _months_back(stop, months), stop, before == 0


def _lateness_sql(scope: Scope, months: int, before: int) -> tuple[str, dict]:
    """``lateness AS (company_id, currency, paid, late)``: per company and currency, the amounts
    applied by payments received in the window and not reversed by the as-of date, and Σ amount ×
    days late. Whole months before the as-of date's from the lateness rollup; the as-of date's own
    month (up to the date) from the payments when any payment of that month was received after the
    date, else from its rollup row too; payments reversed after the as-of date put back."""
    first, stop, partial = _lateness_window(scope, months, before)
    if partial and not _rows("""SELECT EXISTS (SELECT 1 FROM payments_payment WHERE installation_id = %(inst)s
                                   AND received_on > %(as_of)s AND received_on < %(stop)s)""",
                             {"inst": scope.installation_id, "as_of": scope.as_of, "stop": stop})[0][0]:
        partial = False  # nothing received after the date in its month: the month's rollup row is the date's
    rollup_stop = _months_back(stop, 1) if partial else stop
    params: dict = {"l_first": first, "l_stop": rollup_stop, "as_of": scope.as_of,
                    "as_of_end": _day_end(scope, scope.as_of)}
    join, where = _rollup_filter(scope, "l", params)
    parts = [f"""SELECT l.company_id, l.currency, l.paid, l.late_amount_days AS late
                   FROM receivables_reports_companylateness l{join}
                  WHERE {where} AND l.month >= %(l_first)s AND l.month < %(l_stop)s"""]
    join, where = _rollup_filter(scope, "r", params)
    book = f"""SELECT r.company_id, r.currency, pa.amount, pa.amount * GREATEST(p.received_on - r.due_date, 0)
                 FROM payments_payment p JOIN payments_paymentallocation pa ON pa.payment_id = p.id
                 JOIN receivables_receivable r ON r.id = pa.receivable_id{join}
                WHERE p.installation_id = %(inst)s AND {where} AND {{when}}"""
    if partial:
        parts.append(book.format(when="p.received_on >= %(l_stop)s AND p.received_on <= %(as_of)s"
                                      " AND (p.reversed_at IS NULL OR p.reversed_at >= %(as_of_end)s)"))
    parts.append(book.format(when="p.reversed_at >= %(as_of_end)s AND p.received_on >= %(l_first)s"
                                  " AND p.received_on < %(l_stop)s"))
    sql = ("lateness AS (SELECT company_id, currency, SUM(paid) AS paid, SUM(late) AS late FROM ("
           + " UNION ALL ".join(parts) + ") x GROUP BY company_id, currency)")
    return sql, params


def days_late(scope: Scope, *, months: int = DAYS_LATE_HISTORY_MONTHS, before: int = 0) -> dict[tuple[int, str], Decimal]:
    """(company_id, currency) → average days late (``formulas.days_late_average``) of the payments
    received in ``months`` calendar months ending ``before`` months before the as-of date's month
    (default: the last 12, the newest counted up to the as-of date) and not reversed by the as-of date."""
    return _days_late(scope, months=months, before=before, from_rollup=month_rollup_used(scope))


def _days_late(scope: Scope, *, months: int, before: int, from_rollup: bool) -> dict[tuple[int, str], Decimal]:
    if from_rollup:
        sql, params = _lateness_sql(scope, months, before)
        return {(company_id, currency): formulas.days_late_from_sums(late_amount_days=_dec(late), paid=_dec(paid))
                for company_id, currency, paid, late in _rows(
                    f"WITH {sql} SELECT company_id, currency, paid, late FROM lateness WHERE paid > 0", params)}
    first, stop, _ = _lateness_window(scope, months, before)
    where, params = _scope_filter(scope)
    params.update(first=first, last=min(scope.as_of, stop - dt.timedelta(days=1)),
                  as_of_end=_day_end(scope, scope.as_of))
    rows = _rows(f"""
        SELECT r.company_id, r.currency, pa.amount, p.received_on, r.due_date
          FROM payments_paymentallocation pa JOIN payments_payment p ON p.id = pa.payment_id
          JOIN receivables_receivable r ON r.id = pa.receivable_id
          JOIN companies_company c ON c.id = r.company_id
          LEFT JOIN checkout_nettermstransaction t ON t.id = r.transaction_id
         WHERE {where} AND p.received_on >= %(first)s AND p.received_on <= %(last)s
           AND (p.reversed_at IS NULL OR p.reversed_at >= %(as_of_end)s)""", params)
    payments: dict[tuple[int, str], list[tuple[Decimal, int]]] = defaultdict(list)
    for company_id, currency, amount, received_on, due_date in rows:
        payments[(company_id, currency)].append((_dec(amount), (_date(received_on) - _date(due_date)).days))
    return {key: formulas.days_late_average(values) for key, values in payments.items()}


class Utilisation(NamedTuple):
    """One company's use of its limit in one currency: a tuple (built at C speed, 50,000 at a time)."""
    company_id: int
    company_name: str
    tier: str
    currency: str
    owed: Decimal
    on_hold: Decimal
    limit: Decimal
    percent: Decimal | None

    @property
    def exposure(self) -> Decimal:
        return self.owed + self.on_hold


def utilisation(scope: Scope, *, at_least: Decimal | None = None) -> list[Utilisation]:
    """Every company with a credit limit (in the scope's currency and tier): what it owes plus what
    is on hold, against the limit, now (limits keep no history; the ledger's maintained balances),
    highest use first; with ``at_least``, only those using at least that percentage (near their limit)."""
    if at_least is not None and connection.vendor != "postgresql":
        return [u for u in utilisation(scope) if u.percent is not None and u.percent >= at_least]
    params = {"inst": scope.installation_id, "recv": AccountKind.RECEIVABLE.value, "holds": AccountKind.HOLDS.value}
    where = [_utilisation_where(scope, params)]
    if connection.vendor != "postgresql":  # SQLite hands back floats and strings: the percentages here
        rows = [(cid, name, tier, currency, _dec(owed), _dec(held), _dec(limit))
                for cid, name, tier, currency, limit, owed, held in _rows(f"""
            SELECT c.id, c.legal_name, c.credit_tier, l.currency, l.amount,
                   COALESCE(ra.debits - ra.credits, 0), COALESCE(ha.debits - ha.credits, 0)
              FROM companies_creditlimit l JOIN companies_company c ON c.id = l.company_id
              LEFT JOIN ledger_account ra ON ra.company_id = c.id AND ra.currency = l.currency AND ra.kind = %(recv)s
              LEFT JOIN ledger_account ha ON ha.company_id = c.id AND ha.currency = l.currency AND ha.kind = %(holds)s
             WHERE {' AND '.join(where)}""", params)]
        result = [Utilisation(*row, formulas.utilisation(exposure=row[4] + row[5], limit=row[6])) for row in rows]
        result.sort(key=_utilisation_order)
        return result
    # PostgreSQL: the percentage (formulas.utilisation: exposure × 100 ÷ limit, none for a limit of
    # zero) and the order computed by the database, the rows made into tuples at C speed
    near = ""
    if at_least is not None:
        near = "WHERE percent >= %(at_least)s"
        params["at_least"] = at_least
    return list(map(Utilisation._make, _rows(f"""
        SELECT * FROM ({_UTILISATION_SQL.format(where=' AND '.join(where))}) u {near}
         ORDER BY percent DESC NULLS LAST, id""", params)))


_UTILISATION_SQL = """
        SELECT id, legal_name, credit_tier, currency, owed, held, amount,
               CASE WHEN amount > 0 THEN (owed + held) * 100 / amount END AS percent
          FROM (SELECT c.id, c.legal_name, c.credit_tier, l.currency, l.amount,
                       COALESCE(ra.debits - ra.credits, 0) AS owed, COALESCE(ha.debits - ha.credits, 0) AS held
                  FROM companies_creditlimit l JOIN companies_company c ON c.id = l.company_id
                  LEFT JOIN ledger_account ra ON ra.company_id = c.id AND ra.currency = l.currency AND ra.kind = %(recv)s
                  LEFT JOIN ledger_account ha ON ha.company_id = c.id AND ha.currency = l.currency AND ha.kind = %(holds)s
                 WHERE {where}) x"""


def utilisation_histogram(scope: Scope) -> list[tuple[str, int]]:
    """``formulas.utilisation_histogram`` of ``utilisation(scope)``'s percentages, counted by the
    database on PostgreSQL (one row per bin, not one per company)."""
    if connection.vendor != "postgresql":
        return formulas.utilisation_histogram(u.percent for u in utilisation(scope))
    params = {"inst": scope.installation_id, "recv": AccountKind.RECEIVABLE.value, "holds": AccountKind.HOLDS.value}
    where = _utilisation_where(scope, params)
    edges = formulas.UTILISATION_BIN_EDGES
    params.update({f"e{i}": edge for i, edge in enumerate(edges)})
    bin_of = " + ".join(f"(percent >= %(e{i})s)::int" for i in range(len(edges)))  # how many edges are ≤ it
    counts = dict(_rows(f"""
        SELECT {bin_of} AS bin, COUNT(*) FROM ({_UTILISATION_SQL.format(where=where)}) u
         WHERE percent IS NOT NULL GROUP BY 1""", params))
    return [(label, counts.get(i, 0)) for i, label in enumerate(formulas.utilisation_bin_labels(edges))]


def _utilisation_where(scope: Scope, params: dict) -> str:
    where = ["c.installation_id = %(inst)s"]
    if scope.currency:
        where.append("l.currency = %(currency)s")
        params["currency"] = scope.currency
    if scope.tier:
        where.append("c.credit_tier = %(tier)s")
        params["tier"] = scope.tier
    if scope.company_id is not None:
        where.append("c.id = %(company)s")
        params["company"] = scope.company_id
    return " AND ".join(where)


def _utilisation_order(u: Utilisation) -> tuple:
    return (u.percent is None, -(u.percent or ZERO), u.company_id)


@dataclass(frozen=True, slots=True)
class CompanyRisk:
    company_id: int
    company_name: str
    currency: str
    amount: Decimal  # what makes it a risk: the 90+ amount, the promise, the exposure
    detail: str


@dataclass(frozen=True, slots=True)
class AtRisk:
    as_of: dt.date
    share_over_90: dict[str, Decimal | None]  # currency → percent of the open amount more than 90 days past due
    over_90: tuple[CompanyRisk, ...]
    on_hold: tuple[CompanyRisk, ...]
    broken_promises: tuple[CompanyRisk, ...]
    rising_lateness: tuple[CompanyRisk, ...]


def at_risk(scope: Scope, *, ageing_by_company: Ageing | None = None) -> AtRisk:
    """Where risk is building: the share and the companies of receivables more than 90 days past
    due (undisputed), companies on hold (status or a hold in force), promises broken in the last
    90 days, and companies whose average lateness over the last 3 calendar months (the newest up to
    the as-of date) is at least 5 days above the 3 months before."""
    if ageing_by_company is not None:  # (company, currency, more than 90 days, open, how many), as below
        exposures = sorted(((r.company_id, r.currency, r.buckets[-1], r.total, r.count) for r in ageing_by_company.rows),
                           key=lambda e: -e[2])
        labels = {r.company_id: r.label for r in ageing_by_company.rows}
    else:
        exposures, labels = _company_exposures(scope), None
    over = [e for e in exposures if e[2] > 0]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    late: dict[str, Decimal] = defaultdict(Decimal)
    for _, currency, over_90, total, _ in exposures:
        totals[currency] += total
        late[currency] += over_90
    share = {cur: formulas.rounded(formulas._ratio(late[cur], totals[cur], formulas.HUNDRED)) for cur in sorted(totals)}
    open_by_company = {(e[0], e[1]): e[3] for e in exposures}
    if labels is None:
        ids = {e[0] for e in over}
        labels = company_names(scope.installation_id, ids if len(ids) <= 1000 else None)
    params = {"inst": scope.installation_id, "as_of_end": _day_end(scope, scope.as_of), "on_hold": "on_hold",
              "since": scope.as_of - dt.timedelta(days=BROKEN_PROMISE_DAYS), "as_of": scope.as_of}
    extra = ""
    if scope.tier:
        extra += " AND c.credit_tier = %(tier)s"
        params["tier"] = scope.tier
    if scope.company_id is not None:
        extra += " AND c.id = %(company)s"
        params["company"] = scope.company_id
    # only the companies on hold (status, or a hold in force on the date), not one row per company
    holds = _rows(f"""
        SELECT c.id, c.legal_name, c.status, h.reason
          FROM companies_company c
          LEFT JOIN (SELECT h.company_id, MIN(h.reason_code) AS reason
                       FROM companies_accounthold h JOIN companies_company hc ON hc.id = h.company_id
                      WHERE hc.installation_id = %(inst)s AND h.placed_at < %(as_of_end)s
                        AND (h.lifted_at IS NULL OR h.lifted_at >= %(as_of_end)s)
                      GROUP BY h.company_id) h ON h.company_id = c.id
         WHERE c.installation_id = %(inst)s{extra} AND (c.status = %(on_hold)s OR h.reason IS NOT NULL)
         ORDER BY c.id""", params)
    on_hold = []
    held = {row[0] for row in holds}
    if ageing_by_company is None:  # a company on hold owed credit but owing nothing: its currency, 0 (as in the table)
        for key in credit_unapplied(scope, company_ids=held):
            open_by_company.setdefault(key, ZERO)
    first_open: dict[int, tuple[str, Decimal]] = {}  # company → its first currency (alphabetical) and open amount
    for (cid, currency), total in sorted(((k, v) for k, v in open_by_company.items() if k[0] in held),
                                         key=lambda item: (item[0][0] or 0, item[0][1])):
        if cid not in first_open and (not scope.currency or currency == scope.currency):
            first_open[cid] = (currency, total)
    for company_id, name, status, reason in holds:
        if status != "on_hold" and reason is None:
            continue
        currency, total = first_open.get(company_id, (scope.currency or "", ZERO))
        on_hold.append(CompanyRisk(company_id, name, currency, total, reason or "status on hold"))
    if scope.currency:
        extra += " AND pp.currency = %(currency)s"
        params["currency"] = scope.currency
    promises = _rows(f"""
        SELECT c.id, c.legal_name, pp.currency, pp.amount, pp.promised_date
          FROM collections_paymentpromise pp JOIN companies_company c ON c.id = pp.company_id
         WHERE c.installation_id = %(inst)s AND pp.status = 'broken'
           AND pp.resolved_on > %(since)s AND pp.resolved_on <= %(as_of)s{extra}
         ORDER BY pp.resolved_on DESC, pp.id DESC""", params)
    recent = days_late(scope, months=LATENESS_WINDOW_MONTHS)
    prior = days_late(scope, months=LATENESS_WINDOW_MONTHS, before=LATENESS_WINDOW_MONTHS)
    rising_keys = [(key, value) for key, value in sorted(recent.items())
                   if formulas.lateness_rising(recent=value, prior=prior.get(key), threshold_days=RISING_LATENESS_DAYS)]
    names = company_names(scope.installation_id, [cid for (cid, _), _ in rising_keys])
    rising = [CompanyRisk(cid, names.get(cid, ""), currency, open_by_company.get((cid, currency), ZERO),
                          f"{formulas.rounded(prior.get((cid, currency)) or ZERO, '0.1')} → "
                          f"{formulas.rounded(value, '0.1')} days late")
              for (cid, currency), value in rising_keys]
    return AtRisk(
        as_of=scope.as_of, share_over_90=share,
        over_90=tuple(CompanyRisk(cid, labels.get(cid, ""), currency, over_90, f"{count} open")
                      for cid, currency, over_90, _, count in over),
        on_hold=tuple(on_hold),
        broken_promises=tuple(CompanyRisk(cid, name, cur, _dec(amount), f"promised for {_date(day)}")
                              for cid, name, cur, amount, day in promises),
        rising_lateness=tuple(rising))


def _company_exposures(scope: Scope) -> list[tuple]:
    """``(company_id, currency, undisputed more than 90 days past due, open, open receivables)`` of
    every company owing something as of the date, most past 90 days first (then the largest open,
    currency, company): the ageing per company reduced to what at-risk reads."""
    sql, params = _items_sql(scope, with_company=False)
    case = _bucket_case(scope, formulas.DEFAULT_BOUNDS, "due", params)
    last = len(formulas.DEFAULT_BOUNDS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'")
        cursor.execute(f"""{sql}, aged AS (SELECT items.*, {case} AS b FROM items)
            SELECT company_id, currency, SUM(CASE WHEN b = {last} THEN open_amount - disputed ELSE 0 END) AS over_90,
                   SUM(open_amount) AS total, COUNT(*) AS n
              FROM aged GROUP BY company_id, currency ORDER BY over_90 DESC, total DESC, currency, company_id""", params)
        rows = cursor.fetchall()
    if connection.vendor != "postgresql":
        rows = [(cid, cur, _dec(o), _dec(t), n) for cid, cur, o, t, n in rows]
    return rows


# ---------------------------------------------------------------- cash forecast


def _schedules(installation_id: int, receivable_ids: set[int]) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """Instalment schedules (two or more parts) of the invoices of these receivables (one query for
    the installation's instalment invoices, whatever the number of receivables)."""
    if not receivable_ids:
        return {}
    count = ("jsonb_array_length(snapshot->'schedule')" if connection.vendor == "postgresql"
             else "json_array_length(snapshot, '$.schedule')")
    result = {}
    for invoice in Invoice.objects.raw(
            f"SELECT id, receivable_id, snapshot FROM invoicing_invoice WHERE installation_id = %s AND kind = %s "
            f"AND receivable_id IS NOT NULL AND {count} > 1", [installation_id, InvoiceKind.INVOICE.value]):
        if invoice.receivable_id in receivable_ids:
            result[invoice.receivable_id] = [(_date(p["due_date"]), _dec(p["amount"])) for p in invoice.snapshot["schedule"]]
    return result


def cash_forecast(scope: Scope, *, weeks: int = formulas.FORECAST_WEEKS) -> dict[str, formulas.Forecast]:
    """Currency → expected receipts by week for ``weeks`` weeks from the as-of date: each open,
    undisputed amount on its due date (an instalment invoice: on each open instalment's) plus the
    company's average days late in that currency over the last 12 calendar months (``days_late``).

    On PostgreSQL without a channel filter: one SQL statement over the open-receivables and
    lateness rollups (``formulas.instalments_open`` and ``formulas.expected_date`` written in SQL:
    the latest instalments first, the rest on the earliest, lateness rounded half up); otherwise
    the open items and the lateness are read and combined here."""
    if not month_rollup_used(scope):
        return _cash_forecast_book(scope, weeks=weeks)
    items, params = _items_sql(scope, with_company=False)
    lateness, late_params = _lateness_sql(scope, DAYS_LATE_HISTORY_MONTHS, 0)
    params.update(late_params, invoice_kind=InvoiceKind.INVOICE.value, weeks=weeks)
    rows = _rows(f"""{items}, {lateness},
open_part AS (SELECT id, company_id, currency, due_date, open_amount - disputed AS amount
                FROM items WHERE open_amount - disputed > 0),
schedule AS (SELECT inv.receivable_id AS id, (part->>'due_date')::date AS due, (part->>'amount')::numeric AS amt
               FROM invoicing_invoice inv, jsonb_array_elements(inv.snapshot->'schedule') part
              WHERE inv.installation_id = %(inst)s AND inv.kind = %(invoice_kind)s AND inv.receivable_id IS NOT NULL
                AND jsonb_array_length(inv.snapshot->'schedule') > 1
                AND inv.receivable_id IN (SELECT id FROM open_part)),
parts AS (SELECT o.id, o.company_id, o.currency, o.amount AS open_amount, s.due, s.amt,
                 SUM(s.amt) OVER (PARTITION BY o.id ORDER BY s.due DESC, s.amt DESC ROWS UNBOUNDED PRECEDING) AS upto,
                 SUM(s.amt) OVER (PARTITION BY o.id) AS scheduled,
                 ROW_NUMBER() OVER (PARTITION BY o.id ORDER BY s.due, s.amt) AS earliest
            FROM open_part o JOIN schedule s ON s.id = o.id),
expected AS (SELECT company_id, currency, due_date AS due, amount FROM open_part
              WHERE id NOT IN (SELECT id FROM schedule)
             UNION ALL
             SELECT company_id, currency, due,
                    LEAST(amt, open_amount - (upto - amt))
                    + CASE WHEN earliest = 1 AND open_amount > scheduled THEN open_amount - scheduled ELSE 0 END
               FROM parts WHERE open_amount - (upto - amt) > 0),
dated AS (SELECT e.currency, e.amount,
                 e.due + COALESCE(round(l.late / NULLIF(l.paid, 0))::int, 0) - %(as_of)s::date AS offset_days
            FROM expected e LEFT JOIN lateness l ON l.company_id = e.company_id AND l.currency = e.currency)
SELECT currency, CASE WHEN offset_days < 0 THEN -1 WHEN offset_days >= 7 * %(weeks)s THEN %(weeks)s
                      ELSE offset_days / 7 END AS week, SUM(amount)
  FROM dated GROUP BY 1, 2""", params)
    sums: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for currency, week, amount in rows:
        sums[currency][week] = _dec(amount)
    return {currency: formulas.Forecast(as_of=scope.as_of, overdue=by_week.get(-1, ZERO),
                                        weeks=tuple(by_week.get(i, ZERO) for i in range(weeks)),
                                        later=by_week.get(weeks, ZERO))
            for currency, by_week in sorted(sums.items())}


def _cash_forecast_book(scope: Scope, *, weeks: int) -> dict[str, formulas.Forecast]:
    """``cash_forecast`` from the open items and the payments (SQLite, or a channel filter)."""
    items = open_items(scope)
    lateness = days_late(scope)
    schedules = _schedules(scope.installation_id, {i.receivable_id for i in items})
    expected: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for item in items:
        amount = item.open_amount - item.disputed
        if amount <= 0:
            continue
        late = lateness.get((item.company_id, item.currency))
        parts = (formulas.instalments_open(schedules[item.receivable_id], amount)
                 if item.receivable_id in schedules else [(item.due_date, amount)])
        expected[item.currency] += [(formulas.expected_date(due, late), part) for due, part in parts]
    return {currency: formulas.forecast_weeks(scope.as_of, values, weeks) for currency, values in sorted(expected.items())}


def open_receivable_rows() -> QuerySet:
    """Every receivable with money open, as rows of ``receivable_id``, ``company_id``,
    ``currency``, ``due_date`` and ``open_amount`` — for registers that filter and aggregate them in
    a correlated subquery. On PostgreSQL the ``OpenReceivable`` rollup its triggers keep; on
    SQLite (``make run``), which has no such triggers, the open receivables with the ledger's own
    balance row (``ReceivableBalance``, kept by the ledger on both) — same rows, same amounts."""
    if connection.vendor == "postgresql":
        return OpenReceivable.objects.all()
    balance = (ReceivableBalance.objects.filter(installation_id=OuterRef("installation_id"),
                                                receivable_ref=Concat(Value("rcv:"), Cast(OuterRef("id"), CharField())))
               .annotate(open=ExpressionWrapper(F("debits") - F("credits"), output_field=_OPEN_FIELD))
               .values("open")[:1])
    return (Receivable.objects.annotate(receivable_id=F("id"), open_amount=Subquery(balance, output_field=_OPEN_FIELD))
            .filter(open_amount__gt=0))
