"""TRANSACTION_CHARGE_REQUESTED (the Dashboard's Capture) → the hold becomes a receivable due on
the company's terms. Answer `{pspReference, actions}`: the charge stays pending in Saleor until the
invoice is paid, then CHARGE_SUCCESS is reported (payments.services) (FACTS.md §3.3, §4.3)."""
from saleor_netterms.workflows.checkout import transaction_capture

from ._payloads import action_request_from
from ._responses import action_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    request = action_request_from(payload, "CHARGE_REQUEST")
    return action_answer(transaction_capture(installation=installation, request=request), kind="CHARGE")
