"""Coded refusals of the app protocol: registration (FACTS.md §1.3, app-sdk codes), installation
lookup and Dashboard token checks (§8.3)."""
from __future__ import annotations

from saleor_netterms.core.errors import NetTermsError


class MissingSaleorApiUrl(NetTermsError):
    code = "MISSING_SALEOR_API_URL"
    http_status = 400
    merchant_message = "The Saleor-Api-Url header is missing."


class MissingAuthToken(NetTermsError):
    code = "MISSING_AUTH_TOKEN"
    http_status = 400
    merchant_message = "The request body must be JSON with an auth_token."


class SaleorUrlProhibited(NetTermsError):
    code = "SALEOR_URL_PROHIBITED"
    http_status = 403
    merchant_message = ("This Saleor instance is not allowed to install the app "
                        "(ALLOWED_SALEOR_API_URLS).")


class UnknownAppId(NetTermsError):
    code = "UNKNOWN_APP_ID"
    http_status = 401
    merchant_message = ("The auth data given during registration could not be used to fetch the "
                        "app id from Saleor.")


class JwksNotAvailable(NetTermsError):
    code = "JWKS_NOT_AVAILABLE"
    http_status = 401
    merchant_message = "Saleor's signing keys (/.well-known/jwks.json) could not be fetched."


class UnknownSaleor(NetTermsError):
    code = "UNKNOWN_SALEOR"
    http_status = 401
    merchant_message = "This Saleor instance has not installed the app."


class InstallationRemoved(NetTermsError):
    code = "INSTALLATION_REMOVED"
    http_status = 403
    merchant_message = "The app was removed from this Saleor instance. Install it again."


class DashboardTokenMissing(NetTermsError):
    code = "MISSING_TOKEN"
    http_status = 401
    merchant_message = "The authorization-bearer and saleor-api-url headers are required."


class DashboardTokenInvalid(NetTermsError):
    code = "INVALID_TOKEN"
    http_status = 401
    merchant_message = "The Dashboard token is not valid. Reload the page."


class DashboardTokenExpired(NetTermsError):
    code = "TOKEN_EXPIRED"
    http_status = 401
    merchant_message = "The Dashboard token has expired. Reload the page."


class DashboardTokenWrongApp(NetTermsError):
    code = "WRONG_APP"
    http_status = 403
    merchant_message = "The Dashboard token was issued for another app."


class DashboardPermissionMissing(NetTermsError):
    code = "MISSING_PERMISSION"
    http_status = 403
    merchant_message = "Your staff account lacks a permission this page needs."


class InvalidStorefrontOrigin(NetTermsError):
    code = "INVALID_STOREFRONT_ORIGIN"
    http_status = 400
    merchant_message = ("An origin is a scheme and host, optionally with a port, e.g. https://shop.example.com "
                        "(https only, except http://localhost); at most 20.")


class StorefrontOriginForbidden(NetTermsError):
    code = "STOREFRONT_ORIGIN_FORBIDDEN"
    http_status = 403
    buyer_message = ("This page may not sign you in to the net-terms portal. Open the portal from the shop's "
                     "account page.")
    merchant_message = ("The hand-over came from a page whose origin is not in the installation's storefront "
                        "origins (installationStorefrontOriginsSet).")
