from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "saleor_netterms.reconciliation"
    label = "reconciliation"
