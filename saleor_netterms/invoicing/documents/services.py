"""Render a snapshot in one of the document formats (pure: no database, no I/O).

Never silent, never stuck: an e-invoice that cannot be produced (the official rules refuse the
data, e.g. a buyer without any electronic address for Peppol) never stops the human-readable
document. `einvoice_problem` decides at issue — the XSDs, the app's subset of the rules, then the
official CEN / Peppol / Factur-X rules (official_rules.py) on the very XML produced — and names
the reason (stored on the invoice, shown on the invoice page and the overview). Serving follows
that stored verdict: the e-mail then carries the plain PDF, the Factur-X link serves the plain PDF,
the UBL link answers 409 E_INVOICE_UNAVAILABLE with the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.invoicing.snapshot import InvoiceSnapshot

from .codes import seller_rules_check
from .facturx import InvalidEInvoice, facturx_xml, facturx_xml_check, render_facturx
from .official_rules import official_problem
from .pdf import render_pdf
from .ubl import render_ubl


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    content: bytes
    content_type: str
    filename: str
    note: str = ""   # why this is not the format asked for (Factur-X → plain PDF)


class EInvoiceUnavailable(NetTermsError):
    code = "E_INVOICE_UNAVAILABLE"
    http_status = 409
    buyer_message = ("The electronic invoice (XML) is not available for this document; the PDF is. "
                     "Ask the merchant for details.")
    merchant_message = "The e-invoice could not be produced from this invoice's data."


def _file_stem(number: str) -> str:
    """The document number as a safe file name stem ("INV-2026-000042")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", number).strip("._") or "document"


def einvoice_problem(snapshot: InvoiceSnapshot) -> str:
    """"" when both e-invoices (Peppol UBL, Factur-X CII) can be produced, else the reason
    (rule ids and what is missing), as the XSD and business-rule checks report it."""
    problems = []
    try:
        ubl = render_ubl(snapshot)  # its XSD, its rules and seller_rules_check
    except InvalidEInvoice as error:
        problems.append(error.log_message)
    else:
        problems.append(official_problem("ubl", ubl))
    try:
        cii = facturx_xml(snapshot)
        facturx_xml_check(cii)
    except InvalidEInvoice as error:
        problems.append(error.log_message)
    else:
        problems.append(official_problem("cii", cii))
    if not any(problems) and seller_rules_check(snapshot):
        problems.append("EN 16931 rules: " + "; ".join(seller_rules_check(snapshot)))
    return "; ".join(p for p in problems if p)[:1000]


def document_render(snapshot: InvoiceSnapshot, fmt: str, logo: tuple[str, bytes] | None = None,
                    problem: str = "") -> RenderedDocument:
    """`fmt`: "pdf" (plain PDF), "facturx" (PDF/A-3 with factur-x.xml; the plain PDF with a
    `note` when the e-invoice cannot be produced) or "ubl" (Peppol XML; EInvoiceUnavailable).
    `problem`: the invoice's stored `einvoice_problem` (the verdict at issue, official rules
    included): when set, no e-invoice is served."""
    stem = _file_stem(snapshot.number)
    if problem and fmt == "ubl":
        raise EInvoiceUnavailable(problem, merchant_message=("The e-invoice could not be produced: " + problem)[:500])
    if problem and fmt == "facturx":
        return RenderedDocument(render_pdf(snapshot, logo), "application/pdf", f"{stem}.pdf", note=problem)
    if fmt == "pdf":
        return RenderedDocument(render_pdf(snapshot, logo), "application/pdf", f"{stem}.pdf")
    if fmt == "facturx":
        try:
            return RenderedDocument(render_facturx(snapshot, logo), "application/pdf", f"{stem}-facturx.pdf")
        except InvalidEInvoice as error:
            return RenderedDocument(render_pdf(snapshot, logo), "application/pdf", f"{stem}.pdf",
                                    note=error.log_message)
    if fmt == "ubl":
        try:
            return RenderedDocument(render_ubl(snapshot), "application/xml", f"{stem}.xml")
        except InvalidEInvoice as error:
            raise EInvoiceUnavailable(error.log_message, merchant_message=(
                "The e-invoice could not be produced: " + error.log_message)[:500]) from error
    raise ValueError(f"unknown document format {fmt!r}")


def documents_for_email(snapshot: InvoiceSnapshot, logo: tuple[str, bytes] | None = None,
                        problem: str = "") -> list[RenderedDocument]:
    """The buyer's attachments: "<number>.pdf" (Factur-X, else plain) and "<number>.xml" (UBL)
    when it can be produced (`problem`: the invoice's stored einvoice_problem)."""
    pdf = document_render(snapshot, "facturx", logo, problem)
    attachments = [RenderedDocument(pdf.content, pdf.content_type, f"{snapshot.number}.pdf", pdf.note)]
    try:
        ubl = document_render(snapshot, "ubl", problem=problem)
    except EInvoiceUnavailable:
        return attachments
    return attachments + [RenderedDocument(ubl.content, ubl.content_type, f"{snapshot.number}.xml")]
