"""Approval workflows: open a request, act on it, process deadlines.

    open     → checkout_authorize decided "review": ``approval_open_for_review`` (same transaction).
               An order above the member's spending limit first goes to an approver of the
               buyer's own company (``buyer_approval``, signed e-mail links); otherwise, or after
               that approval when other review reasons remain, to the merchant's chain
               (``credit_review``). Limit requests and recommendations: ``limit_request_open``,
               ``approval_request_open``.
    act      → ``approval_act`` (staff) / ``approval_act_by_link`` (buyer approver): one action per
               person and step; ``any`` completes a step on the first approval, ``all`` when every
               listed approver approved; any decline declines the request.
    finish   → approved order: ``checkout.services.review_approve`` (AUTHORIZATION_SUCCESS, same
               pspReference); declined: ``review_decline`` (hold released, AUTHORIZATION_FAILURE,
               order note) + an e-mail to the buyer; approved limit: ``credit_limit_set``.
    deadline → ``approvals_sweep`` (beat): escalate to the next step or decline automatically.

Concurrency: every change takes ``company_lock`` first (the one lock for credit decisions; the
checkout services take it again, which is free), then the request row (SELECT … FOR UPDATE), then
re-checks status and step. E-mails and Saleor reports leave after commit through the outbox; no
external call is made under the locks. Every change is audited in its own transaction.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from saleor_netterms.audit.services import audit_record
from saleor_netterms.checkout import services as checkout_services
from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies.models import Company, MemberRole
from saleor_netterms.companies.events import credit_limit_change_approved_publish
from saleor_netterms.companies.services import company_lock, credit_limit_set
from saleor_netterms.core.language import merchant_language
from saleor_netterms.core.money import InvalidMoney, Money, currency_validate, quantize
from saleor_netterms.decisions.texts import stored_merchant_text
from saleor_netterms.masters.selectors import erp_owns
from saleor_netterms.outbox.email import email_enqueue

from . import selectors
from .errors import (ApprovalAlreadyActed, ApprovalNotAllowed, ApprovalNotPending, ApprovalSameApprover,
                     ApprovalStepChanged, InvalidApprovalDecision, InvalidApprovalRequest, InvalidApprovalRoute,
                     LimitRequestPending, LinkExpired, LinkInvalid, LinkStale, LinkUsed, SecondFactorInvalid,
                     SecondFactorRequired)
from .models import (LIMIT_KINDS, ActionDecision, ApprovalAction, ApprovalKind, ApprovalLink, ApprovalRequest,
                     ApprovalRoute, ApprovalStep, OnDeadline, RequestStatus, StepMode)
from .notifications import LINK_KIND, OUTCOME_KIND
from .routing import DEFAULT_STEP, step_complete, step_may_act
from .totp import totp_failure_record, totp_verify

logger = logging.getLogger(__name__)

SYSTEM = "system"
LINK_SALT = "saleor_netterms.approvals.link"
OVER_SPENDING_LIMIT = "OVER_SPENDING_LIMIT"
FIRST_ORDER = "FIRST_ORDER"
# Codes that do not call for a review by themselves (the engine's approve-effect reasons and the
# marks review_approve/review_decline add).
NON_REVIEW_CODES = frozenset({"WITHIN_LIMIT", "HIGH_UTILISATION", "MANUAL_APPROVAL", "MANUAL_DECLINE"})
DEFAULT_DECLINE_REASON = "Not approved."


def totp_limit_threshold() -> Decimal:
    """Limit raises to more than this need the approving staff member's second factor."""
    return Decimal(str(getattr(settings, "APPROVALS_TOTP_LIMIT_THRESHOLD", Decimal("50000"))))


def buyer_link_hours() -> int:
    """How long a buyer approver's link (and the buyer approval step) stays open."""
    return int(getattr(settings, "APPROVALS_BUYER_LINK_HOURS", 72))


# --- helpers ------------------------------------------------------------------------------------

def _email(value: str | None) -> str:
    return (value or "").strip().lower()


def _code(reason) -> str:
    if isinstance(reason, str):
        return reason
    if isinstance(reason, dict):
        return str(reason.get("code", ""))
    return str(getattr(reason, "code", ""))


def _due(step: dict, now: datetime) -> datetime | None:
    hours = step.get("deadline_hours")
    return now + timedelta(hours=hours) if hours else None


def _state(req: ApprovalRequest) -> dict:
    return {"kind": req.kind, "status": req.status, "step": req.current_step,
            "step_name": (req.step or {}).get("name"), "amount": format(req.amount, "f"),
            "currency": req.currency, "route": (req.route_snapshot or {}).get("name"),
            "due_at": req.due_at.isoformat() if req.due_at else None}


def _audit(req: ApprovalRequest, *, actor: str, action: str, before: dict | None = None, reason: str = "",
           after: dict | None = None) -> None:
    audit_record(installation=req.installation, actor=actor, action=action, object_type="approval_request",
                 object_id=req.pk, company=req.company, before=before, after=after or _state(req),
                 reason=reason)


