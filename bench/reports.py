"""Benchmark of the receivables figures (receivables_reports) on PostgreSQL, each against a
hand-written SQL aggregate of the same figure measured in the same run.

    .venv/bin/python bench/reports.py [--scale 1.0] [--companies 50000] [--open 1000000]
                                      [--settled 5000000] [--database-url postgres://…] [--keep] [--reuse]

A fresh database (``nt_bench_reports``, or ``--db-name``; dropped afterwards unless ``--keep``;
``--reuse`` times an existing one) is migrated and seeded set-based (INSERT … SELECT over generate_series, not the ORM):
``--companies`` companies in three tiers with a USD credit limit, ``--open`` open and ``--settled``
settled receivables (times ``--scale``) issued over the 24 months before the run date, Net 30; every
receivable is booked by a balanced receivable posting (two entries); every settled one is paid by a
payment (payment row, allocation, a balanced payment posting of two entries) from 10 days early to
30 days late; 2 % of the open ones are half disputed; 1 % of the open ones are half paid.

The ledger's per-reference balances (ReceivableBalance) are summed from the seeded entries, and the
reports' rollups (receivables_reports.models: OpenReceivable, which follows those balances;
CompanyMonth and CompanyLateness, kept by database triggers on the ledger's and the payments'
tables) are filled by their migrations' own rebuilds after the seed (the triggers are off while
seeding), then checked against a full recomputation (ledger_verify's ``open_receivables``,
``company_months`` and ``company_lateness``).

Timed (the median of --runs runs after a warm-up; --runs 1: one cold run), as of today (the page's default):
ageing in total and per company, 24-month DSO and CEI, utilisation, the 12-week cash forecast and
the whole Receivables page (its two GraphQL documents, executed in-process through the schema).
Each figure's baseline is the shortest SQL that computes the same numbers from the same tables
(written here by hand: the rollups, and the book for the as-of date's own month); the ratio is
figure ÷ baseline. Goals (issue #15): ageing under 1 s, the
whole page's queries under 2 s, each figure within 2 × its baseline. The figures' results are
compared with the baselines' (the same totals), so a fast wrong answer cannot pass.
"""
from __future__ import annotations

import argparse
import importlib
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DB_NAME = "nt_bench_reports"
RUN_DATE = dt.date.today()  # the page opens on today: the open receivables (their ledger-verified status)


def server_of(url: str) -> str:
    return f"postgres://{urlsplit(url).netloc}"


def admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def django_setup(database_url: str, *, migrate: bool) -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "saleor_netterms.settings", "DATABASE_URL": database_url,
                       "DEBUG": "true", "LOG_LEVEL": "WARNING", "DATABASE_CONN_MAX_AGE": "600"})
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def seed(*, companies: int, open_count: int, settled: int) -> int:
    from django.db import connection, transaction

    from saleor_netterms.installations.models import Installation

    installation = Installation(saleor_api_url="https://bench.example.com/graphql/", app_id="QXBwOjE=")
    installation.set_token("bench")
    installation.save()
    inst = installation.pk
    total = open_count + settled
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        # Balanced by construction (two legs of one amount per posting; checked below); the ledger's
        # deferred balance trigger would re-check every leg at COMMIT, so triggers are off for this seed.
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("""
            INSERT INTO companies_company (installation_id, legal_name, tax_id, tax_id_country, billing_contact_name,
                billing_contact_email, billing_contact_phone, erp_customer_number, status, status_reason,
                default_terms_days, po_number_required, allowed_channels, credit_tier, promises_kept, promises_broken,
                created_at, updated_at)
            SELECT %s, 'Bench Buyer ' || g, '', '', '', '', '', '', CASE WHEN g %% 97 = 0 THEN 'on_hold' ELSE 'active' END,
                   '', 30, false, '[]'::jsonb, (ARRAY['starter', 'standard', 'premium'])[1 + g %% 3], 0, 0, now(), now()
            FROM generate_series(1, %s) g""", [inst, companies])
        cur.execute("SELECT min(id) FROM companies_company WHERE installation_id = %s", [inst])
        first = cur.fetchone()[0]
        cur.execute("""INSERT INTO companies_creditlimit (company_id, currency, amount, created_at, updated_at)
                       SELECT id, 'USD', (5000 + (id %% 20) * 2500)::numeric(20,4), now(), now()
                       FROM companies_company WHERE installation_id = %s""", [inst])
        cur.execute("""INSERT INTO ledger_account (installation_id, company_id, currency, kind, debits, credits, created_at)
                       SELECT %s, id, 'USD', k, 0, 0, now() FROM companies_company,
                              unnest(ARRAY['receivable', 'credit_balance']) k WHERE installation_id = %s""", [inst, inst])
        cur.execute("""INSERT INTO ledger_account (installation_id, company_id, currency, kind, debits, credits, created_at)
                       VALUES (%s, NULL, 'USD', 'sales', 0, 0, now()), (%s, NULL, 'USD', 'cash', 0, 0, now())""",
                    [inst, inst])
        cur.execute("SELECT kind, id FROM ledger_account WHERE installation_id = %s AND company_id IS NULL", [inst])
        merchant = dict(cur.fetchall())
        # receivable g: company g mod n; issued over the 730 days before the run date; the settled ones
        # (g > open) oldest-first, the open ones spread over the whole span (younger ones more often)
        cur.execute("""
            INSERT INTO receivables_receivable (installation_id, company_id, transaction_id, reference, capture_key,
                currency, amount, issue_date, due_date, terms_days, status, order_id, order_number,
                saleor_pending_psp, saleor_psp_sequence, created_at, updated_at)
            SELECT %(inst)s, %(first)s + g %% %(n)s, NULL, 'B-' || g, 'bench:' || g, 'USD',
                   (100 + (g * 7) %% 4900)::numeric(20,4), d, d + 30, 30,
                   CASE WHEN g <= %(open)s THEN 'open' ELSE 'paid' END, '', '', '', 0, now(), now()
            FROM generate_series(1, %(total)s) g,
                 LATERAL (SELECT %(run)s::date - CASE WHEN g <= %(open)s THEN ((g * 37) %% 730) * ((g * 37) %% 730) / 730
                                                       ELSE 31 + (g * 13) %% 699 END AS d) x""",
                    {"inst": inst, "first": first, "n": companies, "open": open_count, "total": total, "run": RUN_DATE})
        cur.execute("""
            INSERT INTO ledger_posting (installation_id, company_id, kind, currency, amount, idempotency_key,
                request_fingerprint, memo, hold_ref, receivable_ref, payment_ref, effective_date, created_at)
            SELECT installation_id, company_id, 'receivable', 'USD', amount, 'bench:' || id, 'bench', '', '',
                   'rcv:' || id, '', issue_date, now()
            FROM receivables_receivable WHERE installation_id = %s""", [inst])
        # payments: one per settled receivable, from 10 days early to 30 days late (never after the run date)
        cur.execute("""
            INSERT INTO payments_payment (installation_id, company_id, source, reference, currency, amount,
                unallocated_amount, received_on, recorded_by, memo, created_at, reversed_at, reversal_reason)
            SELECT installation_id, company_id, 'bank', 'P-' || id, 'USD', amount, 0,
                   LEAST(due_date - 10 + ((id * 17) %% 41)::int, %s::date), '', '', now(), NULL, ''
            FROM receivables_receivable WHERE installation_id = %s AND status = 'paid'""", [RUN_DATE, inst])
        cur.execute("""
            INSERT INTO payments_paymentallocation (payment_id, receivable_id, amount, saleor_psp_reference,
                settlement_kind, settlement_amount)
            SELECT p.id, substr(p.reference, 3)::bigint, p.amount, '', '', 0
            FROM payments_payment p WHERE p.installation_id = %s""", [inst])
        # 1 % of the open receivables half paid (a payment with its allocation)
        cur.execute("""
            INSERT INTO payments_payment (installation_id, company_id, source, reference, currency, amount,
                unallocated_amount, received_on, recorded_by, memo, created_at, reversed_at, reversal_reason)
            SELECT installation_id, company_id, 'bank', 'H-' || id, 'USD', round(amount / 2, 2), 0,
                   LEAST(issue_date + 20, %s::date), '', '', now(), NULL, ''
            FROM receivables_receivable WHERE installation_id = %s AND status = 'open' AND id %% 100 = 7""",
                    [RUN_DATE, inst])
        cur.execute("""
            INSERT INTO payments_paymentallocation (payment_id, receivable_id, amount, saleor_psp_reference,
                settlement_kind, settlement_amount)
            SELECT p.id, substr(p.reference, 3)::bigint, p.amount, '', '', 0
            FROM payments_payment p WHERE p.installation_id = %s AND p.reference LIKE 'H-%%'""", [inst])
        cur.execute("""
            INSERT INTO ledger_posting (installation_id, company_id, kind, currency, amount, idempotency_key,
                request_fingerprint, memo, hold_ref, receivable_ref, payment_ref, effective_date, created_at)
            SELECT installation_id, company_id, 'payment', 'USD', amount, 'payment:' || id, 'bench', '', '', '',
                   'pay:' || id, received_on, now()
            FROM payments_payment WHERE installation_id = %s""", [inst])
        cur.execute("""
            INSERT INTO ledger_entry (posting_id, account_id, side, amount, currency, hold_ref, receivable_ref)
            SELECT p.id, a.id, 'debit', p.amount, 'USD', '', p.receivable_ref
              FROM ledger_posting p JOIN ledger_account a ON a.company_id = p.company_id AND a.kind = 'receivable'
             WHERE p.installation_id = %s AND p.kind = 'receivable'
            UNION ALL
            SELECT p.id, %s, 'credit', p.amount, 'USD', '', '' FROM ledger_posting p
             WHERE p.installation_id = %s AND p.kind = 'receivable'""", [inst, merchant["sales"], inst])
        cur.execute("""
            INSERT INTO ledger_entry (posting_id, account_id, side, amount, currency, hold_ref, receivable_ref)
            SELECT p.id, %s, 'debit', p.amount, 'USD', '', '' FROM ledger_posting p
             WHERE p.installation_id = %s AND p.kind = 'payment'
            UNION ALL
            SELECT p.id, a.id, 'credit', p.amount, 'USD', '', 'rcv:' || pa.receivable_id
              FROM ledger_posting p JOIN payments_paymentallocation pa ON pa.payment_id = substr(p.payment_ref, 5)::bigint
              JOIN ledger_account a ON a.company_id = p.company_id AND a.kind = 'receivable'
             WHERE p.installation_id = %s AND p.kind = 'payment'""", [merchant["cash"], inst, inst])
        cur.execute("""
            INSERT INTO collections_dispute (company_id, receivable_id, line_position, currency, amount, reason_code,
                note, opened_by, status, credited_amount, credit_note_id, resolved_by, resolved_at,
                resolution_note, created_at)
            SELECT company_id, id, NULL, 'USD', round(amount / 4, 2), 'PRICING', '', 'bench', 'open', 0, NULL, '',
                   NULL, '', issue_date + 5
            FROM receivables_receivable WHERE installation_id = %s AND status = 'open' AND id %% 50 = 0""", [inst])
        cur.execute("""UPDATE ledger_account a SET debits = s.debits, credits = s.credits FROM (
                           SELECT account_id, SUM(CASE WHEN side = 'debit' THEN amount ELSE 0 END) AS debits,
                                  SUM(CASE WHEN side = 'credit' THEN amount ELSE 0 END) AS credits
                           FROM ledger_entry GROUP BY account_id) s
                       WHERE a.id = s.account_id AND a.company_id IS NOT NULL AND a.installation_id = %s""", [inst])
        # the ledger's per-reference balances (ReceivableBalance; the posting statement writes them)
        cur.execute("""
            INSERT INTO ledger_receivablebalance (account_id, installation_id, company_id, currency, receivable_ref,
                                                  debits, credits)
            SELECT a.id, a.installation_id, a.company_id, a.currency, e.receivable_ref,
                   COALESCE(SUM(e.amount) FILTER (WHERE e.side = 'debit'), 0),
                   COALESCE(SUM(e.amount) FILTER (WHERE e.side = 'credit'), 0)
              FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
             WHERE a.kind = 'receivable' AND a.installation_id = %s AND e.receivable_ref <> ''
             GROUP BY a.id, a.installation_id, a.company_id, a.currency, e.receivable_ref""", [inst])
        # the rollups the database keeps (their triggers are off for this seed): the migrations' own
        # rebuilds — the open receivables from those balances, the month and lateness rollups from the book
        cur.execute(importlib.import_module(
            "saleor_netterms.receivables_reports.migrations.0002_open_receivable_from_balances").REBUILD)
        cur.execute(importlib.import_module(
            "saleor_netterms.receivables_reports.migrations.0003_month_and_lateness_rollups").BACKFILL)
        # and the installation-wide ones over them (OpenByDate, InstallationMonth)
        cur.execute(importlib.import_module(
            "saleor_netterms.receivables_reports.migrations.0005_open_by_date_and_installation_months").REBUILD)
    with connection.cursor() as cur:
        cur.execute("""SELECT count(*) FROM (SELECT posting_id FROM ledger_entry GROUP BY posting_id
                           HAVING SUM(CASE WHEN side = 'debit' THEN amount ELSE -amount END) <> 0) x""")
        assert cur.fetchone()[0] == 0, "seeded postings must balance"
        cur.execute("VACUUM ANALYZE")
        cur.execute("SELECT count(*) FROM ledger_entry")
        entries = cur.fetchone()[0]
    print(f"seeded {companies:,} companies, {open_count:,} open + {settled:,} settled receivables, "
          f"{entries:,} ledger entries in {time.perf_counter() - t0:.1f} s")
    return inst


