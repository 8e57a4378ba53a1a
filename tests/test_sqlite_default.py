"""`make run`'s zero-setup database is SQLite (README "Development"): what a merchant tries there
must work there. PostgreSQL is the suite's database, so this test runs the domain tests named
below a second time, in a child pytest on a fresh SQLite file, and requires every one of them to
pass. Tests marked ``postgres`` (real parallel connections, PostgreSQL triggers) and browser tests
are left out of the second run.

Found by it: bank reconciliation's batch lookups (``unnest``, ``= ANY(array)``) and the ledger's
open amounts per receivable were PostgreSQL-only SQL, so importing a bank statement on `make run`
failed while matching; they now have a portable path (the ORM) beside the PostgreSQL statement."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ON_SQLITE_TOO = ["tests/reconciliation"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="this run is already on SQLite")
def test_the_domain_tests_pass_on_the_sqlite_default_too(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"CI", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'default.sqlite3'}", "PYTHONPATH": str(ROOT)})
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not postgres and not browser",
         *ON_SQLITE_TOO],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 100, summary
    assert not re.search(r"\d+ (failed|error)", summary), summary
