"""Reads for the documents: the frozen snapshot of one invoice of one installation."""
from __future__ import annotations

from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.snapshot import InvoiceSnapshot, snapshot_from_dict
from saleor_netterms.sellers.selectors import seller_logo_get


def invoice_snapshot_get(*, invoice_id: int, installation_id: int) -> tuple[InvoiceSnapshot, str] | None:
    """(snapshot, einvoice_problem) of invoice `invoice_id` if it belongs to `installation_id`,
    else None."""
    row = (Invoice.objects.filter(pk=invoice_id, installation_id=installation_id)
           .values_list("snapshot", "einvoice_problem").first())
    return (snapshot_from_dict(row[0]), row[1]) if row and row[0] else None


def snapshot_logo(snapshot: InvoiceSnapshot) -> tuple[str, bytes] | None:
    """(content type, bytes) of the seller logo the snapshot was issued with, if any."""
    logo = seller_logo_get(sha256=(snapshot.extra or {}).get("logo", ""))
    return (logo.content_type, bytes(logo.content)) if logo is not None else None
