"""Reads of installations."""
from __future__ import annotations

from .errors import InstallationRemoved, UnknownSaleor
from .models import Installation, InstallationStatus


def installation_get_by_api_url(*, saleor_api_url: str) -> Installation | None:
    return Installation.objects.filter(saleor_api_url=saleor_api_url).first()


def installation_get_active(*, saleor_api_url: str, found: Installation | None = None) -> Installation:
    """The active installation for a Saleor API URL; UnknownSaleor / InstallationRemoved else.
    `found`: the installation the caller already looked up for that URL (no second query)."""
    installation = found if found is not None else installation_get_by_api_url(saleor_api_url=saleor_api_url)
    if installation is None:
        raise UnknownSaleor(f"no installation for {saleor_api_url!r}")
    if installation.status != InstallationStatus.ACTIVE:
        raise InstallationRemoved(f"installation {installation.pk} is {installation.status}")
    return installation


def installation_list_active() -> list[Installation]:
    return list(Installation.objects.filter(status=InstallationStatus.ACTIVE))