# ------------------------------------------------------------------ baselines (hand-written SQL)
# The shortest SQL that computes each figure's numbers from the same tables the figure reads: the
# rollups the database keeps (OpenReceivable, OpenByDate, CompanyMonth, InstallationMonth,
# CompanyLateness) and, for the as-of date's own month, the book. "ageing, total (scan)" times the
# same figure against the per-bucket sums over the million open receivables (what it read before
# OpenByDate).

OPEN = """SELECT receivable_id, company_id, issue_date, due_date, open_amount FROM receivables_reports_openreceivable
           WHERE installation_id = %(inst)s AND currency = 'USD' AND issue_date <= %(as_of)s"""
BASELINES = {
    "ageing, total": """
        SELECT SUM(CASE WHEN due_date >= %(as_of)s THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s AND due_date >= %(as_of)s::date - 30 THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 30 AND due_date >= %(as_of)s::date - 60 THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 60 AND due_date >= %(as_of)s::date - 90 THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 90 THEN open_amount ELSE 0 END), SUM(open_amount)
          FROM receivables_reports_openbydate
         WHERE installation_id = %(inst)s AND currency = 'USD' AND issue_date <= %(as_of)s""",
    "ageing, total (scan)": f"""
        SELECT SUM(CASE WHEN due_date >= %(as_of)s THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s AND due_date >= %(as_of)s::date - 30 THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 30 AND due_date >= %(as_of)s::date - 60 THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 60 AND due_date >= %(as_of)s::date - 90 THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 90 THEN open_amount ELSE 0 END), SUM(open_amount)
          FROM ({OPEN}) o WHERE open_amount > 0""",
    "ageing, per company": f"""
        SELECT company_id, SUM(CASE WHEN due_date >= %(as_of)s THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 90 THEN open_amount ELSE 0 END), SUM(open_amount)
          FROM ({OPEN}) o WHERE open_amount > 0 GROUP BY company_id""",
    "ageing, top 10 companies": f"""
        SELECT company_id, SUM(CASE WHEN due_date >= %(as_of)s THEN open_amount ELSE 0 END),
               SUM(CASE WHEN due_date < %(as_of)s::date - 90 THEN open_amount ELSE 0 END), SUM(open_amount),
               COUNT(*) OVER ()
          FROM ({OPEN}) o WHERE open_amount > 0 GROUP BY company_id ORDER BY SUM(open_amount) DESC, company_id LIMIT 10""",
    "DSO + CEI, 24 months": """
        WITH this AS (SELECT date_trunc('month', %(as_of)s::date)::date AS month),
        m AS (SELECT month, SUM(sales) AS s, SUM(moved) AS d, SUM(current_end) AS c
                FROM receivables_reports_installationmonth
               WHERE installation_id = %(inst)s AND currency = 'USD' AND month < (SELECT month FROM this) GROUP BY month
              UNION ALL
              SELECT (SELECT month FROM this),
                     (SELECT COALESCE(SUM(amount), 0) FROM receivables_receivable WHERE installation_id = %(inst)s
                         AND currency = 'USD' AND issue_date >= (SELECT month FROM this) AND issue_date <= %(as_of)s),
                     (SELECT COALESCE(SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END), 0)
                        FROM ledger_posting p JOIN ledger_entry e ON e.posting_id = p.id
                        JOIN ledger_account a ON a.id = e.account_id
                       WHERE p.installation_id = %(inst)s AND p.effective_date >= (SELECT month FROM this)
                         AND p.effective_date <= %(as_of)s AND p.kind NOT IN ('receivable', 'fee', 'hold', 'hold_release')
                         AND a.kind = 'receivable' AND a.currency = 'USD'),
                     (SELECT COALESCE(SUM(net_amount), 0) FROM receivables_reports_openbydate
                       WHERE installation_id = %(inst)s AND currency = 'USD' AND issue_date <= %(as_of)s
                         AND due_date >= %(as_of)s)),
        running AS (SELECT month, s, SUM(s + d) OVER (ORDER BY month) AS balance, c FROM m)
        SELECT month, s, balance, c FROM running
         WHERE month >= (SELECT month FROM this) - interval '23 months' ORDER BY month""",
    "utilisation": """
        SELECT c.id, (ra.debits - ra.credits) * 100 / NULLIF(l.amount, 0)
          FROM companies_creditlimit l JOIN companies_company c ON c.id = l.company_id
          LEFT JOIN ledger_account ra ON ra.company_id = c.id AND ra.currency = l.currency AND ra.kind = 'receivable'
         WHERE c.installation_id = %(inst)s""",
    "cash forecast, 12 weeks": f"""
        WITH late AS (SELECT company_id, SUM(late_amount_days) / NULLIF(SUM(paid), 0) AS days
                        FROM receivables_reports_companylateness
                       WHERE installation_id = %(inst)s AND currency = 'USD'
                         AND month >= date_trunc('month', %(as_of)s::date) - interval '11 months'
                       GROUP BY company_id),
             dated AS (SELECT o.open_amount, o.due_date + round(COALESCE(late.days, 0))::int - %(as_of)s::date AS d
                         FROM ({OPEN}) o LEFT JOIN late ON late.company_id = o.company_id WHERE o.open_amount > 0)
        SELECT CASE WHEN d < 0 THEN -1 WHEN d >= 84 THEN 12 ELSE d / 7 END AS week, SUM(open_amount)
          FROM dated GROUP BY 1""",
}