def _chain(*, installation, kind: str, money: Money, codes: list[str], channel_slug: str) -> dict:
    """The route's steps as a snapshot (later edits of the route do not change the request)."""
    route = selectors.route_select(installation=installation, kind=kind, currency=money.currency,
                                   amount=money.amount, codes=codes, channel_slug=channel_slug)
    steps = [step.as_snapshot() for step in route.steps.order_by("position")] if route else []
    if not steps:
        return {"route_id": None, "name": "Default", "codes": codes, "steps": [dict(DEFAULT_STEP)]}
    return {"route_id": route.pk, "name": route.name, "codes": codes, "steps": steps}


def _request_create(*, installation, kind: str, company: Company, tx: NetTermsTransaction | None,
                    money: Money, proposed_limit: Decimal | None, chain: dict, reasons: list,
                    created_by: str, now: datetime) -> ApprovalRequest:
    req = ApprovalRequest.objects.create(
        installation=installation, kind=kind, company=company, transaction=tx, amount=money.amount,
        currency=money.currency, proposed_limit=proposed_limit, current_step=0,
        due_at=_due(chain["steps"][0], now), route_snapshot=chain, reasons=reasons, created_by=created_by)
    _audit(req, actor=created_by, action="approval.opened")
    logger.info("approval opened", extra={"approval_request": req.pk, "kind": kind, "route": chain["name"]})
    if kind != ApprovalKind.BUYER_APPROVAL:
        _staff_step_notify(req, now=now)
    return req


STAFF_LINK_HOURS = 72


def _staff_step_notify(req: ApprovalRequest, *, now: datetime) -> int:
    """E-mail each named approver of the current (merchant) step a signed, single-use link that
    expires with the step's deadline (at most STAFF_LINK_HOURS). Steps that name only a permission
    are seen in the Dashboard's approval queue. Returns how many links were sent."""
    emails = [e for e in (req.step or {}).get("approver_emails", []) if e]
    expires_at = now + timedelta(hours=STAFF_LINK_HOURS)
    if req.due_at is not None:
        expires_at = min(expires_at, req.due_at)
    what = f"{req.money} for {req.company.legal_name}"
    if req.transaction_id:
        tx = req.transaction
        what += f" (order {tx.order_number or tx.psp_reference})"
    for email in emails:
        link = ApprovalLink.objects.create(installation=req.installation, request=req, step=req.current_step,
                                           member=None, email=email, nonce=secrets.token_urlsafe(24),
                                           expires_at=expires_at)
        email_enqueue(
            installation=req.installation, kind=LINK_KIND, to=email,
            subject=f"Approval needed ({req.get_kind_display()}): {what}",
            body=(f"{req.get_kind_display()} {what} needs your decision at step "
                  f"\"{(req.step or {}).get('name', '')}\".\n\nApprove or decline it here (single use, valid "
                  f"until {expires_at:%Y-%m-%d %H:%M} UTC):\n{approval_link_url(link)}\n\n"
                  f"Or open Apps → Net Terms → Reviews and approvals in the Saleor Dashboard (request {req.pk}).\n"),
            dedupe_key=f"approval-link:{link.pk}")
    return len(emails)


def _lock(request_id: int) -> ApprovalRequest:
    """Company row first (the one lock order), then the request row; both re-read."""
    company_id = ApprovalRequest.objects.values_list("company_id", flat=True).get(pk=request_id)
    company_lock(company_id=company_id)
    return (ApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("installation", "company", "transaction").get(pk=request_id))


# --- opening ------------------------------------------------------------------------------------

def approval_open_for_review(*, transaction: NetTermsTransaction, decision_reasons: Iterable | None = None,
                             snapshot=None, now: datetime | None = None) -> ApprovalRequest:
    """Open the approval request of a transaction the engine sent to review. Call it inside the
    transaction that put it in review, under ``company_lock``. Idempotent: a transaction that
    already has a request gets that one back.

    ``decision_reasons``: the engine's reasons (codes, Reason objects or stored dicts; default: the
    transaction's). ``snapshot.is_first_order`` lets a route for FIRST_ORDER apply even when the
    policy did not make a first order a review reason."""
    now = now or timezone.now()
    existing = ApprovalRequest.objects.filter(transaction=transaction).order_by("id").first()
    if existing is not None:
        return existing
    codes = [_code(r) for r in (decision_reasons if decision_reasons is not None
                                else transaction.decision_reasons or [])]
    if snapshot is not None and getattr(snapshot, "is_first_order", False) and FIRST_ORDER not in codes:
        codes.append(FIRST_ORDER)
    reasons = list(transaction.decision_reasons or [])
    if OVER_SPENDING_LIMIT in codes:
        approvers = selectors.buyer_approvers(company=transaction.company, exclude_member_id=transaction.member_id)
        if approvers:
            return _buyer_approval_open(transaction, approvers, codes, reasons, now)
    return _credit_review_open(transaction, codes, reasons, now, created_by=SYSTEM)


