"""Every scheduled task (Celery beat) and every outbox deliverer names code that exists."""
from importlib import import_module

from django.conf import settings

from saleor_netterms.celery import app
from saleor_netterms.outbox import tasks as outbox_tasks
from saleor_netterms.outbox.services import LEASE


def test_every_beat_entry_names_a_registered_task():
    # given
    app.loader.import_default_modules()

    # when
    missing = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] not in app.tasks]

    # then
    assert missing == []


def test_every_outbox_deliverer_is_importable():
    # when
    missing = []
    for kind, path in settings.OUTBOX_DELIVERERS.items():
        module, _, name = path.rpartition(".")
        if not callable(getattr(import_module(module), name, None)):
            missing.append(kind)

    # then
    assert missing == []


def test_every_task_has_a_time_limit_and_the_outbox_lease_outlasts_a_delivery():
    # given

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.startswith("saleor_netterms.")}

    # when
    limits = {name: (task.soft_time_limit or app.conf.task_soft_time_limit,
                     task.time_limit or app.conf.task_time_limit) for name, task in ours.items()}

    # then
    assert len(ours) >= 7
    assert all(soft and hard and soft < hard for soft, hard in limits.values()), limits
    assert (settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT) == (540, 600)
    assert limits["saleor_netterms.outbox.tasks.outbox_deliver_task"] == (45, 60)
    assert limits["saleor_netterms.outbox.tasks.outbox_dispatch_due"] == (80, 100)
    assert outbox_tasks.DELIVERY_TIME_LIMIT < LEASE.total_seconds()
    assert settings.OUTBOX_TICK_BUDGET_S + 18 * 2 < outbox_tasks.TICK_SOFT_TIME_LIMIT  # + one delivery's two calls
