"""Enqueue and deliver outbox messages.

- `outbox_enqueue` is called inside the domain's transaction; delivery is scheduled on commit.
- `outbox_deliver` takes one message id, locks the row (SKIP LOCKED), re-reads it, and calls the
  deliverer named by `settings.OUTBOX_DELIVERERS[kind]` (a dotted path, so the domain never
  imports the Saleor adapter). The deliverer returns a JSON-able result on success, raises
  `DeliveryRetry` for transient failures (transport, 5xx, outage) and `DeliveryRejected` for
  permanent ones. No lock is held while the deliverer talks to the other system: the row is
  claimed by pushing `next_attempt_at` forward (a lease), then updated after the call.
- Retries back off exponentially (10 s · 2^n, capped at 1 h) for at most OUTBOX_MAX_ATTEMPTS; then
  the message is `dead` — kept, shown to the merchant, and retryable with `outbox_retry`. This is
  the ONE retry layer for messages to other systems: deliverers and the Saleor client do not
  sleep and retry themselves.
- Messages with the same `ordering_key` (one object, e.g. one Saleor transaction) go in id order.
  A dead message therefore holds back every later message of its object: those are marked
  `blocked` (`blocked_by` = the dead one), an ERROR log line names the chain, and the Saleor sync
  page shows it. A person then retries the dead message (`outbox_retry`: the chain resumes behind
  it) or skips it (`outbox_skip`: it is never sent, the chain resumes after it).
- The periodic tick (`outbox_deliver_due`) takes each message with `FOR UPDATE SKIP LOCKED` and
  leases it in the same short transaction, so overlapping ticks (and the after-commit deliveries)
  never take the same message twice. The lease (LEASE) outlasts one delivery: the Saleor call's
  timeouts and the delivery task's time limit are shorter (settings).
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from importlib import import_module
from typing import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone


from .models import CHAIN_DONE, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


class DeliveryRetry(Exception):
    """Transient: try again later. A deliverer that owns its retry schedule passes `retry_in`
    (then OUTBOX_MAX_ATTEMPTS does not apply; it raises DeliveryRejected when it gives up)."""

    def __init__(self, *args, retry_in: timedelta | None = None):
        super().__init__(*args)
        self.retry_in = retry_in


class DeliveryRejected(Exception):
    """Permanent: the other side refused the message; a person must look."""


class OutboxActionRefused(Exception):
    """A person's retry or skip that does not apply to this message. Coded like the project's
    NetTermsError (the outbox sits beside core, not above it; entrypoints map it)."""

    def __init__(self, log_message: str, *, code: str, merchant_message: str):
        super().__init__(log_message)
        self.code = code
        self.merchant_message = merchant_message


def backoff_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 3600))


def outbox_enqueue(*, installation, kind: str, payload: dict, dedupe_key: str,
                   ordering_key: str = "") -> OutboxMessage:
    """Write a message in the caller's transaction; delivery starts after commit. Idempotent on
    (installation, dedupe_key): enqueuing the same effect twice returns the first message."""
    existing = OutboxMessage.objects.filter(installation=installation, dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    head = _chain_head(installation_id=installation.pk, ordering_key=ordering_key) if ordering_key else None
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                installation=installation, kind=kind, payload=payload, dedupe_key=dedupe_key,
                ordering_key=ordering_key, next_attempt_at=timezone.now(),
                status=OutboxStatus.BLOCKED if head else OutboxStatus.PENDING, blocked_by=head)
    except IntegrityError:
        return OutboxMessage.objects.get(installation=installation, dedupe_key=dedupe_key)
    if head is not None:
        logger.error("outbox: new message blocked behind a dead message", extra={
            "message_id": message.pk, "kind": kind, "ordering_key": ordering_key,
            "dead_message_id": head.pk, "dead_error": head.last_error[:500]})
        return message
    transaction.on_commit(lambda: _schedule(message.pk))
    return message


def _chain_head(*, installation_id: int, ordering_key: str) -> OutboxMessage | None:
    """The dead message that holds back the object's chain, if any."""
    return (OutboxMessage.objects.filter(installation_id=installation_id, ordering_key=ordering_key,
                                         status=OutboxStatus.DEAD).order_by("id").first())


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


def _predecessors(message: OutboxMessage):
    return OutboxMessage.objects.filter(installation_id=message.installation_id,
                                        ordering_key=message.ordering_key, id__lt=message.id)


def _lease(messages: list[OutboxMessage], now) -> list[OutboxMessage]:
    """Inside the claiming transaction: keep the messages whose predecessors are done (block the
    ones behind a dead message), push their next attempt past the lease and count the attempt."""
    taken = []
    for message in messages:
        if message.ordering_key:
            waiting = _predecessors(message).exclude(status__in=CHAIN_DONE)
            if waiting.exists():
                head = waiting.filter(status=OutboxStatus.DEAD).order_by("id").first()
                if head is not None:
                    _block(message_ids=[message.pk], head=head)
                continue  # an earlier message for the same object goes first
        message.next_attempt_at = now + LEASE
        message.attempts += 1
        taken.append(message)
    if taken:
        OutboxMessage.objects.bulk_update(taken, ["next_attempt_at", "attempts"])
    return taken