def _credit_review_open(tx: NetTermsTransaction, codes: list[str], reasons: list, now: datetime, *,
                        created_by: str) -> ApprovalRequest:
    money = Money.of(tx.amount, tx.currency)
    chain = _chain(installation=tx.installation, kind=ApprovalKind.CREDIT_REVIEW, money=money, codes=codes,
                   channel_slug=tx.channel_slug)
    return _request_create(installation=tx.installation, kind=ApprovalKind.CREDIT_REVIEW, company=tx.company,
                           tx=tx, money=money, proposed_limit=None, chain=chain, reasons=reasons,
                           created_by=created_by, now=now)


def _buyer_approval_open(tx: NetTermsTransaction, approvers, codes: list[str], reasons: list,
                         now: datetime) -> ApprovalRequest:
    hours = buyer_link_hours()
    step = {"name": f"Approver at {tx.company.legal_name}", "mode": "any", "party": "buyer",
            "approver_emails": [m.value for m in approvers], "required_permission": "",
            "deadline_hours": hours, "on_deadline": OnDeadline.AUTO_DECLINE}
    chain = {"route_id": None, "name": "Purchase approval", "codes": codes, "steps": [step]}
    req = _request_create(installation=tx.installation, kind=ApprovalKind.BUYER_APPROVAL, company=tx.company,
                          tx=tx, money=Money.of(tx.amount, tx.currency), proposed_limit=None, chain=chain,
                          reasons=reasons, created_by=SYSTEM, now=now)
    for member in approvers:
        _link_issue(req, member=member, now=now, expires_at=now + timedelta(hours=hours))
    return req


def _link_issue(req: ApprovalRequest, *, member, now: datetime, expires_at: datetime) -> ApprovalLink:
    link = ApprovalLink.objects.create(installation=req.installation, request=req, step=req.current_step,
                                       member=member, email=member.value, nonce=secrets.token_urlsafe(24),
                                       expires_at=expires_at)
    url = approval_link_url(link)
    tx = req.transaction
    order = f"order {tx.order_number}" if tx.order_number else f"order {tx.psp_reference}"
    email_enqueue(
        installation=req.installation, kind=LINK_KIND, to=link.email,
        subject=f"Approval needed: {req.money} on net terms for {req.company.legal_name}",
        body=(f"A purchase of {req.money} on net terms ({order}) is above the buyer's spending limit "
              f"and needs an approver of {req.company.legal_name}.\n\nApprove or decline it here "
              f"(single use, valid until {expires_at:%Y-%m-%d %H:%M} UTC):\n{url}\n"),
        dedupe_key=f"approval-link:{link.pk}")
    return link


def approval_link_token(link: ApprovalLink) -> str:
    return signing.dumps({"l": link.pk, "n": link.nonce}, salt=LINK_SALT)


def approval_link_url(link: ApprovalLink) -> str:
    token = approval_link_token(link)
    try:
        path = reverse("approvals:link", args=[token])
    except NoReverseMatch:  # the include is mounted at approvals/ (see README)
        path = f"/approvals/link/{token}/"
    return f"{settings.APP_PUBLIC_URL}{path}"


def limit_request_open(*, company: Company, proposed: Money, requested_by: str, reason: str,
                       now: datetime | None = None) -> ApprovalRequest:
    """A credit limit request (a buyer admin, the API or staff). Routed like any request (kind
    limit_request, amount = the proposed limit); applied only when the chain approves it. A second
    pending request for the company and currency → LIMIT_REQUEST_PENDING."""
    money = _limit_money(proposed)
    text = (reason or "").strip()
    reasons = [{"code": "LIMIT_REQUEST", "buyer": "Your credit limit request is being reviewed.",
                "merchant": f"{requested_by or SYSTEM} asks for a limit of {money}" + (f": {text}" if text else ".")}]
    return _limit_open(kind=ApprovalKind.LIMIT_REQUEST, company=company, money=money, reasons=reasons,
                       created_by=requested_by or SYSTEM, now=now or timezone.now())


def approval_request_open(*, kind: str = "limit_recommendation", company: Company, amount: Money,
                          reasons: list[dict], created_by: str = "system") -> ApprovalRequest:
    """Open a limit request or recommendation (``amount`` = the proposed limit). Never applied
    silently: a person of the route's chain must approve it. A recommendation while one is pending
    for the company and currency returns the pending one."""
    if kind not in LIMIT_KINDS:
        raise InvalidApprovalRequest(f"approval_request_open does not open {kind!r}",
                                     merchant_message="Only limit requests and recommendations open here.")
    money = _limit_money(amount)
    return _limit_open(kind=kind, company=company, money=money, reasons=list(reasons or []),
                       created_by=created_by or SYSTEM, now=timezone.now())


