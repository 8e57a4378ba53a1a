"""One writer for the open amount: the open-receivables rollup (models.OpenReceivable) now follows
the ledger's own per-reference balance (``ledger.ReceivableBalance``, written by the posting
statement) through a row trigger on that table, instead of summing the entries a second time in a
statement trigger on ``ledger_entry``. Rebuilt from the balances. No-op on SQLite."""
import importlib

from django.db import migrations

TRIGGERS = r"""
DROP TRIGGER IF EXISTS reports_open_receivable_entries ON ledger_entry;
DROP FUNCTION IF EXISTS reports_open_receivable_entries();

CREATE OR REPLACE FUNCTION reports_open_receivable_balance() RETURNS trigger AS $$
DECLARE
    rid bigint;
BEGIN
    IF NEW.receivable_ref !~ '^rcv:[0-9]{1,18}$' THEN
        RETURN NULL;
    END IF;
    rid := substr(NEW.receivable_ref, 5)::bigint;
    IF NEW.debits - NEW.credits = 0 THEN
        DELETE FROM receivables_reports_openreceivable o WHERE o.receivable_id = rid;
        RETURN NULL;
    END IF;
    INSERT INTO receivables_reports_openreceivable AS o
           (receivable_id, installation_id, company_id, currency, issue_date, due_date, open_amount)
    SELECT r.id, r.installation_id, r.company_id, r.currency, r.issue_date, r.due_date, NEW.debits - NEW.credits
      FROM receivables_receivable r WHERE r.id = rid
    ON CONFLICT (receivable_id)
       DO UPDATE SET open_amount = EXCLUDED.open_amount;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_open_receivable_balance ON ledger_receivablebalance;
CREATE TRIGGER reports_open_receivable_balance AFTER INSERT OR UPDATE OF debits, credits ON ledger_receivablebalance
    FOR EACH ROW EXECUTE FUNCTION reports_open_receivable_balance();
"""

# the rollup from the balances (what the trigger keeps from now on)
REBUILD = r"""
DELETE FROM receivables_reports_openreceivable;
INSERT INTO receivables_reports_openreceivable
       (receivable_id, installation_id, company_id, currency, issue_date, due_date, open_amount)
SELECT r.id, r.installation_id, r.company_id, r.currency, r.issue_date, r.due_date, b.debits - b.credits
  FROM ledger_receivablebalance b
  JOIN receivables_receivable r ON r.id = substr(b.receivable_ref, 5)::bigint
 WHERE b.receivable_ref ~ '^rcv:[0-9]{1,18}$' AND b.debits <> b.credits;
"""

DROP = r"""
DROP TRIGGER IF EXISTS reports_open_receivable_balance ON ledger_receivablebalance;
DROP FUNCTION IF EXISTS reports_open_receivable_balance();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS)
        schema_editor.execute(REBUILD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(importlib.import_module(
            "saleor_netterms.receivables_reports.migrations.0001_initial").TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("receivables_reports", "0001_initial"),
        ("ledger", "0006_receivable_balances"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
