"""PostgreSQL refuses UPDATE and DELETE on credit policy versions: editing a policy inserts the
next version, a reset inserts an inactive one (decisions.services). Not applied on SQLite."""
from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION decisions_policy_version_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'decisions_creditpolicyversion is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_policy_version_append_only
    BEFORE UPDATE OR DELETE ON decisions_creditpolicyversion
    FOR EACH ROW EXECUTE FUNCTION decisions_policy_version_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS decisions_policy_version_append_only ON decisions_creditpolicyversion;
DROP FUNCTION IF EXISTS decisions_policy_version_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