def _limit_money(value: Money) -> Money:
    if not isinstance(value, Money):
        raise InvalidApprovalRequest(f"not Money: {value!r}", merchant_message="The proposed limit is not an amount.")
    try:
        money = Money(quantize(value.amount, currency_validate(value.currency)), currency_validate(value.currency))
    except InvalidMoney as exc:
        raise InvalidApprovalRequest(f"invalid proposed limit {value!r}",
                                     merchant_message="The proposed limit is not a valid amount.") from exc
    if money.amount < 0:
        raise InvalidApprovalRequest("negative proposed limit", merchant_message="A limit cannot be negative.")
    return money


def _limit_open(*, kind: str, company: Company, money: Money, reasons: list, created_by: str,
                now: datetime) -> ApprovalRequest:
    with transaction.atomic():
        company = company_lock(company_id=company.pk)
        pending = ApprovalRequest.objects.filter(company=company, kind=kind, currency=money.currency,
                                                 status=RequestStatus.PENDING).first()
        if pending is not None:
            if kind == ApprovalKind.LIMIT_RECOMMENDATION:
                return pending
            raise LimitRequestPending(f"company {company.pk} has pending limit request {pending.pk}")
        codes = [_code(r) for r in reasons]
        chain = _chain(installation=company.installation, kind=kind, money=money, codes=codes, channel_slug="")
        return _request_create(installation=company.installation, kind=kind, company=company, tx=None,
                               money=money, proposed_limit=money.amount, chain=chain, reasons=reasons,
                               created_by=created_by, now=now)


# --- acting -------------------------------------------------------------------------------------

def approval_act(*, request: ApprovalRequest, actor_email: str, actor_permissions: Iterable[str],
                 decision: str, comment: str = "", totp_code: str | None = None, step: int | None = None,
                 now: datetime | None = None) -> ApprovalRequest:
    """A staff member approves or declines the request's current step.

    Refused with a coded error, writing nothing: not pending (APPROVAL_NOT_PENDING), ``step`` given
    and no longer current (APPROVAL_STEP_CHANGED), not an approver of the step (APPROVAL_NOT_ALLOWED),
    acted already (APPROVAL_ALREADY_ACTED), approved an earlier step (APPROVAL_SAME_APPROVER), and
    for a limit raise above the threshold a missing or wrong code (SECOND_FACTOR_*)."""
    actor = _email(actor_email)
    if decision not in ActionDecision.values:
        raise InvalidApprovalDecision(f"decision {decision!r}")
    now = now or timezone.now()
    try:
        return _approval_act(request=request, actor=actor, actor_permissions=actor_permissions, decision=decision,
                             comment=comment, totp_code=totp_code, step=step, now=now)
    except SecondFactorInvalid:  # rolled back; the wrong code is counted on its own
        totp_failure_record(installation=request.installation, staff_email=actor, now=now)
        raise


def _approval_act(*, request, actor, actor_permissions, decision, comment, totp_code, step, now) -> ApprovalRequest:
    with transaction.atomic():
        req = _lock(request.pk)
        _pending_check(req, step)
        if not actor or not step_may_act(req.step, email=actor, permissions=actor_permissions):
            raise ApprovalNotAllowed(f"{actor or 'anonymous'} may not act on request {req.pk} step {req.current_step}")
        second_factor = False
        if decision == ActionDecision.APPROVE and second_factor_required(req):
            if not (totp_code or "").strip():
                raise SecondFactorRequired(f"request {req.pk} raises a limit above the threshold")
            totp_verify(installation=req.installation, staff_email=actor, code=totp_code, now=now)
            second_factor = True
        _act(req, actor=actor, decision=decision, comment=comment, second_factor=second_factor, now=now)
    return req


def second_factor_required(req: ApprovalRequest) -> bool:
    """A limit raise above the threshold (the proposed limit above it and above the current one)."""
    if req.kind not in LIMIT_KINDS or req.proposed_limit is None:
        return False
    if req.proposed_limit <= totp_limit_threshold():
        return False
    current = company_selectors.company_credit_limit(company=req.company, currency=req.currency)
    return current is None or req.proposed_limit > current.amount


def _pending_check(req: ApprovalRequest, step: int | None) -> None:
    if req.status != RequestStatus.PENDING or req.step is None:
        raise ApprovalNotPending(f"request {req.pk} is {req.status}")
    if step is not None and step != req.current_step:
        raise ApprovalStepChanged(f"request {req.pk} is at step {req.current_step}, not {step}")


