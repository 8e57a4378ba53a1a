"""Enqueue and deliver outbox messages.

- `outbox_enqueue` is called inside the domain's transaction; delivery is scheduled on commit.
- `outbox_deliver` takes one message id, locks the row (SKIP LOCKED), re-reads it, and calls the
  deliverer named by `settings.OUTBOX_DELIVERERS[kind]` (a dotted path, so the domain never
  imports the Saleor adapter). The deliverer returns a JSON-able result on success, raises
  `DeliveryRetry` for transient failures (transport, 5xx, outage) and `DeliveryRejected` for
  permanent ones. No lock is held while the deliverer talks to the other system: the row is
  claimed by pushing `next_attempt_at` forward (a lease), then updated after the call.
- Retries back off exponentially (10 s · 2^n, capped at 1 h) for at most OUTBOX_MAX_ATTEMPTS; then
  the message is `dead` — kept, shown to the merchant, and retryable with `outbox_retry`.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module
from typing import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


class DeliveryRetry(Exception):
    """Transient: try again later."""


class DeliveryRejected(Exception):
    """Permanent: the other side refused the message; a person must look."""


def backoff_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 3600))


def outbox_enqueue(*, installation, kind: str, payload: dict, dedupe_key: str,
                   ordering_key: str = "") -> OutboxMessage:
    """Write a message in the caller's transaction; delivery starts after commit. Idempotent on
    (installation, dedupe_key): enqueuing the same effect twice returns the first message."""
    existing = OutboxMessage.objects.filter(installation=installation, dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                installation=installation, kind=kind, payload=payload, dedupe_key=dedupe_key,
                ordering_key=ordering_key, next_attempt_at=timezone.now())
    except IntegrityError:
        return OutboxMessage.objects.get(installation=installation, dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _schedule(message.pk))
    return message


# Who starts a delivery after commit. outbox/tasks.py (the Celery entrypoint, which imports this
# module) registers its task here when the app is ready (OutboxConfig.ready), so that this
# module never imports its own entrypoint. Without a scheduler the periodic tick delivers.
_delivery_schedulers: list[Callable[[int], object]] = []


def outbox_delivery_scheduler_register(schedule: Callable[[int], object]) -> None:
    """Register how to start the delivery of one message id after commit (idempotent)."""
    if schedule not in _delivery_schedulers:
        _delivery_schedulers.append(schedule)


def _schedule(message_id: int) -> None:
    for schedule in _delivery_schedulers:
        try:
            schedule(message_id)
        except Exception:  # noqa: BLE001 - the broker being down must not fail the request; beat retries
            logger.warning("outbox: could not schedule delivery", extra={"message_id": message_id})


def _deliverer(kind: str):
    path = settings.OUTBOX_DELIVERERS[kind]
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def _claim(message_id: int) -> OutboxMessage | None:
    """Take a short lease on a due, pending message whose predecessors are delivered."""
    now = timezone.now()
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
                   .first())
        if message is None:
            return None
        if message.ordering_key and OutboxMessage.objects.filter(
                installation_id=message.installation_id, ordering_key=message.ordering_key,
                id__lt=message.id).exclude(status=OutboxStatus.DELIVERED).exists():
            return None  # an earlier message for the same object goes first
        message.next_attempt_at = now + LEASE
        message.attempts += 1
        message.save(update_fields=["next_attempt_at", "attempts"])
        return message


def outbox_deliver(*, message_id: int) -> str:
    """Deliver one message if it is due. Returns its status afterwards (or 'skipped')."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    try:
        result = _deliverer(message.kind)(message)
    except DeliveryRejected as exc:
        _finish(message, status=OutboxStatus.DEAD, error=str(exc))
        logger.error("outbox: message rejected", extra={"message_id": message.pk, "kind": message.kind,
                                                        "error": str(exc)})
        return OutboxStatus.DEAD
    except Exception as exc:  # noqa: BLE001 - DeliveryRetry and anything unexpected are retried
        max_attempts = settings.OUTBOX_MAX_ATTEMPTS
        if message.attempts >= max_attempts:
            _finish(message, status=OutboxStatus.DEAD, error=f"{type(exc).__name__}: {exc}")
            logger.error("outbox: giving up after %s attempts", message.attempts,
                         extra={"message_id": message.pk, "kind": message.kind})
            return OutboxStatus.DEAD
        _finish(message, status=OutboxStatus.PENDING, error=f"{type(exc).__name__}: {exc}",
                next_attempt_at=timezone.now() + backoff_delay(message.attempts))
        logger.warning("outbox: delivery failed, will retry",
                       extra={"message_id": message.pk, "kind": message.kind, "attempts": message.attempts})
        return OutboxStatus.PENDING
    _finish(message, status=OutboxStatus.DELIVERED, result=result)
    _schedule_successors(message)
    return OutboxStatus.DELIVERED


def _finish(message: OutboxMessage, *, status: str, error: str = "", result=None,
            next_attempt_at=None) -> None:
    fields = {"status": status, "last_error": error[:4000]}
    if status == OutboxStatus.DELIVERED:
        fields.update(delivered_at=timezone.now(), result=result)
    if next_attempt_at is not None:
        fields["next_attempt_at"] = next_attempt_at
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)


def _schedule_successors(message: OutboxMessage) -> None:
    if not message.ordering_key:
        return
    nxt = (OutboxMessage.objects.filter(installation_id=message.installation_id,
                                        ordering_key=message.ordering_key, id__gt=message.id,
                                        status=OutboxStatus.PENDING)
           .order_by("id").values_list("id", flat=True).first())
    if nxt is not None:
        _schedule(nxt)


def outbox_deliver_due(*, limit: int = 200) -> dict[str, int]:
    """Deliver every due pending message (beat runs this); returns counts by outcome."""
    ids = list(OutboxMessage.objects.filter(status=OutboxStatus.PENDING,
                                            next_attempt_at__lte=timezone.now())
               .order_by("id").values_list("id", flat=True)[:limit])
    counts: dict[str, int] = {}
    for message_id in ids:
        outcome = outbox_deliver(message_id=message_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def outbox_retry(*, message: OutboxMessage) -> OutboxMessage:
    """A person retries a dead message."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: _schedule(message.pk))
    message.refresh_from_db()
    return message
