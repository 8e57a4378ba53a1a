"""Reads of integration events and the delivery log."""
from __future__ import annotations

from .errors import EventCursorInvalid
from .models import IntegrationEvent, WebhookAttempt, WebhookEndpoint


def events_since(*, installation, cursor: int | str | None, limit: int = 100,
                 types: list[str] | None = None) -> tuple[list[IntegrationEvent], int]:
    """Events with sequence > cursor, oldest first, at most `limit`; and the next cursor (the last
    sequence returned, or the given cursor when there is nothing new)."""
    try:
        after = int(cursor or 0)
    except (TypeError, ValueError) as exc:
        raise EventCursorInvalid(f"cursor {cursor!r} is not an integer") from exc
    if after < 0:
        raise EventCursorInvalid(f"cursor {after} is negative")
    qs = IntegrationEvent.objects.filter(installation=installation, id__gt=after).select_related("installation")
    if types:
        qs = qs.filter(type__in=types)
    events = list(qs.order_by("id")[: max(1, min(limit, 500))])
    return events, (events[-1].pk if events else after)


def endpoints_for(*, installation) -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(installation=installation).order_by("id"))


def endpoint_attempts(*, endpoint: WebhookEndpoint, limit: int = 50) -> list[WebhookAttempt]:
    return list(endpoint_attempts_newest(endpoint=endpoint)[:limit])


def endpoint_attempts_newest(*, endpoint: WebhookEndpoint):
    """The endpoint's delivery log, newest first (a QuerySet: page it, count it)."""
    return WebhookAttempt.objects.filter(endpoint=endpoint).select_related("event").order_by("-id")


def events_newest(*, installation, types: list[str] | None = None):
    """The installation's events, newest first, optionally of some types (a QuerySet: page it, count it)."""
    qs = IntegrationEvent.objects.filter(installation=installation).select_related("installation")
    if types:
        qs = qs.filter(type__in=types)
    return qs.order_by("-id")
