"""Credit accounts: a Company (the B2B buyer), its CreditLimit per currency and the Members whose
Saleor identity maps to it.

Balances (holds, receivables, credit balance) are never stored here: they are computed from the
ledger (``saleor_netterms.ledger.selectors``). Writes go through ``companies.services``.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from saleor_netterms.core.money import Money


class CompanyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


class Company(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="companies")
    legal_name = models.CharField(max_length=255)
    tax_id = models.CharField(max_length=64, blank=True,
                              help_text="Compact form (python-stdnum), e.g. DE136695976.")
    tax_id_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    billing_contact_name = models.CharField(max_length=255, blank=True)
    billing_contact_email = models.EmailField(max_length=254, blank=True)
    billing_contact_phone = models.CharField(max_length=64, blank=True)
    erp_customer_number = models.CharField(max_length=128, blank=True,
                                           help_text="Unique per installation when set.")
    status = models.CharField(max_length=16, choices=CompanyStatus.choices,
                              default=CompanyStatus.ACTIVE)
    status_reason = models.CharField(max_length=255, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Replaced by named payment terms in the invoicing issue.
    default_terms_days = models.PositiveIntegerField(default=30)
    po_number_required = models.BooleanField(default=False)
    po_number_pattern = models.CharField(
        max_length=40, blank=True,
        help_text='What the company\'s PO numbers look like ("PO-*", "45########"): # a digit, A a letter, '
                  "? any one character, * any characters, anything else itself (companies.validators); "
                  "empty: any PO number.")
    allowed_channels = models.JSONField(default=list, blank=True,
                                        help_text="Saleor channel slugs; empty means all channels.")
    credit_tier = models.CharField(max_length=16, default="standard",
                                   choices=[("starter", "Starter"), ("standard", "Standard"),
                                            ("premium", "Premium")],
                                   help_text="Credit tier (decisions.tiers): which policy decides its orders.")
    # the buyer's record of promises to pay (collections settles them; companies.services writes these)
    promises_kept = models.PositiveIntegerField(default=0, help_text="Promises to pay kept (paid by their date).")
    promises_broken = models.PositiveIntegerField(default=0, help_text="Promises to pay broken.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(fields=["installation", "erp_customer_number"],
                                    condition=~Q(erp_customer_number=""),
                                    name="company_erp_customer_number_unique"),
            models.CheckConstraint(condition=Q(status__in=CompanyStatus.values),
                                   name="company_status_valid"),
            models.CheckConstraint(condition=(Q(tax_id="") & Q(tax_id_country=""))
                                   | (~Q(tax_id="") & ~Q(tax_id_country="")),
                                   name="company_tax_id_with_country"),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def __repr__(self) -> str:
        return f"<Company id={self.pk} legal_name={self.legal_name!r} status={self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status == CompanyStatus.ACTIVE

    def channel_allowed(self, channel_slug: str) -> bool:
        """True when the company may buy on net terms in this Saleor channel."""
        return not self.allowed_channels or channel_slug in self.allowed_channels


class CreditLimit(models.Model):
    """The most a company may owe plus have on hold, in one currency. Amount quantized."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="credit_limits")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["company_id", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["company", "currency"], name="credit_limit_company_currency_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="credit_limit_amount_non_negative"),
        ]

    def __repr__(self) -> str:
        return f"<CreditLimit company_id={self.company_id} {self.amount} {self.currency}>"

    @property
    def money(self) -> Money:
        return Money.of(self.amount, self.currency)


class MemberKind(models.TextChoices):
    SALEOR_USER_ID = "saleor_user_id", "Saleor user id"
    EMAIL = "email", "Email (case-insensitive exact)"
    EXTERNAL_REFERENCE = "external_reference", "Saleor User.externalReference"
    EMAIL_DOMAIN = "email_domain", "Email domain (only when verified)"
    CUSTOMER_TYPE = "customer_type", "Saleor CustomerType slug"


