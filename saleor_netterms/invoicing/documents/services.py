"""Render a snapshot in one of the document formats (pure: no database, no I/O)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from saleor_netterms.invoicing.snapshot import InvoiceSnapshot


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    content: bytes
    content_type: str
    filename: str


def _file_stem(number: str) -> str:
    """The document number as a safe file name stem ("INV-2026-000042")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", number).strip("._") or "document"


def document_render(snapshot: InvoiceSnapshot, fmt: str) -> RenderedDocument:
    """`fmt`: "pdf" (plain PDF), "facturx" (PDF/A-3 with factur-x.xml) or "ubl" (Peppol XML)."""
    if fmt == "pdf":
        from .pdf import render_pdf

        return RenderedDocument(render_pdf(snapshot), "application/pdf",
                                f"{_file_stem(snapshot.number)}.pdf")
    if fmt == "facturx":
        from .facturx import render_facturx

        return RenderedDocument(render_facturx(snapshot), "application/pdf",
                                f"{_file_stem(snapshot.number)}-facturx.pdf")
    if fmt == "ubl":
        from .ubl import render_ubl

        return RenderedDocument(render_ubl(snapshot), "application/xml",
                                f"{_file_stem(snapshot.number)}.xml")
    raise ValueError(f"unknown document format {fmt!r}")
