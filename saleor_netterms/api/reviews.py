"""The one review queue of the merchant API (workflows/reviews.py): ``decisionQueue`` lists every
order in credit review and every open approval request once, whichever workflow produced it, with
the company's position in its currency; ``decisionMake`` decides one row, routed to the workflow
that owns it. (``reviewQueue``/``approvalQueue`` and ``reviewApprove``/``reviewDecline`` stay for
existing clients; the Dashboard uses these two.) Mutations answer ``errors: [{code, field, message}]``
and then wrote nothing."""
from __future__ import annotations

import graphene

from saleor_netterms.approvals import services as approval_services
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.workflows import reviews as review_workflows

from . import selectors
from .approvals import ACT_ERROR_FIELDS, ApprovalDecision, ApprovalKind, ApprovalRequestType, ApprovalStatus
from .context import installation_of, principal_email, principal_permissions, request_cached
from .errors import ApiInputError, field_error
from .inputs import pk_parse
from .lists import page_type
from .mutations import _errors
from .types import CompanyType, DecisionReasonType, MoneyType, TransactionType, enum_field, enum_value


class DecisionItemType(graphene.ObjectType):
    class Meta:
        name = "DecisionItem"
        description = ("One decision owed: an order in credit review (whether the engine's review, the "
                       "merchant's approval chain or the buyer company's purchase approval holds it) or a "
                       "credit limit request/recommendation, with the company's position in its currency.")

    id = graphene.ID(required=True, description="approval request id, or the transaction id when no workflow "
                                                "owns the review (decide it with decisionMake's matching argument).")
    kind = enum_field(ApprovalKind, "kind")
    status = enum_field(ApprovalStatus, "status")
    company = graphene.Field(CompanyType, required=True)
    transaction = graphene.Field(TransactionType, description="The order's transaction; null for a limit request.")
    request = graphene.Field(ApprovalRequestType, description="The approval workflow; null when none owns it.")
    amount = graphene.Field(MoneyType, required=True, description="The order amount, or the proposed limit.")
    waiting_since = graphene.DateTime(required=True, description="When the order went to review / the request opened.")
    waiting_for = graphene.String(required=True, description="The step that decides now (empty once decided).")
    can_decide = graphene.Boolean(required=True, description="Whether the signed-in staff member may decide now.")
    second_factor_required = graphene.Boolean(required=True,
                                              description="Approving needs a code from an authenticator app.")
    reasons = graphene.List(graphene.NonNull(DecisionReasonType), required=True)
    limit = graphene.Field(MoneyType, required=True)
    exposure = graphene.Field(MoneyType, required=True)
    available = graphene.Field(MoneyType, required=True)
    open_receivables = graphene.Field(MoneyType, required=True)
    open_receivables_count = graphene.Int(required=True)
    overdue_receivables = graphene.Field(MoneyType, required=True)
    overdue_receivables_count = graphene.Int(required=True)
    max_days_past_due = graphene.Int(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.request.pk if root.request is not None else root.transaction.pk

    @staticmethod
    def resolve_amount(root, info):
        return root.money

    @staticmethod
    def resolve_second_factor_required(root, info):
        return root.request is not None and approval_services.second_factor_required(root.request)

    @staticmethod
    def resolve_limit(root, info):
        return _credit(info, root).limit

    @staticmethod
    def resolve_exposure(root, info):
        return _credit(info, root).exposure

    @staticmethod
    def resolve_available(root, info):
        return _credit(info, root).available

    @staticmethod
    def resolve_open_receivables(root, info):
        return _receivables(info, root).open_amount

    @staticmethod
    def resolve_open_receivables_count(root, info):
        return _receivables(info, root).open_count

    @staticmethod
    def resolve_overdue_receivables(root, info):
        return _receivables(info, root).overdue_amount

    @staticmethod
    def resolve_overdue_receivables_count(root, info):
        return _receivables(info, root).overdue_count

    @staticmethod
    def resolve_max_days_past_due(root, info):
        return _receivables(info, root).max_days_past_due


def _credit(info, item):
    return request_cached(info, ("credit", item.company.pk, item.money.currency),
                   lambda: company_selectors.credit_summary(company=item.company, currency=item.money.currency))


def _receivables(info, item):
    return request_cached(info, ("receivables", item.company.pk, item.money.currency),
                   lambda: selectors.receivables_position(company=item.company, currency=item.money.currency))


DecisionQueuePage = page_type("DecisionQueue", DecisionItemType)


class Query(graphene.ObjectType):
    decision_queue = graphene.Field(
        DecisionQueuePage, required=True,
        description=("PENDING (default): every order in credit review and every open approval request, once "
                     "each, the longest waiting first; mine: only those the signed-in staff member may decide "
                     "now. Another status: the decided requests, the latest first. kind narrows to one kind."),
        kind=graphene.Argument(ApprovalKind), status=graphene.Argument(ApprovalStatus), mine=graphene.Boolean())

    @staticmethod
    def resolve_decision_queue(root, info, kind=None, status=None, mine=False):
        items = review_workflows.review_queue(
            installation=installation_of(info), email=principal_email(info), permissions=principal_permissions(info),
            kind=enum_value(kind), status=enum_value(status), mine=bool(mine))
        return {"items": items, "total_count": len(items)}


DECIDE_ERROR_FIELDS = {**ACT_ERROR_FIELDS, "TRANSACTION_NOT_IN_REVIEW": "transactionId",
                       "APPROVAL_NOT_PENDING": "requestId", "REVIEW_TARGET_REQUIRED": "requestId"}


class DecisionMake(graphene.Mutation):
    """Approve or decline one row of decisionQueue as the signed-in staff member: the order's
    approval workflow takes it when one owns it (its steps, approvers and second factor), else the
    order is approved (Saleor: AUTHORIZATION_SUCCESS) or declined (hold released,
    AUTHORIZATION_FAILURE, a note on the order) at once. Deciding the same way again answers the same."""

    class Arguments:
        request_id = graphene.ID(description="The approval request (decisionQueue's request.id).")
        transaction_id = graphene.ID(description="The order's transaction, whichever workflow holds it.")
        decision = graphene.Argument(ApprovalDecision, required=True)
        reason = graphene.String(description="Required to decline: the order note and the audit trail.")
        totp_code = graphene.String(description="Needed to approve a limit raise above the threshold.")
        step = graphene.Int(description="The step shown; refused if the request moved on.")

    request = graphene.Field(ApprovalRequestType)
    transaction = graphene.Field(TransactionType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, decision, request_id=None, transaction_id=None, reason=None, totp_code=None, step=None):
        try:  # not wrapped in one atomic block: a wrong authenticator code stays counted (approval_act)
            text = (reason or "").strip()
            if len(text) > 2000:
                raise ApiInputError("TOO_LONG", "At most 2000 characters.", field="reason")
            if enum_value(decision) == "decline" and not text:
                raise ApiInputError("REASON_REQUIRED", "Say why it is declined.", field="reason")
            outcome = review_workflows.review_decide(
                installation=installation_of(info), decision=enum_value(decision), actor_email=principal_email(info),
                actor_permissions=principal_permissions(info), request_id=_pk(request_id, "requestId"),
                transaction_id=_pk(transaction_id, "transactionId"), comment=text, totp_code=totp_code, step=step)
        except NetTermsError as exc:
            fields = {**DECIDE_ERROR_FIELDS, "NOT_FOUND": "requestId" if request_id is not None else "transactionId"}
            return DecisionMake(request=None, transaction=None, errors=[field_error(exc, fields)])
        return DecisionMake(request=outcome.request, transaction=outcome.transaction, errors=[])


def _pk(value, field: str) -> int | None:
    if value is None:
        return None
    pk = pk_parse(value)
    if pk is None:
        raise ApiInputError("NOT_FOUND", f"The {'approval request' if field == 'requestId' else 'transaction'} "
                                         f"does not exist.", field=field)
    return pk


class Mutation(graphene.ObjectType):
    decision_make = DecisionMake.Field()
