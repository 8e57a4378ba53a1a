"""Thin Celery entrypoints: take ids, call the service (safe to run twice)."""
from celery import shared_task

from .services import outbox_deliver, outbox_deliver_due, outbox_delivery_scheduler_register, outbox_prune_delivered


# One delivery is one short call to another system (Saleor: 3 s connect + 15 s read); the hard
# limit stays below the outbox lease (services.LEASE) so a leased message is never taken twice.
DELIVERY_SOFT_TIME_LIMIT, DELIVERY_TIME_LIMIT = 45, 60
# The tick stops claiming after OUTBOX_TICK_BUDGET_S; beat starts the next one 30 s later.
TICK_SOFT_TIME_LIMIT, TICK_TIME_LIMIT = 80, 100


@shared_task(name="saleor_netterms.outbox.tasks.outbox_deliver_task", ignore_result=True,
             soft_time_limit=DELIVERY_SOFT_TIME_LIMIT, time_limit=DELIVERY_TIME_LIMIT)
def outbox_deliver_task(message_id: int) -> str:
    return outbox_deliver(message_id=message_id)


@shared_task(name="saleor_netterms.outbox.tasks.outbox_dispatch_due", ignore_result=True,
             soft_time_limit=TICK_SOFT_TIME_LIMIT, time_limit=TICK_TIME_LIMIT)
def outbox_dispatch_due() -> dict:
    return outbox_deliver_due()


@shared_task(name="saleor_netterms.outbox.tasks.outbox_prune_task", ignore_result=True)
def outbox_prune_task() -> int:
    return outbox_prune_delivered()


outbox_delivery_scheduler_register(outbox_deliver_task.delay)  # after commit: deliver now, not at the next tick
