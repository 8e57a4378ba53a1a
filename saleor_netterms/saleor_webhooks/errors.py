"""Coded refusals of inbound webhooks (FACTS.md §2.2 "How to verify"; STYLE.md §5)."""
from __future__ import annotations

from saleor_netterms.core.errors import NetTermsError


class WebhookRefused(NetTermsError):
    code = "WEBHOOK_REFUSED"
    http_status = 400
    merchant_message = "The webhook was refused."


class MissingHeader(WebhookRefused):
    code = "MISSING_HEADER"
    http_status = 400
    merchant_message = "A required Saleor header is missing (Saleor-Api-Url, Saleor-Event, Saleor-Signature)."


class EventMismatch(WebhookRefused):
    code = "EVENT_MISMATCH"
    http_status = 400
    merchant_message = "The Saleor-Event header does not match this webhook's URL."


class InvalidSignature(WebhookRefused):
    code = "INVALID_SIGNATURE"
    http_status = 401
    merchant_message = "The Saleor-Signature does not verify against Saleor's signing keys."


class MalformedPayload(WebhookRefused):
    code = "MALFORMED_PAYLOAD"
    http_status = 400
    merchant_message = "The webhook body is not a JSON object."


class WrongRecipient(WebhookRefused):
    code = "WRONG_RECIPIENT"
    http_status = 403
    merchant_message = "The webhook was addressed to another app."


class HandlerFailed(NetTermsError):
    code = "HANDLER_FAILED"
    http_status = 500
    merchant_message = "The app failed to process a Saleor webhook; Saleor may retry it."


class HandlerResultInvalid(NetTermsError):
    code = "HANDLER_RESULT_INVALID"
    http_status = 500
    merchant_message = "The app's webhook handler returned something that is not a JSON object."


class WebhookNotRecorded(NetTermsError):
    code = "WEBHOOK_NOT_RECORDED"
    http_status = 503
    merchant_message = ("The app could not record a Saleor webhook (its database refused the write); "
                        "nothing was processed and Saleor may retry it.")
