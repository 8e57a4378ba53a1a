"""What happens when a buyer checks out on net terms, and afterwards.

    eligibility  → may this buyer see "Net terms" at all? (nothing written)
    authorize    → decide (decisions.engine) and place a hold in the ledger, or decline
    capture      → the hold becomes a receivable due on the company's terms (charge pending)
    cancel       → release what is still held
    refund       → credit note against the order's receivables
    order_bind   → attach the Saleor order (number, lines) to the transaction
    order_cancel → release what is still held and tell Saleor

Concurrency: every write that depends on available credit takes `company_lock` first (the one
lock for credit decisions, always first), re-reads state under it, and makes no external call
while holding it; messages to Saleor go through the outbox and leave after commit.

Steps of other domains: a checkout step that continues in a domain above this one (open a credit
review, issue the invoice at capture, issue a credit note, cancel a pending review) receives
that step as a keyword argument and calls it inside its own transaction, under the company lock.
This module never imports approvals or invoicing; `workflows.checkout` passes their services in,
and the entry points (webhook handlers, tasks) call the workflow.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies.models import Company, CompanyStatus, Member
from saleor_netterms.companies.services import company_lock
from saleor_netterms.companies.validators import po_number_matches
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.formatting import date_text, money_text
from saleor_netterms.core.inserts import Insert, Rider, inserts_run
from saleor_netterms.core.language import merchant_language
from saleor_netterms.core.money import Money
from saleor_netterms.decisions import services as decision_services
from saleor_netterms.decisions.engine import CreditPolicy, Decision, Outcome, decide
from saleor_netterms.decisions.selectors import policy_for
from saleor_netterms.decisions.texts import reason_stored, reason_text
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger import services as ledger
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_enqueue
from saleor_netterms.payments.models import Payment, PaymentAllocation
from saleor_netterms.receivables import services as receivable_services
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.receivables.selectors import receivable_document_number

from . import selectors
from .events import order_cancelled_publish, order_placed_publish
from .models import NetTermsTransaction, TransactionStatus
from .requests import AuthorizationRequest, Buyer, EligibilityRequest, OrderSnapshot, TransactionActionRequest
from .results import ActionResult, AuthorizationResult, Eligibility, ReasonView

logger = logging.getLogger(__name__)

# Reasons decided before there is a credit snapshot (the engine's own codes come from it).
GUEST_CHECKOUT = ReasonView(
    "GUEST_CHECKOUT",
    "Net terms are available to signed-in business customers. Please sign in with your company account.",
    "Guest checkout: net terms need an authenticated Saleor customer; a typed e-mail never grants credit.")
NO_CREDIT_ACCOUNT = ReasonView(
    "NO_CREDIT_ACCOUNT",
    "Your account is not set up to pay on net terms. Please contact us to open a credit account.",
    "The customer is not a member of any company credit account.")
EMAIL_NOT_CONFIRMED = ReasonView(
    "EMAIL_NOT_CONFIRMED",
    "Please confirm your e-mail address first: open the confirmation link we sent you when you "
    "registered, then check out again to pay on net terms.",
    "The customer's Saleor account is not confirmed (User.isConfirmed false): e-mail and e-mail-domain "
    "members match only confirmed accounts, because anyone can register an unconfirmed account for an address.")
ZERO_AMOUNT = ReasonView(
    "ZERO_AMOUNT",
    "There is nothing to pay on net terms: this order's total is zero.",
    "The checkout's total is zero; net terms authorize nothing and hold nothing (Saleor completes a "
    "zero-total checkout without a payment).")
PO_NUMBER_REQUIRED = ReasonView(
    "PO_NUMBER_REQUIRED",
    "Your company requires a purchase order (PO) number for orders on net terms.",
    "The company requires a PO number and none was given (data.poNumber).")


def po_number_invalid(pattern: str) -> ReasonView:
    """The PO number given does not have the company's pattern (set by its admin in the portal or
    by the merchant): the buyer sees the pattern and what its signs mean."""
    return ReasonView(
        "PO_NUMBER_INVALID",
        f"Your company's purchase order (PO) numbers look like {pattern} (# is a digit, @ a letter, ? any one "
        f"character, * any characters). Please check the PO number and try again.",
        f"The PO number given (data.poNumber) does not match the company's PO number pattern {pattern!r}.")


def psp_reference_for(*, installation, transaction_id: str) -> str:
    """Deterministic: the same Saleor transaction always gets the same reference."""
    digest = hashlib.sha256(f"{installation.saleor_api_url}|{transaction_id}".encode()).hexdigest()
    return f"nt-{digest[:20]}"


def _short_ref(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return f"{prefix}-{digest[:16]}"


def _reasons_stored(decision: Decision) -> list[dict]:
    """The decision's reasons as the transaction keeps them: code, figures and the buyer's sentence
    (in the installation's language, as answered to Saleor); the merchant's is written when read."""
    language = merchant_language()
    return [reason_stored(r, buyer_language=language) for r in decision.reasons]


def _refusal_stored(reason: ReasonView) -> list[dict]:
    return [{"code": reason.code, "buyer": reason.buyer_message, "merchant": reason.merchant_message}]


def _terms_label(days: int) -> str:
    return "Due on receipt" if days == 0 else f"Net {days}"


# --- eligibility ---------------------------------------------------------------------------------

def checkout_eligibility(*, installation, request: EligibilityRequest) -> Eligibility:
    """PAYMENT_GATEWAY_INITIALIZE_SESSION: may this buyer pay on terms, and on what terms?
    Reads only; a preview decision is given when the amount is known."""
    if request.buyer is None:
        return Eligibility(False, GUEST_CHECKOUT.code, GUEST_CHECKOUT.buyer_message)
    member, refusal = _member_for(installation, request.buyer)
    if member is None:
        return Eligibility(False, refusal.code, refusal.buyer_message)
    if request.money is not None and not request.money.is_positive():
        return Eligibility(False, ZERO_AMOUNT.code, ZERO_AMOUNT.buyer_message, company_name=member.company.legal_name)
    company = member.company
    currency = request.money.currency if request.money else None
    available = reads = None
    if currency:  # limit, balances and order history in one read, shared with the preview's snapshot
        reads = selectors.credit_reads(company=company, currency=currency, installation=installation,
                                       history_today=business_today(installation or company.installation))
        if reads.limit is not None:
            available = reads.limit - reads.balances["holds"] - reads.balances["receivable"]
    if request.money is not None:
        decision = decide(selectors.credit_snapshot(company=company, member=member,
                                                    money=request.money, channel_slug=request.channel_slug,
                                                    reads=reads, installation=installation),
                          _policy_for(company, request.channel_slug, installation))
        eligible = decision.outcome != Outcome.DECLINE
        primary = decision.reasons[0] if decision.reasons else None
        reason = None if eligible else (primary.code if primary else None)
        message = (f"You can pay on {_terms_label(company.default_terms_days)} terms." if eligible
                   else reason_text(primary, language=merchant_language()).buyer if primary else "Net terms are not available.")
        return Eligibility(
            eligible, reason, message, company_name=company.legal_name, available_credit=available,
            terms_days=company.default_terms_days, po_number_required=company.po_number_required,
            preview_outcome=str(decision.outcome), preview_reasons=tuple(r.code for r in decision.reasons))
    status_reason = _status_block(company)
    if status_reason is not None:
        return Eligibility(False, status_reason.code, status_reason.buyer_message,
                           company_name=company.legal_name)
    return Eligibility(True, None, f"You can pay on {_terms_label(company.default_terms_days)} terms.",
                       company_name=company.legal_name, available_credit=available,
                       terms_days=company.default_terms_days,
                       po_number_required=company.po_number_required)


def _status_block(company: Company) -> ReasonView | None:
    if company.status == CompanyStatus.ACTIVE:
        return None
    code = {"on_hold": "COMPANY_ON_HOLD", "suspended": "COMPANY_SUSPENDED", "closed": "COMPANY_CLOSED"}[company.status]
    return ReasonView(code, "Net terms are currently unavailable for your company account. Please contact us.",
                      f"The company is {company.status}.")


def _member_for(installation, buyer: Buyer, *, transaction_id: str | None = None,
                found: dict | None = None) -> tuple[Member | None, ReasonView | None]:
    """The buyer's member, or None and why: an e-mail rule that needs a confirmed account, or none.
    ``transaction_id``: whether it was recorded is read in the same query, as
    ``found["recorded_transaction_id"]`` (``found`` is left as it is when no member candidate
    was found)."""
    if transaction_id is not None:
        resolution = company_selectors.member_resolution_from(
            selectors.member_candidates_recorded(installation=installation, buyer=buyer,
                                                 transaction_id=transaction_id),
            email_confirmed=buyer.email_confirmed, also=("recorded_transaction_id",))
    else:
        resolution = company_selectors.member_resolution(
            installation=installation, user_id=buyer.user_id, email=buyer.email,
            email_confirmed=buyer.email_confirmed, external_reference=buyer.external_reference,
            customer_type_slug=buyer.customer_type_slug)
    if found is not None and resolution.also is not None:
        found.update(resolution.also)
    if resolution.member is not None:
        return resolution.member, None
    if resolution.unconfirmed_email_match is not None:
        blocked = resolution.unconfirmed_email_match
        logger.warning("unconfirmed account matched an e-mail member", extra={
            "member": blocked.pk, "company": blocked.company_id, "kind": blocked.kind,
            "saleor_user_id": buyer.user_id})
        return None, EMAIL_NOT_CONFIRMED
    return None, NO_CREDIT_ACCOUNT


def _policy_for(company: Company, channel_slug: str = "", installation=None) -> CreditPolicy:
    """The policy in force for the company's credit tier in this channel (channel version, else
    all-channels version, else the built-in fallback: decisions.selectors.policy_resolve)."""
    return policy_for(company=company, channel_slug=channel_slug, installation=installation)[0]


# --- authorize -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuthorizationPrepared:
    """What ``checkout_authorize`` learns before the company lock (``checkout_authorize_prepare``)."""

    existing: NetTermsTransaction | None = None  # the transaction was decided before: a replay
    member: Member | None = None
    refusal: ReasonView | None = None  # why there is no member
    policy: object | None = None  # decisions.selectors.ResolvedPolicy
    underwriting: object | None = None  # decisions.underwriting.UnderwritingVerdict
    history: object | None = None  # decisions.selectors.PaymentHistory the underwriter's snapshot used


def checkout_authorize_prepare(*, installation, request: AuthorizationRequest) -> AuthorizationPrepared:
    """The part of TRANSACTION_INITIALIZE_SESSION before the company lock: is this a replay, who
    is the buyer, which policy decides, and — for a large order — the external underwriter's
    verdict on an unlocked snapshot. Reads only; call it OUTSIDE any database transaction (the
    webhook pipeline runs it before it opens the dispatch transaction), so no transaction and no
    lock is held while the underwriter is asked. The payment history is read here only for the
    underwriter's snapshot (the decision then uses the same); otherwise it is read under the lock
    in the one statement that reads everything else (selectors.credit_reads)."""
    member = refusal = None
    found: dict = {}
    if request.buyer is not None:  # the replay check rides along with the member lookup
        member, refusal = _member_for(installation, request.buyer, found=found,
                                      transaction_id=request.transaction_id)
    existing_id = (found["recorded_transaction_id"] if found  # no candidate: one query more
                   else NetTermsTransaction.objects.filter(installation=installation,
                                                           saleor_transaction_id=request.transaction_id)
                   .values_list("id", flat=True).first())
    if existing_id is not None:
        return AuthorizationPrepared(existing=NetTermsTransaction.objects.select_related("company").get(
            pk=existing_id))
    if request.buyer is None:
        return AuthorizationPrepared(refusal=GUEST_CHECKOUT)
    if member is None:  # nothing names the company to this buyer: the decline records no company
        return AuthorizationPrepared(refusal=refusal)
    if not request.money.is_positive():  # a zero total: a defined answer, nothing held
        return AuthorizationPrepared(member=member, refusal=ZERO_AMOUNT)
    policy = decision_services.policy_in_force(company=member.company, channel_slug=request.channel_slug,
                                               installation=installation)
    asked: dict = {}

    def unlocked_snapshot():  # only when the order goes to the underwriter
        asked["history"] = selectors.credit_history(company=member.company, currency=request.money.currency,
                                                    installation=installation)
        return selectors.credit_snapshot(company=member.company, member=member, money=request.money,
                                         channel_slug=request.channel_slug, history=asked["history"],
                                         installation=installation)

    underwriting = decision_services.underwriting_before_lock(
        company=member.company, money=request.money, channel_slug=request.channel_slug, resolved=policy,
        snapshot=unlocked_snapshot)
    return AuthorizationPrepared(member=member, policy=policy, underwriting=underwriting,
                                 history=asked.get("history"))


def checkout_authorize(*, installation, request: AuthorizationRequest, review_open: Callable[..., object],
                       prepared: AuthorizationPrepared | None = None,
                       answered: Callable[[AuthorizationResult], Rider] | None = None) -> AuthorizationResult:
    """TRANSACTION_INITIALIZE_SESSION. Approve → hold; review → hold (decided later);
    decline → nothing in the ledger. The same Saleor transaction asked again gets the result
    recorded the first time, and never a second hold. ``prepared``: the result of
    ``checkout_authorize_prepare`` run before (else it runs here, first).

    `review_open(transaction=, decision_reasons=, snapshot=)` opens the credit review of a
    transaction decided "review", in this transaction (workflows.checkout passes
    approvals.services.approval_open_for_review).

    ``answered(result)``: the caller's statement recording the answer (``core.inserts.Rider``: the
    webhook pipeline's delivery row with its outcome), run in the same one statement as the hold
    when the hold is written that way (PostgreSQL); the rider's ``finish`` tells the caller."""
    psp_reference = psp_reference_for(installation=installation, transaction_id=request.transaction_id)
    if prepared is None:
        prepared = checkout_authorize_prepare(installation=installation, request=request)
    if prepared.existing is not None:
        return authorization_result(prepared.existing)
    member = prepared.member
    if member is None or prepared.refusal is not None:
        return _record_decline(installation, request, psp_reference, prepared.refusal,
                               company=member.company if member else None, member=member)
    policy, underwriting = prepared.policy, prepared.underwriting
    # No savepoint inside a caller's transaction (the webhook's dispatch): an error here rolls the
    # whole dispatch back anyway, so a savepoint would only cost two statements under the lock.
    # Built before the lock, run under it, in ONE statement: was the transaction recorded
    # meanwhile, the limit, exposure, order and payment history (unless the underwriter's
    # snapshot read it: prepare). Nothing it is built from depends on the locked state.
    reads_query = selectors.credit_reads_query(
        company=member.company, currency=request.money.currency, installation=installation,
        transaction_id=request.transaction_id,
        history_today=business_today(installation) if prepared.history is None else None,
        reserve_transaction_id=True)
    with transaction.atomic(savepoint=False):
        company = company_lock(company_id=member.company_id)
        reads = reads_query.read()
        if reads.existing_transaction_id is not None:  # a concurrent delivery won the lock first
            return authorization_result(NetTermsTransaction.objects.select_related("company").get(
                pk=reads.existing_transaction_id))
        if company.po_number_required and not request.po_number.strip():
            return _record_decline(installation, request, psp_reference, PO_NUMBER_REQUIRED,
                                   company=company, member=member)
        if request.po_number.strip() and not po_number_matches(company.po_number_pattern, request.po_number):
            return _record_decline(installation, request, psp_reference, po_number_invalid(company.po_number_pattern),
                                   company=company, member=member)
        snapshot = selectors.credit_snapshot(company=company, member=member, money=request.money,
                                             channel_slug=request.channel_slug, reads=reads,
                                             history=prepared.history, installation=installation)
        # policy in force + underwriter; the DecisionRecord and its audit entry built, written below
        decision, decision_rows = decision_services.decision_take(
            installation=installation, company=company, snapshot=snapshot, channel_slug=request.channel_slug,
            saleor_transaction_id=request.transaction_id, underwriting=underwriting,
            actor=f"buyer:{request.buyer.user_id}", resolved=policy)
        reasons = _reasons_stored(decision)
        if decision.outcome == Outcome.DECLINE:
            inserts_run(*decision_rows)
            return _record_decline(installation, request, psp_reference, None, company=company,
                                   member=member, decision=decision, stored=reasons)
        status = (TransactionStatus.AUTHORIZED if decision.outcome == Outcome.APPROVE
                  else TransactionStatus.IN_REVIEW)
        # The answer is known before anything is written: available after the hold = limit −
        # exposure before it − this order (the snapshot was read under the lock).
        available = (Money.of(snapshot.limit - snapshot.exposure - request.money.amount, request.money.currency)
                     if snapshot.limit is not None else None)
        tx = _transaction_create(installation, request, psp_reference, status=status, company=company,
                                 member=member, decision=decision, reasons=reasons, save=False)
        result = _authorization_result_build(tx, company, available)
        tx.initialize_response = _result_json(result)
        memo = f"Net-terms hold for Saleor transaction {request.transaction_id}"
        tx.pk = reads.reserved_transaction_id  # reserved by the read on PostgreSQL, so the hold's references are known
        if tx.pk is not None:  # the decision, its audit entry, the transaction and its hold: ONE statement
            ledger.hold_place_with(inserts=(*decision_rows, Insert(tx)), company=company, money=request.money,
                                   hold_ref=tx.hold_ref, idempotency_key=f"hold:{tx.pk}", memo=memo,
                                   riders=(answered(result),) if answered is not None else ())
        else:  # SQLite: the rows (the insert allocates the id), then the hold
            inserts_run(*decision_rows, Insert(tx))
            ledger.hold_place(company=company, money=request.money, hold_ref=tx.hold_ref,
                              idempotency_key=f"hold:{tx.pk}", memo=memo)
        if status == TransactionStatus.IN_REVIEW:
            review_open(transaction=tx, decision_reasons=decision.codes, snapshot=snapshot)
    logger.info("checkout authorization decided", extra={
        "transaction": tx.pk, "company": company.pk, "outcome": result.outcome,
        "reasons": [r["code"] for r in reasons]})
    return result


