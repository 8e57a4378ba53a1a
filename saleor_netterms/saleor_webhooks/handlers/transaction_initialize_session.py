"""TRANSACTION_INITIALIZE_SESSION → the credit decision at checkout (FACTS.md §3.1, §3.2, §5).

approve → hold → AUTHORIZATION_SUCCESS (actions CHARGE, CANCEL; paymentMethodDetails "Net N");
review → hold → AUTHORIZATION_REQUEST (the order can be created; decided later);
decline → nothing held → AUTHORIZATION_FAILURE with a buyer-readable message and `data.reason`.

A request with `actionType: CHARGE` (a channel whose default flow is CHARGE) gets the same
authorization semantics: on net terms nothing is charged until the invoice is paid. The same
Saleor transaction delivered again gets the identical answer and no second hold."""
from saleor_netterms.checkout.requests import AuthorizationRequest
from saleor_netterms.checkout.services import AuthorizationPrepared, checkout_authorize_prepare
from saleor_netterms.core.inbound import JsonNode
from saleor_netterms.workflows.checkout import checkout_authorize

from ._payloads import action_money, buyer_from, channel_slug_of, po_number_of, source_object
from ._responses import authorization_answer


def _request(payload: dict) -> AuthorizationRequest:
    payload = JsonNode(payload)
    action = payload.obj("action", required=True)
    transaction = payload.obj("transaction", required=True)
    source = source_object(payload)
    return AuthorizationRequest(
        transaction_id=transaction.text("id", required=True),
        transaction_token=transaction.text("token", max_length=64),
        money=action_money(action),
        buyer=buyer_from(source.obj("user")),
        channel_slug=channel_slug_of(source),
        idempotency_key=payload.text("idempotencyKey", truncate=True),
        action_type=action.text("actionType", max_length=16) or "AUTHORIZATION",
        source_type=source.text("__typename", max_length=16),
        source_id=source.text("id"),
        po_number=po_number_of(payload.raw("data")),
    )


def prepare(*, installation, payload: dict) -> AuthorizationPrepared:
    """Run by the pipeline outside any transaction: replay check, buyer, policy, underwriter."""
    return checkout_authorize_prepare(installation=installation, request=_request(payload))


def handle(*, installation, payload: dict, delivery=None, prepared: AuthorizationPrepared | None = None,
           answer_record=None) -> dict:
    """``answer_record(answer)``: the pipeline's statement recording this delivery with its answer
    (services.webhook_dispatch), handed to the checkout so it rides along with the hold."""
    answered = (lambda result: answer_record(authorization_answer(result))) if answer_record else None
    return authorization_answer(checkout_authorize(installation=installation, request=_request(payload),
                                                   prepared=prepared, answered=answered))


handle.prepare = prepare  # the pipeline runs it before the dispatch transaction
handle.records_answer = True  # the pipeline passes answer_record (the delivery row rides along with the hold)
