"""The outbox: side effects on other systems (Saleor, later ERPs and e-mail) are written here in
the same database transaction as the change that causes them, then delivered after commit and
retried with backoff until the other side acknowledges. Nothing is lost when Saleor is down."""
from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead (needs a person)"
    BLOCKED = "blocked", "Blocked (an earlier message for the same object is dead)"
    SKIPPED = "skipped", "Skipped by a person (never delivered)"


# A message whose predecessors are all in one of these may go.
CHAIN_DONE = (OutboxStatus.DELIVERED, OutboxStatus.SKIPPED)


class OutboxMessage(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="outbox_messages")
    kind = models.CharField(max_length=64, help_text="Which deliverer sends it (settings.OUTBOX_DELIVERERS).")
    dedupe_key = models.CharField(max_length=255, help_text="One message per logical effect.")
    ordering_key = models.CharField(max_length=255, blank=True,
                                    help_text="Messages with the same key are delivered in id order.")
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=OutboxStatus.choices,
                              default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    blocked_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="blocked_successors",
                                   help_text="The dead message of the same object this one waits behind.")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    skipped_by = models.CharField(max_length=255, blank=True)
    skip_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "dedupe_key"], name="outbox_unique_dedupe_key"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["ordering_key", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dedupe_key} ({self.status}, {self.attempts} attempts)"
