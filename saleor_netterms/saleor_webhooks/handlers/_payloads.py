"""Reading Saleor payloads into the checkout domain's requests, by their expected shape.

Payloads arrive verified and parsed with Decimal for every JSON float (FACTS.md §11). Every read
goes through `core.inbound.JsonNode`: a value of the wrong JSON type anywhere, or a missing field
the event cannot do without, is a coded 400 MALFORMED_PAYLOAD naming its path (nothing is written;
Saleor does not retry a 4xx, and a sync event's 4xx becomes its FAILURE event, FACTS.md §2.4).
Every amount goes through the one amount reader (`core.money.amount_parse`: INVALID_AMOUNT /
INVALID_CURRENCY). Fields that a capture recorded with an older subscription document may lack
(e.g. `transaction.events`, `user.isConfirmed`) are optional here."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from saleor_netterms.checkout.requests import Buyer, OrderLine, OrderSnapshot, TransactionActionRequest
from saleor_netterms.core.inbound import JsonNode, MalformedPayload
from saleor_netterms.core.money import InvalidMoney, Money, amount_parse

PRODUCT_NAME_MAX = 512  # Saleor's OrderLine.product_name holds up to 386
ADDRESS_FIELD_MAX = 512


def money_from(amount, currency) -> Money:
    """Every amount Saleor sends, through the one amount reader (core.money.amount_parse): exact
    in the currency's minor unit, finite, not negative; otherwise a coded 400."""
    try:
        return amount_parse(amount, currency)
    except InvalidMoney as exc:
        raise MalformedPayload(f"bad amount/currency {str(amount)[:40]!r} {str(currency)[:16]!r}",
                               code=exc.code, merchant_message=exc.merchant_message) from exc


def action_money(action: JsonNode) -> Money:
    """`action.amount` in `action.currency`, both required."""
    return money_from(action.raw("amount", required=True), action.raw("currency", required=True))


def buyer_from(user: JsonNode) -> Buyer | None:
    """Only an authenticated Saleor customer is a buyer; a guest checkout has `user: null`.
    The checkout's typed e-mail is deliberately ignored (it proves nothing), and the user's own
    address counts only when Saleor says `isConfirmed: true` (absent — an installation still on an
    older subscription document — counts as unconfirmed)."""
    user_id = user.text("id")
    if not user_id:
        return None
    return Buyer(user_id=user_id, email=user.text("email") or None,
                 email_confirmed=user.raw("isConfirmed") is True,
                 external_reference=user.text("externalReference") or None,
                 customer_type_slug=user.obj("customerType").text("slug") or None)


def source_object(payload: JsonNode) -> JsonNode:
    return payload.obj("sourceObject")


def channel_slug_of(source: JsonNode) -> str:
    return source.obj("channel").text("slug")


def po_number_of(data) -> str:
    """The storefront's `paymentGateway.data` is any JSON the buyer's storefront chose to send."""
    if isinstance(data, dict):
        for key in ("poNumber", "po_number", "purchaseOrderNumber"):
            value = data.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()[:128]
    return ""


def request_key_of(payload: JsonNode, request_type: str) -> str:
    """A stable key for one charge/cancel/refund request: the id of Saleor's pending request event
    (the newest `<TYPE>_REQUEST` without a pspReference), else the event's issue time."""
    events = payload.obj("transaction").items("events")
    pending = [e for e in events
               if e.text("type", max_length=64) == request_type and not e.text("pspReference", truncate=True)]
    if pending:
        newest = max(pending, key=lambda e: e.text("createdAt", max_length=64))
        return f"event:{newest.text('id', required=True)}"
    return f"issued:{payload.text('issuedAt', max_length=64)}"


def action_request_from(payload: dict, request_type: str) -> TransactionActionRequest:
    """A charge, cancel or refund request: the transaction's id, `action.amount`/`currency`, and
    the request's stable key (`request_type`: CHARGE_REQUEST, CANCEL_REQUEST, REFUND_REQUEST)."""
    payload = JsonNode(payload)
    return TransactionActionRequest(
        transaction_id=payload.obj("transaction", required=True).text("id", required=True),
        money=action_money(payload.obj("action", required=True)),
        request_key=request_key_of(payload, request_type))


def _billing_address(order: JsonNode) -> dict | None:
    billing = order.obj("billingAddress")
    if not billing.value:
        return None
    address = {key: billing.text(key, max_length=ADDRESS_FIELD_MAX) if billing.raw(key) is not None else None
               for key in billing.value if key != "country"}
    address["country"] = billing.obj("country").text("code", max_length=3) or None
    return address


def order_snapshot_from(order: JsonNode) -> OrderSnapshot:
    total = order.obj("total")
    currency = total.obj("gross").text("currency", max_length=3)

    def money_str(parent: JsonNode) -> str | None:
        value = parent.raw("amount")
        if value is None:
            return None
        return money_from(value, currency).as_string() if currency else _fmt(value)

    lines = tuple(
        OrderLine(product_name=line.text("productName", max_length=PRODUCT_NAME_MAX),
                  sku=line.text("productSku") or None,
                  quantity=line.integer("quantity"),
                  unit_net=money_str(line.obj("unitPrice").obj("net")),
                  unit_gross=money_str(line.obj("unitPrice").obj("gross")),
                  tax_rate=_fmt(line.raw("taxRate")),
                  shipping_required=line.flag("isShippingRequired"))
        for line in order.items("lines"))
    return OrderSnapshot(
        order_id=order.text("id", required=True), number=order.text("number", max_length=64),
        status=order.text("status", max_length=64), currency=currency,
        total_net=money_str(total.obj("net")), total_tax=money_str(total.obj("tax")),
        total_gross=money_str(total.obj("gross")), channel_slug=order.obj("channel").text("slug"),
        user_email=order.text("userEmail") or None,
        transaction_ids=tuple(t.text("id") for t in order.items("transactions") if t.text("id")),
        lines=lines, billing_address=_billing_address(order))


def _fmt(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise MalformedPayload(f"not a number: {type(value).__name__}", code="INVALID_AMOUNT")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise MalformedPayload(f"not a number: {str(value)[:40]!r}", code="INVALID_AMOUNT") from exc
    if not number.is_finite() or (number != 0 and number.adjusted() >= 16):
        raise MalformedPayload(f"not a usable number: {str(value)[:40]!r}", code="INVALID_AMOUNT")
    return format(number, "f")
