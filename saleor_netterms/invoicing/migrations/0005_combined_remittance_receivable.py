"""A combined remittance's items name the receivable and the invoice number (an invoice the
merchant's ERP issued has no invoicing.Invoice); the app's invoice stays where there is one."""
import django.db.models.deletion
from django.db import migrations, models


def items_fill(apps, schema_editor):
    Item = apps.get_model("invoicing", "CombinedRemittanceItem")
    for item in Item.objects.select_related("invoice").iterator():
        item.receivable_id, item.number = item.invoice.receivable_id, item.invoice.number
        item.save(update_fields=["receivable", "number"])


class Migration(migrations.Migration):

    dependencies = [
        ("invoicing", "0004_combined_remittance"),
        ("receivables", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="combinedremittanceitem", name="combined_remittance_item_once"),
        migrations.AddField(model_name="combinedremittanceitem", name="receivable", field=models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="receivables.receivable")),
        migrations.AddField(model_name="combinedremittanceitem", name="number",
                            field=models.CharField(default="", max_length=64), preserve_default=False),
        migrations.RunPython(items_fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="combinedremittanceitem", name="receivable", field=models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT, related_name="+", to="receivables.receivable")),
        migrations.AlterField(model_name="combinedremittanceitem", name="invoice", field=models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
            to="invoicing.invoice")),
        migrations.AddConstraint(model_name="combinedremittanceitem", constraint=models.UniqueConstraint(
            fields=("remittance", "receivable"), name="combined_remittance_item_once")),
    ]
