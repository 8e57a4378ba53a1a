"""FULFILLMENT_CREATED → record the shipment; invoice it now when the company is invoiced per
shipment, or keep it for the consolidated invoice (invoicing.services.fulfilment_record).
Shipped lines are matched to the order's lines by SKU (else product name)."""
from saleor_netterms.core.inbound import JsonNode
from saleor_netterms.invoicing.services import ShippedLine, fulfilment_record

from ._payloads import PRODUCT_NAME_MAX, order_snapshot_from


def handle(*, installation, payload: dict, delivery=None) -> dict:
    payload = JsonNode(payload)
    fulfillment = payload.obj("fulfillment", required=True)
    shipped = [ShippedLine(sku=order_line.text("productSku") or None,
                           product_name=order_line.text("productName", max_length=PRODUCT_NAME_MAX) or None,
                           quantity=line.integer("quantity"))
               for line in fulfillment.items("lines") for order_line in [line.obj("orderLine")]]
    fulfilled_on = fulfillment.day("created") or payload.day("issuedAt", required=True)
    return fulfilment_record(installation=installation, fulfillment_id=fulfillment.text("id", required=True),
                             order=order_snapshot_from(payload.obj("order", required=True)), shipped=shipped,
                             fulfilled_on=fulfilled_on).as_json()
