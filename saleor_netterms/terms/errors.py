"""Coded errors of the terms domain (STYLE.md §10). Pure: no Django imports, so the engine can use
them."""

from __future__ import annotations

from saleor_netterms.core.errors import NetTermsError


class InvalidTerms(NetTermsError):
    """A payment-terms definition (or a request computed against it) is refused.

    `reason` is a stable sub-code naming the exact rule that failed (e.g. `SHARES_NOT_100`), so
    callers and tests can tell refusals apart without parsing the log message.
    """

    code = "INVALID_TERMS"
    http_status = 400
    buyer_message = "The payment terms for this order are not valid. Please contact the merchant."
    merchant_message = "The payment terms definition is not valid."

    def __init__(self, log_message: str = "", *, reason: str, merchant_message: str | None = None):
        super().__init__(log_message, merchant_message=merchant_message)
        self.reason = reason

    def as_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason, "message": self.merchant_message}


class TermsTemplateCodeTaken(NetTermsError):
    """Another payment-terms template of the installation already uses this code."""

    code = "TERMS_TEMPLATE_CODE_TAKEN"
    http_status = 409
    buyer_message = "Something went wrong. Please try again or contact the merchant."
    merchant_message = "A payment terms template with this code already exists."


class InvalidTermsTemplate(NetTermsError):
    """A payment-terms template's name, code, channel or default flag is refused."""

    code = "INVALID_TERMS_TEMPLATE"
    http_status = 400
    buyer_message = "Something went wrong. Please try again or contact the merchant."
    merchant_message = "The payment terms template is not valid."

    def __init__(self, log_message: str = "", *, reason: str, merchant_message: str | None = None):
        super().__init__(log_message, merchant_message=merchant_message)
        self.reason = reason

    def as_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason, "message": self.merchant_message}
