"""Coded errors of approval workflows (STYLE.md §10)."""
from __future__ import annotations

from saleor_netterms.core.errors import NetTermsError


class ApprovalError(NetTermsError):
    http_status = 400


class ApprovalNotPending(ApprovalError):
    code = "APPROVAL_NOT_PENDING"
    http_status = 409
    buyer_message = "This request has already been decided."
    merchant_message = "The request is no longer pending; nothing was changed."


class ApprovalStepChanged(ApprovalError):
    code = "APPROVAL_STEP_CHANGED"
    http_status = 409
    merchant_message = "The request moved on to another step meanwhile; reload it and decide again."


class ApprovalNotAllowed(ApprovalError):
    code = "APPROVAL_NOT_ALLOWED"
    http_status = 403
    buyer_message = "You cannot decide this request."
    merchant_message = "You are not an approver of the request's current step."


class ApprovalAlreadyActed(ApprovalError):
    code = "APPROVAL_ALREADY_ACTED"
    http_status = 409
    merchant_message = "You already decided this step of the request."


class ApprovalSameApprover(ApprovalError):
    code = "APPROVAL_SAME_APPROVER"
    http_status = 403
    merchant_message = "You approved an earlier step of this request; another person must approve this one."


class InvalidApprovalDecision(ApprovalError):
    code = "INVALID_DECISION"
    merchant_message = "The decision must be approve or decline."


class InvalidApprovalRoute(ApprovalError):
    code = "INVALID_APPROVAL_ROUTE"
    merchant_message = "The approval route is not valid."


class InvalidApprovalRequest(ApprovalError):
    code = "INVALID_APPROVAL_REQUEST"
    merchant_message = "The approval request is not valid."


class LimitRequestPending(ApprovalError):
    code = "LIMIT_REQUEST_PENDING"
    http_status = 409
    buyer_message = "A credit limit request for your company is already being reviewed."
    merchant_message = "The company already has a pending limit request in this currency."


class SecondFactorRequired(ApprovalError):
    code = "SECOND_FACTOR_REQUIRED"
    http_status = 403
    merchant_message = "This limit raise needs a code from your authenticator app."


class SecondFactorInvalid(ApprovalError):
    code = "SECOND_FACTOR_INVALID"
    http_status = 403
    merchant_message = "The authenticator code is wrong, expired or already used."


class SecondFactorLocked(ApprovalError):
    code = "SECOND_FACTOR_LOCKED"
    http_status = 429
    merchant_message = "Too many wrong authenticator codes: the second factor is locked for a while. Try again later."


class SecondFactorNotEnrolled(ApprovalError):
    code = "SECOND_FACTOR_NOT_ENROLLED"
    http_status = 403
    merchant_message = "Set up an authenticator app (totpEnroll, totpConfirm) before approving large limit raises."


class SecondFactorAlreadyEnrolled(ApprovalError):
    code = "SECOND_FACTOR_ALREADY_ENROLLED"
    http_status = 409
    merchant_message = "You already have a confirmed authenticator."


class LinkInvalid(ApprovalError):
    code = "LINK_INVALID"
    http_status = 403
    buyer_message = "This approval link is not valid. Please use the link from the latest e-mail."
    merchant_message = "The approval link's signature or nonce does not verify."


class LinkExpired(ApprovalError):
    code = "LINK_EXPIRED"
    http_status = 410
    buyer_message = "This approval link has expired."
    merchant_message = "The approval link expired."


class LinkUsed(ApprovalError):
    code = "LINK_USED"
    http_status = 410
    buyer_message = "This approval link has already been used."
    merchant_message = "The approval link was already used."


class LinkStale(ApprovalError):
    code = "LINK_STALE"
    http_status = 410
    buyer_message = "This order no longer needs your decision."
    merchant_message = "The request behind the link is no longer waiting for this approver."
