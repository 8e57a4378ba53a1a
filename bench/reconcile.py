"""Bank reconciliation at scale: parse/import rate of camt.053 and MT940, matching time and memory,
against a plain SQL join of the references in the same run.

    .venv/bin/python bench/reconcile.py                 # 100,000 lines, 1,000,000 invoices, 50,000 companies
    .venv/bin/python bench/reconcile.py --scale 0.02    # a quick run (2,000 / 20,000 / 1,000)

What it does (on a throwaway database ``netterms_bench_recon_<pid>``, dropped at the end):

1. Seeds one installation, C companies, one invoice series and I open invoices with their
   receivables and ledger postings (receivable debit / sales credit), generated server-side with
   ``generate_series`` (the ledger's per-entry balance trigger is disabled while seeding: the
   generated postings are balanced by construction; it is re-enabled before anything is timed).
   Each company has a learned payer IBAN (as confirmed matches would have taught).
2. Writes N bank lines as camt.053 files of 5,000 entries (daily statements) and N/5 as MT940:
   70 % carry the invoice's RF reference (Strd/CdtrRefInf), 15 % the invoice number in the
   remittance text (written like payers do: lower case, spaces), 10 % only the payer's IBAN and
   an amount equal to one of its open invoices, 5 % nothing that matches.
3. Parse + import (``statement_parse``, store the bank lines once per account, record every credit
   through ``payment_intake_many``) — lines/s for camt.053 and for MT940.
4. Matching, in a fresh process as a worker runs it: the queue read a batch of 5,000 at a time
   (``selectors.pending_incoming_batches``) through ``services.incomings_propose`` (the rules'
   bulk lookups + the pure decisions, nothing written) — seconds, lines/s, the process's own CPU
   time and its peak RSS (VmHWM).
5. Baseline: one SQL statement joining the lines' RF references to the invoices' printed
   reference (``snapshot->'remittance'->>'payment_reference'``) and their open amount (the
   ledger's maintained row per receivable) — what a hand-written RF-only matcher would run.
6. Applying: confirming the first A confident matches through ``payments.services.payment_record``
   (one ledger posting each, Saleor report in the outbox) — matches/s.
Exit status 1 when a proposal is wrong (an RF or number line not matched to its own invoice).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.production_env import production_env  # noqa: E402
from bench.seeding import maintained_figures_fill, receivables_rollups_fill  # noqa: E402

DAY = dt.date(2026, 11, 30)
MERCHANT_IBAN = "DE89370400440532013000"
MERCHANT_IBAN_MT = "NL91ABNA0417164300"


def rss_mb() -> float:
    """Peak resident memory of this process so far: VmHWM (per address space, so a process started
    from a big parent reports its own peak — ru_maxrss would carry the parent's over exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_url(args) -> str:
    source = args.postgres or os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432"
    parts = urlsplit(source)
    if parts.scheme not in ("postgres", "postgresql"):
        parts = urlsplit("postgres://postgres@127.0.0.1:5432")
    return f"postgres://{parts.netloc}"


def admin_execute(server: str, sql: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def django_setup(database_url: str) -> None:
    os.environ.update(production_env(database_url, ISO20022_XSD_DIR=""))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def payer_iban(company_id: int) -> str:
    return f"GB00BENC{company_id:014d}"


def seed(companies: int, invoices: int, seed_value: int) -> dict:
    from django.db import connection

    from saleor_netterms.companies.models import Company
    from saleor_netterms.installations.models import Installation
    from saleor_netterms.invoicing.models import InvoiceKind, InvoiceSeries, SeriesReset
    from saleor_netterms.reconciliation.models import BankAccount, PayerIdentity, PayerKind

    installation = Installation(saleor_api_url="https://bench.example.com/graphql/", app_id="QXBwOjE=")
    installation.set_token("x")
    installation.save()
    Company.objects.bulk_create([Company(installation=installation, legal_name=f"Company {i:05d} GmbH")
                                 for i in range(companies)], batch_size=5000)
    first_company = Company.objects.filter(installation=installation).order_by("id").values_list("id", flat=True)[0]
    series = InvoiceSeries.objects.create(installation=installation, kind=InvoiceKind.INVOICE,
                                          format="INV-{year}-{seq:07}", reset=SeriesReset.YEARLY)
    BankAccount.objects.create(installation=installation, name="Main", iban=MERCHANT_IBAN, currency="EUR")
    BankAccount.objects.create(installation=installation, name="Second", iban=MERCHANT_IBAN_MT, currency="EUR")
    PayerIdentity.objects.bulk_create([PayerIdentity(installation=installation, company_id=first_company + i,
                                                     kind=PayerKind.IBAN, value=payer_iban(first_company + i))
                                       for i in range(companies)], batch_size=5000)
    inst, c0, n, k = installation.pk, first_company, invoices, companies
    with connection.cursor() as cur:
        # seeding only: the generated book is consistent by construction, so every trigger is off for
        # this session (the rollups' row triggers, the ledger's balance check); what the triggers would keep
        # is rebuilt once below (bench/seeding.py)
        cur.execute("SET session_replication_role = replica")
        cur.execute("SELECT setseed(%s)", [seed_value / 1000])
        cur.execute("""INSERT INTO ledger_account (installation_id, company_id, currency, kind, created_at, debits, credits)
                       SELECT %s, c, 'EUR', 'receivable', now(), 0, 0 FROM generate_series(%s, %s) c""", [inst, c0, c0 + k - 1])
        cur.execute("""INSERT INTO ledger_account (installation_id, company_id, currency, kind, created_at, debits, credits)
                       VALUES (%s, NULL, 'EUR', 'sales', now(), 0, 0) RETURNING id""", [inst])
        sales = cur.fetchone()[0]
        cur.execute("""CREATE TEMP TABLE g AS SELECT s AS seq, %s + (s %% %s) AS company_id,
                         round((10 + random() * 4990)::numeric, 2) AS amount,
                         DATE %s - ((s * 7) %% 60) AS issue_date FROM generate_series(1, %s) s""",
                    [c0, k, DAY, n])
        cur.execute("""INSERT INTO receivables_receivable (installation_id, company_id, reference, capture_key, currency,
                         amount, issue_date, due_date, terms_days, status, order_id, order_number, saleor_pending_psp,
                         saleor_psp_sequence, created_at, updated_at)
                       SELECT %s, company_id, 'INV-2026-' || lpad(seq::text, 7, '0'), 'bench:' || seq, 'EUR', amount,
                         issue_date, issue_date + 30, 30, 'open', '', (100000 + seq)::text, '', 0, now(), now() FROM g""",
                    [inst])
        cur.execute("""INSERT INTO invoicing_invoice (installation_id, company_id, kind, series_id, period, number, sequence,
                         status, issue_date, currency, total_gross, amount_due, due_date, snapshot, receivable_id,
                         issue_key, saleor_order_id, saleor_invoice_id, void_reason, einvoice_problem, created_at)
                       SELECT r.installation_id, r.company_id, 'invoice', %s, '2026', r.reference,
                         substring(r.reference from 10)::int, 'issued', r.issue_date, 'EUR', r.amount, r.amount,
                         r.due_date, jsonb_build_object('remittance', jsonb_build_object('payment_reference', ''), 'discount', NULL),
                         r.id, 'bench:' || r.id, '', '', '', '', now()
                       FROM receivables_receivable r WHERE r.installation_id = %s""", [series.pk, inst])
        cur.execute("""INSERT INTO ledger_posting (installation_id, company_id, kind, currency, amount, idempotency_key,
                         request_fingerprint, memo, hold_ref, receivable_ref, payment_ref, effective_date, created_at)
                       SELECT installation_id, company_id, 'receivable', 'EUR', amount, 'bench:rcv:' || id, '', '',
                         '', 'rcv:' || id, '', issue_date, now() FROM receivables_receivable WHERE installation_id = %s""",
                    [inst])
        cur.execute("""INSERT INTO ledger_entry (posting_id, account_id, side, amount, currency, hold_ref, receivable_ref)
                       SELECT p.id, a.id, 'debit', p.amount, 'EUR', '', p.receivable_ref
                       FROM ledger_posting p JOIN ledger_account a ON a.company_id = p.company_id
                         AND a.kind = 'receivable' WHERE p.installation_id = %s""", [inst])
        cur.execute("""INSERT INTO ledger_entry (posting_id, account_id, side, amount, currency, hold_ref, receivable_ref)
                       SELECT p.id, %s, 'credit', p.amount, 'EUR', '', '' FROM ledger_posting p
                       WHERE p.installation_id = %s""", [sales, inst])
        # the figures the ledger maintains (its migrations' backfill): account balances, receivable rows
        maintained_figures_fill(cur, inst)
        receivables_rollups_fill(cur)
        cur.execute("SET session_replication_role = origin")
        cur.execute("ANALYZE")
    return {"installation": installation, "series": series}


def fix_printed_references(series_id: int) -> None:
    """The invoices print their RF reference (computed in Python: ISO 7064 check digits). The
    immutability trigger is off for this seeding step only."""
    from django.db import connection

    from saleor_netterms.invoicing.creditor_reference import creditor_reference_for

    with connection.cursor() as cur:
        cur.execute("ALTER TABLE invoicing_invoice DISABLE TRIGGER USER")  # seeding only: issued is immutable
        cur.execute("SELECT max(sequence) FROM invoicing_invoice WHERE series_id = %s", [series_id])
        top = cur.fetchone()[0] or 0
        chunk = 50_000
        for start in range(1, top + 1, chunk):
            values = [(creditor_reference_for(series_id=series_id, period="2026", sequence=s), s)
                      for s in range(start, min(top, start + chunk - 1) + 1)]
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS refs (ref text, seq int)")
            cur.execute("TRUNCATE refs")
            with cur.copy("COPY refs (ref, seq) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            cur.execute("""UPDATE invoicing_invoice i SET snapshot = jsonb_set(i.snapshot::jsonb,
                             '{remittance,payment_reference}', to_jsonb(refs.ref))
                           FROM refs WHERE i.series_id = %s AND i.sequence = refs.seq""", [series_id])
        cur.execute("ALTER TABLE invoicing_invoice ENABLE TRIGGER USER")


def lines_plan(n: int, invoices: int, rnd: random.Random, series_id: int) -> list[dict]:
    from django.db import connection

    from saleor_netterms.invoicing.creditor_reference import creditor_reference_for

    picks = rnd.sample(range(1, invoices + 1), n)
    with connection.cursor() as cur:
        cur.execute("SELECT sequence, company_id, amount_due FROM invoicing_invoice WHERE series_id = %s AND sequence = ANY(%s)",
                    [series_id, picks])
        facts = {seq: (company, amount) for seq, company, amount in cur.fetchall()}
    plan = []
    for i, seq in enumerate(picks):
        company, amount = facts[seq]
        roll = rnd.random()
        kind = "rf" if roll < 0.70 else "number" if roll < 0.85 else "payer" if roll < 0.95 else "none"
        line = {"i": i, "seq": seq, "kind": kind, "amount": amount, "iban": payer_iban(company), "text": "",
                "rf": "", "name": f"Company {company:05d}"}
        if kind == "rf":
            line["rf"] = creditor_reference_for(series_id=series_id, period="2026", sequence=seq)
        elif kind == "number":
            line["text"] = f"invoice inv 2026 {seq:07d} thank you"
        elif kind == "none":
            line["iban"] = f"FR00NONE{i:014d}"
            line["amount"] = Decimal("0.07") + Decimal(i % 97)
            line["name"] = "Unknown payer"
        plan.append(line)
    return plan


def camt_files(plan: list[dict], per_file: int) -> list[bytes]:
    files = []
    balance = Decimal("0.00")
    for f, start in enumerate(range(0, len(plan), per_file)):
        chunk = plan[start:start + per_file]
        opening = balance
        entries = []
        for ln in chunk:
            balance += ln["amount"]
            rmt = (f"<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{ln['rf']}</Ref>"
                   f"</CdtrRefInf></Strd></RmtInf>" if ln["rf"] else
                   f"<RmtInf><Ustrd>{ln['text']}</Ustrd></RmtInf>" if ln["text"] else "")
            entries.append(
                f'<Ntry><Amt Ccy="EUR">{ln["amount"]}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
                f"<BookgDt><Dt>{DAY}</Dt></BookgDt><ValDt><Dt>{DAY}</Dt></ValDt><AcctSvcrRef>BK{ln['i']:09d}</AcctSvcrRef>"
                f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
                f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E{ln['i']:09d}</EndToEndId></Refs>"
                f"<RltdPties><Dbtr><Nm>{ln['name']}</Nm></Dbtr><DbtrAcct><Id><IBAN>{ln['iban']}</IBAN></Id></DbtrAcct>"
                f"</RltdPties>{rmt}</TxDtls></NtryDtls></Ntry>")
        bal = (f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>'
               f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{DAY}</Dt></Dt></Bal>"
               f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{balance}</Amt>'
               f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{DAY}</Dt></Dt></Bal>")
        files.append((
            '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
            f"<BkToCstmrStmt><GrpHdr><MsgId>B{f}</MsgId><CreDtTm>{DAY}T18:00:00</CreDtTm></GrpHdr><Stmt>"
            f"<Id>BENCH-{f:04d}</Id><ElctrncSeqNb>{f + 1}</ElctrncSeqNb><CreDtTm>{DAY}T18:00:00</CreDtTm>"
            f"<Acct><Id><IBAN>{MERCHANT_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>{bal}{''.join(entries)}</Stmt>"
            "</BkToCstmrStmt></Document>").encode())
    return files


def mt940_files(plan: list[dict], per_file: int) -> list[bytes]:
    files = []
    balance = Decimal("0.00")
    for f, start in enumerate(range(0, len(plan), per_file)):
        chunk = plan[start:start + per_file]
        out = [f":20:MT{f:06d}", f":25:{MERCHANT_IBAN_MT}EUR", f":28C:{f + 1:05d}",
               f":60F:C{DAY:%y%m%d}EUR{str(balance).replace('.', ',')}"]
        for ln in chunk:
            balance += ln["amount"]
            remi = f"/REMI/STRD/CUR/{ln['rf']}/" if ln["rf"] else f"/REMI/USTD//{ln['text'] or 'payment'}/"
            out.append(f":61:{DAY:%y%m%d}{DAY:%m%d}C{str(ln['amount']).replace('.', ',')}NTRFEREF//MT{ln['i']:09d}")
            out.append(f":86:/EREF/M2E{ln['i']:09d}//CNTP/{ln['iban']}/BENCGB2L/{ln['name']}/London/{remi}")
        out.append(f":62F:C{DAY:%y%m%d}EUR{str(balance).replace('.', ',')}")
        out.append("-")
        files.append(("\r\n".join(out) + "\r\n").encode())
    return files


def import_files(installation, contents: list[bytes]) -> tuple[float, int, list]:
    from django.db import transaction

    from saleor_netterms.reconciliation.models import StatementFile
    from saleor_netterms.reconciliation.services import _statements_store, payment_intake_many
    from saleor_netterms.reconciliation.statements.detect import statement_parse
    import hashlib

    incomings, lines = [], 0
    start = time.perf_counter()
    for content in contents:
        record = StatementFile.objects.create(installation=installation, sha256=hashlib.sha256(content).hexdigest(),
                                              filename="bench", size=len(content), content=content,
                                              uploaded_by="bench")
        parsed = statement_parse(content)
        with transaction.atomic():
            result, items = _statements_store(record, parsed, None, False)
            intake = payment_intake_many(installation=installation, items=items, actor="bench", match=False)
        lines += result.lines_new
        incomings.extend(r.incoming for r in intake)
    return time.perf_counter() - start, lines, incomings


def match_phase(args) -> int:
    """The matching process: the whole queue through the rules, a batch at a time, nothing
    written; proposals to ``--out`` (id, rule, confident, receivable ids), figures as JSON."""
    os.environ.update(production_env(args.database_url, ISO20022_XSD_DIR=""))
    import django

    django.setup()
    from saleor_netterms.installations.models import Installation
    from saleor_netterms.reconciliation import selectors
    from saleor_netterms.reconciliation.services import RECONCILE_BATCH, incomings_propose

    installation = Installation.objects.get(pk=args.installation)
    rss_start = rss_mb()
    lines = 0
    profiler = None
    if os.environ.get("BENCH_PROFILE") == "match":
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    sql_times: dict[str, list[float]] = {}

    def sql_timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_times.setdefault((lambda q: q[:60] + " … " + q[-70:])(" ".join(sql.split())), []).append(time.perf_counter() - started)

    from django.db import connection
    timing = connection.execute_wrapper(sql_timer) if os.environ.get("BENCH_PROFILE") == "sql" else None
    if timing is not None:
        timing.__enter__()
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    with open(args.out, "w") as out:
        for batch in selectors.pending_incoming_batches(installation=installation, batch_size=RECONCILE_BATCH):
            for pk, p in incomings_propose(installation, batch).items():
                out.write(f"{pk}\t{p.rule}\t{int(p.confident)}\t{','.join(str(a.receivable_id) for a in p.allocations)}\n")
            lines += len(batch)
    seconds = time.perf_counter() - start
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    if timing is not None:
        timing.__exit__(None, None, None)
        for sql, times in sorted(sql_times.items(), key=lambda kv: -sum(kv[1])):
            print(f"{sum(times):8.3f} s {len(times):5d}x  {sql}", file=sys.stderr)
    if profiler is not None:
        import pstats
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    print(json.dumps({"seconds": seconds, "cpu_seconds": (cpu_end.ru_utime - cpu_start.ru_utime)
                      + (cpu_end.ru_stime - cpu_start.ru_stime), "lines": lines, "batch": RECONCILE_BATCH, "rss_start_mb": rss_start,
                      "rss_peak_mb": rss_mb()}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 100k lines, 1M invoices, 50k companies")
    parser.add_argument("--apply", type=int, default=500, help="confident matches to post through payment_record")
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to EXPLAIN queries)")
    parser.add_argument("--phase", choices=["all", "match"], default="all", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--installation", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "match":
        return match_phase(args)
    n_lines, n_invoices, n_companies = (max(10, int(100_000 * args.scale)), max(100, int(1_000_000 * args.scale)),
                                        max(5, int(50_000 * args.scale)))
    server = server_url(args)
    database = f"netterms_bench_recon_{os.getpid()}"
    admin_execute(server, f'CREATE DATABASE "{database}"')
    try:
        django_setup(f"{server}/{database}")
        rnd = random.Random(args.seed)
        t0 = time.perf_counter()
        seeded = seed(n_companies, n_invoices, args.seed)
        fix_printed_references(seeded["series"].pk)
        from django.db import connection

        with connection.cursor() as cur:   # as autovacuum would have left a real book (visibility map, statistics)
            cur.execute("VACUUM ANALYZE")
        seed_s = time.perf_counter() - t0
        installation = seeded["installation"]
        plan = lines_plan(n_lines, n_invoices, rnd, seeded["series"].pk)
        camt = camt_files(plan, 5000)
        mt = mt940_files(plan[: max(1, n_lines // 5)], 5000)
        print(f"seeded {n_companies:,} companies, {n_invoices:,} open invoices in {seed_s:.1f} s; "
              f"{len(camt)} camt.053 files ({sum(map(len, camt)) / 1e6:.1f} MB), {len(mt)} MT940 files")

        camt_s, camt_lines, incomings = import_files(installation, camt)
        mt_s, mt_lines, _ = import_files(installation, mt)
        print(f"import camt.053: {camt_lines:,} lines in {camt_s:.2f} s = {camt_lines / camt_s:,.0f} lines/s")
        print(f"import MT940:    {mt_lines:,} lines in {mt_s:.2f} s = {mt_lines / mt_s:,.0f} lines/s")
        rss_import = rss_mb()
        with connection.cursor() as cur:   # statistics of the imported lines (autovacuum's analyze after a big load)
            cur.execute("ANALYZE")

        # Matching runs in a fresh process, as a worker's reconcile run would: it reads the queue
        # a batch at a time (selectors.pending_incoming_batches), so its peak RSS is the figure.
        incoming_ids = [inc.pk for inc in incomings]
        del incomings
        proposals_path = Path(f"/tmp/netterms_bench_recon_{os.getpid()}.tsv")
        child = subprocess.run([sys.executable, __file__, "--phase", "match", "--database-url", f"{server}/{database}",
                                "--installation", str(installation.pk), "--out", str(proposals_path)],
                               capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if child.returncode != 0 or os.environ.get("BENCH_PROFILE") in ("match", "sql"):
            print(child.stdout, child.stderr)
        if child.returncode != 0:
            return 1
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        match_s = figures["seconds"]
        proposals = {}
        for row in proposals_path.read_text().splitlines():
            pk, rule, confident, receivables = row.split("\t")
            proposals[int(pk)] = (rule, confident == "1", [int(r) for r in receivables.split(",") if r])
        proposals_path.unlink()

        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("""WITH refs AS MATERIALIZED (
                             SELECT i.receivable_id, i.snapshot->'remittance'->>'payment_reference' AS ref
                               FROM invoicing_invoice i WHERE i.installation_id = %s)
                           SELECT count(*), sum(b.debits - b.credits)
                             FROM reconciliation_incomingpayment ip
                             JOIN reconciliation_bankline bl ON bl.id = ip.bank_line_id
                             JOIN refs ON refs.ref = ip.creditor_reference
                             JOIN ledger_receivablebalance b ON b.installation_id = ip.installation_id
                                  AND b.receivable_ref = 'rcv:' || refs.receivable_id
                            WHERE ip.installation_id = %s AND ip.creditor_reference <> ''
                              AND bl.bank_account_id = (SELECT id FROM reconciliation_bankaccount WHERE iban = %s)""",
                        [installation.pk, installation.pk, MERCHANT_IBAN])
            joined, _ = cur.fetchone()
        join_s = time.perf_counter() - start

        by_line = proposals
        wrong, outcome = 0, {}
        with connection.cursor() as cur:
            cur.execute("SELECT sequence, receivable_id FROM invoicing_invoice WHERE series_id = %s AND sequence = ANY(%s)",
                        [seeded["series"].pk, [ln["seq"] for ln in plan]])
            receivable_of = dict(cur.fetchall())
        for pk, ln in zip(incoming_ids, plan):
            rule, confident, receivables = by_line[pk]
            key = f"{ln['kind']}:{rule}:{'auto' if confident else 'suggest'}"
            outcome[key] = outcome.get(key, 0) + 1
            if ln["kind"] in ("rf", "number") and (not confident or receivables != [receivable_of[ln["seq"]]]):
                wrong += 1
        print(f"matching: {figures['lines']:,} lines in {match_s:.2f} s = {figures['lines'] / match_s:,.0f} lines/s; "
              f"plain SQL join of RF references: {joined:,} rows in {join_s:.2f} s; ratio {match_s / join_s:.1f}x")
        print(f"matching process: {figures['lines']:,} lines in batches of {figures['batch']:,}, "
              f"{figures['cpu_seconds']:.2f} s of its own CPU time; peak RSS "
              f"{figures['rss_peak_mb']:.0f} MB (of which {figures['rss_start_mb']:.0f} MB is Django and the app "
              f"loaded, before the first batch); the seeding/import process peaked at {rss_import:.0f} MB")
        print("outcomes (line kind:rule:auto|suggest): " + ", ".join(f"{k}={v:,}" for k, v in sorted(outcome.items())))

        from saleor_netterms.reconciliation.models import IncomingPayment, MatchOrigin
        from saleor_netterms.reconciliation.services import _confirm
        from saleor_netterms.reconciliation.services import incomings_propose
        chosen = [pk for pk in incoming_ids if by_line[pk][1]][: args.apply]
        chosen_incomings = list(IncomingPayment.objects.filter(pk__in=chosen).order_by("pk"))
        fresh = incomings_propose(installation, chosen_incomings)
        confident = [(inc, fresh[inc.pk]) for inc in chosen_incomings]
        start = time.perf_counter()
        if os.environ.get("BENCH_PROFILE") == "apply":
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        for inc, p in confident:
            _confirm(inc, company_id=p.company_id, allocations=list(p.allocations), origin=MatchOrigin.AUTO,
                     actor="bench", rule=p.rule, explanation=p.explanation)
        apply_s = time.perf_counter() - start
        if os.environ.get("BENCH_PROFILE") == "apply":
            import pstats
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        if confident:
            print(f"apply: {len(confident):,} matches through payment_record in {apply_s:.2f} s = "
                  f"{len(confident) / apply_s:,.0f} matches/s")
        if wrong:
            print(f"WRONG: {wrong} RF/number lines not matched to their own invoice")
            return 1
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept database {database}")
        else:
            admin_execute(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
