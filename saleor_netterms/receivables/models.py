"""A receivable: what a company owes for a captured (invoiced) order, due on its terms.

Its open amount is computed from the ledger (`receivable_ref`). `saleor_pending_psp` is the
pspReference of the CHARGE_REQUEST that is pending in Saleor for the unpaid part, if any (see
payments.services for how payments are reported back)."""
from django.db import models


class ReceivableStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    CREDITED = "credited", "Credited"


class Receivable(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="receivables")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT,
                                related_name="receivables")
    transaction = models.ForeignKey("checkout.NetTermsTransaction", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="receivables")
    reference = models.CharField(max_length=64, help_text="Also the pspReference of the capture.")
    capture_key = models.CharField(max_length=255, help_text="What made it: unique per installation.")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    issue_date = models.DateField()
    due_date = models.DateField()
    terms_days = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ReceivableStatus.choices,
                              default=ReceivableStatus.OPEN)
    order_id = models.CharField(max_length=255, blank=True)
    order_number = models.CharField(max_length=64, blank=True)
    saleor_pending_psp = models.CharField(max_length=80, blank=True)
    saleor_psp_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "reference"],
                                    name="receivable_unique_reference"),
            models.UniqueConstraint(fields=["installation", "capture_key"],
                                    name="receivable_unique_capture_key"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "due_date"]),
            # Bank reconciliation looks open receivables up by the Saleor order number a payer wrote
            # and, for the amount-only suggestion, by exact amount: partial indexes over the open
            # ones, so a batch of bank lines is an index probe per value, not a scan of the book.
            models.Index(fields=["installation", "order_number"], name="receivable_open_order_idx",
                         condition=models.Q(status="open") & ~models.Q(order_number="")),
            models.Index(fields=["installation", "currency", "amount"], name="receivable_open_amount_idx",
                         condition=models.Q(status="open")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency} due {self.due_date}"

    @property
    def receivable_ref(self) -> str:
        return f"rcv:{self.pk}"