def _transaction_create(installation, request: AuthorizationRequest, psp_reference: str, *, status,
                        company, member, decision: Decision | None, reasons, save: bool = True) -> NetTermsTransaction:
    tx = NetTermsTransaction(
        installation=installation, saleor_transaction_id=request.transaction_id,
        saleor_transaction_token=request.transaction_token, idempotency_key=request.idempotency_key,
        psp_reference=psp_reference, company=company, member=member,
        saleor_user_id=request.buyer.user_id if request.buyer else "",
        channel_slug=request.channel_slug, source_type=request.source_type, source_id=request.source_id,
        action_type=request.action_type, currency=request.money.currency, amount=request.money.amount,
        status=status,
        decision_outcome=str(decision.outcome) if decision else str(Outcome.DECLINE),
        decision_score=decision.score if decision else None,
        decision_reasons=reasons,
        po_number=request.po_number.strip(),
        terms_days=company.default_terms_days if company else None,
    )
    if save:
        tx.save(force_insert=True)
    return tx


def _record_decline(installation, request, psp_reference, reason: ReasonView | None, *, company, member,
                    decision: Decision | None = None, stored: list[dict] | None = None) -> AuthorizationResult:
    """A decline writes the decision record (for the merchant and for replays), never the ledger:
    the engine's ``decision`` (its reasons ``stored`` already, or stored here), or a checkout refusal."""
    reasons = (stored or _reasons_stored(decision)) if decision else _refusal_stored(reason)
    try:
        with transaction.atomic():
            tx = _transaction_create(installation, request, psp_reference, status=TransactionStatus.DECLINED,
                                     company=company, member=member, decision=decision, reasons=reasons)
            result = _authorization_result_build(tx, company, None)
            tx.initialize_response = _result_json(result)
            tx.save(update_fields=["initialize_response"])
    except IntegrityError:  # the same transaction recorded concurrently
        tx = NetTermsTransaction.objects.get(installation=installation,
                                             saleor_transaction_id=request.transaction_id)
        return authorization_result(tx)
    logger.info("checkout authorization declined", extra={"transaction": tx.pk, "reason": reasons[0]["code"]})
    return result


