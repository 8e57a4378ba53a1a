"""Coded errors of the ledger (STYLE.md §10). Raised before anything is written."""
from __future__ import annotations

from saleor_netterms.core.errors import NetTermsError


class LedgerInvalidAmount(NetTermsError):
    code = "INVALID_AMOUNT"
    http_status = 400
    buyer_message = "The amount is not valid."
    merchant_message = "Ledger amounts must be positive and carry no more decimals than the currency allows."


class CurrencyMismatch(NetTermsError):
    code = "CURRENCY_MISMATCH"
    http_status = 400
    buyer_message = "The currency does not match."
    merchant_message = "The amounts of one ledger operation must all be in one currency, the currency of the hold or receivable they concern."


class InvalidReference(NetTermsError):
    code = "INVALID_REFERENCE"
    http_status = 400
    merchant_message = "A hold, receivable or payment reference or an idempotency key is missing."


class HoldInsufficient(NetTermsError):
    code = "HOLD_INSUFFICIENT"
    http_status = 409
    merchant_message = "The amount is more than remains on hold for this reference."


class ReceivableInsufficient(NetTermsError):
    code = "RECEIVABLE_INSUFFICIENT"
    http_status = 409
    merchant_message = "The amount is more than is open on this receivable."


class PaymentOverAllocated(NetTermsError):
    code = "PAYMENT_OVER_ALLOCATED"
    http_status = 409
    merchant_message = "The allocations add up to more than the payment."


class CreditNoteExceedsInvoice(NetTermsError):
    code = "CREDIT_NOTE_EXCEEDS_INVOICE"
    http_status = 409
    merchant_message = "The credit note is more than was invoiced and not yet credited or written off."


class CreditBalanceInsufficient(NetTermsError):
    code = "CREDIT_BALANCE_INSUFFICIENT"
    http_status = 409
    merchant_message = "The amount is more than the buyer's credit balance."


class IdempotencyConflict(NetTermsError):
    code = "IDEMPOTENCY_CONFLICT"
    http_status = 409
    merchant_message = "This idempotency key was already used for a different ledger operation."


class LedgerUnbalanced(NetTermsError):
    code = "LEDGER_UNBALANCED"
    http_status = 500
    merchant_message = "An internal error occurred; see the app's logs."
