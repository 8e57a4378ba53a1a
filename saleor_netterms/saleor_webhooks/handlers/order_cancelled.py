"""ORDER_CANCELLED → release whatever is still held for the order; Saleor is told through the
outbox (CANCEL_SUCCESS, or AUTHORIZATION_FAILURE for an order still in credit review)."""
from saleor_netterms.core.inbound import JsonNode
from saleor_netterms.workflows.checkout import order_cancel

from ._payloads import order_snapshot_from


def handle(*, installation, payload: dict, delivery=None) -> dict:
    snapshot = order_snapshot_from(JsonNode(payload).obj("order", required=True))
    released = order_cancel(installation=installation, order_id=snapshot.order_id,
                            transaction_ids=snapshot.transaction_ids)
    return {"order": snapshot.order_id, "released": released}
