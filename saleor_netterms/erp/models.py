"""The ERP's side of the integration: its API keys, the idempotency records of its writes, and
the invoices it issued (where the ERP is the invoicing master)."""
from __future__ import annotations

from django.db import models

SCOPES = ("companies:write", "limits:write", "payments:write", "invoices:write", "statements:write",
          "events:read")


class ErpApiKey(models.Model):
    """An API key of the ERP API. Only a SHA-256 of the key is stored; `prefix` (the first
    characters, e.g. `ntk_3f9a1c2b`) identifies it in lists and logs."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="erp_api_keys")
    name = models.CharField(max_length=128)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    rate_limit_per_minute = models.PositiveIntegerField(default=120)
    created_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def actor(self) -> str:
        return f"erp:{self.prefix}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a write with an Idempotency-Key (Stripe semantics): the same key and
    the same request get this answer again; the same key with another request is refused (409)."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    api_key = models.ForeignKey(ErpApiKey, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=512)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Null while in progress.")
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation", "key"], name="erp_idempotency_key_unique")]


class ErpInvoice(models.Model):
    """An invoice issued by the ERP (invoicing master: ERP), tracked as the order's receivable and
    attached to the Saleor order with invoiceCreate."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="erp_invoices")
    number = models.CharField(max_length=64)
    issue_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3)
    total_net = models.DecimalField(max_digits=20, decimal_places=4)
    total_tax = models.DecimalField(max_digits=20, decimal_places=4)
    total_gross = models.DecimalField(max_digits=20, decimal_places=4)
    pdf_url = models.URLField(max_length=1024, blank=True)
    saleor_order_id = models.CharField(max_length=255)
    receivable = models.OneToOneField("receivables.Receivable", on_delete=models.PROTECT, related_name="erp_invoice")
    saleor_invoice_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["installation", "number"], name="erp_invoice_number_unique")]


class ErpInvoicePdf(models.Model):
    """The PDF of an ERP invoice the ERP sent as a file (not a URL): kept in the database with the
    invoice (one transaction, no orphan files), served to the buyer only through a signed,
    expiring link (erp/documents.py)."""

    invoice = models.OneToOneField(ErpInvoice, on_delete=models.CASCADE, primary_key=True, related_name="pdf")
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class ErpRateBucket(models.Model):
    """A key's token bucket where Redis is not configured (erp/ratelimit.py): its theoretical
    arrival time in epoch seconds, moved by one interval per allowed request."""

    api_key = models.OneToOneField(ErpApiKey, on_delete=models.CASCADE, primary_key=True, related_name="+")
    tat = models.FloatField()


class AccountMapping(models.Model):
    """The merchant's chart-of-accounts number for one ledger account kind (journal export).
    Company-side kinds (receivable, credit balance) may carry `{customer}` to post to a
    per-customer sub-ledger account, e.g. `10000-{customer}` → `10000-C-1000`."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.CASCADE, related_name="+")
    account_kind = models.CharField(max_length=32)
    gl_account = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation", "account_kind"],
                                               name="erp_account_mapping_unique")]
