"""FULFILLMENT_CREATED → record the shipment; invoice it now when the company is invoiced per
shipment, or keep it for the consolidated invoice (invoicing.services.fulfilment_record).
Shipped lines are matched to the order's lines by SKU (else product name)."""
from datetime import date, datetime

from saleor_netterms.invoicing.services import ShippedLine, fulfilment_record

from ._payloads import MalformedPayload, order_snapshot_from, require


def _day(value: str | None) -> date | None:
    try:
        return datetime.fromisoformat(value).date() if value else None
    except ValueError as exc:
        raise MalformedPayload(f"bad date {value!r}") from exc


def handle(*, installation, payload: dict, delivery=None) -> dict:
    fulfillment = require(payload, "fulfillment")
    shipped = [ShippedLine(sku=(line.get("orderLine") or {}).get("productSku"),
                           product_name=(line.get("orderLine") or {}).get("productName"),
                           quantity=int(line.get("quantity") or 0))
               for line in fulfillment.get("lines") or []]
    fulfilled_on = _day(fulfillment.get("created")) or _day(require(payload, "issuedAt"))
    return fulfilment_record(installation=installation, fulfillment_id=require(fulfillment, "id"),
                             order=order_snapshot_from(require(payload, "order")), shipped=shipped,
                             fulfilled_on=fulfilled_on).as_json()