def _authorization_result_build(tx: NetTermsTransaction, company: Company | None,
                                available: Money | None) -> AuthorizationResult:
    money = Money.of(tx.amount, tx.currency)
    reasons = tuple(ReasonView(r["code"], r.get("buyer", ""), r.get("merchant", "")) for r in tx.decision_reasons)
    terms = _terms_label(tx.terms_days) if tx.terms_days is not None else None
    if tx.status == TransactionStatus.DECLINED:
        outcome, message = "declined", reasons[0].buyer_message
    elif tx.decision_outcome == str(Outcome.REVIEW) and tx.status == TransactionStatus.IN_REVIEW:
        outcome = "in_review"
        message = ("Thank you. Your order is pending a credit review; we will confirm it shortly. "
                   f"Payment terms: {terms}.")
    else:
        outcome = "approved"
        message = f"Approved on {terms} terms."
    return AuthorizationResult(
        outcome=outcome, psp_reference=tx.psp_reference, money=money, message=message, reasons=reasons,
        company_name=company.legal_name if company else None, terms_days=tx.terms_days,
        available_after=available, po_number=tx.po_number)


def _result_json(result: AuthorizationResult) -> dict:
    return {
        "outcome": result.outcome, "pspReference": result.psp_reference,
        "amount": result.money.as_string(), "currency": result.money.currency,
        "message": result.message, "reasons": [r.code for r in result.reasons],
        "companyName": result.company_name, "termsDays": result.terms_days,
        "availableAfter": result.available_after.as_string() if result.available_after else None,
        "poNumber": result.po_number,
    }


