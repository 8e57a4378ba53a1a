"""Maintained balances on company-side accounts, and postings and entries append-only.

1. ``Account.debits``/``credits``: the sums of a company-side account's legs, maintained by
   ``ledger.services`` in the posting's transaction; backfilled here from the entries.
2. A trigger refuses UPDATE and DELETE of ``ledger_posting`` and ``ledger_entry`` (PostgreSQL:
   SQLSTATE 23000, which Django raises as ``IntegrityError``; SQLite: ``RAISE(ABORT)``). A wrong
   posting is corrected by another posting, never edited. TRUNCATE (test database flushes) is
   not a row operation and is not refused.
"""
from django.db import migrations, models

BACKFILL_SQL = """
UPDATE ledger_account SET
    debits = COALESCE((SELECT SUM(e.amount) FROM ledger_entry e
                       WHERE e.account_id = ledger_account.id AND e.side = 'debit'), 0),
    credits = COALESCE((SELECT SUM(e.amount) FROM ledger_entry e
                        WHERE e.account_id = ledger_account.id AND e.side = 'credit'), 0)
WHERE company_id IS NOT NULL
"""

PG_FORWARD = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_posting_append_only
    BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting;
DROP FUNCTION IF EXISTS ledger_append_only();
"""
SQLITE_FORWARD = [
    f"CREATE TRIGGER {table}_append_only_{op.lower()} BEFORE {op} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
    for table in ("ledger_posting", "ledger_entry") for op in ("UPDATE", "DELETE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_append_only_{op.lower()}"
    for table in ("ledger_posting", "ledger_entry") for op in ("UPDATE", "DELETE")
]


def forward(apps, schema_editor):
    schema_editor.execute(BACKFILL_SQL)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_payment_differences_discounts_reversals'),
    ]

    operations = [
        migrations.AddField(
            model_name='account',
            name='credits',
            field=models.DecimalField(decimal_places=4, default=0, help_text='Sum of the credit legs (company-side accounts; maintained).', max_digits=24),
        ),
        migrations.AddField(
            model_name='account',
            name='debits',
            field=models.DecimalField(decimal_places=4, default=0, help_text='Sum of the debit legs (company-side accounts; maintained).', max_digits=24),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
