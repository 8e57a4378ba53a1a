from django.db import migrations, models


def utc_default_to_installation(apps, schema_editor):
    """Policies saved with the old "UTC" default (never chosen: the editor pre-filled it) follow the
    installation's business time zone from now on."""
    apps.get_model("collections", "DunningPolicy").objects.filter(time_zone="UTC").update(time_zone="")


class Migration(migrations.Migration):
    dependencies = [("collections", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="dunningpolicy", name="time_zone",
            field=models.CharField(blank=True, default="", max_length=64,
                                   help_text="IANA zone of the send window and 'today' ('' = the installation's "
                                             "business time zone)."),
        ),
        migrations.RunPython(utc_default_to_installation, migrations.RunPython.noop),
    ]
