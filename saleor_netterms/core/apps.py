from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saleor_netterms.core"
    label = "core"