def authorization_result(tx: NetTermsTransaction) -> AuthorizationResult:
    """The result as first given (replays and TRANSACTION_PROCESS_SESSION answer from this)."""
    stored = tx.initialize_response or {}
    available = (Money.of(stored["availableAfter"], tx.currency)
                 if stored.get("availableAfter") is not None else None)
    base = _authorization_result_build(tx, tx.company, available)
    if tx.status in (TransactionStatus.DECLINED, TransactionStatus.IN_REVIEW):
        return base
    if tx.status == TransactionStatus.CANCELED and tx.decision_outcome == str(Outcome.REVIEW) \
            and not tx.receivables.exists() and stored.get("outcome") == "in_review":
        return AuthorizationResult(outcome="declined", psp_reference=tx.psp_reference, money=base.money,
                                   message="Net terms were not approved for this order.",
                                   reasons=base.reasons, company_name=base.company_name,
                                   terms_days=base.terms_days, po_number=tx.po_number)
    return base


def transaction_state(*, installation, transaction_id: str) -> AuthorizationResult | None:
    """TRANSACTION_PROCESS_SESSION: the transaction's current state, or None if it is not ours."""
    tx = (NetTermsTransaction.objects.filter(installation=installation, saleor_transaction_id=transaction_id)
          .select_related("company").first())
    return authorization_result(tx) if tx else None


