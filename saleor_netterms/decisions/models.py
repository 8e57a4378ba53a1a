"""What the merchant configured and what the engine decided, stored.

* `CreditPolicyVersion` — the credit policy of one tier, for one channel or for all channels
  (`channel_slug == ""`). Append-only: saving a policy inserts the next version; a row is never
  changed or deleted (PostgreSQL refuses UPDATE and DELETE, migration 0002). The latest version
  of (installation, tier, channel) is the one in force when `active`; an inactive latest version
  records a reset ("use the next fallback again", see `selectors.policy_resolve`).
* `DecisionRecord` — one per engine decision at checkout: the full `CreditSnapshot` (Decimals as
  strings), the policy used (its JSON and version), outcome, score, reason codes and what the
  external underwriter said. The input of `services.policy_simulate`.
* `LimitRecommendation` — a proposed credit-limit change from payment history
  (`recommendations.py`); at most one open (proposed or sent) per company and currency, never
  applied by itself: it becomes an approval request.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

TIER_KEYS = ("starter", "standard", "premium")


class CreditTierKey(models.TextChoices):
    STARTER = "starter", "Starter"
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"


class CreditPolicyVersion(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="credit_policy_versions")
    tier = models.CharField(max_length=16, choices=CreditTierKey.choices)
    channel_slug = models.CharField(max_length=255, blank=True,
                                    help_text="Saleor channel slug; empty means all channels.")
    version = models.PositiveIntegerField(help_text="1, 2, 3… per (installation, tier, channel).")
    policy = models.JSONField(help_text="decisions.tiers.policy_to_dict of the CreditPolicy.")
    underwriter_threshold = models.DecimalField(
        max_digits=20, decimal_places=4, null=True, blank=True,
        help_text="Orders above this amount (in the order's currency) are also assessed by the "
                  "external underwriter; null: settings.UNDERWRITER_THRESHOLD.")
    active = models.BooleanField(default=True, help_text="False: this version resets to the fallback.")
    created_by = models.CharField(max_length=255)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tier", "channel_slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "tier", "channel_slug", "version"],
                                    name="credit_policy_version_unique"),
            models.CheckConstraint(condition=Q(tier__in=TIER_KEYS), name="credit_policy_version_tier_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="credit_policy_version_positive"),
            models.CheckConstraint(condition=Q(underwriter_threshold__isnull=True)
                                   | Q(underwriter_threshold__gte=0),
                                   name="credit_policy_version_threshold_non_negative"),
        ]

    def __repr__(self) -> str:
        scope = self.channel_slug or "*"
        return f"<CreditPolicyVersion id={self.pk} {self.tier}/{scope} v{self.version} active={self.active}>"


class DecisionRecord(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="decision_records")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="decision_records")
    saleor_transaction_id = models.CharField(max_length=255)
    channel_slug = models.CharField(max_length=255, blank=True)
    tier = models.CharField(max_length=16, help_text="The company's credit tier when deciding.")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    snapshot = models.JSONField(help_text="The full CreditSnapshot, Decimals as strings.")
    policy = models.JSONField(help_text="The CreditPolicy used (policy_to_dict).")
    policy_version = models.ForeignKey(CreditPolicyVersion, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="decisions",
                                       help_text="Null: a built-in policy (no stored version).")
    policy_source = models.CharField(max_length=16, help_text="version, builtin_tier or limit_only.")
    outcome = models.CharField(max_length=16)
    score = models.IntegerField()
    reasons = models.JSONField(default=list, help_text="Reason codes, most severe first.")
    local_outcome = models.CharField(max_length=16, help_text="The engine's own outcome.")
    underwriter = models.JSONField(null=True, blank=True,
                                   help_text="{provider, status, outcome, reasons, reference} or null.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "saleor_transaction_id"],
                                    name="decision_record_one_per_transaction"),
        ]
        indexes = [models.Index(fields=["installation", "tier", "created_at"], name="decision_record_tier_idx"),
                   models.Index(fields=["company", "created_at"], name="decision_record_company_idx")]

    def __repr__(self) -> str:
        return f"<DecisionRecord id={self.pk} company_id={self.company_id} {self.outcome} {self.score}>"


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (approval request not opened yet)"
    SENT = "sent", "Sent for approval"
    SUPERSEDED = "superseded", "Superseded by a newer recommendation"


OPEN_RECOMMENDATION_STATUSES = (RecommendationStatus.PROPOSED, RecommendationStatus.SENT)


class LimitRecommendation(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="limit_recommendations")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT,
                                related_name="limit_recommendations")
    currency = models.CharField(max_length=3)
    action = models.CharField(max_length=8, help_text="raise or lower")
    current_limit = models.DecimalField(max_digits=20, decimal_places=4)
    proposed_limit = models.DecimalField(max_digits=20, decimal_places=4)
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.PROPOSED)
    approval_request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "currency"],
                                    condition=Q(status__in=["proposed", "sent"]),
                                    name="limit_recommendation_one_open"),
            models.CheckConstraint(condition=Q(status__in=RecommendationStatus.values),
                                   name="limit_recommendation_status_valid"),
            models.CheckConstraint(condition=Q(action__in=["raise", "lower"]),
                                   name="limit_recommendation_action_valid"),
            models.CheckConstraint(condition=Q(proposed_limit__gte=0), name="limit_recommendation_non_negative"),
        ]

    def __repr__(self) -> str:
        return (f"<LimitRecommendation id={self.pk} company_id={self.company_id} {self.action} "
                f"{self.current_limit}->{self.proposed_limit} {self.currency} {self.status}>")
