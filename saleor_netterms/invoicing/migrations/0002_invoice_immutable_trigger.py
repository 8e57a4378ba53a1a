"""PostgreSQL refuses to change an issued invoice.

A BEFORE UPDATE trigger on ``invoicing_invoice`` raises (SQLSTATE 23514, check_violation) when an
UPDATE changes any column but ``status``, ``voided_at``, ``void_reason`` and ``saleor_invoice_id``,
or moves ``status`` anywhere but issued → void; a BEFORE DELETE trigger refuses deleting an
invoice (numbers are gapless: a number once issued stays). TRUNCATE (test teardown) is not
affected. SQLite (``make run``) has no such trigger; ``Invoice.save``/``delete`` refuse in Python.
"""
from django.db import migrations

CREATE_SQL = r"""
CREATE OR REPLACE FUNCTION invoicing_invoice_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'invoice % (%) is issued and cannot be deleted', OLD.id, OLD.number
            USING ERRCODE = 'check_violation';
    END IF;
    IF (NEW.installation_id, NEW.company_id, NEW.kind, NEW.series_id, NEW.period, NEW.number, NEW.sequence,
        NEW.issue_date, NEW.currency, NEW.total_gross, NEW.amount_due, NEW.due_date, NEW.transaction_id,
        NEW.receivable_id, NEW.credited_invoice_id, NEW.issue_key, NEW.saleor_order_id, NEW.created_at)
       IS DISTINCT FROM
       (OLD.installation_id, OLD.company_id, OLD.kind, OLD.series_id, OLD.period, OLD.number, OLD.sequence,
        OLD.issue_date, OLD.currency, OLD.total_gross, OLD.amount_due, OLD.due_date, OLD.transaction_id,
        OLD.receivable_id, OLD.credited_invoice_id, OLD.issue_key, OLD.saleor_order_id, OLD.created_at)
       OR NEW.snapshot::jsonb IS DISTINCT FROM OLD.snapshot::jsonb THEN
        RAISE EXCEPTION 'invoice % (%) is issued: its number, figures and snapshot cannot change', OLD.id, OLD.number
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'issued' AND NEW.status = 'void') THEN
        RAISE EXCEPTION 'invoice % (%) cannot go from % to %', OLD.id, OLD.number, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS invoicing_invoice_immutable ON invoicing_invoice;
CREATE TRIGGER invoicing_invoice_immutable
    BEFORE UPDATE OR DELETE ON invoicing_invoice
    FOR EACH ROW EXECUTE FUNCTION invoicing_invoice_immutable();
"""

DROP_SQL = r"""
DROP TRIGGER IF EXISTS invoicing_invoice_immutable ON invoicing_invoice;
DROP FUNCTION IF EXISTS invoicing_invoice_immutable();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE_SQL), _on_postgresql(DROP_SQL), elidable=False),
    ]
