"""GET /documents/<token>: the one entrypoint that serves invoice documents.

Thin: read the signed token (403/410), load the snapshot of that invoice of that installation
(404), render, answer with the file. Errors are coded JSON bodies; no link ever answers 500: an
e-invoice that cannot be produced is 409 E_INVOICE_UNAVAILABLE (UBL) or the plain PDF with an
`X-E-Invoice-Unavailable` header (Factur-X); anything unexpected while rendering is logged with
its traceback and answered 503 DOCUMENT_RENDER_FAILED.
"""
from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from saleor_netterms.core.errors import NetTermsError

from . import selectors
from .links import DocumentNotFound, document_token_read
from .services import document_render


class DocumentRenderFailed(NetTermsError):
    code = "DOCUMENT_RENDER_FAILED"
    http_status = 503
    buyer_message = "This document cannot be shown right now. Please try again later or ask the merchant."
    merchant_message = "Rendering the document failed; see the app's logs."

logger = logging.getLogger(__name__)


def _error(error: NetTermsError) -> JsonResponse:
    logger.info("document link refused: %s %s", error.code, error.log_message)
    response = JsonResponse({"error": {"code": error.code, "message": error.buyer_message}},
                            status=error.http_status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def document_get(request, token: str):
    try:
        ref = document_token_read(token)
        found = selectors.invoice_snapshot_get(invoice_id=ref.invoice_id,
                                               installation_id=ref.installation_id)
        if found is None:
            raise DocumentNotFound(f"invoice {ref.invoice_id} of installation "
                                   f"{ref.installation_id}")
        snapshot, problem = found
        document = document_render(snapshot, ref.fmt, selectors.snapshot_logo(snapshot), problem)
    except NetTermsError as error:
        return _error(error)
    except Exception:  # noqa: BLE001 - a document link never answers 500
        logger.exception("document render failed")
        return _error(DocumentRenderFailed("render failed"))
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"  # the token is the credential
    if document.note:
        response["X-E-Invoice-Unavailable"] = " ".join(document.note.split())[:500].encode("ascii", "replace").decode()
    return response
