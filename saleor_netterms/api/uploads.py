"""`POST /graphql/statements`: a bank statement file from the Dashboard's Reconciliation page.

The GraphQL API takes JSON bodies of at most 256 KiB (settings.REQUEST_MAX_BYTES), and a month's
camt.053 of a busy account is megabytes: the page sends the file itself here (raw body, its name in
``?filename=``; or a multipart ``file`` part), up to 20 MiB, authenticated by the Dashboard token
like /graphql/. The same import as the `statementUpload` mutation (reconciliation.services.
statement_import): the file is recorded before it is read; the same file again answers the first
import (200, ``replayed``); a refused file answers its code and where (400
``{"error": {"code", "message", "line", "element", "file"}}``) and writes nothing but its record."""
from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.inbound import upload_read
from saleor_netterms.installations.dashboard_auth import authenticate_dashboard_request
from saleor_netterms.installations.responses import error_response
from saleor_netterms.reconciliation import selectors as recon_selectors
from saleor_netterms.reconciliation import services as recon_services

from .errors import not_found
from .inputs import pk_parse


@csrf_exempt  # no cookies: the Dashboard token in a header authenticates (as /graphql/)
@require_POST
def statement_upload_view(request: HttpRequest) -> JsonResponse:
    try:
        principal = authenticate_dashboard_request(request)
        account = None
        if request.GET.get("bankAccountId"):
            account = recon_selectors.bank_account_get(installation=principal.installation,
                                                       bank_account_id=pk_parse(request.GET["bankAccountId"]))
            if account is None:
                raise not_found("bank account", field="bankAccountId")
        upload = upload_read(request)
        result = recon_services.statement_import(
            installation=principal.installation, content=upload.content, filename=upload.filename,
            uploaded_by=principal.email or principal.user_id or "staff", bank_account=account,
            accept_balance_gap=request.GET.get("acceptBalanceGap", "").lower() in ("1", "true", "yes"))
    except NetTermsError as exc:
        return error_response(exc)
    return JsonResponse(result.as_answer(), status=200 if result.replayed else 201)
