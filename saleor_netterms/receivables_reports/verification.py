"""ledger_verify's checks of the reports' rollups (registered by ReceivablesReportsConfig.ready),
each against a full recomputation from the book (PostgreSQL; SQLite keeps no rollup):

- ``open_receivables``: every row recomputed from the entries on its receivable's reference in
  the receivable account, and every receivable with something open has its row;
- ``company_months``: per company, currency and month, the credit sales (receivables by invoice
  date), the movements after booking (entries by effective date) and what was open and not yet due
  at the month's end, recomputed from the receivables and the entries;
- ``company_lateness``: per company, currency and month of receipt, the amounts applied by
  payments not reversed, Σ amount × days late and their count, recomputed from the allocations;
- ``open_by_date``: per currency, invoice date, due date and shard, the open amounts (above zero
  and all) and their counts, recomputed from the open-receivables rollup (itself checked above);
- ``installation_months``: per currency, month and shard, the month rollup summed over the
  companies, recomputed from it (itself checked above).

A row of zeros is the same as no row."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from saleor_netterms.ledger.verification import Mismatch, check_register

RECOMPUTED = r"""
SELECT r.id, r.installation_id, r.company_id, r.currency, r.issue_date, r.due_date, s.total
  FROM (SELECT substr(e.receivable_ref, 5)::bigint AS receivable_id,
               SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END) AS total
          FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
         WHERE a.kind = 'receivable' AND e.receivable_ref ~ '^rcv:[0-9]{{1,18}}$' {where}
         GROUP BY 1) s
  JOIN receivables_receivable r ON r.id = s.receivable_id
 WHERE s.total <> 0"""
KEPT = """SELECT receivable_id, installation_id, company_id, currency, issue_date, due_date, open_amount
            FROM receivables_reports_openreceivable {where}"""


def open_receivables(installation_id: int | None) -> Iterable[Mismatch]:
    if connection.vendor != "postgresql":
        return
    params = [] if installation_id is None else [installation_id]
    with connection.cursor() as cursor:
        cursor.execute(RECOMPUTED.format(where="" if installation_id is None else "AND a.installation_id = %s"), params)
        expected = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(KEPT.format(where="" if installation_id is None else "WHERE installation_id = %s"), params)
        kept = {row[0]: row[1:] for row in cursor.fetchall()}
    for receivable_id in sorted(set(expected) | set(kept)):
        want, have = expected.get(receivable_id), kept.get(receivable_id)
        if want != have:
            yield Mismatch("open_receivables", f"receivable {receivable_id} (open-receivables rollup)",
                           _show(want), _show(have))


def _show(row) -> str:
    if row is None:
        return "no row"
    _, company_id, currency, issued, due, amount = row
    return f"company {company_id} {amount:.4f} {currency} issued {issued} due {due}"


MONTHS_RECOMPUTED = r"""
WITH r AS (SELECT id, installation_id, company_id, currency, amount, issue_date, due_date
             FROM receivables_receivable {where_r}),
mv AS (SELECT substr(e.receivable_ref, 5)::bigint AS rid, p.effective_date AS eff,
              CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END AS delta
         FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN ledger_posting p ON p.id = e.posting_id
        WHERE a.kind = 'receivable' AND e.receivable_ref ~ '^rcv:[0-9]{{1,18}}$'
          AND p.kind NOT IN ('receivable', 'fee') {where_a}),
month_ends AS (SELECT g::date AS month, (g + interval '1 month' - interval '1 day')::date AS last
                 FROM generate_series((SELECT date_trunc('month', MIN(issue_date)::timestamp) FROM r),
                                      (SELECT date_trunc('month', MAX(due_date)::timestamp) FROM r),
                                      interval '1 month') g),
-- open at a month end on a receivable invoiced by then and not yet due: its amount plus its
-- movements effective by then (each counted at every such month end from its own date on)
x AS (SELECT r.company_id, r.currency, date_trunc('month', r.issue_date::timestamp)::date AS month,
             r.amount AS sales, 0::numeric AS moved, 0::numeric AS current_end FROM r
      UNION ALL
      SELECT r.company_id, r.currency, date_trunc('month', mv.eff::timestamp)::date, 0, mv.delta, 0
        FROM mv JOIN r ON r.id = mv.rid
      UNION ALL
      SELECT r.company_id, r.currency, me.month, 0, 0, r.amount
        FROM r JOIN month_ends me ON me.last BETWEEN r.issue_date AND r.due_date
      UNION ALL
      SELECT r.company_id, r.currency, me.month, 0, 0, mv.delta
        FROM mv JOIN r ON r.id = mv.rid JOIN month_ends me ON me.last BETWEEN GREATEST(r.issue_date, mv.eff) AND r.due_date)
