"""Reads of payment terms templates."""

from __future__ import annotations

from django.db.models import QuerySet

from saleor_netterms.installations.models import Installation

from .models import PaymentTermsTemplate


def payment_terms_for_channel(
    *, installation: Installation, channel_slug: str
) -> PaymentTermsTemplate | None:
    """The installation's active default terms template for `channel_slug`, or None."""
    return (
        PaymentTermsTemplate.objects.filter(
            installation=installation,
            channel_slug=channel_slug,
            is_channel_default=True,
            active=True,
        )
        .order_by("id")
        .first()
    )


def payment_terms_list(
    *, installation: Installation, include_inactive: bool = False
) -> QuerySet[PaymentTermsTemplate]:
    """The installation's terms templates, oldest first."""
    qs = PaymentTermsTemplate.objects.filter(installation=installation)
    if not include_inactive:
        qs = qs.filter(active=True)
    return qs.order_by("id")


def payment_terms_get(*, installation: Installation, code: str) -> PaymentTermsTemplate | None:
    """The installation's template with this code (active or not), or None."""
    return PaymentTermsTemplate.objects.filter(installation=installation, code=code).first()
