"""On PostgreSQL, make the deferred balance trigger fire at the end of every (rolled-back)
ledger test, so each worked example is also checked by the database, not just by Python."""
import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _ledger_trigger_checked(db):
    yield
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
