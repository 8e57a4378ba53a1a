"""Inbound Saleor webhooks: every delivery recorded before it is trusted, processed once.

- `WebhookDelivery`: one row per HTTP request, inserted once with its outcome: a refused one
  right away (headers without secrets, body size, sha256 and only a prefix of the body), a
  processed one in the effect's own transaction with the exact body bytes (dj-stripe's
  WebhookEventTrigger; STYLE.md §3), a failed one after the rollback.
- `WebhookDispatch`: one row per processed (installation, event, body). Its unique constraint is
  the exactly-once guarantee: it is inserted in the same transaction as the handler's effect, so
  a replay (Saleor retries, duplicate sends) finds it and gets the stored answer back.
"""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_netterms.installations.models import Installation


class DeliveryOutcome(models.TextChoices):
    RECEIVED = "received", "Received (not yet verified)"
    REFUSED = "refused", "Refused (verification failed)"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate (stored answer replayed)"
    FAILED = "failed", "Failed (handler error, rolled back)"


class WebhookDelivery(models.Model):
    installation = models.ForeignKey(Installation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="webhook_deliveries")
    saleor_api_url = models.CharField(max_length=512, blank=True)
    event = models.CharField(max_length=64, help_text="Registry event of the route, e.g. ORDER_CREATED.")
    headers = models.JSONField(default=dict, help_text="Request headers; secret values replaced by a hash.")
    body = models.BinaryField(help_text="The exact body once verified; only its first bytes while "
                                        "unverified or refused (WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES).")
    body_size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes received.")
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)
    validity = models.BooleanField(null=True, help_text="None until verified; False when refused.")
    outcome = models.CharField(max_length=16, choices=DeliveryOutcome.choices,
                               default=DeliveryOutcome.RECEIVED)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    dispatch = models.ForeignKey("WebhookDispatch", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="deliveries")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["installation", "received_at"], name="webhook_delivery_inst_recv"),
            models.Index(fields=["body_sha256"], name="webhook_delivery_body_sha"),
        ]

    def __repr__(self) -> str:
        return (f"<WebhookDelivery id={self.pk} event={self.event} outcome={self.outcome} "
                f"error_code={self.error_code!r}>")


class WebhookDispatch(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.PROTECT,
                                     related_name="webhook_dispatches")
    event = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    first_delivery = models.ForeignKey(WebhookDelivery, on_delete=models.PROTECT, related_name="+")
    result = models.JSONField(null=True, blank=True, help_text="The handler's dict, JSON-encoded.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "event", "body_sha256"],
                                    name="webhook_dispatch_once"),
        ]

    def __repr__(self) -> str:
        return f"<WebhookDispatch id={self.pk} event={self.event} status={self.response_status}>"


class WebhookIntakeFailure(models.Model):
    """A delivery that failed before its `WebhookDelivery` row could be written (e.g. the
    database refused the write). Counted on the overview page so it is never invisible."""

    installation = models.ForeignKey(Installation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="webhook_intake_failures")
    saleor_api_url = models.CharField(max_length=512, blank=True)
    event = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    error_code = models.CharField(max_length=64)
    error_message = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["installation", "occurred_at"], name="webhook_intake_inst_at")]

    def __repr__(self) -> str:
        return f"<WebhookIntakeFailure id={self.pk} event={self.event} error_code={self.error_code!r}>"
