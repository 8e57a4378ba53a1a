"""What happens when a buyer checks out on net terms, across domains.

    authorize  checkout decides (decisions) and holds credit (ledger); "review" opens the
               credit review (approvals) in the same transaction
    capture    the hold becomes a receivable (checkout → receivables, ledger); the company's
               invoicing policy issues the invoice (invoicing) in the same transaction, or an
               invoice already issued from the hold answers the capture
    refund     a credit note (invoicing) for invoiced receivables, a ledger credit otherwise
    cancel     order cancelled / checkout abandoned: hold released, pending review cancelled
               (approvals)

Each function is the checkout service of the same name with the other domains' steps passed in.
"""
from __future__ import annotations

from saleor_netterms.approvals import services as approvals
from saleor_netterms.checkout import services as checkout
from saleor_netterms.checkout.requests import AuthorizationRequest, TransactionActionRequest
from saleor_netterms.checkout.results import ActionResult, AuthorizationResult
from saleor_netterms.invoicing import services as invoicing


def checkout_authorize(*, installation, request: AuthorizationRequest,
                       prepared: checkout.AuthorizationPrepared | None = None,
                       answered=None) -> AuthorizationResult:
    """`prepared`: checkout.services.checkout_authorize_prepare's result, run outside any
    transaction by the webhook pipeline (the underwriter is asked there); `answered`: the
    pipeline's statement recording the answer (checkout.services.checkout_authorize)."""
    return checkout.checkout_authorize(installation=installation, request=request, prepared=prepared,
                                       review_open=approvals.approval_open_for_review, answered=answered)


def transaction_capture(*, installation, request: TransactionActionRequest) -> ActionResult:
    return checkout.transaction_capture(installation=installation, request=request,
                                        invoice_covering=invoicing.invoice_receivable_covering,
                                        invoice_at_capture=invoicing.invoice_issue_at_capture)


def transaction_refund(*, installation, request: TransactionActionRequest) -> ActionResult:
    return checkout.transaction_refund(installation=installation, request=request,
                                       credit_note_issue=invoicing.credit_note_issue,
                                       credit_notes_issued=invoicing.credit_notes_issued)


def order_cancel(*, installation, order_id: str, transaction_ids: tuple[str, ...]) -> int:
    return checkout.order_cancel(installation=installation, order_id=order_id, transaction_ids=transaction_ids,
                                 reviews_cancel=approvals.approvals_cancel_for_transaction)


def holds_expire(*, now=None) -> int:
    return checkout.holds_expire(now=now, reviews_cancel=approvals.approvals_cancel_for_transaction)