def _act(req: ApprovalRequest, *, actor: str, decision: str, comment: str, second_factor: bool,
         now: datetime) -> None:
    """Record one action on the current step and advance (caller holds the locks)."""
    index = req.current_step
    if ApprovalAction.objects.filter(request=req, step=index, actor=actor).exists():
        raise ApprovalAlreadyActed(f"{actor} already acted on request {req.pk} step {index}")
    if decision == ActionDecision.APPROVE and ApprovalAction.objects.filter(
            request=req, step__lt=index, actor=actor, decision=ActionDecision.APPROVE).exists():
        raise ApprovalSameApprover(f"{actor} approved an earlier step of request {req.pk}")
    ApprovalAction.objects.create(request=req, step=index, actor=actor, decision=decision,
                                  comment=(comment or "").strip(), second_factor_verified=second_factor)
    if decision == ActionDecision.DECLINE:
        _finish_decline(req, actor=actor, reason=(comment or "").strip() or DEFAULT_DECLINE_REASON, now=now,
                        status=RequestStatus.DECLINED)
        return
    approved_by = set(ApprovalAction.objects.filter(request=req, step=index, decision=ActionDecision.APPROVE)
                      .values_list("actor", flat=True))
    before = _state(req)
    if not step_complete(req.step, {a.removeprefix("buyer:") for a in approved_by}):
        _audit(req, actor=actor, action="approval.approval_recorded", before=before, reason=comment or "")
        return
    _audit(req, actor=actor, action="approval.step_approved", before=before, reason=comment or "")
    if index + 1 < len(req.steps):
        req.current_step = index + 1
        req.due_at = _due(req.step, now)
        req.save(update_fields=["current_step", "due_at", "updated_at"])
        _audit(req, actor=actor, action="approval.step_opened", before=before)
        _staff_step_notify(req, now=now)
        return
    _finish_approve(req, actor=actor, comment=comment, now=now)


def _finish_approve(req: ApprovalRequest, *, actor: str, comment: str, now: datetime) -> None:
    before = _state(req)
    req.status, req.decided_at, req.decided_by = RequestStatus.APPROVED, now, actor
    req.decision_comment, req.due_at = (comment or "").strip(), None
    req.save(update_fields=["status", "decided_at", "decided_by", "decision_comment", "due_at", "updated_at"])
    _audit(req, actor=actor, action="approval.approved", before=before, reason=comment or "")
    if req.kind == ApprovalKind.CREDIT_REVIEW:
        checkout_services.review_approve(transaction_id=req.transaction_id, decided_by=actor)
    elif req.kind == ApprovalKind.BUYER_APPROVAL:
        # Review reasons of the engine besides the spending limit (the routing codes may also
        # carry FIRST_ORDER as a routing mark only, which is not a reason to review by itself).
        review_codes = [_code(r) for r in req.reasons or []]
        codes = [c for c in (req.route_snapshot or {}).get("codes", []) if c != OVER_SPENDING_LIMIT]
        if any(c not in NON_REVIEW_CODES and c != OVER_SPENDING_LIMIT for c in review_codes):
            tx = NetTermsTransaction.objects.select_related("installation", "company").get(pk=req.transaction_id)
            if tx.status == TransactionStatus.IN_REVIEW:
                _credit_review_open(tx, codes, list(req.reasons), now, created_by=actor)
        else:
            checkout_services.review_approve(transaction_id=req.transaction_id, decided_by=actor)
    else:
        _limit_apply(req, actor=actor)


def _limit_apply(req: ApprovalRequest, *, actor: str) -> None:
    """Set the approved limit; ``credit_limit_set`` audits it (credit_limit.set, before/after).
    Where the ERP is the master of credit limits, a limit approved in the app (a buyer's request,
    a recommendation) is not set here: it is handed to the ERP (``credit_limit.change_approved``,
    audited ``credit_limit.routed_to_erp``), which sets it and pushes it back. A request the ERP
    itself opened (an ERP raise needing approval) is applied: it is the ERP's own limit."""
    if erp_owns(installation_id=req.installation_id, what="credit_limits") and not req.created_by.startswith("erp:"):
        _limit_route_to_erp(req, actor=actor)
        return
    credit_limit_set(company=req.company, amount=Money.of(req.proposed_limit, req.currency), actor=actor,
                     reason=f"Approved {req.kind} #{req.pk}")


def _limit_route_to_erp(req: ApprovalRequest, *, actor: str) -> None:
    current = company_selectors.company_credit_limit(company=req.company, currency=req.currency)
    approved = Money.of(req.proposed_limit, req.currency)
    credit_limit_change_approved_publish(
        req.company, currency=req.currency, current=None if current is None else current.amount,
        approved=approved.amount, request={"id": req.pk, "kind": req.kind, "requestedBy": req.created_by,
                                           "approvedBy": actor, "reason": _request_reason(req),
                                           "approvedAt": req.decided_at})
    audit_record(installation=req.installation, actor=actor, action="credit_limit.routed_to_erp",
                 object_type="company", object_id=req.company_id, company=req.company,
                 before=None if current is None else {"currency": req.currency,
                                                      "amount": quantize(current.amount, req.currency)},
                 after={"currency": req.currency, "amount": approved.amount, "approval_request": req.pk},
                 reason=f"Approved {req.kind} #{req.pk}; the ERP is the master of credit limits")


def _request_reason(req: ApprovalRequest) -> str:
    first = (req.reasons or [{}])[0]
    if not isinstance(first, dict):
        return str(first)
    return stored_merchant_text(first, language=merchant_language()) or str(first.get("code") or "")