def _claim(message_id: int) -> OutboxMessage | None:
    """Take a lease on one due, pending message whose predecessors are done."""
    now = timezone.now()
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
                   .first())
        if message is None:
            return None
        taken = _lease([message], now)
        return taken[0] if taken else None


def _waiting_behind():
    """Earlier messages of the same object that are not done yet (correlated to the outer row)."""
    return (OutboxMessage.objects.filter(installation_id=OuterRef("installation_id"),
                                         ordering_key=OuterRef("ordering_key"), id__lt=OuterRef("id"))
            .exclude(status__in=CHAIN_DONE))


def _claim_next() -> OutboxMessage | None:
    """Take a lease on the oldest due message that may go now. FOR UPDATE SKIP LOCKED: a row
    another tick or delivery is claiming is passed over, a row it leased is no longer due."""
    now = timezone.now()
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
                   .filter(Q(ordering_key="") | ~Exists(_waiting_behind()))
                   .order_by("id").first())
        if message is None:
            return None
        taken = _lease([message], now)
        return taken[0] if taken else None


def _block_stragglers() -> int:
    """Pending messages behind a dead one that were enqueued while it died: block them too."""
    dead_before = OutboxMessage.objects.filter(
        installation_id=OuterRef("installation_id"), ordering_key=OuterRef("ordering_key"),
        id__lt=OuterRef("id"), status=OutboxStatus.DEAD).order_by("id")
    stragglers = (OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exclude(ordering_key="")
                  .annotate(head_id=Subquery(dead_before.values("id")[:1])).filter(head_id__isnull=False)
                  .values_list("id", "head_id"))
    blocked = 0
    for message_id, head_id in stragglers:
        blocked += OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.BLOCKED, blocked_by_id=head_id)
    return blocked