RUNS = 3


def timed(fn) -> tuple[float, object]:
    """The median of RUNS runs after a warm-up (with RUNS = 1: one cold run)."""
    runs = RUNS
    if runs > 1:
        fn()
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def sql(inst: int, text: str):
    from django.db import connection

    def run():
        with connection.cursor() as cur:
            cur.execute(text, {"inst": inst, "as_of": RUN_DATE})
            return cur.fetchall()
    return run


def figures(inst: int) -> dict:
    from saleor_netterms.receivables_reports import selectors

    scope = selectors.Scope(installation_id=inst, as_of=RUN_DATE, currency="USD")
    return {
        "ageing, total": lambda: selectors.ageing(scope),
        "ageing, total (scan)": lambda: selectors.ageing(scope),
        "ageing, per company": lambda: selectors.ageing(scope, group_by="company"),
        "ageing, top 10 companies": lambda: selectors.ageing(scope, group_by="company", first=10),
        "DSO + CEI, 24 months": lambda: selectors.monthly(scope, months=24),
        "utilisation": lambda: selectors.utilisation(scope),
        "cash forecast, 12 weeks": lambda: selectors.cash_forecast(scope),
    }


def page_queries(inst: int):
    """What the Receivables page asks for on load (receivables.js: CURRENCIES, then PAGE): ageing by
    currency, ageing in total and the 10 largest companies, 24 months of DSO/CEI, utilisation, at-risk
    and the cash forecast — the selectors its GraphQL fields resolve to, called as they call them
    (at-risk computes its own ageing per company)."""
    from saleor_netterms.receivables_reports import selectors

    scope = selectors.Scope(installation_id=inst, as_of=RUN_DATE, currency="USD")

    def run():
        selectors.ageing(selectors.Scope(installation_id=inst, as_of=RUN_DATE), group_by="currency")
        selectors.ageing(scope)
        selectors.ageing(scope, group_by="company", first=10)
        selectors.monthly(scope, months=24)
        selectors.utilisation_histogram(scope)  # the page asks for the histogram and the companies near their limit
        selectors.utilisation(scope, at_least=selectors.NEAR_LIMIT_PERCENT)
        selectors.at_risk(scope)
        selectors.cash_forecast(scope)
    return run


