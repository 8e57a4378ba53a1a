"""Who is signed in to the buyer portal, and the e-mailed sign-in links that get them there.

A portal session belongs to one company of one installation and to the member (or billing
contact) who opened it. The browser holds a random key; only its SHA-256 is stored, so a
database read never yields a usable cookie. A sign-in link is the same: the e-mail carries the
token, the row its hash; it is used once, expires, and is bound to the company it was sent for."""
from django.db import models
from django.db.models import Q


class PortalRole(models.TextChoices):
    """What the signed-in person may do (portal.permissions says which page needs which)."""

    BUYER = "buyer", "Buyer"
    APPROVER = "approver", "Approver"
    ADMIN = "admin", "Company admin"
    BILLING = "billing", "Billing contact"


class SignInMethod(models.TextChoices):
    STOREFRONT = "storefront", "Storefront hand-over (Saleor customer token)"
    EMAIL_LINK = "email_link", "E-mailed sign-in link"


class PortalSession(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="portal_sessions")
    member = models.ForeignKey("companies.Member", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="portal_sessions",
                               help_text="Null for a billing contact who is no member.")
    email = models.CharField(max_length=254, blank=True)
    saleor_user_id = models.CharField(max_length=255, blank=True)
    method = models.CharField(max_length=16, choices=SignInMethod.choices)
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the cookie's key.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="Absolute end, whatever the activity.")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "closed_at"], name="portal_session_company_idx")]


class SignInLink(models.Model):
    """One e-mailed sign-in link (or a refused request for one, company null: counted for the
    rate limit so that unknown addresses are limited exactly like known ones)."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("companies.Company", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="portal_sign_in_links")
    member = models.ForeignKey("companies.Member", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    email = models.CharField(max_length=254, help_text="Lower-cased.")
    client_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the requester's address.")
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    purpose = models.CharField(max_length=16, default="sign_in", choices=[("sign_in", "Sign in"),
                                                                            ("invite", "Invitation")])
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["installation", "email", "created_at"], name="sign_in_link_email_idx"),
                   models.Index(fields=["installation", "client_hash", "created_at"], name="sign_in_link_client_idx")]
        constraints = [models.CheckConstraint(condition=Q(company__isnull=True) | Q(token_hash__isnull=False),
                                              name="sign_in_link_for_company_has_token")]
