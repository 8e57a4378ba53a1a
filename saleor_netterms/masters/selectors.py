"""Reads of the masters setting and the ERP's exposure."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from saleor_netterms.core.money import Money

from .models import ErpOpenItem, InstallationMasters, Master


def masters_get(*, installation) -> InstallationMasters:
    """The installation's masters (defaults, unsaved, when it never chose)."""
    found = InstallationMasters.objects.filter(installation_id=installation.pk).first()
    return found or InstallationMasters(installation_id=installation.pk)


def erp_owns(*, installation_id: int, what: str) -> bool:
    """Is the ERP master of `what` ("credit_limits", "invoices", "open_items")?"""
    return InstallationMasters.objects.filter(installation_id=installation_id, **{what: Master.ERP}).exists()


def erp_exposure(*, company, currency: str) -> Money:
    """The company's open balance in the ERP in `currency` (sum of its pushed open items)."""
    total = (ErpOpenItem.objects.filter(company=company, currency=currency)
             .aggregate(total=Sum("amount_open"))["total"]) or Decimal(0)
    return Money.of(total, currency)