# Resolution precedence, strongest first (see ``selectors.member_resolve``).
MEMBER_KIND_PRECEDENCE: tuple[str, ...] = (
    MemberKind.SALEOR_USER_ID,
    MemberKind.EMAIL,
    MemberKind.EXTERNAL_REFERENCE,
    MemberKind.EMAIL_DOMAIN,
    MemberKind.CUSTOMER_TYPE,
)


class MemberRole(models.TextChoices):
    BUYER = "buyer", "Buyer"
    APPROVER = "approver", "Approver"
    ADMIN = "admin", "Admin"


class Member(models.Model):
    """A rule mapping an authenticated Saleor customer to a company.

    ``value`` is stored normalized: emails and domains lower-cased, ids and slugs as given.
    ``installation`` is denormalised from the company so that one (kind, value) maps to at most
    one active member per installation (a user id, email, verified domain, reference or customer
    type belongs to one company). Unverified domain rows do not take part in that uniqueness, so
    an unverified claim can never block a verified one.
    """

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=32, choices=MemberKind.choices)
    value = models.CharField(max_length=255)
    domain_verified = models.BooleanField(default=False)
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.BUYER)
    spending_limit_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True,
                                                help_text="Per-order limit.")
    spending_limit_currency = models.CharField(max_length=3, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["installation", "kind", "value"], name="member_lookup_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "kind", "value"],
                condition=Q(is_active=True) & (~Q(kind="email_domain") | Q(domain_verified=True)),
                name="member_installation_kind_value_unique",
            ),
            models.CheckConstraint(condition=Q(kind__in=MemberKind.values), name="member_kind_valid"),
            models.CheckConstraint(condition=Q(role__in=MemberRole.values), name="member_role_valid"),
            models.CheckConstraint(condition=Q(domain_verified=False) | Q(kind="email_domain"),
                                   name="member_domain_verified_only_for_domains"),
            models.CheckConstraint(
                condition=(Q(spending_limit_amount__isnull=True) & Q(spending_limit_currency=""))
                | (Q(spending_limit_amount__gte=0) & ~Q(spending_limit_currency="")),
                name="member_spending_limit_with_currency",
            ),
        ]

    def __repr__(self) -> str:
        return f"<Member id={self.pk} company_id={self.company_id} {self.kind}={self.value!r} role={self.role}>"

    @property
    def spending_limit(self) -> Money | None:
        """The per-order limit, or None when the member has none."""
        if self.spending_limit_amount is None:
            return None
        return Money.of(self.spending_limit_amount, self.spending_limit_currency)


class AccountHoldMode(models.TextChoices):
    DECLINE = "decline", "New net-terms checkouts are declined"
    REVIEW = "review", "New net-terms checkouts go to credit review"


class AccountHold(models.Model):
    """An account hold placed by collections (a dunning level's action) or staff.

    In force while not lifted AND (for a hold with a cause) while at least one of the receivables
    that caused it is still open: paying them lifts the hold for the credit decision at once,
    before anyone records the lift (``checkout.selectors.account_hold_in_force``). Written only by
    ``companies.services.account_hold_place`` / ``account_hold_lift``."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="account_holds")
    mode = models.CharField(max_length=8, choices=AccountHoldMode.choices, default=AccountHoldMode.DECLINE)
    reason_code = models.CharField(max_length=32, default="DUNNING_HOLD")
    buyer_message = models.CharField(max_length=500)
    merchant_message = models.CharField(max_length=500, blank=True)
    cause_refs = models.JSONField(default=list, blank=True,
                                  help_text="[[currency, receivable_ref], …] whose balance caused the hold.")
    placed_by = models.CharField(max_length=255, default="system")
    placed_key = models.CharField(max_length=255, help_text="What placed it; unique per company (idempotent).")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=255, blank=True)
    lift_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "placed_key"], name="account_hold_unique_key"),
            models.CheckConstraint(condition=Q(mode__in=AccountHoldMode.values), name="account_hold_mode_valid"),
        ]
        indexes = [models.Index(fields=["company", "lifted_at"], name="account_hold_active_idx")]

    def __repr__(self) -> str:
        return f"<AccountHold id={self.pk} company={self.company_id} mode={self.mode} lifted={self.lifted_at}>"
