"""Every table of the Receivables page as CSV (RFC 4180, UTF-8) or XLSX (openpyxl): a header row,
then one row per line. Amounts are exact decimal strings at the currency's precision in CSV and numbers with the currency in
its own column in XLSX (Decimal cells, written exactly); dates are ISO 8601. A cell starting with ``=``, ``+``, ``-`` or ``@`` in a
text column (a company's legal name) is prefixed with ``'`` so a spreadsheet never runs it."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from openpyxl import Workbook

from saleor_netterms.core.money import quantize

from . import selectors
from .formulas import rounded

TABLES = ("ageing", "open_items", "monthly", "utilisation", "at_risk", "cash_forecast", "days_late")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    header: tuple[str, ...]
    rows: list[tuple]


def _text(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _m(amount, currency: str):
    """An amount at its currency's precision (None stays None)."""
    return None if amount is None or not currency else quantize(amount, currency)


def table_build(name: str, scope: selectors.Scope, *, group_by: str = "company", basis: str = "due",
                bounds: Sequence[int] | None = None, bucket: int | None = None, months: int = 24) -> Table:
    """The rows of one table (see TABLES) for the scope, as the page shows them."""
    bounds = tuple(bounds) if bounds else selectors.formulas.DEFAULT_BOUNDS
    if name == "ageing":
        table = selectors.ageing(scope, group_by=group_by, basis=basis, bounds=bounds)
        header = ("group", "currency", *table.labels, "disputed", "total", "unapplied credit", "invoices")
        return Table(name, header, [(_text(r.label), r.currency, *(_m(b, r.currency) for b in r.buckets),
                                     _m(r.disputed, r.currency), _m(r.total, r.currency),
                                     _m(r.unapplied_credit, r.currency), r.count) for r in table.rows])
    if name == "open_items":
        items = selectors.open_items(scope, basis=basis, bounds=bounds, bucket=bucket, limit=MAX_ROWS)
        labels = [b.label for b in selectors.formulas.buckets_make(bounds)]
        return Table(name, ("invoice", "reference", "order", "company", "tier", "channel", "currency", "issued",
                            "due", "days past due", "bucket", "open", "disputed"),
                     [(i.invoice_number, i.reference, i.order_number, _text(i.company_name), i.tier, i.channel,
                       i.currency, i.issue_date, i.due_date, i.days_past_due, labels[i.bucket],
                       _m(i.open_amount, i.currency), _m(i.disputed, i.currency)) for i in items])
    if name == "monthly":
        rows = []
        for currency, figures in selectors.monthly(scope, months=months).items():
            rows += [(m.month, currency, _m(m.sales, currency), _m(m.receivables_end, currency),
                      _m(m.current_end, currency), rounded(m.dso_count_back),
                      rounded(m.dso_simple), rounded(m.dso_best_possible), rounded(m.cei)) for m in figures]
        return Table(name, ("month", "currency", "credit sales", "receivables at end", "current at end",
                            "DSO count-back", "DSO simple", "best possible DSO", "CEI %"), rows)
    if name == "utilisation":
        return Table(name, ("company", "tier", "currency", "owed", "on hold", "limit", "utilisation %"),
                     [(_text(u.company_name), u.tier, u.currency, _m(u.owed, u.currency), _m(u.on_hold, u.currency),
                       _m(u.limit, u.currency), rounded(u.percent))
                      for u in selectors.utilisation(scope)])
    if name == "at_risk":
        risk = selectors.at_risk(scope)
        rows = []
        for kind, entries in (("over 90 days", risk.over_90), ("on hold", risk.on_hold),
                              ("broken promise", risk.broken_promises), ("rising lateness", risk.rising_lateness)):
            rows += [(kind, _text(c.company_name), c.currency, _m(c.amount, c.currency), c.detail) for c in entries]
        return Table(name, ("risk", "company", "currency", "amount", "detail"), rows)
    if name == "cash_forecast":
        rows = []
        for currency, forecast in selectors.cash_forecast(scope).items():
            rows.append(("overdue", "", currency, _m(forecast.overdue, currency)))
            rows += [(f"week {i + 1}", forecast.week_start(i), currency, _m(amount, currency))
                     for i, amount in enumerate(forecast.weeks)]
            rows.append(("later", "", currency, _m(forecast.later, currency)))
        return Table(name, ("period", "week starting", "currency", "expected"), rows)
    if name == "days_late":
        names = selectors.company_names(scope.installation_id)
        late = selectors.days_late(scope)
        return Table(name, ("company", "currency", "average days late"),
                     [(_text(names.get(cid, str(cid))), cur, rounded(v, "0.1")) for (cid, cur), v in sorted(late.items())])
    raise ValueError(f"unknown table {name!r}")


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([_cell(v) for v in row] for row in table.rows)
    return out.getvalue()


def table_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:31])
    sheet.append(list(table.header))
    for row in table.rows:
        sheet.append(["" if v is None else v for v in row])  # Decimal cells are written exactly
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
