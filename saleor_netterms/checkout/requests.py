"""What the checkout domain needs to know, independent of how Saleor phrases it.

The webhook handlers (saleor_webhooks/handlers/) translate Saleor payloads into these; the
domain never sees a Saleor payload."""
from __future__ import annotations

from dataclasses import dataclass, field

from saleor_netterms.core.money import Money


@dataclass(frozen=True, slots=True)
class Buyer:
    """An authenticated Saleor customer (the checkout's or order's `user`). Guests have none.
    `email_confirmed` is Saleor's `User.isConfirmed`; unknown counts as not confirmed."""
    user_id: str
    email: str | None = None
    email_confirmed: bool = False
    external_reference: str | None = None
    customer_type_slug: str | None = None


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    transaction_id: str
    money: Money
    buyer: Buyer | None
    channel_slug: str
    transaction_token: str = ""
    idempotency_key: str = ""
    action_type: str = "AUTHORIZATION"
    source_type: str = "Checkout"
    source_id: str = ""
    po_number: str = ""


@dataclass(frozen=True, slots=True)
class EligibilityRequest:
    buyer: Buyer | None
    channel_slug: str
    money: Money | None = None


@dataclass(frozen=True, slots=True)
class TransactionActionRequest:
    """A charge, cancel or refund request for one of our transactions."""
    transaction_id: str
    money: Money
    request_key: str  # unique per request (Saleor's request event id, else the delivery's time)


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_name: str
    sku: str | None
    quantity: int
    unit_net: str | None
    unit_gross: str | None
    tax_rate: str | None
    shipping_required: bool | None = None  # Saleor's OrderLine.isShippingRequired: goods (True) or services


@dataclass(frozen=True, slots=True)
class OrderSnapshot:
    order_id: str
    number: str
    status: str
    currency: str
    total_net: str | None
    total_tax: str | None
    total_gross: str | None
    channel_slug: str
    user_email: str | None
    transaction_ids: tuple[str, ...]
    lines: tuple[OrderLine, ...] = field(default_factory=tuple)
    billing_address: dict | None = None

    def as_json(self) -> dict:
        return {
            "orderId": self.order_id, "number": self.number, "status": self.status,
            "currency": self.currency, "totalNet": self.total_net, "totalTax": self.total_tax,
            "totalGross": self.total_gross, "channel": self.channel_slug,
            "userEmail": self.user_email, "billingAddress": self.billing_address,
            "lines": [{"productName": l.product_name, "sku": l.sku, "quantity": l.quantity,
                       "unitNet": l.unit_net, "unitGross": l.unit_gross, "taxRate": l.tax_rate,
                       **({"isShippingRequired": l.shipping_required} if l.shipping_required is not None else {})}
                      for l in self.lines],
        }
