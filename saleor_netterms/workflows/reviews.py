"""The one review queue: every decision a person owes, whichever workflow produced it.

An order the credit engine sends to review is decided in the approval workflow that opened for
it (approvals: a merchant chain, ``credit_review``, or first an approver of the buyer's company,
``buyer_approval``); a transaction in review without a workflow (reviews opened before the
workflows existed) is decided by the checkout's review steps directly; credit limit requests and
recommendations are approval requests too. Before, the same order was listed twice — under Credit
review (the checkout's transactions in review) and under Approvals (the workflow's requests).

    review_queue   → one row per order or request waiting for a decision, the longest waiting
                     first, each saying who must decide now and whether the signed-in staff
                     member may (``can_decide``); another status: the decided requests, newest first.
    review_decide  → one decision for a row: routed to ``approvals.services.approval_act`` when a
                     workflow owns it (its steps, approvers and second factors apply), else to
                     ``checkout.services.review_approve`` / ``review_decline``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from django.db.models import Q

from saleor_netterms.approvals import selectors as approval_selectors
from saleor_netterms.approvals import services as approval_services
from saleor_netterms.approvals.services import DEFAULT_DECLINE_REASON
from saleor_netterms.approvals.errors import InvalidApprovalDecision
from saleor_netterms.approvals.models import ActionDecision, ApprovalAction, ApprovalKind, ApprovalRequest, RequestStatus
from saleor_netterms.approvals.routing import step_may_act
from saleor_netterms.checkout import selectors as checkout_selectors
from saleor_netterms.checkout import services as checkout_services
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.companies.models import Company
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money

# Without a workflow, the checkout's review is the merchant's to decide (as the default route's step).
NO_WORKFLOW_STEP = "Credit review"


class ReviewNotOpen(NetTermsError):
    code = "TRANSACTION_NOT_IN_REVIEW"
    http_status = 400
    merchant_message = "The order is not waiting for a credit decision any more."


class ReviewTargetRequired(NetTermsError):
    code = "REVIEW_TARGET_REQUIRED"
    http_status = 400
    merchant_message = "Name the order (transactionId) or the approval request (requestId) to decide, not both."


@dataclass(frozen=True, slots=True)
class ReviewQueueItem:
    """One decision someone owes: an order in review or a limit request/recommendation."""

    kind: str  # approvals.models.ApprovalKind
    company: Company
    money: Money  # the order amount, or the proposed limit
    waiting_since: datetime  # when the order entered review / the request was opened
    request: ApprovalRequest | None
    transaction: NetTermsTransaction | None
    status: str  # approvals.models.RequestStatus
    waiting_for: str  # who decides now: the current step's name ("" once decided)
    can_decide: bool  # the signed-in staff member may decide now
    reasons: list

    @property
    def is_order(self) -> bool:
        return self.transaction is not None


def _email(value: str | None) -> str:
    return (value or "").strip().lower()


def _from_request(req: ApprovalRequest, *, email: str, permissions, acted: set) -> ReviewQueueItem:
    step = req.step if req.status == RequestStatus.PENDING else None
    can = bool(step) and step_may_act(step, email=email, permissions=permissions) and (
        (req.pk, req.current_step) not in acted)
    tx = req.transaction
    return ReviewQueueItem(
        kind=req.kind, company=req.company, money=Money.of(req.amount, req.currency),
        waiting_since=tx.created_at if tx is not None else req.created_at, request=req, transaction=tx,
        status=req.status, waiting_for=(step or {}).get("name", ""), can_decide=can, reasons=list(req.reasons or []))


def _from_transaction(tx: NetTermsTransaction) -> ReviewQueueItem:
    return ReviewQueueItem(
        kind=ApprovalKind.CREDIT_REVIEW, company=tx.company, money=Money.of(tx.amount, tx.currency),
        waiting_since=tx.created_at, request=None, transaction=tx, status=RequestStatus.PENDING,
        waiting_for=NO_WORKFLOW_STEP, can_decide=True, reasons=list(tx.decision_reasons or []))


def review_queue(*, installation, email: str, permissions: Iterable[str], kind: str | None = None,
                 status: str | None = None, mine: bool = False) -> list[ReviewQueueItem]:
    """Pending (the default): every order in credit review and every open approval request, one row
    each, the longest waiting first; ``mine``: only those this staff member may decide now. Another
    status: the installation's requests in it, the latest decided first. ``kind`` narrows to one
    ApprovalKind (an order in review without a workflow counts as credit_review)."""
    email, permissions = _email(email), frozenset(permissions or ())
    status = status or RequestStatus.PENDING
    requests = (ApprovalRequest.objects.filter(installation=installation, status=status)
                .select_related("company", "transaction"))
    if kind:
        requests = requests.filter(kind=kind)
    if status != RequestStatus.PENDING:
        return [_from_request(r, email=email, permissions=permissions, acted=set())
                for r in requests.order_by("-decided_at", "-id")]
    requests = list(requests)
    acted = set(ApprovalAction.objects.filter(Q(request__in=requests), actor=email)
                .values_list("request_id", "step")) if email else set()
    items = [_from_request(r, email=email, permissions=permissions, acted=acted) for r in requests]
    if kind in (None, "", ApprovalKind.CREDIT_REVIEW):
        owned = ApprovalRequest.objects.filter(installation=installation, status=RequestStatus.PENDING,
                                               transaction__isnull=False).values("transaction_id")
        items += [_from_transaction(tx) for tx in checkout_selectors.transactions_in_review(
            installation=installation).exclude(pk__in=owned)]
    if mine:
        items = [item for item in items if item.can_decide]
    return sorted(items, key=lambda item: (item.waiting_since, item.request.pk if item.request else 0))


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    request: ApprovalRequest | None
    transaction: NetTermsTransaction | None


def review_decide(*, installation, decision: str, actor_email: str, actor_permissions: Iterable[str],
                  request_id: int | None = None, transaction_id: int | None = None, comment: str = "",
                  totp_code: str | None = None, step: int | None = None) -> ReviewOutcome:
    """Decide one row of the queue (``approvals.models.ActionDecision``). A row a workflow owns is
    decided in it — one action on its current step, with its approvers, steps and second factor —
    never around it; an order in review without a workflow is approved or declined at once.

    Refused with a coded error, writing nothing: neither or both targets (REVIEW_TARGET_REQUIRED),
    a target of another installation (NOT_FOUND), the order no longer in review
    (TRANSACTION_NOT_IN_REVIEW), and the workflow's own refusals (APPROVAL_NOT_ALLOWED, …)."""
    if (request_id is None) == (transaction_id is None):
        raise ReviewTargetRequired("review_decide needs exactly one of request_id, transaction_id")
    if decision not in ActionDecision.values:
        raise InvalidApprovalDecision(f"decision {decision!r}")
    if request_id is not None:
        req = approval_selectors.request_get(installation=installation, request_id=request_id)
        if req is None:
            raise _not_found("approval request")
    else:
        tx = NetTermsTransaction.objects.filter(installation=installation, pk=transaction_id).first()
        if tx is None:
            raise _not_found("transaction")
        req = approval_selectors.pending_request_for_transaction(transaction=tx)
        if req is None:
            return ReviewOutcome(request=None, transaction=_checkout_decide(tx, decision=decision,
                                                                            actor=_email(actor_email), reason=comment))
    req = approval_services.approval_act(request=req, actor_email=actor_email, actor_permissions=actor_permissions,
                                         decision=decision, comment=comment, totp_code=totp_code, step=step)
    req.refresh_from_db()
    tx = NetTermsTransaction.objects.get(pk=req.transaction_id) if req.transaction_id else None
    return ReviewOutcome(request=req, transaction=tx)


def _not_found(what: str) -> NetTermsError:
    return NetTermsError(f"{what} not found", code="NOT_FOUND", http_status=404,
                         merchant_message=f"The {what} does not exist.")


def _checkout_decide(tx: NetTermsTransaction, *, decision: str, actor: str, reason: str) -> NetTermsTransaction:
    """The checkout's review steps re-check the status under the company lock; deciding the same
    way again answers the same transaction (one effect), anything else is refused."""
    if decision == ActionDecision.APPROVE:
        tx, mark = checkout_services.review_approve(transaction_id=tx.pk, decided_by=actor), "MANUAL_APPROVAL"
    else:
        tx, mark = checkout_services.review_decline(
            transaction_id=tx.pk, decided_by=actor, reason=reason or DEFAULT_DECLINE_REASON), "MANUAL_DECLINE"
    if not any(r.get("code") == mark for r in tx.decision_reasons or [] if isinstance(r, dict)):
        raise ReviewNotOpen(f"transaction {tx.pk} is {tx.status}",
                            merchant_message=f"The order is not in credit review any more: "
                                             f"{tx.get_status_display().lower()}.")
    return tx
