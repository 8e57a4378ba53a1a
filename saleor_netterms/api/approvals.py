"""GraphQL operations of the approvals area, composed into the schema by api/schema.py.

Queries: approvalQueue (what the signed-in staff member can act on), approvalRequest (one request
with the company's credit position and the engine's reasons), approvalRoutes. Mutations:
approvalAct, approvalRouteCreate/Update, limitRequestCreate, totpEnroll, totpConfirm. Like every
mutation of the API they answer ``errors: [{code, field, message}]`` and then wrote nothing."""
from __future__ import annotations

import graphene
import segno

from saleor_netterms.approvals import selectors as approval_selectors
from saleor_netterms.approvals import services as approval_services
from saleor_netterms.approvals import totp as approval_totp
from saleor_netterms.approvals.models import ActionDecision as ActionDecisionChoices
from saleor_netterms.approvals.models import ApprovalKind as ApprovalKindChoices
from saleor_netterms.approvals.models import OnDeadline as OnDeadlineChoices
from saleor_netterms.approvals.models import RequestStatus as RequestStatusChoices
from saleor_netterms.approvals.models import StepMode as StepModeChoices
from saleor_netterms.approvals.routing import step_may_act
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.workflows import reviews as review_workflows

from . import selectors
from .context import actor_of, installation_of, principal, principal_email, principal_permissions, request_cached
from .errors import ApiInputError, field_error, not_found
from .inputs import amount_parse, currency_parse, money_parse, pk_parse
from .mutations import _company, _errors, _run
from .types import (CompanyType, DecisionReasonType, MoneyType, TransactionType, _enum, coded, enum_field,
                    enum_value, money)

ApprovalKind = _enum("ApprovalKind", ApprovalKindChoices, "What an approval request decides.")
ApprovalStatus = _enum("ApprovalStatus", RequestStatusChoices, "State of an approval request.")
ApprovalDecision = _enum("ApprovalDecision", ActionDecisionChoices, "An approver's decision.")
ApprovalStepMode = _enum("ApprovalStepMode", StepModeChoices,
                         "ANY: one approval completes the step; ALL: every listed approver must approve.")
ApprovalOnDeadline = _enum("ApprovalOnDeadline", OnDeadlineChoices, "What happens when a step's deadline passes.")


class ApprovalStepType(graphene.ObjectType):
    class Meta:
        name = "ApprovalStep"
        description = "One step of an approval chain (a route's, or a request's snapshot of it)."

    position = graphene.Int(required=True)
    name = graphene.String(required=True)
    mode = graphene.Field(ApprovalStepMode, required=True)
    party = graphene.String(required=True, description="staff, or buyer (an approver of the buyer's company).")
    approver_emails = graphene.List(graphene.NonNull(graphene.String), required=True)
    required_permission = graphene.String(required=True)
    deadline_hours = graphene.Int()
    on_deadline = graphene.Field(ApprovalOnDeadline, required=True)

    @staticmethod
    def resolve_party(root, info):
        return root.get("party") or "staff"

    @staticmethod
    def resolve_approver_emails(root, info):
        return list(root.get("approver_emails") or [])

    @staticmethod
    def resolve_required_permission(root, info):
        return root.get("required_permission") or ""


class ApprovalActionType(graphene.ObjectType):
    class Meta:
        name = "ApprovalAction"
        description = "One person's decision on one step."

    step = graphene.Int(required=True)
    actor = graphene.String(required=True)
    decision = enum_field(ApprovalDecision, "decision")
    comment = graphene.String(required=True)
    second_factor_verified = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)