# --- capture, cancel, refund --------------------------------------------------------------------

def _action_failure(code: str, message: str, money: Money | None = None,
                    psp_reference: str | None = None) -> ActionResult:
    return ActionResult(succeeded=False, psp_reference=psp_reference, money=money, message=message, code=code)


def transaction_available_actions(tx: NetTermsTransaction) -> tuple[str, ...]:
    """What Saleor may ask next: CHARGE/CANCEL while credit is held, REFUND once money was paid."""
    actions: list[str] = []
    if _held(tx).is_positive():
        actions += ["CHARGE", "CANCEL"]
    if Receivable.objects.filter(transaction=tx, allocations__isnull=False).exists():
        actions.append("REFUND")
    return tuple(actions)


def transaction_capture(*, installation, request: TransactionActionRequest,
                        invoice_covering: Callable[..., Receivable | None],
                        invoice_at_capture: Callable[..., object]) -> ActionResult:
    """TRANSACTION_CHARGE_REQUESTED (the Dashboard's Capture): the held amount becomes a
    receivable due on the company's terms. Saleor gets the receivable's reference as a pending
    charge; CHARGE_SUCCESS is reported when the money arrives (workflows.payments).

    From the invoicing domain (workflows.checkout passes invoicing.services'):
    `invoice_covering(transaction=)` — the receivable of an invoice already issued from the hold
    (then nothing is booked again); `invoice_at_capture(receivable=)` — after the receivable is
    booked, issue its invoice if the company's invoicing policy says so."""
    tx = NetTermsTransaction.objects.filter(installation=installation,
                                            saleor_transaction_id=request.transaction_id).first()
    if tx is None or tx.company_id is None:
        return _action_failure("UNKNOWN_TRANSACTION", "This transaction is not a net-terms authorization.",
                               request.money)
    capture_key = f"capture:{tx.pk}:{request.request_key}"
    with transaction.atomic():
        company = company_lock(company_id=tx.company_id)
        tx = NetTermsTransaction.objects.get(pk=tx.pk)
        done = Receivable.objects.filter(installation=installation, capture_key=capture_key).first()
        if done is not None:
            return ActionResult(True, done.reference, Money.of(done.amount, done.currency),
                                f"Invoiced {done.reference}, due {done.due_date.isoformat()}.", pending=True,
                                actions=transaction_available_actions(tx))
        if tx.status == TransactionStatus.IN_REVIEW:
            return _action_failure("CREDIT_REVIEW_PENDING",
                                   "The order is still in credit review; approve it before capturing.",
                                   request.money, tx.psp_reference)
        if tx.status in (TransactionStatus.DECLINED, TransactionStatus.CANCELED):
            return _action_failure("NOT_AUTHORIZED", f"The transaction is {tx.get_status_display().lower()}.",
                                   request.money, tx.psp_reference)
        if request.money.currency != tx.currency:
            return _action_failure("CURRENCY_MISMATCH",
                                   f"The capture is in {request.money.currency}, the authorization in {tx.currency}.",
                                   request.money, tx.psp_reference)
        covering = invoice_covering(transaction=tx)
        if covering is not None:  # invoiced from the hold already (invoicing policy): book nothing again
            return ActionResult(True, covering.reference, request.money,
                                f"Invoiced {covering.reference}, due {covering.due_date.isoformat()}.",
                                pending=True, actions=transaction_available_actions(tx))
        held = _held(tx)
        if request.money > held:
            return _action_failure(
                "AMOUNT_EXCEEDS_AUTHORIZATION",
                f"Cannot capture {request.money}: only {held} is still authorized.", request.money, tx.psp_reference)
        today = business_today(installation)
        terms_days = tx.terms_days if tx.terms_days is not None else company.default_terms_days
        reference = _short_ref("inv", installation.pk, capture_key)
        receivable = receivable_services.receivable_book(
            installation=installation, company=company, transaction=tx, reference=reference,
            capture_key=capture_key, money=request.money, issue_date=today, terms_days=terms_days,
            order_id=tx.order_id, order_number=tx.order_number, saleor_pending_psp=reference)
        ledger.receivable_from_hold(company=company, money=request.money, hold_ref=tx.hold_ref,
                                    receivable_ref=receivable.receivable_ref,
                                    idempotency_key=f"capture:{receivable.pk}",
                                    memo=f"Capture of {tx.psp_reference} (order {tx.order_number or '-'})")
        tx.status = TransactionStatus.CAPTURED
        tx.save(update_fields=["status", "updated_at"])
        invoice_at_capture(receivable=receivable)  # the company's invoicing policy decides
    return ActionResult(True, receivable.reference, request.money,
                        f"Invoiced {receivable_document_number(receivable)}, due {_day(receivable.due_date)}.",
                        pending=True, actions=transaction_available_actions(tx))


def _held(tx: NetTermsTransaction) -> Money:
    return ledger_selectors.hold_balance(company=tx.company, currency=tx.currency, hold_ref=tx.hold_ref)


def transaction_cancel(*, installation, request: TransactionActionRequest) -> ActionResult:
    """TRANSACTION_CANCELATION_REQUESTED (also Saleor's release of funds for expired checkouts):
    release what is still held. Nothing held any more is still a success (idempotent)."""
    tx = NetTermsTransaction.objects.filter(installation=installation,
                                            saleor_transaction_id=request.transaction_id).first()
    if tx is None:
        return _action_failure("UNKNOWN_TRANSACTION", "This transaction is not a net-terms authorization.",
                               request.money)
    if tx.company_id is None:  # declined: nothing was ever held
        return ActionResult(True, tx.psp_reference, request.money, "Nothing was authorized.", actions=())
    with transaction.atomic():
        company_lock(company_id=tx.company_id)
        tx = NetTermsTransaction.objects.get(pk=tx.pk)
        released = _release(tx, key=f"cancel:{tx.pk}:{request.request_key}",
                            memo="Canceled in Saleor")
    amount = released if released.is_positive() else request.money
    return ActionResult(True, tx.psp_reference, amount,
                        f"Released {released} of credit." if released.is_positive() else "Nothing left to release.",
                        actions=transaction_available_actions(tx))


