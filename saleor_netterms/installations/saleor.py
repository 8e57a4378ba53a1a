"""Run a Saleor GraphQL document as an installation (the installation's app token).

    data = saleor_execute(installation=inst, document="mutations/transaction_event_report",
                          variables={...})        # or document="TransactionEventReport"

The transport (documents, bounded retries, error classification) is saleor_api.client; this
adds what only the installation knows: its URL and token, and uninstall detection — a token
Saleor no longer accepts marks the installation removed (see saleor_api/client.py for how that
is recognised). Call it outside database transactions and locks (STYLE.md §7): the "removed"
mark is an ordinary write and would be rolled back with a failing surrounding transaction.
"""
from __future__ import annotations

from typing import Any

from saleor_netterms.saleor_api.client import APP_ID_DOCUMENT, saleor_graphql_post
from saleor_netterms.saleor_api.documents import document_get
from saleor_netterms.saleor_api.errors import SaleorApiError, SaleorPermissionDenied, SaleorUnauthorized

from .models import Installation
from .services import installation_mark_removed


def saleor_execute(*, installation: Installation, document: str,
                   variables: dict | None = None) -> dict[str, Any]:
    """Run a document as `installation`. Marks the installation removed when Saleor no longer
    accepts its token, then raises SaleorUnauthorized."""
    if not installation.is_active:
        raise SaleorUnauthorized(f"installation {installation.pk} is removed")
    try:
        return saleor_graphql_post(saleor_api_url=installation.saleor_api_url,
                                   token=installation.token, document=document,
                                   variables=variables)
    except SaleorUnauthorized as exc:
        installation_mark_removed(installation=installation, reason=f"{exc.code}: {exc.log_message}"[:255])
        raise
    except SaleorPermissionDenied:
        if document_get(document).name == APP_ID_DOCUMENT:
            raise
        try:  # ambiguous: a missing permission, or a token Saleor no longer knows?
            saleor_graphql_post(saleor_api_url=installation.saleor_api_url,
                                token=installation.token, document=APP_ID_DOCUMENT)
        except SaleorUnauthorized as probe:
            installation_mark_removed(installation=installation,
                                      reason=f"{probe.code}: {probe.log_message}"[:255])
            raise probe from None
        except SaleorApiError:
            pass
        raise