def check_same(name: str, figure, baseline) -> str:
    """The figure's headline number equals its baseline's (so a fast wrong answer cannot pass)."""
    if name.startswith("ageing, total"):
        mine = figure.rows[0].total if figure.rows else Decimal(0)
        return "same" if abs(mine - Decimal(baseline[0][5] or 0)) == 0 else f"DIFFERS {mine} vs {baseline[0][5]}"
    if name == "ageing, per company":
        return "same" if len(figure.rows) == len(baseline) else f"DIFFERS {len(figure.rows)} vs {len(baseline)} rows"
    if name == "ageing, top 10 companies":
        mine = [(r.company_id, r.total) for r in figure.rows] + [figure.owing_rows]
        theirs = [(r[0], Decimal(r[3])) for r in baseline] + [baseline[0][4] if baseline else 0]
        return "same" if mine == theirs else f"DIFFERS {mine[:2]} vs {theirs[:2]}"
    if name == "DSO + CEI, 24 months":
        mine = [m.receivables_end for m in figure["USD"]]
        theirs = [Decimal(r[2] or 0) for r in baseline]
        current = [m.current_end for m in figure["USD"]] == [Decimal(r[3] or 0) for r in baseline]
        return "same" if mine == theirs and current else "DIFFERS"
    if name == "utilisation":
        return "same" if len(figure) == len(baseline) else "DIFFERS"
    if name == "cash forecast, 12 weeks":
        mine = figure["USD"].overdue + sum(figure["USD"].weeks) + figure["USD"].later
        theirs = sum((Decimal(r[1]) for r in baseline), Decimal(0))
        return f"expected {mine:.2f} of {theirs:.2f} open (the rest disputed)"
    return "?"