def _release(tx: NetTermsTransaction, *, key: str, memo: str) -> Money:
    """Release all that is still held on the transaction (caller holds the company lock)."""
    held = _held(tx)
    if held.is_positive():
        ledger.hold_release(company=tx.company, money=held, hold_ref=tx.hold_ref,
                            idempotency_key=f"release:{key}", memo=memo)
    if not Receivable.objects.filter(transaction=tx).exists():
        tx.status = TransactionStatus.CANCELED
    tx.save(update_fields=["status", "updated_at"])
    return held


def transaction_refund(*, installation, request: TransactionActionRequest,
                       credit_note_issue: Callable[..., object],
                       credit_notes_issued: Callable[..., bool]) -> ActionResult:
    """TRANSACTION_REFUND_REQUESTED: a credit note against the order's receivables (newest first).
    Each credit note first reduces what is still unpaid on a receivable; the part the buyer had
    already paid becomes the buyer's credit balance (ledger.services.credit_note_post).

    From the invoicing domain (workflows.checkout passes invoicing.services'):
    `credit_note_issue(invoice=, reason=, amount=, issue_key=)` credits an invoiced receivable
    with a numbered credit note; `credit_notes_issued(installation=, issue_key_prefix=)` tells a
    replay that it was done."""
    tx = NetTermsTransaction.objects.filter(installation=installation,
                                            saleor_transaction_id=request.transaction_id).first()
    if tx is None or tx.company_id is None:
        return _action_failure("UNKNOWN_TRANSACTION", "This transaction is not a net-terms authorization.",
                               request.money)
    key = f"refund:{tx.pk}:{request.request_key}"
    reference = _short_ref("cn", installation.pk, key)
    with transaction.atomic():
        company = company_lock(company_id=tx.company_id)
        if ledger_selectors.postings_exist(installation=installation, idempotency_key_prefix=f"{key}:") \
                or credit_notes_issued(installation=installation, issue_key_prefix=f"{key}:"):
            return ActionResult(True, reference, request.money, f"Credit note {reference} issued.",
                                actions=transaction_available_actions(tx))
        if request.money.currency != tx.currency:
            return _action_failure("CURRENCY_MISMATCH",
                                   f"The refund is in {request.money.currency}, the order in {tx.currency}.",
                                   request.money)
        receivables = list(Receivable.objects.filter(transaction=tx).order_by("-id"))
        rooms = [(r, ledger_selectors.receivable_creditable(company=company, currency=tx.currency,
                                                            receivable_ref=r.receivable_ref))
                 for r in receivables]
        refundable = sum((room for _, room in rooms), Money.zero(tx.currency))
        if request.money > refundable:
            return _action_failure("AMOUNT_EXCEEDS_INVOICED",
                                   f"Cannot refund {request.money}: {refundable} is refundable.", request.money)
        left = request.money
        for receivable, room in rooms:
            if not left.is_positive():
                break
            part = left if left <= room else room
            if not part.is_positive():
                continue
            invoice = getattr(receivable, "invoice", None)  # the reverse one-to-one; None when not invoiced
            if invoice is not None and invoice.kind == "invoice" and not invoice.is_void:
                # an invoiced receivable is credited with a numbered credit note (its own series)
                credit_note_issue(invoice=invoice, reason="Refund in Saleor", amount=part,
                                  issue_key=f"{key}:{receivable.pk}")
            else:
                ledger.credit_note_post(company=company, money=part, receivable_ref=receivable.receivable_ref,
                                        idempotency_key=f"{key}:{receivable.pk}",
                                        memo=f"Credit note {reference} for {tx.psp_reference}")
            receivable_services.receivable_status_refresh(receivable=receivable)
            left = left - part
    return ActionResult(True, reference, request.money, f"Credit note {reference} issued.",
                        actions=transaction_available_actions(tx))


# --- orders --------------------------------------------------------------------------------------

def order_bind(*, installation, order: OrderSnapshot) -> int:
    """ORDER_CREATED / ORDER_CONFIRMED (either may arrive first): attach the order to our
    transactions. Returns how many transactions were bound; binding again changes nothing."""
    bound = 0
    for tx in NetTermsTransaction.objects.filter(installation=installation,
                                                 saleor_transaction_id__in=order.transaction_ids):
        snapshot = order.as_json()
        if tx.order_id == order.order_id and tx.order_snapshot == snapshot:
            continue
        with transaction.atomic():
            tx.order_id, tx.order_number, tx.order_snapshot = order.order_id, order.number, snapshot
            tx.save(update_fields=["order_id", "order_number", "order_snapshot", "updated_at"])
            receivable_services.receivables_order_bind(transaction=tx, order_id=order.order_id, order_number=order.number)
            order_placed_publish(tx)
        bound += 1
    return bound


def order_cancel(*, installation, order_id: str, transaction_ids: tuple[str, ...],
                 reviews_cancel: Callable[..., object]) -> int:
    """ORDER_CANCELLED: release whatever is still held for the order and tell Saleor (outbox).
    `reviews_cancel(transaction=, actor=, reason=)` cancels a pending credit review (workflows
    pass approvals.services.approvals_cancel_for_transaction)."""
    candidates = NetTermsTransaction.objects.filter(
        Q(saleor_transaction_id__in=transaction_ids) | Q(order_id=order_id),
        installation=installation, company__isnull=False)
    return sum(_withdraw(tx.pk, key=f"order-cancel:{tx.pk}", reason=f"Order {order_id} cancelled",
                         message="Order cancelled: credit released.", reviews_cancel=reviews_cancel,
                         publish_cancelled=True)
               for tx in candidates)


