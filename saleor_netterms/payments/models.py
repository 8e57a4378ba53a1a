"""Payments received from a company and how they were applied to its receivables.

The ledger holds the money truth (payment postings); these rows hold what a person or an ERP
needs to see: where the money came from and which invoices it settled."""
from django.db import models


class PaymentSource(models.TextChoices):
    MANUAL = "manual", "Recorded by staff"
    ERP = "erp", "ERP"
    BANK = "bank", "Bank statement"


class SettlementKind(models.TextChoices):
    TOLERANCE = "tolerance", "Payment difference within tolerance"
    DISCOUNT = "discount", "Early-payment discount taken"


class Payment(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="payments")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="payments")
    source = models.CharField(max_length=16, choices=PaymentSource.choices, default=PaymentSource.MANUAL)
    reference = models.CharField(max_length=128, help_text="Bank or ERP reference; unique per source.")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    unallocated_amount = models.DecimalField(max_digits=20, decimal_places=4, default=0,
                                             help_text="Went to the company's credit balance.")
    received_on = models.DateField()
    recorded_by = models.CharField(max_length=255, blank=True)
    memo = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True,
                                       help_text="Set when the payment was undone (returned transfer, unmatch).")
    reversal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "source", "reference"],
                                    name="payment_unique_source_reference"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency}"

    @property
    def payment_ref(self) -> str:
        return f"pay:{self.pk}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    receivable = models.ForeignKey("receivables.Receivable", on_delete=models.PROTECT,
                                   related_name="allocations")
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    saleor_psp_reference = models.CharField(max_length=80, blank=True,
                                            help_text="The pspReference reported to Saleor for it.")
    settlement_kind = models.CharField(max_length=16, choices=SettlementKind.choices, blank=True,
                                       help_text="The rest of the receivable was closed as this.")
    settlement_amount = models.DecimalField(max_digits=20, decimal_places=4, default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "receivable"], name="allocation_once_per_receivable"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_positive"),
        ]
