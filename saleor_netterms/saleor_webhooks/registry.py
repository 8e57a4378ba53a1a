"""The one registry of Saleor webhooks: event → subscription document → handler → response shape.

The manifest's `webhooks` are generated from it, the URL router serves one route per entry, and
the contract tests validate every document against the pinned Saleor schema. Adding a webhook is
adding one `WebhookDefinition` here, its document under `graphql/subscriptions/` and its handler
module under `saleor_webhooks/handlers/`.

A handler is `handle(*, installation, payload, delivery) -> dict`:
- `payload` is the verified body parsed with Decimal for every JSON float (FACTS.md §11);
- for sync events the returned dict is the JSON answer Saleor validates (FACTS.md §3.2/§3.3);
- for async events it is the recorded outcome and Saleor gets `{}`;
- it runs inside the database transaction that marks the delivery processed, so the effect and
  the stored outcome commit together; business "no"s are results, app faults raise NetTermsError.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import Callable

GRAPHQL_DIR = Path(__file__).resolve().parent.parent.parent / "graphql"


@dataclass(frozen=True)
class WebhookDefinition:
    event: str  # Saleor's enum name, e.g. "TRANSACTION_INITIALIZE_SESSION"
    is_sync: bool
    response: str  # the answer's shape: a FACTS.md section / Saleor JSON schema name
    description: str
    # The handler only reads (a preview, a state): no dispatch row is claimed — there is no effect
    # to run once — and each delivery is answered from the current state and recorded once.
    read_only: bool = False

    @property
    def saleor_event_header(self) -> str:
        """`Saleor-Event` carries the event in lower case (FACTS.md §2.1)."""
        return self.event.lower()

    @property
    def slug(self) -> str:
        return self.event.lower().replace("_", "-")

    @property
    def document_path(self) -> Path:
        return GRAPHQL_DIR / "subscriptions" / f"{self.event.lower()}.graphql"

    @cached_property
    def query(self) -> str:
        return self.document_path.read_text()

    @property
    def handler_module(self) -> str:
        return f"saleor_netterms.saleor_webhooks.handlers.{self.event.lower()}"

    def handler(self) -> Callable[..., dict]:
        return import_module(self.handler_module).handle


WEBHOOKS: tuple[WebhookDefinition, ...] = (
    WebhookDefinition(
        "PAYMENT_GATEWAY_INITIALIZE_SESSION", True, "PaymentGatewayInitializeSession",
        "Tells the storefront whether this buyer may pay on net terms, and on what terms.", read_only=True),
    WebhookDefinition(
        "TRANSACTION_INITIALIZE_SESSION", True, "TransactionInitializeSession",
        "Decides a net-terms checkout: approve (hold), send to review (hold) or decline."),
    WebhookDefinition(
        "TRANSACTION_PROCESS_SESSION", True, "TransactionProcessSession",
        "Returns the current state of a net-terms transaction.", read_only=True),
    WebhookDefinition(
        "TRANSACTION_CHARGE_REQUESTED", True, "TransactionChargeRequested",
        "Capture: turns the hold into a receivable due on the company's terms (charge pending)."),
    WebhookDefinition(
        "TRANSACTION_CANCELATION_REQUESTED", True, "TransactionCancelationRequested",
        "Releases the hold."),
    WebhookDefinition(
        "TRANSACTION_REFUND_REQUESTED", True, "TransactionRefundRequested",
        "Credit note: reduces the receivable, or credits the buyer for amounts already paid."),
    WebhookDefinition(
        "ORDER_CREATED", False, "{}", "Binds the hold to the order (number, lines)."),
    WebhookDefinition(
        "ORDER_CONFIRMED", False, "{}", "Binds the hold to the order (number, lines)."),
    WebhookDefinition(
        "ORDER_CANCELLED", False, "{}", "Releases whatever is still held for the order."),
    WebhookDefinition(
        "INVOICE_REQUESTED", False, "{}",
        "Staff asked for an invoice: issue it (or reuse the order's) and answer with invoiceUpdate."),
    WebhookDefinition(
        "INVOICE_DELETED", False, "{}",
        "Staff deleted the invoice in Saleor: void it (a credit note reverses it when posted)."),
    WebhookDefinition(
        "FULFILLMENT_CREATED", False, "{}",
        "A shipment: invoiced per shipment or collected for the consolidated invoice, per company policy."),
)

BY_EVENT: dict[str, WebhookDefinition] = {w.event: w for w in WEBHOOKS}
BY_SLUG: dict[str, WebhookDefinition] = {w.slug: w for w in WEBHOOKS}
