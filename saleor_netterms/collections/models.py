"""Collections records. Writes go through ``collections.services``; the money (fees, interest,
payments, credit notes) lives in the one ledger, never here.

- ``DunningPolicy`` + ``DunningLevel``: a named ladder (per company, else the default for the
  company's credit tier and/or channel, else the installation's default) of levels by offset from
  the due date of the company's oldest unpaid invoice (negative: before it is due).
- ``CompanyDunning``: one ladder position per company.
- ``DunningStep``: everything the run did or skipped, once per unique ``key`` (company, level,
  day, kind): the timeline, the dry-run plan's twin, and the idempotency of sending.
- ``DunningCharge``: a late fee / interest / recovery compensation, posted as its own receivable.
- ``PaymentPromise``, ``Dispute``, ``CollectionsTask``: the humans in the loop.
"""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class DunningPolicy(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="dunning_policies")
    name = models.CharField(max_length=64)
    tier = models.CharField(max_length=16, blank=True, default="",
                            help_text="Default for this credit tier ('' = every tier).")
    channel_slug = models.CharField(max_length=255, blank=True, default="",
                                    help_text="Default for companies allowed in this channel ('' = every channel).")
    is_default = models.BooleanField(default=False, help_text="A default for its tier/channel (else only by assignment).")
    min_gap_days = models.PositiveSmallIntegerField(default=3, help_text="Minimum days between two contacts.")
    send_window_start = models.TimeField(default=dt.time(8, 0))
    send_window_end = models.TimeField(default=dt.time(18, 0))
    time_zone = models.CharField(max_length=64, blank=True, default="",
                                 help_text="IANA zone of the send window and 'today' ('' = the installation's "
                                           "business time zone).")
    thanks_enabled = models.BooleanField(default=True, help_text="'Thanks for paying' when an overdue balance is cleared.")
    language = models.CharField(max_length=16, blank=True, default="",
                                help_text="Message language ('' = the company's invoice language).")
    staff_email = models.EmailField(blank=True, default="", help_text="Told about broken promises and escalations.")
    interest = models.JSONField(null=True, blank=True, help_text="terms.engine.interest_to_dict, or null.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "dunning policies"
        constraints = [models.UniqueConstraint(fields=["installation", "name"], name="dunning_policy_unique_name")]

    def __str__(self) -> str:
        return self.name


class HoldMode(models.TextChoices):
    NONE = "", "No hold"
    DECLINE = "decline", "Decline new net-terms checkouts"
    REVIEW = "review", "Send new net-terms checkouts to review"


class DunningLevel(models.Model):
    policy = models.ForeignKey(DunningPolicy, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=64)
    offset_days = models.IntegerField(help_text="Days after the due date of the oldest unpaid invoice (negative: before).")
    send_email = models.BooleanField(default=True)
    template = models.CharField(max_length=16, default="overdue",
                                help_text="Built-in message: before_due, overdue, final, or custom.")
    subject_template = models.CharField(max_length=255, blank=True, default="")
    body_template = models.TextField(blank=True, default="")
    attach_invoices = models.BooleanField(default=True)
    attach_statement = models.BooleanField(default=True)
    erp_event = models.BooleanField(default=False, help_text="Announce the level to the ERP/CRM (letters, calls, SMS).")
    task_assignee = models.CharField(max_length=255, blank=True, default="",
                                     help_text="Staff member who gets a task; the ladder waits until done or skipped.")
    task_title = models.CharField(max_length=255, blank=True, default="")
    hold_mode = models.CharField(max_length=8, choices=HoldMode.choices, blank=True, default="")
    late_fee = models.JSONField(null=True, blank=True, help_text="terms.engine.late_fee_to_dict, or null.")
    charge_interest = models.BooleanField(default=False, help_text="Charge the policy's interest (and compensation).")
    agency = models.BooleanField(default=False, help_text="Escalate to a collections agency: chasing stops.")

    class Meta:
        ordering = ["policy_id", "position"]
        constraints = [models.UniqueConstraint(fields=["policy", "position"], name="dunning_level_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} ({self.offset_days:+d} days)"


class CompanyDunning(models.Model):
    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="dunning")
    policy = models.ForeignKey(DunningPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="Assigned ladder (null: the tier/channel default).")
    level = models.PositiveSmallIntegerField(default=0, help_text="Position reached in the current cycle (0: none).")
    level_on = models.DateField(null=True, blank=True)
    cycle = models.PositiveIntegerField(default=0, help_text="Increments each time a dunning is resolved.")
    last_contact_on = models.DateField(null=True, blank=True)
    was_overdue = models.BooleanField(default=False, help_text="The current cycle had an overdue balance.")
    agency_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class StepKind(models.TextChoices):
    EMAIL = "email", "Reminder e-mail"
    ERP_EVENT = "erp_event", "ERP/CRM event"
    TASK = "task", "Task for staff"
    HOLD = "hold", "Account hold"
    HOLD_LIFT = "hold_lift", "Hold lifted"
    FEE = "fee", "Late fee"
    INTEREST = "interest", "Interest"
    COMPENSATION = "compensation", "Recovery compensation"
    AGENCY = "agency", "Escalated to agency"
    SKIP = "skip", "Skipped"
    THANKS = "thanks", "Thanks for paying"
    PROMISE_BROKEN = "promise_broken", "Promise broken"
    PROMISE_KEPT = "promise_kept", "Promise kept"
    RESOLVED = "resolved", "Dunning resolved"
    STATEMENT = "statement", "Statement sent"


class DunningStep(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="dunning_steps")
    run_date = models.DateField()
    level = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    key = models.CharField(max_length=255, help_text="Unique per installation: company, level, day, kind.")
    reason = models.CharField(max_length=64, blank=True, default="", help_text="Stable code of a skip, etc.")
    summary = models.CharField(max_length=500, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=255, default="system")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["installation", "key"], name="dunning_step_unique_key")]
        indexes = [models.Index(fields=["company", "created_at"], name="dunning_step_company_idx")]


