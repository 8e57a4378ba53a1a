"""TRANSACTION_INITIALIZE_SESSION → the credit decision at checkout (FACTS.md §3.1, §3.2, §5).

approve → hold → AUTHORIZATION_SUCCESS (actions CHARGE, CANCEL; paymentMethodDetails "Net N");
review → hold → AUTHORIZATION_REQUEST (the order can be created; decided later);
decline → nothing held → AUTHORIZATION_FAILURE with a buyer-readable message and `data.reason`.

A request with `actionType: CHARGE` (a channel whose default flow is CHARGE) gets the same
authorization semantics: on net terms nothing is charged until the invoice is paid. The same
Saleor transaction delivered again gets the identical answer and no second hold."""
from saleor_netterms.checkout.requests import AuthorizationRequest
from saleor_netterms.checkout.services import AuthorizationPrepared, checkout_authorize_prepare
from saleor_netterms.workflows.checkout import checkout_authorize

from ._payloads import (buyer_from, channel_slug_of, money_from, obj, po_number_of, require, require_text,
                        source_object, text)
from ._responses import authorization_answer


def _request(payload: dict) -> AuthorizationRequest:
    action = obj(require(payload, "action"), "action")
    transaction = obj(require(payload, "transaction"), "transaction")
    source = source_object(payload)
    return AuthorizationRequest(
        transaction_id=require_text(transaction, "id"),
        transaction_token=text(transaction.get("token"), "transaction.token", max_length=64),
        money=money_from(require(action, "amount"), require(action, "currency")),
        buyer=buyer_from(source.get("user")),
        channel_slug=channel_slug_of(source),
        idempotency_key=text(payload.get("idempotencyKey"), "idempotencyKey", truncate=True),
        action_type=text(action.get("actionType"), "action.actionType", max_length=16) or "AUTHORIZATION",
        source_type=text(source.get("__typename"), "sourceObject.__typename", max_length=16),
        source_id=text(source.get("id"), "sourceObject.id"),
        po_number=po_number_of(payload.get("data")),
    )


def prepare(*, installation, payload: dict) -> AuthorizationPrepared:
    """Run by the pipeline outside any transaction: replay check, buyer, policy, underwriter."""
    return checkout_authorize_prepare(installation=installation, request=_request(payload))


def handle(*, installation, payload: dict, delivery=None, prepared: AuthorizationPrepared | None = None) -> dict:
    return authorization_answer(checkout_authorize(installation=installation, request=_request(payload),
                                                   prepared=prepared))


handle.prepare = prepare  # the pipeline runs it before the dispatch transaction