def _finish_decline(req: ApprovalRequest, *, actor: str, reason: str, now: datetime, status: str) -> None:
    before = _state(req)
    req.status, req.decided_at, req.decided_by, req.decision_comment, req.due_at = status, now, actor, reason, None
    req.save(update_fields=["status", "decided_at", "decided_by", "decision_comment", "due_at", "updated_at"])
    action = "approval.expired" if status == RequestStatus.EXPIRED else "approval.declined"
    _audit(req, actor=actor, action=action, before=before, reason=reason)
    if req.transaction_id is None:
        return
    tx = checkout_services.review_decline(transaction_id=req.transaction_id, decided_by=actor, reason=reason)
    to = _buyer_email(tx)
    if to:
        order = f"order {tx.order_number}" if tx.order_number else "your order"
        email_enqueue(
            installation=req.installation, kind=OUTCOME_KIND, to=to,
            subject=f"Net terms not approved for {order}",
            body=(f"We are sorry: payment on net terms for {order} ({req.money}) was not approved.\n"
                  f"Reason: {reason}\n\nPlease choose another payment method or contact us.\n"),
            dedupe_key=f"approval-outcome:{req.pk}")
    else:
        logger.warning("approval declined: no buyer e-mail to notify", extra={"approval_request": req.pk})


def _buyer_email(tx: NetTermsTransaction) -> str:
    """Whom to tell: the order's e-mail, else the member's e-mail, else the company's billing contact."""
    email = (tx.order_snapshot or {}).get("userEmail") or ""
    if not email and tx.member is not None and tx.member.kind == "email":
        email = tx.member.value
    return _email(email or (tx.company.billing_contact_email if tx.company else ""))


# --- buyer approvers' signed links --------------------------------------------------------------

