"""Coded errors of the Saleor adapter (STYLE.md §10). They are app faults from our side of the
wire: a handler that lets one escape answers Saleor a coded 5xx (FACTS.md §2.4)."""
from __future__ import annotations

from saleor_netterms.core.errors import NetTermsError


class SaleorApiError(NetTermsError):
    code = "SALEOR_API_ERROR"
    http_status = 502
    merchant_message = "Saleor's API answered in a way the app could not use."


class SaleorTransportError(SaleorApiError):
    """Connection error, timeout or 5xx after the bounded retries."""

    code = "SALEOR_UNREACHABLE"
    http_status = 502
    merchant_message = "Saleor's API could not be reached. The app will retry later."


class SaleorGraphQLError(SaleorApiError):
    """Saleor answered with top-level GraphQL `errors` (not the mutation's `errors` list)."""

    code = "SALEOR_GRAPHQL_ERROR"

    def __init__(self, log_message: str = "", *, errors: list | None = None, **kwargs):
        super().__init__(log_message, **kwargs)
        self.errors = errors or []


class SaleorPermissionDenied(SaleorGraphQLError):
    """The token works, but the app lacks a permission for this operation."""

    code = "SALEOR_PERMISSION_DENIED"
    merchant_message = ("Saleor refused the operation: the app lacks a permission. "
                        "Reinstall the app and grant every permission it asks for.")


class SaleorUnauthorized(SaleorApiError):
    """Saleor no longer accepts the installation's token: the app was deleted or deactivated."""

    code = "SALEOR_TOKEN_REJECTED"
    merchant_message = ("Saleor rejected the app's token; the app was removed or deactivated "
                        "in the Dashboard. Install it again to reconnect.")


class JwksUnavailable(SaleorApiError):
    code = "JWKS_NOT_AVAILABLE"
    merchant_message = "Saleor's signing keys (/.well-known/jwks.json) could not be fetched."


class DocumentNotFound(NetTermsError):
    code = "GRAPHQL_DOCUMENT_NOT_FOUND"
    http_status = 500
    merchant_message = "The app tried to send an unknown GraphQL document."
