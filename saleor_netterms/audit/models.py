"""The audit trail: who did what, when, to what, the state before and after, and why.

Append-only: rows are inserted by `audit.services.audit_record` and never changed; PostgreSQL
refuses UPDATE and DELETE on the table (migration 0002)."""
from django.db import models


class AuditEntry(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="audit_entries")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=255, help_text="Staff e-mail, 'system', 'buyer:<user id>', 'erp:<id>'.")
    action = models.CharField(max_length=64, help_text="e.g. credit_limit.set, policy.update, decision.made")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    company = models.ForeignKey("companies.Company", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="audit_entries")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["installation", "object_type", "object_id"], name="audit_object_idx"),
                   models.Index(fields=["installation", "action", "occurred_at"], name="audit_action_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}:{self.object_id}"
