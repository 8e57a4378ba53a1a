"""Payment terms templates: named, reusable terms per installation ("Net 30", "2/10 Net 30").

The definition is stored in its canonical JSON form (`engine.terms_to_dict`); writes go through
`services.py`, which validates it with `engine.terms_from_dict`. Companies will reference a
template later (the companies app owns that wiring).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .engine import PaymentTerms, terms_from_dict
from .errors import InvalidTerms


class PaymentTermsTemplate(models.Model):
    installation = models.ForeignKey(
        "installations.Installation",
        on_delete=models.PROTECT,
        related_name="payment_terms_templates",
    )
    name = models.CharField(max_length=128)
    code = models.SlugField(max_length=64, help_text="Stable identifier, unique per installation.")
    definition = models.JSONField(
        help_text="Canonical terms definition (terms.engine.terms_to_dict)."
    )
    channel_slug = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The Saleor channel this template is the default for (with is_channel_default).",
    )
    is_channel_default = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "code"], name="terms_template_code_unique_per_installation"
            ),
            models.UniqueConstraint(
                fields=["installation", "channel_slug"],
                condition=Q(is_channel_default=True),
                name="terms_template_one_default_per_channel",
            ),
            models.CheckConstraint(
                condition=Q(is_channel_default=False) | (Q(active=True) & ~Q(channel_slug="")),
                name="terms_template_default_is_active_with_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def __repr__(self) -> str:
        return (
            f"<PaymentTermsTemplate id={self.pk} code={self.code!r} "
            f"installation_id={self.installation_id}>"
        )

    def terms(self) -> PaymentTerms:
        """The parsed definition. Raises InvalidTerms if the stored JSON is not valid."""
        return terms_from_dict(self.definition)

    def clean(self) -> None:
        super().clean()
        try:
            terms_from_dict(self.definition)
        except InvalidTerms as exc:
            raise ValidationError({"definition": f"{exc.reason}: {exc.merchant_message}"}) from exc