class ChargeKind(models.TextChoices):
    LATE_FEE = "late_fee", "Late fee"
    INTEREST = "interest", "Interest"
    COMPENSATION = "compensation", "Recovery compensation"


class DunningCharge(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="dunning_charges")
    receivable = models.OneToOneField("receivables.Receivable", on_delete=models.PROTECT, related_name="dunning_charge",
                                      help_text="The charge's own receivable.")
    source = models.ForeignKey("receivables.Receivable", on_delete=models.PROTECT, related_name="dunning_charges_on",
                               help_text="The overdue invoice it was charged on.")
    kind = models.CharField(max_length=16, choices=ChargeKind.choices)
    level = models.PositiveSmallIntegerField()
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    charged_on = models.DateField()
    description = models.CharField(max_length=255)
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.CharField(max_length=255, blank=True, default="")
    waive_reason = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dunning_charge_positive")]


class PromiseStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"
    CANCELLED = "cancelled", "Cancelled"


class PaymentPromise(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="payment_promises")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    promised_date = models.DateField()
    made_on = models.DateField()
    made_by = models.CharField(max_length=255, help_text="Staff e-mail or 'buyer:<user id>'.")
    note = models.CharField(max_length=500, blank=True, default="")
    status = models.CharField(max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    level_at = models.PositiveSmallIntegerField(default=0)
    resolved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
                       models.UniqueConstraint(fields=["company"], condition=Q(status="open"),
                                               name="promise_one_open_per_company")]


class DisputeReason(models.TextChoices):
    PRICING = "PRICING", "Price differs from the agreed price"
    QUANTITY = "QUANTITY", "Quantity differs from what was delivered"
    DAMAGED = "DAMAGED", "Goods damaged or defective"
    NOT_RECEIVED = "NOT_RECEIVED", "Goods or service not received"
    DUPLICATE = "DUPLICATE", "Invoiced twice"
    PO_MISMATCH = "PO_MISMATCH", "Purchase order missing or wrong"
    OTHER = "OTHER", "Other"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CREDITED = "credited", "Resolved with a credit note"
    PARTIAL = "partial", "Partly credited"
    REJECTED = "rejected", "Rejected"


class Dispute(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="disputes")
    receivable = models.ForeignKey("receivables.Receivable", on_delete=models.PROTECT, related_name="disputes")
    line_position = models.PositiveIntegerField(null=True, blank=True, help_text="Invoice line, or null (whole invoice).")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    reason_code = models.CharField(max_length=16, choices=DisputeReason.choices)
    note = models.CharField(max_length=1000, blank=True, default="")
    opened_by = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    credited_amount = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    credit_note_id = models.BigIntegerField(null=True, blank=True, help_text="invoicing.Invoice (credit note) id.")
    resolved_by = models.CharField(max_length=255, blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=1000, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_positive")]
        indexes = [models.Index(fields=["company", "status"], name="dispute_company_status_idx")]


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class CollectionsTask(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="collections_tasks")
    level = models.PositiveSmallIntegerField()
    assignee = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    note = models.CharField(max_length=1000, blank=True, default="")
    closed_by = models.CharField(max_length=255, blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["company", "status"], name="task_company_status_idx")]
