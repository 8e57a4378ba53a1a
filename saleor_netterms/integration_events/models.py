"""Integration events: what happened, told to the merchant's ERP.

An `IntegrationEvent` is written by a domain service in the same database transaction as the
change it describes (`services.event_publish`), so an ERP never hears of a change that was rolled
back and never misses one that committed. Each event has a public id (the Standard Webhooks
`webhook-id`, stable across redeliveries), a versioned type (`invoice.issued.v1`, JSON Schema in
`webhooks/`), the time, the installation, a subject (`invoice` / `INV-2026-000001`) and data.
`sequence` (the primary key) is the cursor of the pull API.

`WebhookEndpoint` is where an installation wants events pushed; every event an endpoint
subscribes to becomes one outbox message per endpoint (ordered per subject), and every attempt
leaves a `WebhookAttempt` row (the delivery log)."""
from __future__ import annotations

import uuid

from django.db import models


class IntegrationEvent(models.Model):
    id = models.BigAutoField(primary_key=True, help_text="The sequence: cursor of GET /erp/v1/events.")
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="integration_events")
    type = models.CharField(max_length=64, help_text="e.g. invoice.issued (without version)")
    version = models.PositiveSmallIntegerField(default=1)
    occurred_at = models.DateTimeField()
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=128)
    data = models.JSONField()
    dedupe_key = models.CharField(max_length=255, help_text="One event per logical fact.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "dedupe_key"],
                                    name="integration_event_unique_dedupe_key"),
        ]
        indexes = [
            models.Index(fields=["installation", "id"], name="integration_event_cursor_idx"),
            models.Index(fields=["installation", "occurred_at"], name="integration_event_time_idx"),
            models.Index(fields=["installation", "subject_type", "subject_id"],
                         name="integration_event_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.versioned_type} {self.subject_type}:{self.subject_id}"

    @property
    def versioned_type(self) -> str:
        return f"{self.type}.v{self.version}"

    @property
    def public_id(self) -> str:
        return f"evt_{self.event_id.hex}"


class WebhookEndpoint(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="webhook_endpoints")
    url = models.URLField(max_length=1024)
    description = models.CharField(max_length=255, blank=True)
    event_types = models.JSONField(default=list, blank=True,
                                   help_text="Subscribed event types without version; empty = all.")
    is_active = models.BooleanField(default=True)
    secrets = models.JSONField(default=list, help_text=(
        "Signing secrets, newest first: [{id, secret (Fernet-encrypted whsec_…), created_at, "
        "expires_at|null}]. During a rotation every unexpired secret signs."))
    alert_email = models.EmailField(max_length=254, blank=True,
                                    help_text="Who hears when the endpoint is disabled for failing.")
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.url} ({'active' if self.is_active else 'inactive'})"

    def subscribes_to(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookAttempt(models.Model):
    """One HTTP attempt to deliver one event to one endpoint (the delivery log)."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="attempts")
    event = models.ForeignKey(IntegrationEvent, on_delete=models.CASCADE, related_name="attempts")
    outbox_message_id = models.BigIntegerField()
    attempted_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    succeeded = models.BooleanField(default=False)
    trigger = models.CharField(max_length=16, default="event",
                               choices=[("event", "Event"), ("redeliver", "Manual redelivery"),
                                        ("replay", "Replay of a time range")])

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["endpoint", "-id"], name="webhook_attempt_log_idx")]
