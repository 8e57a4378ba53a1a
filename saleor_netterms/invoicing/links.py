"""The document URL Saleor and the buyer get for an invoice: always the signed, expiring URL of
`invoicing.documents.links.document_url` — no other path exposes documents."""
from __future__ import annotations

from saleor_netterms.invoicing.documents.links import document_url


def invoice_document_url(invoice, fmt: str = "pdf") -> str:
    return document_url(invoice, fmt=fmt)