def approval_link_resolve(*, token: str, now: datetime | None = None) -> ApprovalLink:
    """The link behind a token, if it may still be used (reads only). LINK_INVALID (403) for a
    bad signature or nonce, LINK_USED / LINK_EXPIRED / LINK_STALE (410) otherwise."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=LINK_SALT)
        link_id, nonce = int(data["l"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid("approval link signature does not verify") from exc
    link = ApprovalLink.objects.select_related("request__company", "request__transaction", "member").filter(
        pk=link_id).first()
    if link is None or not secrets.compare_digest(link.nonce, nonce):
        raise LinkInvalid(f"approval link {link_id}: unknown or nonce mismatch")
    _link_check(link, now)
    return link


def _link_check(link: ApprovalLink, now: datetime) -> None:
    if link.used_at is not None:
        raise LinkUsed(f"approval link {link.pk} used at {link.used_at.isoformat()}")
    if link.expires_at <= now:
        raise LinkExpired(f"approval link {link.pk} expired at {link.expires_at.isoformat()}")
    req = link.request
    if req.status != RequestStatus.PENDING or req.current_step != link.step:
        raise LinkStale(f"approval link {link.pk}: request {req.pk} is {req.status} at step {req.current_step}")
    if link.member_id is None:  # a merchant approver's link: still named on the step?
        if link.email not in (req.step or {}).get("approver_emails", []):
            raise LinkStale(f"approval link {link.pk}: {link.email} is no longer an approver of the step")
        return
    member = link.member
    if not member.is_active or member.role not in (MemberRole.APPROVER, MemberRole.ADMIN):
        raise LinkStale(f"approval link {link.pk}: the member may no longer approve")


def approval_act_by_link(*, token: str, decision: str, comment: str = "",
                         now: datetime | None = None) -> ApprovalRequest:
    """An approver of the buyer's company decides through their e-mailed link. The link is used
    once; every refusal writes nothing (the link stays as it was)."""
    if decision not in ActionDecision.values:
        raise InvalidApprovalDecision(f"decision {decision!r}")
    now = now or timezone.now()
    link = approval_link_resolve(token=token, now=now)
    with transaction.atomic():
        req = _lock(link.request_id)
        link = ApprovalLink.objects.select_for_update(of=("self",)).select_related("member").get(pk=link.pk)
        link.request = req
        _link_check(link, now)
        if link.email not in (req.step or {}).get("approver_emails", []):
            raise ApprovalNotAllowed(f"{link.email} is not an approver of request {req.pk}")
        staff = link.member_id is None
        if staff and decision == ActionDecision.APPROVE and second_factor_required(req):
            raise ApprovalNotAllowed(f"request {req.pk} needs the approver's authenticator code: approve it "
                                     "in the Dashboard")
        link.used_at = now
        link.save(update_fields=["used_at"])
        _act(req, actor=link.email if staff else f"buyer:{link.email}", decision=decision, comment=comment,
             second_factor=False, now=now)
    return req


# --- deadlines and the sweep --------------------------------------------------------------------

def approval_deadline_process(*, request_id: int, now: datetime | None = None) -> str:
    """Past its step's deadline: ``escalate`` moves to the next step (the last step stays open,
    marked overdue, and is not processed again); ``auto_decline`` declines the request (status
    expired; an order's hold is released). Returns what happened; safe to run twice."""
    now = now or timezone.now()
    with transaction.atomic():
        req = _lock(request_id)
        if req.status != RequestStatus.PENDING or req.due_at is None or req.due_at > now:
            return "skipped"
        step = req.step or {}
        if step.get("on_deadline") == OnDeadline.AUTO_DECLINE:
            _finish_decline(req, actor=SYSTEM, now=now, status=RequestStatus.EXPIRED,
                            reason=f"No decision by {step.get('name', 'the approver')} before the deadline.")
            return "expired"
        before = _state(req)
        if req.current_step + 1 < len(req.steps):
            req.current_step += 1
            req.due_at = _due(req.step, now)
            req.save(update_fields=["current_step", "due_at", "updated_at"])
            _audit(req, actor=SYSTEM, action="approval.escalated", before=before,
                   reason=f"No decision by {step.get('name')} before the deadline.")
            _staff_step_notify(req, now=now)
            return "escalated"
        req.due_at = None
        req.save(update_fields=["due_at", "updated_at"])
        _audit(req, actor=SYSTEM, action="approval.overdue", before=before,
               reason=f"No decision by {step.get('name')} before the deadline; no further step.")
        return "overdue"


def approvals_sweep(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Beat: open requests for transactions in review that have none (e.g. reviewed before this
    workflow existed), then process due deadlines. Returns counts by outcome."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    orphan_ids = list(NetTermsTransaction.objects.filter(status=TransactionStatus.IN_REVIEW, company__isnull=False,
                                                         approval_requests__isnull=True)
                      .order_by("id").values_list("id", flat=True)[:limit])
    for tx_id in orphan_ids:
        with transaction.atomic():
            company_id = NetTermsTransaction.objects.values_list("company_id", flat=True).get(pk=tx_id)
            company_lock(company_id=company_id)
            tx = NetTermsTransaction.objects.select_related("installation", "company", "member").get(pk=tx_id)
            if tx.status != TransactionStatus.IN_REVIEW or tx.approval_requests.exists():
                continue
            approval_open_for_review(transaction=tx, now=now)
            counts["opened"] = counts.get("opened", 0) + 1
    due_ids = list(ApprovalRequest.objects.filter(status=RequestStatus.PENDING, due_at__lte=now)
                   .order_by("due_at", "id").values_list("id", flat=True)[:limit])
    for request_id in due_ids:
        outcome = approval_deadline_process(request_id=request_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def approvals_cancel_for_transaction(*, transaction, actor: str, reason: str = "") -> int:
    """Cancel every pending request of a net-terms transaction (its order was cancelled)."""
    pending = ApprovalRequest.objects.filter(transaction=transaction, status=RequestStatus.PENDING)
    for req in pending:
        approval_request_cancel(request=req, actor=actor, reason=reason)
    return len(pending)


def approval_request_cancel(*, request: ApprovalRequest, actor: str, reason: str = "") -> ApprovalRequest:
    """Cancel a pending request without deciding it (e.g. the order was cancelled in Saleor)."""
    with transaction.atomic():
        req = _lock(request.pk)
        if req.status != RequestStatus.PENDING:
            raise ApprovalNotPending(f"request {req.pk} is {req.status}")
        before = _state(req)
        req.status, req.decided_at, req.decided_by, req.due_at = RequestStatus.CANCELED, timezone.now(), actor, None
        req.save(update_fields=["status", "decided_at", "decided_by", "due_at", "updated_at"])
        _audit(req, actor=actor, action="approval.canceled", before=before, reason=reason)
    return req


def approval_request_withdraw(*, request_id: int | str, reason: str, actor: str = SYSTEM) -> bool:
    """Cancel a request if it is still pending (what asked for it no longer stands, e.g. a newer
    limit recommendation). False, writing nothing, when it is decided, cancelled or unknown."""
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        return False
    request = ApprovalRequest.objects.filter(pk=pk, status=RequestStatus.PENDING).first()
    if request is None:
        return False
    try:
        approval_request_cancel(request=request, actor=actor, reason=reason)
    except ApprovalNotPending:  # decided concurrently
        return False
    return True


# --- routes -------------------------------------------------------------------------------------

def _route_fields(*, name: str, kind: str, priority: int, currency: str, min_amount, max_amount,
                  reason_codes, channel_slug: str, active: bool) -> dict:
    name = (name or "").strip()
    if not name:
        raise InvalidApprovalRoute("route name required", merchant_message="The route needs a name.")
    if kind not in ApprovalKind.values:
        raise InvalidApprovalRoute(f"kind {kind!r}", merchant_message="The route's kind is not valid.")
    code = ""
    if currency:
        try:
            code = currency_validate(currency)
        except InvalidMoney as exc:
            raise InvalidApprovalRoute(f"currency {currency!r}",
                                       merchant_message="The route's currency is not an ISO 4217 code.") from exc
    for bound in (min_amount, max_amount):
        if bound is not None and (not isinstance(bound, Decimal) or not bound.is_finite() or bound < 0):
            raise InvalidApprovalRoute(f"bound {bound!r}", merchant_message="Amount bounds must be zero or more.")
    if min_amount is not None and max_amount is not None and not min_amount < max_amount:
        raise InvalidApprovalRoute("min >= max", merchant_message="The minimum must be below the maximum.")
    codes = sorted({str(c).strip().upper() for c in (reason_codes or []) if str(c).strip()})
    return {"name": name[:255], "kind": kind, "priority": int(priority), "currency": code,
            "min_amount": min_amount, "max_amount": max_amount, "reason_codes": codes,
            "channel_slug": (channel_slug or "").strip(), "active": bool(active)}


def _steps_clean(steps: list[dict]) -> list[dict]:
    if not steps:
        raise InvalidApprovalRoute("no steps", merchant_message="A route needs at least one step.")
    cleaned = []
    for position, step in enumerate(steps):
        emails = sorted({_email(e) for e in (step.get("approver_emails") or []) if _email(e)})
        if any("@" not in e for e in emails):
            raise InvalidApprovalRoute("bad approver e-mail", merchant_message="An approver e-mail is not valid.")
        permission = (step.get("required_permission") or "").strip().upper()
        if not emails and not permission:
            raise InvalidApprovalRoute("step without approvers",
                                       merchant_message="Each step needs approver e-mails or a permission.")
        mode = step.get("mode") or StepMode.ANY
        on_deadline = step.get("on_deadline") or OnDeadline.ESCALATE
        hours = step.get("deadline_hours")
        if mode not in StepMode.values or on_deadline not in OnDeadline.values \
                or (hours is not None and (not isinstance(hours, int) or hours < 1)):
            raise InvalidApprovalRoute("bad step mode/deadline",
                                       merchant_message="A step's mode, deadline or deadline action is not valid.")
        name = (step.get("name") or "").strip()
        if not name:
            raise InvalidApprovalRoute("step name required", merchant_message="Each step needs a name.")
        cleaned.append({"position": position, "name": name[:255], "mode": mode, "approver_emails": emails,
                        "required_permission": permission, "deadline_hours": hours, "on_deadline": on_deadline})
    return cleaned


def _route_state(route: ApprovalRoute) -> dict:
    return {"name": route.name, "kind": route.kind, "priority": route.priority, "currency": route.currency,
            "min_amount": route.min_amount, "max_amount": route.max_amount, "reason_codes": route.reason_codes,
            "channel_slug": route.channel_slug, "active": route.active,
            "steps": [s.as_snapshot() for s in route.steps.order_by("position")]}


def approval_route_create(*, installation, actor: str, name: str, steps: list[dict], kind: str = "credit_review",
                          priority: int = 100, currency: str = "", min_amount: Decimal | None = None,
                          max_amount: Decimal | None = None, reason_codes: list[str] | None = None,
                          channel_slug: str = "", active: bool = True) -> ApprovalRoute:
    """A new route with its ordered steps (dicts: name, mode, approver_emails, required_permission,
    deadline_hours, on_deadline). Requests already open keep their own snapshot."""
    fields = _route_fields(name=name, kind=kind, priority=priority, currency=currency, min_amount=min_amount,
                           max_amount=max_amount, reason_codes=reason_codes, channel_slug=channel_slug,
                           active=active)
    cleaned = _steps_clean(steps)
    with transaction.atomic():
        route = ApprovalRoute.objects.create(installation=installation, **fields)
        ApprovalStep.objects.bulk_create([ApprovalStep(route=route, **s) for s in cleaned])
        audit_record(installation=installation, actor=actor, action="approval_route.created",
                     object_type="approval_route", object_id=route.pk, after=_route_state(route))
    return route


def approval_route_update(*, route: ApprovalRoute, actor: str, steps: list[dict] | None = None,
                          **changes) -> ApprovalRoute:
    """Change the given fields; ``steps`` given replaces the steps. Open requests are unaffected."""
    allowed = {"name", "kind", "priority", "currency", "min_amount", "max_amount", "reason_codes",
               "channel_slug", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidApprovalRoute(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        route = ApprovalRoute.objects.select_for_update().get(pk=route.pk)
        before = _route_state(route)
        current = {name: getattr(route, name) for name in allowed}
        current.update(changes)
        for name, value in _route_fields(**current).items():
            setattr(route, name, value)
        route.save()
        if steps is not None:
            cleaned = _steps_clean(steps)
            route.steps.all().delete()
            ApprovalStep.objects.bulk_create([ApprovalStep(route=route, **s) for s in cleaned])
        audit_record(installation=route.installation, actor=actor, action="approval_route.updated",
                     object_type="approval_route", object_id=route.pk, before=before, after=_route_state(route))
    return route
