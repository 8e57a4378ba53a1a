"""The app as `make run` serves it, in its own processes, for tests that need real parallel
connections on a database of their own (SQLite file or a fresh PostgreSQL database).

    with app_database("sqlite", tmp_path) as database_url:
        app_call(database_url, "seed", jwks=fake.jwks(), api_url=fake.api_url, ...)
        with AppServer(database_url, tmp_path) as server:      # manage.py runserver (threaded)
            requests.post(server.url + "/api/webhooks/...", ...)
        facts = app_call(database_url, "report", ...)

`app_call` runs `python -m tests.embedded_app <command>` with the database's environment, so the
seeding and the checks go through the project's own services and models, never raw SQL. Only
processes this module started are stopped, by their pid.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "CI"}}
    env.update({"DATABASE_URL": database_url, "DEBUG": "true", "LOG_LEVEL": "INFO",
                "DJANGO_SETTINGS_MODULE": "saleor_netterms.settings", "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


def _postgres_server() -> str:
    source = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/netterms"
    parts = urlsplit(source)
    if parts.scheme not in ("postgres", "postgresql"):
        parts = urlsplit("postgres://postgres@127.0.0.1:5432/netterms")
    return f"postgres://{parts.netloc}"


@contextlib.contextmanager
def app_database(vendor: str, tmp_path: Path):
    """A migrated, empty database of its own: a SQLite file, or a fresh PostgreSQL database
    (dropped afterwards)."""
    if vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
        app_call(url, "migrate")
        yield url
        return
    import psycopg

    server = _postgres_server()
    name = f"nt_embedded_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{server}/{name}"
        app_call(url, "migrate")
        yield url
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_call(database_url: str, command: str, **arguments) -> dict:
    """Run one command of this module in a fresh process on the given database; its JSON answer."""
    result = subprocess.run([sys.executable, "-m", "tests.embedded_app", command, json.dumps(arguments)],
                            cwd=ROOT, env=app_env(database_url), capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"embedded_app {command} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """`manage.py runserver --noreload` (threaded), exactly the server `make run` starts."""

    def __init__(self, database_url: str, log_dir: Path, *, command: list[str] | None = None,
                 env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self.command = command or [sys.executable, "manage.py", "runserver", "--noreload",
                                   f"127.0.0.1:{self.port}"]
        self.env = app_env(database_url, APP_PUBLIC_URL=self.url, **(env or {}))
        self.process: subprocess.Popen | None = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> "AppServer":
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server did not answer /healthz in 60 s:\n{self.log()[-4000:]}")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the session this class created for it
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


# --- commands, run inside the app's own environment --------------------------------------------

def _migrate(arguments: dict) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return {"migrated": True}


def _seed(arguments: dict) -> dict:
    """One installation that trusts the given JWKS, one company with a USD limit and one member."""
    from datetime import datetime, timezone

    from saleor_netterms.companies.models import MemberKind
    from saleor_netterms.companies.services import company_create, credit_limit_set, member_add
    from saleor_netterms.core.money import Money
    from saleor_netterms.installations.models import Installation

    installation = Installation(saleor_api_url=arguments["api_url"], saleor_domain=arguments["domain"],
                                saleor_schema_version="3.24", app_id=arguments["app_id"],
                                jwks=arguments["jwks"], jwks_fetched_at=datetime.now(timezone.utc))
    installation.set_token(arguments.get("token", "embedded-app-token-0123456789ab"))
    installation.save()
    company = company_create(installation=installation, legal_name=arguments.get("company", "Acme Industrial Supply"),
                             default_terms_days=30)
    credit_limit_set(company=company, amount=Money.of(arguments["limit"], "USD"))
    member_add(company=company, kind=MemberKind.SALEOR_USER_ID, value=arguments["user_id"])
    return {"installation_id": installation.pk, "company_id": company.pk}


def _authorizations(arguments: dict) -> dict:
    """What the database says about the checkout authorizations: holds, deliveries, ledger."""
    from django.db.models import Count

    from saleor_netterms.companies.models import Company
    from saleor_netterms.companies.selectors import available_credit
    from saleor_netterms.ledger import selectors as ledger_selectors
    from saleor_netterms.saleor_webhooks.models import WebhookDelivery

    company = Company.objects.get(pk=arguments["company_id"])
    outcomes = dict(WebhookDelivery.objects.values_list("outcome").annotate(n=Count("id")))
    return {
        "held": str(ledger_selectors.hold_balance(company=company, currency="USD").amount),
        "available": str(available_credit(company=company, currency="USD").amount),
        "delivery_outcomes": outcomes,
        "delivery_errors": sorted(set(WebhookDelivery.objects.exclude(error_code="")
                                      .values_list("error_code", flat=True))),
    }


def _webhook_stats(arguments: dict) -> dict:
    """The overview page's webhook figures (last 24 hours) and the intake failures behind them."""
    from dataclasses import asdict
    from datetime import timedelta

    from django.utils import timezone

    from saleor_netterms.installations.models import Installation
    from saleor_netterms.saleor_webhooks.models import WebhookDelivery, WebhookIntakeFailure
    from saleor_netterms.saleor_webhooks.selectors import webhook_delivery_stats

    installation = Installation.objects.get(pk=arguments["installation_id"])
    stats = webhook_delivery_stats(installation=installation, since=timezone.now() - timedelta(hours=24))
    return {"stats": asdict(stats), "deliveries": WebhookDelivery.objects.count(),
            "intake_failures": list(WebhookIntakeFailure.objects.values_list("event", "error_code"))}


