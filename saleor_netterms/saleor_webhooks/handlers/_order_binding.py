"""Shared by ORDER_CREATED and ORDER_CONFIRMED, which may arrive in either order (FACTS.md §11)."""
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.core.inbound import JsonNode
from saleor_netterms.invoicing.services import invoices_issue_for_confirmed_order

from ._payloads import order_snapshot_from


def bind(*, installation, payload: dict) -> dict:
    snapshot = order_snapshot_from(JsonNode(payload).obj("order", required=True))
    bound = order_bind(installation=installation, order=snapshot)
    invoices = invoices_issue_for_confirmed_order(installation=installation, order=snapshot)
    return {"order": snapshot.order_id, "bound": bound, "invoices": [i.number for i in invoices]}
