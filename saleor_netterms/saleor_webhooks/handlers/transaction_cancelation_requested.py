"""TRANSACTION_CANCELATION_REQUESTED (staff Cancel, or Saleor releasing funds of an expired
checkout, FACTS.md §5.2) → release the hold → CANCEL_SUCCESS with explicit `actions`."""
from saleor_netterms.checkout.services import transaction_cancel

from ._payloads import action_request_from
from ._responses import action_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    request = action_request_from(payload, "CANCEL_REQUEST")
    return action_answer(transaction_cancel(installation=installation, request=request), kind="CANCEL")