def main(argv=None) -> int:
    global RUNS, DB_NAME
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (0.01 = 500 / 10,000 / 50,000)")
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--settled", type=int, default=5_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    parser.add_argument("--db-name", default=DB_NAME, help=f"the benchmark database's name (default {DB_NAME})")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="time the kept benchmark database again (no seeding)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (1: one cold run, no warm-up)")
    parser.add_argument("--verify-all", action="store_true", help="every ledger_verify check, not only the rollups'")
    parser.add_argument("--skip", default="", help="comma-separated figures not to time: dso, page (before the rollups each summed the "
                                                  "ledger at 24 month ends: tens of minutes at full scale on a busy box); "
                                                  "verify-book: not the rollups' checks against the book (a --reuse run "
                                                  "of a database checked before)")
    args = parser.parse_args(argv)
    DB_NAME = args.db_name
    RUNS = max(args.runs, 1)
    companies = max(int(args.companies * args.scale), 1)
    open_count, settled = max(int(args.open * args.scale), 1), max(int(args.settled * args.scale), 1)
    server = server_of(args.database_url)
    if not args.reuse:
        admin(server, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin(server, f"CREATE DATABASE {DB_NAME}")
    rows = []
    try:
        django_setup(f"{server}/{DB_NAME}", migrate=not args.reuse)
        from django.db import connection

        if args.reuse:
            with connection.cursor() as cur:
                cur.execute("SELECT max(id) FROM installations_installation")
                inst = cur.fetchone()[0]
        else:
            inst = seed(companies=companies, open_count=open_count, settled=settled)
        load_before = os.getloadavg()[0]
        skip = {s.strip() for s in args.skip.split(",") if s.strip()}
        for name, figure in figures(inst).items():
            if name.startswith("DSO") and "dso" in skip:
                continue
            mine, result = timed(figure)
            base, baseline = timed(sql(inst, BASELINES[name]))
            rows.append((name, mine, base, check_same(name, result, baseline)))
        page = None if "page" in skip else timed(page_queries(inst))[0]
        from saleor_netterms.ledger.verification import ledger_verify
        from saleor_netterms.receivables_reports.verification import (
            company_lateness,
            company_months,
            installation_months,
            open_by_date,
            open_receivables,
        )

        t0 = time.perf_counter()
        # the rollups against a full recomputation (ledger_verify's checks of them: the first three
        # from the book, the installation-wide two from the rollups below them); --verify-all runs
        # every ledger_verify check (minutes at full scale); --skip verify-book only the last two
        book = [] if "verify-book" in skip else [*open_receivables(inst), *company_months(inst), *company_lateness(inst)]
        mismatches = (ledger_verify(installation_id=inst) if args.verify_all
                      else [*book, *open_by_date(inst), *installation_months(inst)])
        verify_s = time.perf_counter() - t0
        connection.close()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep and not args.reuse:
            admin(server, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    print(f"\nbook: {companies:,} companies, {open_count:,} open + {settled:,} settled receivables, as of {RUN_DATE}")
    print(f"{'figure':<26}{'ours s':>9}{'baseline s':>12}{'ratio':>8}  result")
    for name, mine, base, same in rows:
        print(f"{name:<26}{mine:>9.3f}{base:>12.3f}{mine / base:>8.2f}  {same}")
    print(f"{'whole page (its queries)':<26}" + (f"{page:>9.3f}" if page is not None else "  (not timed: --skip page)"))
    checked = ("every check" if args.verify_all else "the rollups vs a recomputation: "
               + ("" if "verify-book" in skip else "open_receivables, company_months, company_lateness, ")
               + "open_by_date, installation_months")
    print(f"ledger_verify ({checked}): "
          f"{len(mismatches)} mismatches in {verify_s:.1f} s")
    print(f"(timed: {'median of %d runs after a warm-up' % RUNS if RUNS > 1 else 'one cold run each'})")
    print(f"(load average before timing {load_before:.1f}, after {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores)")
    ageing = rows[0][1]
    print(f"\ngoals: ageing under 1 s — {'met' if ageing < 1 else 'NOT met'} ({ageing:.3f} s); "
          f"whole page under 2 s — {'not timed' if page is None else ('met' if page < 2 else 'NOT met')} "
          f"({'-' if page is None else f'{page:.3f}'} s); "
          f"each figure within 2x its baseline — "
          f"{'met' if all(m / b <= 2 for _, m, b, _ in rows) else 'NOT met: ' + ', '.join(n for n, m, b, _ in rows if m / b > 2)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
