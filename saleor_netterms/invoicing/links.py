"""The document URL Saleor and the buyer get for an invoice.

The documents package (`invoicing.documents`, built in parallel) owns the signed, expiring URL:
`document_url(invoice, fmt="pdf") -> str` (in `documents.links`, or `documents.urls`). Until it
exists this falls back to an unsigned `APP_PUBLIC_URL/documents/invoices/<pk>.pdf`."""
from __future__ import annotations

from importlib import import_module

from django.conf import settings


def invoice_document_url(invoice, fmt: str = "pdf") -> str:
    document_url = None
    for module in ("saleor_netterms.invoicing.documents.links", "saleor_netterms.invoicing.documents.urls"):
        try:
            document_url = getattr(import_module(module), "document_url")
            break
        except (ImportError, AttributeError):
            continue
    if document_url is not None:
        return document_url(invoice, fmt=fmt)
    return f"{settings.APP_PUBLIC_URL}/documents/invoices/{invoice.pk}.{fmt}"
