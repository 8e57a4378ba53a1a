"""Thin Celery entrypoints: take ids, call the service (safe to run twice)."""
from celery import shared_task

from .services import outbox_deliver, outbox_deliver_due, outbox_delivery_scheduler_register


@shared_task(name="saleor_netterms.outbox.tasks.outbox_deliver_task", ignore_result=True)
def outbox_deliver_task(message_id: int) -> str:
    return outbox_deliver(message_id=message_id)


@shared_task(name="saleor_netterms.outbox.tasks.outbox_dispatch_due", ignore_result=True)
def outbox_dispatch_due() -> dict:
    return outbox_deliver_due()


outbox_delivery_scheduler_register(outbox_deliver_task.delay)  # after commit: deliver now, not at the next tick