def outbox_deliver(*, message_id: int) -> str:
    """Deliver one message if it is due. Returns its status afterwards (or 'skipped')."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    return _deliver_claimed(message)


def _deliver_claimed(message: OutboxMessage) -> str:
    try:
        result = _deliverer(message.kind)(message)
    except DeliveryRejected as exc:
        _finish(message, status=OutboxStatus.DEAD, error=str(exc))
        logger.error("outbox: message rejected", extra={"message_id": message.pk, "kind": message.kind,
                                                        "error": str(exc)})
        _block_successors(message)
        return OutboxStatus.DEAD
    except Exception as exc:  # noqa: BLE001 - DeliveryRetry and anything unexpected are retried
        max_attempts = settings.OUTBOX_MAX_ATTEMPTS
        retry_in = getattr(exc, "retry_in", None) if isinstance(exc, DeliveryRetry) else None
        if retry_in is None and message.attempts >= max_attempts:
            _finish(message, status=OutboxStatus.DEAD, error=f"{type(exc).__name__}: {exc}")
            logger.error("outbox: giving up after %s attempts", message.attempts,
                         extra={"message_id": message.pk, "kind": message.kind})
            _block_successors(message)
            return OutboxStatus.DEAD
        _finish(message, status=OutboxStatus.PENDING, error=f"{type(exc).__name__}: {exc}",
                next_attempt_at=timezone.now() + (retry_in or backoff_delay(message.attempts)))
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


def _block(*, message_ids: list[int], head: OutboxMessage) -> int:
    return OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.BLOCKED, blocked_by=head)


def _block_successors(head: OutboxMessage) -> int:
    """A message died: every later pending message of its object now waits for a person."""
    if not head.ordering_key:
        return 0
    with transaction.atomic():
        successors = list(OutboxMessage.objects.select_for_update()
                          .filter(installation_id=head.installation_id, ordering_key=head.ordering_key,
                                  id__gt=head.id, status=OutboxStatus.PENDING)
                          .values_list("id", flat=True))
        blocked = _block(message_ids=successors, head=head)
        # messages already blocked behind a predecessor of this one now wait for this one too
        OutboxMessage.objects.filter(installation_id=head.installation_id, ordering_key=head.ordering_key,
                                     id__gt=head.id, status=OutboxStatus.BLOCKED).update(blocked_by=head)
    if blocked:
        logger.error("outbox: chain blocked by a dead message", extra={
            "message_id": head.pk, "kind": head.kind, "ordering_key": head.ordering_key,
            "blocked": blocked, "error": OutboxMessage.objects.get(pk=head.pk).last_error[:500]})
    return blocked


def _unblock_successors(head: OutboxMessage) -> int:
    """The head was retried or skipped: its chain becomes pending again (in id order, behind
    the head when it was retried)."""
    return OutboxMessage.objects.filter(blocked_by=head, status=OutboxStatus.BLOCKED).update(
        status=OutboxStatus.PENDING, blocked_by=None, next_attempt_at=timezone.now())


def _schedule_successors(message: OutboxMessage) -> None:
    if not message.ordering_key:
        return
    nxt = (OutboxMessage.objects.filter(installation_id=message.installation_id,
                                        ordering_key=message.ordering_key, id__gt=message.id,
                                        status=OutboxStatus.PENDING)
           .order_by("id").values_list("id", flat=True).first())
    if nxt is not None:
        _schedule(nxt)


def outbox_deliver_due(*, limit: int = 200, budget_s: float | None = None) -> dict[str, int]:
    """Deliver due pending messages, oldest first, up to `limit` (beat runs this every 30 s);
    returns counts by outcome. Each message is claimed in its own short transaction (FOR UPDATE
    SKIP LOCKED + lease), so an overlapping tick takes other messages and a lease never has to
    outlast more than one delivery. No new message is claimed after `budget_s`
    (OUTBOX_TICK_BUDGET_S), which keeps the tick inside its task time limit."""
    deadline = time.monotonic() + (settings.OUTBOX_TICK_BUDGET_S if budget_s is None else budget_s)
    blocked = _block_stragglers()
    counts: dict[str, int] = {"blocked": blocked} if blocked else {}
    for _ in range(limit):
        if time.monotonic() >= deadline:
            break  # the next tick goes on; no lease outlives the tick's time limit
        message = _claim_next()
        if message is None:
            break
        outcome = _deliver_claimed(message)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _dead_for_update(message: OutboxMessage, action: str) -> OutboxMessage:
    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status == OutboxStatus.BLOCKED:
        raise OutboxActionRefused(
            f"message {locked.pk} is blocked behind {locked.blocked_by_id}",
            code="OUTBOX_MESSAGE_BLOCKED",
            merchant_message=(f"This message waits behind message {locked.blocked_by_id}, which Saleor "
                              f"refused: {action} that one instead."))
    if locked.status != OutboxStatus.DEAD:
        raise OutboxActionRefused(
            f"message {locked.pk} is {locked.status}", code="OUTBOX_MESSAGE_NOT_DEAD",
            merchant_message=f"Only a failed message can be {'retried' if action == 'retry' else 'skipped'}; "
                             f"this one is {locked.get_status_display().lower()}.")
    return locked


def outbox_retry(*, message: OutboxMessage) -> OutboxMessage:
    """A person retries a dead message; the messages blocked behind it follow it in order.
    Refused (coded) unless the message is dead. The caller audits it in the same transaction."""
    with transaction.atomic():
        locked = _dead_for_update(message, "retry")
        OutboxMessage.objects.filter(pk=locked.pk).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
        unblocked = _unblock_successors(locked)
        transaction.on_commit(lambda: _schedule(locked.pk))
    logger.info("outbox: dead message retried", extra={"message_id": locked.pk, "unblocked": unblocked})
    message.refresh_from_db()
    return message


def outbox_restart(*, message: OutboxMessage) -> OutboxMessage:
    """A pending message's retry schedule begins again now (attempts 0), e.g. an ERP redelivery
    asked for by a person; a message in any other state is returned unchanged."""
    updated = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
        attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: _schedule(message.pk))
        message.refresh_from_db()
    return message


def outbox_skip(*, message: OutboxMessage, actor: str, reason: str) -> OutboxMessage:
    """A person decides a dead message will never be sent (e.g. the Saleor transaction is gone):
    it is kept as skipped, and the messages blocked behind it are delivered. The caller audits
    it in the same transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise OutboxActionRefused("skip without a reason", code="REASON_REQUIRED",
                                  merchant_message="Say why this message is skipped.")
    with transaction.atomic():
        locked = _dead_for_update(message, "skip")
        OutboxMessage.objects.filter(pk=locked.pk).update(
            status=OutboxStatus.SKIPPED, skipped_at=timezone.now(), skipped_by=(actor or "")[:255],
            skip_reason=reason[:255])
        unblocked = _unblock_successors(locked)
        transaction.on_commit(lambda: _schedule_successors(locked))
    logger.warning("outbox: dead message skipped", extra={
        "message_id": locked.pk, "kind": locked.kind, "unblocked": unblocked, "reason": reason[:255]})
    message.refresh_from_db()
    return message


PRUNE_BATCH_SIZE = 2000


def outbox_prune_delivered(*, now=None) -> int:
    """Delete messages delivered more than OUTBOX_DELIVERED_RETENTION_DAYS ago (default 90, never
    less than a day). Pending and dead messages are never pruned. A message's dedupe key stops
    guarding once its row is gone: every effect that enqueues is itself once-only in the domain
    (one posting per idempotency key, one receivable per capture request), so a delivered report
    is not produced again."""
    now = now or timezone.now()
    days = max(1, settings.OUTBOX_DELIVERED_RETENTION_DAYS)
    old = OutboxMessage.objects.filter(status=OutboxStatus.DELIVERED, delivered_at__lt=now - timedelta(days=days))
    deleted = 0
    while True:  # small batches: never a long transaction (the outbox sits beside core: no shared helper)
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH_SIZE])
        if not ids:
            break
        deleted += OutboxMessage.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < PRUNE_BATCH_SIZE:
            break
    logger.info("outbox pruned", extra={"deleted": deleted})
    return deleted
