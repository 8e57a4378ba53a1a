"""A net-terms checkout transaction: one per Saleor TransactionItem that chose net terms.

It records the credit decision (approve / review / decline, with reasons) and the exact answer
given to Saleor, so a repeated delivery gets the identical answer, and it carries the hold's
reference in the ledger (`hold_ref`). Money never lives here as truth: what is held, captured or
owed is computed from the ledger."""
from django.db import models


class TransactionStatus(models.TextChoices):
    DECLINED = "declined", "Declined"
    IN_REVIEW = "in_review", "In credit review"
    AUTHORIZED = "authorized", "Authorized (hold placed)"
    CAPTURED = "captured", "Captured (invoiced)"
    CANCELED = "canceled", "Canceled (hold released)"


class NetTermsTransaction(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="transactions")
    saleor_transaction_id = models.CharField(max_length=255)
    saleor_transaction_token = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    psp_reference = models.CharField(max_length=64)
    company = models.ForeignKey("companies.Company", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="transactions")
    member = models.ForeignKey("companies.Member", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="transactions")
    saleor_user_id = models.CharField(max_length=255, blank=True)
    channel_slug = models.CharField(max_length=255, blank=True)
    source_type = models.CharField(max_length=16, blank=True, help_text="Checkout or Order")
    source_id = models.CharField(max_length=255, blank=True)
    action_type = models.CharField(max_length=16, blank=True, help_text="AUTHORIZATION or CHARGE")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4,
                                 help_text="The amount Saleor asked to authorize.")
    status = models.CharField(max_length=16, choices=TransactionStatus.choices)
    decision_outcome = models.CharField(max_length=16)
    decision_score = models.IntegerField(null=True, blank=True)
    decision_reasons = models.JSONField(default=list, blank=True)
    po_number = models.CharField(max_length=128, blank=True)
    terms_days = models.PositiveIntegerField(null=True, blank=True)
    initialize_response = models.JSONField(default=dict)
    order_id = models.CharField(max_length=255, blank=True)
    order_number = models.CharField(max_length=64, blank=True)
    order_snapshot = models.JSONField(default=dict, blank=True,
                                      help_text="Order lines, totals and billing at binding, for invoicing.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "saleor_transaction_id"],
                                    name="checkout_one_row_per_saleor_transaction"),
            models.UniqueConstraint(fields=["installation", "psp_reference"],
                                    name="checkout_unique_psp_reference"),
        ]
        indexes = [models.Index(fields=["installation", "order_id"]),
                   # the company's recent approved orders in a currency (credit snapshot: median, first order)
                   models.Index(fields=["company", "currency", "status", "-id"], name="checkout_tx_company_recent")]

    def __str__(self) -> str:
        return f"{self.psp_reference} ({self.status})"

    @property
    def hold_ref(self) -> str:
        return f"tx:{self.pk}"
