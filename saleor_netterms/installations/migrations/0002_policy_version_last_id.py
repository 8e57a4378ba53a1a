from django.db import migrations, models

BACKFILL = """
UPDATE installations_installation SET policy_version_last_id = COALESCE(
    (SELECT MAX(v.id) FROM decisions_creditpolicyversion v
     WHERE v.installation_id = installations_installation.id), 0)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('installations', '0001_initial'),
        ('decisions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='installation',
            name='policy_version_last_id',
            field=models.BigIntegerField(default=0, help_text='Id of the newest credit policy version saved for this installation (any tier or channel); keys the per-process policy cache (decisions.selectors).'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
    ]
