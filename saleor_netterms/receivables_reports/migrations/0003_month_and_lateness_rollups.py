"""The month and lateness rollups (models.CompanyMonth, models.CompanyLateness), the PostgreSQL
triggers that keep them from the ledger's events, their backfill, and the indexes the as-of
month's own reads use (the part of a month up to the as-of date is read from the book, the months
before it from the rollups). A no-op for the SQL on SQLite (the selectors sum the book there)."""
from django.db import migrations, models

FUNCTIONS = r"""
-- the first days of the months whose last day falls in [a, b]
CREATE OR REPLACE FUNCTION reports_month_ends(a date, b date) RETURNS SETOF date AS $$
    SELECT g::date FROM generate_series(date_trunc('month', a::timestamp), date_trunc('month', b::timestamp),
                                        interval '1 month') g
     WHERE (g + interval '1 month' - interval '1 day')::date BETWEEN a AND b
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION reports_month_of(d date) RETURNS date AS $$
    SELECT date_trunc('month', d::timestamp)::date
$$ LANGUAGE sql IMMUTABLE;

-- what one receivable adds to its company's months: its sale, its movements after booking, and
-- what is open on it at each month end between its invoice and its due date
CREATE OR REPLACE FUNCTION reports_receivable_months(rid bigint, company bigint, cur text, amount numeric,
                                                     issued date, due date)
RETURNS TABLE (month date, sales numeric, moved numeric, current_end numeric) AS $$
    WITH mv AS (
        SELECT p.effective_date AS eff, CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END AS delta
          FROM ledger_account a
          JOIN ledger_entry e ON e.account_id = a.id AND e.receivable_ref = 'rcv:' || rid
          JOIN ledger_posting p ON p.id = e.posting_id
         WHERE a.company_id = company AND a.currency = cur AND a.kind = 'receivable'
           AND p.kind NOT IN ('receivable', 'fee'))
    SELECT reports_month_of(issued), amount, 0::numeric, 0::numeric
    UNION ALL SELECT m, 0, 0, amount FROM reports_month_ends(issued, due) m
    UNION ALL SELECT reports_month_of(mv.eff), 0, mv.delta, 0 FROM mv
    UNION ALL SELECT m, 0, 0, mv.delta FROM mv, reports_month_ends(GREATEST(issued, mv.eff), due) m
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION reports_month_receivable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.amount = NEW.amount AND OLD.issue_date = NEW.issue_date
       AND OLD.due_date = NEW.due_date AND OLD.company_id = NEW.company_id AND OLD.currency = NEW.currency THEN
        RETURN NULL;
    END IF;
    INSERT INTO receivables_reports_companymonth AS o
           (installation_id, company_id, currency, month, sales, moved, current_end)
    SELECT x.installation_id, x.company_id, x.currency, x.month, SUM(x.sales), SUM(x.moved), SUM(x.current_end)
      FROM (SELECT NEW.installation_id, NEW.company_id, NEW.currency, m.*
              FROM reports_receivable_months(NEW.id, NEW.company_id, NEW.currency, NEW.amount, NEW.issue_date,
                                             NEW.due_date) m
            UNION ALL
            SELECT OLD.installation_id, OLD.company_id, OLD.currency, m.month, -m.sales, -m.moved, -m.current_end
              FROM reports_receivable_months(OLD.id, OLD.company_id, OLD.currency, OLD.amount, OLD.issue_date,
                                             OLD.due_date) m
             WHERE TG_OP = 'UPDATE') x (installation_id, company_id, currency, month, sales, moved, current_end)
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (company_id, currency, month) DO UPDATE
       SET sales = o.sales + EXCLUDED.sales, moved = o.moved + EXCLUDED.moved,
           current_end = o.current_end + EXCLUDED.current_end;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_month_receivable ON receivables_receivable;
CREATE TRIGGER reports_month_receivable AFTER INSERT OR UPDATE OF amount, issue_date, due_date, company_id, currency
    ON receivables_receivable FOR EACH ROW EXECUTE FUNCTION reports_month_receivable();

CREATE OR REPLACE FUNCTION reports_month_entries() RETURNS trigger AS $$
BEGIN
    WITH mv AS (
        SELECT substr(n.receivable_ref, 5)::bigint AS rid, p.effective_date AS eff,
               CASE WHEN n.side = 'debit' THEN n.amount ELSE -n.amount END AS delta
          FROM new_entries n JOIN ledger_account a ON a.id = n.account_id
          JOIN ledger_posting p ON p.id = n.posting_id
         WHERE a.kind = 'receivable' AND n.receivable_ref ~ '^rcv:[0-9]{1,18}$'
           AND p.kind NOT IN ('receivable', 'fee')),
    x AS (
        SELECT r.installation_id, r.company_id, r.currency, reports_month_of(mv.eff) AS month,
               mv.delta AS moved, 0::numeric AS current_end
          FROM mv JOIN receivables_receivable r ON r.id = mv.rid
        UNION ALL
        SELECT r.installation_id, r.company_id, r.currency, m, 0, mv.delta
          FROM mv JOIN receivables_receivable r ON r.id = mv.rid,
               reports_month_ends(GREATEST(r.issue_date, mv.eff), r.due_date) m)
    INSERT INTO receivables_reports_companymonth AS o
           (installation_id, company_id, currency, month, sales, moved, current_end)
    SELECT installation_id, company_id, currency, month, 0, SUM(moved), SUM(current_end)
      FROM x GROUP BY 1, 2, 3, 4
    ON CONFLICT (company_id, currency, month) DO UPDATE
       SET moved = o.moved + EXCLUDED.moved, current_end = o.current_end + EXCLUDED.current_end;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_month_entries ON ledger_entry;
CREATE TRIGGER reports_month_entries AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION reports_month_entries();

CREATE OR REPLACE FUNCTION reports_lateness_allocations() RETURNS trigger AS $$
BEGIN
    INSERT INTO receivables_reports_companylateness AS o
           (installation_id, company_id, currency, month, paid, late_amount_days, payments)
    SELECT r.installation_id, r.company_id, r.currency, reports_month_of(p.received_on), SUM(n.amount),
           SUM(n.amount * GREATEST(p.received_on - r.due_date, 0)), COUNT(*)
      FROM new_allocations n JOIN payments_payment p ON p.id = n.payment_id
      JOIN receivables_receivable r ON r.id = n.receivable_id
     WHERE p.reversed_at IS NULL
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (company_id, currency, month) DO UPDATE
       SET paid = o.paid + EXCLUDED.paid, late_amount_days = o.late_amount_days + EXCLUDED.late_amount_days,
           payments = o.payments + EXCLUDED.payments;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_lateness_allocations ON payments_paymentallocation;
CREATE TRIGGER reports_lateness_allocations AFTER INSERT ON payments_paymentallocation
    REFERENCING NEW TABLE AS new_allocations FOR EACH STATEMENT EXECUTE FUNCTION reports_lateness_allocations();

-- a payment reversed (or its received date changed): its allocations leave (or move)
CREATE OR REPLACE FUNCTION reports_lateness_payment() RETURNS trigger AS $$
BEGIN
    INSERT INTO receivables_reports_companylateness AS o
           (installation_id, company_id, currency, month, paid, late_amount_days, payments)
    SELECT r.installation_id, r.company_id, r.currency, reports_month_of(x.received_on), SUM(x.sign * pa.amount),
           SUM(x.sign * pa.amount * GREATEST(x.received_on - r.due_date, 0)), SUM(x.sign)::int
      FROM payments_paymentallocation pa JOIN receivables_receivable r ON r.id = pa.receivable_id,
           (SELECT -1 AS sign, OLD.received_on AS received_on WHERE OLD.reversed_at IS NULL
            UNION ALL SELECT 1, NEW.received_on WHERE NEW.reversed_at IS NULL) x
     WHERE pa.payment_id = NEW.id
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (company_id, currency, month) DO UPDATE
       SET paid = o.paid + EXCLUDED.paid, late_amount_days = o.late_amount_days + EXCLUDED.late_amount_days,
           payments = o.payments + EXCLUDED.payments;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_lateness_payment ON payments_payment;
CREATE TRIGGER reports_lateness_payment AFTER UPDATE OF reversed_at, received_on ON payments_payment FOR EACH ROW
    WHEN ((OLD.reversed_at IS NULL) IS DISTINCT FROM (NEW.reversed_at IS NULL)
          OR OLD.received_on IS DISTINCT FROM NEW.received_on)
    EXECUTE FUNCTION reports_lateness_payment();

-- a receivable's due date moved: the days late of the payments already applied to it follow
CREATE OR REPLACE FUNCTION reports_lateness_due() RETURNS trigger AS $$
BEGIN
    INSERT INTO receivables_reports_companylateness AS o
           (installation_id, company_id, currency, month, paid, late_amount_days, payments)
    SELECT NEW.installation_id, NEW.company_id, NEW.currency, reports_month_of(p.received_on), 0,
           SUM(pa.amount * (GREATEST(p.received_on - NEW.due_date, 0) - GREATEST(p.received_on - OLD.due_date, 0))), 0
      FROM payments_paymentallocation pa JOIN payments_payment p ON p.id = pa.payment_id
     WHERE pa.receivable_id = NEW.id AND p.reversed_at IS NULL
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (company_id, currency, month) DO UPDATE
       SET late_amount_days = o.late_amount_days + EXCLUDED.late_amount_days;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_lateness_due ON receivables_receivable;
CREATE TRIGGER reports_lateness_due AFTER UPDATE OF due_date ON receivables_receivable FOR EACH ROW
    WHEN (OLD.due_date IS DISTINCT FROM NEW.due_date) EXECUTE FUNCTION reports_lateness_due();

-- the as-of month's own reads (the part of it up to the as-of date)
CREATE INDEX IF NOT EXISTS reports_receivable_issue_idx ON receivables_receivable (installation_id, issue_date);
CREATE INDEX IF NOT EXISTS reports_posting_effective_idx ON ledger_posting (installation_id, effective_date)
    WHERE kind NOT IN ('receivable', 'fee', 'hold', 'hold_release');
CREATE INDEX IF NOT EXISTS reports_payment_received_idx ON payments_payment (installation_id, received_on);
CREATE INDEX IF NOT EXISTS reports_payment_reversed_idx ON payments_payment (installation_id, reversed_at)
    WHERE reversed_at IS NOT NULL;
"""