def holds_expire(*, reviews_cancel: Callable[..., object], now=None) -> int:
    """Abandoned checkouts: a hold whose checkout never became an order within
    settings.CHECKOUT_HOLD_TTL_HOURS is released, Saleor is told (CANCEL_SUCCESS, or
    AUTHORIZATION_FAILURE while in review) and pending approvals are cancelled — so credit is never
    tied up by a cart nobody completes, even when the channel does not release funds of expired
    checkouts itself (FACTS.md §5.2). 0 disables it. Returns how many holds were released.
    `reviews_cancel` as in order_cancel."""
    hours = settings.CHECKOUT_HOLD_TTL_HOURS
    if not hours:
        return 0
    cutoff = (now or timezone.now()) - timedelta(hours=hours)
    stale = NetTermsTransaction.objects.filter(
        status__in=(TransactionStatus.AUTHORIZED, TransactionStatus.IN_REVIEW), order_id="",
        company__isnull=False, created_at__lt=cutoff).values_list("pk", flat=True)
    return sum(_withdraw(pk, key=f"expire:{pk}", reason=f"No order within {hours} hours of checkout",
                         message="Checkout expired without an order: credit released.",
                         still=lambda tx: not tx.order_id, reviews_cancel=reviews_cancel) for pk in stale)


def _withdraw(tx_id: int, *, key: str, reason: str, message: str, reviews_cancel: Callable[..., object],
              still=lambda tx: True, publish_cancelled: bool = False) -> bool:
    """Release what a transaction still holds and tell Saleor, once (`key`); cancels a pending
    approval workflow. `still` re-checks, under the lock, that the release is still wanted."""
    with transaction.atomic():
        tx = NetTermsTransaction.objects.only("company_id").get(pk=tx_id)
        company_lock(company_id=tx.company_id)
        tx = NetTermsTransaction.objects.get(pk=tx_id)
        if not still(tx):
            return False
        was_review = tx.status == TransactionStatus.IN_REVIEW
        if was_review:
            reviews_cancel(transaction=tx, actor="system", reason=reason)
        released = _release(tx, key=key, memo=reason)
        if not released.is_positive():
            return False
        transaction_event_report_enqueue(
            tx=tx, event_type="AUTHORIZATION_FAILURE" if was_review else "CANCEL_SUCCESS",
            psp_reference=tx.psp_reference, money=released, message=message, actions=(), dedupe_key=key)
        if publish_cancelled:
            order_cancelled_publish(tx, released=released, reason=reason)
    return True


# --- credit review (the approvals issue builds the workflow on these) ---------------------------

def review_approve(*, transaction_id: int, decided_by: str) -> NetTermsTransaction:
    """Approve a transaction in credit review: Saleor gets AUTHORIZATION_SUCCESS (same pspReference)."""
    with transaction.atomic():
        tx = NetTermsTransaction.objects.select_related("company").get(pk=transaction_id)
        company_lock(company_id=tx.company_id)
        tx = NetTermsTransaction.objects.get(pk=tx.pk)
        if tx.status != TransactionStatus.IN_REVIEW:
            return tx
        tx.status = TransactionStatus.AUTHORIZED
        tx.decision_reasons = tx.decision_reasons + [{
            "code": "MANUAL_APPROVAL", "buyer": "Approved after credit review.",
            "merchant": f"Approved by {decided_by}."}]
        tx.save(update_fields=["status", "decision_reasons", "updated_at"])
        transaction_event_report_enqueue(
            tx=tx, event_type="AUTHORIZATION_SUCCESS", psp_reference=tx.psp_reference,
            money=Money.of(tx.amount, tx.currency), message=f"Approved after credit review by {decided_by}.",
            actions=("CHARGE", "CANCEL"), dedupe_key=f"review:{tx.pk}")
    return tx


def review_decline(*, transaction_id: int, decided_by: str, reason: str) -> NetTermsTransaction:
    """Decline a transaction in credit review: release the hold, AUTHORIZATION_FAILURE to Saleor,
    and a note on the order."""
    with transaction.atomic():
        tx = NetTermsTransaction.objects.get(pk=transaction_id)
        company_lock(company_id=tx.company_id)
        tx = NetTermsTransaction.objects.get(pk=tx.pk)
        if tx.status != TransactionStatus.IN_REVIEW:
            return tx
        released = _release(tx, key=f"review-decline:{tx.pk}", memo=f"Declined in review by {decided_by}")
        tx.decision_reasons = tx.decision_reasons + [{
            "code": "MANUAL_DECLINE", "buyer": "Net terms were not approved for this order.",
            "merchant": f"Declined by {decided_by}: {reason}"}]
        tx.save(update_fields=["decision_reasons", "updated_at"])
        transaction_event_report_enqueue(
            tx=tx, event_type="AUTHORIZATION_FAILURE", psp_reference=tx.psp_reference, money=released,
            message="Net terms were not approved for this order.", actions=(), dedupe_key=f"review:{tx.pk}")
        if tx.order_id:
            outbox_enqueue(installation=tx.installation, kind="saleor.order_note_add",
                           payload={"order_id": tx.order_id,
                                    "message": f"Net terms declined after credit review: {reason}"},
                           dedupe_key=f"review-note:{tx.pk}", ordering_key=f"tx:{tx.pk}")
    return tx


# --- reporting to Saleor ------------------------------------------------------------------------

