"""The PDF of an invoice the ERP issued and sent as a file: checked, and served only through a
signed, expiring link — the same rules as the app's own documents (invoicing.documents.links),
with its own salt so that neither kind of token opens the other.

A PDF is accepted when it is at most ERP_INVOICE_PDF_MAX_BYTES, starts with the `%PDF-` header
and pypdf reads at least one page from it; anything else is refused with a coded 4xx before
anything is written."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from pypdf import PdfReader

from saleor_netterms.core.errors import NetTermsError

from .errors import erp_error
from .models import ErpInvoicePdf

LINK_SALT = "saleor_netterms.erp.invoice_pdf.v1"
DEFAULT_TTL = timedelta(days=14)


def pdf_check(content: bytes) -> None:
    """Refuse what is not a readable PDF of an acceptable size (coded 4xx)."""
    cap = settings.ERP_INVOICE_PDF_MAX_BYTES
    if len(content) > cap:
        raise erp_error("INVOICE_PDF_TOO_LARGE", f"The PDF is {len(content)} bytes; at most {cap} are accepted.", 413)
    if not content.lstrip(b"\r\n\t ")[:5] == b"%PDF-":
        raise erp_error("INVOICE_PDF_INVALID", "The file is not a PDF (it does not start with %PDF-).")
    try:
        pages = len(PdfReader(io.BytesIO(content), strict=False).pages)
    except Exception as exc:  # noqa: BLE001 - a parser of untrusted bytes may raise anything: a 400, never a 500
        raise erp_error("INVOICE_PDF_INVALID", "The PDF cannot be read (damaged or truncated).") from exc
    if pages < 1:
        raise erp_error("INVOICE_PDF_INVALID", "The PDF has no page.")


@dataclass(frozen=True, slots=True)
class PdfRef:
    invoice_id: int
    installation_id: int


class ErpPdfLinkInvalid(NetTermsError):
    code = "DOCUMENT_LINK_INVALID"
    http_status = 403
    buyer_message = "This document link is not valid."
    merchant_message = "The document link was altered or was not issued by this app."


class ErpPdfLinkExpired(NetTermsError):
    code = "DOCUMENT_LINK_EXPIRED"
    http_status = 410
    buyer_message = "This document link has expired. Ask the merchant for a new one."
    merchant_message = "The document link has expired; send a new link."


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def erp_invoice_pdf_url(invoice, *, ttl: timedelta = DEFAULT_TTL) -> str:
    """APP_PUBLIC_URL/documents/erp/<token> for the stored PDF of `invoice` (an ErpInvoice)."""
    token = _signer().sign_object({"i": int(invoice.pk), "n": int(invoice.installation_id),
                                   "t": int(ttl.total_seconds())}, compress=True)
    return f"{settings.APP_PUBLIC_URL}/documents/erp/{token}"


def erp_invoice_pdf_token_read(token: str) -> PdfRef:
    """What a link stands for; 403 DOCUMENT_LINK_INVALID or 410 DOCUMENT_LINK_EXPIRED."""
    signer = _signer()
    try:
        payload = signer.unsign_object(token)
        ref, ttl = PdfRef(invoice_id=int(payload["i"]), installation_id=int(payload["n"])), int(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ErpPdfLinkInvalid(f"bad ERP invoice PDF token: {type(exc).__name__}") from exc
    try:
        signer.unsign_object(token, max_age=ttl)
    except signing.SignatureExpired as exc:
        raise ErpPdfLinkExpired(f"ERP invoice PDF link for {ref.invoice_id} expired") from exc
    return ref


def erp_invoice_pdf_info(invoice) -> dict | None:
    """{"size", "sha256"} of the PDF kept for `invoice` (None: the ERP sent a URL), without the bytes."""
    return ErpInvoicePdf.objects.filter(invoice_id=invoice.pk).values("size", "sha256").first()


def erp_invoice_pdf_content(*, invoice_id: int, installation_id: int):
    """(the ErpInvoice, its PDF bytes) of that installation, or None."""
    pdf = (ErpInvoicePdf.objects.select_related("invoice")
           .filter(invoice_id=invoice_id, invoice__installation_id=installation_id).first())
    return None if pdf is None else (pdf.invoice, bytes(pdf.content))


def erp_invoice_document_url(invoice) -> str:
    """The URL the buyer and Saleor get for an ERP invoice: the signed link to the PDF the app
    keeps, or the ERP's own URL when it sent only a URL."""
    return invoice.pdf_url or erp_invoice_pdf_url(invoice)
