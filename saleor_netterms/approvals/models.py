"""Approval workflows: who must say yes before credit is granted or a limit changes.

* ``ApprovalRoute`` + ordered ``ApprovalStep``: the merchant's rules. A route applies to one kind
  of request and matches on currency, an amount band (``min_amount < amount <= max_amount``),
  any of some reason codes and the channel; the first active match by ``priority`` (then id) wins.
* ``ApprovalRequest``: one decision to be made. It keeps a JSON snapshot of its chain of steps
  (``route_snapshot``), so editing a route never changes a request already open.
* ``ApprovalAction``: one person's approve/decline on one step (one per request, step and actor).
* ``ApprovalLink``: the stored, single-use nonce behind a signed link e-mailed to an approver of
  the buyer's own company.
* ``StaffTOTPDevice``: a staff member's second factor for large limit raises (secret encrypted).
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from saleor_netterms.core.money import Money


class ApprovalKind(models.TextChoices):
    CREDIT_REVIEW = "credit_review", "Credit review of an order"
    BUYER_APPROVAL = "buyer_approval", "Purchase approval by the buyer's company"
    LIMIT_REQUEST = "limit_request", "Credit limit request"
    LIMIT_RECOMMENDATION = "limit_recommendation", "Credit limit recommendation"


ORDER_KINDS = (ApprovalKind.CREDIT_REVIEW, ApprovalKind.BUYER_APPROVAL)
LIMIT_KINDS = (ApprovalKind.LIMIT_REQUEST, ApprovalKind.LIMIT_RECOMMENDATION)


class StepMode(models.TextChoices):
    ANY = "any", "Any one approver"
    ALL = "all", "Every listed approver"


class OnDeadline(models.TextChoices):
    ESCALATE = "escalate", "Escalate to the next step"
    AUTO_DECLINE = "auto_decline", "Decline automatically"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired (declined at the deadline)"
    CANCELED = "canceled", "Canceled"


class ActionDecision(models.TextChoices):
    APPROVE = "approve", "Approve"
    DECLINE = "decline", "Decline"


class ApprovalRoute(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                      related_name="approval_routes")
    name = models.CharField(max_length=255)
    priority = models.IntegerField(default=100, help_text="Lower is evaluated first.")
    kind = models.CharField(max_length=32, choices=ApprovalKind.choices, default=ApprovalKind.CREDIT_REVIEW)
    currency = models.CharField(max_length=3, blank=True, help_text="Empty: any currency.")
    min_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True,
                                     help_text="Exclusive lower bound (amount > min).")
    max_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True,
                                     help_text="Inclusive upper bound (amount <= max).")
    reason_codes = models.JSONField(default=list, blank=True,
                                    help_text="Any of these decision reason codes; empty: any.")
    channel_slug = models.CharField(max_length=255, blank=True, help_text="Empty: any channel.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ApprovalKind.values), name="approval_route_kind_valid"),
            models.CheckConstraint(condition=Q(min_amount__isnull=True) | Q(max_amount__isnull=True)
                                   | Q(min_amount__lt=models.F("max_amount")),
                                   name="approval_route_band_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, priority {self.priority})"


class ApprovalStep(models.Model):
    route = models.ForeignKey(ApprovalRoute, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    mode = models.CharField(max_length=8, choices=StepMode.choices, default=StepMode.ANY)
    approver_emails = models.JSONField(default=list, blank=True, help_text="Staff e-mails, lower-cased.")
    required_permission = models.CharField(max_length=64, blank=True,
                                           help_text="A Saleor permission that lets any holder act.")
    deadline_hours = models.PositiveIntegerField(null=True, blank=True)
    on_deadline = models.CharField(max_length=16, choices=OnDeadline.choices, default=OnDeadline.ESCALATE)

    class Meta:
        ordering = ["route_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="approval_step_route_position_unique"),
            models.CheckConstraint(condition=Q(mode__in=StepMode.values), name="approval_step_mode_valid"),
            models.CheckConstraint(condition=Q(on_deadline__in=OnDeadline.values),
                                   name="approval_step_on_deadline_valid"),
        ]

    def as_snapshot(self) -> dict:
        return {"name": self.name, "mode": self.mode, "party": "staff",
                "approver_emails": list(self.approver_emails), "required_permission": self.required_permission,
                "deadline_hours": self.deadline_hours, "on_deadline": self.on_deadline}


class ApprovalRequest(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="approval_requests")
    kind = models.CharField(max_length=32, choices=ApprovalKind.choices)
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="approval_requests")
    transaction = models.ForeignKey("checkout.NetTermsTransaction", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="approval_requests")
    amount = models.DecimalField(max_digits=20, decimal_places=4,
                                 help_text="The order amount, or the proposed limit for limit kinds.")
    currency = models.CharField(max_length=3)
    proposed_limit = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    current_step = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Deadline of the current step.")
    route_snapshot = models.JSONField(help_text="The chain of steps as it was when the request opened.")
    reasons = models.JSONField(default=list, blank=True)
    created_by = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=255, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ApprovalKind.values), name="approval_request_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values),
                                   name="approval_request_status_valid"),
            models.CheckConstraint(
                condition=(Q(kind__in=ORDER_KINDS) & Q(transaction__isnull=False))
                | (Q(kind__in=LIMIT_KINDS) & Q(transaction__isnull=True) & Q(proposed_limit__isnull=False)),
                name="approval_request_kind_fields"),
            # One request of each kind per transaction, ever (opening twice is idempotent).
            models.UniqueConstraint(fields=["transaction", "kind"], condition=Q(transaction__isnull=False),
                                    name="approval_request_one_per_transaction_kind"),
            # One pending limit request (and one recommendation) per company and currency.
            models.UniqueConstraint(fields=["company", "kind", "currency"],
                                    condition=Q(status="pending") & Q(transaction__isnull=True),
                                    name="approval_request_one_pending_limit"),
        ]
        indexes = [models.Index(fields=["status", "due_at"]),
                   models.Index(fields=["installation", "status", "kind"])]

    def __repr__(self) -> str:
        return f"<ApprovalRequest id={self.pk} {self.kind} {self.status} step={self.current_step}>"

    @property
    def money(self) -> Money:
        return Money.of(self.amount, self.currency)

    @property
    def steps(self) -> list[dict]:
        return list((self.route_snapshot or {}).get("steps") or [])

    @property
    def step(self) -> dict | None:
        steps = self.steps
        return steps[self.current_step] if self.current_step < len(steps) else None


class ApprovalAction(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="actions")
    step = models.PositiveIntegerField()
    actor = models.CharField(max_length=255, help_text="Staff e-mail or 'buyer:<e-mail>'.")
    decision = models.CharField(max_length=8, choices=ActionDecision.choices)
    comment = models.TextField(blank=True)
    second_factor_verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "step", "actor"], name="approval_action_once_per_step"),
            models.CheckConstraint(condition=Q(decision__in=ActionDecision.values),
                                   name="approval_action_decision_valid"),
        ]


class ApprovalLink(models.Model):
    """The server half of a signed link: the token carries (id, nonce); the row says whether it
    may still be used. Used once (``used_at``), then never again."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="links")
    step = models.PositiveIntegerField()
    member = models.ForeignKey("companies.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField(max_length=254)
    nonce = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class StaffTOTPDevice(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    staff_user_id = models.CharField(max_length=255, blank=True)
    staff_email = models.CharField(max_length=254, help_text="Lower-cased.")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_counter = models.BigIntegerField(null=True, blank=True,
                                               help_text="Time step of the last accepted code (no replays).")
    failed_attempts = models.PositiveIntegerField(default=0, help_text="Wrong codes since the last accepted one.")
    locked_until = models.DateTimeField(null=True, blank=True,
                                        help_text="No code is accepted before this (after TOTP_MAX_FAILURES).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["installation", "staff_email"],
                                               name="staff_totp_one_device_per_staff")]
