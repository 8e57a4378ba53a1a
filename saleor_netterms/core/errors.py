"""Coded errors. Every error has a stable code, a log message, a buyer message and a merchant
message (STYLE.md §10). Business "no"s are results, not exceptions: these are for app faults and
refused input, which entrypoints render as coded 4xx/5xx responses."""
from __future__ import annotations


class NetTermsError(Exception):
    code: str = "INTERNAL_ERROR"
    http_status: int = 500
    buyer_message: str = "Something went wrong. Please try again or contact the merchant."
    merchant_message: str = "An internal error occurred; see the app's logs."

    def __init__(self, log_message: str = "", *, buyer_message: str | None = None,
                 merchant_message: str | None = None, code: str | None = None,
                 http_status: int | None = None):
        super().__init__(log_message or self.code)
        self.log_message = log_message or self.code
        if buyer_message is not None:
            self.buyer_message = buyer_message
        if merchant_message is not None:
            self.merchant_message = merchant_message
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.merchant_message}


class BadRequest(NetTermsError):
    code = "BAD_REQUEST"
    http_status = 400
    merchant_message = "The request could not be read."


class NotFound(NetTermsError):
    code = "NOT_FOUND"
    http_status = 404
    merchant_message = "Not found."


class PermissionDenied(NetTermsError):
    code = "PERMISSION_DENIED"
    http_status = 403
    merchant_message = "You do not have permission to do this."


class Unauthenticated(NetTermsError):
    code = "UNAUTHENTICATED"
    http_status = 401
    merchant_message = "Authentication is required."
