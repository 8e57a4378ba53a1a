from django.apps import AppConfig


class MastersConfig(AppConfig):
    name = "saleor_netterms.masters"
    label = "masters"