def _schedule_all_due(arguments: dict) -> dict:
    """Install the beat schedule the way beat does (django_celery_beat's ModelEntry.from_entry)
    and mark every entry as last run long ago, so the first tick finds all of them due instead
    of waiting their interval (30 s to a day) after start."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    from saleor_netterms.celery import app

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)
    PeriodicTask.objects.filter(name__in=list(settings.CELERY_BEAT_SCHEDULE)).update(
        last_run_at=timezone.now() - timedelta(days=30))
    return {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}


def _outbox_email(arguments: dict) -> dict:
    """A due outbox e-mail nobody has tried to send yet (as left by a web process whose
    after-commit delivery never ran)."""
    from django.utils import timezone

    from saleor_netterms.installations.models import Installation
    from saleor_netterms.outbox.models import OutboxMessage

    message = OutboxMessage.objects.create(
        installation=Installation.objects.get(pk=arguments["installation_id"]),
        kind="email.approval_link", dedupe_key=arguments["dedupe_key"], next_attempt_at=timezone.now(),
        payload={"to": "approver@acme.example", "subject": arguments["subject"], "body": "Please approve."})
    return {"message_id": message.pk}


def _outbox_state(arguments: dict) -> dict:
    from saleor_netterms.outbox.models import OutboxMessage

    message = OutboxMessage.objects.get(pk=arguments["message_id"])
    return {"status": message.status, "attempts": message.attempts, "result": message.result}


def _beat_runs(arguments: dict) -> dict:
    from django_celery_beat.models import PeriodicTask

    return dict(PeriodicTask.objects.filter(name__in=arguments["names"]).values_list("name", "total_run_count"))


COMMANDS = {"migrate": _migrate, "seed": _seed, "authorizations": _authorizations,
            "webhook_stats": _webhook_stats, "schedule_all_due": _schedule_all_due,
            "outbox_email": _outbox_email, "outbox_state": _outbox_state, "beat_runs": _beat_runs}


def main(argv: list[str]) -> int:
    import django

    django.setup()
    command, arguments = argv[0], json.loads(argv[1] if len(argv) > 1 else "{}")
    answer = COMMANDS[command](arguments)
    sys.stdout.write("\n" + json.dumps(answer, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
