from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "saleor_netterms.decisions"
    label = "decisions"
