"""Buyer portal pages: server time per page for a company with a year of history, against a
baseline measured in the same run (`/healthz`, the cheapest request the app answers).

A fresh database (``nt_bench_portal`` on the server of ``--database-url``/``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432``) is migrated and seeded through the real paths: a
German seller with an EUR account, one company with ``--invoices`` invoices issued over the
last 365 days (hold → order → invoice → receivable in the ledger), ``--paid`` of them paid in
full by bank payments (the payment use case), the rest open (some overdue), a second company with
the same history (what the first must never see, and what the queries must skip). Each page is
then requested in-process through Django's test client with the portal session cookie of the
first company's admin: ``--warmup`` untimed requests, then ``--repeat`` timed ones; the table
shows the median and p95 milliseconds, the ratio of the median to the baseline's and the SQL
statements per request. The database is dropped at the end.

    .venv/bin/python bench/portal.py                      # 600 invoices, 480 paid, 30 timed requests a page
    .venv/bin/python bench/portal.py --invoices 200 --repeat 10
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DB_NAME = "nt_bench_portal"


def server_of(url: str) -> str:
    return f"postgres://{urlsplit(url).netloc}"


def admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def django_setup(database_url: str) -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "saleor_netterms.settings", "DATABASE_URL": database_url,
                       "DEBUG": "true", "LOG_LEVEL": "WARNING", "DATABASE_CONN_MAX_AGE": "60",
                       "ALLOWED_HOSTS": "testserver",
                       # the invoice e-mails of the seeding are not what is measured
                       "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(*, invoices: int, paid: int) -> tuple:
    from decimal import Decimal

    from saleor_netterms.companies.services import company_create, credit_limit_set, member_add
    from saleor_netterms.core.money import Money
    from saleor_netterms.installations.models import Installation
    from saleor_netterms.sellers.services import seller_bank_account_set, seller_profile_save
    from saleor_netterms.workflows.payments import payment_record
    from tests.portal.conftest import SELLER, SELLER_IBAN, invoice_make, session_key

    installation = Installation(saleor_api_url="https://bench.example.com/graphql/", app_id="QXBwOjE=")
    installation.set_token("bench")
    installation.save()
    seller_profile_save(installation=installation, **SELLER)
    seller_bank_account_set(installation=installation, currency="EUR", iban=SELLER_IBAN, bic="COBADEFFXXX",
                            account_holder="Muster Werkzeuge GmbH")
    today = dt.date.today()
    companies = []
    for name in ("Acme Industrial Supply", "Globex Handels GmbH"):
        company = company_create(installation=installation, legal_name=name, billing_contact_email=f"ap@{name.split()[0].lower()}.example")
        credit_limit_set(company=company, amount=Money.of("10000000", "EUR"))
        made = []
        for i in range(invoices):
            issued = today - dt.timedelta(days=365 - (365 * i) // invoices)
            made.append(invoice_make(company, amount=f"{100 + (i * 37) % 900}.00", issue_date=issued))
        for i, invoice in enumerate(made[:paid]):
            payment_record(company=company, money=Money(Decimal(invoice.amount_due), "EUR"),
                           received_on=invoice.issue_date + dt.timedelta(days=25), reference=f"BANK-{company.pk}-{i}",
                           allocations=[(invoice.receivable, Money(Decimal(invoice.amount_due), "EUR"))], source="bank")
        companies.append((company, made))
    acme, made = companies[0]
    member = member_add(company=acme, kind="email", value="admin@acme.example", role="admin")
    return session_key(acme, member), made


def timed(client, path: str, *, warmup: int, repeat: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(path)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return samples, len(queries.captured_queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    parser.add_argument("--invoices", type=int, default=600)
    parser.add_argument("--paid", type=int, default=480)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    server = server_of(args.database_url)
    admin(server, f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin(server, f"CREATE DATABASE {DB_NAME}")
    try:
        django_setup(f"{server}/{DB_NAME}")
        from django.test import Client

        from saleor_netterms.portal.web import SESSION_COOKIE

        t0 = time.perf_counter()
        key, made = seed(invoices=args.invoices, paid=args.paid)
        print(f"seeded 2 companies × {args.invoices} invoices ({args.paid} paid each) in "
              f"{time.perf_counter() - t0:.1f} s")
        client = Client()
        client.cookies[SESSION_COOKIE] = key
        year_ago = (dt.date.today() - dt.timedelta(days=365)).isoformat()
        pages = [("baseline /healthz", "/healthz"), ("overview", "/portal/"), ("invoices (all)", "/portal/invoices"),
                 ("invoices open", "/portal/invoices?status=open"), ("invoices overdue", "/portal/invoices?status=overdue"),
                 ("invoices search", f"/portal/invoices?q={made[-1].number}"),
                 ("invoice detail", f"/portal/invoices/{made[-1].number}"),
                 ("invoices CSV", "/portal/invoices.csv"),
                 ("statement CSV, 1 year", f"/portal/statements?currency=EUR&from={year_ago}&format=csv"),
                 ("orders", "/portal/orders"), ("credit", "/portal/credit-limit"), ("promise", "/portal/promise"),
                 ("company", "/portal/company")]
        rows = []
        for name, path in pages:
            samples, queries, status = timed(client, path, warmup=args.warmup, repeat=args.repeat)
            rows.append((name, statistics.median(samples), sorted(samples)[int(len(samples) * 0.95) - 1], queries, status))
        base = rows[0][1]
        print(f"{'page':<24}{'median ms':>10}{'p95 ms':>9}{'× base':>8}{'SQL':>6}  status")
        for name, median, p95, queries, status in rows:
            print(f"{name:<24}{median:>10.1f}{p95:>9.1f}{median / base:>8.1f}{queries:>6}  {status}")
    finally:
        from django.db import connections

        connections.close_all()
        admin(server, f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    main()
