"""Outbox deliverers that tell Saleor what happened (settings.OUTBOX_DELIVERERS).

They run after commit, outside any lock (outbox.services). A transport failure or 5xx is
retried with backoff (DeliveryRetry); an answer Saleor will never accept is DeliveryRejected and
the message waits for a person. `alreadyProcessed` — Saleor already has this (pspReference,
type, amount) — counts as delivered (FACTS.md §4.1)."""
from __future__ import annotations

from saleor_netterms.installations.saleor import saleor_execute
from saleor_netterms.outbox.services import DeliveryRejected, DeliveryRetry
from saleor_netterms.saleor_api.errors import (SaleorApiError, SaleorGraphQLError, SaleorTransportError,
                                               SaleorUnauthorized)

# Mutation error codes that mean "Saleor already holds this event": delivered.
ALREADY_THERE = {"ALREADY_EXISTS"}


def _run(message, document: str, variables: dict, field: str) -> dict:
    try:
        data = saleor_execute(installation=message.installation, document=document, variables=variables)
    except SaleorTransportError as exc:
        raise DeliveryRetry(exc.log_message) from exc
    except SaleorUnauthorized as exc:
        raise DeliveryRejected(f"{exc.code}: installation no longer accepted by Saleor") from exc
    except SaleorGraphQLError as exc:  # Saleor refused the document or a permission: a person looks
        raise DeliveryRejected(f"{exc.code}: {exc.log_message}") from exc
    except SaleorApiError as exc:  # an unreadable answer: try again later
        raise DeliveryRetry(f"{exc.code}: {exc.log_message}") from exc
    result = data.get(field) or {}
    errors = result.get("errors") or []
    codes = {e.get("code") for e in errors}
    if errors and not codes <= ALREADY_THERE:
        raise DeliveryRejected("; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors)[:1000])
    return result


def transaction_event_report_deliver(message) -> dict:
    p = message.payload
    variables = {
        "id": p["transaction_id"], "type": p["type"], "pspReference": p["psp_reference"],
        "amount": p["amount"], "message": p.get("message") or None,
        "availableActions": p.get("available_actions", []),
    }
    result = _run(message, "mutations/transaction_event_report", variables, "transactionEventReport")
    return {"alreadyProcessed": bool(result.get("alreadyProcessed")),
            "event": (result.get("transactionEvent") or {}).get("id")}


def order_note_add_deliver(message) -> dict:
    p = message.payload
    result = _run(message, "mutations/order_note_add", {"order": p["order_id"], "message": p["message"]},
                  "orderNoteAdd")
    return {"event": (result.get("event") or {}).get("id")}
