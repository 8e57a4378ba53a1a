"""An installation: one Saleor instance that installed this app. Several Saleors may install it;
every company, hold and webhook delivery belongs to exactly one installation."""
from django.db import models

from saleor_netterms.core.crypto import secret_decrypt, secret_encrypt


class InstallationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REMOVED = "removed", "Removed"


class Installation(models.Model):
    saleor_api_url = models.URLField(max_length=512, unique=True)
    saleor_domain = models.CharField(max_length=255, blank=True)
    saleor_schema_version = models.CharField(max_length=32, blank=True)
    app_id = models.CharField(max_length=255, help_text="Saleor's global id of this app (App:…).")
    token_encrypted = models.TextField(help_text="The app token, Fernet-encrypted (APP_ENCRYPTION_KEYS).")
    jwks = models.JSONField(default=dict, blank=True)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    jwks_refetch_attempted_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Last JWKS (re)fetch attempt; at most one per SALEOR_JWKS_REFETCH_COOLDOWN_S.")
    status = models.CharField(max_length=16, choices=InstallationStatus.choices,
                              default=InstallationStatus.ACTIVE)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=255, blank=True)
    policy_version_last_id = models.BigIntegerField(
        default=0, help_text="Id of the newest credit policy version saved for this installation (any "
                             "tier or channel); keys the per-process policy cache (decisions.selectors).")
    time_zone = models.CharField(
        max_length=64, default="UTC",
        help_text="IANA time zone of the merchant's business dates (issue, due, overdue, ageing, "
                  "dunning); see core/business_time.py.")
    storefront_origins = models.JSONField(
        default=list, blank=True,
        help_text='Origins ("https://shop.example.com") whose pages may hand a signed-in customer over to '
                  "the buyer portal (POST /portal/session); empty: any origin (installations.selectors."
                  "storefront_origin_allowed).")
    installed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:  # never the token
        return f"Installation({self.saleor_api_url}, {self.status})"

    def __repr__(self) -> str:
        return f"<Installation id={self.pk} saleor_api_url={self.saleor_api_url!r} status={self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status == InstallationStatus.ACTIVE

    @property
    def token(self) -> str:
        return secret_decrypt(self.token_encrypted)

    def set_token(self, token: str) -> None:
        self.token_encrypted = secret_encrypt(token)
