"""Every scheduled task (Celery beat) and every outbox deliverer names code that exists."""
from importlib import import_module

from django.conf import settings

from saleor_netterms.celery import app


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