def transaction_payment_report(*, payment: Payment) -> int:
    """Tell Saleor about a booked payment (payments.services.payment_book), once per allocation
    to a receivable of a net-terms transaction. Runs in the payment's transaction, under the
    company lock (workflows.payments.payment_record). Returns how many allocations it reported;
    a replay of the same payment reports none.

    - the receivable has a CHARGE_REQUEST pending in Saleor (it was captured in the Dashboard):
      CHARGE_SUCCESS with that pending pspReference for the amount paid; if part stays open, a
      new CHARGE_REQUEST for the remainder with the next pspReference (`inv-…-2`, `-3`, …);
    - otherwise: CHARGE_SUCCESS with the allocation's own pspReference (`inv-…-p<allocation>`).
    """
    reported = 0
    for allocation in (PaymentAllocation.objects.filter(payment=payment, saleor_psp_reference="",
                                                        receivable__transaction__isnull=False)
                       .select_related("receivable", "receivable__transaction", "payment").order_by("id")):
        _allocation_report(allocation)
        reported += 1
    return reported


def transaction_payment_reversal_report(*, payment: Payment) -> int:
    """Tell Saleor that a reversed payment (payments.services.payment_reverse) is undone, once
    per allocation that was reported: CHARGE_BACK for what was reported charged and a
    CHARGE_REQUEST (next pspReference) for what is owed again. Runs in the reversal's transaction
    (workflows.payments.payment_reverse); a replay reports nothing again."""
    if payment.reversed_at is None:
        return 0
    reported = 0
    for allocation in (PaymentAllocation.objects.filter(payment=payment, receivable__transaction__isnull=False)
                       .exclude(saleor_psp_reference="")
                       .select_related("receivable", "receivable__transaction", "payment").order_by("id")):
        if OutboxMessage.objects.filter(installation_id=payment.installation_id,
                                        dedupe_key=f"alloc:{allocation.pk}:back").exists():
            continue  # reported by an earlier call
        _reversal_report(allocation)
        reported += 1
    return reported


def _money(money: Money) -> str:
    """An amount in a message Saleor shows on the order, in the installation's language ("$1,250.00")."""
    return money_text(money.amount, money.currency, merchant_language())


def _day(value) -> str:
    return date_text(value, merchant_language())


def _reversal_report(allocation: PaymentAllocation) -> None:
    receivable, tx = allocation.receivable, allocation.receivable.transaction
    owed = Money.of(allocation.amount, receivable.currency)
    actions = tuple(sorted(set(transaction_available_actions(tx)) | {"REFUND"}))
    document = receivable_document_number(receivable)
    transaction_event_report_enqueue(
        tx=tx, event_type="CHARGE_BACK", psp_reference=allocation.saleor_psp_reference, money=owed,
        message=f"Payment {allocation.payment.reference} for {document} was reversed.",
        actions=actions, dedupe_key=f"alloc:{allocation.pk}:back")
    sequence = receivable.saleor_psp_sequence + 1
    next_psp = f"{receivable.reference}-{sequence + 1}"
    reopened = owed + Money.of(allocation.settlement_amount, receivable.currency)
    transaction_event_report_enqueue(
        tx=tx, event_type="CHARGE_REQUEST", psp_reference=next_psp, money=reopened,
        message=f"{_money(reopened)} of {document} is open again, due {_day(receivable.due_date)}.",
        actions=actions, dedupe_key=f"alloc:{allocation.pk}:reopen")
    receivable_services.receivable_saleor_pending_set(receivable=receivable,
                                                      pending_psp=receivable.saleor_pending_psp or next_psp,
                                                      psp_sequence=sequence)


def _allocation_report(allocation: PaymentAllocation) -> None:
    receivable, tx = allocation.receivable, allocation.receivable.transaction
    paid = Money.of(allocation.amount, receivable.currency)
    remaining = ledger_selectors.receivable_balance(company=receivable.company, currency=receivable.currency,
                                                    receivable_ref=receivable.receivable_ref)
    actions = tuple(sorted(set(transaction_available_actions(tx)) | {"REFUND"}))
    document = receivable_document_number(receivable)
    if receivable.saleor_pending_psp:
        psp = receivable.saleor_pending_psp
        transaction_event_report_enqueue(
            tx=tx, event_type="CHARGE_SUCCESS", psp_reference=psp, money=paid,
            message=f"Payment {allocation.payment.reference} received for {document}.",
            actions=actions, dedupe_key=f"alloc:{allocation.pk}:success")
        pending, sequence = "", receivable.saleor_psp_sequence
        if remaining.is_positive():
            sequence += 1
            pending = f"{receivable.reference}-{sequence + 1}"
            transaction_event_report_enqueue(
                tx=tx, event_type="CHARGE_REQUEST", psp_reference=pending, money=remaining,
                message=f"{_money(remaining)} of {document} still open, due {_day(receivable.due_date)}.",
                actions=actions, dedupe_key=f"alloc:{allocation.pk}:request")
        receivable_services.receivable_saleor_pending_set(receivable=receivable, pending_psp=pending, psp_sequence=sequence)
    else:
        psp = f"{receivable.reference}-p{allocation.pk}"
        transaction_event_report_enqueue(
            tx=tx, event_type="CHARGE_SUCCESS", psp_reference=psp, money=paid,
            message=f"Payment {allocation.payment.reference} received for {document}.",
            actions=actions, dedupe_key=f"alloc:{allocation.pk}:success")
    allocation.saleor_psp_reference = psp
    allocation.save(update_fields=["saleor_psp_reference"])


def transaction_event_report_enqueue(*, tx: NetTermsTransaction, event_type: str, psp_reference: str,
                                     money: Money, message: str, actions: tuple[str, ...],
                                     dedupe_key: str) -> None:
    """Queue a `transactionEventReport` for Saleor, in order per transaction, after commit."""
    outbox_enqueue(
        installation=tx.installation, kind="saleor.transaction_event_report",
        payload={"transaction_id": tx.saleor_transaction_id, "type": event_type,
                 "psp_reference": psp_reference, "amount": money.as_string(), "currency": money.currency,
                 "message": message[:512], "available_actions": list(actions)},
        dedupe_key=dedupe_key, ordering_key=f"tx:{tx.pk}")

