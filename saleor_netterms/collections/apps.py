from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "saleor_netterms.collections"
    label = "collections"
