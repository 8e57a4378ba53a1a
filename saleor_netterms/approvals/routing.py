"""Which route a request follows: pure matching of a route's conditions (no database, no clock).

A route matches when every condition it sets holds:
    currency      empty, or the request's currency
    amount band   min_amount < amount <= max_amount (either bound may be unset)
    reason codes  empty, or any of them among the request's codes
    channel       empty, or the request's channel
The first active match by (priority, id) wins; no match → the default single step (any staff
member with HANDLE_PAYMENTS, no deadline), the same people who may use reviewApprove today."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

DEFAULT_PERMISSION = "HANDLE_PAYMENTS"
DEFAULT_STEP = {"name": "Credit review", "mode": "any", "party": "staff", "approver_emails": [],
                "required_permission": DEFAULT_PERMISSION, "deadline_hours": None, "on_deadline": "escalate"}


class RouteConditions(Protocol):
    currency: str
    min_amount: Decimal | None
    max_amount: Decimal | None
    reason_codes: list
    channel_slug: str
    active: bool


def route_matches(route: RouteConditions, *, currency: str, amount: Decimal, codes: Iterable[str],
                  channel_slug: str) -> bool:
    if not route.active:
        return False
    if route.currency and route.currency != currency:
        return False
    if route.min_amount is not None and not amount > route.min_amount:
        return False
    if route.max_amount is not None and not amount <= route.max_amount:
        return False
    if route.reason_codes and not set(route.reason_codes) & set(codes):
        return False
    return not route.channel_slug or route.channel_slug == channel_slug


def route_first_match(routes: Sequence[RouteConditions], **request) -> RouteConditions | None:
    """``routes`` already ordered by (priority, id)."""
    return next((route for route in routes if route_matches(route, **request)), None)


def step_may_act(step: dict, *, email: str, permissions: Iterable[str]) -> bool:
    """A staff member may act on a staff step when listed by e-mail or holding its permission."""
    if step.get("party") == "buyer":
        return False
    if email and email in (step.get("approver_emails") or []):
        return True
    permission = step.get("required_permission") or ""
    return bool(permission) and permission in set(permissions or ())


def step_complete(step: dict, approved_by: set[str]) -> bool:
    """any: one approval completes the step. all: every listed e-mail approved (a step with only a
    permission and no e-mails is complete with one approval)."""
    if not approved_by:
        return False
    listed = set(step.get("approver_emails") or [])
    if step.get("mode") != "all" or not listed:
        return True
    return listed <= approved_by
