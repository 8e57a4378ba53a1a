"""TRANSACTION_CANCELATION_REQUESTED (staff Cancel, or Saleor releasing funds of an expired
checkout, FACTS.md §5.2) → release the hold → CANCEL_SUCCESS with explicit `actions`."""
from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.checkout.services import transaction_cancel

from ._payloads import money_from, request_key_of, require
from ._responses import action_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    transaction = require(payload, "transaction")
    action = require(payload, "action")
    request = TransactionActionRequest(
        transaction_id=require(transaction, "id"),
        money=money_from(require(action, "amount"), require(action, "currency")),
        request_key=request_key_of(payload, "CANCEL_REQUEST"),
    )
    return action_answer(transaction_cancel(installation=installation, request=request), kind="CANCEL")
