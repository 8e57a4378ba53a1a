from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "saleor_netterms.outbox"
    label = "outbox"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the Celery delivery as the after-commit scheduler