SELECT company_id, currency, month, SUM(sales), SUM(moved), SUM(current_end) FROM x GROUP BY 1, 2, 3"""
MONTHS_KEPT = """SELECT company_id, currency, month, sales, moved, current_end
                   FROM receivables_reports_companymonth {where}"""

LATENESS_RECOMPUTED = r"""
SELECT r.company_id, r.currency, date_trunc('month', p.received_on::timestamp)::date, SUM(pa.amount),
       SUM(pa.amount * GREATEST(p.received_on - r.due_date, 0)), COUNT(*)
  FROM payments_paymentallocation pa JOIN payments_payment p ON p.id = pa.payment_id
  JOIN receivables_receivable r ON r.id = pa.receivable_id
 WHERE p.reversed_at IS NULL {where}
 GROUP BY 1, 2, 3"""
LATENESS_KEPT = """SELECT company_id, currency, month, paid, late_amount_days, payments
                     FROM receivables_reports_companylateness {where}"""


def _compare(check: str, what: str, names: tuple[str, ...], expected_sql: str, kept_sql: str,
             installation_id: int | None) -> Iterable[Mismatch]:
    with connection.cursor() as cursor:
        cursor.execute(expected_sql, [installation_id] * expected_sql.count("%s"))
        expected = {row[:3]: row[3:] for row in cursor.fetchall()}
        cursor.execute(kept_sql, [installation_id] * kept_sql.count("%s"))
        kept = {row[:3]: row[3:] for row in cursor.fetchall()}
    for key in sorted(set(expected) | set(kept)):
        want, have = expected.get(key), kept.get(key)
        zero = (0,) * len(names)
        if tuple(want or zero) != tuple(have or zero):
            company_id, currency, month = key
            show = lambda values: ("no row" if values is None else ", ".join(  # noqa: E731
                f"{name} {value}" for name, value in zip(names, values)))
            yield Mismatch(check, f"company {company_id} {currency} {month:%Y-%m} ({what})", show(want), show(have))


def company_months(installation_id: int | None) -> Iterable[Mismatch]:
    if connection.vendor != "postgresql":
        return
    one = installation_id is not None
    yield from _compare(
        "company_months", "month rollup", ("sales", "moved", "current at month end"),
        MONTHS_RECOMPUTED.format(where_r="WHERE installation_id = %s" if one else "",
                                 where_a="AND a.installation_id = %s" if one else ""),
        MONTHS_KEPT.format(where="WHERE installation_id = %s" if one else ""),
        installation_id)


def company_lateness(installation_id: int | None) -> Iterable[Mismatch]:
    if connection.vendor != "postgresql":
        return
    one = installation_id is not None
    yield from _compare(
        "company_lateness", "lateness rollup", ("paid", "amount × days late", "payments"),
        LATENESS_RECOMPUTED.format(where="AND r.installation_id = %s" if one else ""),
        LATENESS_KEPT.format(where="WHERE installation_id = %s" if one else ""),
        installation_id)


BY_DATE_RECOMPUTED = """
SELECT currency, issue_date, due_date, mod(company_id, 32), SUM(GREATEST(open_amount, 0)),
       COUNT(*) FILTER (WHERE open_amount > 0), SUM(open_amount), COUNT(*)
  FROM receivables_reports_openreceivable WHERE installation_id = %s GROUP BY 1, 2, 3, 4"""
BY_DATE_KEPT = """SELECT currency, issue_date, due_date, shard, open_amount, receivables, net_amount, members
                    FROM receivables_reports_openbydate WHERE installation_id = %s"""
INSTALLATION_MONTHS_RECOMPUTED = """
SELECT currency, month, mod(company_id, 32), SUM(sales), SUM(moved), SUM(current_end)
  FROM receivables_reports_companymonth WHERE installation_id = %s GROUP BY 1, 2, 3"""
INSTALLATION_MONTHS_KEPT = """SELECT currency, month, shard, sales, moved, current_end
                                FROM receivables_reports_installationmonth WHERE installation_id = %s"""


def _installations(installation_id: int | None) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM installations_installation" + ("" if installation_id is None else " WHERE id = %s"),
                       [] if installation_id is None else [installation_id])
        return [row[0] for row in cursor.fetchall()]


def _compare_keyed(check: str, what: str, width: int, names: tuple[str, ...], expected_sql: str, kept_sql: str,
                   installation_id: int | None) -> Iterable[Mismatch]:
    """Rows keyed by their first ``width`` columns, per installation (rows of zeros = no row)."""
    if connection.vendor != "postgresql":
        return
    zero = (0,) * len(names)
    for inst in _installations(installation_id):
        with connection.cursor() as cursor:
            cursor.execute(expected_sql, [inst])
            expected = {row[:width]: row[width:] for row in cursor.fetchall()}
            cursor.execute(kept_sql, [inst])
            kept = {row[:width]: row[width:] for row in cursor.fetchall()}
        for key in sorted(set(expected) | set(kept)):
            want, have = expected.get(key), kept.get(key)
            if tuple(want or zero) != tuple(have or zero):
                show = lambda values: ("no row" if values is None else ", ".join(  # noqa: E731
                    f"{name} {value}" for name, value in zip(names, values)))
                yield Mismatch(check, f"installation {inst} {' '.join(str(k) for k in key)} ({what})",
                               show(want), show(have))


def open_by_date(installation_id: int | None) -> Iterable[Mismatch]:
    yield from _compare_keyed("open_by_date", "open by invoice and due date, shard", 4,
                              ("open above zero", "receivables", "net open", "rows"),
                              BY_DATE_RECOMPUTED, BY_DATE_KEPT, installation_id)


def installation_months(installation_id: int | None) -> Iterable[Mismatch]:
    yield from _compare_keyed("installation_months", "months over the companies, shard", 3,
                              ("sales", "moved", "current at month end"),
                              INSTALLATION_MONTHS_RECOMPUTED, INSTALLATION_MONTHS_KEPT, installation_id)


def verification_register() -> None:
    check_register("open_receivables", open_receivables)
    check_register("company_months", company_months)
    check_register("company_lateness", company_lateness)
    check_register("open_by_date", open_by_date)
    check_register("installation_months", installation_months)
