from saleor_netterms.core.errors import NetTermsError


class EventPayloadInvalid(NetTermsError):
    code = "EVENT_PAYLOAD_INVALID"
    http_status = 500
    merchant_message = "An integration event did not match its published schema."


class WebhookEndpointInvalid(NetTermsError):
    code = "WEBHOOK_ENDPOINT_INVALID"
    http_status = 400
    merchant_message = "The webhook endpoint is not valid."


class WebhookUrlRefused(NetTermsError):
    code = "WEBHOOK_URL_REFUSED"
    http_status = 400
    merchant_message = ("The webhook URL must be https and resolve to a public address "
                        "(private and loopback targets are refused in production).")


class EventCursorInvalid(NetTermsError):
    code = "EVENT_CURSOR_INVALID"
    http_status = 400
    merchant_message = "The cursor is not valid; use the nextCursor of a previous page or 0."
