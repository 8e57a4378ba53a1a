"""TRANSACTION_PROCESS_SESSION → the transaction's current state (FACTS.md §3.2).

Saleor calls it only while the transaction has no final result (§11); we never answer
ACTION_REQUIRED, so this mostly serves storefronts that call transactionProcess anyway."""
from saleor_netterms.checkout.services import transaction_state

from ._payloads import money_from, require
from ._responses import authorization_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    transaction = require(payload, "transaction")
    result = transaction_state(installation=installation, transaction_id=require(transaction, "id"))
    if result is None:
        action = payload.get("action") or {}
        answer = {"result": "AUTHORIZATION_FAILURE", "actions": [],
                  "message": "UNKNOWN_TRANSACTION: this transaction was not initialized on net terms."}
        if action.get("amount") is not None and action.get("currency"):
            answer["amount"] = money_from(action["amount"], action["currency"]).as_string()
        return answer
    return authorization_answer(result)