class ApprovalRouteType(graphene.ObjectType):
    class Meta:
        name = "ApprovalRoute"
        description = ("A merchant rule: requests of its kind matching every condition set (currency, "
                       "minAmount < amount <= maxAmount, any of the reason codes, channel) follow its steps. "
                       "The first active match by priority (lower first), then id, wins.")

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    kind = enum_field(ApprovalKind, "kind")
    priority = graphene.Int(required=True)
    currency = graphene.String(required=True, description="Empty: any currency.")
    min_amount = graphene.String(description="Exclusive lower bound, exact decimal string.")
    max_amount = graphene.String(description="Inclusive upper bound, exact decimal string.")
    reason_codes = graphene.List(graphene.NonNull(graphene.String), required=True)
    channel_slug = graphene.String(required=True)
    active = graphene.Boolean(required=True)
    steps = graphene.List(graphene.NonNull(ApprovalStepType), required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_min_amount(root, info):
        return _bound(root.min_amount, root.currency)

    @staticmethod
    def resolve_max_amount(root, info):
        return _bound(root.max_amount, root.currency)

    @staticmethod
    def resolve_steps(root, info):
        return [{**step.as_snapshot(), "position": step.position} for step in root.steps.order_by("position")]


def _bound(value, currency: str):
    if value is None:
        return None
    return money(value, currency).as_string() if currency else format(value.normalize(), "f")


class ApprovalRequestType(graphene.ObjectType):
    class Meta:
        name = "ApprovalRequest"
        description = ("A decision to be made: a credit review or purchase approval of an order, or a "
                       "credit limit request or recommendation. Its steps are a snapshot taken when it opened.")

    id = graphene.ID(required=True)
    kind = enum_field(ApprovalKind, "kind")
    status = enum_field(ApprovalStatus, "status")
    company = graphene.Field(CompanyType, required=True)
    transaction = graphene.Field(TransactionType)
    amount = graphene.Field(MoneyType, required=True, description="The order amount, or the proposed limit.")
    proposed_limit = graphene.Field(MoneyType)
    route_name = graphene.String(required=True)
    current_step = graphene.Int(required=True)
    steps = graphene.List(graphene.NonNull(ApprovalStepType), required=True)
    due_at = graphene.DateTime()
    reasons = graphene.List(graphene.NonNull(DecisionReasonType), required=True)
    actions = graphene.List(graphene.NonNull(ApprovalActionType), required=True)
    created_by = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    decided_at = graphene.DateTime()
    decided_by = graphene.String(required=True)
    decision_comment = graphene.String(required=True)
    can_act = graphene.Boolean(required=True, description="Whether the signed-in staff member may act now.")
    second_factor_required = graphene.Boolean(required=True,
                                              description="Approving needs a code from an authenticator app.")
    # The company's position in the request's currency (as reviewQueue shows it).
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
        return root.pk

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_proposed_limit(root, info):
        return None if root.proposed_limit is None else money(root.proposed_limit, root.currency)

    @staticmethod
    def resolve_route_name(root, info):
        return (root.route_snapshot or {}).get("name", "")

    @staticmethod
    def resolve_steps(root, info):
        return [{**step, "position": index} for index, step in enumerate(root.steps)]

    @staticmethod
    def resolve_reasons(root, info):
        return list(root.reasons or [])

    @staticmethod
    def resolve_actions(root, info):
        return list(root.actions.order_by("id"))

    @staticmethod
    def resolve_can_act(root, info):
        if root.status != RequestStatusChoices.PENDING or root.step is None:
            return False
        email = principal_email(info)
        return step_may_act(root.step, email=email, permissions=principal_permissions(info)) and not root.actions.filter(
            step=root.current_step, actor=email).exists()

    @staticmethod
    def resolve_second_factor_required(root, info):
        return approval_services.second_factor_required(root)

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


def _credit(info, req):
    return request_cached(info, ("credit", req.company_id, req.currency),
                          lambda: company_selectors.credit_summary(company=req.company, currency=req.currency))


def _receivables(info, req):
    return request_cached(info, ("receivables", req.company_id, req.currency),
                          lambda: selectors.receivables_position(company=req.company, currency=req.currency))


class Query(graphene.ObjectType):
    approval_queue = graphene.List(
        graphene.NonNull(ApprovalRequestType), required=True,
        description=("PENDING (default): requests whose current step the signed-in staff member may act on "
                     "and has not yet acted on, oldest first. Another status: the installation's requests in it."),
        kind=graphene.Argument(ApprovalKind), status=graphene.Argument(ApprovalStatus),
        deprecation_reason="Use decisionQueue: every order and request in one list.")
    approval_request = graphene.Field(ApprovalRequestType, id=graphene.ID(required=True),
                                      description="An approval request of this installation, or null.")
    approval_routes = graphene.List(graphene.NonNull(ApprovalRouteType), required=True,
                                    description="The installation's routes by kind, priority, id.")

    @staticmethod
    def resolve_approval_queue(root, info, kind=None, status=None):
        return approval_selectors.approval_queue(
            installation=installation_of(info), email=principal_email(info), permissions=principal_permissions(info),
            kind=enum_value(kind), status=enum_value(status))

    @staticmethod
    @coded
    def resolve_approval_request(root, info, id):
        pk = pk_parse(id)
        if pk is None:
            return None
        return approval_selectors.request_get(installation=installation_of(info), request_id=pk)

    @staticmethod
    def resolve_approval_routes(root, info):
        return list(approval_selectors.routes_list(installation=installation_of(info)))


def _request(info, request_id):
    pk = pk_parse(request_id)
    req = approval_selectors.request_get(installation=installation_of(info), request_id=pk) if pk else None
    if req is None:
        raise not_found("approval request", field="requestId")
    return req


ACT_ERROR_FIELDS = {"SECOND_FACTOR_REQUIRED": "totpCode", "SECOND_FACTOR_INVALID": "totpCode",
                    "SECOND_FACTOR_NOT_ENROLLED": "totpCode", "APPROVAL_STEP_CHANGED": "step",
                    "INVALID_DECISION": "decision"}


class ApprovalAct(graphene.Mutation):
    """Approve or decline the current step of a request as the signed-in staff member. The final
    approval of an order reports AUTHORIZATION_SUCCESS to Saleor; a decline releases the hold,
    reports AUTHORIZATION_FAILURE and tells the buyer; an approved limit request sets the limit."""

    class Arguments:
        request_id = graphene.ID(required=True)
        decision = graphene.Argument(ApprovalDecision, required=True)
        comment = graphene.String()
        totp_code = graphene.String(description="Needed to approve a limit raise above the threshold.")
        step = graphene.Int(description="The step shown to the approver; refused if the request moved on.")

    request = graphene.Field(ApprovalRequestType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, request_id, decision, comment=None, totp_code=None, step=None):
        """The one decision path (workflows.reviews.review_decide), as decisionMake takes it."""
        try:  # approval_act is atomic itself; not wrapped, so a wrong TOTP code stays counted
            if comment is not None and len(comment) > 2000:
                raise ApiInputError("TOO_LONG", "At most 2000 characters.", field="comment")
            outcome = review_workflows.review_decide(
                installation=installation_of(info), decision=enum_value(decision), actor_email=principal_email(info),
                actor_permissions=principal_permissions(info), request_id=_request(info, request_id).pk,
                comment=comment or "", totp_code=totp_code, step=step)
        except NetTermsError as exc:
            return ApprovalAct(request=None, errors=[field_error(exc, ACT_ERROR_FIELDS)])
        return ApprovalAct(request=outcome.request, errors=[])


class ApprovalStepInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    mode = graphene.Argument(ApprovalStepMode, description="Default ANY.")
    approver_emails = graphene.List(graphene.NonNull(graphene.String), description="Staff e-mails.")
    required_permission = graphene.String(description="A Saleor permission whose holders may act, e.g. HANDLE_PAYMENTS.")
    deadline_hours = graphene.Int()
    on_deadline = graphene.Argument(ApprovalOnDeadline, description="Default ESCALATE.")


class ApprovalRouteInput(graphene.InputObjectType):
    name = graphene.String()
    kind = graphene.Argument(ApprovalKind, description="Default CREDIT_REVIEW.")
    priority = graphene.Int(description="Lower is evaluated first; default 100.")
    currency = graphene.String(description="Empty: any currency.")
    min_amount = graphene.String(description="Exclusive lower bound (decimal string, in currency).")
    max_amount = graphene.String(description="Inclusive upper bound (decimal string, in currency).")
    reason_codes = graphene.List(graphene.NonNull(graphene.String), description="Any of these, e.g. FIRST_ORDER.")
    channel_slug = graphene.String()
    active = graphene.Boolean()
    steps = graphene.List(graphene.NonNull(ApprovalStepInput), description="Replaces the steps, in order.")


def _route_input(data, *, creating: bool) -> tuple[dict, list[dict] | None]:
    fields: dict = {}
    for name in ("name", "priority", "channel_slug", "active"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if data.get("kind") is not None:
        fields["kind"] = enum_value(data["kind"])
    if data.get("reason_codes") is not None:
        fields["reason_codes"] = list(data["reason_codes"])
    currency = data.get("currency")
    if currency:
        fields["currency"] = currency_parse(currency, field="input.currency")
    elif currency == "":
        fields["currency"] = ""
    for name, api in (("min_amount", "input.minAmount"), ("max_amount", "input.maxAmount")):
        if data.get(name) is not None:
            if not fields.get("currency"):
                raise ApiInputError("CURRENCY_REQUIRED", "Amount bounds need the route's currency.", field=api)
            fields[name] = amount_parse(data[name], fields["currency"], field=api).amount
    steps = None
    if data.get("steps") is not None:
        steps = [{"name": s.get("name"), "mode": enum_value(s.get("mode")) or "any",
                  "approver_emails": list(s.get("approver_emails") or []),
                  "required_permission": s.get("required_permission") or "",
                  "deadline_hours": s.get("deadline_hours"),
                  "on_deadline": enum_value(s.get("on_deadline")) or "escalate"} for s in data["steps"]]
    if creating and not fields.get("name"):
        raise ApiInputError("INVALID_APPROVAL_ROUTE", "The route needs a name.", field="input.name")
    return fields, steps


class ApprovalRouteCreate(graphene.Mutation):
    """Add a route. Requests already open keep the chain they started with."""

    class Arguments:
        input = ApprovalRouteInput(required=True)

    route = graphene.Field(ApprovalRouteType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, input):
        actor = actor_of(info)

        def action():
            fields, steps = _route_input(input, creating=True)
            return approval_services.approval_route_create(installation=installation_of(info), actor=actor,
                                                           steps=steps or [], **fields)

        route, errors = _run(action, fields={"INVALID_APPROVAL_ROUTE": "input"})
        return ApprovalRouteCreate(route=route, errors=errors)


class ApprovalRouteUpdate(graphene.Mutation):
    """Change the given fields of a route (steps given replace its steps)."""

    class Arguments:
        id = graphene.ID(required=True)
        input = ApprovalRouteInput(required=True)

    route = graphene.Field(ApprovalRouteType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, input):
        actor = actor_of(info)

        def action():
            pk = pk_parse(id)
            route = approval_selectors.route_get(installation=installation_of(info), route_id=pk) if pk else None
            if route is None:
                raise not_found("approval route", field="id")
            fields, steps = _route_input(input, creating=False)
            if "min_amount" not in fields and "max_amount" not in fields and fields.get("currency") == "" \
                    and (route.min_amount is not None or route.max_amount is not None):
                raise ApiInputError("CURRENCY_REQUIRED", "Amount bounds need the route's currency.",
                                    field="input.currency")
            return approval_services.approval_route_update(route=route, actor=actor, steps=steps, **fields)

        route, errors = _run(action, fields={"INVALID_APPROVAL_ROUTE": "input"})
        return ApprovalRouteUpdate(route=route, errors=errors)


class LimitRequestCreate(graphene.Mutation):
    """Ask for a new credit limit for a company (recorded as requested by the signed-in staff member).
    It follows the limit-request route and is applied only when approved."""

    class Arguments:
        company_id = graphene.ID(required=True)
        amount = graphene.String(required=True, description="The proposed limit, decimal string.")
        currency = graphene.String(required=True)
        reason = graphene.String(required=True)

    request = graphene.Field(ApprovalRequestType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, amount, currency, reason):
        actor = actor_of(info)

        def action():
            if len(reason) > 2000:
                raise ApiInputError("TOO_LONG", "At most 2000 characters.", field="reason")
            if not reason.strip():
                raise ApiInputError("REASON_REQUIRED", "Say why the limit should change.", field="reason")
            return approval_services.limit_request_open(company=_company(info, company_id),
                                                        proposed=money_parse(amount, currency),
                                                        requested_by=actor, reason=reason)

        req, errors = _run(action, fields={"LIMIT_REQUEST_PENDING": "companyId",
                                           "INVALID_APPROVAL_REQUEST": "amount"})
        return LimitRequestCreate(request=req, errors=errors)


class TotpEnroll(graphene.Mutation):
    """Start setting up an authenticator app for the signed-in staff member; confirm with totpConfirm."""

    provisioning_uri = graphene.String(description="otpauth:// URI to show as a QR code.")
    qr_code_svg = graphene.String(description="The provisioning URI as a QR code: an SVG data URI for an <img>.")
    errors = _errors()

    @staticmethod
    def mutate(root, info):
        found = principal(info)
        uri, errors = _run(lambda: approval_totp.totp_enroll(
            installation=found.installation, staff_email=principal_email(info), staff_user_id=found.user_id or ""))
        qr = segno.make(uri, error="m").svg_data_uri(scale=4, border=2) if uri else None
        return TotpEnroll(provisioning_uri=uri, qr_code_svg=qr, errors=errors)


class TotpConfirm(graphene.Mutation):
    """Confirm the authenticator app with a first code."""

    class Arguments:
        code = graphene.String(required=True)

    confirmed = graphene.Boolean(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, code):
        try:  # totp_confirm is atomic itself; not wrapped, so a wrong code stays counted
            device, errors = approval_totp.totp_confirm(installation=installation_of(info),
                                                        staff_email=principal_email(info), code=code), []
        except NetTermsError as exc:
            device, errors = None, [field_error(exc, {"SECOND_FACTOR_INVALID": "code"})]
        return TotpConfirm(confirmed=device is not None, errors=errors)


class Mutation(graphene.ObjectType):
    approval_act = ApprovalAct.Field()
    approval_route_create = ApprovalRouteCreate.Field()
    approval_route_update = ApprovalRouteUpdate.Field()
    limit_request_create = LimitRequestCreate.Field()
    totp_enroll = TotpEnroll.Field()
    totp_confirm = TotpConfirm.Field()
