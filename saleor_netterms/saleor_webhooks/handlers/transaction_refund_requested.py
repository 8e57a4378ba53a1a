"""TRANSACTION_REFUND_REQUESTED → a credit note: paid amounts go to the buyer's credit balance,
unpaid amounts reduce the receivable → REFUND_SUCCESS (FACTS.md §3.3). `grantedRefund` may be the
bogus `OrderGrantedRefund:None` id (§11); it is not needed."""
from saleor_netterms.workflows.checkout import transaction_refund

from ._payloads import action_request_from
from ._responses import action_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    request = action_request_from(payload, "REFUND_REQUEST")
    return action_answer(transaction_refund(installation=installation, request=request), kind="REFUND")
