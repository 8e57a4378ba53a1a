"""Every installation row carries a `revision` that changes whenever the row does (PostgreSQL only).

The per-process installation cache (installations.selectors.installation_cached) keys on it: the
webhook pipeline reads the current revision in the dispatch claim it sends anyway, and a cached row
whose revision differs is read again. The revision comes from its own sequence, set on INSERT and on
every UPDATE by a row trigger, so no writer (ORM save, queryset update, raw SQL) can forget to bump
it and no value is ever handed out twice (the sequence belongs to no column: TRUNCATE … RESTART
IDENTITY leaves it alone). Not a model field: nothing in Python writes it."""
from django.db import migrations

FORWARD = """
CREATE SEQUENCE installations_installation_revision_seq;
ALTER TABLE installations_installation
    ADD COLUMN revision bigint NOT NULL DEFAULT nextval('installations_installation_revision_seq');
CREATE FUNCTION installations_installation_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := nextval('installations_installation_revision_seq');
    RETURN NEW;
END $$;
CREATE TRIGGER installations_installation_revision BEFORE UPDATE ON installations_installation
    FOR EACH ROW EXECUTE FUNCTION installations_installation_revision_bump();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS installations_installation_revision ON installations_installation;
DROP FUNCTION IF EXISTS installations_installation_revision_bump();
ALTER TABLE installations_installation DROP COLUMN IF EXISTS revision;
DROP SEQUENCE IF EXISTS installations_installation_revision_seq;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('installations', '0004_jwks_refetch_cooldown'),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
