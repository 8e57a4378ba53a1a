"""What Saleor accepts as an answer to a sync payment webhook (FACTS.md §3.2, §3.3), as a checker.

`answer_problems(event, answer)` returns the list of rule violations (empty = Saleor accepts it).
Written from the facts, not copied from Saleor: result per event, pspReference required where
Saleor requires it, amounts as exact decimal strings, never `externalUrl: ""`, message ≤ 512,
actions ⊆ {CHARGE, REFUND, CANCEL}, paymentMethodDetails shape, `CHARGE_REQUEST` refused on
charge requests."""
from __future__ import annotations

import re
from urllib.parse import urlparse

ACTIONS = {"CHARGE", "REFUND", "CANCEL"}
SESSION_RESULTS_NEED_PSP = {"AUTHORIZATION_SUCCESS", "CHARGE_SUCCESS", "AUTHORIZATION_REQUEST", "CHARGE_REQUEST"}
SESSION_RESULTS = SESSION_RESULTS_NEED_PSP | {"AUTHORIZATION_FAILURE", "CHARGE_FAILURE",
                                              "AUTHORIZATION_ACTION_REQUIRED", "CHARGE_ACTION_REQUIRED"}
REQUEST_KIND = {"TRANSACTION_CHARGE_REQUESTED": "CHARGE", "TRANSACTION_CANCELATION_REQUESTED": "CANCEL",
                "TRANSACTION_REFUND_REQUESTED": "REFUND"}
DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def _common(answer: dict) -> list[str]:
    problems = []
    if "externalUrl" in answer:
        url = answer["externalUrl"]
        if url is not None and (not isinstance(url, str) or not url or not urlparse(url).scheme):
            problems.append(f"externalUrl {url!r} is not a valid URL (never send \"\")")
    if "amount" in answer and not (isinstance(answer["amount"], str) and DECIMAL.match(answer["amount"])):
        problems.append(f"amount {answer['amount']!r} is not an exact decimal string")
    if "message" in answer and (not isinstance(answer["message"], str) or len(answer["message"]) > 512):
        problems.append("message is not a string of at most 512 characters")
    if "actions" in answer and (not isinstance(answer["actions"], list) or set(answer["actions"]) - ACTIONS):
        problems.append(f"actions {answer.get('actions')!r} not a subset of {sorted(ACTIONS)}")
    if "pspReference" in answer and (not isinstance(answer["pspReference"], str) or not answer["pspReference"]):
        problems.append("pspReference must be a non-empty string")
    return problems


def answer_problems(event: str, answer) -> list[str]:
    if not isinstance(answer, dict):
        return ["answer is not a JSON object"]
    if event == "PAYMENT_GATEWAY_INITIALIZE_SESSION":
        return [] if "data" in answer else ["PaymentGatewayInitializeSession needs the `data` key"]
    problems = _common(answer)
    if event in ("TRANSACTION_INITIALIZE_SESSION", "TRANSACTION_PROCESS_SESSION"):
        result = answer.get("result")
        if result not in SESSION_RESULTS:
            problems.append(f"result {result!r} not allowed")
        if result in SESSION_RESULTS_NEED_PSP and not answer.get("pspReference"):
            problems.append(f"{result} requires pspReference")
        details = answer.get("paymentMethodDetails")
        if details is not None and not (details.get("type") == "OTHER" and isinstance(details.get("name"), str)
                                        and set(details) <= {"type", "name"}):
            problems.append(f"paymentMethodDetails {details!r} is not {{type: OTHER, name}}")
        return problems
    kind = REQUEST_KIND[event]
    if "result" not in answer:  # async shape: {pspReference, actions?}
        if not answer.get("pspReference"):
            problems.append("the async answer needs pspReference")
        if set(answer) - {"pspReference", "actions"}:
            problems.append(f"unexpected keys in the async answer: {sorted(set(answer) - {'pspReference', 'actions'})}")
        return problems
    result = answer["result"]
    if result not in (f"{kind}_SUCCESS", f"{kind}_FAILURE"):
        problems.append(f"result {result!r} not allowed for {event}")
    if result == f"{kind}_SUCCESS" and not answer.get("pspReference"):
        problems.append(f"{result} requires pspReference")
    return problems
