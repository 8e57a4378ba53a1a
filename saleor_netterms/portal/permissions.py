"""What each portal role may do. Every page and action names one capability; the check runs on
the server for every request (portal.web.portal_page), whatever the page shows or hides."""
from __future__ import annotations

from saleor_netterms.buyer_access.models import PortalRole

ALL = frozenset(PortalRole.values)
CAPABILITIES: dict[str, frozenset[str]] = {
    "view": ALL,                    # overview, invoices and their documents, orders, statements
    "dispute": ALL,                 # whoever received the goods may say what is wrong
    "remit": ALL,                   # a combined remittance (a payment reference, no commitment)
    "promise": frozenset({PortalRole.ADMIN, PortalRole.BILLING}),
    "approve": frozenset({PortalRole.APPROVER, PortalRole.ADMIN}),
    "limit": frozenset({PortalRole.ADMIN}),
    "admin": frozenset({PortalRole.ADMIN}),
}


def allowed(role: str, capability: str) -> bool:
    return role in CAPABILITIES[capability]