# Both rollups from the book (the same sums ledger_verify recomputes).
BACKFILL = r"""
DELETE FROM receivables_reports_companymonth;
INSERT INTO receivables_reports_companymonth (installation_id, company_id, currency, month, sales, moved, current_end)
SELECT r.installation_id, r.company_id, r.currency, m.month, SUM(m.sales), SUM(m.moved), SUM(m.current_end)
  FROM receivables_receivable r,
       reports_receivable_months(r.id, r.company_id, r.currency, r.amount, r.issue_date, r.due_date) m
 GROUP BY 1, 2, 3, 4;
DELETE FROM receivables_reports_companylateness;
INSERT INTO receivables_reports_companylateness
       (installation_id, company_id, currency, month, paid, late_amount_days, payments)
SELECT r.installation_id, r.company_id, r.currency, reports_month_of(p.received_on), SUM(pa.amount),
       SUM(pa.amount * GREATEST(p.received_on - r.due_date, 0)), COUNT(*)
  FROM payments_paymentallocation pa JOIN payments_payment p ON p.id = pa.payment_id
  JOIN receivables_receivable r ON r.id = pa.receivable_id
 WHERE p.reversed_at IS NULL
 GROUP BY 1, 2, 3, 4;
"""

DROP = r"""
DROP TRIGGER IF EXISTS reports_month_receivable ON receivables_receivable;
DROP TRIGGER IF EXISTS reports_month_entries ON ledger_entry;
DROP TRIGGER IF EXISTS reports_lateness_allocations ON payments_paymentallocation;
DROP TRIGGER IF EXISTS reports_lateness_payment ON payments_payment;
DROP TRIGGER IF EXISTS reports_lateness_due ON receivables_receivable;
DROP FUNCTION IF EXISTS reports_month_receivable();
DROP FUNCTION IF EXISTS reports_month_entries();
DROP FUNCTION IF EXISTS reports_lateness_allocations();
DROP FUNCTION IF EXISTS reports_lateness_payment();
DROP FUNCTION IF EXISTS reports_lateness_due();
DROP FUNCTION IF EXISTS reports_receivable_months(bigint, bigint, text, numeric, date, date);
DROP FUNCTION IF EXISTS reports_month_ends(date, date);
DROP FUNCTION IF EXISTS reports_month_of(date);
DROP INDEX IF EXISTS reports_receivable_issue_idx;
DROP INDEX IF EXISTS reports_posting_effective_idx;
DROP INDEX IF EXISTS reports_payment_received_idx;
DROP INDEX IF EXISTS reports_payment_reversed_idx;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS)
        schema_editor.execute(BACKFILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('receivables_reports', '0002_open_receivable_from_balances'),
        ('payments', '0003_payment_reversal_and_settlements'),
        ('receivables', '0002_reconciliation_lookup_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='CompanyLateness',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('installation_id', models.BigIntegerField()),
                ('company_id', models.BigIntegerField()),
                ('currency', models.CharField(max_length=3)),
                ('month', models.DateField(help_text="The month's first day.")),
                ('paid', models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ('late_amount_days', models.DecimalField(decimal_places=4, default=0, max_digits=30)),
                ('payments', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['installation_id', 'currency', 'month'], name='reports_lateness_idx')],
                'constraints': [models.UniqueConstraint(fields=('company_id', 'currency', 'month'), name='reports_company_lateness_unique')],
            },
        ),
        migrations.CreateModel(
            name='CompanyMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('installation_id', models.BigIntegerField()),
                ('company_id', models.BigIntegerField()),
                ('currency', models.CharField(max_length=3)),
                ('month', models.DateField(help_text="The month's first day.")),
                ('sales', models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ('moved', models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ('current_end', models.DecimalField(decimal_places=4, default=0, max_digits=24)),
            ],
            options={
                'indexes': [models.Index(fields=['installation_id', 'currency', 'month'], name='reports_month_idx')],
                'constraints': [models.UniqueConstraint(fields=('company_id', 'currency', 'month'), name='reports_company_month_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
