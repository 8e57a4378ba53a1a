"""Shared by the benchmarks that seed books with generate_series (the ORM would take hours): after
the postings and entries are inserted, the figures the ledger maintains as it posts are computed
once from the entries, exactly as the ledger's migrations backfill them, so the seeded book is one
``ledger_verify`` passes."""
from __future__ import annotations

import importlib

# The receivables rollups PostgreSQL keeps by row triggers (receivables_reports): rebuilt set-based
# by their migrations' own statements after a seed made with those triggers off.
_ROLLUP_REBUILDS = (("0002_open_receivable_from_balances", "REBUILD"),
                    ("0003_month_and_lateness_rollups", "BACKFILL"),
                    ("0005_open_by_date_and_installation_months", "REBUILD"))


def maintained_figures_fill(cursor, installation_id: int) -> None:
    """Company accounts' debits/credits and every receivable reference's ReceivableBalance row."""
    cursor.execute("""UPDATE ledger_account a SET debits = s.debits, credits = s.credits
                        FROM (SELECT account_id, COALESCE(SUM(amount) FILTER (WHERE side = 'debit'), 0) AS debits,
                                     COALESCE(SUM(amount) FILTER (WHERE side = 'credit'), 0) AS credits
                                FROM ledger_entry GROUP BY account_id) s
                       WHERE a.id = s.account_id AND a.company_id IS NOT NULL AND a.installation_id = %s""",
                   [installation_id])
    cursor.execute("""INSERT INTO ledger_receivablebalance (account_id, installation_id, company_id, currency,
                                                          receivable_ref, debits, credits)
                      SELECT a.id, a.installation_id, a.company_id, a.currency, e.receivable_ref,
                             COALESCE(SUM(e.amount) FILTER (WHERE e.side = 'debit'), 0),
                             COALESCE(SUM(e.amount) FILTER (WHERE e.side = 'credit'), 0)
                        FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
                       WHERE a.kind = 'receivable' AND a.company_id IS NOT NULL AND e.receivable_ref <> ''
                         AND a.installation_id = %s
                       GROUP BY a.id, a.installation_id, a.company_id, a.currency, e.receivable_ref
                      ON CONFLICT (account_id, receivable_ref)
                      DO UPDATE SET debits = excluded.debits, credits = excluded.credits""", [installation_id])


def receivables_rollups_fill(cursor) -> None:
    """The receivables rollups (open receivables, month, lateness, open-by-date, installation
    months) from the seeded book, as their migrations backfill them — for a seed that inserted
    receivables with their row triggers off (one trigger call per row made a 1,000,000-invoice seed
    take hours)."""
    for module, statement in _ROLLUP_REBUILDS:
        cursor.execute(getattr(importlib.import_module(f"saleor_netterms.receivables_reports.migrations.{module}"),
                               statement))
