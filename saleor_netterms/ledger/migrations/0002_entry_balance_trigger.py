"""PostgreSQL enforces the ledger's invariants at commit (hordak-style).

A DEFERRABLE INITIALLY DEFERRED constraint trigger on ``ledger_entry`` checks, for every posting
touched by an INSERT/UPDATE/DELETE of an entry, that per currency the sum of debit legs equals
the sum of credit legs, and that every entry's currency equals its account's and its posting's.
Violations raise SQLSTATE 23514 (check_violation), which Django surfaces as ``IntegrityError``
at commit (or at ``SET CONSTRAINTS ALL IMMEDIATE``).

SQLite (``make run``) has no such triggers: the migration is a no-op there and
``ledger.services`` checks balance in Python before writing.
"""
from django.db import migrations

CREATE_SQL = r"""
CREATE OR REPLACE FUNCTION ledger_entry_check() RETURNS trigger AS $$
DECLARE
    posting_ids bigint[];
    bad RECORD;
BEGIN
    IF TG_OP = 'INSERT' THEN
        posting_ids := ARRAY[NEW.posting_id];
    ELSIF TG_OP = 'UPDATE' THEN
        posting_ids := ARRAY[NEW.posting_id, OLD.posting_id];
    ELSE
        posting_ids := ARRAY[OLD.posting_id];
    END IF;

    IF TG_OP <> 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
                   WHERE e.id = NEW.id AND a.currency <> e.currency) THEN
            RAISE EXCEPTION 'ledger entry % has currency % but account % has another currency',
                NEW.id, NEW.currency, NEW.account_id
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM ledger_entry e JOIN ledger_posting p ON p.id = e.posting_id
                   WHERE e.id = NEW.id AND p.currency <> e.currency) THEN
            RAISE EXCEPTION 'ledger entry % has currency % but posting % has another currency',
                NEW.id, NEW.currency, NEW.posting_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    SELECT e.posting_id AS posting_id, e.currency AS currency,
           SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END) AS diff
      INTO bad
      FROM ledger_entry e
     WHERE e.posting_id = ANY(posting_ids)
     GROUP BY e.posting_id, e.currency
    HAVING SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger posting % is not balanced in %: debits - credits = %',
            bad.posting_id, bad.currency, bad.diff
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
CREATE CONSTRAINT TRIGGER ledger_entry_balanced
    AFTER INSERT OR UPDATE OR DELETE ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_check();
"""

DROP_SQL = r"""
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_entry_check();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE_SQL), _on_postgresql(DROP_SQL), elidable=False),
    ]
