"""Who is master of what, per installation: credit limits, invoices, open items — the app or
the merchant's ERP — and the ERP's open items where the ERP is master of accounts receivable.

- credit limits by the ERP: limits change only through the ERP API (staff see them read-only);
- invoices by the ERP: the app issues no invoice itself; the ERP pushes its invoices, which the
  app attaches to the Saleor order and tracks as the receivable;
- open items by the ERP: a credit decision counts the ERP's open items plus the app's open
  holds as exposure (the app's own receivables are then not counted a second time).
"""
from django.db import models


class Master(models.TextChoices):
    APP = "app", "The app"
    ERP = "erp", "The ERP"


class InstallationMasters(models.Model):
    installation = models.OneToOneField("installations.Installation", on_delete=models.CASCADE,
                                        related_name="masters")
    credit_limits = models.CharField(max_length=8, choices=Master.choices, default=Master.APP)
    invoices = models.CharField(max_length=8, choices=Master.choices, default=Master.APP)
    open_items = models.CharField(max_length=8, choices=Master.choices, default=Master.APP)
    erp_limits_need_approval = models.BooleanField(
        default=False, help_text="A limit raise pushed by the ERP opens an approval request instead of applying.")
    updated_at = models.DateTimeField(auto_now=True)


class ErpOpenItem(models.Model):
    """One open item of a company's account in the ERP (invoice, credit memo, payment on account),
    as of the ERP's last push. A push replaces the company's open items in that currency."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="erp_open_items")
    currency = models.CharField(max_length=3)
    document_number = models.CharField(max_length=64)
    document_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    amount_open = models.DecimalField(max_digits=20, decimal_places=4,
                                      help_text="Positive: the company owes it; negative: a credit.")
    as_of = models.DateTimeField()

    class Meta:
        ordering = ["company_id", "currency", "due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["company", "currency", "document_number"],
                                               name="erp_open_item_unique_document")]
