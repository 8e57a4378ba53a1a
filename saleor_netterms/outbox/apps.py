from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "saleor_netterms.outbox"
    label = "outbox"
