"""The open-receivables rollup (models.OpenReceivable) and the PostgreSQL triggers that keep it,
backfilled from the ledger. A no-op for the triggers on SQLite (the selectors sum the ledger there)."""
from django.db import migrations, models

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION reports_open_receivable_entries() RETURNS trigger AS $$
BEGIN
    WITH moved AS (
        SELECT substr(n.receivable_ref, 5)::bigint AS receivable_id,
               SUM(CASE WHEN n.side = 'debit' THEN n.amount ELSE -n.amount END) AS delta
          FROM new_entries n JOIN ledger_account a ON a.id = n.account_id
         WHERE a.kind = 'receivable' AND n.receivable_ref ~ '^rcv:[0-9]{1,18}$'
         GROUP BY 1)
    INSERT INTO receivables_reports_openreceivable AS o
           (receivable_id, installation_id, company_id, currency, issue_date, due_date, open_amount)
    SELECT r.id, r.installation_id, r.company_id, r.currency, r.issue_date, r.due_date, moved.delta
      FROM moved JOIN receivables_receivable r ON r.id = moved.receivable_id
    ON CONFLICT (receivable_id) DO UPDATE SET open_amount = o.open_amount + EXCLUDED.open_amount;
    DELETE FROM receivables_reports_openreceivable
     WHERE open_amount = 0 AND receivable_id IN (
         SELECT substr(n.receivable_ref, 5)::bigint FROM new_entries n WHERE n.receivable_ref ~ '^rcv:[0-9]{1,18}$');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_open_receivable_entries ON ledger_entry;
CREATE TRIGGER reports_open_receivable_entries AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION reports_open_receivable_entries();

CREATE OR REPLACE FUNCTION reports_open_receivable_dates() RETURNS trigger AS $$
BEGIN
    UPDATE receivables_reports_openreceivable SET due_date = NEW.due_date, issue_date = NEW.issue_date
     WHERE receivable_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_open_receivable_dates ON receivables_receivable;
CREATE TRIGGER reports_open_receivable_dates AFTER UPDATE OF due_date, issue_date ON receivables_receivable
    FOR EACH ROW WHEN (OLD.due_date IS DISTINCT FROM NEW.due_date OR OLD.issue_date IS DISTINCT FROM NEW.issue_date)
    EXECUTE FUNCTION reports_open_receivable_dates();
"""

BACKFILL = r"""
INSERT INTO receivables_reports_openreceivable
       (receivable_id, installation_id, company_id, currency, issue_date, due_date, open_amount)
SELECT r.id, r.installation_id, r.company_id, r.currency, r.issue_date, r.due_date, s.total
  FROM (SELECT substr(e.receivable_ref, 5)::bigint AS receivable_id,
               SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END) AS total
          FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
         WHERE a.kind = 'receivable' AND e.receivable_ref ~ '^rcv:[0-9]{1,18}$'
         GROUP BY 1) s
  JOIN receivables_receivable r ON r.id = s.receivable_id
 WHERE s.total <> 0;
"""

DROP = r"""
DROP TRIGGER IF EXISTS reports_open_receivable_entries ON ledger_entry;
DROP FUNCTION IF EXISTS reports_open_receivable_entries();
DROP TRIGGER IF EXISTS reports_open_receivable_dates ON receivables_receivable;
DROP FUNCTION IF EXISTS reports_open_receivable_dates();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS)
        schema_editor.execute(BACKFILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("ledger", "0005_posting_effective_date_business_day"),
        ("receivables", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenReceivable",
            fields=[
                ("receivable", models.OneToOneField(db_constraint=False, on_delete=models.deletion.DO_NOTHING,
                                                    primary_key=True, related_name="+", serialize=False,
                                                    to="receivables.receivable")),
                ("installation_id", models.BigIntegerField()),
                ("company_id", models.BigIntegerField()),
                ("currency", models.CharField(max_length=3)),
                ("issue_date", models.DateField()),
                ("due_date", models.DateField()),
                ("open_amount", models.DecimalField(decimal_places=4, max_digits=24)),
            ],
            options={"indexes": [models.Index(fields=["installation_id", "currency", "due_date"],
                                              name="reports_open_due_idx")]},
        ),
        migrations.RunPython(forwards, backwards),
    ]
