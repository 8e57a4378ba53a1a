"""GET /documents/erp/<token>: the PDF of an invoice the ERP issued and sent as a file, for the
buyer and Saleor (the URL given to invoiceCreate and in invoice.issued). Thin: read the signed
token (403/410), load that invoice's PDF of that installation (404), answer the file. Errors are
coded JSON like the app's own document links."""
from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.erp.documents import erp_invoice_pdf_content, erp_invoice_pdf_token_read


@require_GET
def erp_invoice_pdf_get(request, token: str):
    try:
        ref = erp_invoice_pdf_token_read(token)
    except NetTermsError as error:
        return _error(error.code, error.buyer_message, error.http_status)
    found = erp_invoice_pdf_content(invoice_id=ref.invoice_id, installation_id=ref.installation_id)
    if found is None:
        return _error("DOCUMENT_NOT_FOUND", "This document does not exist.", 404)
    invoice, content = found
    response = HttpResponse(content, content_type="application/pdf")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in invoice.number)
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"  # the token is the credential
    return response


def _error(code: str, message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    response["Cache-Control"] = "no-store"
    return response
