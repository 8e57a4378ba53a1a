"""Reads of approval workflows."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet

from saleor_netterms.companies.models import Company, Member, MemberKind, MemberRole

from .models import LIMIT_KINDS, ApprovalAction, ApprovalRequest, ApprovalRoute, RequestStatus
from .routing import route_first_match, step_may_act


def route_select(*, installation, kind: str, currency: str, amount: Decimal, codes, channel_slug: str
                 ) -> ApprovalRoute | None:
    routes = list(ApprovalRoute.objects.filter(installation=installation, kind=kind, active=True)
                  .order_by("priority", "id"))
    return route_first_match(routes, currency=currency, amount=amount, codes=list(codes),
                             channel_slug=channel_slug)


def routes_list(*, installation) -> QuerySet[ApprovalRoute]:
    return ApprovalRoute.objects.filter(installation=installation).prefetch_related("steps").order_by(
        "kind", "priority", "id")


def route_get(*, installation, route_id: int) -> ApprovalRoute | None:
    return ApprovalRoute.objects.filter(installation=installation, pk=route_id).first()


def buyer_approvers(*, company: Company, exclude_member_id: int | None = None) -> list[Member]:
    """Active members of the buyer's own company who may approve purchases and can be e-mailed
    (role approver or admin, matched by e-mail). The ordering member never approves their own order."""
    qs = Member.objects.filter(company=company, is_active=True, kind=MemberKind.EMAIL,
                               role__in=(MemberRole.APPROVER, MemberRole.ADMIN)).order_by("id")
    if exclude_member_id is not None:
        qs = qs.exclude(pk=exclude_member_id)
    return list(qs)


def request_get(*, installation, request_id: int) -> ApprovalRequest | None:
    return (ApprovalRequest.objects.filter(installation=installation, pk=request_id)
            .select_related("company", "transaction").first())


def approval_queue(*, installation, email: str, permissions, kind: str | None = None,
                   status: str | None = None) -> list[ApprovalRequest]:
    """Pending (the default): the requests whose current step this staff member may act on and
    has not acted on yet, oldest first. Another status: the installation's requests in it."""
    qs = (ApprovalRequest.objects.filter(installation=installation, status=status or RequestStatus.PENDING)
          .select_related("company", "transaction").order_by("id"))
    if kind:
        qs = qs.filter(kind=kind)
    if (status or RequestStatus.PENDING) != RequestStatus.PENDING:
        return list(qs)
    email = (email or "").strip().lower()
    rows = [r for r in qs if r.step is not None
            and step_may_act(r.step, email=email, permissions=permissions)]
    acted = set(ApprovalAction.objects.filter(Q(request__in=rows), actor=email)
                .values_list("request_id", "step"))
    return [r for r in rows if (r.pk, r.current_step) not in acted]


def pending_request_for_transaction(*, transaction) -> ApprovalRequest | None:
    """The open approval workflow of a net-terms transaction, if any."""
    return (ApprovalRequest.objects.filter(transaction=transaction, status="pending")
            .order_by("id").first())


def limit_approved_for_erp(*, company: Company, currency: str, amount: Decimal) -> ApprovalRequest | None:
    """The limit approval handed to the ERP (the ERP is the master of credit limits) that an ERP
    push of `amount` carries out: approved in the app for exactly this amount and currency, not
    opened by the ERP itself, and decided after the limit last changed (so it is used once)."""
    qs = ApprovalRequest.objects.filter(company=company, kind__in=LIMIT_KINDS, currency=currency,
                                        status=RequestStatus.APPROVED, proposed_limit=amount,
                                        transaction__isnull=True).exclude(created_by__startswith="erp:")
    changed = company.credit_limits.filter(currency=currency).values_list("updated_at", flat=True).first()
    if changed is not None:
        qs = qs.filter(decided_at__gt=changed)
    return qs.order_by("-decided_at", "-id").first()
