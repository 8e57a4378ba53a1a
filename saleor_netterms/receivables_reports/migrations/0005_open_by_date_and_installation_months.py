"""Two installation-wide rollups over the per-receivable and per-company ones, so that the page's
ageing in total / per currency and its DSO / CEI read a few thousand rows instead of a million:
models.OpenByDate (OpenReceivable summed per currency, invoice date, due date and shard) and
models.InstallationMonth (CompanyMonth summed per currency, month and shard); shard = company_id %
32. Each is kept by a row trigger on the table it sums and backfilled here. No-op on SQLite."""
from django.db import migrations, models

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION reports_open_by_date_add(r receivables_reports_openreceivable, sign int) RETURNS void AS $$
    INSERT INTO receivables_reports_openbydate AS o
           (installation_id, currency, issue_date, due_date, shard, open_amount, receivables, net_amount, members)
    VALUES (r.installation_id, r.currency, r.issue_date, r.due_date, mod(r.company_id, 32),
            sign * GREATEST(r.open_amount, 0), sign * (r.open_amount > 0)::int, sign * r.open_amount, sign)
    ON CONFLICT (installation_id, currency, issue_date, due_date, shard)
       DO UPDATE SET open_amount = o.open_amount + EXCLUDED.open_amount, receivables = o.receivables + EXCLUDED.receivables,
                     net_amount = o.net_amount + EXCLUDED.net_amount, members = o.members + EXCLUDED.members
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION reports_open_by_date() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.installation_id = NEW.installation_id AND OLD.currency = NEW.currency
       AND OLD.issue_date = NEW.issue_date AND OLD.due_date = NEW.due_date
       AND mod(OLD.company_id, 32) = mod(NEW.company_id, 32) THEN
        IF OLD.open_amount <> NEW.open_amount THEN  -- the same row: one update
            UPDATE receivables_reports_openbydate o
               SET open_amount = o.open_amount + GREATEST(NEW.open_amount, 0) - GREATEST(OLD.open_amount, 0),
                   receivables = o.receivables + (NEW.open_amount > 0)::int - (OLD.open_amount > 0)::int,
                   net_amount = o.net_amount + NEW.open_amount - OLD.open_amount
             WHERE o.installation_id = NEW.installation_id AND o.currency = NEW.currency AND o.issue_date = NEW.issue_date
               AND o.due_date = NEW.due_date AND o.shard = mod(NEW.company_id, 32);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_open_by_date_add(OLD, -1);
        DELETE FROM receivables_reports_openbydate o
         WHERE o.installation_id = OLD.installation_id AND o.currency = OLD.currency AND o.issue_date = OLD.issue_date
           AND o.due_date = OLD.due_date AND o.shard = mod(OLD.company_id, 32) AND o.members = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_open_by_date_add(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_open_by_date ON receivables_reports_openreceivable;
CREATE TRIGGER reports_open_by_date AFTER INSERT OR UPDATE OR DELETE ON receivables_reports_openreceivable
    FOR EACH ROW EXECUTE FUNCTION reports_open_by_date();

CREATE OR REPLACE FUNCTION reports_installation_month() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO receivables_reports_installationmonth AS o
               (installation_id, currency, month, shard, sales, moved, current_end)
        VALUES (OLD.installation_id, OLD.currency, OLD.month, mod(OLD.company_id, 32), -OLD.sales, -OLD.moved, -OLD.current_end)
        ON CONFLICT (installation_id, currency, month, shard)
           DO UPDATE SET sales = o.sales + EXCLUDED.sales, moved = o.moved + EXCLUDED.moved,
                         current_end = o.current_end + EXCLUDED.current_end;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO receivables_reports_installationmonth AS o
               (installation_id, currency, month, shard, sales, moved, current_end)
        VALUES (NEW.installation_id, NEW.currency, NEW.month, mod(NEW.company_id, 32), NEW.sales, NEW.moved, NEW.current_end)
        ON CONFLICT (installation_id, currency, month, shard)
           DO UPDATE SET sales = o.sales + EXCLUDED.sales, moved = o.moved + EXCLUDED.moved,
                         current_end = o.current_end + EXCLUDED.current_end;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_installation_month ON receivables_reports_companymonth;
CREATE TRIGGER reports_installation_month AFTER INSERT OR UPDATE OR DELETE ON receivables_reports_companymonth
    FOR EACH ROW EXECUTE FUNCTION reports_installation_month();
"""

# both rollups from the tables they sum (what the triggers keep from now on)
REBUILD = r"""
DELETE FROM receivables_reports_openbydate;
INSERT INTO receivables_reports_openbydate
       (installation_id, currency, issue_date, due_date, shard, open_amount, receivables, net_amount, members)
SELECT installation_id, currency, issue_date, due_date, mod(company_id, 32), SUM(GREATEST(open_amount, 0)),
       COUNT(*) FILTER (WHERE open_amount > 0), SUM(open_amount), COUNT(*)
  FROM receivables_reports_openreceivable GROUP BY 1, 2, 3, 4, 5;
DELETE FROM receivables_reports_installationmonth;
INSERT INTO receivables_reports_installationmonth (installation_id, currency, month, shard, sales, moved, current_end)
SELECT installation_id, currency, month, mod(company_id, 32), SUM(sales), SUM(moved), SUM(current_end)
  FROM receivables_reports_companymonth GROUP BY 1, 2, 3, 4;
"""

DROP = r"""
DROP TRIGGER IF EXISTS reports_open_by_date ON receivables_reports_openreceivable;
DROP FUNCTION IF EXISTS reports_open_by_date();
DROP FUNCTION IF EXISTS reports_open_by_date_add(receivables_reports_openreceivable, int);
DROP TRIGGER IF EXISTS reports_installation_month ON receivables_reports_companymonth;
DROP FUNCTION IF EXISTS reports_installation_month();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS)
        schema_editor.execute(REBUILD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)



class Migration(migrations.Migration):

    dependencies = [
        ('receivables_reports', '0004_digest_recipients'),
    ]

    operations = [
        migrations.CreateModel(
            name='InstallationMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('installation_id', models.BigIntegerField()),
                ('currency', models.CharField(max_length=3)),
                ('month', models.DateField(help_text="The month's first day.")),
                ('shard', models.SmallIntegerField()),
                ('sales', models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ('moved', models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ('current_end', models.DecimalField(decimal_places=4, default=0, max_digits=24)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('installation_id', 'currency', 'month', 'shard'), name='reports_installation_month_unique')],
            },
        ),
        migrations.CreateModel(
            name='OpenByDate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('installation_id', models.BigIntegerField()),
                ('currency', models.CharField(max_length=3)),
                ('issue_date', models.DateField()),
                ('due_date', models.DateField()),
                ('shard', models.SmallIntegerField()),
                ('open_amount', models.DecimalField(decimal_places=4, default=0, help_text='Σ of the open amounts above zero (what ageing counts).', max_digits=24)),
                ('receivables', models.IntegerField(default=0, help_text='How many of them.')),
                ('net_amount', models.DecimalField(decimal_places=4, default=0, help_text='Σ of every open amount, below zero too (an overpaid receivable).', max_digits=24)),
                ('members', models.IntegerField(default=0, help_text='How many OpenReceivable rows (the row goes at 0).')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('installation_id', 'currency', 'issue_date', 'due_date', 'shard'), name='reports_open_by_date_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
