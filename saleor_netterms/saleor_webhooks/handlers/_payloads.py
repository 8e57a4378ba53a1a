"""Reading Saleor payloads into the checkout domain's requests.

Payloads arrive verified and parsed with Decimal for every JSON float (FACTS.md §11). Fields that
a capture recorded with an older subscription document may lack (e.g. `transaction.events`) are
optional here. A payload that lacks what the event cannot do without raises MalformedPayload
(a coded 400; nothing is written)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from saleor_netterms.checkout.requests import Buyer, OrderLine, OrderSnapshot
from saleor_netterms.core.errors import BadRequest
from saleor_netterms.core.money import InvalidMoney, Money, amount_parse


class MalformedPayload(BadRequest):
    code = "MALFORMED_PAYLOAD"
    merchant_message = "The webhook payload lacks a field this event needs."


def require(mapping: dict | None, *path: str):
    value = mapping
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            raise MalformedPayload(f"payload has no {'.'.join(path)}")
        value = value[key]
    return value


def obj(value, what: str = "value") -> dict:
    """A JSON object, or {} for null/absent; anything else is a coded 400 (never an AttributeError)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedPayload(f"{what} is not an object")
    return value


def text(value, what: str = "value", *, max_length: int = 255, truncate: bool = False) -> str:
    """A JSON string ("" for null/absent) of at most max_length characters (longer: cut when
    `truncate`, else refused); anything else is a coded 400."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedPayload(f"{what} is not a string")
    if len(value) > max_length and not truncate:
        raise MalformedPayload(f"{what} is longer than {max_length} characters")
    return value[:max_length]


def require_text(mapping, *path: str) -> str:
    value = require(mapping, *path)
    if not isinstance(value, str) or not value or len(value) > 255:
        raise MalformedPayload(f"{'.'.join(path)} is not a string of 1 to 255 characters")
    return value


def money_from(amount, currency) -> Money:
    """Every amount Saleor sends, through the one amount reader (core.money.amount_parse): exact
    in the currency's minor unit, finite, not negative; otherwise a coded 400."""
    try:
        return amount_parse(amount, currency)
    except InvalidMoney as exc:
        raise MalformedPayload(f"bad amount/currency {str(amount)[:40]!r} {str(currency)[:16]!r}",
                               code=exc.code) from exc


def buyer_from(user: dict | None) -> Buyer | None:
    """Only an authenticated Saleor customer is a buyer; a guest checkout has `user: null`.
    The checkout's typed e-mail is deliberately ignored (it proves nothing), and the user's own
    address counts only when Saleor says `isConfirmed: true` (absent — an installation still on an
    older subscription document — counts as unconfirmed)."""
    user = obj(user, "user")
    if not user.get("id"):
        return None
    customer_type = obj(user.get("customerType"), "user.customerType")
    return Buyer(user_id=text(user["id"], "user.id"), email=text(user.get("email"), "user.email") or None,
                 email_confirmed=user.get("isConfirmed") is True,
                 external_reference=text(user.get("externalReference"), "user.externalReference") or None,
                 customer_type_slug=text(customer_type.get("slug"), "user.customerType.slug") or None)


def source_object(payload: dict) -> dict:
    return obj(payload.get("sourceObject"), "sourceObject")


def channel_slug_of(source: dict) -> str:
    return text(obj(source.get("channel"), "channel").get("slug"), "channel.slug")


def po_number_of(data) -> str:
    if isinstance(data, dict):
        for key in ("poNumber", "po_number", "purchaseOrderNumber"):
            value = data.get(key)
            if isinstance(value, (str, int)) and str(value).strip():
                return str(value).strip()[:128]
    return ""


def request_key_of(payload: dict, request_type: str) -> str:
    """A stable key for one charge/cancel/refund request: the id of Saleor's pending request event
    (the newest `<TYPE>_REQUEST` without a pspReference), else the event's issue time."""
    events = (payload.get("transaction") or {}).get("events") or []
    pending = [e for e in events if e.get("type") == request_type and not e.get("pspReference")]
    if pending:
        newest = max(pending, key=lambda e: e.get("createdAt") or "")
        return f"event:{newest['id']}"
    return f"issued:{payload.get('issuedAt') or ''}"


def order_snapshot_from(order: dict) -> OrderSnapshot:
    total = order.get("total") or {}
    gross = total.get("gross") or {}
    currency = gross.get("currency") or ""

    def money_str(value) -> str | None:
        if value is None:
            return None
        return money_from(value, currency).as_string() if currency else _fmt(value)

    def amount(part):
        return money_str((total.get(part) or {}).get("amount"))

    lines = tuple(
        OrderLine(product_name=line.get("productName") or "", sku=line.get("productSku"),
                  quantity=quantity_of(line.get("quantity") or 0),
                  unit_net=money_str(((line.get("unitPrice") or {}).get("net") or {}).get("amount")),
                  unit_gross=money_str(((line.get("unitPrice") or {}).get("gross") or {}).get("amount")),
                  tax_rate=_fmt(line.get("taxRate")))
        for line in order.get("lines") or [])
    billing = order.get("billingAddress")
    if billing:
        billing = {**billing, "country": (billing.get("country") or {}).get("code")}
    return OrderSnapshot(
        order_id=require(order, "id"), number=str(order.get("number") or ""), status=order.get("status") or "",
        currency=currency, total_net=amount("net"), total_tax=amount("tax"),
        total_gross=amount("gross"), channel_slug=(order.get("channel") or {}).get("slug") or "",
        user_email=order.get("userEmail"),
        transaction_ids=tuple(t["id"] for t in order.get("transactions") or [] if t.get("id")),
        lines=lines, billing_address=billing)


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


def quantity_of(value) -> int:
    ok = not isinstance(value, bool) and isinstance(value, (int, Decimal)) and (
        not isinstance(value, Decimal) or value.is_finite()) and 0 <= value < 10 ** 9 and value == int(value)
    if not ok:
        raise MalformedPayload(f"bad quantity {str(value)[:20]!r}")
    return int(value)
