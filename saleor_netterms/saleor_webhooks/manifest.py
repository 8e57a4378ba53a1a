"""The app manifest served at `GET /api/manifest` (FACTS.md §1.1, §8.1).

Every absolute URL is built from settings.APP_PUBLIC_URL; the webhooks are generated from the one
registry, registry.WEBHOOKS."""
from __future__ import annotations

from django.conf import settings

from saleor_netterms import __version__
from .registry import WEBHOOKS, WebhookDefinition

# The lowest Saleor whose schema has every field our documents under graphql/ use. Forced by
# `User.customerType` (and type `CustomerType`), "Added in Saleor 3.23", selected on
# `sourceObject.user` in the payment_gateway_initialize_session, transaction_initialize_session
# and transaction_process_session subscriptions. Nothing used is newer (3.24 adds no field we
# select). tests/app_protocol/test_contract.py recomputes this from the pinned 3.24 schema's
# "Added in Saleor X.Y" notes; notes older than 3.22 were pruned from that schema, so fields from
# 3.21 or earlier cannot be detected there (all fields we use existed by 3.20).
REQUIRED_SALEOR_VERSION = ">=3.23 <4"

PERMISSIONS = ("HANDLE_PAYMENTS", "MANAGE_ORDERS", "MANAGE_USERS", "MANAGE_CHECKOUTS")

ABOUT = ("Net terms for B2B buyers: credit accounts with limits and payment terms, invoices due "
         "later, one ledger. A Saleor payment app on the Transactions API.")


def absolute_url(path: str) -> str:
    return settings.APP_PUBLIC_URL.rstrip("/") + path


def webhook_manifest_entry(definition: WebhookDefinition) -> dict:
    entry = {
        "name": definition.slug,
        "targetUrl": absolute_url(f"/api/webhooks/{definition.slug}"),
        "query": definition.query,
        "isActive": True,
    }
    entry["syncEvents" if definition.is_sync else "asyncEvents"] = [definition.event]
    return entry


def manifest_build() -> dict:
    manifest = {
        "id": settings.APP_ID,
        "version": __version__,
        "name": settings.APP_NAME,
        "about": ABOUT,
        "author": settings.APP_AUTHOR,
        "permissions": list(PERMISSIONS),
        "appUrl": absolute_url("/app/"),
        "tokenTargetUrl": absolute_url("/api/register"),
        "requiredSaleorVersion": REQUIRED_SALEOR_VERSION,
        "supportUrl": settings.APP_SUPPORT_URL,
        "homepageUrl": settings.APP_HOMEPAGE_URL,
        "dataPrivacyUrl": settings.APP_PRIVACY_URL,
        "extensions": [
            {
                "label": "Credit accounts",
                "mount": "NAVIGATION_CUSTOMERS",
                "target": "APP_PAGE",
                "permissions": ["HANDLE_PAYMENTS"],
                "url": absolute_url("/app/companies"),
            },
            {
                "label": "Net terms review",
                "mount": "NAVIGATION_ORDERS",
                "target": "APP_PAGE",
                "permissions": ["HANDLE_PAYMENTS"],
                "url": absolute_url("/app/reviews"),
            },
            # Widgets (Saleor 3.22+; the oldest supported is 3.23): the order's decision, invoice and
            # payment state on its page, the customer's credit accounts on theirs. GET: the widget is
            # an iframe with ?orderId= / ?customerId= and the app-bridge handshake, like the pages.
            {
                "label": "Net terms",
                "mount": "ORDER_DETAILS_WIDGETS",
                "target": "WIDGET",
                "permissions": ["HANDLE_PAYMENTS"],
                "url": absolute_url("/app/widgets/order"),
                "options": {"widgetTarget": {"method": "GET"}},
            },
            {
                "label": "Net terms credit",
                "mount": "CUSTOMER_DETAILS_WIDGETS",
                "target": "WIDGET",
                "permissions": ["HANDLE_PAYMENTS"],
                "url": absolute_url("/app/widgets/customer"),
                "options": {"widgetTarget": {"method": "GET"}},
            },
        ],
        "webhooks": [webhook_manifest_entry(d) for d in WEBHOOKS],
    }
    if settings.APP_AUDIENCE:
        manifest["audience"] = settings.APP_AUDIENCE
    return manifest
