"""Scheduled jobs always run: `make run` without a broker starts a real Celery worker and beat on
the embedded filesystem:// transport, and the periodic jobs actually fire.

The worker and beat are started with the exact arguments the Makefile's `run` target uses (read
from the Makefile), on a SQLite database of their own, every beat entry due at start."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import responses

from tests.embedded_app import ROOT, app_call, app_database, app_env
from tests.saleor_double import FakeSaleor

MAKEFILE = (ROOT / "Makefile").read_text()


def _make_variable(name: str) -> list[str]:
    match = re.search(rf"^{name} := (.+)$", MAKEFILE, flags=re.MULTILINE)
    assert match, f"{name} is not defined in the Makefile"
    return match.group(1).split()


def test_make_run_starts_worker_and_beat_on_the_embedded_transport_without_a_broker():
    run_recipe = MAKEFILE.split("\nrun: migrate\n", 1)[1].split("\n\n", 1)[0]
    assert "CELERY_BROKER_URL=$${CELERY_BROKER_URL:-filesystem://}" in run_recipe
    assert "$(CELERY) $(WORKER_ARGS) & worker=$$!; $(CELERY) $(BEAT_ARGS) & beat=$$!;" in run_recipe
    assert "$(PY) manage.py runserver --noreload $(HOST):$(PORT)" in run_recipe


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "celery", "-A", "saleor_netterms", *args], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_every_periodic_job_fires_on_the_embedded_worker_and_beat(tmp_path):
    # given: an installation, a due outbox e-mail nobody delivered, every beat entry due
    fake = FakeSaleor(mock=responses.RequestsMock())
    with app_database("sqlite", tmp_path) as database_url:
        seeded = app_call(database_url, "seed", jwks=fake.jwks(), api_url=fake.api_url, domain=fake.domain,
                          app_id=fake.app_id, limit="1000.00", user_id="VXNlcjo2")
        message = app_call(database_url, "outbox_email", installation_id=seeded["installation_id"],
                           dedupe_key="approval-link:1", subject="Approve order 1001")
        schedule = app_call(database_url, "schedule_all_due")
        env = app_env(database_url, CELERY_BROKER_URL="filesystem://",
                      CELERY_FILESYSTEM_DIR=str(tmp_path / "broker"))

        # when: the worker and beat of `make run` run for a while
        worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
        worker = _start(_make_variable("WORKER_ARGS"), env, worker_log)
        beat = _start(_make_variable("BEAT_ARGS"), env, beat_log)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                log = worker_log.read_text(errors="replace")
                if all(re.search(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", log)
                       for task in schedule.values()):
                    break
                assert worker.poll() is None and beat.poll() is None, log[-3000:]
                time.sleep(0.5)
        finally:
            _stop(beat)
            _stop(worker)
        log = worker_log.read_text(errors="replace")
        runs = app_call(database_url, "beat_runs", names=list(schedule))
        delivered = app_call(database_url, "outbox_state", message_id=message["message_id"])

    # then: beat sent every job, the worker ran every one of them, and the outbox tick delivered
    assert set(schedule) >= {"outbox-dispatch-due", "checkout-holds-expire", "approvals-sweep"}
    for task in schedule.values():
        assert re.search(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", log), (task, log[-3000:])
    assert all(count >= 1 for count in runs.values()) and set(runs) == set(schedule), runs
    assert delivered == {"status": "delivered", "attempts": 1, "result": {"sent": 1}}
    assert "Subject: Approve order 1001" in log
    assert "Traceback" not in log
    assert beat.returncode is not None and worker.returncode is not None
