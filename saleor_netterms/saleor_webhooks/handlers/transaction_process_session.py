"""TRANSACTION_PROCESS_SESSION → the transaction's current state (FACTS.md §3.2).

Saleor calls it only while the transaction has no final result (§11); we never answer
ACTION_REQUIRED, so this mostly serves storefronts that call transactionProcess anyway."""
from saleor_netterms.checkout.services import transaction_state
from saleor_netterms.core.inbound import JsonNode

from ._payloads import money_from
from ._responses import authorization_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    payload = JsonNode(payload)
    transaction_id = payload.obj("transaction", required=True).text("id", required=True)
    action = payload.obj("action")
    money = (money_from(action.raw("amount"), action.raw("currency"))
             if action.raw("amount") is not None and action.raw("currency") else None)
    result = transaction_state(installation=installation, transaction_id=transaction_id)
    if result is None:
        answer = {"result": "AUTHORIZATION_FAILURE", "actions": [],
                  "message": "UNKNOWN_TRANSACTION: this transaction was not initialized on net terms."}
        if money is not None:
            answer["amount"] = money.as_string()
        return answer
    return authorization_answer(result)
