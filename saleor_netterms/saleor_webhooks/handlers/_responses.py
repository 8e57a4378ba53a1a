"""Rendering checkout results as the JSON Saleor validates (FACTS.md §3.2, §3.3).

Rules kept here: amounts are exact strings; `externalUrl` is never sent (an empty string fails
Saleor's schema); `message` ≤ 512 characters; FAILURE answers carry no pspReference; `actions`
is always explicit so Saleor's availableActions match the truth (e.g. `[]` after a cancel)."""
from __future__ import annotations

from saleor_netterms.checkout.results import ActionResult, AuthorizationResult, Eligibility

AUTHORIZATION_RESULTS = {
    "approved": "AUTHORIZATION_SUCCESS",
    "in_review": "AUTHORIZATION_REQUEST",
    "declined": "AUTHORIZATION_FAILURE",
}
AUTHORIZATION_ACTIONS = {"approved": ["CHARGE", "CANCEL"], "in_review": ["CANCEL"], "declined": []}


def _terms(days: int | None) -> dict | None:
    if days is None:
        return None
    return {"days": days, "label": "Due on receipt" if days == 0 else f"Net {days}"}


def authorization_answer(result: AuthorizationResult) -> dict:
    data = {
        "outcome": result.outcome,
        "reason": None if result.outcome == "approved" else result.primary_code,
        "reasons": [r.code for r in result.reasons],
        "message": result.message,
        "company": result.company_name,
        "terms": _terms(result.terms_days),
        "availableCredit": ({"amount": result.available_after.as_string(),
                             "currency": result.available_after.currency}
                            if result.available_after is not None else None),
        "poNumber": result.po_number or None,
    }
    answer = {
        "result": AUTHORIZATION_RESULTS[result.outcome],
        "amount": result.money.as_string(),
        "actions": AUTHORIZATION_ACTIONS[result.outcome],
        "message": result.message[:512],
        "data": data,
    }
    if result.outcome != "declined":
        answer["pspReference"] = result.psp_reference
        answer["paymentMethodDetails"] = {"type": "OTHER", "name": _terms(result.terms_days)["label"]
                                          if result.terms_days is not None else "Net terms"}
    return answer


def eligibility_answer(result: Eligibility) -> dict:
    return {"data": {
        "eligible": result.eligible,
        "reason": result.reason,
        "message": result.message,
        "company": result.company_name,
        "availableCredit": ({"amount": result.available_credit.as_string(),
                             "currency": result.available_credit.currency}
                            if result.available_credit is not None else None),
        "terms": _terms(result.terms_days),
        "poNumberRequired": result.po_number_required,
        "decisionPreview": ({"outcome": result.preview_outcome, "reasons": list(result.preview_reasons)}
                            if result.preview_outcome else None),
    }}


def action_answer(result: ActionResult, *, kind: str) -> dict:
    """kind: CHARGE | CANCEL | REFUND. A pending charge answers `{pspReference, actions}` only."""
    if result.succeeded and result.pending:
        return {"pspReference": result.psp_reference, "actions": list(result.actions)}
    if result.succeeded:
        answer = {"pspReference": result.psp_reference, "result": f"{kind}_SUCCESS",
                  "actions": list(result.actions), "message": result.message[:512]}
        if result.money is not None:
            answer["amount"] = result.money.as_string()
        return answer
    # No `actions` on a failure: Saleor keeps the transaction's current ones.
    answer = {"result": f"{kind}_FAILURE", "message": f"{result.code}: {result.message}"[:512]}
    if result.money is not None:
        answer["amount"] = result.money.as_string()
    return answer
