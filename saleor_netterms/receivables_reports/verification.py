"""ledger_verify's check of the open-receivables rollup (registered by ReceivablesReportsConfig.ready):
every row recomputed from the entries on its receivable's reference in the receivable account,
and every receivable with something open has its row (PostgreSQL; SQLite keeps no rollup)."""
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


def verification_register() -> None:
    check_register("open_receivables", open_receivables)
